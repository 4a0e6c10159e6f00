"""Memberships by geometry: which provincie and arbeidsmarktregio a gemeente lies in.

No CBS layer says which gemeente belongs to which region; it follows from the
geometry. The generalised boundaries do not nest exactly (a gemeente can stick
out a few percent into a neighbouring region, or beyond the national border of
the region layer), so each gemeente is assigned to the region with the
**largest overlap area**, and the share of the gemeente's area in that region is
kept (``overlap_provincie``, ``overlap_arbeidsmarktregio``). Ties go to the
lowest region code. A share below the threshold (default
:data:`DREMPEL_TWIJFEL`) is reported as a *twijfelgeval* (table + a
:class:`~allocatie.spatial.grenzen.GeografieWaarschuwing`) but does not stop
the build; a gemeente without any overlapping region is an error.

The COA-regio follows from the provincie (:data:`COA_REGIO_PER_PROVINCIE`).
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from allocatie.io.atomisch import atomisch_pad
from allocatie.kern.errors import InvoerFout
from allocatie.kern.taal import aantal
from allocatie.kern.voortgang import Voortgang, fase
from allocatie.ronde.taakstelling import lees_inwoners
from allocatie.spatial.grenzen import (
    RD,
    STANDAARD_LAGEN,
    GeografieWaarschuwing,
    GrensBron,
    lees_grenzen,
    naar_rd,
)

__all__ = [
    "BASIS_KOLOMMEN",
    "COA_REGIO_PER_PROVINCIE",
    "DREMPEL_TWIJFEL",
    "Basis",
    "Toewijzing",
    "bouw_basis",
    "bouw_basistabel",
    "schrijf_basistabel",
    "wijs_toe",
]

logger = logging.getLogger(__name__)

#: COA-regio per provincie code (CBS 2024 codes, checked against PDOK's ``statnaam``):
#: the five COA regions group the twelve provincies.
COA_REGIO_PER_PROVINCIE: Mapping[str, str] = MappingProxyType(
    {
        "PV20": "Noord",  # Groningen
        "PV21": "Noord",  # Fryslân
        "PV22": "Noord",  # Drenthe
        "PV23": "Oost",  # Overijssel
        "PV25": "Oost",  # Gelderland
        "PV24": "Midden",  # Flevoland
        "PV26": "Midden",  # Utrecht
        "PV27": "Midden",  # Noord-Holland
        "PV28": "Zuidwest",  # Zuid-Holland
        "PV29": "Zuidwest",  # Zeeland
        "PV30": "Zuid",  # Noord-Brabant
        "PV31": "Zuid",  # Limburg
    }
)

#: Below this share of its area in the chosen region, a gemeente is a twijfelgeval.
DREMPEL_TWIJFEL = 0.9

#: Columns of the base table, in order (followed by ``geometry``).
BASIS_KOLOMMEN: tuple[str, ...] = (
    "gemeente_code",
    "gemeente_naam",
    "inwoners",
    "provincie_code",
    "provincie_naam",
    "arbeidsmarktregio_code",
    "arbeidsmarktregio_naam",
    "coa_regio",
    "overlap_provincie",
    "overlap_arbeidsmarktregio",
    "x",
    "y",
)

_TWIJFEL_KOLOMMEN = (
    "soort",
    "gemeente_code",
    "gemeente_naam",
    "regio_code",
    "aandeel",
    "tweede_code",
    "tweede_aandeel",
    "buiten_aandeel",
)
_MAX_GENOEMD = 10


@dataclass(frozen=True, eq=False)
class Toewijzing:
    """Each gemeente's region of one kind, by largest overlap.

    Attributes
    ----------
    soort
        Kind of region (``"provincie"``, ``"arbeidsmarktregio"``, ...).
    tabel
        One row per gemeente, in the order of the gemeenten: ``gemeente_code``,
        ``regio_code``, ``regio_naam``, ``aandeel`` (share of the gemeente's area
        in that region), ``tweede_code`` / ``tweede_aandeel`` (the runner-up,
        ``""`` / 0 when none) and ``buiten_aandeel`` (share in no region at all).
    drempel
        Threshold below which an assignment is a twijfelgeval.
    """

    soort: str
    tabel: pd.DataFrame
    drempel: float

    @property
    def twijfel(self) -> pd.DataFrame:
        """The twijfelgevallen: ``aandeel < drempel``, smallest share first."""
        t = self.tabel[self.tabel["aandeel"] < self.drempel]
        return t.sort_values(["aandeel", "gemeente_code"]).reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Basis:
    """Result of :func:`bouw_basis`.

    Attributes
    ----------
    tabel
        The base table (:data:`BASIS_KOLOMMEN` + ``geometry``, EPSG:28992), one
        row per gemeente sorted by ``gemeente_code``.
    twijfel
        Twijfelgevallen of both kinds: ``soort``, ``gemeente_code``,
        ``gemeente_naam``, ``regio_code``, ``aandeel``, ``tweede_code``,
        ``tweede_aandeel``, ``buiten_aandeel``.
    drempel
        The threshold used.
    """

    tabel: gpd.GeoDataFrame
    twijfel: pd.DataFrame
    drempel: float


def _als_rd(gdf: gpd.GeoDataFrame, naam: str) -> gpd.GeoDataFrame:
    return naar_rd(gdf, str(gdf.attrs.get("bestand", naam)))


def wijs_toe(
    gemeenten: gpd.GeoDataFrame,
    regios: gpd.GeoDataFrame,
    *,
    soort: str,
    drempel: float = DREMPEL_TWIJFEL,
) -> Toewijzing:
    """Assign every gemeente to the region it overlaps most (vectorised).

    Parameters
    ----------
    gemeenten, regios
        Polygons with columns ``code`` and ``naam`` (as :func:`lees_grenzen`
        returns them); projected to EPSG:28992 if needed.
    soort
        Kind of region, for messages and the result.
    drempel
        Share below which an assignment is reported as a twijfelgeval.

    Returns
    -------
    Toewijzing

    Raises
    ------
    InvoerFout
        When a gemeente overlaps no region at all (all such gemeenten listed).

    Examples
    --------
    A gemeente 70 % in region A and 30 % in region B belongs to A:

    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"code": ["GM0001"], "naam": ["X"]},
    ...                      geometry=[box(100_000, 400_000, 110_000, 410_000)], crs=RD)
    >>> r = gpd.GeoDataFrame({"code": ["B", "A"], "naam": ["", ""]},
    ...                      geometry=[box(107_000, 390_000, 120_000, 420_000),
    ...                                box(90_000, 390_000, 107_000, 420_000)], crs=RD)
    >>> t = wijs_toe(g, r, soort="regio").tabel
    >>> t[["regio_code", "aandeel", "tweede_code", "tweede_aandeel"]].round(2).values.tolist()
    [['A', 0.7, 'B', 0.3]]
    """
    gemeenten = _als_rd(gemeenten, "gemeenten")
    regios = _als_rd(regios, soort)
    for gdf, naam in ((gemeenten, "gemeenten"), (regios, soort)):
        ongeldig = np.flatnonzero(~gdf.geometry.is_valid.to_numpy(dtype=bool))
        if len(ongeldig):
            i = int(ongeldig[0])
            raise InvoerFout(
                "ongeldige of lege geometrie; lees grenzen met lees_grenzen (die herstelt "
                "ongeldige vlakken en meldt dat) of herstel ze met shapely.make_valid",
                bestand=str(gdf.attrs.get("bestand", naam)),
                rij=i + 2,
                kolom="geometry",
                waarde=str(gdf["code"].iloc[i]),
            )
    g_geom = gemeenten.geometry.to_numpy()
    r_geom = regios.geometry.to_numpy()
    gi, ri = regios.sindex.query(g_geom, predicate="intersects")
    oppervlak = shapely.area(g_geom)
    deel = shapely.area(shapely.intersection(g_geom[gi], r_geom[ri])) / oppervlak[gi]
    paren = pd.DataFrame(
        {"g": gi, "code": regios["code"].to_numpy(dtype=object)[ri], "aandeel": deel}
    )
    paren = paren[paren["aandeel"] > 0].sort_values(
        ["g", "aandeel", "code"], ascending=[True, False, True], kind="stable"
    )
    rang = paren.groupby("g").cumcount().to_numpy()
    eerste = paren[rang == 0].set_index("g")
    tweede = paren[rang == 1].set_index("g")
    totaal = paren.groupby("g")["aandeel"].sum()

    n = len(gemeenten)
    geen = np.setdiff1d(np.arange(n), eerste.index.to_numpy())
    if len(geen):
        codes = gemeenten["code"].to_numpy(dtype=object)
        lijst = ", ".join(str(codes[i]) for i in geen[:_MAX_GENOEMD])
        meer = f" en {len(geen) - _MAX_GENOEMD} meer" if len(geen) > _MAX_GENOEMD else ""
        raise InvoerFout(
            f"{len(geen)} gemeente(n) overlappen met geen enkele {soort} in "
            f"'{regios.attrs.get('bestand', soort)}': {lijst}{meer}. Horen de grenzen bij "
            "hetzelfde jaar en hetzelfde gebied?",
            bestand=gemeenten.attrs.get("bestand", "gemeenten"),
            rij=int(geen[0]) + 2,
            kolom="geometry",
            waarde=str(codes[geen[0]]),
        )
    namen = dict(zip(regios["code"], regios["naam"], strict=True))
    volgorde = np.arange(n)
    regio = eerste["code"].reindex(volgorde).to_numpy(dtype=object)
    tabel = pd.DataFrame(
        {
            "gemeente_code": gemeenten["code"].to_numpy(dtype=object),
            "gemeente_naam": gemeenten["naam"].to_numpy(dtype=object),
            "regio_code": regio,
            "regio_naam": [namen[c] for c in regio],
            "aandeel": eerste["aandeel"].reindex(volgorde).to_numpy(float),
            "tweede_code": tweede["code"].reindex(volgorde).fillna("").to_numpy(dtype=object),
            "tweede_aandeel": tweede["aandeel"].reindex(volgorde).fillna(0.0).to_numpy(float),
            "buiten_aandeel": np.clip(1.0 - totaal.reindex(volgorde).to_numpy(float), 0.0, 1.0),
        }
    )
    uit = Toewijzing(soort=soort, tabel=tabel, drempel=drempel)
    logger.info(
        "%s: %d gemeenten toegewezen aan %d gebieden; kleinste aandeel %.3f; %d twijfelgevallen",
        soort,
        n,
        tabel["regio_code"].nunique(),
        float(tabel["aandeel"].min()) if n else 1.0,
        len(uit.twijfel),
    )
    return uit


def _waarschuw(toewijzing: Toewijzing) -> None:
    twijfel = toewijzing.twijfel
    if twijfel.empty:
        return
    regels = [
        f"{r.gemeente_code} {r.gemeente_naam}: {r.aandeel:.0%} in {r.regio_code}"
        + (f", {r.tweede_aandeel:.0%} in {r.tweede_code}" if r.tweede_code else "")
        + (
            f", {r.buiten_aandeel:.0%} in geen enkele {toewijzing.soort}"
            if r.buiten_aandeel > 0.005
            else ""
        )
        for r in twijfel.head(_MAX_GENOEMD).itertuples()
    ]
    meer = f"; en {len(twijfel) - _MAX_GENOEMD} meer" if len(twijfel) > _MAX_GENOEMD else ""
    bericht = (
        f"{len(twijfel)} gemeente(n) liggen voor minder dan {toewijzing.drempel:.0%} in hun "
        f"{toewijzing.soort} (toegewezen op grootste overlap; controleer): "
        + "; ".join(regels)
        + meer
    )
    logger.info(bericht)
    warnings.warn(bericht, GeografieWaarschuwing, stacklevel=3)


def _lijst(codes: list[str]) -> str:
    meer = f" en {len(codes) - _MAX_GENOEMD} meer" if len(codes) > _MAX_GENOEMD else ""
    return ", ".join(codes[:_MAX_GENOEMD]) + meer


def bouw_basis(
    gemeenten: GrensBron | str | Path,
    provincies: GrensBron | str | Path,
    arbeidsmarktregios: GrensBron | str | Path,
    inwoners_pad: str | os.PathLike[str],
    *,
    drempel: float = DREMPEL_TWIJFEL,
    coa_regios: Mapping[str, str] = COA_REGIO_PER_PROVINCIE,
    waarschuw: bool = True,
    voortgang: Voortgang | None = None,
) -> Basis:
    """Build the gemeenten base table of a round from boundaries and population.

    Parameters
    ----------
    gemeenten, provincies, arbeidsmarktregios
        Boundary sources (`GrensBron` or ``FILE[:LAYER]``); without a layer a
        multi-layer file uses the PDOK layer of that kind
        (:data:`~allocatie.spatial.grenzen.STANDAARD_LAGEN`).
    inwoners_pad
        CBS population CSV (``gemeente_code,gemeente_naam,inwoners``).
    drempel
        Overlap share below which an assignment is a twijfelgeval.
    coa_regios
        COA-regio per provincie code.
    waarschuw
        Warn about twijfelgevallen (set ``False`` when showing ``Basis.twijfel``
        yourself; repaired geometries always warn).
    voortgang
        Receiver of progress events (`allocatie.kern.voortgang`): reading the files
        (``laden``) and assigning the regions by overlap (``toewijzen``).

    Returns
    -------
    Basis
        The table (usable as a round's ``gemeenten`` table) and the twijfelgevallen.

    Raises
    ------
    InvoerFout
        On invalid files; when a gemeente overlaps no provincie or no
        arbeidsmarktregio; when the boundaries and the population table do not
        hold the same gemeenten (both differences listed); when a provincie has
        no COA-regio in ``coa_regios``.

    Warns
    -----
    GeografieWaarschuwing
        Per kind of region with twijfelgevallen, and for repaired geometries.
    """
    with fase(voortgang, "laden", "Grenzen en inwoners inlezen") as details:
        gem = lees_grenzen(gemeenten, standaard_laag=STANDAARD_LAGEN["gemeente"])
        prov = lees_grenzen(provincies, standaard_laag=STANDAARD_LAGEN["provincie"])
        arb = lees_grenzen(arbeidsmarktregios, standaard_laag=STANDAARD_LAGEN["arbeidsmarktregio"])
        inw = lees_inwoners(inwoners_pad)
        details.append(
            ", ".join(
                (
                    aantal(len(gem), "gemeente", "gemeenten"),
                    aantal(len(prov), "provincie", "provincies"),
                    aantal(len(arb), "arbeidsmarktregio", "arbeidsmarktregio's"),
                )
            )
        )

    grens_codes, inw_codes = set(gem["code"]), set(inw["gemeente_code"])
    alleen_grens = sorted(grens_codes - inw_codes)
    alleen_inw = sorted(inw_codes - grens_codes)
    if alleen_grens or alleen_inw:
        delen = []
        if alleen_grens:
            delen.append(f"{len(alleen_grens)} alleen in de grenzen: {_lijst(alleen_grens)}")
        if alleen_inw:
            delen.append(f"{len(alleen_inw)} alleen in de inwoners: {_lijst(alleen_inw)}")
        raise InvoerFout(
            "de grenzen en de inwonerstabel bevatten niet dezelfde gemeenten ("
            + "; ".join(delen)
            + "). Een gemeentecode betekent alleen iets met haar jaar (herindelingen): "
            f"gebruik grenzen en inwoners van hetzelfde jaar (grenzen: '{gem.attrs['bestand']}')",
            bestand=os.fspath(inwoners_pad),
            kolom="gemeente_code",
        )

    with fase(voortgang, "toewijzen", "Regio's bepalen (grootste overlap)") as details:
        per_prov = wijs_toe(gem, prov, soort="provincie", drempel=drempel)
        per_arb = wijs_toe(gem, arb, soort="arbeidsmarktregio", drempel=drempel)
        n_twijfel = len(per_prov.twijfel) + len(per_arb.twijfel)
        details.append(aantal(n_twijfel, "twijfelgeval", "twijfelgevallen"))
    onbekend = sorted(set(per_prov.tabel["regio_code"]) - set(coa_regios))
    if onbekend:
        raise InvoerFout(
            f"geen COA-regio bekend voor provincie(s) {', '.join(onbekend)}; bekend zijn "
            f"{', '.join(sorted(coa_regios))} (CBS-codes PV20-PV31)",
            bestand=prov.attrs["bestand"],
            kolom="code",
            waarde=onbekend[0],
        )
    if waarschuw:
        _waarschuw(per_prov)
        _waarschuw(per_arb)

    inw_idx = inw.set_index("gemeente_code")
    codes = gem["code"]
    anders = (inw_idx.loc[codes, "gemeente_naam"].to_numpy() != gem["naam"].to_numpy()) & (
        gem["naam"].to_numpy() != ""
    )
    if anders.any():
        logger.warning(
            "%d gemeente(n) met een andere naam in de grenzen dan in de inwoners "
            "(de naam uit de inwoners wordt gebruikt): %s",
            int(anders.sum()),
            _lijst([str(c) for c in codes[anders]]),
        )
    punt = gem.geometry.representative_point()
    tabel = gpd.GeoDataFrame(
        {
            "gemeente_code": codes.to_numpy(dtype=object),
            "gemeente_naam": inw_idx.loc[codes, "gemeente_naam"].to_numpy(dtype=object),
            "inwoners": inw_idx.loc[codes, "inwoners"].to_numpy(),
            "provincie_code": per_prov.tabel["regio_code"].to_numpy(dtype=object),
            "provincie_naam": per_prov.tabel["regio_naam"].to_numpy(dtype=object),
            "arbeidsmarktregio_code": per_arb.tabel["regio_code"].to_numpy(dtype=object),
            "arbeidsmarktregio_naam": per_arb.tabel["regio_naam"].to_numpy(dtype=object),
            "coa_regio": [coa_regios[c] for c in per_prov.tabel["regio_code"]],
            "overlap_provincie": per_prov.tabel["aandeel"].to_numpy(float),
            "overlap_arbeidsmarktregio": per_arb.tabel["aandeel"].to_numpy(float),
            "x": punt.x.to_numpy(float),
            "y": punt.y.to_numpy(float),
        },
        geometry=gem.geometry.to_numpy(),
        crs=RD,
    )
    tabel = tabel.sort_values("gemeente_code", kind="stable").reset_index(drop=True)
    twijfel = pd.concat(
        [t.twijfel.assign(soort=t.soort) for t in (per_prov, per_arb)], ignore_index=True
    )[list(_TWIJFEL_KOLOMMEN)]
    twijfel["gemeente_naam"] = inw_idx.loc[twijfel["gemeente_code"], "gemeente_naam"].to_numpy()
    logger.info(
        "basistabel: %d gemeenten, %d provincies, %d arbeidsmarktregio's, %d inwoners",
        len(tabel),
        tabel["provincie_code"].nunique(),
        tabel["arbeidsmarktregio_code"].nunique(),
        int(tabel["inwoners"].sum()),
    )
    return Basis(tabel=tabel, twijfel=twijfel, drempel=drempel)


def bouw_basistabel(
    gemeenten: GrensBron | str | Path,
    provincies: GrensBron | str | Path,
    arbeidsmarktregios: GrensBron | str | Path,
    inwoners_pad: str | os.PathLike[str],
    *,
    drempel: float = DREMPEL_TWIJFEL,
    coa_regios: Mapping[str, str] = COA_REGIO_PER_PROVINCIE,
) -> gpd.GeoDataFrame:
    """The base table of :func:`bouw_basis` (see there); twijfelgevallen only warn."""
    return bouw_basis(
        gemeenten,
        provincies,
        arbeidsmarktregios,
        inwoners_pad,
        drempel=drempel,
        coa_regios=coa_regios,
    ).tabel


#: Output formats of :func:`schrijf_basistabel` by file extension.
_FORMATEN = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def schrijf_basistabel(tabel: gpd.GeoDataFrame, pad: str | os.PathLike[str]) -> Path:
    """Write the base table atomically: GeoPackage (layer ``gemeenten``) or GeoJSON.

    The format follows the extension (``.gpkg``, ``.geojson``, ``.json``). The file
    is written under its own name in a temporary folder next to ``pad`` (GDAL
    wants the right extension) and then moved into place atomically.

    Raises
    ------
    InvoerFout
        On another extension, or when the folder of ``pad`` does not exist.
    """
    doel = Path(pad)
    driver = _FORMATEN.get(doel.suffix.lower())
    if driver is None:
        raise InvoerFout(
            "onbekend uitvoerformaat; gebruik .gpkg (GeoPackage, laag 'gemeenten') of .geojson",
            bestand=doel,
        )
    with atomisch_pad(doel) as tijdelijk:
        with tempfile.TemporaryDirectory(prefix=f".{doel.name}.", dir=doel.parent) as map_:
            bestand = Path(map_) / doel.name
            if driver == "GPKG":
                tabel.to_file(bestand, driver=driver, layer="gemeenten")
            else:
                tabel.to_file(bestand, driver=driver)
            os.replace(bestand, tijdelijk)
    logger.info("basistabel geschreven: %s (%d gemeenten)", doel, len(tabel))
    return doel
