"""CLI sub-command ``allocatie taakstelling``: compute each gemeente's taakstelling."""

from __future__ import annotations

import datetime as dt
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from allocatie.archief.lezen import is_geopackage, lees_vorige_periode, vorige_uit_archief
from allocatie.cli import app
from allocatie.io.atomisch import schrijf_csv_atomisch
from allocatie.kern.errors import InvoerFout
from allocatie.kern.periode import Periode
from allocatie.kern.taal import nl_getal
from allocatie.ronde.taakstelling import (
    TaakstellingUitkomst,
    bereken_taakstelling,
    gecorrigeerde_taakstelling,
    lees_inwoners,
    pas_overloop_toe,
)
from allocatie.toezicht.wettelijk import PeiljaarWaarschuwing, controleer_peiljaar

_TOP = 5


def _personen(waarde: Fraction) -> str:
    if waarde.denominator == 1:
        return nl_getal(waarde.numerator)
    return nl_getal(float(waarde), 2)


def _toon_samenvatting(
    console: Console, uitkomst: TaakstellingUitkomst, uit: pd.DataFrame, uitvoer: Path
) -> None:
    tabel = uitkomst.tabel
    console.print(
        f"[bold]Taakstelling[/bold] voor {len(tabel)} gemeenten, "
        f"vg = {nl_getal(uitkomst.vg)} personen, inwoners NL = {nl_getal(uitkomst.inwoners_nl)}"
    )
    console.print(f"Som van de taakstellingen: {nl_getal(uitkomst.totaal)} personen")
    if uitkomst.landelijk:
        console.print(
            f"Overschot door afronding naar boven: {_personen(uitkomst.overschot)} personen"
        )
    else:
        console.print(
            f"Overschot door afronding naar boven: {_personen(uitkomst.overschot)} personen "
            f"(t.o.v. het exacte aandeel van deze gemeenten: {_personen(uitkomst.exact_aandeel)})"
        )
    met_overloop = "achterstand" in uit.columns
    if met_overloop:
        console.print(
            "Overloop uit de vorige periode: "
            f"achterstand {nl_getal(int(uit['achterstand'].sum()))}, "
            f"voorsprong {nl_getal(int(uit['voorsprong'].sum()))} personen; gecorrigeerde "
            f"taakstelling samen {nl_getal(int(gecorrigeerde_taakstelling(uit).sum()))} personen"
        )

    # Right-aligned number columns; with carry-over the population is left out and the
    # table drawn compactly so it fits an 80-column terminal.
    kolommen: dict[str, pd.Series] = {"Taakstelling": tabel["taakstelling"]}
    if met_overloop:
        kolommen |= {
            "Achterstand": uit["achterstand"],
            "Voorsprong": uit["voorsprong"],
            "Gecorrigeerd": gecorrigeerde_taakstelling(uit),
        }
    else:
        kolommen = {"Inwoners": tabel["inwoners"], **kolommen}
    top = Table(
        title=f"Grootste {min(_TOP, len(tabel))} taakstellingen",
        show_edge=not met_overloop,
        pad_edge=not met_overloop,
    )
    top.add_column("Code")
    top.add_column("Gemeente")
    for kop in kolommen:
        top.add_column(kop, justify="right", no_wrap=True)
    volgorde = tabel.sort_values(["taakstelling", "gemeente_code"], ascending=[False, True])
    for i in volgorde.index[:_TOP]:
        top.add_row(
            str(tabel.at[i, "gemeente_code"]),
            escape(str(tabel.at[i, "gemeente_naam"])),
            *(nl_getal(int(kolom.at[i])) for kolom in kolommen.values()),
        )
    console.print(top)
    console.print(f"Geschreven: {uitvoer}", markup=False, highlight=False, soft_wrap=True)


def _controleer_periode(
    periode: str | None, peildatum: str | None, afwijking: str | None
) -> list[str]:
    """Check the population date against the period (Huisvestingswet 2014, art. 28).

    Returns the warnings of an explicit deviation (``--afwijkend-peiljaar``).
    """
    if periode is None:
        if peildatum is not None or afwijking is not None:
            raise InvoerFout(
                "--inwoners-peildatum en --afwijkend-peiljaar horen bij --periode; geef ook het "
                "halfjaar op",
                kolom="--periode",
            )
        return []
    p = Periode.parse(periode)
    if peildatum is None:
        raise InvoerFout(
            f"met --periode {p.label} is de datum van de inwonertallen nodig: geef "
            "--inwoners-peildatum (de wet rekent met 1 januari van het jaar vóór de periode)",
            kolom="--inwoners-peildatum",
        )
    try:
        datum = dt.date.fromisoformat(peildatum)
    except ValueError:
        raise InvoerFout(
            "geen geldige datum; verwacht JJJJ-MM-DD",
            kolom="--inwoners-peildatum",
            waarde=peildatum,
        ) from None
    with warnings.catch_warnings(record=True) as gevangen:
        warnings.simplefilter("always", PeiljaarWaarschuwing)
        controleer_peiljaar(p, datum, afwijking=afwijking, kolom="--inwoners-peildatum")
    return [str(w.message) for w in gevangen if issubclass(w.category, PeiljaarWaarschuwing)]


@app.command("taakstelling")
def taakstelling(
    vg: Annotated[
        int,
        typer.Option(
            "--vg",
            help="Landelijk aantal te huisvesten vergunninghouders in de periode (personen).",
            show_default=False,
        ),
    ],
    inwoners: Annotated[
        Path,
        typer.Option(
            "--inwoners",
            help="CSV met de kolommen gemeente_code, gemeente_naam, inwoners (CBS, 1 januari "
            "van het jaar vóór de periode).",
            show_default=False,
        ),
    ],
    uitvoer: Annotated[
        Path,
        typer.Option(
            "--uitvoer",
            help="CSV om te schrijven: gemeente_code, taakstelling (en achterstand, voorsprong, "
            "gerealiseerd met --vorige); geschikt als taakstelling.csv van een ronde.",
            show_default=False,
        ),
    ],
    inwoners_nl: Annotated[
        int | None,
        typer.Option(
            "--inwoners-nl",
            help="Landelijk inwonertal. Alleen nodig als --inwoners een deel van Nederland "
            "bevat (bijv. één provincie); standaard de som van --inwoners.",
            show_default=False,
        ),
    ] = None,
    vorige: Annotated[
        Path | None,
        typer.Option(
            "--vorige",
            help="Vorige periode, om achterstand en voorsprong over te nemen: het rondearchief "
            "van de vorige ronde (ronde.gpkg in de uitvoermap van 'allocatie ronde', of een "
            "kopie ervan), of een CSV (gemeente_code, taakstelling, achterstand, voorsprong, "
            "gerealiseerd).",
            show_default=False,
        ),
    ] = None,
    periode: Annotated[
        str | None,
        typer.Option(
            "--periode",
            help="Het halfjaar (bijv. 2025-I). Dan wordt gecontroleerd dat de inwoners van "
            "1 januari van het jaar vóór de periode zijn (--inwoners-peildatum), en dat een "
            "rondearchief in --vorige van het halfjaar ervoor is.",
            show_default=False,
        ),
    ] = None,
    inwoners_peildatum: Annotated[
        str | None,
        typer.Option(
            "--inwoners-peildatum",
            metavar="JJJJ-MM-DD",
            help="Datum van de inwonertallen in --inwoners (CBS, bijv. 2024-01-01); verplicht "
            "met --periode.",
            show_default=False,
        ),
    ] = None,
    afwijkend_peiljaar: Annotated[
        str | None,
        typer.Option(
            "--afwijkend-peiljaar",
            metavar="REDEN",
            help="Reken toch met inwoners van een andere datum dan de wet voorschrijft; geef "
            "de reden op (die komt in de waarschuwing).",
            show_default=False,
        ),
    ] = None,
    stil: Annotated[
        bool,
        typer.Option("--stil", help="Geen overzicht; alleen foutmeldingen (stderr)."),
    ] = False,
) -> None:
    """Bereken de taakstelling per gemeente: naar boven afgerond aandeel van vg naar inwoners."""
    console = Console(soft_wrap=True)
    try:
        if uitvoer.resolve() == inwoners.resolve() or (
            vorige is not None and uitvoer.resolve() == vorige.resolve()
        ):
            raise InvoerFout(
                "het uitvoerbestand zou een invoerbestand overschrijven; kies een ander pad",
                bestand=uitvoer,
            )
        meldingen = _controleer_periode(periode, inwoners_peildatum, afwijkend_peiljaar)
        tabel = lees_inwoners(inwoners)
        uitkomst = bereken_taakstelling(tabel, vg, inwoners_nl)
        if vorige is None:
            uit = uitkomst.tabel[["gemeente_code", "taakstelling"]]
        elif periode is not None and is_geopackage(vorige):
            uit = pas_overloop_toe(uitkomst.tabel, vorige_uit_archief(vorige, periode=periode))
        else:
            uit = pas_overloop_toe(uitkomst.tabel, lees_vorige_periode(vorige))
        schrijf_csv_atomisch(uit, uitvoer)
    except InvoerFout as fout:
        Console(stderr=True).print(
            f"Fout: {fout}", style="red", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(code=2) from None
    for melding in meldingen:
        Console(stderr=True).print(
            f"Waarschuwing: {melding}", style="yellow", markup=False, soft_wrap=True
        )
    if not stil:
        _toon_samenvatting(console, uitkomst, uit, uitvoer)
