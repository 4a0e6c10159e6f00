"""CLI sub-command `allocatie genereer`: write a synthetic round folder."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from allocatie.cli import app
from allocatie.cli.voortgang import TerminalVoortgang
from allocatie.io.rondemap import schrijf_rondemap
from allocatie.kern.errors import AllocatieFout, InvoerFout
from allocatie.kern.taal import aantal
from allocatie.kern.voortgang import fase
from allocatie.synthetic import genereer_ronde, kerncijfers, lees_basis

_LABELS: tuple[tuple[str, str], ...] = (
    ("gemeenten", "Gemeenten"),
    ("provincies", "Provincies"),
    ("arbeidsmarktregios", "Arbeidsmarktregio's"),
    ("huishoudens", "Huishoudens"),
    ("personen", "Personen"),
    ("alleenstaanden", "Alleenstaanden"),
    ("nareizigers", "Verwachte nareizigers"),
    ("taakstelling", "Som taakstelling (personen)"),
    ("opgave", "Resterende opgave (personen)"),
    ("woningen", "Reguliere woningen"),
    ("woningen_capaciteit", "  waarvan plaatsen (personen)"),
    ("flexlocaties", "Flexlocaties"),
    ("flex_eenheden_vh", "  eenheden voor vergunninghouders"),
    ("flex_capaciteit", "  plaatsen (personen)"),
)


@app.command("genereer")
def genereer(
    uitvoer: Annotated[
        Path,
        typer.Option(
            "--uitvoer", "-o", help="Map waarin de ronde wordt geschreven (wordt aangemaakt)."
        ),
    ],
    gemeenten: Annotated[
        int | None,
        typer.Option(
            "--gemeenten",
            help="Aantal (fictieve) gemeenten, 1 tot 999 (standaard 12). Niet nodig met --basis.",
            show_default=False,
        ),
    ] = None,
    basis: Annotated[
        Path | None,
        typer.Option(
            "--basis",
            metavar="PAD",
            help="Basistabel met echte gemeenten (GeoPackage of GeoJSON, zoals geschreven door "
            "'allocatie basis'; eventueel BESTAND:LAAG). Alle gemeenten van de tabel doen mee, "
            "met hun echte grenzen, inwoners en regio's; huishoudens (in gemeenten met een azc), "
            "werk, studie, familie, zorg, woningen en flexlocaties worden naar inwoners over dat "
            "gebied verdeeld. De taakstelling rekent met de echte inwoners en als landelijk "
            "inwonertal de som van de tabel.",
            show_default=False,
        ),
    ] = None,
    huishoudens: Annotated[
        int, typer.Option("--huishoudens", help="Aantal wachtende huishoudens.")
    ] = 150,
    flex: Annotated[
        int | None,
        typer.Option(
            "--flex", help="Aantal flexlocaties (standaard: een per vier gemeenten; 0 = geen)."
        ),
    ] = None,
    vg: Annotated[
        int | None,
        typer.Option(
            "--vg",
            metavar="N",
            min=0,
            help="Landelijk aantal te huisvesten vergunninghouders (personen) in het halfjaar, "
            "bijv. 15000 voor 2025-I of 13000 voor 2025-II; taakstelling = "
            "ceil(vg × inwoners / inwoners NL). Standaard zo gekozen dat de taakstellingen "
            "samen ongeveer het aantal wachtende personen zijn.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Startwaarde van het toeval: zelfde seed, zelfde ronde.")
    ] = 0,
    periode: Annotated[
        str, typer.Option("--periode", help="Halfjaar van de ronde: JJJJ-I of JJJJ-II.")
    ] = "2025-I",
    naam: Annotated[
        str | None,
        typer.Option("--naam", help="Naam van de ronde (standaard: 'Synthetische ronde ...')."),
    ] = None,
    regiocapaciteit: Annotated[
        float | None,
        typer.Option(
            "--regiocapaciteit",
            help="Begrens de arbeidsmarktregio met de grootste opgave op dit aandeel ervan "
            "(bijv. 0.8).",
        ),
    ] = None,
    backend: Annotated[
        str, typer.Option("--backend", help="Solver in ronde.toml: highs of cbc.")
    ] = "highs",
    tijdslimiet: Annotated[
        int, typer.Option("--tijdslimiet", help="Tijdslimiet van de solver in seconden.")
    ] = 60,
    overschrijf: Annotated[
        bool,
        typer.Option(
            "--overschrijf",
            help="Vervang een bestaande rondemap (alleen een rondemap die allocatie genereer "
            "schreef en waarin sindsdien niets is toegevoegd of gewijzigd).",
        ),
    ] = False,
    stil: Annotated[
        bool,
        typer.Option(
            "--stil", help="Geen voortgang en geen overzicht; alleen foutmeldingen (stderr)."
        ),
    ] = False,
) -> None:
    """Genereer een fictieve, maar realistische ronde en schrijf die als rondemap.

    Zonder --basis is alles verzonnen: gemeenten (GM9001, GM9002, ...), namen,
    grenzen, huishoudens en woningaanbod. Met --basis liggen de echte gemeenten
    ten grondslag (bijv. alle 342 van 2024) en zijn alleen de huishoudens, de
    woningen en de flexlocaties verzonnen. Met dezelfde seed ontstaat precies
    dezelfde ronde.

    Een landelijke ronde voor 2025-II:

    allocatie genereer --basis basis.gpkg --huishoudens 8000 --flex 150 --vg 13000
    --periode 2025-II --seed 1 --uitvoer ronde-nl
    """
    fout = Console(stderr=True)
    try:
        with contextlib.ExitStack() as stapel:
            voortgang = None if stil else stapel.enter_context(TerminalVoortgang())
            tabel_basis = None
            if basis is not None:
                if gemeenten is not None:
                    raise InvoerFout(
                        "--gemeenten en --basis gaan niet samen: met --basis doen alle gemeenten "
                        "van de basistabel mee"
                    )
                with fase(voortgang, "laden", "Basistabel inlezen") as details:
                    tabel_basis = lees_basis(basis)
                    details.append(aantal(len(tabel_basis), "gemeente", "gemeenten"))
            elif gemeenten is None:
                gemeenten = 12
            with fase(voortgang, "genereren", "Ronde genereren") as details:
                tabellen = genereer_ronde(
                    gemeenten,
                    huishoudens,
                    flex,
                    seed=seed,
                    periode=periode,
                    regiocapaciteit=regiocapaciteit,
                    basis=tabel_basis,
                    vg=vg,
                )
                details.append(aantal(len(tabellen.huishoudens), "huishouden", "huishoudens"))
            soort = " op echte gemeenten" if basis is not None else ""
            with fase(voortgang, "schrijven", "Rondemap schrijven"):
                map_ = schrijf_rondemap(
                    tabellen,
                    uitvoer,
                    naam=naam or f"Synthetische ronde {periode}{soort} (seed {seed})",
                    periode=periode,
                    solver={"backend": backend, "tijdslimiet_s": tijdslimiet},
                    overschrijf=overschrijf,
                )
    except AllocatieFout as exc:
        fout.print(f"[bold red]Fout:[/] {escape(str(exc))}")
        raise typer.Exit(code=2) from None
    if stil:
        return
    cijfers = kerncijfers(tabellen)
    tabel = Table(title=f"Ronde geschreven naar {escape(str(map_))}", show_header=False)
    tabel.add_column("wat")
    tabel.add_column("aantal", justify="right")
    for sleutel, label in _LABELS:
        tabel.add_row(label, f"{cijfers[sleutel]:,}".replace(",", "."))
    Console().print(tabel)
