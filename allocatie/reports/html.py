"""The HTML report of a round: a self-contained file a regisseur opens or prints, and its annex.

`schrijf_rapport` writes ``rapport.html``. It opens with a one-page summary in
plain Dutch (`allocatie.reports.htmlsamenvatting`: what was asked, what is
placed, which gemeenten stay short and why, what needs a decision), then a
block per province, the map (inline SVG with tooltips, zoom, pan and province
borders) and a glossary. On screen the full tables follow: per gemeente (with
a search box and a province choice), flexible sites, fairness, explanations,
settings and how the round was computed. Printed, the report is those first
sections only, a few A4 pages; the full tables print from the annex
``rapport-bijlage.html`` (`bijlage_html`), written next to it.

Both files refer to nothing outside themselves: the style sheet and the small
script are inline and a Content-Security-Policy forbids the browser to load
anything else. All figures come from `allocatie.reports.overzicht`, like the
workbook's; codes of gemeenten and regions appear beside their names
(`allocatie.reports.namen`). Text is Dutch.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path

import pandas as pd

from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.versie import VERSIE
from allocatie.reports import overzicht as ov
from allocatie.reports.htmlopmaak import SECTIES, esc
from allocatie.reports.htmlresultaat import (
    sectie_flexlocaties,
    sectie_gemeenten,
    sectie_kaart,
)
from allocatie.reports.htmlsamenvatting import (
    sectie_begrippen,
    sectie_provincies,
    sectie_samenvatting,
)
from allocatie.reports.htmlverantwoording import (
    KLEUR_DOOR_AANBOD,
    KLEUR_OVERIG_TEKORT,
    MAX_STAVEN,
    sectie_eerlijkheid,
    sectie_parameters,
    sectie_solver,
    sectie_verklaring,
)
from allocatie.reports.namen import regionamen
from allocatie.reports.tekst import MAX_TITEL, veilige_tekst
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

__all__ = [
    "BIJLAGE",
    "CSP",
    "KLEUR_DOOR_AANBOD",
    "KLEUR_OVERIG_TEKORT",
    "MAX_STAVEN",
    "SECTIES",
    "bijlage_html",
    "bijlage_pad",
    "kaart_html",
    "lees_bron",
    "rapport_html",
    "schrijf_rapport",
]

#: Content-Security-Policy: nothing may be loaded from anywhere; inline style/script only.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def lees_bron(naam: str) -> str:
    """The text of a file shipped in `allocatie.reports`, to inline in a report.

    Used for the style sheet and script of the round's report and of the
    plan's (`allocatie.planning.uitvoer.rapport`), so both look and behave alike.

    Parameters
    ----------
    naam
        The file name, e.g. ``"rapport.css"`` or ``"rapport.js"``.

    Returns
    -------
    str
        Its contents (UTF-8).

    Examples
    --------
    >>> "body" in lees_bron("rapport.css")
    True
    """
    return (files("allocatie.reports") / naam).read_text(encoding="utf-8")


def _gemeenten_met_namen(inst: Instance, res: AllocationResult) -> pd.DataFrame:
    """The gemeente overview with ``provincie_naam`` (`allocatie.reports.namen`)."""
    gemeenten = ov.gemeente_overzicht(inst, res)
    namen = regionamen(inst.gemeenten, "provincie")
    gemeenten["provincie_naam"] = [namen.get(str(c), str(c)) for c in gemeenten["provincie_code"]]
    return gemeenten


def _pagina(titel: str, kop: str, nav: str, main: str, voet: str, soort: str) -> str:
    """A whole self-contained HTML document around its parts.

    ``soort`` (``rapport`` or ``bijlage``) is the class of ``<body>``: the
    printed report leaves out what the annex prints.
    """
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="allocatie {esc(VERSIE)}">'
        f"<title>{esc(titel)}</title><style>{lees_bron('rapport.css')}</style></head>"
        f'<body class="{soort}">{kop}<nav class="inhoud" aria-label="Inhoud">{nav}</nav>'
        f"<main>{main}</main>"
        f"{voet}<script>{lees_bron('rapport.js')}</script></body></html>\n"
    )


def _kop(inst: Instance, onder: str = "", *, afdruk: str = "") -> str:
    if afdruk:
        afdruk = f'<p class="meta afdruk-alleen">{esc(afdruk)}</p>'
    return (
        f"<header><h1><bdi>{esc(inst.naam, MAX_TITEL)}</bdi>: allocatieronde "
        f'{esc(inst.periode.label)}{esc(onder)}</h1><p class="meta">Periode '
        f"{esc(inst.periode.label)} ({inst.periode.start:%d-%m-%Y} t/m "
        f"{inst.periode.eind:%d-%m-%Y}) · modelpreset <b>{esc(inst.preset.naam)}</b> · "
        "de verdeling is na het rekenen onafhankelijk gecontroleerd op alle eisen</p>"
        f"{afdruk}</header>"
    )


def _voet(gemaakt: dt.datetime) -> str:
    return (
        f"<footer>Gemaakt met allocatie {esc(VERSIE)} op "
        f"{gemaakt:%d-%m-%Y %H:%M}. Huishoudens staan er alleen met hun pseudoniem en wat "
        "de plaatsing nodig heeft.</footer>"
    )


#: The sections of the annex (``rapport-bijlage.html``): the full tables.
BIJLAGE: tuple[str, ...] = (
    "gemeenten",
    "flexlocaties",
    "eerlijkheid",
    "verklaring",
    "parameters",
    "solver",
)


def _volledige_secties(
    inst: Instance,
    res: AllocationResult,
    gemeenten: pd.DataFrame,
    flex: pd.DataFrame,
    v: dict[str, pd.DataFrame],
) -> list[str]:
    """The sections of `BIJLAGE`, in that order."""
    provincies = regionamen(inst.gemeenten, "provincie")
    return [
        sectie_gemeenten(gemeenten, provincies),
        sectie_flexlocaties(flex),
        sectie_eerlijkheid(inst, res, gemeenten),
        sectie_verklaring(inst, v, res.verschuivingen if res.vorige is not None else None),
        sectie_parameters(inst),
        sectie_solver(res),
    ]


def rapport_html(
    inst: Instance,
    res: AllocationResult,
    *,
    kaart_png: bytes | None = None,
    verklaring: dict[str, pd.DataFrame] | None = None,
    gemaakt: dt.datetime | None = None,
) -> str:
    """The report as one HTML document (a string); see `schrijf_rapport`.

    ``kaart_png`` is accepted for compatibility and not used: the report shows
    the map once, as the interactive SVG that also prints.
    """
    del kaart_png
    v = ov.verklaringen(inst, res) if verklaring is None else verklaring
    gemeenten = _gemeenten_met_namen(inst, res)
    flex = ov.flex_overzicht(inst, res)
    k = ov.kerncijfers(inst, res)
    provincies = regionamen(inst.gemeenten, "provincie")
    gemaakt = gemaakt or dt.datetime.now().astimezone()
    titel = f"{veilige_tekst(inst.naam, MAX_TITEL)}: allocatieronde {inst.periode.label}"
    nav = "".join(f'<a href="#{i}">{esc(t)}</a>' for i, t in SECTIES.items())
    secties = [
        sectie_samenvatting(inst, res, k, gemeenten),
        sectie_provincies(gemeenten, provincies),
        sectie_kaart(inst, gemeenten, flex),
        sectie_begrippen(),
        *_volledige_secties(inst, res, gemeenten, flex, v),
    ]
    kop = _kop(
        inst,
        afdruk="Korte versie voor op papier. Alle tabellen (gemeenten, flexlocaties, "
        "huishoudens, verantwoording) staan in rapport-bijlage.html en in allocatie.xlsx.",
    )
    return _pagina(titel, kop, nav, "".join(secties), _voet(gemaakt), "rapport")


def kaart_html(inst: Instance, res: AllocationResult, *, gemaakt: dt.datetime | None = None) -> str:
    """The report's map alone, as one self-contained HTML document (no CDN, no internet).

    Gemeenten coloured by fulfilment, flexible sites, province borders, tooltips
    and zoom as in ``rapport.html``; a click on a gemeente opens its row in the
    table of gemeenten below the map. The web application shows it in a frame.
    """
    gemeenten = _gemeenten_met_namen(inst, res)
    flex = ov.flex_overzicht(inst, res)
    provincies = regionamen(inst.gemeenten, "provincie")
    gemaakt = gemaakt or dt.datetime.now().astimezone()
    titel = f"{veilige_tekst(inst.naam, MAX_TITEL)}: kaart {inst.periode.label}"
    main = sectie_kaart(inst, gemeenten, flex) + sectie_gemeenten(gemeenten, provincies)
    return _pagina(titel, _kop(inst, " — kaart"), "", main, _voet(gemaakt), "kaart")


def bijlage_html(
    inst: Instance,
    res: AllocationResult,
    *,
    verklaring: dict[str, pd.DataFrame] | None = None,
    gemaakt: dt.datetime | None = None,
    rapport_naam: str = "rapport.html",
) -> str:
    """The annex: every full table of the report, to print (landscape) or search.

    The same sections as on the report's screen after the glossary (`BIJLAGE`),
    printed in full; the report's printed version refers to it.
    """
    v = ov.verklaringen(inst, res) if verklaring is None else verklaring
    gemeenten = _gemeenten_met_namen(inst, res)
    flex = ov.flex_overzicht(inst, res)
    gemaakt = gemaakt or dt.datetime.now().astimezone()
    titel = f"{veilige_tekst(inst.naam, MAX_TITEL)}: allocatieronde {inst.periode.label}, bijlage"
    nav = f'<a href="{esc(rapport_naam)}">← Rapport</a>' + "".join(
        f'<a href="#{i}">{esc(SECTIES[i])}</a>' for i in BIJLAGE
    )
    main = "".join(_volledige_secties(inst, res, gemeenten, flex, v))
    kop = _kop(inst, " — bijlage: alle tabellen")
    return _pagina(titel, kop, nav, main, _voet(gemaakt), "bijlage")


def schrijf_rapport(
    inst: Instance,
    res: AllocationResult,
    pad: str | Path,
    *,
    kaart_png: str | Path | None = None,
    verklaring: dict[str, pd.DataFrame] | None = None,
    gemaakt: dt.datetime | None = None,
) -> Path:
    """Write the round's HTML report and its annex, self-contained files, atomically.

    ``rapport.html`` opens with a one-page summary, then a block per province,
    the map, the glossary and (on screen) all tables; printed it is a few A4
    pages. ``rapport-bijlage.html`` (`bijlage_pad`) holds all tables, to print
    or search; the printed report refers to it.

    Parameters
    ----------
    inst
        The round.
    res
        Its (verified) result.
    pad
        The ``.html`` file; its folder must exist.
    kaart_png
        Not used (the report draws its map as SVG); kept so callers that pass
        ``kaart.png`` keep working.
    verklaring
        The explanation tables (`allocatie.reports.overzicht.verklaringen`),
        computed here if not given.
    gemaakt
        Time stamp in the footer; default now.

    Returns
    -------
    Path
        The written report (the annex is written next to it).

    Examples
    --------
    >>> import allocatie
    >>> inst = allocatie.laad_ronde("data/voorbeeld")  # doctest: +SKIP
    >>> schrijf_rapport(inst, allocatie.los_op(inst), "rapport.html")  # doctest: +SKIP
    PosixPath('rapport.html')
    """
    del kaart_png
    pad = Path(pad)
    v = ov.verklaringen(inst, res) if verklaring is None else verklaring
    tekst = rapport_html(inst, res, verklaring=v, gemaakt=gemaakt)
    bijlage = bijlage_html(inst, res, verklaring=v, gemaakt=gemaakt, rapport_naam=pad.name)
    with atomisch_pad(bijlage_pad(pad)) as tmp:
        tmp.write_text(bijlage, encoding="utf-8")
    with atomisch_pad(pad) as tmp:
        tmp.write_text(tekst, encoding="utf-8")
    return pad


def bijlage_pad(pad: str | Path) -> Path:
    """The annex next to a report: ``rapport.html`` -> ``rapport-bijlage.html``.

    Examples
    --------
    >>> bijlage_pad("uit/rapport.html").as_posix()
    'uit/rapport-bijlage.html'
    """
    pad = Path(pad)
    return pad.with_name(f"{pad.stem}-bijlage{pad.suffix or '.html'}")
