"""A static map of a round: how far each gemeente's opgave is met, and the flex sites.

Two layers of functions:

* `teken_vervullingskaart` is the drawing core. It takes a GeoDataFrame of
  gemeenten (polygons, or points when no boundaries are known) with the
  columns ``gemeente_naam``, ``opgave``, ``geplaatst`` (and optionally
  ``inwoners``), plus an optional table of flex sites, and writes a PNG.
* `teken_kaart` adapts an `Instance` and its `AllocationResult` to it.

Gemeenten are coloured by fulfilment class (`vervullingsklasse`): four classes
of shortfall, "taak gehaald" and "overvulling"; a gemeente without opgave is
grey and hatched. Flex sites are drawn as a filled circle whose area is the
persons placed, inside a ring whose area is the site's capacity.

Drawing uses matplotlib's object API on an Agg canvas (no pyplot, no display,
no global state); the file is written atomically.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from allocatie.io.atomisch import atomisch_pad
from allocatie.taal import nl_getal, personen

if TYPE_CHECKING:
    from allocatie.instance import Instance
    from allocatie.result import AllocationResult

__all__ = [
    "KLASSEN",
    "teken_kaart",
    "teken_vervullingskaart",
    "vervullingsklasse",
]

logger = logging.getLogger(__name__)

#: Above this many gemeenten a map is "national": only the largest are labelled.
MAX_ALLE_LABELS = 60
#: How many gemeenten a national map labels (largest by inwoners, else by opgave).
LABELS_LANDELIJK = 25
BRON_CBS = "Bron: CBS, Kadaster"


@dataclass(frozen=True)
class Klasse:
    """One fulfilment class on the map: legend text, fill colour and hatch."""

    label: str
    kleur: str
    arcering: str | None = None


#: Fulfilment classes in legend order; index = value of `vervullingsklasse`.
KLASSEN: tuple[Klasse, ...] = (
    Klasse("minder dan 25%", "#b2182b"),
    Klasse("25% tot 50%", "#d6604d"),
    Klasse("50% tot 75%", "#f4a582"),
    Klasse("75% tot 100%", "#fddbc7"),
    Klasse("taak gehaald (100%)", "#92c5de"),
    Klasse("overvulling (meer dan 100%)", "#2166ac"),
    Klasse("geen opgave", "#e8e8e8", "///"),
)
GEEN_OPGAVE = len(KLASSEN) - 1
#: Fill of the flex-site circles: a hue outside the red-blue class scale.
FLEX_KLEUR = "#5e3c99"


def vervullingsklasse(opgave: np.ndarray, geplaatst: np.ndarray) -> np.ndarray:
    """Class index (into `KLASSEN`) per gemeente from its opgave and persons placed.

    Examples
    --------
    >>> vervullingsklasse(np.array([8, 8, 8, 8, 8, 8, 0]), np.array([1, 2, 4, 7, 8, 9, 3])).tolist()
    [0, 1, 2, 3, 4, 5, 6]
    """
    opgave = np.asarray(opgave, dtype=float)
    geplaatst = np.asarray(geplaatst, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        aandeel = np.where(opgave > 0, geplaatst / opgave, np.nan)
    klasse = np.digitize(np.nan_to_num(aandeel), [0.25, 0.5, 0.75, 1.0])  # 0..4
    klasse = np.where(geplaatst > opgave, 5, klasse)
    return np.where(opgave > 0, klasse, GEEN_OPGAVE).astype(np.int64)


# --------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------


def _pad_van(geom: shapely.Geometry) -> MplPath | None:
    """A matplotlib path for a (multi)polygon, holes included."""
    delen = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            codes[0], codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            delen.append(MplPath(xy, codes))
    return MplPath.make_compound_path(*delen) if delen else None


def _vlakken(ax: Axes, geoms: Sequence[shapely.Geometry], klasse: Klasse, lijn: float) -> None:
    paden = [p for p in (_pad_van(g) for g in geoms) if p is not None]
    if not paden:
        return
    ax.add_collection(
        PatchCollection(
            [PathPatch(p) for p in paden],
            facecolor=klasse.kleur,
            edgecolor="#ffffff" if klasse.arcering is None else "#9a9a9a",
            linewidth=lijn,
            hatch=klasse.arcering,
            zorder=1,
        )
    )


def _schaalbalk(ax: Axes, breedte_m: float, fontsize: float) -> None:
    """A plain scale bar of a round length, about a fifth of the map width."""
    doel_km = breedte_m / 1000.0 / 5.0
    lengte = max((k for k in (1, 2, 5, 10, 20, 25, 50, 100) if k <= max(doel_km, 1)), default=1)
    balk = AnchoredSizeBar(
        ax.transData,
        lengte * 1000.0,
        f"{lengte} km",
        loc="lower left",
        pad=0.6,
        borderpad=0.4,
        sep=3,
        frameon=False,
        size_vertical=breedte_m / 250.0,
        color="#333333",
        fontproperties={"size": fontsize},
    )
    ax.add_artist(balk)


def _overlapt(b: Bbox, bezet: list[Bbox]) -> bool:
    return any(b.overlaps(a) for a in bezet)


def _halo(breedte: float = 2.5) -> list[patheffects.AbstractPathEffect]:
    return [patheffects.withStroke(linewidth=breedte, foreground="white", alpha=0.85)]


def _plaats_labels(
    ax: Axes,
    renderer: RendererAgg,
    punten: np.ndarray,
    teksten: list[str],
    volgorde: np.ndarray,
    fontsize: float,
    bezet: list[Bbox],
    *,
    naast_punt: float = 0.0,
) -> int:
    """Place labels in order of importance, avoiding what is already there.

    With ``naast_punt == 0`` (polygons) a label tries its point, then a little
    above, below, right and left. With ``naast_punt > 0`` (a marker of that
    radius in points) it tries below, above, right and left of the marker.
    A label that overlaps wherever it goes is left out.
    """
    stap = fontsize * 1.6
    r = naast_punt + 2.0
    pogingen: tuple[tuple[float, float, str, str], ...] = (
        (
            (0.0, 0.0, "center", "center"),
            (0.0, stap, "center", "center"),
            (0.0, -stap, "center", "center"),
            (2 * stap, 0.0, "center", "center"),
            (-2 * stap, 0.0, "center", "center"),
        )
        if naast_punt <= 0
        else (
            (0.0, -r, "center", "top"),
            (0.0, r, "center", "bottom"),
            (r, 0.0, "left", "center"),
            (-r, 0.0, "right", "center"),
        )
    )
    geplaatst = 0
    for i in volgorde.tolist():
        for dx, dy, ha, va in pogingen:
            t = ax.annotate(
                teksten[i],
                xy=(punten[i, 0], punten[i, 1]),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                color="#1a1a1a",
                path_effects=_halo(),
                zorder=7,
                linespacing=1.1,
                annotation_clip=False,
            )
            b = t.get_window_extent(renderer).expanded(1.04, 1.08)
            if not _overlapt(b, bezet):
                bezet.append(b)
                geplaatst += 1
                break
            t.remove()
    return geplaatst


def _teken_locaties(
    ax: Axes, locaties: pd.DataFrame, renderer: RendererAgg, *, landelijk: bool
) -> tuple[list[Line2D], list[Bbox]]:
    """Flex sites: filled circle = persons placed, ring = capacity (both as area).

    Returns the legend handles and the screen boxes the sites (and their
    numbers) occupy, so that gemeente labels can keep clear of them.
    """
    lx, ly = locaties["x"].to_numpy(float), locaties["y"].to_numpy(float)
    cap = locaties["capaciteit_personen"].to_numpy(float)
    bezet = locaties["personen"].to_numpy(float)
    # The largest capacity gets a marker of this area (points²); smaller on a national map.
    schaal = (300.0 if landelijk else 650.0) / max(float(cap.max()), 1.0)
    ax.scatter(
        lx, ly, s=cap * schaal, facecolors="white", edgecolors="#303030", linewidths=1.0, zorder=5
    )
    ax.scatter(
        lx, ly, s=bezet * schaal, facecolors=FLEX_KLEUR, edgecolors="none", alpha=0.9, zorder=6
    )
    vakken: list[Bbox] = []
    scherm = ax.transData.transform(np.column_stack([lx, ly]))
    px_per_pt = renderer.points_to_pixels(1.0)
    for (sx, sy), c in zip(scherm, cap, strict=True):
        r = math.sqrt(c * schaal) / 2 * px_per_pt + 1
        vakken.append(Bbox.from_extents(sx - r, sy - r, sx + r, sy + r))
    if not landelijk:
        for x, y, b, c in zip(lx, ly, bezet, cap, strict=True):
            r = math.sqrt(c * schaal) / 2
            t = ax.annotate(
                f"{int(b)}/{int(c)}",
                xy=(x, y),
                xytext=(r + 2, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=7,
                fontweight="bold",
                color=FLEX_KLEUR,
                path_effects=_halo(2.2),
                zorder=8,
                annotation_clip=False,
            )
            vakken.append(t.get_window_extent(renderer).expanded(1.04, 1.1))
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=math.sqrt(w * schaal),
            markerfacecolor=FLEX_KLEUR,
            markeredgecolor="none",
            alpha=0.9,
            label=f"{w} personen geplaatst",
        )
        for w in _ronde_waarden(float(cap.max()))
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=math.sqrt(cap.max() * schaal),
            markerfacecolor="white",
            markeredgecolor="#303030",
            markeredgewidth=1.0,
            label=f"ring: capaciteit (hier max. {int(cap.max())})",
        )
    )
    return handles, vakken


# --------------------------------------------------------------------------------------
# The drawing core
# --------------------------------------------------------------------------------------


def teken_vervullingskaart(
    gemeenten: gpd.GeoDataFrame,
    pad_png: str | Path,
    *,
    locaties: pd.DataFrame | None = None,
    titel: str | None = None,
    ondertitel: str | None = None,
    bronvermelding: str | None = None,
    max_labels: int | None = None,
    dpi: int = 150,
) -> Path:
    """Draw gemeenten coloured by fulfilment, and flex sites, to a PNG file.

    Parameters
    ----------
    gemeenten
        One row per gemeente with ``gemeente_naam``, ``opgave``, ``geplaatst``
        and optionally ``inwoners``; geometry (multi)polygons or points in a
        projected CRS in metres (EPSG:28992).
    pad_png
        Output file; its folder must exist. Written atomically.
    locaties
        Flex sites: ``x``, ``y`` (same CRS), ``personen`` (placed),
        ``capaciteit_personen``; optional.
    titel, ondertitel
        Title and a line under it.
    bronvermelding
        Source note in the lower right corner (e.g. ``"Bron: CBS, Kadaster"``).
    max_labels
        Most gemeenten to label. Default: all when there are at most
        `MAX_ALLE_LABELS` gemeenten (name with placed / opgave, and the flex
        sites' numbers), else the `LABELS_LANDELIJK` largest by ``inwoners``
        (else by opgave), name only. A label that would overlap is left out.
    dpi
        Resolution of the PNG.

    Returns
    -------
    Path
        The written PNG.
    """
    pad = Path(pad_png)
    n = len(gemeenten)
    if n == 0:
        raise ValueError("gemeenten is empty: nothing to draw")
    for kolom in ("gemeente_naam", "opgave", "geplaatst"):
        if kolom not in gemeenten.columns:
            raise ValueError(f"gemeenten lacks column {kolom!r}")
    geoms = np.asarray(gemeenten.geometry.to_numpy(), dtype=object)
    vlak = bool(np.all(shapely.get_type_id(geoms) >= 3))  # 3 polygon, 6 multipolygon
    opgave = gemeenten["opgave"].to_numpy(float)
    geplaatst = gemeenten["geplaatst"].to_numpy(float)
    klasse = vervullingsklasse(opgave, geplaatst)
    landelijk = n > MAX_ALLE_LABELS
    if gemeenten.crs is not None and gemeenten.crs.is_geographic:
        raise ValueError("gemeenten must be in a projected CRS in metres (EPSG:28992)")
    if locaties is not None and len(locaties) == 0:
        locaties = None

    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    if locaties is not None:
        lx, ly = locaties["x"].to_numpy(float), locaties["y"].to_numpy(float)
        minx, maxx = min(minx, lx.min()), max(maxx, lx.max())
        miny, maxy = min(miny, ly.min()), max(maxy, ly.max())
    marge = 0.04 * max(maxx - minx, maxy - miny, 1_000.0)
    breedte, hoogte = maxx - minx + 2 * marge, maxy - miny + 2 * marge

    # Map on the left, legend panel on the right; the figure follows the map's shape.
    kaart_h = 8.0 if landelijk else 7.5
    kaart_b = min(max(kaart_h * breedte / hoogte, 5.0), 11.0)
    paneel, kop, voet = 3.6, 1.0, 0.35
    fig = Figure(figsize=(kaart_b + paneel, kaart_h + kop + voet), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    fw, fh = fig.get_size_inches()
    ax = fig.add_axes((0.1 / fw, voet / fh, kaart_b / fw, kaart_h / fh))
    ax.set_axis_off()
    # Widen the data window to the axes' shape, so that one metre is as long both ways.
    schaal_m = max(breedte / kaart_b, hoogte / kaart_h)  # metres per inch
    mx, my = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(mx - schaal_m * kaart_b / 2, mx + schaal_m * kaart_b / 2)
    ax.set_ylim(my - schaal_m * kaart_h / 2, my + schaal_m * kaart_h / 2)
    ax.set_aspect("equal", adjustable="box")
    renderer = canvas.get_renderer()

    lijn = 0.3 if landelijk else 0.9
    vierkant_pt = 0.0 if vlak else (8.0 if landelijk else 16.0)  # marker side without polygons
    if vlak:
        for k, kl in enumerate(KLASSEN):
            _vlakken(ax, geoms[klasse == k].tolist(), kl, lijn)
        punten = shapely.get_coordinates(shapely.point_on_surface(geoms))
    else:
        punten = shapely.get_coordinates(shapely.centroid(geoms))
        for k, kl in enumerate(KLASSEN):
            m = klasse == k
            if m.any():
                vierkanten = ax.scatter(
                    punten[m, 0],
                    punten[m, 1],
                    s=vierkant_pt**2,
                    marker="s",
                    c=kl.kleur,
                    edgecolors="#666666",
                    linewidths=0.6,
                    zorder=1,
                )
                if kl.arcering:
                    vierkanten.set_hatch(kl.arcering)

    flex_handles: list[Line2D] = []
    bezet: list[Bbox] = []
    if locaties is not None:
        flex_handles, bezet = _teken_locaties(ax, locaties, renderer, landelijk=landelijk)

    if max_labels is None:
        max_labels = LABELS_LANDELIJK if landelijk else n
    if max_labels > 0:
        gewicht = gemeenten["inwoners"].to_numpy(float) if "inwoners" in gemeenten else opgave
        volgorde = np.argsort(-gewicht, kind="stable")[:max_labels]
        namen = gemeenten["gemeente_naam"].astype(str).tolist()
        teksten = (
            namen
            if landelijk
            else [
                f"{nm}\n{int(g)} / {int(o)}" if o > 0 or g > 0 else f"{nm}\n(geen opgave)"
                for nm, g, o in zip(namen, geplaatst, opgave, strict=True)
            ]
        )
        aantal = _plaats_labels(
            ax,
            renderer,
            punten,
            teksten,
            volgorde,
            6.5 if landelijk else 7.5,
            # Nationally the names of the largest gemeenten matter more than seeing every
            # flex circle whole: they only avoid each other there.
            [] if landelijk else bezet,
            naast_punt=vierkant_pt * 0.71,  # half the diagonal of the square
        )
        logger.debug("kaart: %d van %d labels geplaatst", aantal, len(volgorde))

    _schaalbalk(ax, float(np.diff(ax.get_xlim())[0]), 8)
    _legenda(
        fig,
        renderer,
        klasse,
        flex_handles,
        links=(kaart_b + 0.4) / fw,
        boven=1 - kop / fh,
        uitleg_labels=not landelijk,
    )

    fig.text(
        0.15 / fw,
        1 - 0.22 / fh,
        titel or "Vervulling van de opgave",
        fontsize=13,
        fontweight="bold",
        va="top",
    )
    if ondertitel:
        fig.text(
            0.15 / fw, 1 - 0.55 / fh, ondertitel, fontsize=8.5, color="#333333", va="top", wrap=True
        )
    if bronvermelding:
        fig.text(
            1 - 0.15 / fw,
            0.1 / fh,
            bronvermelding,
            fontsize=7,
            color="#555555",
            ha="right",
            va="bottom",
        )

    with atomisch_pad(pad) as tijdelijk:
        fig.savefig(
            tijdelijk, format="png", dpi=dpi, facecolor="white", metadata={"Software": None}
        )
    logger.info("kaart geschreven: %s", pad)
    return pad


def _legenda(
    fig: Figure,
    renderer: RendererAgg,
    klasse: np.ndarray,
    flex_handles: list[Line2D],
    *,
    links: float,
    boven: float,
    uitleg_labels: bool,
) -> None:
    """The legend panel: fulfilment classes with counts, flex-site sizes, label key."""
    handles = [
        Patch(
            facecolor=kl.kleur,
            edgecolor="#9a9a9a" if kl.arcering else "#bbbbbb",
            hatch=kl.arcering,
            label=f"{kl.label}: {int((klasse == k).sum())}",
        )
        for k, kl in enumerate(KLASSEN)
    ]
    stijl = {"frameon": False, "fontsize": 8, "title_fontsize": 8.5, "alignment": "left"}
    leg = fig.legend(
        handles=handles,
        title="Geplaatst als deel van de opgave\n(aantal gemeenten per klasse)",
        loc="upper left",
        bbox_to_anchor=(links, boven),
        handlelength=1.8,
        handleheight=1.2,
        **stijl,
    )
    leg.get_title().set_fontweight("bold")
    onder = leg.get_window_extent(renderer).transformed(fig.transFigure.inverted())
    volgende = onder.y0 - 0.02
    if flex_handles:
        leg2 = fig.legend(
            handles=flex_handles,
            title="Flexlocaties\n(oppervlak van de cirkel ~ personen)",
            loc="upper left",
            bbox_to_anchor=(links, volgende),
            labelspacing=1.4,
            borderpad=0.6,
            handletextpad=1.4,
            **stijl,
        )
        leg2.get_title().set_fontweight("bold")
        vak = leg2.get_window_extent(renderer)
        volgende = vak.transformed(fig.transFigure.inverted()).y0 - 0.02
    if uitleg_labels:
        uitleg = "Bij elke gemeente: naam en\ngeplaatst / opgave (personen)"
        if flex_handles:
            uitleg += ".\nBij een flexlocatie: geplaatst /\ncapaciteit (personen)"
        fig.text(links + 0.005, volgende, uitleg, fontsize=7.5, color="#333333", va="top")


def _ronde_waarden(maximum: float) -> list[int]:
    """Up to three round legend values (1-2-5 series, and 25, 250) up to ``maximum``.

    Examples
    --------
    >>> _ronde_waarden(35), _ronde_waarden(1200), _ronde_waarden(3)
    ([5, 10, 25], [200, 500, 1000], [1, 2])
    """
    reeks = sorted({m * 10**e for e in range(5) for m in (1, 2, 5)} | {25, 250, 2500})
    top = max([w for w in reeks if w <= maximum] or [1])
    waarden = [top]
    for deler in (2.0, 5.0):
        kleiner = [w for w in reeks if w <= top / deler]
        if kleiner and kleiner[-1] < waarden[0]:
            waarden.insert(0, kleiner[-1])
    return waarden


# --------------------------------------------------------------------------------------
# Adapter: Instance + AllocationResult
# --------------------------------------------------------------------------------------


def _is_fictief(codes: Sequence[str]) -> bool:
    """Codes GM9000-GM9999 are unused by CBS: the generator's fictional gemeenten."""
    return any(str(c).startswith("GM9") for c in codes)


def teken_kaart(
    instance: Instance,
    result: AllocationResult,
    pad_png: str | Path,
    *,
    grenzen: gpd.GeoSeries | None = None,
    titel: str | None = None,
) -> Path:
    """Draw the map of a solved round to a PNG file.

    Parameters
    ----------
    instance
        The round.
    result
        Its (verified) result.
    pad_png
        Output file; its folder must exist. Written atomically.
    grenzen
        Gemeente polygons aligned with ``instance.gemeenten``; default
        ``instance.grenzen``. Without polygons gemeenten are drawn as squares
        at their representative points.
    titel
        Title; default ``"<ronde>: vervulling van de opgave"``.

    Returns
    -------
    Path
        The written PNG.

    Examples
    --------
    >>> import allocatie
    >>> inst = allocatie.laad_ronde("data/voorbeeld")  # doctest: +SKIP
    >>> teken_kaart(inst, allocatie.los_op(inst), "kaart.png")  # doctest: +SKIP
    PosixPath('kaart.png')
    """
    gem = instance.gemeenten
    pg = result.per_gemeente.set_index("gemeente_code")
    codes = gem["gemeente_code"].tolist()
    vlakken = grenzen if grenzen is not None else instance.grenzen
    if vlakken is not None and len(vlakken) != len(gem):
        raise ValueError("grenzen must be aligned with instance.gemeenten")
    geometrie = (
        gpd.GeoSeries(np.asarray(vlakken.to_numpy(), dtype=object), crs=vlakken.crs)
        if vlakken is not None
        else gpd.GeoSeries(gpd.points_from_xy(gem["x"], gem["y"]), crs="EPSG:28992")
    )
    gdf = gpd.GeoDataFrame(
        {
            "gemeente_code": codes,
            "gemeente_naam": gem["gemeente_naam"].to_numpy(object),
            "inwoners": gem["inwoners"].to_numpy(),
            "opgave": pg.loc[codes, "opgave"].to_numpy(),
            "geplaatst": pg.loc[codes, "geplaatst"].to_numpy(),
        },
        geometry=geometrie,
    )
    po = result.per_optie
    flex = po[po["soort"] == "flex"].merge(
        instance.opties[["aanbod_id", "x", "y"]], on="aanbod_id", how="left"
    )
    opgave, geplaatst = int(gdf["opgave"].sum()), int(gdf["geplaatst"].sum())
    tekort = int(result.per_gemeente["tekort"].sum())
    n_tekort = int((result.per_gemeente["tekort"] > 0).sum())
    ondertitel = (
        f"Periode {instance.periode.label}: {personen(geplaatst)} geplaatst bij een opgave van "
        f"{nl_getal(opgave)}; tekort {personen(tekort)} in {nl_getal(n_tekort)} gemeenten"
    )
    if len(flex):
        ondertitel += (
            f"; flexlocaties {nl_getal(int(flex['personen'].sum()))} van "
            f"{nl_getal(int(flex['capaciteit_personen'].sum()))} plaatsen bezet"
        )
    if _is_fictief(codes):
        bron = "Fictieve gegevens (gegenereerd)"
    elif vlakken is not None:
        bron = BRON_CBS
    else:
        bron = None
    return teken_vervullingskaart(
        gdf,
        pad_png,
        locaties=flex if len(flex) else None,
        titel=titel or f"{instance.naam}: vervulling van de opgave",
        ondertitel=ondertitel,
        bronvermelding=bron,
    )
