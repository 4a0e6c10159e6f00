"""CLI sub-command `allocatie genereer`: write a synthetic round folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from allocatie.cli import app
from allocatie.errors import AllocatieFout
from allocatie.io.rondemap import schrijf_rondemap
from allocatie.synthetic import genereer_ronde, kerncijfers

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
        int, typer.Option("--gemeenten", help="Aantal (fictieve) gemeenten, 1 tot 999.")
    ] = 12,
    huishoudens: Annotated[
        int, typer.Option("--huishoudens", help="Aantal wachtende huishoudens.")
    ] = 150,
    flex: Annotated[
        int | None,
        typer.Option(
            "--flex", help="Aantal flexlocaties (standaard: een per vier gemeenten; 0 = geen)."
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
            "--overschrijf", help="Vervang een bestaande rondemap (alleen een map met ronde.toml)."
        ),
    ] = False,
) -> None:
    """Genereer een fictieve, maar realistische ronde en schrijf die als rondemap.

    Alles is verzonnen: gemeenten (GM9001, GM9002, ...), namen, huishoudens en
    woningaanbod. Met dezelfde seed ontstaat precies dezelfde ronde.
    """
    fout = Console(stderr=True)
    try:
        tabellen = genereer_ronde(
            gemeenten,
            huishoudens,
            flex,
            seed=seed,
            periode=periode,
            regiocapaciteit=regiocapaciteit,
        )
        map_ = schrijf_rondemap(
            tabellen,
            uitvoer,
            naam=naam or f"Synthetische ronde {periode} (seed {seed})",
            periode=periode,
            solver={"backend": backend, "tijdslimiet_s": tijdslimiet},
            overschrijf=overschrijf,
        )
    except AllocatieFout as exc:
        fout.print(f"[bold red]Fout:[/] {escape(str(exc))}")
        raise typer.Exit(code=2) from None
    cijfers = kerncijfers(tabellen)
    tabel = Table(title=f"Ronde geschreven naar {escape(str(map_))}", show_header=False)
    tabel.add_column("wat")
    tabel.add_column("aantal", justify="right")
    for sleutel, label in _LABELS:
        tabel.add_row(label, f"{cijfers[sleutel]:,}".replace(",", "."))
    Console().print(tabel)
