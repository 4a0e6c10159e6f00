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
no global state); the file is written atomically. The classes and colours live
in `allocatie.reports.kaartstijl`, the parts of the map (labels, scale bar,
sites, legend) in `allocatie.reports.kaartelementen`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.taal import nl_getal, personen
from allocatie.reports.kaartelementen import (
    plaats_labels,
    teken_legenda,
    teken_locaties,
    teken_schaalbalk,
    teken_vlakken,
)
from allocatie.reports.kaartstijl import (
    FLEX_KLEUR,
    GEEN_OPGAVE,
    KLASSEN,
    LABELS_LANDELIJK,
    MAX_ALLE_LABELS,
    Klasse,
    vervullingsklasse,
)
from allocatie.reports.tekst import MAX_LABEL, MAX_TITEL, mpl_tekst

if TYPE_CHECKING:
    from allocatie.resultaat.result import AllocationResult
    from allocatie.ronde.instance import Instance

__all__ = [
    "BRON_CBS",
    "FLEX_KLEUR",
    "GEEN_OPGAVE",
    "KLASSEN",
    "LABELS_LANDELIJK",
    "MAX_ALLE_LABELS",
    "Klasse",
    "teken_kaart",
    "teken_vervullingskaart",
    "vervullingsklasse",
]

logger = logging.getLogger(__name__)

BRON_CBS = "Bron: CBS, Kadaster"


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

    Notes
    -----
    Names and titles are drawn literally (``$`` is no mathtext) in their
    display form (`allocatie.reports.tekst.mpl_tekst`: hidden characters
    shown as U+FFFD, a name longer than `allocatie.reports.tekst.MAX_LABEL`
    characters cut with an ellipsis). A character the font lacks is drawn as
    a box, without a warning.
    """
    with warnings.catch_warnings():
        # A name in a script the font lacks is drawn with boxes: no reason to fail the run.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        return _teken(
            gemeenten,
            Path(pad_png),
            locaties=locaties,
            titel=titel,
            ondertitel=ondertitel,
            bronvermelding=bronvermelding,
            max_labels=max_labels,
            dpi=dpi,
        )


def _teken(
    gemeenten: gpd.GeoDataFrame,
    pad: Path,
    *,
    locaties: pd.DataFrame | None,
    titel: str | None,
    ondertitel: str | None,
    bronvermelding: str | None,
    max_labels: int | None,
    dpi: int,
) -> Path:
    """The body of `teken_vervullingskaart`."""
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
            teken_vlakken(ax, geoms[klasse == k].tolist(), kl, lijn)
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
        flex_handles, bezet = teken_locaties(ax, locaties, renderer, landelijk=landelijk)

    if max_labels is None:
        max_labels = LABELS_LANDELIJK if landelijk else n
    if max_labels > 0:
        gewicht = gemeenten["inwoners"].to_numpy(float) if "inwoners" in gemeenten else opgave
        volgorde = np.argsort(-gewicht, kind="stable")[:max_labels]
        namen = [mpl_tekst(nm, MAX_LABEL) for nm in gemeenten["gemeente_naam"].tolist()]
        teksten = (
            namen
            if landelijk
            else [
                f"{nm}\n{int(g)} / {int(o)}" if o > 0 or g > 0 else f"{nm}\n(geen opgave)"
                for nm, g, o in zip(namen, geplaatst, opgave, strict=True)
            ]
        )
        aantal = plaats_labels(
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

    teken_schaalbalk(ax, float(np.diff(ax.get_xlim())[0]), 8)
    teken_legenda(
        fig,
        renderer,
        klasse,
        flex_handles,
        links=(kaart_b + 0.4) / fw,
        boven=1 - kop / fh,
        uitleg_labels=not landelijk,
    )

    # Text from the input is drawn as is: no mathtext ($...$), no hidden characters.
    fig.text(
        0.15 / fw,
        1 - 0.22 / fh,
        mpl_tekst(titel or "Vervulling van de opgave", MAX_TITEL),
        fontsize=13,
        fontweight="bold",
        va="top",
    )
    if ondertitel:
        fig.text(
            0.15 / fw,
            1 - 0.55 / fh,
            mpl_tekst(ondertitel, 3 * MAX_TITEL),
            fontsize=8.5,
            color="#333333",
            va="top",
            wrap=True,
        )
    if bronvermelding:
        fig.text(
            1 - 0.15 / fw,
            0.1 / fh,
            mpl_tekst(bronvermelding, MAX_TITEL),
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
            # After swaps the task is the opgave na ruil (as in the tables).
            "opgave": pg.loc[
                codes, "opgave_na_ruil" if "opgave_na_ruil" in pg.columns else "opgave"
            ].to_numpy(),
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
