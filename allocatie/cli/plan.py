"""CLI sub-command ``allocatie plan``: plan flexible capacity under inflow scenarios.

Reads a ``plan.toml`` (`allocatie.planning.invoer.config`), solves the stochastic
plan and the policies it is compared with and the sensitivity variants
(`allocatie.planning.uitvoer.vergelijking.plan_flexcapaciteit`, in parallel), re-checks
every outcome independently (`allocatie.planning.uitvoer.schrijf.controleer_vergelijking`),
prints a Dutch overview and writes the output folder atomically
(`allocatie.planning.uitvoer.schrijf.schrijf_planuitvoer`).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
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
from allocatie.cli.voortgang import TerminalVoortgang
from allocatie.io.atomisch import controleer_uitvoerbestand
from allocatie.io.herstel import bewaar_bij_fout
from allocatie.io.uitvoermap import (
    controleer_buiten,
    controleer_uitvoermap,
    schat_ruimte,
    uitvoerplek,
)
from allocatie.kern.errors import ConfiguratieFout
from allocatie.kern.taal import aantal
from allocatie.kern.voortgang import fase
from allocatie.planning.invoer.config import lees_planconfig
from allocatie.planning.invoer.planconfig import Planconfig
from allocatie.planning.invoer.scenarios import genereer_scenarios
from allocatie.planning.invoer.varianten import varianten
from allocatie.planning.uitvoer import tabellen as tb
from allocatie.planning.uitvoer.rapport import (
    UITLEG,
    euro,
    rollend_zin,
    scenarios_tekst,
    solverregel,
)
from allocatie.planning.uitvoer.schrijf import (
    bestanden_van,
    controleer_vergelijking,
    plan_kop,
    samenvatting,
    schrijf_planuitvoer,
)
from allocatie.planning.uitvoer.vergelijking import Planvergelijking, plan_flexcapaciteit
from allocatie.reports.uitvoer import json_tekst, schrijf_json

#: Solution methods of ``--methode``.
METHODEN = ("auto", "extensief", "benders")
#: Rows of the actions table in the overview (the rest is in plan.csv).
MAX_ACTIES = 15
#: Short policy names for the terminal's table (the reports use `BELEIDSTITELS`).
KORT: dict[str, str] = {
    "stochastisch": "stochastisch plan",
    "gemiddeld": "gemiddeld scenario",
    "statisch": "statisch",
    "geen_flex": "geen nieuwe flex",
    "rollend": "rollend",
    "perfecte_informatie": "perfecte informatie",
}


def _slug(tekst: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", tekst.lower()).strip("-") or "plan"


def pas_aan(
    config: Planconfig,
    *,
    scenarios: int | None = None,
    seed: int | None = None,
    tijdslimiet: float | None = None,
    gap: float | None = None,
    solver: str | None = None,
) -> Planconfig:
    """``config`` with the command line's values instead of the TOML's.

    ``scenarios`` and ``seed`` draw the scenarios afresh with the TOML's
    generator settings; they need generated scenarios (not a CSV).

    Raises
    ------
    ConfiguratieFout
        When ``scenarios`` or ``seed`` is given for scenarios read from a CSV,
        or a solver value is invalid.
    """
    if scenarios is not None or seed is not None:
        g = config.generatie
        if g is None:
            raise ConfiguratieFout(
                "--scenarios en --seed gelden alleen voor gegenereerde scenario's; dit plan "
                "leest zijn scenario's uit een CSV (haal [scenarios] bestand weg of laat de "
                "opties weg)",
                bestand=config.pad,
                kolom="scenarios.bestand",
                waarde=None if config.scenariobestand is None else config.scenariobestand.name,
            )
        g = replace(
            g,
            aantal=g.aantal if scenarios is None else scenarios,
            seed=g.seed if seed is None else seed,
        )
        nieuw = genereer_scenarios(g.basis, g.schokken, g.aantal, g.seed)
        config = replace(config, instantie=replace(config.instantie, scenarios=nieuw), generatie=g)
    opties: dict[str, Any] = {
        k: v
        for k, v in (("tijdslimiet_s", tijdslimiet), ("gap_relatief", gap), ("backend", solver))
        if v is not None
    }
    if opties:
        config = replace(config, solver=replace(config.solver, **opties))
    return config


def _kop_regel(
    config: Planconfig, n_varianten: int, workers: int | None, beleid: tuple[str, ...]
) -> str:
    inst = config.instantie
    p = inst.perioden
    s = config.solver
    vergelijk = ", ".join(KORT.get(b, b) for b in beleid) if beleid else "niets"
    regios = aantal(len(inst.regios), "regio", "regio's")
    return (
        f"Plan [bold]{escape(config.naam)}[/bold]: {regios}, "
        f"{aantal(len(p), 'halfjaar', 'halfjaren')} ({p[0]} t/m {p[-1]}), "
        f"{aantal(len(inst.flextypen), 'flextype', 'flextypen')}, "
        f"{scenarios_tekst(inst.scenarios.n)}; vergelijken met {vergelijk}; "
        f"{aantal(n_varianten, 'gevoeligheidsvariant', 'gevoeligheidsvarianten')}; solver "
        f"{s.backend}, tijdslimiet {nl_getal(s.tijdslimiet_s)} s en gap "
        f"{nl_getal(100 * s.gap_relatief, 2)}% per oplossing; workers "
        f"{'automatisch' if workers is None else workers}."
    )


def _getal(v: float) -> str:
    return "–" if pd.isna(v) else nl_getal(float(v))


def toon_plan(
    console: Console, vgl: Planvergelijking, controle: str, gevoeligheid: pd.DataFrame
) -> None:
    """Print the Dutch overview: policies, key figures, solver, the plan, sensitivity."""
    beleid = tb.beleid_tabel(vgl)
    t = Table(title="Beleid vergeleken (bedragen in euro, over dezelfde scenario's)")
    koppen = (
        "beleid",
        "doel",
        "verwacht",
        "CVaR 90%",
        "wachten¹",
        "eind p50²",
        "eind p90²",
        "modules",
    )
    for kop in koppen:
        t.add_column(kop, justify="left" if kop == "beleid" else "right", no_wrap=True)
    t.caption = (
        "¹ verwachte persoon-halfjaren in de achterstand; ² wachtende personen aan het eind van "
        "de horizon (mediaan, 90e percentiel); modules = nieuw besteld"
    )
    for r in beleid.itertuples(index=False):
        t.add_row(
            KORT.get(str(r.beleid), escape(str(r.titel))),
            euro(r.doel),
            euro(r.verwachting),
            euro(r.cvar_90),
            _getal(r.wachttijd),
            _getal(r.achterstand_eind_p50),
            _getal(r.achterstand_eind_p90),
            _getal(r.modules_besteld),
        )
    console.print(t)
    k = tb.kerncijfers(vgl)
    for sleutel, titel, _ in UITLEG:
        if k[sleutel] is not None:
            console.print(f"{titel}: [bold]{euro(k[sleutel])}[/bold]")
    for r in tb.rollend_tabel(vgl).itertuples(index=False):
        console.print(escape(rollend_zin(r._asdict())), highlight=False)
    console.print(escape(solverregel(vgl, controle)))
    _toon_plan_per_regio(console, vgl)
    if len(gevoeligheid) > 1:
        g = Table(title="Gevoeligheid: het stochastische plan met één parameter anders")
        for kop in ("variant", "doel", "verschil", "wachttijd", "modules besteld", "verschil"):
            g.add_column(kop, justify="left" if kop == "variant" else "right")
        for r in gevoeligheid.itertuples(index=False):
            g.add_row(
                escape(str(r.variant)),
                euro(r.doel),
                euro(r.verschil_doel),
                _getal(r.wachttijd),
                _getal(r.modules_besteld),
                _getal(r.verschil_modules),
            )
        console.print(g)


def _toon_plan_per_regio(console: Console, vgl: Planvergelijking) -> None:
    plan = tb.plan_tabel(vgl)
    perioden = list(vgl.instantie.perioden)
    acties = tb.acties_tabel(plan, vgl.instantie)
    if acties.empty:
        console.print("Het stochastische plan bestelt, sluit en verplaatst niets.")
    else:
        a = Table(title=f"Wat het stochastische plan doet ({len(acties)} acties)")
        for kop in ("halfjaar", "regio", "flextype", "actie", "modules", "plaatsen", "vanaf"):
            a.add_column(kop, justify="right" if kop in ("modules", "plaatsen") else "left")
        for r in acties.head(MAX_ACTIES).itertuples(index=False):
            a.add_row(
                r.periode,
                escape(r.regio),
                escape(r.flextype),
                r.actie,
                nl_getal(r.modules),
                nl_getal(r.plaatsen),
                r.beschikbaar_vanaf or "–",
            )
        if len(acties) > MAX_ACTIES:
            a.add_row("…", "", "", f"en nog {len(acties) - MAX_ACTIES} (zie plan.csv)", "", "", "")
        console.print(a)
    per = plan.pivot_table(
        index="regio", columns="periode", values="plaatsen", aggfunc="sum", sort=False
    )[perioden]
    p = Table(title="Beschikbare flexplaatsen per regio en halfjaar (stochastisch plan)")
    p.add_column("regio")
    for t in perioden:
        p.add_column(t, justify="right")
    for regio, rij in per.iterrows():
        p.add_row(escape(str(regio)), *(nl_getal(x) for x in rij))
    p.add_section()
    p.add_row("[bold]totaal[/bold]", *(nl_getal(x) for x in per.sum(axis=0)))
    console.print(p)


@app.command("plan")
def plan(
    configbestand: Annotated[
        Path,
        typer.Argument(
            help="plan.toml met regio's, flextypen, kosten en scenario's (zie data/plan/).",
            show_default=False,
        ),
    ],
    uitvoer: Annotated[
        Path | None,
        typer.Option("--uitvoer", "-u", help="Uitvoermap. Standaard: uitvoer/plan-<naam>."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Parallelle processen; 0 = automatisch, 1 = alles in dit proces. Vervangt "
            "[sweep] workers.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADRES",
            help="Reken op een Dask-cluster (bijv. tcp://rekenserver:8786) in plaats van met "
            "lokale processen. Vervangt [sweep] scheduler.",
            show_default=False,
        ),
    ] = None,
    tijdslimiet: Annotated[
        float | None,
        typer.Option("--tijdslimiet", min=0.0, help="Tijdslimiet in seconden per oplossing."),
    ] = None,
    gap: Annotated[
        float | None,
        typer.Option("--gap", min=0.0, help="Relatieve MIP-gap per oplossing (0,01 = 1%)."),
    ] = None,
    solver: Annotated[
        str | None, typer.Option("--solver", help="Solver: highs (standaard) of cbc.")
    ] = None,
    methode: Annotated[
        str,
        typer.Option(
            "--methode",
            help="Oplosmethode: auto (kiest naar de grootte), extensief (één groot model) of "
            "benders (decompositie per scenario).",
        ),
    ] = "auto",
    scenarios: Annotated[
        int | None,
        typer.Option(
            "--scenarios",
            min=1,
            help="Aantal te genereren scenario's (vervangt [scenarios] aantal; bijv. 6 voor een "
            "snelle proef).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Seed van de scenariogenerator (vervangt [scenarios] seed)."
        ),
    ] = None,
    zonder_vergelijking: Annotated[
        bool,
        typer.Option(
            "--zonder-vergelijking",
            help="Alleen het stochastische plan: geen ander beleid (dus geen VSS of EVPI).",
        ),
    ] = False,
    zonder_gevoeligheid: Annotated[
        bool,
        typer.Option("--zonder-gevoeligheid", help="Sla de [[gevoeligheid]]-varianten over."),
    ] = False,
    rollend: Annotated[
        bool,
        typer.Option(
            "--rollend",
            help="Reken ook het rollende beleid door: elk halfjaar opnieuw plannen op wat er "
            "tot dan toe gebeurd is (één MIP per scenario en halfjaar; zet het ook aan met "
            "[beleid] vergelijk).",
        ),
    ] = False,
    json_pad: JsonOptie = None,
    overschrijf: Annotated[
        bool, typer.Option("--overschrijf", help="Vervang een bestaande uitvoermap.")
    ] = False,
    stil: StilOptie = False,
) -> None:
    """Plan flexibele woonmodules (op- en afschalen) en toets het plan aan instroomscenario's.

    Het stochastische plan wordt vergeleken met een plan voor het gemiddelde scenario, een
    statisch plan, geen nieuwe flex en perfecte informatie, en onafhankelijk nagerekend.
    Voortgang verschijnt op stderr, het overzicht op stdout.
    """
    json_stdout = json_pad == STDOUT
    console = maak_console(stderr=json_stdout, stil=stil)
    with contextlib.ExitStack() as stapel:
        stapel.enter_context(meld_fouten())
        stapel.enter_context(stille_meldingen(stil))
        voortgang = None if stil else stapel.enter_context(TerminalVoortgang())
        # Refuse what cannot be written before the work, not after it.
        if methode not in METHODEN:
            raise ConfiguratieFout(
                f"onbekende methode; kies uit {', '.join(METHODEN)}",
                kolom="--methode",
                waarde=methode,
            )
        if json_pad is not None and not json_stdout:
            controleer_uitvoerbestand(json_pad)
        if uitvoer is not None:
            invoer = [configbestand, configbestand.parent] if configbestand.exists() else []
            controleer_uitvoermap(uitvoer, overschrijf=overschrijf, invoer=invoer)
        with fase(voortgang, "plan:laden", "Plan inlezen") as details:
            config = pas_aan(
                lees_planconfig(configbestand),
                scenarios=scenarios,
                seed=seed,
                tijdslimiet=tijdslimiet,
                gap=gap,
                solver=solver,
            )
            var = [] if zonder_gevoeligheid else varianten(config)
            details.append(scenarios_tekst(config.instantie.scenarios.n))
        doel = uitvoer or Path("uitvoer") / f"plan-{_slug(config.naam)}"
        # Hold the output folder from here on (see `allocatie.io.uitvoermap.uitvoerplek`).
        invoer = [config.pad, config.pad.parent]
        if config.scenariobestand is not None:
            invoer.append(config.scenariobestand)
        stapel.enter_context(
            uitvoerplek(doel, overschrijf=overschrijf, invoer=invoer, ruimte=schat_ruimte(invoer))
        )
        controleer_buiten(doel, {"--json": None if json_stdout else json_pad})
        n_workers = workers if workers is not None else config.sweep.workers
        beleid = () if zonder_vergelijking else config.beleid
        if rollend and "rollend" not in beleid:
            beleid = (*beleid, "rollend")
        console.print(_kop_regel(config, len(var), n_workers or None, beleid), highlight=False)
        vgl = plan_flexcapaciteit(
            config.instantie,
            vergelijk=beleid,
            varianten=[(v.naam, v.instantie) for v in var],
            opties=config.solver,
            methode=methode,
            workers=n_workers or None,
            scheduler=scheduler if scheduler is not None else config.sweep.scheduler,
            voortgang=voortgang,
        )
        paren = [(v.naam, v.instantie) for v in var]
        with fase(voortgang, "plan:controle", "Onafhankelijke controle") as details:
            controle = controleer_vergelijking(vgl, paren)  # VerificatieFout: exit 3
            details.append("geslaagd")
        # From here until the output folder is written a failure must not lose the solved
        # plan: it is kept in a recovery folder for `allocatie schrijf`.
        bewaard = {"vgl": vgl, "config": config, "varianten": paren, "controle": controle}
        with bewaar_bij_fout("plan", bewaard, doel, overschrijf=overschrijf):
            gev = tb.gevoeligheid_tabel(vgl, dict(paren))
            if not stil:
                toon_plan(console, vgl, controle, gev)
            schrijf_planuitvoer(
                vgl,
                doel,
                config=config,
                varianten=paren,
                controle=controle,
                overschrijf=overschrijf,
                voortgang=voortgang,
            )
        console.print(
            f"Uitvoer geschreven naar [bold]{escape(str(doel))}[/bold] "
            f"({', '.join(bestanden_van(vgl))})."
        )
        if json_pad is not None:
            data = samenvatting(vgl, kop=plan_kop(config), controle=controle, gevoeligheid=gev)
            if json_stdout:
                naar_stdout(json_tekst(data))
            else:
                schrijf_json(data, json_pad)
                console.print(f"Samenvatting (JSON) geschreven naar [bold]{json_pad}[/bold].")
