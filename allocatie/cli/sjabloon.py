"""CLI sub-command ``allocatie sjabloon``: an empty round as one Excel workbook to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from allocatie.cli import app
from allocatie.invoer.sjabloon import schrijf_sjabloon


@app.command("sjabloon")
def sjabloon(
    map_: Annotated[
        Path,
        typer.Argument(
            metavar="MAP",
            help="Map van de nieuwe ronde; hier komt ronde.xlsx (de map wordt zo nodig gemaakt).",
            show_default=False,
        ),
    ],
    overschrijf: Annotated[
        bool,
        typer.Option("--overschrijf", help="Vervang een bestaande ronde.xlsx in MAP."),
    ] = False,
) -> None:
    """Schrijf een leeg rondewerkboek ronde.xlsx om in te vullen.

    Het werkboek heeft een blad 'ronde' (naam, periode, model, solver),
    een blad per tabel met de kolommen van data/SCHEMA.md, een blad
    'uitleg' met elke kolom in gewone taal, en keuzelijsten voor de codes.
    Ingevuld is het een ronde: allocatie ronde MAP.
    """
    try:
        pad = schrijf_sjabloon(map_, overschrijf=overschrijf)
    except FileExistsError:
        Console(stderr=True).print(
            f"[red]Fout:[/red] {escape(str(map_ / 'ronde.xlsx'))} bestaat al; kies een andere "
            "map of gebruik --overschrijf"
        )
        raise typer.Exit(code=2) from None
    Console(soft_wrap=True).print(
        f"Rondewerkboek geschreven: {escape(str(pad))}. Vul de bladen in (zie het blad "
        f"'uitleg') en reken de ronde door met: allocatie ronde {escape(str(map_))}"
    )
