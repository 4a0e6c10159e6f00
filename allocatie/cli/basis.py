"""CLI sub-command ``allocatie basis``: build the gemeenten table from boundaries."""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import meld_fouten
from allocatie.cli.voortgang import TerminalVoortgang
from allocatie.kern.errors import AllocatieWaarschuwing, InvoerFout
from allocatie.kern.taal import nl_getal
from allocatie.kern.voortgang import fase
from allocatie.spatial.grenzen import GrensBron
from allocatie.spatial.lidmaatschap import (
    DREMPEL_TWIJFEL,
    Basis,
    bouw_basis,
    schrijf_basistabel,
)


def _procent(aandeel: float, decimalen: int = 1) -> str:
    return f"{nl_getal(100 * aandeel, decimalen)}%"


def _dec(aandeel: float) -> int:
    return 0 if round(100 * aandeel, 6).is_integer() else 1


def _toon(console: Console, basis: Basis, uitvoer: Path) -> None:
    t = basis.tabel
    console.print(
        f"[bold]Basistabel[/bold]: {nl_getal(len(t))} gemeenten, "
        f"{t['provincie_code'].nunique()} provincies, "
        f"{t['arbeidsmarktregio_code'].nunique()} arbeidsmarktregio's, "
        f"{t['coa_regio'].nunique()} COA-regio's; "
        f"{nl_getal(int(t['inwoners'].sum()))} inwoners"
    )
    per = (
        t.groupby(["provincie_code", "provincie_naam", "coa_regio"], sort=True)
        .agg(gemeenten=("gemeente_code", "size"), inwoners=("inwoners", "sum"))
        .reset_index()
    )
    tabel = Table(title="Gemeenten per provincie")
    for kop, rechts in (
        ("Code", False),
        ("Provincie", False),
        ("COA-regio", False),
        ("Gemeenten", True),
        ("Inwoners", True),
    ):
        tabel.add_column(kop, justify="right" if rechts else "left", no_wrap=rechts)
    for r in per.itertuples():
        tabel.add_row(
            str(r.provincie_code),
            escape(str(r.provincie_naam)),
            escape(str(r.coa_regio)),
            nl_getal(int(r.gemeenten)),
            nl_getal(int(r.inwoners)),
        )
    console.print(tabel)
    _toon_twijfel(console, basis.twijfel, basis.drempel)
    console.print(
        f"Geschreven: {uitvoer}" + (" (laag 'gemeenten')" if uitvoer.suffix == ".gpkg" else ""),
        markup=False,
        highlight=False,
    )


def _toon_twijfel(console: Console, twijfel: pd.DataFrame, drempel: float) -> None:
    grens = _procent(drempel, _dec(drempel))
    if twijfel.empty:
        console.print(
            f"Geen twijfelgevallen: elke gemeente ligt voor minstens {grens} in haar "
            "provincie en arbeidsmarktregio."
        )
        return
    console.print(
        f"[bold]Twijfelgevallen[/bold]: minder dan {grens} van de gemeente ligt in de "
        "toegewezen regio (toegewezen op grootste overlap; controleer ze)"
    )
    tabel = Table(show_edge=False, pad_edge=False)
    tabel.add_column("Gemeente")
    tabel.add_column("Regio", no_wrap=True)
    tabel.add_column("Aandeel", justify="right", no_wrap=True)
    tabel.add_column("Rest")
    for r in twijfel.itertuples():
        rest = []
        if r.tweede_code:
            rest.append(f"{_procent(r.tweede_aandeel)} in {r.tweede_code}")
        if r.buiten_aandeel >= 0.0005:
            rest.append(f"{_procent(r.buiten_aandeel)} in geen regio")
        tabel.add_row(
            escape(f"{r.gemeente_code} {r.gemeente_naam}"),
            str(r.regio_code),
            _procent(r.aandeel),
            ", ".join(rest) or "-",
        )
    console.print(tabel)


@app.command("basis")
def basis(
    gemeenten: Annotated[
        str,
        typer.Option(
            "--gemeenten",
            help="Gemeentegrenzen: BESTAND[:LAAG] (GeoPackage, GeoJSON, Shapefile, TopoJSON, "
            "FlatGeobuf, ...). Zonder laag: de enige laag of 'gemeente_gegeneraliseerd'.",
            show_default=False,
        ),
    ],
    provincies: Annotated[
        str,
        typer.Option(
            "--provincies",
            help="Provinciegrenzen: BESTAND[:LAAG]; standaardlaag 'provincie_gegeneraliseerd'.",
            show_default=False,
        ),
    ],
    arbeidsmarktregios: Annotated[
        str,
        typer.Option(
            "--arbeidsmarktregios",
            help="Grenzen van de arbeidsmarktregio's: BESTAND[:LAAG]; standaardlaag "
            "'arbeidsmarktregio_gegeneraliseerd'.",
            show_default=False,
        ),
    ],
    inwoners: Annotated[
        Path,
        typer.Option(
            "--inwoners",
            help="CSV met gemeente_code, gemeente_naam, inwoners (CBS, zelfde jaar als de "
            "grenzen).",
            show_default=False,
        ),
    ],
    uitvoer: Annotated[
        Path,
        typer.Option(
            "--uitvoer",
            help="Uitvoer: .gpkg (laag 'gemeenten') of .geojson; bruikbaar als gemeenten-tabel "
            "van een ronde.",
            show_default=False,
        ),
    ],
    code_kolom: Annotated[
        str, typer.Option("--code-kolom", help="Kolom met de gebiedscode in alle grenzenbestanden.")
    ] = "statcode",
    naam_kolom: Annotated[
        str, typer.Option("--naam-kolom", help="Kolom met de gebiedsnaam in alle grenzenbestanden.")
    ] = "statnaam",
    drempel: Annotated[
        float,
        typer.Option(
            "--drempel",
            min=0.0,
            max=1.0,
            help="Meld een gemeente als twijfelgeval als minder dan dit aandeel van haar "
            "oppervlak in de toegewezen regio ligt.",
        ),
    ] = DREMPEL_TWIJFEL,
    stil: Annotated[
        bool,
        typer.Option(
            "--stil",
            help="Geen voortgang en geen overzicht; alleen foutmeldingen en waarschuwingen "
            "over de invoer (stderr).",
        ),
    ] = False,
) -> None:
    """Bouw de gemeententabel (provincie, arbeidsmarktregio, COA-regio) uit grenzen en inwoners."""
    console = Console(soft_wrap=True)
    bronnen = [
        GrensBron.parse(spec, code_kolom=code_kolom, naam_kolom=naam_kolom)
        for spec in (gemeenten, provincies, arbeidsmarktregios)
    ]
    with (
        meld_fouten(),
        warnings.catch_warnings(record=True) as gevangen,
        contextlib.ExitStack() as stapel,
    ):
        voortgang = None if stil else stapel.enter_context(TerminalVoortgang())
        warnings.simplefilter("always", AllocatieWaarschuwing)
        invoer = {p.resolve() for p in (inwoners, *(b.pad for b in bronnen))}
        if uitvoer.resolve() in invoer:
            raise InvoerFout(
                "het uitvoerbestand zou een invoerbestand overschrijven; kies een ander pad",
                bestand=uitvoer,
            )
        uitkomst = bouw_basis(
            bronnen[0],
            bronnen[1],
            bronnen[2],
            inwoners,
            drempel=drempel,
            waarschuw=False,
            voortgang=voortgang,
        )
        with fase(voortgang, "schrijven", "Basistabel schrijven"):
            schrijf_basistabel(uitkomst.tabel, uitvoer)
    fout = Console(stderr=True, soft_wrap=True)
    for w in gevangen:
        if issubclass(w.category, AllocatieWaarschuwing):
            fout.print(f"Let op: {w.message}", style="yellow", markup=False, highlight=False)
        else:  # not ours: pass it on as Python would have shown it
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    if not stil:
        _toon(console, uitkomst, uitvoer)
