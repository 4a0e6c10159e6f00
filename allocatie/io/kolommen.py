"""Strict column parsers: turn user cells into typed arrays, or raise a Dutch `InvoerFout`.

Every parser takes the table as given (strings from a CSV read with ``dtype=str``,
or typed columns from a DataFrame the analyst built) and never changes a value
silently: ``"2.5"`` for an integer column is an error, not ``2``; an empty cell
is only accepted where the column is optional.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from allocatie.errors import InvoerFout

GEMEENTECODE = re.compile(r"^GM[0-9]{4}$")
_INT = re.compile(r"^[+-]?[0-9]+$")  # ASCII digits only: no "٣" -> 3
_DATUM = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def rijnummer(positie: int) -> int:
    """Spreadsheet row of the data row at 0-based ``positie`` (header is row 1)."""
    return positie + 2


def is_leeg(waarde: Any) -> bool:
    """True for a missing cell: ``None``, NaN, NA/NaT or a blank string."""
    if waarde is None:
        return True
    if isinstance(waarde, str):
        return waarde.strip() == ""
    try:
        return bool(pd.isna(waarde))
    except (TypeError, ValueError):
        return False


def eis_kolommen(df: pd.DataFrame, kolommen: list[str], bron: str) -> None:
    """Raise when a required column is missing, naming what is there."""
    for kolom in kolommen:
        if kolom not in df.columns:
            aanwezig = ", ".join(str(c) for c in df.columns if c != "geometry")
            raise InvoerFout(
                f"verplichte kolom ontbreekt (aanwezig: {aanwezig or 'geen'})",
                bestand=bron,
                rij=1,
                kolom=kolom,
            )


def _als_geheel(waarde: Any) -> int | None:
    if isinstance(waarde, bool | np.bool_):
        return None
    if isinstance(waarde, int | np.integer):
        return int(waarde)
    if isinstance(waarde, float | np.floating):
        f = float(waarde)
        return int(f) if math.isfinite(f) and f.is_integer() else None
    if isinstance(waarde, str) and _INT.match(waarde.strip()):
        return int(waarde.strip())
    return None


def geheel(
    df: pd.DataFrame,
    kolom: str,
    bron: str,
    *,
    minimum: int = 0,
    standaard: int | None = None,
) -> np.ndarray:
    """Parse an integer column with a lower bound; ``standaard`` fills empty cells.

    Examples
    --------
    >>> geheel(pd.DataFrame({"n": ["1", "3"]}), "n", "t.csv")
    array([1, 3])
    """
    if kolom not in df.columns:
        if standaard is None:
            eis_kolommen(df, [kolom], bron)
        return np.full(len(df), standaard, dtype=np.int64)
    uit = np.empty(len(df), dtype=np.int64)
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if standaard is None:
                raise InvoerFout(
                    "lege cel; verwacht een geheel getal",
                    bestand=bron,
                    rij=rijnummer(i),
                    kolom=kolom,
                )
            uit[i] = standaard
            continue
        n = _als_geheel(waarde)
        if n is None:
            raise InvoerFout(
                "verwacht een geheel getal",
                bestand=bron,
                rij=rijnummer(i),
                kolom=kolom,
                waarde=waarde,
            )
        if n < minimum:
            raise InvoerFout(
                f"moet minstens {minimum} zijn",
                bestand=bron,
                rij=rijnummer(i),
                kolom=kolom,
                waarde=waarde,
            )
        uit[i] = n
    return uit


def getal(
    df: pd.DataFrame,
    kolom: str,
    bron: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    minimum_exclusief: bool = False,
    standaard: float | None = None,
) -> np.ndarray:
    """Parse a real-valued column within optional bounds."""
    if kolom not in df.columns:
        if standaard is None:
            eis_kolommen(df, [kolom], bron)
        return np.full(len(df), standaard, dtype=float)
    uit = np.empty(len(df), dtype=float)
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if standaard is None:
                raise InvoerFout(
                    "lege cel; verwacht een getal", bestand=bron, rij=rijnummer(i), kolom=kolom
                )
            uit[i] = standaard
            continue
        try:
            f = float(str(waarde).strip()) if isinstance(waarde, str) else float(waarde)
        except (TypeError, ValueError):
            f = math.nan
        if isinstance(waarde, bool | np.bool_) or not math.isfinite(f):
            raise InvoerFout(
                "verwacht een getal (punt als decimaalteken)",
                bestand=bron,
                rij=rijnummer(i),
                kolom=kolom,
                waarde=waarde,
            )
        te_laag = minimum is not None and (f <= minimum if minimum_exclusief else f < minimum)
        if te_laag or (maximum is not None and f > maximum):
            onder = f"> {minimum}" if minimum_exclusief else f">= {minimum}"
            grenzen = " en ".join(
                g
                for g in (onder if minimum is not None else "", f"<= {maximum}" if maximum else "")
                if g
            )
            raise InvoerFout(
                f"moet {grenzen} zijn", bestand=bron, rij=rijnummer(i), kolom=kolom, waarde=waarde
            )
        uit[i] = f
    return uit


def datum(df: pd.DataFrame, kolom: str, bron: str, *, verplicht: bool = True) -> np.ndarray:
    """Parse an ISO date column to ``datetime64[D]``; empty cells become NaT if optional."""
    if kolom not in df.columns:
        if verplicht:
            eis_kolommen(df, [kolom], bron)
        return np.full(len(df), np.datetime64("NaT"), dtype="datetime64[D]")
    uit = np.empty(len(df), dtype="datetime64[D]")
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if verplicht:
                raise InvoerFout(
                    "lege cel; verwacht een datum (JJJJ-MM-DD)",
                    bestand=bron,
                    rij=rijnummer(i),
                    kolom=kolom,
                )
            uit[i] = np.datetime64("NaT")
            continue
        try:
            if isinstance(waarde, dt.datetime | pd.Timestamp):
                d = pd.Timestamp(waarde).date()
            elif isinstance(waarde, dt.date):
                d = waarde
            elif _DATUM.match(str(waarde).strip()):
                d = dt.date.fromisoformat(str(waarde).strip())
            else:  # fromisoformat would also take 20250301 and 2025-W10-1
                raise ValueError(waarde)
        except ValueError:
            raise InvoerFout(
                "geen geldige datum; verwacht JJJJ-MM-DD",
                bestand=bron,
                rij=rijnummer(i),
                kolom=kolom,
                waarde=waarde,
            ) from None
        uit[i] = np.datetime64(d, "D")
    return uit


def tekst(df: pd.DataFrame, kolom: str, bron: str, *, verplicht: bool = True) -> np.ndarray:
    """Parse a text column (stripped); empty optional cells become ``""``."""
    if kolom not in df.columns:
        if verplicht:
            eis_kolommen(df, [kolom], bron)
        return np.full(len(df), "", dtype=object)
    uit = np.empty(len(df), dtype=object)
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if verplicht:
                raise InvoerFout(
                    "lege cel; waarde verplicht", bestand=bron, rij=rijnummer(i), kolom=kolom
                )
            uit[i] = ""
        else:
            uit[i] = str(waarde).strip()
    return uit


def uniek(waarden: np.ndarray, kolom: str, bron: str) -> None:
    """Raise on the first duplicate value, naming both rows."""
    gezien: dict[Any, int] = {}
    for i, w in enumerate(waarden.tolist()):
        if w in gezien:
            raise InvoerFout(
                f"dubbele waarde; komt ook voor in rij {rijnummer(gezien[w])}",
                bestand=bron,
                rij=rijnummer(i),
                kolom=kolom,
                waarde=w,
            )
        gezien[w] = i


def bekende_codes(
    waarden: np.ndarray, bekend: dict[str, int], kolom: str, bron: str, *, leeg_mag: bool = False
) -> np.ndarray:
    """Map gemeente codes to their index; unknown codes raise. Empty → -1 if allowed."""
    uit = np.full(len(waarden), -1, dtype=np.int64)
    for i, w in enumerate(waarden.tolist()):
        if w == "":
            if not leeg_mag:
                raise InvoerFout(
                    "lege cel; waarde verplicht", bestand=bron, rij=rijnummer(i), kolom=kolom
                )
            continue
        if w not in bekend:
            raise InvoerFout(
                "onbekende gemeentecode: staat niet in de gemeententabel",
                bestand=bron,
                rij=rijnummer(i),
                kolom=kolom,
                waarde=w,
            )
        uit[i] = bekend[w]
    return uit
