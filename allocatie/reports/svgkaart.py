"""Inline SVG for the HTML report: the interactive map and a horizontal bar chart.

The map draws one ``<path class="gemeente">`` per gemeente (its polygons, or a
small square at its representative point when no boundaries are known),
coloured by the fulfilment class of the static map (`allocatie.reports.kaart`),
and each flexible site as a ring (capacity) around a disc (persons placed),
both areas proportional. When the gemeenten lie in more than one province, the
province borders (gemeenten dissolved per ``provincie_code``) are drawn on top
as thick lines. Each element carries its tooltip text in ``data-titel``
and ``data-regels`` (lines separated by a newline) and a ``<title>`` that
browsers show when scripts are off. The report's script adds hover, zoom and
pan; the SVG itself is static and refers to nothing outside the document.

Coordinates are RD (EPSG:28992) metres, flipped vertically and scaled so that
the map is `BREEDTE` units wide.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

import numpy as np
import pandas as pd
import shapely

from allocatie.kern.taal import huishoudens, nl_getal, personen
from allocatie.reports.kaartstijl import FLEX_KLEUR, GEEN_OPGAVE, KLASSEN, MAX_ALLE_LABELS
from allocatie.reports.tekst import MAX_LABEL, MAX_NAAM, veilige_tekst

__all__ = ["BREEDTE", "kaart_svg", "staafdiagram_svg"]

#: Width of the map in SVG user units.
BREEDTE = 1000.0
#: Largest flex ring as a fraction of the map width (radius).
_MAX_RING = 0.028


def _attr(tekst: object) -> str:
    """Text for an attribute or element: display form (`veilige_tekst`), escaped."""
    return escape(veilige_tekst(tekst, regels=True), quote=True)


def _naam(tekst: object) -> str:
    """A name in a tooltip: its display form, at most `MAX_NAAM` characters."""
    return veilige_tekst(tekst, MAX_NAAM)


def _pad_d(geom: shapely.Geometry, trans: tuple[float, float, float]) -> str:
    """SVG path data for a (multi)polygon, rings closed, holes by even-odd fill."""
    x0, y1, schaal = trans
    delen: list[str] = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:-1, :2]
            if len(xy) < 3:
                continue
            sx = np.round((xy[:, 0] - x0) * schaal, 1)
            sy = np.round((y1 - xy[:, 1]) * schaal, 1)
            punten = " ".join(f"{a:g} {b:g}" for a, b in zip(sx, sy, strict=True))
            delen.append(f"M{punten}Z")
    return "".join(delen)


def _vierkant_d(x: float, y: float, half: float) -> str:
    return f"M{x - half:.1f} {y - half:.1f}h{2 * half:.1f}v{2 * half:.1f}h{-2 * half:.1f}Z"


Vak = tuple[float, float, float, float]


def _label_plek(
    x: float,
    y: float,
    breedte: float,
    grootte: float,
    regels: int,
    cirkels: Sequence[tuple[float, float, float]],
    bezet: list[Vak] | None = None,
    binnen: Callable[[float, float], bool] | None = None,
) -> tuple[float, float] | None:
    """Anchor for a label at ``(x, y)`` that covers no flex circle and no earlier label.

    The label is centred on ``x`` and spans ``breedte``, and ``regels`` lines
    of ``grootte`` from its first baseline ``y``. It stays where it is when it
    can; else it moves next to a circle in the way (above, left, right,
    below) or a line up or down, preferring a place where ``binnen`` (the
    anchor lies in the gemeente) holds. The box of a placed label is added to
    ``bezet``; None means no room (leave it out: the tooltip names the gemeente).

    Examples
    --------
    >>> _label_plek(100, 100, 40, 10, 2, [(300, 100, 10)])
    (100, 100)
    >>> _label_plek(100, 100, 40, 10, 2, [(100, 105, 10)])
    (100, 78.0)
    >>> _label_plek(100, 100, 40, 10, 2, [(100, 105, 10)], binnen=lambda x, y: y > 90)
    (68.0, 100)
    >>> _label_plek(100, 100, 40, 10, 2, [], [(80.0, 80.0, 120.0, 140.0)]) is None
    True
    """
    hoogte = (regels - 1) * 1.2 * grootte + 1.3 * grootte
    vakken = bezet if bezet is not None else []

    def vak(xx: float, yy: float) -> Vak:
        return (xx - breedte / 2, yy - grootte, xx + breedte / 2, yy - grootte + hoogte)

    def in_de_weg(xx: float, yy: float) -> list[tuple[float, float, float]]:
        x0, y0, x1, y1 = vak(xx, yy)
        return [
            (cx, cy, r) for cx, cy, r in cirkels if x0 - r < cx < x1 + r and y0 - r < cy < y1 + r
        ]

    def vrij(xx: float, yy: float) -> bool:
        x0, y0, x1, y1 = vak(xx, yy)
        return not in_de_weg(xx, yy) and not any(
            x0 < b1 and b0 < x1 and y0 < c1 and c0 < y1 for b0, c0, b1, c1 in vakken
        )

    kandidaten = [(x, y)]
    for cx, cy, r in in_de_weg(x, y):
        kandidaten += [
            (x, cy - r - hoogte + grootte - 2),
            (cx - r - breedte / 2 - 2, y),
            (cx + r + breedte / 2 + 2, y),
            (x, cy + r + grootte + 2),
        ]
    kandidaten += [(x, y - hoogte), (x, y + hoogte)]
    vrije = [(xx, yy) for xx, yy in kandidaten if vrij(xx, yy)]
    if not vrije:
        return None
    keuze = next((p for p in vrije if binnen is None or binnen(*p)), vrije[0])
    vakken.append(vak(*keuze))
    return keuze


def _binnen(
    vlak: shapely.Geometry, minx: float, maxy: float, schaal: float
) -> Callable[[float, float], bool]:
    """Whether a point in SVG units lies in the polygon ``vlak`` (RD metres)."""
    return lambda sx, sy: bool(vlak.contains(shapely.Point(minx + sx / schaal, maxy - sy / schaal)))


#: Parts of a dissolved province smaller than this (m²) are slivers between gemeenten.
_MIN_DEEL = 1e5


def _provinciegrenzen(
    geoms: np.ndarray, gemeenten: pd.DataFrame
) -> list[tuple[str, shapely.Geometry]]:
    """Per province (``provincie_code``) the outline of its gemeenten dissolved.

    Only the outer rings of parts larger than `_MIN_DEEL` are kept: gaps and
    slivers between neighbouring gemeenten must not draw as borders. Empty
    when the map has fewer than two provinces.
    """
    if "provincie_code" not in gemeenten.columns:
        return []
    codes = gemeenten["provincie_code"].astype(str).to_numpy()
    uniek = sorted(set(codes))
    if len(uniek) < 2:
        return []
    uit = []
    for code in uniek:
        # Snapping to a metre grid closes the hairline gaps of independent polygons.
        geheel = shapely.union_all(shapely.make_valid(geoms[codes == code]), grid_size=1.0)
        delen = [
            shapely.Polygon(p.exterior)
            for p in getattr(geheel, "geoms", [geheel])
            if p.geom_type == "Polygon" and p.area >= _MIN_DEEL
        ]
        if delen:
            uit.append((code, shapely.MultiPolygon(delen)))
    return uit


def kaart_svg(
    gemeenten: pd.DataFrame,
    grenzen: Sequence[shapely.Geometry] | None,
    flex: pd.DataFrame,
) -> str:
    """The interactive map as an inline ``<svg>`` element (a string).

    Parameters
    ----------
    gemeenten
        `allocatie.reports.overzicht.gemeente_overzicht`, with ``x``, ``y``
        (representative point, RD) added.
    grenzen
        Gemeente polygons aligned with ``gemeenten`` (RD), or None.
    flex
        `allocatie.reports.overzicht.flex_overzicht`.
    """
    n = len(gemeenten)
    gx = gemeenten["x"].to_numpy(float)
    gy = gemeenten["y"].to_numpy(float)
    if grenzen is not None:
        geoms = np.asarray(list(grenzen), dtype=object)
        provincies = _provinciegrenzen(geoms, gemeenten)
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    else:
        geoms = None
        provincies = []
        minx, miny, maxx, maxy = gx.min(), gy.min(), gx.max(), gy.max()
    if len(flex):
        minx, maxx = min(minx, flex["x"].min()), max(maxx, flex["x"].max())
        miny, maxy = min(miny, flex["y"].min()), max(maxy, flex["y"].max())
    marge = 0.03 * max(maxx - minx, maxy - miny, 1_000.0)
    minx, miny, maxx, maxy = minx - marge, miny - marge, maxx + marge, maxy + marge
    schaal = BREEDTE / (maxx - minx)
    hoogte = (maxy - miny) * schaal
    trans = (minx, maxy, schaal)
    if geoms is not None:
        # Simplify to about a third of a unit: invisible, and a national map stays small.
        geoms = shapely.simplify(geoms, 0.3 / schaal, preserve_topology=True)
        punten = shapely.get_coordinates(shapely.point_on_surface(geoms))
    else:
        punten = np.column_stack([gx, gy])
    px = (punten[:, 0] - minx) * schaal
    py = (maxy - punten[:, 1]) * schaal

    delen = [
        f'<svg id="kaart-svg" viewBox="0 0 {BREEDTE:g} {hoogte:.1f}" role="img" '
        f'aria-label="Kaart van de gemeenten en flexlocaties" '
        f'data-breedte="{BREEDTE:g}" data-hoogte="{hoogte:.1f}">',
        "<defs>"
        '<pattern id="arcering" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{KLASSEN[GEEN_OPGAVE].kleur}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="1.5"/>'
        "</pattern></defs>",
        '<g class="gemeenten">',
    ]
    half = BREEDTE / 60
    for i, r in enumerate(gemeenten.itertuples(index=False)):
        if geoms is not None:
            d = _pad_d(geoms[i], trans)
        else:
            d = _vierkant_d(px[i], py[i], half)
        k = int(r.klasse)
        vulling = "url(#arcering)" if KLASSEN[k].arcering else KLASSEN[k].kleur
        titel = f"{_naam(r.gemeente_naam)} ({_naam(r.gemeente_code)})"
        prov = getattr(r, "provincie_naam", None)
        regels = ([f"Provincie: {_naam(prov)}"] if prov else []) + [
            f"Taakstelling: {nl_getal(r.taakstelling)} (achterstand {nl_getal(r.achterstand)}, "
            f"voorsprong {nl_getal(r.voorsprong)}, al gerealiseerd {nl_getal(r.gerealiseerd)})",
            f"Opgave: {nl_getal(r.opgave)}; eigen aanbod: {nl_getal(r.aanbod_personen)} plaatsen",
            f"Geplaatst: {personen(int(r.geplaatst))} ({huishoudens(int(r.huishoudens))})",
            f"Tekort: {nl_getal(r.tekort)}"
            + (f" ({nl_getal(100 * r.relatief_tekort)}%)" if r.tekort else ""),
            f"Stand: {r.status}",
        ]
        delen.append(
            f'<path class="gemeente" d="{d}" fill="{vulling}" fill-rule="evenodd" '
            f'data-code="{_attr(r.gemeente_code)}" data-klasse="{k}" '
            f'data-titel="{_attr(titel)}" data-regels="{_attr(chr(10).join(regels))}">'
            f"<title>{_attr(titel + ': ' + '; '.join(regels))}</title></path>"
        )
    delen.append("</g>")
    if provincies:
        delen.append('<g class="provinciegrenzen" aria-hidden="true">')
        for code, geom in provincies:
            geom = shapely.simplify(geom, 0.3 / schaal, preserve_topology=True)
            delen.append(
                f'<path class="provinciegrens" data-provincie="{_attr(code)}" '
                f'd="{_pad_d(geom, trans)}" fill="none"/>'
            )
        delen.append("</g>")

    cirkels: list[tuple[float, float, float]] = []
    if len(flex):
        cap = flex["capaciteit_personen"].to_numpy(float)
        rmax = _MAX_RING * BREEDTE * (0.6 if n > MAX_ALLE_LABELS else 1.0)
        per = rmax / math.sqrt(max(float(cap.max()), 1.0))
        delen.append('<g class="flexlocaties">')
        for r in flex.itertuples(index=False):
            cx = (float(r.x) - minx) * schaal
            cy = (maxy - float(r.y)) * schaal
            cirkels.append((cx, cy, per * math.sqrt(float(r.capaciteit_personen))))
            titel = (
                f"{_naam(r.naam or r.aanbod_id)} ({_naam(r.aanbod_id)}, {_naam(r.gemeente_naam)})"
            )
            regels = [
                f"Geplaatst: {nl_getal(r.personen)} van {nl_getal(r.capaciteit_personen)} "
                f"personen ({nl_getal(100 * r.bezetting if r.capaciteit_personen else 0)}%)",
                f"Eenheden bezet: {nl_getal(r.eenheden_gebruikt)} van {nl_getal(r.eenheden)} "
                f"voor vergunninghouders ({nl_getal(r.eenheden_totaal)} totaal)",
                f"Aandeel vergunninghouders: {nl_getal(100 * r.aandeel_vh)}% "
                f"(max. {nl_getal(100 * r.max_aandeel_vh)}%)",
            ]
            delen.append(
                f'<g class="flex" data-id="{_attr(r.aanbod_id)}" data-titel="{_attr(titel)}" '
                f'data-regels="{_attr(chr(10).join(regels))}">'
                f"<title>{_attr(titel + ': ' + '; '.join(regels))}</title>"
                f'<circle class="ring" cx="{cx:.1f}" cy="{cy:.1f}" '
                f'r="{per * math.sqrt(float(r.capaciteit_personen)):.2f}"/>'
                f'<circle class="bezet" cx="{cx:.1f}" cy="{cy:.1f}" '
                f'r="{per * math.sqrt(float(r.personen)):.2f}" fill="{FLEX_KLEUR}"/></g>'
            )
        delen.append("</g>")
    # Labels on top: all on a regional map, the largest by inwoners on a national one.
    volgorde = np.argsort(-gemeenten["inwoners"].to_numpy(float), kind="stable")
    if n > MAX_ALLE_LABELS:
        volgorde = volgorde[:25]
    grootte = BREEDTE / 42 if n <= MAX_ALLE_LABELS else BREEDTE / 75
    delen.append(f'<g class="labels" font-size="{grootte:.1f}" data-grootte="{grootte:.1f}">')
    lijnen = 2 if n <= MAX_ALLE_LABELS else 1
    bezet: list[Vak] = []
    geplaatst: dict[int, tuple[float, float]] = {}
    # Nationally the names of the largest gemeenten matter more than seeing every flex
    # circle whole (as on the static map): there labels only avoid each other.
    weg = cirkels if n <= MAX_ALLE_LABELS else []
    for i in volgorde.tolist():  # the largest first: they keep their place
        naam = veilige_tekst(gemeenten["gemeente_naam"].iat[i], MAX_LABEL)
        binnen = None if geoms is None else _binnen(geoms[i], minx, maxy, schaal)
        plek = _label_plek(
            px[i], py[i], 0.6 * grootte * len(naam), grootte, lijnen, weg, bezet, binnen
        )
        if plek is not None:
            geplaatst[i] = plek
    for i, (lx, ly) in sorted(geplaatst.items()):
        r = gemeenten.iloc[i]
        tekst = _attr(veilige_tekst(r["gemeente_naam"], MAX_LABEL))
        if lijnen == 2:
            onder = f"{nl_getal(r['geplaatst'])} / {nl_getal(r['opgave'])}"
            delen.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}">{tekst}'
                f'<tspan x="{lx:.1f}" dy="1.2em">{_attr(onder)}</tspan></text>'
            )
        else:
            delen.append(f'<text x="{lx:.1f}" y="{ly:.1f}">{tekst}</text>')
    delen.append("</g>")

    delen.append("</svg>")
    return "".join(delen)


def staafdiagram_svg(
    labels: Sequence[str],
    delen: Sequence[Sequence[float]],
    kleuren: Sequence[str],
    teksten: Sequence[str],
    *,
    titel: str,
    maximum: float | None = None,
    als_procent: bool = True,
) -> str:
    """A horizontal stacked bar chart as an inline ``<svg>`` (a string).

    Parameters
    ----------
    labels
        One label per bar (left of the bar).
    delen
        Per bar, the lengths of its segments (same count for every bar).
    kleuren
        Fill of each segment.
    teksten
        Text right of each bar (its value).
    titel
        Accessible name of the chart.
    maximum
        Value at the right end of the axis; default the longest bar.
    als_procent
        Axis ticks as percentages of a fraction (``0.25`` -> ``25%``).
    """
    n = len(labels)
    rij, kop, links, rechts = 22.0, 24.0, 170.0, 150.0
    breedte = 760.0
    plot = breedte - links - rechts
    totalen = [float(sum(d)) for d in delen]
    top = maximum if maximum is not None else max(totalen, default=0.0)
    top = top if top > 0 else 1.0
    hoogte = kop + n * rij + 8
    uit = [
        f'<svg class="diagram" viewBox="0 0 {breedte:g} {hoogte:g}" role="img" '
        f'aria-label="{_attr(titel)}">'
    ]
    for f in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = links + f * plot
        waarde = f * top
        tekst = f"{nl_getal(100 * waarde)}%" if als_procent else nl_getal(waarde)
        uit.append(
            f'<line x1="{x:.1f}" y1="{kop - 4:g}" x2="{x:.1f}" y2="{hoogte - 6:g}" '
            f'class="raster"/><text x="{x:.1f}" y="{kop - 8:g}" class="as">{tekst}</text>'
        )
    for i, (label, d, tekst) in enumerate(zip(labels, delen, teksten, strict=True)):
        y = kop + i * rij
        uit.append(
            f'<text x="{links - 8:g}" y="{y + rij * 0.68:.1f}" class="label">'
            f"{_attr(veilige_tekst(label, MAX_LABEL))}</text>"
        )
        x = links
        for lengte, kleur in zip(d, kleuren, strict=True):
            b = max(0.0, float(lengte)) / top * plot
            if b > 0:
                uit.append(
                    f'<rect x="{x:.1f}" y="{y + 3:.1f}" width="{b:.1f}" height="{rij - 6:g}" '
                    f'fill="{kleur}"/>'
                )
            x += b
        uit.append(
            f'<text x="{x + 6:.1f}" y="{y + rij * 0.68:.1f}" class="waarde">{_attr(tekst)}</text>'
        )
    uit.append("</svg>")
    return "".join(uit)
