"""CLI sub-command ``allocatie toezicht``: the provincial supervision over half-years."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import (
    StilOptie,
    maak_console,
    meld_fouten,
    nl_getal,
    stille_meldingen,
)
from allocatie.io.atomisch import atomische_map
from allocatie.io.uitvoermap import uitvoerplek
from allocatie.toezicht.config import lees_toezicht
from allocatie.toezicht.dossier import Dossier
from allocatie.toezicht.invoer import lees_provincies
from allocatie.toezicht.laden import invoerbestanden, laad_dossier
from allocatie.toezicht.uitvoer import schrijf_toezicht


def _toon(console: Console, dossier: Dossier, halfjaren: int | None) -> None:
    o = dossier.overzicht(halfjaren)
    datum = dossier.dossier["peildatum"].max()
    tabel = Table(
        title=f"Stand op {datum:%d-%m-%Y} (peildatum van {dossier.laatste})", show_edge=False
    )
    for kop in (
        "Code",
        "Gemeente",
        "Saldo per halfjaar",
        "Eigen achterstand",
        "Verschoonbaar (samen)",
        "Halfjaren achter",
        "Trede",
    ):
        tabel.add_column(kop, justify="left" if kop in {"Code", "Gemeente", "Trede"} else "right")
    for r in o.sort_values(
        ["halfjaren_achter", "gemeente_code"], ascending=[False, True]
    ).itertuples():
        tabel.add_row(
            str(r.gemeente_code),
            escape(str(r.gemeente_naam)),
            str(r.status),
            nl_getal(int(r.achterstand_eigen)),
            "–"
            if pd.isna(r.tekort_door_aanbod_totaal)
            else nl_getal(int(r.tekort_door_aanbod_totaal)),
            str(r.halfjaren_achter),
            str(r.trede),
        )
    console.print(tabel)
    for w in dossier.waarschuwingen:
        console.print(f"[yellow]Let op:[/yellow] {escape(w)}")


@app.command("toezicht")
def toezicht(
    configbestand: Annotated[
        Path,
        typer.Argument(
            metavar="TOEZICHT_TOML",
            help="toezicht.toml (of de map ervan): halfjaren, inwoners, realisatie, "
            "koppelingen, herindelingen en de interventieladder (zie docs/toezicht.md).",
            show_default=False,
        ),
    ],
    uitvoer: Annotated[
        Path,
        typer.Option(
            "--uitvoer",
            help="Uitvoermap: per provincie een werkboek en een rapportpagina (HTML), en de "
            "tabellen als CSV.",
            show_default=False,
        ),
    ],
    halfjaren: Annotated[
        int | None,
        typer.Option(
            "--halfjaren",
            min=1,
            help="Toon in werkboek en rapport alleen de laatste N halfjaren (het tellen van "
            "halfjaren achter gebruikt ze allemaal).",
            show_default=False,
        ),
    ] = None,
    overschrijf: Annotated[
        bool, typer.Option("--overschrijf", help="Vervang een bestaande uitvoermap.")
    ] = False,
    stil: StilOptie = False,
) -> None:
    """Toezicht op de taakstelling over halfjaren: stand, achterstand, ladder en verschoonbaar deel.

    Per gemeente: taakstelling, achterstand of voorsprong, realisatie op de peildata (1 januari,
    1 juli), het aantal halfjaren achter elkaar achter, de trede van de interventieladder en
    het deel van de achterstand dat niet aan de gemeente ligt (te weinig koppelingen door het
    COA).
    """
    console = maak_console(stderr=False, stil=stil)
    with contextlib.ExitStack() as stapel:
        stapel.enter_context(meld_fouten())
        stapel.enter_context(stille_meldingen(stil))
        config = lees_toezicht(configbestand)
        invoer = [*invoerbestanden(config), configbestand]
        doel = stapel.enter_context(uitvoerplek(uitvoer, overschrijf=overschrijf, invoer=invoer))
        dossier = laad_dossier(config)
        provincies = (
            lees_provincies(config.bestanden["provincies"])
            if "provincies" in config.bestanden
            else None
        )
        with atomische_map(doel, overschrijf=overschrijf) as tmp:
            geschreven = schrijf_toezicht(
                dossier,
                tmp,
                titel=config.naam,
                provincies=provincies,
                standaard_provincie=config.provincie,
                halfjaren=halfjaren,
            )
        _toon(console, dossier, halfjaren)
        namen = ", ".join(p.name for p in geschreven)
        console.print(f"Uitvoer geschreven naar {doel} ({namen}).", markup=False, highlight=False)
