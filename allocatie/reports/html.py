"""The HTML report of a round: one self-contained file a regisseur opens or prints.

`schrijf_rapport` writes ``rapport.html`` with the summary (round, period,
preset, placed and unplaced households and persons, shortfall, solver status
and gap per level), an interactive map (inline SVG with tooltips, zoom and
pan), the static map (`allocatie.reports.kaart`, embedded as a PNG data URI),
the table per gemeente, the flexible sites, fairness figures (shortfall per
gemeente and per region against opgave and population, with a bar chart), the
explanations (per gemeente with a shortfall, per unplaced household, and for
every household in a collapsible table) and the parameters and model figures.

The file refers to nothing outside itself: the style sheet and the small
script are inline, the image is a data URI, and a Content-Security-Policy
forbids the browser to load anything else. All figures come from
`allocatie.reports.overzicht`, like the workbook's. Text is Dutch; the page
prints on A4 (navigation and controls hidden, collapsed tables opened).
"""

from __future__ import annotations

import datetime as dt
import tempfile
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
from allocatie.reports.kaart import teken_kaart
from allocatie.reports.tekst import MAX_TITEL, veilige_tekst
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

__all__ = [
    "CSP",
    "KLEUR_DOOR_AANBOD",
    "KLEUR_OVERIG_TEKORT",
    "MAX_STAVEN",
    "SECTIES",
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
    plan's (`allocatie.planning.rapport`), so both look and behave alike.

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


def rapport_html(
    inst: Instance,
    res: AllocationResult,
    *,
    kaart_png: bytes | None = None,
    verklaring: dict[str, pd.DataFrame] | None = None,
    gemaakt: dt.datetime | None = None,
) -> str:
    """The report as one HTML document (a string); see `schrijf_rapport`."""
    v = ov.verklaringen(inst, res) if verklaring is None else verklaring
    gemeenten = ov.gemeente_overzicht(inst, res)
    flex = ov.flex_overzicht(inst, res)
    k = ov.kerncijfers(inst, res)
    gemaakt = gemaakt or dt.datetime.now().astimezone()
    titel = f"{veilige_tekst(inst.naam, MAX_TITEL)}: allocatieronde {inst.periode.label}"
    nav = "".join(f'<a href="#{i}">{esc(t)}</a>' for i, t in SECTIES.items())
    kop = (
        f"<header><h1><bdi>{esc(inst.naam, MAX_TITEL)}</bdi>: allocatieronde "
        f'{esc(inst.periode.label)}</h1><p class="meta">Periode {esc(inst.periode.label)} '
        f"({inst.periode.start:%d-%m-%Y} t/m {inst.periode.eind:%d-%m-%Y}) · modelpreset "
        f"<b>{esc(inst.preset.naam)}</b> · solver {esc(res.solver)} · status "
        f"<b>{esc(res.status.value)}</b> · onafhankelijk gecontroleerd</p></header>"
        f'<nav class="inhoud" aria-label="Inhoud">{nav}</nav>'
    )
    secties = [
        sectie_samenvatting(inst, res, k),
        sectie_kaart(inst, gemeenten, flex, kaart_png),
        sectie_gemeenten(gemeenten),
        sectie_flexlocaties(flex),
        sectie_eerlijkheid(inst, res, gemeenten),
        sectie_verklaring(inst, v, res.verschuivingen if res.vorige is not None else None),
        sectie_parameters(inst),
        sectie_solver(res),
    ]
    voet = (
        f"<footer>Gemaakt met allocatie {esc(VERSIE)} op "
        f"{gemaakt:%d-%m-%Y %H:%M}. Huishoudens staan er alleen met hun pseudoniem en wat "
        "de plaatsing nodig heeft.</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="allocatie {esc(VERSIE)}">'
        f"<title>{esc(titel)}</title><style>{lees_bron('rapport.css')}</style></head>"
        f"<body>{kop}<main>{''.join(secties)}</main>{voet}"
        f"<script>{lees_bron('rapport.js')}</script></body></html>\n"
    )


def schrijf_rapport(
    inst: Instance,
    res: AllocationResult,
    pad: str | Path,
    *,
    kaart_png: str | Path | None = None,
    verklaring: dict[str, pd.DataFrame] | None = None,
    gemaakt: dt.datetime | None = None,
) -> Path:
    """Write the round's HTML report, one self-contained file, atomically.

    Parameters
    ----------
    inst
        The round.
    res
        Its (verified) result.
    pad
        The ``.html`` file; its folder must exist.
    kaart_png
        The static map already drawn (`allocatie.reports.kaart.teken_kaart`);
        drawn here if not given.
    verklaring
        The explanation tables (`allocatie.reports.overzicht.verklaringen`),
        computed here if not given.
    gemaakt
        Time stamp in the footer; default now.

    Returns
    -------
    Path
        The written report.

    Examples
    --------
    >>> import allocatie
    >>> inst = allocatie.laad_ronde("data/voorbeeld")  # doctest: +SKIP
    >>> schrijf_rapport(inst, allocatie.los_op(inst), "rapport.html")  # doctest: +SKIP
    PosixPath('rapport.html')
    """
    pad = Path(pad)
    if kaart_png is not None:
        png = Path(kaart_png).read_bytes()
    else:
        with tempfile.TemporaryDirectory(prefix="allocatie-kaart-") as map_:
            png = teken_kaart(inst, res, Path(map_) / "kaart.png").read_bytes()
    tekst = rapport_html(inst, res, kaart_png=png, verklaring=verklaring, gemaakt=gemaakt)
    with atomisch_pad(pad) as tmp:
        tmp.write_text(tekst, encoding="utf-8")
    return pad
