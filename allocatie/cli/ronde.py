"""CLI sub-command ``allocatie ronde``: run one allocation round end to end."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import (
    STDOUT,
    JsonOptie,
    StilOptie,
    huishoudens,
    maak_console,
    meld_fouten,
    naar_stdout,
    nl_getal,
    personen,
    stille_meldingen,
)
from allocatie.cli.voortgang import TerminalVoortgang
from allocatie.invoer.laden import laad_ronde
from allocatie.invoer.vorige import lees_vorige_uitkomst
from allocatie.io.atomisch import controleer_uitvoerbestand
from allocatie.io.herstel import bewaar_bij_fout
from allocatie.io.lezen import lees_config
from allocatie.io.uitvoermap import (
    controleer_buiten,
    controleer_uitvoermap,
    schat_ruimte,
    uitvoerplek,
)
from allocatie.kern.meegeleverd import voorbeeld_map
from allocatie.kern.voortgang import fase
from allocatie.reports.archief import controleer_archiefpad, kopieer_archief
from allocatie.reports.tekst import console_tekst as _t
from allocatie.reports.uitvoer import (
    ARCHIEF,
    json_tekst,
    niveaus_tabel,
    samenvatting,
    schrijf_json,
    schrijf_uitvoer,
    verklaringen,
)
from allocatie.resultaat.explain import verklaar
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance
from allocatie.strategie.oplossen import los_op

#: The example round shipped with the project, run when no round is given.
VOORBEELD = voorbeeld_map() / "ronde.toml"


def _slug(tekst: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", tekst.lower()).strip("-") or "ronde"


def _rondemap(pad: Path) -> Path:
    """The round folder of ``pad`` (a ``ronde.toml`` or its folder)."""
    return pad if pad.is_dir() else pad.parent


def invoerpaden(pad: Path, model: str | None, vorige: Path | None) -> list[Path]:
    """Every input of a round run: its folder, ``ronde.toml``, the files it names, a preset
    file and the previous outcome; the output folder may not be or contain any of them."""
    config = lees_config(pad)
    paden = [config.map, *config.bestanden.values()]
    if config.rondebestand is not None:
        paden.append(config.rondebestand)
    if model is not None and model.endswith(".toml"):
        paden.append(Path(model))
    elif model is None and config.model.endswith(".toml"):
        paden.append(config.map / config.model)
    if vorige is not None:
        paden.append(vorige)
    return paden


#: Columns of the console's per-gemeente table: source column -> header (persons throughout).
CONSOLE_KOLOMMEN: dict[str, str] = {
    "gemeente_naam": "gemeente",
    "taakstelling": "taak-\nstelling",
    "achterstand": "achter-\nstand",
    "voorsprong": "voor-\nsprong",
    "gerealiseerd": "gereali-\nseerd",
    "opgave": "opgave",
    "geplaatst": "ge-\nplaatst",
    "tekort": "tekort",
    "overvulling": "over-\nvulling",
}
#: The swap columns, after ``opgave`` in a round with taakstelling swaps.
CONSOLE_RUILKOLOMMEN: dict[str, str] = {
    "ruil_af": "ruil\naf",
    "ruil_bij": "ruil\nbij",
    "opgave_na_ruil": "opgave\nna ruil",
}
CONSOLE_UITLEG = "Alles in personen; per rij: opgave = geplaatst + tekort − overvulling."
CONSOLE_UITLEG_RUIL = (
    "Alles in personen; per rij: opgave na ruil = opgave − ruil af + ruil bij "
    "= geplaatst + tekort − overvulling."
)


def console_kolommen(ruil: bool) -> dict[str, str]:
    """The console table's columns (`CONSOLE_KOLOMMEN`), with the swap columns when ``ruil``."""
    if not ruil:
        return dict(CONSOLE_KOLOMMEN)
    uit: dict[str, str] = {}
    for bron, kop in CONSOLE_KOLOMMEN.items():
        uit[bron] = kop
        if bron == "opgave":
            uit.update(CONSOLE_RUILKOLOMMEN)
    return uit


def toon_resultaat(
    console: Console,
    inst: Instance,
    res: AllocationResult,
    verklaring: pd.DataFrame | None = None,
) -> None:
    """Print the Dutch summary: per gemeente, totals, solver, levels.

    ``verklaring`` is the per-household explanation (`allocatie.resultaat.explain.verklaar`),
    computed here when not given.
    """
    tabel = Table(
        title=f"{_t(inst.naam)} ({inst.periode.label}) — model '{_t(inst.preset.naam)}'",
        caption=CONSOLE_UITLEG_RUIL if inst.preset.ruil.toegestaan else CONSOLE_UITLEG,
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
    )
    kolommen = console_kolommen(inst.preset.ruil.toegestaan)
    for kop in kolommen.values():
        if kop == "gemeente":
            tabel.add_column(kop, justify="left", no_wrap=True)
        else:
            tabel.add_column(kop, justify="right", no_wrap=True)
    g = res.per_gemeente
    for r in g.to_dict(orient="records"):
        cellen = [f"{_t(r['gemeente_naam'])} ({_t(r['gemeente_code'])})"]
        for bron in list(kolommen)[1:]:
            waarde = int(r[bron])
            cellen.append(f"[red]{waarde}[/red]" if bron == "tekort" and waarde else str(waarde))
        tabel.add_row(*cellen)
    tabel.add_section()
    tabel.add_row("[bold]totaal[/bold]", *(str(int(g[k].sum())) for k in list(kolommen)[1:]))
    console.print(tabel)
    s = res.samenvatting()["aantallen"]
    console.print(
        f"Geplaatst: {huishoudens(s['huishoudens_geplaatst'])} "
        f"({personen(s['personen_geplaatst'])}); onbediend: "
        f"{huishoudens(s['huishoudens_onbediend'])} ({personen(s['personen_onbediend'])})."
    )
    slechtst = g.loc[g["relatief_tekort"].idxmax()] if len(g) else None
    console.print(
        f"Tekort op de taakstellingen: {personen(s['tekort'])} in "
        f"{int((g['tekort'] > 0).sum())} van {len(g)} gemeenten"
        + (
            f"; grootste relatieve tekort {nl_getal(100 * slechtst['relatief_tekort'], 1)}% "
            f"({_t(slechtst['gemeente_naam'])})"
            if slechtst is not None and slechtst["tekort"] > 0
            else ""
        )
        + f"; daarvan {personen(int(g['tekort_door_aanbod'].sum()))} door te weinig eigen "
        f"aanbod. Eerlijkheid (grootste vermijdbare relatieve tekort): "
        f"{nl_getal(100 * res.doelwaarden['eerlijkheid'], 1)}%."
    )
    if inst.preset.ruil.toegestaan:
        console.print(_t(ruilregel(inst, res), None))
    toon_onbediend(console, inst, res, verklaring=verklaring)
    toon_onhaalbaar(console, res)
    toon_verschuivingen(console, res)
    console.print(niveautabel(res))
    gap = "onbekend" if res.gap is None else f"{100 * res.gap:.3f}%".replace(".", ",")
    console.print(
        f"Solver: {res.solver}; status: [bold]{res.status.value}[/bold]; gap: {gap}; "
        f"rekentijd: {nl_getal(res.wall_s, 2)} s (model bouwen {nl_getal(res.bouw_s, 2)} s); "
        f"onafhankelijke controle: [green]geslaagd[/green]."
    )
    for zin in res.strategie:
        console.print(f"Strategie: {zin}.")
    if res.reproduceerbaar:
        console.print(
            "Reproduceerbaar: elk niveau bleef binnen zijn rekenwerk (--inspanning); dezelfde "
            "invoer en opties geven dezelfde verdeling, op elke machine en bij elke belasting."
        )
    else:
        ingegrepen = ", ".join(n.naam for n in res.niveaus if n.klok) or "na de niveaus"
        console.print(
            f"[yellow]Niet reproduceerbaar:[/yellow] de tijdslimiet greep in ({ingegrepen}); "
            "een nieuwe run kan een andere verdeling geven. Verhoog --tijdslimiet of verlaag "
            "--inspanning."
        )


def _niveaugetal(waarde: float | None, eenheid: str) -> str:
    """A level's value in its unit: whole persons or households, a share in %, costs."""
    if waarde is None or pd.isna(waarde):
        return "-"
    if eenheid in ("personen", "huishoudens"):
        return nl_getal(round(waarde))
    if eenheid == "aandeel":
        return f"{nl_getal(100 * waarde, 1)}%"
    return nl_getal(waarde, 2)


def niveautabel(res: AllocationResult) -> Table:
    """The console's table of the objective levels, each with what it counts.

    ``waarde`` is the level's value when it was solved; ``eindwaarde`` its
    value in the final placements, the figure the summary lines and the files
    count (`allocatie.reports.overzicht.niveaus_tabel`).
    """
    tabel = Table(
        title="Doelniveaus (lexicografisch)",
        caption="eindwaarde: uit de uiteindelijke plaatsingen, zoals in de samenvatting "
        "hierboven; waarde: bij het oplossen van dat niveau",
    )
    for kop in ("niveau", "telt", "status", "waarde", "grens", "gap", "eindwaarde", "tijd (s)"):
        tabel.add_column(kop, justify="left" if kop in ("niveau", "telt", "status") else "right")
    for r in niveaus_tabel(res).to_dict(orient="records"):
        e = str(r["eenheid"])
        tabel.add_row(
            str(r["niveau"]),
            e,
            str(r["status"]),
            _niveaugetal(r["waarde"], e),
            _niveaugetal(r["grens"], e),
            "-" if pd.isna(r["gap"]) else f"{100 * r['gap']:.3f}%".replace(".", ","),
            _niveaugetal(r["herberekend"], e),
            nl_getal(r["tijd_s"], 2),
        )
    return tabel


def toon_onbediend(
    console: Console,
    inst: Instance,
    res: AllocationResult,
    maximum: int = 10,
    *,
    verklaring: pd.DataFrame | None = None,
) -> None:
    """Print at most ``maximum`` unplaced households with their reason (`verklaar`)."""
    v = verklaar(inst, res) if verklaring is None else verklaring
    niet = v[v["geplaatst_in"] == ""]
    if niet.empty:
        return
    tabel = Table(title=f"Onbediend: {huishoudens(len(niet))} en waarom")
    for kop in ("huishouden", "personen", "passende opties", "reden"):
        tabel.add_column(kop, justify="right" if kop in ("personen", "passende opties") else "left")
    for r in niet.head(maximum).itertuples(index=False):
        tabel.add_row(
            _t(r.huishouden_id), str(r.personen), str(r.passende_opties), _t(r.reden, None)
        )
    if len(niet) > maximum:
        tabel.add_row(
            "…", "", "", f"en nog {huishoudens(len(niet) - maximum)} (zie verklaring.csv)"
        )
    console.print(tabel)


def toon_onhaalbaar(console: Console, res: AllocationResult, maximum: int = 10) -> None:
    """Print the households whose hard criteria conflict (`AllocationResult.onhaalbaar`)."""
    o = res.onhaalbaar
    if o.empty:
        return
    tabel = Table(
        title=f"Onhaalbaar: {huishoudens(len(o))} waarvan de harde criteria elkaar tegenspreken"
    )
    for kop in ("huishouden", "personen", "criteria", "conflict (opties per criterium)"):
        tabel.add_column(kop, justify="right" if kop == "personen" else "left")
    for r in o.head(maximum).itertuples(index=False):
        tabel.add_row(
            _t(r.huishouden_id), str(r.personen), _t(r.criteria, None), _t(r.conflict, None)
        )
    if len(o) > maximum:
        tabel.add_row("…", "", "", f"en nog {huishoudens(len(o) - maximum)} (zie onhaalbaar.csv)")
    console.print(tabel)


def ruilregel(inst: Instance, res: AllocationResult, maximum: int = 5) -> str:
    """One Dutch line on the taakstelling swaps of a round with ``[ruil]`` on."""
    r = res.ruilingen
    regio = inst.preset.ruil.regio
    if r.empty:
        return f"Ruil van taakstelling (binnen de {regio}): niet nodig, niemand ruilt."
    paren = "; ".join(
        f"{a} → {b}: {personen(int(p))}"
        for a, b, p in zip(r["van_naam"], r["naar_naam"], r["personen"], strict=True)
    )
    n = len(r) - maximum
    meer = (
        f" en nog {n} {'ruiling' if n == 1 else 'ruilingen'} (zie ruilingen.csv)" if n > 0 else ""
    )
    if len(r) > maximum:
        paren = "; ".join(paren.split("; ")[:maximum])
    return (
        f"Ruil van taakstelling (Huisvestingswet art. 29 lid 2, binnen de {regio}): "
        f"{personen(int(r['personen'].sum()))} overgedragen in {len(r)} "
        f"{'ruiling' if len(r) == 1 else 'ruilingen'}: {paren}{meer}."
    )


def toon_verschuivingen(console: Console, res: AllocationResult, maximum: int = 20) -> None:
    """Print what moved against the previous outcome and why (re-runs only)."""
    if res.vorige is None:
        return
    v = res.verschuivingen
    telt = int(v["telt_mee"].astype(bool).sum()) if len(v) else 0
    if v.empty:
        console.print(
            f"Verschuivingen t.o.v. de vorige uitkomst ({_t(res.vorige.bron, None)}): geen; elke "
            "plaatsing is gebleven."
        )
        return
    tabel = Table(
        title=f"Verschuivingen t.o.v. de vorige uitkomst: {huishoudens(telt)} "
        f"{'verhuist of verliest zijn' if telt == 1 else 'verhuizen of verliezen hun'} woning "
        f"({_t(res.vorige.bron, None)})"
    )
    for kop in ("huishouden", "personen", "soort", "vorige optie", "nieuwe optie", "waarom"):
        tabel.add_column(kop, justify="right" if kop == "personen" else "left")
    for r in v.head(maximum).itertuples(index=False):
        tabel.add_row(
            _t(r.huishouden_id),
            "" if pd.isna(r.personen) else str(r.personen),
            _t(r.soort),
            _t(r.vorige_optie) or "-",
            _t(r.nieuwe_optie) or "-",
            _t(r.reden, None),
        )
    if len(v) > maximum:
        tabel.add_row(
            "…", "", "", "", "", f"en nog {huishoudens(len(v) - maximum)} (zie verschuivingen.csv)"
        )
    console.print(tabel)


@app.command("ronde")
def ronde(
    rondebestand: Annotated[
        Path | None,
        typer.Argument(
            help="ronde.toml of de map ervan; zonder argument de meegeleverde voorbeeldronde "
            "(schrijf die met allocatie voorbeeld MAP om hem te bekijken).",
            show_default=False,
        ),
    ] = None,
    uitvoer: Annotated[
        Path | None,
        typer.Option("--uitvoer", "-u", help="Uitvoermap. Standaard: uitvoer/<periode>-<naam>."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Modelpreset: naam van een meegeleverde preset (standaard, werk-eerst, ruil) of "
            "een .toml-bestand; vervangt model uit \\[ronde] in ronde.toml.",
        ),
    ] = None,
    json_pad: JsonOptie = None,
    backend: Annotated[
        str | None, typer.Option("--solver", help="Solver: highs (standaard) of cbc.")
    ] = None,
    tijdslimiet: Annotated[
        float | None, typer.Option("--tijdslimiet", help="Tijdslimiet in seconden (alle niveaus).")
    ] = None,
    gap: Annotated[
        float | None, typer.Option("--gap", help="Relatieve MIP-gap per niveau.")
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            help="1 = strikt na elkaar; 0 (auto) of meer: één zoektocht naast de hoofdlijn. "
            "De verdeling is in beide gevallen dezelfde.",
        ),
    ] = None,
    inspanning: Annotated[
        float | None,
        typer.Option(
            "--inspanning",
            help="Rekenwerk per niveau als veelvoud van de standaard (1): knopen per deel-MIP, "
            "zoekstappen. Werk, geen seconden: dezelfde invoer geeft dezelfde verdeling, ook op "
            "een drukke machine. De tijdslimiet is alleen een vangnet; grijpt die in, dan meldt "
            "de uitvoer 'niet reproduceerbaar'.",
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed voor de solver.")] = None,
    archief: Annotated[
        Path | None,
        typer.Option(
            "--archief",
            metavar="PAD",
            help="Het rondearchief staat altijd als ronde.gpkg in de uitvoermap (GeoPackage "
            "voor QGIS; de volgende periode leest er haar overloop uit met allocatie "
            "taakstelling --vorige). Met --archief komt er een kopie op PAD bij, bijv. "
            "archief/2025-I.gpkg, om de archieven van alle periodes bij elkaar te houden.",
            show_default=False,
        ),
    ] = None,
    vorige_uitkomst: Annotated[
        Path | None,
        typer.Option(
            "--vorige-uitkomst",
            metavar="PAD",
            help="Herhaalde ronde: de uitvoermap van de vorige keer (of haar plaatsingen.csv of "
            "ronde.gpkg). Elke plaatsing die kan blijven, blijft (doelniveau stabiliteit); wat "
            "verschuift en waarom staat in verschuivingen.csv.",
            show_default=False,
        ),
    ] = None,
    overschrijf: Annotated[
        bool,
        typer.Option("--overschrijf", help="Vervang een bestaande uitvoermap (en --archief)."),
    ] = False,
    stil: StilOptie = False,
) -> None:
    """Voer een allocatieronde uit: inlezen, controleren, optimaliseren, verifiëren, rapporteren.

    Voortgang (elke fase met haar duur) verschijnt op stderr; het overzicht op stdout.
    """
    json_stdout = json_pad == STDOUT
    console = maak_console(stderr=json_stdout, stil=stil)
    with contextlib.ExitStack() as stapel:
        stapel.enter_context(meld_fouten())
        stapel.enter_context(stille_meldingen(stil))
        voortgang = None if stil else stapel.enter_context(TerminalVoortgang())
        gestart = dt.datetime.now().astimezone()
        # Refuse what cannot be written before the work, not after it.
        if archief is not None:
            controleer_archiefpad(archief, overschrijf=overschrijf)
        if json_pad is not None and not json_stdout:
            controleer_uitvoerbestand(json_pad)
        pad = rondebestand or VOORBEELD
        if uitvoer is not None:
            invoermap = [_rondemap(pad)] if pad.exists() else []
            controleer_uitvoermap(uitvoer, overschrijf=overschrijf, invoer=invoermap)
        vorige = None if vorige_uitkomst is None else lees_vorige_uitkomst(vorige_uitkomst)
        inst = laad_ronde(
            pad,
            voortgang=voortgang,
            model=model,
            backend=backend,
            tijdslimiet_s=tijdslimiet,
            gap_relatief=gap,
            threads=threads,
            seed=seed,
            inspanning=inspanning,
        )
        doel = uitvoer or Path("uitvoer") / f"{inst.periode.label}-{_slug(inst.naam)}"
        # Hold the output folder from here on: no other run writes there, leftovers of a
        # killed run are cleaned up, and whatever cannot be written is refused now.
        invoer = invoerpaden(pad, model, vorige_uitkomst)
        stapel.enter_context(
            uitvoerplek(doel, overschrijf=overschrijf, invoer=invoer, ruimte=schat_ruimte(invoer))
        )
        controleer_buiten(doel, {"--archief": archief, "--json": None if json_stdout else json_pad})
        console.print(
            f"Ronde [bold]{_t(inst.naam)}[/bold]: {len(inst.gemeenten)} gemeenten, "
            f"{huishoudens(inst.n_huishoudens)} "
            f"({personen(int(inst.huishoudens['personen'].sum()))}), "
            f"{len(inst.opties)} woonopties; solver {inst.solver.backend}, "
            f"inspanning {nl_getal(inst.solver.inspanning)}, "
            f"tijdslimiet {nl_getal(inst.solver.tijdslimiet_s)} s (vangnet)."
            + (
                ""
                if vorige is None
                else f" Herhaalde ronde: vorige uitkomst {_t(vorige.bron, None)} "
                f"({huishoudens(len(vorige.plaatsingen))} geplaatst)."
            )
        )
        res = los_op(inst, voortgang=voortgang, vorige=vorige)  # verified before it is returned
        klaar = dt.datetime.now().astimezone()
        # From here until the output folder is written a failure must not lose the solved
        # result: it is kept in a recovery folder for `allocatie schrijf`.
        bewaard = {"inst": inst, "res": res, "gestart": gestart, "klaar": klaar}
        with bewaar_bij_fout("ronde", bewaard, doel, overschrijf=overschrijf):
            for signaal in res.signalen:
                console.print(f"[yellow]Signaal:[/yellow] {_t(signaal, None)}")
            # Once for the overview and the output (a national round takes seconds).
            with fase(voortgang, "verklaring", "Verklaringen opstellen"):
                verklaring = verklaringen(inst, res)
            if not stil:
                toon_resultaat(console, inst, res, verklaring["verklaring"])
            schrijf_uitvoer(
                inst,
                res,
                doel,
                overschrijf=overschrijf,
                gestart=gestart,
                klaar=klaar,
                verklaring=verklaring,
                voortgang=voortgang,
            )
        console.print(
            f"Uitvoer geschreven naar [bold]{_t(doel, None)}[/bold] (CSV, allocatie.xlsx, "
            "rapport.html met rapport-bijlage.html, "
            f"kaart.png, samenvatting.json en het rondearchief {ARCHIEF})."
        )
        if archief is not None:
            with fase(voortgang, "archief", "Rondearchief kopiëren"):
                kopieer_archief(doel / ARCHIEF, archief, overschrijf=overschrijf)
            console.print(
                f"Rondearchief gekopieerd naar [bold]{_t(archief, None)}[/bold] (GeoPackage)."
            )
        if json_pad is not None:
            data = samenvatting(inst, res)
            if json_stdout:
                naar_stdout(json_tekst(data))
            else:
                schrijf_json(data, json_pad)
                console.print(
                    f"Samenvatting (JSON) geschreven naar [bold]{_t(json_pad, None)}[/bold]."
                )
