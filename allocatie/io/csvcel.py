"""CSV cells that no spreadsheet runs as a formula, and back.

The one change allocatie makes to data it writes: a text cell that a
spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice
against CSV injection, `csv_veilig`); `csv_terug` undoes it when allocatie reads
its own CSV back (`allocatie.invoer.vorige`). Both sides use it, so it lives with the
readers and writers of files; `allocatie.reports.tekst` hands it on.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["csv_terug", "csv_veilig", "csv_waarde", "csv_waarde_terug"]

#: A cell a spreadsheet would run as a formula (OWASP), after any quotes added before.
_FORMULE = re.compile(r"^'*[=+\-@\t\r]")
#: A plain number ("-12", "+3,5"): read as that number, never run; left as is.
_GETAL = re.compile(r"^[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?$")


def csv_waarde(v: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula: ``'`` before a formula-like text.

    A text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return (after any quotes) gets a ``'`` in front; a plain number written
    as text (``"-12"``) and every non-text value stay as they are.
    `csv_waarde_terug` undoes it exactly.

    Examples
    --------
    >>> csv_waarde("=HYPERLINK()"), csv_waarde("-12"), csv_waarde(-12), csv_waarde("Ede")
    ("'=HYPERLINK()", '-12', -12, 'Ede')
    >>> csv_waarde("'=a")
    "''=a"
    """
    if isinstance(v, str) and _FORMULE.match(v) and not _GETAL.match(v):
        return "'" + v
    return v


def csv_waarde_terug(v: Any) -> Any:
    """The value `csv_waarde` was given: one ``'`` off a quoted formula-like text.

    Examples
    --------
    >>> csv_waarde_terug("'=HYPERLINK()"), csv_waarde_terug("''=a"), csv_waarde_terug("'x")
    ('=HYPERLINK()', "'=a", "'x")
    """
    if isinstance(v, str) and v.startswith("'") and _FORMULE.match(v[1:]):
        return v[1:]
    return v


def _per_tekstkolom(df: pd.DataFrame, f: Any) -> pd.DataFrame:
    uit = df.copy()
    for kolom in uit.columns:
        if uit[kolom].dtype == object or pd.api.types.is_string_dtype(uit[kolom].dtype):
            uit[kolom] = uit[kolom].map(f, na_action="ignore")
    return uit


def csv_veilig(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` to write as CSV: `csv_waarde` on every text cell.

    Numeric columns (negative numbers included) are not touched.
    """
    return _per_tekstkolom(df, csv_waarde)


def csv_terug(df: pd.DataFrame) -> pd.DataFrame:
    """A table read from a CSV that `csv_veilig` wrote, with its original values."""
    return _per_tekstkolom(df, csv_waarde_terug)
