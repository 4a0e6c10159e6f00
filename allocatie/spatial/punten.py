"""Points (e.g. flexlocaties): reading them and linking them to their gemeente.

A point table is a CSV with coordinate columns (RD New metres by default, or
lon/lat with ``crs="EPSG:4326"``) or a point file GDAL reads. Points are returned
in EPSG:28992 and must lie within the Netherlands' RD extent.

:func:`koppel_aan_gemeenten` finds each point's gemeente by a spatial join and
checks it against the gemeente the row claims. Decisions:

- **On a border.** A point exactly on the boundary of two gemeenten (or within
  ``tolerantie_m`` of several) lies in each of them. If the row claims one of
  them, the claim holds; otherwise the lowest ``gemeente_code`` is taken. The
  result never depends on row or file order.
- **All problems at once.** Every point outside all gemeenten, in another
  gemeente than its row claims, or claiming an unknown code is collected; one
  :class:`~allocatie.kern.errors.InvoerFout` lists up to 10 rows (row, id, claim,
  where the point lies and how far from the claimed gemeente), so a regisseur can
  fix the whole file in one pass. The error's ``rij`` is the first such row.
- **Generalised boundaries.** National maps are generalised by tens to hundreds
  of metres; ``tolerantie_m`` accepts a claim when the point lies within that
  distance of the claimed gemeente, and assigns a point outside every gemeente
  to the nearest one within that distance. The default is 0 (exact).
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from allocatie.io import kolommen as k
from allocatie.io.lezen import GEO_EXTENSIES, lees_tabel, splits_laag
from allocatie.kern.errors import InvoerFout
from allocatie.kern.taal import nl_getal
from allocatie.spatial.grenzen import RD, controleer_rd, naar_rd

__all__ = ["koppel_aan_gemeenten", "lees_punten"]

logger = logging.getLogger(__name__)

_MAX_GENOEMD = 10


def _punten_uit_csv(
    df: pd.DataFrame, bron: str, x_kolom: str, y_kolom: str, crs: str
) -> gpd.GeoDataFrame:
    try:
        stelsel = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise InvoerFout(
            "onbekend coördinatenstelsel; gebruik bijv. EPSG:28992 (RD New) of EPSG:4326 "
            "(lengte- en breedtegraad)",
            bestand=bron,
            waarde=crs,
        ) from exc
    x = k.getal(df, x_kolom, bron)
    y = k.getal(df, y_kolom, bron)
    return gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(x, y), crs=stelsel)


def _punten_uit_geobestand(gdf: gpd.GeoDataFrame, bron: str) -> gpd.GeoDataFrame:
    leeg = np.asarray(gdf.geometry.isna() | gdf.geometry.is_empty)
    if leeg.any():
        raise InvoerFout(
            "lege geometrie; elke locatie heeft een punt nodig",
            bestand=bron,
            rij=k.rijnummer(int(np.flatnonzero(leeg)[0])),
            kolom="geometry",
        )
    soort = gdf.geometry.geom_type.to_numpy(dtype=object)
    geen_punt = soort != "Point"
    if geen_punt.any():
        i = int(np.flatnonzero(geen_punt)[0])
        raise InvoerFout(
            "geometrie is geen punt; een locatiebestand bevat punten (geen vlakken of multipunten)",
            bestand=bron,
            rij=k.rijnummer(i),
            kolom="geometry",
            waarde=str(soort[i]),
        )
    return gdf


def lees_punten(
    spec: str | Path,
    *,
    x_kolom: str = "x",
    y_kolom: str = "y",
    id_kolom: str | None = None,
    crs: str = RD,
) -> gpd.GeoDataFrame:
    """Read points from a CSV with coordinate columns or from a point file.

    Parameters
    ----------
    spec
        A CSV path, or a vector file (``pad.gpkg:laag`` to name a layer).
    x_kolom, y_kolom
        Coordinate columns of a CSV (ignored for a point file).
    id_kolom
        Optional id column: must be present, filled and unique.
    crs
        CRS of the CSV coordinates: ``EPSG:28992`` (RD New, metres; default) or
        e.g. ``EPSG:4326`` for lon/lat (x = longitude). A point file carries its
        own CRS; a file without CRS is refused.

    Returns
    -------
    geopandas.GeoDataFrame
        The table's columns (CSV cells as text) with point geometries in
        EPSG:28992, fresh index (position + 2 = row); ``attrs["bestand"]`` is set.

    Raises
    ------
    InvoerFout
        On a missing file, column or coordinate, a non-number, a missing or
        implausible CRS, a non-point geometry, a point outside the Netherlands,
        or a missing or repeated id.

    Examples
    --------
    >>> import tempfile
    >>> pad = Path(tempfile.mkdtemp()) / "flex.csv"
    >>> _ = pad.write_text("aanbod_id,x,y\\nF1,121394,487296\\n")
    >>> p = lees_punten(pad, id_kolom="aanbod_id")
    >>> p.crs.to_epsg(), p.geometry.iloc[0].x
    (28992, 121394.0)
    """
    pad, laag = splits_laag(str(spec))
    bron = str(spec)
    tabel = lees_tabel(spec, naam="punten")
    if isinstance(tabel, gpd.GeoDataFrame) and Path(pad).suffix.lower() in GEO_EXTENSIES:
        if tabel.crs is None and pyogrio.read_info(pad, layer=laag)["driver"] == "TopoJSON":
            tabel = tabel.set_crs("EPSG:4326")  # TopoJSON is WGS84 by specification
        gdf = _punten_uit_geobestand(tabel.reset_index(drop=True), bron)
        kolommen = ("geometry", "geometry")
    else:
        gdf = _punten_uit_csv(tabel, bron, x_kolom, y_kolom, crs)
        kolommen = (x_kolom, y_kolom)
    if gdf.crs is not None and gdf.crs.is_geographic and len(gdf):
        lon, lat = gdf.geometry.x.to_numpy(float), gdf.geometry.y.to_numpy(float)
        fout = np.flatnonzero((np.abs(lon) > 180) | (np.abs(lat) > 90))
        if len(fout):
            i = int(fout[0])
            raise InvoerFout(
                f"het CRS ({gdf.crs.to_string()}) zegt lengte- en breedtegraden, maar de "
                "coördinaten lijken meters (RD New?); laat dan het CRS EPSG:28992",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom=kolommen[0] if abs(lon[i]) > 180 else kolommen[1],
                waarde=(float(lon[i]), float(lat[i])),
            )
    gdf = naar_rd(gdf, bron)
    controleer_rd(gdf.geometry.x.to_numpy(float), gdf.geometry.y.to_numpy(float), bron, kolommen)
    if id_kolom is not None:
        ids = k.tekst(gdf, id_kolom, bron)
        k.uniek(ids, id_kolom, bron)
    gdf = gdf.reset_index(drop=True)
    gdf.attrs["bestand"] = bron
    logger.info("%d punten gelezen uit %s", len(gdf), bron)
    return gdf


def _kandidaten(
    punten: gpd.GeoSeries, vlakken: gpd.GeoSeries, tolerantie_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point index, gemeente index, distance) of every point-gemeente match."""
    if tolerantie_m > 0:
        pi, gi = vlakken.sindex.query(punten.to_numpy(), predicate="dwithin", distance=tolerantie_m)
    else:
        pi, gi = vlakken.sindex.query(punten.to_numpy(), predicate="intersects")
    afstand = shapely.distance(punten.to_numpy()[pi], vlakken.to_numpy()[gi])
    return pi, gi, np.asarray(afstand, dtype=float)


def koppel_aan_gemeenten(
    punten: gpd.GeoDataFrame,
    gemeenten_gdf: gpd.GeoDataFrame,
    *,
    bron: str | None = None,
    claim_kolom: str | None = "gemeente_code",
    code_kolom: str = "gemeente_code",
    naam_kolom: str | None = "gemeente_naam",
    id_kolom: str | None = None,
    tolerantie_m: float = 0.0,
) -> gpd.GeoDataFrame:
    """Assign each point to the gemeente it lies in, checking the row's claim.

    Parameters
    ----------
    punten
        Points (e.g. from :func:`lees_punten`); projected to EPSG:28992 if needed.
    gemeenten_gdf
        Gemeente polygons with a ``code_kolom`` (e.g. the base table).
    bron
        File name for messages; default ``punten.attrs["bestand"]``.
    claim_kolom
        Column with the gemeente code the row claims. ``None``, an absent column
        or an empty cell means "no claim": the gemeente is taken from the geometry.
    code_kolom, naam_kolom
        Code and (optional) name columns of ``gemeenten_gdf``.
    id_kolom
        Optional id column of ``punten``, shown in the error next to the row.
    tolerantie_m
        Distance in metres within which a claim is accepted and a point outside
        every gemeente is assigned to the nearest one (default 0: exact).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``punten`` with ``claim_kolom`` (or ``"gemeente_code"``) filled
        with the gemeente of each point, and ``afstand_gemeente_m`` (0 inside,
        else the distance to that gemeente, at most ``tolerantie_m``).

    Raises
    ------
    InvoerFout
        When a point lies outside every gemeente, in another gemeente than its
        row claims, or claims an unknown code; one error lists up to 10 rows.
    """
    bron = bron or str(punten.attrs.get("bestand", "punten"))
    uitkolom = claim_kolom or "gemeente_code"
    punten = naar_rd(punten, bron).reset_index(drop=True)
    gem = naar_rd(gemeenten_gdf, str(gemeenten_gdf.attrs.get("bestand", "gemeenten")))
    gem = gem.reset_index(drop=True)
    codes = gem[code_kolom].astype(str).to_numpy(dtype=object)
    namen = (
        gem[naam_kolom].astype(str).to_numpy(dtype=object)
        if naam_kolom and naam_kolom in gem.columns
        else codes
    )
    n = len(punten)
    claim = (
        k.tekst(punten, claim_kolom, bron, verplicht=False)
        if claim_kolom and claim_kolom in punten.columns
        else np.full(n, "", dtype=object)
    )
    pi, gi, afstand = _kandidaten(punten.geometry, gem.geometry, tolerantie_m)
    paren = pd.DataFrame({"p": pi, "code": codes[gi], "g": gi, "afstand": afstand})
    paren["geclaimd"] = paren["code"].to_numpy() == claim[pi]
    # Per point: the claimed gemeente if it matches, else nearest, then lowest code.
    paren = paren.sort_values(
        ["p", "geclaimd", "afstand", "code"], ascending=[True, False, True, True], kind="stable"
    )
    beste = paren.drop_duplicates("p").set_index("p").reindex(np.arange(n))
    gevonden = beste["code"].fillna("").to_numpy(dtype=object)
    afstand_best = beste["afstand"].to_numpy(float)

    bekend = set(codes.tolist())
    rijen: list[str] = []
    eerste: tuple[int, str, object] | None = None
    for i in range(n):
        c, g = claim[i], gevonden[i]
        if c and c not in bekend:
            tekst, kolom = f"claimt onbekende gemeente {c}", uitkolom
        elif g == "":
            tekst, kolom = "ligt in geen enkele gemeente", "geometry"
        elif c and g != c:
            geclaimd = gem.geometry.iloc[int(np.flatnonzero(codes == c)[0])]
            m = punten.geometry.iloc[i].distance(geclaimd)
            naam = namen[int(beste["g"].iloc[i])]
            tekst = f"claimt {c} maar ligt in {g} ({naam}), {nl_getal(m)} m buiten {c}"
            kolom = uitkolom
        else:
            continue
        pt = punten.geometry.iloc[i]
        wie = f" ({id_kolom} {punten[id_kolom].iloc[i]})" if id_kolom else ""
        rijen.append(f"rij {k.rijnummer(i)}{wie}: {tekst} (x={pt.x:.0f}, y={pt.y:.0f})")
        if eerste is None:
            eerste = (k.rijnummer(i), kolom, c or (round(pt.x), round(pt.y)))
    if eerste is not None:
        meer = f"\n- en {len(rijen) - _MAX_GENOEMD} meer" if len(rijen) > _MAX_GENOEMD else ""
        raise InvoerFout(
            f"{len(rijen)} locatie(s) liggen niet in de opgegeven gemeente of in geen enkele "
            "gemeente; controleer de coördinaten (EPSG:28992) en de gemeentecodes:\n- "
            + "\n- ".join(rijen[:_MAX_GENOEMD])
            + meer,
            bestand=bron,
            rij=eerste[0],
            kolom=eerste[1],
            waarde=eerste[2],
        )
    uit = punten.copy()
    uit[uitkolom] = gevonden
    uit["afstand_gemeente_m"] = np.where(np.isnan(afstand_best), 0.0, afstand_best)
    aangevuld = int(sum(1 for c in claim if c == ""))
    if aangevuld:
        logger.info("%s: gemeente van %d punt(en) uit de ligging bepaald", bron, aangevuld)
    return uit
