"""Reading boundary files into EPSG:28992 (RD New), with plausibility checks.

Any vector format GDAL reads (GeoPackage with a named layer, GeoJSON, Shapefile,
TopoJSON, FlatGeobuf, ...) is read through geopandas/pyogrio. The defaults follow
PDOK's CBS "gebiedsindelingen": columns ``statcode`` and ``statnaam``, layers
``gemeente_gegeneraliseerd``, ``provincie_gegeneraliseerd`` and
``arbeidsmarktregio_gegeneraliseerd`` (see :data:`STANDAARD_LAGEN`).

Decisions, each visible to the user:

- A file without a CRS is an error; the CRS is never guessed. The one exception
  is TopoJSON, which has no CRS member: by its specification it is WGS84
  (GDAL/pyogrio report no CRS for it), so it is read as ``EPSG:4326`` and then
  checked like any other file.
- A degrees CRS whose coordinates are metres (RD written into a GeoJSON without
  ``crs`` member, a TopoJSON in RD) is an error naming the row; so is a feature
  that, after projection, lies outside the Netherlands' RD extent (for example
  lon/lat written into a file that claims EPSG:28992).
- An invalid geometry (self-intersection, bow-tie) is repaired with
  :func:`shapely.make_valid` (``method="structure"``, which keeps polygons
  polygonal), logged and reported in a :class:`GeografieWaarschuwing` naming the
  rows; the feature is never dropped. An empty or non-polygonal geometry, or one
  that is empty after repair, is an error naming the row.

Row numbers in messages are feature index + 2, as for a spreadsheet (a header
would be row 1).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from allocatie.io import kolommen as k
from allocatie.io.lezen import splits_laag
from allocatie.kern.errors import AllocatieWaarschuwing, InvoerFout

__all__ = [
    "RD",
    "RD_X",
    "RD_Y",
    "STANDAARD_LAGEN",
    "GeografieWaarschuwing",
    "GrensBron",
    "controleer_ligging",
    "controleer_rd",
    "lees_grenzen",
    "naar_rd",
]

logger = logging.getLogger(__name__)

RD = "EPSG:28992"
#: Plausible RD New extent (metres) for the Netherlands, with a margin.
RD_X = (-7_000.0, 300_000.0)
RD_Y = (289_000.0, 629_000.0)

#: PDOK layer names of the CBS "gebiedsindelingen" per kind of area.
STANDAARD_LAGEN: dict[str, str] = {
    "gemeente": "gemeente_gegeneraliseerd",
    "provincie": "provincie_gegeneraliseerd",
    "arbeidsmarktregio": "arbeidsmarktregio_gegeneraliseerd",
}

_MAX_GENOEMD = 10


class GeografieWaarschuwing(AllocatieWaarschuwing):
    """A geometry was repaired, or a membership by overlap is not clear-cut."""


@dataclass(frozen=True)
class GrensBron:
    """Where a boundary layer comes from, and which columns hold code and name.

    Parameters
    ----------
    pad
        The file (any vector format GDAL reads).
    laag
        Layer name; ``None`` takes the only layer, or the PDOK default layer of
        the kind of area when the file has several.
    code_kolom, naam_kolom
        Columns with the area code (unique, e.g. ``GM0363``) and its name;
        ``naam_kolom=None`` when the file has no names.

    Examples
    --------
    >>> GrensBron.parse("cbs.gpkg:provincie_gegeneraliseerd")
    GrensBron(pad=PosixPath('cbs.gpkg'), laag='provincie_gegeneraliseerd', \
code_kolom='statcode', naam_kolom='statnaam')
    >>> str(GrensBron.parse("gemeenten.geojson", code_kolom="gm_code"))
    'gemeenten.geojson'
    """

    pad: Path
    laag: str | None = None
    code_kolom: str = "statcode"
    naam_kolom: str | None = "statnaam"

    def __post_init__(self) -> None:
        object.__setattr__(self, "pad", Path(self.pad))

    @classmethod
    def parse(
        cls,
        spec: str | Path | GrensBron,
        *,
        code_kolom: str = "statcode",
        naam_kolom: str | None = "statnaam",
    ) -> GrensBron:
        """Parse ``FILE[:LAYER]``; a `GrensBron` is returned unchanged."""
        if isinstance(spec, GrensBron):
            return spec
        pad, laag = splits_laag(str(spec))
        return cls(Path(pad), laag, code_kolom, naam_kolom)

    def __str__(self) -> str:
        return f"{self.pad}:{self.laag}" if self.laag else str(self.pad)


# --------------------------------------------------------------------------- CRS checks


def _lijkt_graden(x: float, y: float) -> bool:
    return -180.0 <= x <= 180.0 and -90.0 <= y <= 90.0


def controleer_rd(x: np.ndarray, y: np.ndarray, bron: str, kolommen: tuple[str, str]) -> None:
    """Raise on the first coordinate outside the Netherlands' RD New extent.

    Parameters
    ----------
    x, y
        Coordinates in metres (EPSG:28992).
    bron
        File or table name for the message.
    kolommen
        Column names of ``x`` and ``y`` for the message.

    Raises
    ------
    InvoerFout
        Naming the row (position + 2), the column and the ``(x, y)`` value.
    """
    for i, (xi, yi) in enumerate(zip(x.tolist(), y.tolist(), strict=True)):
        x_goed = RD_X[0] <= xi <= RD_X[1]
        if not (x_goed and RD_Y[0] <= yi <= RD_Y[1]):
            hint = (
                "; de waarden lijken lengte- en breedtegraden (WGS84): geef dan het CRS "
                "EPSG:4326 op"
                if _lijkt_graden(xi, yi)
                else ""
            )
            raise InvoerFout(
                "coördinaat ligt niet in Nederland in EPSG:28992 (RD New, meters); "
                f"verwacht x in {RD_X}, y in {RD_Y}{hint}",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom=kolommen[1] if x_goed else kolommen[0],
                waarde=(xi, yi),
            )


def naar_rd(gdf: gpd.GeoDataFrame, bron: str) -> gpd.GeoDataFrame:
    """Project to EPSG:28992 after checking that the CRS is present and plausible.

    Parameters
    ----------
    gdf
        Geodata in any CRS.
    bron
        File or table name for messages.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` itself when it is already in EPSG:28992, else a projected copy.

    Raises
    ------
    InvoerFout
        When there is no CRS, or a degrees CRS holds coordinates beyond
        ±180/±90 (metres read as degrees), naming the first such row.
    """
    if gdf.crs is None:
        raise InvoerFout(
            "het geobestand heeft geen coördinatenstelsel (CRS); sla het op met EPSG:28992",
            bestand=bron,
            kolom="geometry",
        )
    if gdf.crs.is_geographic and len(gdf):
        b = gdf.geometry.bounds.to_numpy(float)
        buiten = (np.abs(b[:, [0, 2]]) > 180).any(axis=1) | (np.abs(b[:, [1, 3]]) > 90).any(axis=1)
        if buiten.any():
            i = int(np.flatnonzero(buiten)[0])
            raise InvoerFout(
                f"het CRS ({gdf.crs.to_string()}) zegt lengte- en breedtegraden, maar de "
                "coördinaten lijken meters (RD New?). Een GeoJSON zonder 'crs' en een TopoJSON "
                "gelden als WGS84; sla het bestand op met EPSG:28992",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="geometry",
                waarde=(round(float(b[i, 0])), round(float(b[i, 1]))),
            )
    return gdf if gdf.crs.to_epsg() == 28992 else gdf.to_crs(RD)


def controleer_ligging(gdf: gpd.GeoDataFrame, bron: str) -> None:
    """Raise when a feature (in EPSG:28992) does not lie within the Netherlands.

    Each feature's bounding box must lie inside :data:`RD_X` x :data:`RD_Y`.
    Rows without geometry are skipped (check those separately).

    Raises
    ------
    InvoerFout
        Naming the first such row; the value is its rounded bounding box.
    """
    b = gdf.geometry.bounds.to_numpy(float)
    binnen = (
        (b[:, 0] >= RD_X[0]) & (b[:, 2] <= RD_X[1]) & (b[:, 1] >= RD_Y[0]) & (b[:, 3] <= RD_Y[1])
    )
    fout = ~binnen & ~np.isnan(b).any(axis=1)
    if fout.any():
        i = int(np.flatnonzero(fout)[0])
        hint = (
            "; de coördinaten lijken lengte- en breedtegraden: het CRS van het bestand klopt "
            "dan niet (sla het op met EPSG:4326)"
            if _lijkt_graden(b[i, 0], b[i, 1]) and _lijkt_graden(b[i, 2], b[i, 3])
            else ""
        )
        raise InvoerFout(
            f"geometrie ligt (deels) niet in Nederland in EPSG:28992 (RD New, meters); verwacht "
            f"x in {RD_X}, y in {RD_Y}, na omrekening uit het CRS van het bestand{hint}",
            bestand=bron,
            rij=k.rijnummer(i),
            kolom="geometry",
            waarde=tuple(round(float(v)) for v in b[i]),
        )


# --------------------------------------------------------------------------- reading


def _kies_laag(bron: GrensBron, standaard_laag: str | None) -> tuple[str, int]:
    """The layer to read and the number of layers in the file."""
    try:
        lagen = [str(naam) for naam, _ in pyogrio.list_layers(bron.pad)]
    except Exception as exc:  # pyogrio raises several types
        raise InvoerFout(f"kan geobestand niet lezen: {exc}", bestand=bron.pad) from exc
    if bron.laag is not None:
        if bron.laag not in lagen:
            raise InvoerFout(
                f"laag '{bron.laag}' bestaat niet; beschikbare lagen: {', '.join(lagen)}",
                bestand=bron.pad,
            )
        return bron.laag, len(lagen)
    if len(lagen) == 1:
        return lagen[0], 1
    if standaard_laag in lagen:
        return str(standaard_laag), len(lagen)
    raise InvoerFout(
        f"het bestand heeft {len(lagen)} lagen; kies er één met BESTAND:LAAG "
        f"(beschikbaar: {', '.join(lagen)})",
        bestand=bron.pad,
    )


def _controleer_vlakken(gdf: gpd.GeoDataFrame, bron: str) -> None:
    geoms = gdf.geometry.array
    leeg = np.asarray(gdf.geometry.isna() | gdf.geometry.is_empty)
    if leeg.any():
        raise InvoerFout(
            "lege geometrie; elk gebied heeft een (multi)polygoon nodig",
            bestand=bron,
            rij=k.rijnummer(int(np.flatnonzero(leeg)[0])),
            kolom="geometry",
        )
    soort = shapely.get_type_id(np.asarray(geoms))
    vlak = np.isin(soort, [3, 6])  # Polygon, MultiPolygon
    if not vlak.all():
        i = int(np.flatnonzero(~vlak)[0])
        raise InvoerFout(
            "geometrie is geen (multi)polygoon; een grenzenbestand bevat vlakken",
            bestand=bron,
            rij=k.rijnummer(i),
            kolom="geometry",
            waarde=str(gdf.geometry.iloc[i].geom_type),
        )


def _herstel(gdf: gpd.GeoDataFrame, bron: str, code: np.ndarray) -> gpd.GeoDataFrame:
    """Repair invalid polygons with make_valid; warn naming the rows, never drop."""
    ongeldig = np.flatnonzero(~np.asarray(gdf.geometry.is_valid))
    if not len(ongeldig):
        return gdf
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    hersteld = shapely.make_valid(geoms[ongeldig], method="structure", keep_collapsed=False)
    for i, geom in zip(ongeldig.tolist(), hersteld, strict=True):
        if geom is None or geom.is_empty or shapely.get_type_id(geom) not in (3, 6):
            raise InvoerFout(
                "ongeldige geometrie die niet tot een vlak te herstellen is; controleer de grens "
                "in een GIS (bijv. QGIS 'Geometrie controleren')",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="geometry",
                waarde=code[i],
            )
    geoms = geoms.copy()
    geoms[ongeldig] = hersteld
    uit = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    rijen = ", ".join(f"rij {k.rijnummer(i)} ({code[i]})" for i in ongeldig[:_MAX_GENOEMD])
    meer = f" en {len(ongeldig) - _MAX_GENOEMD} meer" if len(ongeldig) > _MAX_GENOEMD else ""
    bericht = (
        f"{bron}: {len(ongeldig)} ongeldige geometrie(ën) hersteld met make_valid: {rijen}{meer}"
    )
    logger.info(bericht)
    warnings.warn(bericht, GeografieWaarschuwing, stacklevel=3)
    return uit


def lees_grenzen(
    bron: GrensBron | str | Path, *, standaard_laag: str | None = None
) -> gpd.GeoDataFrame:
    """Read one boundary layer as polygons in EPSG:28992.

    Parameters
    ----------
    bron
        A `GrensBron`, or ``FILE[:LAYER]`` with PDOK column names.
    standaard_laag
        Layer to take when ``bron`` names none and the file has several
        (e.g. ``STANDAARD_LAGEN["gemeente"]``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (text, unique), ``naam`` (text; ``""`` without a name
        column) and ``geometry`` ((multi)polygons, EPSG:28992), in file order
        with a fresh index; ``attrs["bestand"]`` names the source.

    Raises
    ------
    InvoerFout
        On a missing file or layer, a missing, empty or repeated code, a missing
        or implausible CRS, an empty, non-polygonal or unrepairable geometry, or
        a feature outside the Netherlands.

    Warns
    -----
    GeografieWaarschuwing
        When invalid geometries were repaired (rows named).
    """
    bron = GrensBron.parse(bron)
    naam = str(bron)
    if not bron.pad.exists():
        raise InvoerFout("grenzenbestand bestaat niet; controleer het pad", bestand=bron.pad)
    laag, n_lagen = _kies_laag(bron, standaard_laag)
    if n_lagen > 1:  # messages name the layer that was read
        naam = f"{bron.pad}:{laag}"
    try:
        driver = str(pyogrio.read_info(bron.pad, layer=laag)["driver"])
        gdf = gpd.read_file(bron.pad, layer=laag)
    except Exception as exc:  # pyogrio raises several types
        raise InvoerFout(f"kan geobestand niet lezen: {exc}", bestand=naam) from exc
    gdf = gdf.reset_index(drop=True)
    kolommen = [bron.code_kolom] + ([bron.naam_kolom] if bron.naam_kolom else [])
    for kolom in kolommen:
        if kolom not in gdf.columns:
            aanwezig = ", ".join(str(c) for c in gdf.columns if c != gdf.geometry.name)
            raise InvoerFout(
                f"kolom ontbreekt (aanwezig: {aanwezig or 'geen'}); geef de kolom op met "
                "--code-kolom / --naam-kolom",
                bestand=naam,
                rij=1,
                kolom=kolom,
            )
    code = k.tekst(gdf, bron.code_kolom, naam)
    k.uniek(code, bron.code_kolom, naam)
    namen = (
        k.tekst(gdf, bron.naam_kolom, naam, verplicht=False, vrij=True) if bron.naam_kolom else None
    )
    if gdf.crs is None and driver == "TopoJSON":
        logger.info("%s: TopoJSON zonder CRS, gelezen als WGS84 (EPSG:4326)", naam)
        gdf = gdf.set_crs("EPSG:4326")
    _controleer_vlakken(gdf, naam)
    gdf = naar_rd(gdf, naam)
    controleer_ligging(gdf, naam)
    gdf = _herstel(gdf, naam, code)
    uit = gpd.GeoDataFrame(
        {
            "code": code.astype(str),
            "naam": namen.astype(str) if namen is not None else np.full(len(gdf), ""),
        },
        geometry=gdf.geometry.to_numpy(),
        crs=RD,
    )
    uit.attrs["bestand"] = naam
    logger.info("%d gebieden gelezen uit %s (laag %s, %s)", len(uit), bron.pad, laag, driver)
    return uit
