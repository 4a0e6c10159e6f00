"""Building blocks of the HTML report: value formatting, tables and sections.

Every figure of `allocatie.reports.html` is formatted here the Dutch way
(`allocatie.kern.taal.nl_getal`); numeric table cells carry their raw value in
``data-w`` so the page's script can sort them and tests can read them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import pandas as pd

from allocatie.kern.taal import nl_getal
from allocatie.reports.tekst import MAX_NAAM, veilige_tekst

__all__ = [
    "AFDRUK",
    "SECTIES",
    "Kolom",
    "als_tekst",
    "datum",
    "decimaal",
    "esc",
    "filterbalk",
    "gap_procent",
    "geheel",
    "geheel_kolom",
    "getalcel",
    "leeg",
    "minuten",
    "procent",
    "procent_kolom",
    "seconden",
    "sectie",
    "tabel",
    "tekstcel",
]

#: Section id -> heading, in page order.
SECTIES: dict[str, str] = {
    "samenvatting": "Samenvatting",
    "provincies": "Per provincie",
    "kaart": "Kaart",
    "begrippen": "Begrippen",
    "gemeenten": "Per gemeente",
    "flexlocaties": "Flexlocaties",
    "eerlijkheid": "Eerlijkheid",
    "verklaring": "Verklaring",
    "parameters": "Instellingen",
    "solver": "Hoe is gerekend",
}
#: The sections of the printed report (a few A4 pages); the rest is on screen and in the
#: annex (``rapport-bijlage.html``).
AFDRUK: tuple[str, ...] = ("samenvatting", "provincies", "kaart", "begrippen")


def esc(tekst: object, max_lengte: int | None = None) -> str:
    """Text for HTML: its display form (`veilige_tekst`), escaped (quotes included).

    Hidden characters (control, bidi overrides, zero-width) show as U+FFFD, so
    that they cannot reorder or hide what the page says; newlines stay. With
    ``max_lengte`` longer text is cut with an ellipsis.

    Examples
    --------
    >>> esc('<b>"Ede"</b>\u202e')
    '&lt;b&gt;&quot;Ede&quot;&lt;/b&gt;\ufffd'
    """
    return escape(veilige_tekst(tekst, max_lengte, regels=True), quote=True)


def tekstcel(tekst: str, *, breed: bool = False) -> str:
    """A text cell; a name longer than `MAX_NAAM` is cut, in full in its tooltip.

    Wide cells (explanations) are never cut.
    """
    klasse = ' class="breed"' if breed else ""
    if breed or len(tekst) <= MAX_NAAM:
        return f"<td{klasse}>{esc(tekst)}</td>"
    return f'<td{klasse} title="{esc(tekst)}">{esc(tekst, MAX_NAAM)}</td>'


def leeg(v: Any) -> bool:
    """True for a missing value: None, NaT or a non-finite float."""
    return v is None or v is pd.NaT or (isinstance(v, float) and not math.isfinite(v))


def geheel(v: Any) -> str:
    """A whole number in Dutch notation; '–' when missing."""
    return "–" if leeg(v) else nl_getal(float(v))


def procent(v: Any, decimalen: int = 1) -> str:
    """A share as a Dutch percentage (0.125 -> '12,5%'); '–' when missing."""
    return "–" if leeg(v) else f"{nl_getal(100 * float(v), decimalen)}%"


def gap_procent(v: Any) -> str:
    """A gap or small share with three decimals; 'onbekend' when missing."""
    return "onbekend" if leeg(v) else f"{nl_getal(100 * float(v), 3)}%"


def decimaal(v: Any, decimalen: int = 2) -> str:
    """A number with ``decimalen`` decimals in Dutch notation; '–' when missing."""
    return "–" if leeg(v) else nl_getal(float(v), decimalen)


def datum(v: Any) -> str:
    """A date as dd-mm-jjjj; '–' when missing."""
    return "–" if leeg(v) or pd.isna(v) else pd.Timestamp(v).strftime("%d-%m-%Y")


def seconden(v: Any) -> str:
    """A duration in seconds ('< 0,01 s' for tiny ones); '–' when missing."""
    if leeg(v):
        return "–"
    return "< 0,01 s" if 0 < float(v) < 0.005 else f"{nl_getal(float(v), 2)} s"


def minuten(v: Any) -> str:
    """Minutes ('35 min'); '–' when missing."""
    return "–" if leeg(v) else f"{nl_getal(float(v))} min"


def als_tekst(v: Any) -> str:
    """Text as is; '' when missing."""
    return "" if leeg(v) else str(v)


def getalcel(v: Any, tekst: str) -> str:
    """A numeric cell: right-aligned, the raw value in ``data-w`` ('' when missing)."""
    ruw = "" if leeg(v) else f"{float(v):.10g}"
    return f'<td class="n" data-w="{ruw}">{esc(tekst)}</td>'


@dataclass(frozen=True)
class Kolom:
    """A column of an HTML table: source column, header, formatter, numeric or not."""

    bron: str
    kop: str
    opmaak: Callable[[Any], str] = als_tekst
    getal: bool = False
    breed: bool = False


def geheel_kolom(bron: str, kop: str) -> Kolom:
    """A numeric column of whole numbers."""
    return Kolom(bron, kop, geheel, True)


def procent_kolom(bron: str, kop: str) -> Kolom:
    """A numeric column of percentages."""
    return Kolom(bron, kop, procent, True)


def tabel(
    df: pd.DataFrame,
    kolommen: Sequence[Kolom],
    *,
    id_: str,
    rij_id: tuple[str, str] | None = None,
    rij_data: dict[str, str] | None = None,
    voet: Sequence[str] | None = None,
    klasse: str = "",
    bijschrift: str | None = None,
) -> str:
    """An HTML table; numeric cells carry their raw value in ``data-w`` (sorting, tests).

    ``rij_id`` = (prefix, column) gives each row the id ``<prefix>-<value>``;
    ``rij_data`` = {name: column} gives each row the attribute ``data-<name>``
    (what the page's filters select on, see `filterbalk`).
    """
    kop = "".join(
        f'<th scope="col"{" class=n" if k.getal else ""}>{esc(k.kop)}</th>' for k in kolommen
    )
    rijen = []
    for r in df.to_dict(orient="records"):
        cellen = []
        for k in kolommen:
            v = r.get(k.bron)
            if k.getal:
                cellen.append(getalcel(v, k.opmaak(v)))
            else:
                cellen.append(tekstcel(k.opmaak(v), breed=k.breed))
        attr = f' id="{esc(rij_id[0])}-{esc(r[rij_id[1]])}"' if rij_id else ""
        for naam, bron in (rij_data or {}).items():
            attr += f' data-{esc(naam)}="{esc(als_tekst(r.get(bron)))}"'
        rijen.append(f"<tr{attr}>{''.join(cellen)}</tr>")
    tfoot = ""
    if voet is not None:
        tfoot = (
            "<tfoot><tr>"
            + "".join(
                f"<td{' class=n' if k.getal else ''}>{esc(t)}</td>"
                for k, t in zip(kolommen, voet, strict=True)
            )
            + "</tr></tfoot>"
        )
    cap = f"<caption>{esc(bijschrift)}</caption>" if bijschrift else ""
    return (
        f'<div class="tabelvak {klasse}"><table id="{esc(id_)}" class="sorteerbaar">{cap}'
        f"<thead><tr>{kop}</tr></thead><tbody>{''.join(rijen)}</tbody>{tfoot}</table></div>"
    )


def sectie(id_: str, inhoud: str) -> str:
    """A ``<section>`` with the heading of `SECTIES` and its content.

    Sections outside `AFDRUK` carry the class ``scherm`` and are left out of the
    printed report (their tables print from the annex).
    """
    klasse = "" if id_ in AFDRUK else ' class="scherm"'
    return f'<section id="{id_}"{klasse}><h2>{esc(SECTIES[id_])}</h2>{inhoud}</section>'


def filterbalk(
    tabel_id: str,
    *,
    wat: str,
    provincies: dict[str, str] | None = None,
    totaal: int,
    eenheid: tuple[str, str] = ("rij", "rijen"),
) -> str:
    """A search box, a provincie choice and a row count above a table (screen only).

    The page's script (``rapport.js``) shows the rows whose text contains the
    search words and whose ``data-provincie`` is the chosen one, and updates
    the count. Without scripts every row stays visible.

    Parameters
    ----------
    tabel_id
        The ``id`` of the table.
    wat
        Placeholder of the search box (what one can search for).
    provincies
        Code -> name of the provinces to choose from; no choice when None or
        only one.
    totaal
        Number of rows.
    eenheid
        Singular and plural of what a row is (``("gemeente", "gemeenten")``).

    Examples
    --------
    >>> 'data-tabel="t"' in filterbalk("t", wat="naam", totaal=3)
    True
    >>> "<select" in filterbalk("t", wat="naam", totaal=3, provincies={"PV20": "Groningen"})
    False
    """
    t = esc(tabel_id)
    keuze = ""
    if provincies is not None and len(provincies) > 1:
        opties = "".join(
            f'<option value="{esc(c)}">{esc(n)}</option>'
            for c, n in sorted(provincies.items(), key=lambda cn: cn[1].casefold())
        )
        keuze = (
            f'<label>Provincie <select class="filter" data-tabel="{t}" data-veld="provincie">'
            f'<option value="">alle provincies</option>{opties}</select></label>'
        )
    return (
        f'<div class="filterbalk alleen-scherm" role="search"><label>Zoeken '
        f'<input type="search" class="zoek" data-tabel="{t}" placeholder="{esc(wat)}"></label>'
        f'{keuze}<span class="telling" data-tabel="{t}" data-enkel="{esc(eenheid[0])}" '
        f'data-meer="{esc(eenheid[1])}" aria-live="polite">{nl_getal(totaal)} '
        f"{esc(eenheid[0] if totaal == 1 else eenheid[1])}</span></div>"
    )
