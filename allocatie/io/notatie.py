"""How numbers and dates are written in a table: the one rule every reader shares.

A CSV file is either a *comma file* (``,`` between fields, a point as decimal
sign: ``1234.5``) or a *semicolon file* as Dutch Excel saves it (``;`` between
fields, a comma as decimal sign: ``1234,5``). `allocatie.io.csvlezer.lees_csv`
decides which from the header line and records it in ``df.attrs`` (`DECIMAALTEKEN`);
the column parsers (`allocatie.io.kolommen`) and the planning readers read numbers
with `als_getal` / `als_geheel_tekst` for that decimal sign. A table built in Python
has no such mark and uses the point.

Ambiguous values are refused, never guessed: a point in a number of a semicolon
file (a thousands separator or a decimal point?), a comma in a number of a comma
file, any thousands separator, an impossible date (``13-13-2025``) and a column
that mixes ISO dates with day-month-year dates. Dates may be written ISO
(``2025-01-05``) or as Dutch Excel shows them (``5-1-2025`` or ``05-01-2025``),
one style per column. The rule is stated for users in ``data/SCHEMA.md``
("CSV uit Excel").
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

import pandas as pd

__all__ = [
    "DECIMAALTEKEN",
    "DatumStijl",
    "als_datum",
    "als_geheel_tekst",
    "als_getal",
    "decimaalteken",
    "gemengde_stijl",
]

#: Key in ``DataFrame.attrs`` under which a reader records the decimal sign of its file.
DECIMAALTEKEN = "decimaalteken"

DatumStijl = Literal["iso", "dmj"]

_PUNTGETAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_KOMMAGETAL = re.compile(r"[+-]?([0-9]+(,[0-9]*)?|,[0-9]+)([eE][+-]?[0-9]+)?")
_DUIZENDTAL = re.compile(r"[+-]?[0-9]{1,3}([.,][0-9]{3})+([.,][0-9]+)?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DMJ = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
_STIJL = {"iso": "JJJJ-MM-DD (bijv. 2025-01-05)", "dmj": "D-M-JJJJ (bijv. 5-1-2025)"}


def decimaalteken(df: pd.DataFrame) -> str:
    """The decimal sign of the file ``df`` was read from: ``","`` or ``"."`` (the default).

    Examples
    --------
    >>> df = pd.DataFrame({"x": ["1,5"]})
    >>> decimaalteken(df)
    '.'
    >>> df.attrs[DECIMAALTEKEN] = ","
    >>> decimaalteken(df)
    ','
    """
    teken = df.attrs.get(DECIMAALTEKEN, ".")
    return "," if teken == "," else "."


def _duizendtal(t: str, decimaal: str) -> str | None:
    if _DUIZENDTAL.fullmatch(t):
        voorbeeld = "1234,5" if decimaal == "," else "1234.5"
        return (
            "dubbelzinnig getal: een duizendtalscheiding of een decimaalteken? Schrijf getallen "
            "zonder duizendtalscheiding (geen scheidingstekens tussen de cijfers), met een "
            f"{_naam(decimaal)} als decimaalteken (bijv. {voorbeeld})"
        )
    return None


def _naam(decimaal: str) -> str:
    return "komma" if decimaal == "," else "punt"


def _bestandssoort(decimaal: str) -> str:
    teken = "puntkomma's" if decimaal == "," else "komma's"
    return f"in een bestand met {teken} als scheidingsteken"


def als_getal(tekst: str, decimaal: str = ".") -> float | str:
    """The number written in ``tekst``, or the reason (Dutch) why it is not one.

    Parameters
    ----------
    tekst
        The cell, stripped of surrounding spaces by the caller or not.
    decimaal
        ``"."`` (a comma file or a Python table) or ``","`` (a semicolon file).

    Examples
    --------
    >>> als_getal("1234.5"), als_getal("1234,5", ","), als_getal("-,5", ","), als_getal("2e3")
    (1234.5, 1234.5, -0.5, 2000.0)
    >>> als_getal("1.234", ",")[:19]
    'dubbelzinnig getal:'
    >>> als_getal("0.5", ",")[:51]
    'punt in een getal; verwacht een komma als decimaalt'
    >>> als_getal("0,5")[:51]
    'komma in een getal; verwacht een punt als decimaalt'
    """
    t = tekst.strip()
    patroon = _KOMMAGETAL if decimaal == "," else _PUNTGETAL
    if patroon.fullmatch(t):
        return float(t.replace(",", ".")) if decimaal == "," else float(t)
    probleem = _duizendtal(t, decimaal)
    if probleem is not None:
        return probleem
    ander = "." if decimaal == "," else ","
    if ander in t and (_KOMMAGETAL if decimaal == "." else _PUNTGETAL).fullmatch(t):
        return (
            f"{_naam(ander)} in een getal; verwacht een {_naam(decimaal)} als decimaalteken "
            f"({_bestandssoort(decimaal)}) en geen duizendtalscheiding (bijv. "
            f"{'1234,5' if decimaal == ',' else '1234.5'})"
        )
    return (
        f"geen getal; verwacht een getal met een {_naam(decimaal)} als decimaalteken (bijv. "
        f"{'1234,5' if decimaal == ',' else '1234.5'})"
    )


def als_geheel_tekst(tekst: str, decimaal: str = ".") -> str | None:
    """Why ``tekst`` (not a plain whole number) is refused, if a separator is the cause.

    Used by `allocatie.io.kolommen.geheel` after ``tekst`` failed the whole-number
    pattern, to say *thousands separator* instead of only *not a whole number*.

    Examples
    --------
    >>> als_geheel_tekst("12.000", ",")[:19]
    'dubbelzinnig getal:'
    >>> als_geheel_tekst("12") is None
    True
    """
    return _duizendtal(tekst.strip(), decimaal)


def als_datum(waarde: Any) -> tuple[dt.date, DatumStijl | None] | str:
    """The date in ``waarde`` and how it was written, or the reason (Dutch) it is not one.

    Text is ``JJJJ-MM-DD`` (style ``"iso"``) or ``D-M-JJJJ`` / ``DD-MM-JJJJ``
    (style ``"dmj"``, as Dutch Excel writes dates in a CSV); a date or timestamp
    object has no style (``None``). The caller refuses a column that mixes
    styles (`allocatie.io.kolommen.datum`).

    Examples
    --------
    >>> als_datum("2025-01-05"), als_datum("5-1-2025"), als_datum("05-01-2025")
    ((datetime.date(2025, 1, 5), 'iso'), (datetime.date(2025, 1, 5), 'dmj'), \
(datetime.date(2025, 1, 5), 'dmj'))
    >>> als_datum("13-13-2025")[:26]
    'geen bestaande datum (dag '
    """
    if isinstance(waarde, dt.datetime | pd.Timestamp):
        return pd.Timestamp(waarde).date(), None
    if isinstance(waarde, dt.date):
        return waarde, None
    t = str(waarde).strip()
    m = _ISO.fullmatch(t)
    stijl: DatumStijl
    if m is not None:
        jaar, maand, dag = (int(g) for g in m.groups())
        stijl = "iso"
    else:
        m = _DMJ.fullmatch(t)
        if m is None:
            return (
                "geen geldige datum; verwacht JJJJ-MM-DD (bijv. 2025-01-05) of D-M-JJJJ "
                "(bijv. 5-1-2025)"
            )
        dag, maand, jaar = (int(g) for g in m.groups())
        stijl = "dmj"
    try:
        return dt.date(jaar, maand, dag), stijl
    except ValueError:
        return (
            f"geen bestaande datum (dag {dag}, maand {maand}, jaar {jaar}); verwacht "
            f"{_STIJL[stijl]}"
        )


def gemengde_stijl(eerste: DatumStijl, rij: int, stijl: DatumStijl) -> str:
    """The message for a date column that mixes styles (Dutch).

    Examples
    --------
    >>> gemengde_stijl("iso", 2, "dmj")[:40]
    'gemengde datumnotaties: deze datum staat'
    """
    return (
        f"gemengde datumnotaties: deze datum staat als {_STIJL[stijl]}, rij {rij} als "
        f"{_STIJL[eerste]}; schrijf alle datums in een kolom op één manier (dag en maand "
        "zijn anders niet zeker)"
    )
