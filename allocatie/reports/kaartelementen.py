"""The parts of the static map, drawn with matplotlib's object API.

Filled gemeente boundaries, labels placed without overlap, a scale bar, the
flex sites as circles (area ~ persons) and the legend panel.
`allocatie.reports.kaart.teken_vervullingskaart` composes them into a figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from allocatie.reports.kaartstijl import FLEX_KLEUR, KLASSEN, Klasse

__all__ = [
    "plaats_labels",
    "ronde_waarden",
    "teken_legenda",
    "teken_locaties",
    "teken_schaalbalk",
    "teken_vlakken",
]


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


def teken_vlakken(ax: Axes, geoms: Sequence[shapely.Geometry], klasse: Klasse, lijn: float) -> None:
    """Fill the (multi)polygons of one fulfilment class."""
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


def teken_schaalbalk(ax: Axes, breedte_m: float, fontsize: float) -> None:
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


def plaats_labels(
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


def teken_locaties(
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
        for w in ronde_waarden(float(cap.max()))
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


def teken_legenda(
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


def ronde_waarden(maximum: float) -> list[int]:
    """Up to three round legend values (1-2-5 series, and 25, 250) up to ``maximum``.

    Examples
    --------
    >>> ronde_waarden(35), ronde_waarden(1200), ronde_waarden(3)
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
