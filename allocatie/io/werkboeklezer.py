"""A round as one Excel workbook (``ronde.xlsx``): a sheet per table, read like a CSV.

Each sheet has the columns of the table's CSV (``data/SCHEMA.md``), the header on
row 1. Cells keep what Excel stored: text (stripped), whole and decimal numbers,
dates; an empty cell is ``""``. The column parsers (`allocatie.io.kolommen`) then
apply the same value rules as to a CSV: a number typed as text with a decimal comma,
a thousands separator, a date that does not exist or a column mixing date styles are
errors. Row numbers are the sheet's own (header = 1), so a message names the sheet,
row, column and value as Excel shows them.

A self-contained workbook has a sheet ``ronde`` with two columns ``sleutel`` and
``waarde``: ``naam``, ``periode``, optionally ``model`` and the solver keys of
``ronde.toml`` (``backend``, ``tijdslimiet_s``, ...). Without it, a ``ronde.toml``
can name sheets as ``bestand.xlsx:blad`` in ``[bestanden]``.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from allocatie.io.csvlezer import controleer_kop
from allocatie.io.kolommen import is_leeg, rijnummer
from allocatie.kern.errors import ConfiguratieFout, InvoerFout

__all__ = ["RONDEBLAD", "bladbron", "lees_blad", "lees_rondeblad", "werkbladen"]

#: The sheet with the round's settings (naam, periode, model, solver keys).
RONDEBLAD = "ronde"


def bladbron(pad: str | os.PathLike[str], blad: str) -> str:
    """How a sheet is named in messages: ``ronde.xlsx [blad huishoudens]``.

    Examples
    --------
    >>> bladbron("r/ronde.xlsx", "huishoudens")
    'r/ronde.xlsx [blad huishoudens]'
    """
    return f"{pad} [blad {blad}]"


def _open(pad: Path) -> Any:
    import openpyxl  # a heavy import, only for workbooks

    if not pad.is_file():
        raise InvoerFout("werkboek bestaat niet; controleer het pad", bestand=pad)
    try:
        return openpyxl.load_workbook(pad, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvoerFout(
            f"kan het werkboek niet lezen ({exc}); sla het op als Excel-werkmap (.xlsx)",
            bestand=pad,
        ) from exc


def werkbladen(pad: str | os.PathLike[str]) -> list[str]:
    """The sheet names of the workbook ``pad``."""
    wb = _open(Path(pad))
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _cel(waarde: Any) -> Any:
    """A cell as the parsers take it: stripped text, a number or a date; empty is ``""``."""
    if waarde is None:
        return ""
    if isinstance(waarde, str):
        return waarde.strip()
    if isinstance(waarde, dt.datetime) and waarde.time() == dt.time(0):
        return waarde.date()
    return waarde


def lees_blad(pad: str | os.PathLike[str], blad: str) -> pd.DataFrame:
    """Read one sheet as a table: one column per header cell, one row per data row.

    The same rules as `allocatie.io.csvlezer.lees_csv`: the header is row 1,
    names stripped, unique and non-empty; fully blank rows at the end are
    dropped, a blank row between data rows is an error; a cell below an empty
    header cell is an error. ``attrs["bestand"]`` holds `bladbron`.

    Raises
    ------
    InvoerFout
        Naming the workbook and sheet (and row and column where one is at fault).
    """
    bestand = Path(pad)
    bron = bladbron(bestand, blad)
    wb = _open(bestand)
    try:
        if blad not in wb.sheetnames:
            raise InvoerFout(
                f"werkblad '{blad}' ontbreekt; aanwezig: {', '.join(wb.sheetnames)}",
                bestand=bestand,
            )
        rijen = [[_cel(c) for c in r] for r in wb[blad].iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rijen or all(is_leeg(c) for c in rijen[0]):
        raise InvoerFout(
            "geen kopregel: rij 1 is leeg; zet de kolomnamen op de eerste rij", bestand=bron, rij=1
        )
    kop = [str(c).strip() for c in rijen[0]]
    while kop and kop[-1] == "":
        kop.pop()
    for j, naam in enumerate(kop):
        if naam == "" and any(j < len(r) and not is_leeg(r[j]) for r in rijen[1:]):
            raise InvoerFout(
                f"kolom {j + 1} heeft waarden maar geen naam in de kopregel; geef hem een naam",
                bestand=bron,
                rij=1,
            )
    controleer_kop([k for k in kop if k], bron)
    data = rijen[1:]
    while data and all(is_leeg(c) for c in data[-1]):
        data.pop()
    for i, r in enumerate(data):
        if all(is_leeg(c) for c in r):
            raise InvoerFout(
                "lege rij; verwijder deze rij (een lege rij tussen de gegevens verschuift de "
                "rijnummers)",
                bestand=bron,
                rij=rijnummer(i),
            )
        if any(not is_leeg(c) for c in r[len(kop) :]):
            raise InvoerFout(
                "waarde rechts van de laatste kolom met een naam; geef die kolom een naam of "
                "maak de cel leeg",
                bestand=bron,
                rij=rijnummer(i),
            )
    df = pd.DataFrame(
        {
            naam: pd.Series([r[j] if j < len(r) else "" for r in data], dtype=object)
            for j, naam in enumerate(kop)
            if naam
        }
    )
    df.attrs["bestand"] = bron
    return df


def lees_rondeblad(pad: str | os.PathLike[str]) -> dict[str, Any]:
    """The settings on sheet `RONDEBLAD`: ``sleutel`` -> ``waarde`` (empty values left out).

    Raises
    ------
    ConfiguratieFout
        For a missing column, an empty or repeated key, naming the sheet and row.
    """
    df = lees_blad(pad, RONDEBLAD)
    bron = bladbron(pad, RONDEBLAD)
    for kolom in ("sleutel", "waarde"):
        if kolom not in df.columns:
            raise ConfiguratieFout(
                "verplichte kolom ontbreekt; het blad 'ronde' heeft de kolommen sleutel en waarde",
                bestand=bron,
                rij=1,
                kolom=kolom,
            )
    uit: dict[str, Any] = {}
    gezien: set[str] = set()
    for i, (sleutel, waarde) in enumerate(zip(df["sleutel"], df["waarde"], strict=True)):
        if is_leeg(sleutel):
            if is_leeg(waarde):
                continue
            raise ConfiguratieFout(
                "waarde zonder sleutel", bestand=bron, rij=rijnummer(i), kolom="sleutel"
            )
        naam = str(sleutel).strip()
        if naam in gezien:
            raise ConfiguratieFout(
                "deze sleutel staat er twee keer in",
                bestand=bron,
                rij=rijnummer(i),
                kolom="sleutel",
                waarde=naam,
            )
        gezien.add(naam)
        if not is_leeg(waarde):
            uit[naam] = waarde
    return uit
