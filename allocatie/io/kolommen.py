"""Strict column parsers: turn user cells into typed arrays, or raise a Dutch `InvoerFout`.

Every parser takes the table as given (strings from a CSV read with ``dtype=str``,
or typed columns from a DataFrame the analyst built) and never changes a value
silently: ``"2.5"`` for an integer column is an error, not ``2``; an empty cell
is only accepted where the column is optional. Row numbers in messages are
positional (`rijnummer`): the reader (`allocatie.io.lezen.lees_csv`) keeps every
data row in place, so position ``i`` is spreadsheet row ``i + 2``.

Which columns a table may have is `allocatie.io.schema` (checked before any
cell is parsed); the bounds of counts and the code formats are here
(`MAX_INWONERS`, ..., `PROVINCIECODE`), as is the refusal of invisible
characters in ids and codes (`onzichtbaar_teken`).

A bad cell is reported through `allocatie.kern.errors.meld`: outside
`allocatie.kern.errors.verzamel` that raises at once; inside it the error is
recorded, a harmless stand-in takes the cell's place and the parser goes on,
so one validation reports every bad cell of every table.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from allocatie.io.notatie import (
    DatumStijl,
    als_datum,
    als_geheel_tekst,
    als_getal,
    decimaalteken,
    gemengde_stijl,
)
from allocatie.kern.errors import InvoerFout, meld

GEMEENTECODE = re.compile(r"^GM[0-9]{4}$")  # use fullmatch: "$" also matches before "\n"
PROVINCIECODE = re.compile(r"PV[0-9]{2}")  # fullmatch; CBS: PV20 ... PV31
ARBEIDSMARKTREGIOCODE = re.compile(r"AM[0-9]{2}")  # fullmatch; CBS: AM01 ... AM35

# Plausibility bounds of counts (stated in data/SCHEMA.md, "Strikte invoer"). They keep every
# product and sum the model forms far inside int64 and catch typing errors (an extra 0, a
# pasted id) before they become a wrong allocation.
MAX_INWONERS = 20_000_000
"""Inhabitants of one gemeente (the Netherlands has about 18 million in all)."""
MAX_PERSONEN_TELLING = 1_000_000
"""Persons in one count: taakstelling, achterstand, voorsprong, gerealiseerd, capacities."""
MAX_EENHEDEN = 1_000_000
"""Homes or units in one row (woningen, eenheden)."""
MAX_HUISHOUDGROOTTE = 30
"""Persons in one household (personen, nareizigers)."""
MAX_PER_EENHEID = 100
"""Persons per home or unit (min_personen, max_personen, max_per_woning, max_per_eenheid)."""
MAX_MINUTEN = 10_000.0
"""A travel time in minutes (about a week)."""
_INT = re.compile(r"[+-]?[0-9]+")  # fullmatch; ASCII digits only: no "٣" -> 3
_INT64_MAX = 2**63 - 1
_GEHEEL_TEKST = (
    "verwacht een geheel getal in cijfers, zonder decimalen, exponent of "
    "scheidingstekens (bijv. 243768)"
)


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


def eis_kolommen(
    df: pd.DataFrame, kolommen: Sequence[str], bron: str, *, optioneel: Sequence[str] = ()
) -> None:
    """Raise when a required column is missing, naming what is there and what is expected.

    ``optioneel`` only completes the list of expected columns in the message. A
    column name with a semicolon adds the hint that the file uses semicolons.
    """
    for kolom in kolommen:
        if kolom not in df.columns:
            aanwezig = ", ".join(str(c) for c in df.columns if c != "geometry")
            bericht = f"verplichte kolom ontbreekt (aanwezig: {aanwezig or 'geen'})"
            if len(kolommen) > 1 or optioneel:
                verwacht = [*kolommen, *(f"{o} (optioneel)" for o in optioneel)]
                bericht += f"; verwacht de kolommen {', '.join(verwacht)}"
            if any(";" in str(c) for c in df.columns):
                bericht += (
                    ". Het bestand lijkt puntkomma's als scheidingsteken te gebruiken; "
                    "gebruik komma's"
                )
            raise InvoerFout(bericht, bestand=bron, rij=1, kolom=kolom)


def _als_geheel(waarde: Any, *, exact: bool, decimaal: str = ".") -> int | str:
    """The whole number in ``waarde``, or the reason it is not one (a Dutch message).

    Text must be ASCII digits with an optional sign. A float is accepted when it
    is whole, unless ``exact``: a float may already have lost digits (above 2**53),
    so exact columns take only ints and text.
    """
    if isinstance(waarde, str):
        t = waarde.strip()
        if not _INT.fullmatch(t):
            return als_geheel_tekst(t, decimaal) or f"geen geheel getal; {_GEHEEL_TEKST}"
        try:
            return int(t)
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            return "getal te groot"
    soort = type(waarde).__name__
    if isinstance(waarde, int | np.integer) and not isinstance(waarde, bool | np.bool_):
        return int(waarde)
    if isinstance(waarde, float | np.floating) and not exact:
        f = float(waarde)
        if math.isfinite(f) and f.is_integer():
            return int(f)
        return f"geen geheel getal (type {soort}); {_GEHEEL_TEKST}"
    if isinstance(waarde, float | np.floating):
        return (
            f"geen geheel getal (type {soort}); deze kolom telt exact en neemt gehele getallen "
            "(int) of tekst in cijfers, geen kommagetallen (float)"
        )
    return f"geen geheel getal (type {soort}); verwacht een geheel getal (int) of tekst in cijfers"


def geheel(
    df: pd.DataFrame,
    kolom: str,
    bron: str,
    *,
    minimum: int = 0,
    maximum: int | None = None,
    standaard: int | None = None,
    exact: bool = False,
) -> np.ndarray:
    """Parse an integer column within bounds; ``standaard`` fills empty cells.

    Parameters
    ----------
    df, kolom, bron
        The table, the column and the file (or table name) for messages.
    minimum
        The smallest valid value.
    maximum
        The largest valid value (a plausibility bound), or None for int64's.
    standaard
        Value of an empty cell and of a missing column; ``None`` makes both errors.
    exact
        Return an object array of Python ints (any size, for exact arithmetic)
        instead of int64, and refuse floats even when whole (they may have lost
        digits). Without it a value beyond int64 is an error.

    Examples
    --------
    >>> geheel(pd.DataFrame({"n": ["1", "3"]}), "n", "t.csv")
    array([1, 3])
    >>> geheel(pd.DataFrame({"n": ["1", "10000000000000000000000"]}), "n", "t.csv", exact=True)
    array([1, 10000000000000000000000], dtype=object)
    """
    soort = object if exact else np.int64
    if kolom not in df.columns:
        if standaard is None:
            eis_kolommen(df, [kolom], bron)
        return np.full(len(df), standaard, dtype=soort)
    uit = np.empty(len(df), dtype=soort)
    decimaal = decimaalteken(df)
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if standaard is None:
                meld(
                    InvoerFout(
                        f"lege cel; verwacht een geheel getal van minstens {minimum}",
                        bestand=bron,
                        rij=rijnummer(i),
                        kolom=kolom,
                    )
                )
            uit[i] = minimum if standaard is None else standaard
            continue
        n = _als_geheel(waarde, exact=exact, decimaal=decimaal)
        if not exact and isinstance(n, int) and n > _INT64_MAX:
            n = f"getal te groot; verwacht hoogstens {_INT64_MAX}"
        elif isinstance(n, int) and n < minimum:
            n = f"moet minstens {minimum} zijn"
        elif isinstance(n, int) and maximum is not None and n > maximum:
            n = (
                f"getal te groot; verwacht hoogstens {maximum:_}".replace("_", ".")
                + " (bovengrens van deze kolom, zie data/SCHEMA.md); een tikfout of een "
                "verkeerde kolom?"
            )
        if isinstance(n, str):
            meld(InvoerFout(n, bestand=bron, rij=rijnummer(i), kolom=kolom, waarde=waarde))
            n = minimum  # stand-in while errors are collected (`allocatie.kern.errors.verzamel`)
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
    decimaal = decimaalteken(df)
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if standaard is None:
                meld(
                    InvoerFout(
                        "lege cel; verwacht een getal", bestand=bron, rij=rijnummer(i), kolom=kolom
                    )
                )
            uit[i] = _invulling(minimum, maximum) if standaard is None else standaard
            continue
        if isinstance(waarde, str):
            f_of_reden = als_getal(waarde, decimaal)
        elif isinstance(waarde, bool | np.bool_):
            f_of_reden = "verwacht een getal, geen waar/onwaar"
        else:
            try:
                f_of_reden = float(waarde)
            except (TypeError, ValueError):
                f_of_reden = "verwacht een getal"
        if isinstance(f_of_reden, float) and not math.isfinite(f_of_reden):
            f_of_reden = "verwacht een eindig getal"
        if isinstance(f_of_reden, str):
            meld(InvoerFout(f_of_reden, bestand=bron, rij=rijnummer(i), kolom=kolom, waarde=waarde))
            uit[i] = _invulling(minimum, maximum)
            continue
        f = f_of_reden
        te_laag = minimum is not None and (f <= minimum if minimum_exclusief else f < minimum)
        if te_laag or (maximum is not None and f > maximum):
            onder = f"> {minimum}" if minimum_exclusief else f">= {minimum}"
            grenzen = " en ".join(
                g
                for g in (onder if minimum is not None else "", f"<= {maximum}" if maximum else "")
                if g
            )
            meld(
                InvoerFout(
                    f"moet {grenzen} zijn",
                    bestand=bron,
                    rij=rijnummer(i),
                    kolom=kolom,
                    waarde=waarde,
                )
            )
            f = _invulling(minimum, maximum)
        uit[i] = f
    return uit


def _invulling(minimum: float | None, maximum: float | None) -> float:
    """A stand-in within the bounds for a bad cell while errors are collected."""
    if maximum is not None:
        return float(maximum)
    return float(minimum or 0.0) + 1.0


def datum(df: pd.DataFrame, kolom: str, bron: str, *, verplicht: bool = True) -> np.ndarray:
    """Parse a date column to ``datetime64[D]``; empty cells become NaT if optional.

    Text is ``JJJJ-MM-DD`` or ``D-M-JJJJ`` (as Dutch Excel writes a CSV), one
    style per column (`allocatie.io.notatie.als_datum`): a column mixing both is
    refused at the first cell in the other style.

    Examples
    --------
    >>> datum(pd.DataFrame({"d": ["5-1-2025", "28-02-2025"]}), "d", "t.csv")
    array(['2025-01-05', '2025-02-28'], dtype='datetime64[D]')
    """
    if kolom not in df.columns:
        if verplicht:
            eis_kolommen(df, [kolom], bron)
        return np.full(len(df), np.datetime64("NaT"), dtype="datetime64[D]")
    uit = np.empty(len(df), dtype="datetime64[D]")
    eerste: tuple[DatumStijl, int] | None = None
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if verplicht:
                meld(
                    InvoerFout(
                        "lege cel; verwacht een datum (JJJJ-MM-DD of D-M-JJJJ)",
                        bestand=bron,
                        rij=rijnummer(i),
                        kolom=kolom,
                    )
                )
            uit[i] = np.datetime64("NaT")
            continue
        gelezen = als_datum(waarde)
        if isinstance(gelezen, str):
            meld(InvoerFout(gelezen, bestand=bron, rij=rijnummer(i), kolom=kolom, waarde=waarde))
            uit[i] = np.datetime64("NaT")
            continue
        d, stijl = gelezen
        if stijl is not None:
            if eerste is None:
                eerste = (stijl, rijnummer(i))
            elif stijl != eerste[0]:
                meld(
                    InvoerFout(
                        gemengde_stijl(eerste[0], eerste[1], stijl),
                        bestand=bron,
                        rij=rijnummer(i),
                        kolom=kolom,
                        waarde=waarde,
                    )
                )
        uit[i] = np.datetime64(d, "D")
    return uit


#: Characters refused in free text too: controls other than tab and line breaks, and the
#: bidirectional overrides and isolates that make text display in another order.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def onzichtbaar_teken(waarde: str, *, vrij: bool = False) -> str | None:
    """Describe the first invisible or control character in ``waarde`` (Dutch), or None.

    In an id or code (``vrij=False``) every control, format (zero-width, bidi),
    private-use, unassigned or separator character other than the plain space
    is refused: two ids that look the same must be the same. In free text
    (``vrij=True``) only controls other than tab and line breaks, and bidi
    overrides, are refused.

    Examples
    --------
    >>> onzichtbaar_teken("HH-1\u200b")
    'onzichtbaar teken of stuurteken U+200B (ZERO WIDTH SPACE) op positie 5'
    >>> onzichtbaar_teken("Súdwest-Fryslân") is None
    True
    """
    if waarde.isascii() and waarde.isprintable():
        return None  # the common case, without a look-up per character
    for i, c in enumerate(waarde):
        soort = unicodedata.category(c)
        if vrij:
            fout = (soort == "Cc" and c not in "\t\n\r") or c in _BIDI
        else:
            fout = soort[0] == "C" or (soort[0] == "Z" and c != " ")
        if fout:
            naam = unicodedata.name(c, "stuurteken")
            return f"onzichtbaar teken of stuurteken U+{ord(c):04X} ({naam}) op positie {i + 1}"
    return None


def tekst(
    df: pd.DataFrame, kolom: str, bron: str, *, verplicht: bool = True, vrij: bool = False
) -> np.ndarray:
    """Parse a text column (stripped); empty optional cells become ``""``.

    ``vrij`` marks free text (a name, an explanation); without it the column
    holds ids or codes and every invisible character is refused
    (`onzichtbaar_teken`).
    """
    if kolom not in df.columns:
        if verplicht:
            eis_kolommen(df, [kolom], bron)
        return np.full(len(df), "", dtype=object)
    uit = np.empty(len(df), dtype=object)
    for i, waarde in enumerate(df[kolom].tolist()):
        if is_leeg(waarde):
            if verplicht:
                meld(
                    InvoerFout(
                        "lege cel; waarde verplicht", bestand=bron, rij=rijnummer(i), kolom=kolom
                    )
                )
            uit[i] = ""
            continue
        t = str(waarde).strip()
        probleem = onzichtbaar_teken(t, vrij=vrij)
        if probleem is not None:
            soort = "tekst" if vrij else "id of code"
            meld(
                InvoerFout(
                    f"{probleem} in deze {soort}; verwijder het (de waarde is hier met "
                    "escapes getoond, zodat het teken zichtbaar is)",
                    bestand=bron,
                    rij=rijnummer(i),
                    kolom=kolom,
                    waarde=t,
                )
            )
        uit[i] = t
    return uit


def regiocodes(
    df: pd.DataFrame, kolom: str, bron: str, patroon: re.Pattern[str], voorbeeld: str
) -> np.ndarray:
    """Parse a column of CBS region codes (``PV27``, ``AM12``) against ``patroon``.

    Examples
    --------
    >>> regiocodes(pd.DataFrame({"p": ["PV27"]}), "p", "g.csv", PROVINCIECODE, "PV27")
    array(['PV27'], dtype=object)
    """
    codes = tekst(df, kolom, bron)
    for i, c in enumerate(codes.tolist()):
        if not patroon.fullmatch(c):
            meld(
                InvoerFout(
                    f"ongeldige code; verwacht '{voorbeeld[:2]}' gevolgd door 2 cijfers, de "
                    f"CBS-code (bijv. {voorbeeld})",
                    bestand=bron,
                    rij=rijnummer(i),
                    kolom=kolom,
                    waarde=c,
                )
            )
    return codes


def keuze(
    df: pd.DataFrame,
    kolom: str,
    bron: str,
    toegestaan: tuple[str, ...] | list[str] | dict[str, Any],
    *,
    verplicht: bool = True,
    wat: str = "waarde",
) -> np.ndarray:
    """Parse a text column whose values must come from ``toegestaan`` (``""`` if optional).

    Examples
    --------
    >>> keuze(pd.DataFrame({"m": ["ov", ""]}), "m", "t.csv", ("ov", "auto"), verplicht=False)
    array(['ov', ''], dtype=object)
    """
    waarden = tekst(df, kolom, bron, verplicht=verplicht)
    for i, w in enumerate(waarden.tolist()):
        if w and w not in toegestaan:
            meld(
                InvoerFout(
                    f"onbekende {wat}; kies uit {', '.join(toegestaan)}"
                    + ("" if verplicht else " (of laat leeg)"),
                    bestand=bron,
                    rij=rijnummer(i),
                    kolom=kolom,
                    waarde=w,
                )
            )
    return waarden


def uniek(waarden: np.ndarray, kolom: str, bron: str, *, uitleg: str = "") -> None:
    """Raise on the first duplicate value, naming both rows (and ``uitleg``, if given)."""
    gezien: dict[Any, int] = {}
    for i, w in enumerate(waarden.tolist()):
        if w in gezien:
            meld(
                InvoerFout(
                    _dubbel(gezien[w], uitleg),
                    bestand=bron,
                    rij=rijnummer(i),
                    kolom=kolom,
                    waarde=w,
                )
            )
            continue
        gezien[w] = i


def _dubbel(eerder: int, uitleg: str) -> str:
    return f"dubbele waarde; komt ook voor in rij {rijnummer(eerder)}" + (
        f"; {uitleg}" if uitleg else ""
    )


def gemeentecodes(df: pd.DataFrame, kolom: str, bron: str) -> np.ndarray:
    """Parse a column of unique CBS gemeente codes (``GM`` + 4 ASCII digits).

    Rows are checked in order, format and uniqueness together, so the first bad
    row is the one reported; a repeated code names both rows.

    Examples
    --------
    >>> gemeentecodes(pd.DataFrame({"c": ["GM0014", " GM0363 "]}), "c", "g.csv")
    array(['GM0014', 'GM0363'], dtype=object)
    """
    codes = tekst(df, kolom, bron)
    gezien: dict[str, int] = {}
    for i, c in enumerate(codes.tolist()):
        if not GEMEENTECODE.fullmatch(c):
            bericht = (
                "ongeldige gemeentecode; verwacht 'GM' gevolgd door 4 cijfers, de "
                "CBS-gemeentecode (bijv. GM0363)"
            )
        elif c in gezien:
            bericht = _dubbel(gezien[c], "elke gemeente mag één keer voorkomen")
        else:
            gezien[c] = i
            continue
        meld(InvoerFout(bericht, bestand=bron, rij=rijnummer(i), kolom=kolom, waarde=c))
    return codes


def bekende_codes(
    waarden: np.ndarray,
    bekend: dict[str, int],
    kolom: str,
    bron: str,
    *,
    leeg_mag: bool = False,
    onbekend: str = "onbekende gemeentecode: staat niet in de gemeententabel",
) -> np.ndarray:
    """Map codes (gemeenten by default) to their index; unknown codes raise ``onbekend``.

    Empty cells become -1 when ``leeg_mag``.
    """
    uit = np.full(len(waarden), -1, dtype=np.int64)
    for i, w in enumerate(waarden.tolist()):
        if w == "":
            if not leeg_mag:
                meld(
                    InvoerFout(
                        "lege cel; waarde verplicht", bestand=bron, rij=rijnummer(i), kolom=kolom
                    )
                )
                uit[i] = 0  # stand-in while errors are collected
            continue
        if w not in bekend:
            meld(InvoerFout(onbekend, bestand=bron, rij=rijnummer(i), kolom=kolom, waarde=w))
            uit[i] = 0  # stand-in while errors are collected
            continue
        uit[i] = bekend[w]
    return uit
