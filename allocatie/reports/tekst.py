"""Text from the input, made safe for every place a user reads it, and for CSV.

Names and ids come from files a regisseur (or anyone who sent them) wrote. Each
renderer has its own hostile characters: matplotlib reads ``$...$`` as
mathtext (and fails on ``$x_$``), rich reads ``[...]`` as markup (and fails on
``[/x]``), XML (the workbook) forbids most control characters, and in every
renderer bidi overrides (U+202E) and zero-width characters can make one name
look like another. This module has one display form for all of them:

* `veilige_tekst`: control, format (bidi, zero-width) and line/paragraph
  separator characters become U+FFFD (visible: the reader sees that there is
  something there), tabs become spaces, very long text is cut with an
  ellipsis. Renderer-specific escaping comes on top: `console_tekst` for rich,
  `mpl_tekst` for matplotlib (``$`` escaped), ``html.escape`` for HTML.
* `xml_tekst`: only the characters XML cannot hold, for the workbook, which
  is also a data file and keeps everything else as is.

The display form is for display only: the data files (CSV, the round archive)
keep the original values. The one change to data is `csv_veilig`: a text cell
that a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice
against CSV injection); `csv_terug` undoes it when allocatie reads its own
CSV back (`allocatie.vorige`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd
from rich.markup import escape as _rich_escape

__all__ = [
    "ELLIPS",
    "MAX_LABEL",
    "MAX_NAAM",
    "MAX_TITEL",
    "VERVANGTEKEN",
    "console_tekst",
    "csv_terug",
    "csv_veilig",
    "csv_waarde",
    "csv_waarde_terug",
    "mpl_tekst",
    "veilige_tekst",
    "xml_tekst",
]

#: What an unsafe or invisible character is shown as.
VERVANGTEKEN = "\ufffd"
#: The mark of text cut short for display.
ELLIPS = "…"
#: Longest name on a map label (characters).
MAX_LABEL = 40
#: Longest name in a table cell of the report or console.
MAX_NAAM = 80
#: Longest title (round name and what goes with it).
MAX_TITEL = 120

#: Unicode categories never shown as is: control (Cc), format (Cf: bidi controls such as
#: U+202E, zero-width characters, soft hyphen), surrogates (Cs), line/paragraph separators.
_ONVEILIG = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
#: Characters an XML 1.0 document cannot hold (the workbook); as openpyxl's check.
_XML_ONGELDIG = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: A cell a spreadsheet would run as a formula (OWASP), after any quotes added before.
_FORMULE = re.compile(r"^'*[=+\-@\t\r]")
#: A plain number ("-12", "+3,5"): read as that number, never run; left as is.
_GETAL = re.compile(r"^[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?$")


def _teken(c: str, regels: bool) -> str:
    if c == "\t":
        return " "
    if c == "\n" and regels:
        return c
    return VERVANGTEKEN if unicodedata.category(c) in _ONVEILIG else c


def veilige_tekst(tekst: object, max_lengte: int | None = None, *, regels: bool = False) -> str:
    """The display form of a text from the input: no hidden characters, not too long.

    Control characters, format characters (bidi overrides and isolates,
    zero-width spaces and joiners, the BOM) and line or paragraph separators
    become U+FFFD, a tab a space; with ``regels`` a newline stays. Text longer
    than ``max_lengte`` is cut to that length, its last character an ellipsis.
    For display only: data files keep the original.

    Parameters
    ----------
    tekst
        Any value; ``str(tekst)`` is used (``None`` gives ``""``).
    max_lengte
        Longest result in characters; no limit when None.
    regels
        Keep newlines (text drawn on more than one line).

    Examples
    --------
    >>> veilige_tekst("Ede\\u202eedE")
    'Ede\\ufffdedE'
    >>> veilige_tekst("Súdwest-Fryslân", 8)
    'Súdwest…'
    >>> veilige_tekst("a\\tb\\nc"), veilige_tekst("a\\nb", regels=True)
    ('a b\\ufffdc', 'a\\nb')
    """
    if tekst is None:
        return ""
    s = str(tekst)
    if not s.isascii() or not s.isprintable():
        s = "".join(_teken(c, regels) for c in s)
    if max_lengte is not None and len(s) > max_lengte:
        s = s[: max(max_lengte - 1, 0)] + ELLIPS
    return s


def console_tekst(tekst: object, max_lengte: int | None = MAX_NAAM) -> str:
    """`veilige_tekst` escaped for rich markup, to put in a console message or table cell.

    Examples
    --------
    >>> console_tekst("[/red] Ede")
    '\\\\[/red] Ede'
    """
    return _rich_escape(veilige_tekst(tekst, max_lengte))


def mpl_tekst(tekst: object, max_lengte: int | None = None) -> str:
    """`veilige_tekst` for matplotlib: every ``$`` escaped, so that no mathtext is parsed.

    matplotlib draws an escaped ``\\$`` as ``$`` in plain text. (``parse_math=False``
    alone is not enough: wrapped text is measured as mathtext all the same.)

    Examples
    --------
    >>> mpl_tekst("Ede $x_$")
    'Ede \\\\$x_\\\\$'
    """
    return veilige_tekst(tekst, max_lengte).replace("$", r"\$")


def xml_tekst(tekst: str) -> str:
    """``tekst`` with the characters XML cannot hold replaced by U+FFFD (the workbook).

    Examples
    --------
    >>> xml_tekst("Ede\\x07")
    'Ede\\ufffd'
    """
    return _XML_ONGELDIG.sub(VERVANGTEKEN, tekst)


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
