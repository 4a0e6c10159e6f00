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
CSV back (`allocatie.invoer.vorige`). That pair lives in `allocatie.io.csvcel` (the
input side reads it) and is importable from here.
"""

from __future__ import annotations

import re
import unicodedata

from rich.markup import escape as _rich_escape

# The CSV pair is data, read back on the input side (`allocatie.invoer.vorige`): it lives in
# `allocatie.io.csvcel` and is handed on from here for the writers.
from allocatie.io.csvcel import csv_terug, csv_veilig, csv_waarde, csv_waarde_terug

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
