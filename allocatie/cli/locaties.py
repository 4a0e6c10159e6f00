"""CLI sub-command ``allocatie locaties``: choose k sites for facilities (LVV, flex, reception).

Reads gemeenten, a demand CSV and candidate sites (`allocatie.locaties.invoer`),
chooses ``k`` sites with one of three models (`allocatie.locaties.oplossen`),
evaluates a comparison set (today's locations) under the same model, prints a
Dutch overview and writes the output folder atomically
(`allocatie.locaties.uitvoer`).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import (
    STDOUT,
    JsonOptie,
    StilOptie,
    maak_console,
    meld_fouten,
    naar_stdout,
    nl_getal,
    stille_meldingen,
)
from allocatie.io.atomisch import controleer_uitvoerbestand
from allocatie.io.uitvoermap import controleer_buiten, controleer_uitvoermap, uitvoerplek
from allocatie.kern.errors import ConfiguratieFout
from allocatie.locaties.invoer import bouw_probleem
from allocatie.locaties.oplossen import (
    STANDAARD_OPTIES,
    Locatieuitkomst,
    evalueer_locaties,
    kies_locaties,
)
from allocatie.locaties.probleem import MODELLEN, Modelkeuze
from allocatie.locaties.uitvoer import (
    BESTANDEN,
    MODELNAMEN,
    samenvatting,
    schrijf_locatieuitvoer,
    statistiek_tabel,
)
from allocatie.reports.uitvoer import json_tekst, schrijf_json
from allocatie.spatial.reistijd import MODI


def _ids(tekst: str | None) -> list[str]:
    return [s.strip() for s in (tekst or "").split(",") if s.strip()]


def _cel(v: Any, maat: str) -> str:
    if isinstance(v, str):
        return escape(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if maat == "binnen_limiet":
        return f"{nl_getal(100 * float(v), 1)}%"
    if maat in ("doel", "gemeenten_buiten_limiet"):
        return nl_getal(float(v))
    return nl_getal(float(v), 1)


def _status_tekst(u: Locatieuitkomst) -> str:
    if u.optimaal:
        return "bewezen optimaal"
    gap = "onbekend" if u.gap is None else f"{nl_getal(100 * u.gap, 2)}%"
    klok = "; de tijdslimiet (vangnet) greep in" if u.klok else ""
    return f"{u.status.value}, gap {gap}{klok}"


@app.command("locaties")
def locaties(
    gemeenten: Annotated[
        str,
        typer.Option(
            "--gemeenten",
            help="Gemeentegrenzen: BESTAND[:LAAG] met gemeente_code/gemeente_naam of "
            "statcode/statnaam (bijv. de CBS-gebiedsindelingen of "
            "data/voorbeeld/gemeenten.geojson).",
            show_default=False,
        ),
    ],
    vraag: Annotated[
        Path,
        typer.Option(
            "--vraag",
            help="CSV met gemeente_code en een gewicht per gemeente (inwoners of verwachte "
            "cliënten); alleen deze gemeenten zijn vraagpunten.",
            show_default=False,
        ),
    ],
    k: Annotated[
        int,
        typer.Option(
            "--k",
            min=1,
            help="Aantal te openen locaties (vaste locaties tellen mee).",
            show_default=False,
        ),
    ],
    kandidaten: Annotated[
        str | None,
        typer.Option(
            "--kandidaten",
            help="CSV of puntenbestand met locatie_id en eventueel naam, gemeente_code, x, y "
            "(RD), capaciteit, vast, huidig. Zonder: elke gemeente is een kandidaat.",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option("--model", help=f"Model: {', '.join(MODELLEN)}."),
    ] = "pmediaan",
    gewicht_kolom: Annotated[
        str, typer.Option("--gewicht-kolom", help="Kolom van de vraag-CSV met het gewicht.")
    ] = "inwoners",
    limiet: Annotated[
        float | None,
        typer.Option(
            "--limiet",
            min=0.0,
            help="Reistijdlimiet in minuten: verplicht bij 'dekking', anders alleen gerapporteerd.",
            show_default=False,
        ),
    ] = None,
    toewijzing: Annotated[
        str,
        typer.Option(
            "--toewijzing",
            help="Bij 'capaciteit': enkelvoudig (elke gemeente naar één locatie) of splitsbaar.",
        ),
    ] = "enkelvoudig",
    tweede_niveau: Annotated[
        bool,
        typer.Option(
            "--tweede-niveau",
            help="Bij 'dekking': kies onder de sets met de grootste dekking die met de kleinste "
            "gewogen reistijd.",
        ),
    ] = False,
    capaciteit: Annotated[
        float | None,
        typer.Option(
            "--capaciteit",
            min=0.0,
            help="Capaciteit (in eenheden van het gewicht) van elke kandidaat zonder eigen "
            "capaciteit.",
            show_default=False,
        ),
    ] = None,
    vast: Annotated[
        str | None,
        typer.Option(
            "--vast",
            help="Locaties die open moeten (kommagescheiden locatie_id's), naast de kolom 'vast'.",
            show_default=False,
        ),
    ] = None,
    vergelijk: Annotated[
        str | None,
        typer.Option(
            "--vergelijk",
            help="Vergelijk met deze locaties (kommagescheiden locatie_id's, bijv. de huidige); "
            "standaard de rijen met huidig = ja.",
            show_default=False,
        ),
    ] = None,
    modus: Annotated[
        str,
        typer.Option("--modus", help=f"Vervoerswijze van de reistijdschatting: {', '.join(MODI)}."),
    ] = "auto",
    reistijden: Annotated[
        Path | None,
        typer.Option(
            "--reistijden",
            help="Eigen reistijden: CSV van,naar,minuten[,modus] op gemeenteniveau.",
            show_default=False,
        ),
    ] = None,
    aanvullen: Annotated[
        bool,
        typer.Option(
            "--aanvullen", help="Vul paren die in --reistijden ontbreken met de schatting."
        ),
    ] = False,
    tijdslimiet: Annotated[
        float,
        typer.Option(
            "--tijdslimiet",
            min=0.01,
            help="Vangnet in seconden per oplossing; grijpt het in, dan meldt de uitkomst dat.",
        ),
    ] = STANDAARD_OPTIES.tijdslimiet_s,
    gap: Annotated[
        float, typer.Option("--gap", min=0.0, help="Relatieve MIP-gap (0 = bewezen optimaal).")
    ] = 0.0,
    uitvoer: Annotated[
        Path | None,
        typer.Option("--uitvoer", "-u", help="Uitvoermap. Standaard: uitvoer/locaties-<model>."),
    ] = None,
    json_pad: JsonOptie = None,
    overschrijf: Annotated[
        bool, typer.Option("--overschrijf", help="Vervang een bestaande uitvoermap.")
    ] = False,
    stil: StilOptie = False,
) -> None:
    """Kies k locaties voor voorzieningen (LVV, flexlocaties, opvang) en vergelijk met de huidige.

    Modellen: p-mediaan (minimale gewogen reistijd), capaciteit (locaties met een
    capaciteit; enkelvoudige of splitsbare toewijzing) en dekking (maximale vraag binnen
    een reistijdlimiet). Opgelost met HiGHS, één thread, reproduceerbaar.
    """
    json_stdout = json_pad == STDOUT
    console = maak_console(stderr=json_stdout, stil=stil)
    with contextlib.ExitStack() as stapel:
        stapel.enter_context(meld_fouten())
        stapel.enter_context(stille_meldingen(stil))
        if modus not in MODI:
            raise ConfiguratieFout(
                f"onbekende vervoerswijze; kies uit {', '.join(MODI)}",
                kolom="--modus",
                waarde=modus,
            )
        keuze = Modelkeuze(
            model=model,
            k=k,
            limiet_min=limiet,
            toewijzing=toewijzing,
            tweede_niveau=tweede_niveau,
        )
        if json_pad is not None and not json_stdout:
            controleer_uitvoerbestand(json_pad)
        if uitvoer is not None:
            controleer_uitvoermap(uitvoer, overschrijf=overschrijf)
        inv = bouw_probleem(
            gemeenten,
            vraag,
            kandidaten,
            gewicht_kolom=gewicht_kolom,
            modus=modus,
            od_pad=reistijden,
            aanvullen=aanvullen,
            capaciteit=capaciteit,
        )
        p = inv.probleem
        if vast:
            v = p.vast.copy()
            v[p.posities(_ids(vast), bron="--vast", kolom="locatie_id")] = True
            p = replace(p, vast=v)
        vergelijk_ids = _ids(vergelijk) if vergelijk is not None else list(inv.huidig)
        doel = uitvoer or Path("uitvoer") / f"locaties-{model}"
        stapel.enter_context(uitvoerplek(doel, overschrijf=overschrijf, invoer=inv.bestanden))
        controleer_buiten(doel, {"--json": None if json_stdout else json_pad})
        opties = replace(STANDAARD_OPTIES, tijdslimiet_s=tijdslimiet, gap_relatief=gap)
        console.print(
            f"Locatiekeuze: [bold]{MODELNAMEN[model]}[/bold], k = {k}; "
            f"{nl_getal(p.n_vraag)} gemeenten met vraag {nl_getal(p.totale_vraag)}, "
            f"{nl_getal(p.n_kandidaten)} kandidaten ({int(p.vast.sum())} vast); reistijden: "
            f"{escape(p.bron)}.",
            highlight=False,
        )
        u = kies_locaties(p, keuze, opties=opties)
        ver = evalueer_locaties(p, keuze, vergelijk_ids, opties=opties) if vergelijk_ids else None
        sets = {"gekozen": u} | ({"vergelijking": ver} if ver is not None else {})
        stat = statistiek_tabel(p, sets)
        t = Table(title="Reistijden: gekozen locaties" + (" en vergelijking" if ver else ""))
        t.add_column("maat")
        for naam in sets:
            t.add_column(naam, justify="right")
        for r in stat.itertuples(index=False):
            if r.maat in ("locaties", "status"):
                continue
            t.add_row(r.omschrijving, *(_cel(getattr(r, n), r.maat) for n in sets))
        console.print(t)
        console.print(
            "Gekozen: "
            + escape(
                ", ".join(
                    f"{p.kandidaat_namen[j]} ({p.kandidaat_ids[j]})" for j in u.gekozen.tolist()
                )
            ),
            highlight=False,
        )
        console.print(
            f"Oplossing: {_status_tekst(u)} ({escape(u.solver)}, {nl_getal(u.tijd_s, 1)} s).",
            highlight=False,
        )
        if ver is not None and not ver.status.heeft_oplossing:
            console.print(
                "De vergelijkingsset kan niet alle vraag bedienen binnen de "
                "capaciteiten (onhaalbaar).",
                style="yellow",
            )
        kop = {
            "model": model,
            "k": k,
            "limiet_min": limiet,
            "toewijzing": toewijzing if model == "capaciteit" else None,
            "tweede_niveau": tweede_niveau if model == "dekking" else None,
            "gewicht_kolom": gewicht_kolom,
            "modus": modus,
            "vast": [p.kandidaat_ids[j] for j in np.flatnonzero(p.vast).tolist()],
            "vergelijking": vergelijk_ids,
        }
        schrijf_locatieuitvoer(
            doel, p, inv.gemeenten, u, vergelijking=ver, kop=kop, overschrijf=overschrijf
        )
        console.print(
            f"Uitvoer geschreven naar [bold]{escape(str(doel))}[/bold] ({', '.join(BESTANDEN)})."
        )
        if json_pad is not None:
            data = samenvatting(p, sets, kop)
            if json_stdout:
                naar_stdout(json_tekst(data))
            else:
                schrijf_json(data, json_pad)
