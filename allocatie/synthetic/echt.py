"""Synthetic households and supply on the real geography of a base table.

The gemeenten, their boundaries, population and regions come from a base table as
built by :func:`allocatie.spatial.bouw_basistabel` (``allocatie basis``, CBS/PDOK);
only the households, homes and flexible sites are synthetic. The household,
supply and taakstelling code of the fictional generator is reused; this module
supplies what the real territory adds:

* **azc's** at a fixed, documented list of gemeenten that host (or recently
  hosted) a COA reception centre (`AZC_LOCATIES`). Each COA-regio gets
  households in proportion to its population, divided over its azc's by their
  rough relative sizes. Gemeenten of the list absent from the table are
  skipped; a table holding none of them (e.g. a small subset) gets
  population-weighted azc's as in the fictional generator.
* **hard criteria** (work, study, family, care) drawn per household around its
  azc: with a high probability inside the azc's COA-regio (COA links mostly
  within its region), weighted by population, distance decay from the azc and a
  bonus for the azc's arbeidsmarktregio; otherwise anywhere in the table,
  population-weighted. Study goes to university and hogeschool towns
  (`STUDIESTEDEN`), care to towns with an academic or top-clinical hospital
  (`ZORGSTEDEN`).

Regular homes are spread in proportion to population and flexible sites are
placed at random points inside their real gemeente polygon, by the shared
supply code. The lists are illustrative, not official COA or ministry figures.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from allocatie.io.lezen import lees_tabel
from allocatie.io.schema import REGIONAAMKOLOMMEN
from allocatie.kern.errors import InvoerFout
from allocatie.synthetic.huishoudens import (
    AANDEEL_FAMILIE,
    AANDEEL_STUDIE,
    AANDEEL_WERK,
    AANDEEL_ZORG,
    KiesAzc,
    Koppelingen,
    genereer_huishoudens,
)

__all__ = [
    "AZC_LOCATIES",
    "GEMEENTE_KOLOMMEN",
    "STUDIESTEDEN",
    "ZORGSTEDEN",
    "gemeenten_uit_basis",
    "genereer_echte_huishoudens",
    "lees_basis",
]

GEMEENTE_KOLOMMEN: tuple[str, ...] = (
    "gemeente_code",
    "gemeente_naam",
    "provincie_code",
    "arbeidsmarktregio_code",
    "coa_regio",
    "inwoners",
)
"""Columns taken from the base table (plus its geometry) for the round's ``gemeenten``."""

AZC_LOCATIES: tuple[tuple[str, str, float], ...] = (
    # (gemeente code 2024, azc location, relative size); an illustrative selection of
    # long-standing COA locations, sizes are rough guesses (Ter Apel and Budel largest).
    # Noord
    ("GM1950", "Ter Apel (Westerwolde)", 4.0),
    ("GM0014", "Groningen", 1.5),
    ("GM0037", "Musselkanaal (Stadskanaal)", 1.0),
    ("GM1895", "Winschoten (Oldambt)", 1.0),
    ("GM0106", "Assen", 1.5),
    ("GM0114", "Emmen", 1.0),
    ("GM0109", "Zweeloo (Coevorden)", 1.0),
    ("GM0118", "Hoogeveen", 1.0),
    ("GM0080", "Leeuwarden", 1.0),
    ("GM0737", "Burgum (Tytsjerksteradiel)", 1.0),
    ("GM1900", "Sneek (Súdwest-Fryslân)", 1.0),
    ("GM0090", "Drachten (Smallingerland)", 1.0),
    # Oost
    ("GM0193", "Zwolle", 1.0),
    ("GM0141", "Almelo", 1.0),
    ("GM0153", "Enschede", 1.0),
    ("GM0200", "Apeldoorn", 1.5),
    ("GM0202", "Arnhem", 1.5),
    ("GM0268", "Nijmegen", 1.0),
    ("GM0228", "Ede", 1.0),
    ("GM0294", "Winterswijk", 1.0),
    # Midden
    ("GM0355", "Zeist", 2.0),
    ("GM0344", "Utrecht", 1.5),
    ("GM1581", "Leersum (Utrechtse Heuvelrug)", 1.0),
    ("GM0307", "Amersfoort", 1.0),
    ("GM0363", "Amsterdam", 2.0),
    ("GM0400", "Den Helder", 1.0),
    ("GM0034", "Almere", 1.0),
    ("GM0303", "Dronten", 1.5),
    # Zuidwest
    ("GM0603", "Rijswijk", 1.5),
    ("GM0518", "Den Haag", 1.0),
    ("GM0599", "Rotterdam", 1.5),
    ("GM0505", "Dordrecht", 1.0),
    ("GM0687", "Middelburg", 1.0),
    # Zuid
    ("GM1706", "Budel (Cranendonck)", 3.0),
    ("GM0784", "Gilze (Gilze en Rijen)", 2.0),
    ("GM0824", "Oisterwijk", 1.0),
    ("GM0772", "Eindhoven", 1.0),
    ("GM1982", "Overloon (Land van Cuijk)", 1.0),
    ("GM0984", "Venray", 1.0),
    ("GM0983", "Venlo", 1.0),
    ("GM1640", "Baexem (Leudal)", 1.0),
    ("GM1711", "Echt (Echt-Susteren)", 1.0),
    ("GM1954", "Sweikhuizen (Beekdaelen)", 1.0),
    ("GM0935", "Maastricht", 1.0),
)
"""Gemeenten with an azc: ``(code, location, relative size)`` (illustrative, 2024 codes)."""

STUDIESTEDEN: tuple[str, ...] = (
    "GM0014", "GM0080",  # Groningen, Leeuwarden
    "GM0193", "GM0153", "GM0202", "GM0268", "GM0289",  # Zwolle .. Nijmegen, Wageningen
    "GM0363", "GM0344", "GM0392",  # Amsterdam, Utrecht, Haarlem
    "GM0599", "GM0518", "GM0546", "GM0503", "GM0718",  # Rotterdam .. Delft, Vlissingen
    "GM0772", "GM0855", "GM0758", "GM0796", "GM0935", "GM0983",  # Eindhoven .. Venlo
)  # fmt: skip
"""Gemeenten with a university or a large hogeschool (study admissions go there)."""

ZORGSTEDEN: tuple[str, ...] = (
    # academic hospitals (UMC)
    "GM0363", "GM0599", "GM0344", "GM0546", "GM0014", "GM0268", "GM0935",
    # top-clinical hospitals
    "GM0080", "GM0193", "GM0153", "GM0202", "GM0200", "GM0307", "GM0356", "GM0361",
    "GM0392", "GM0518", "GM0505", "GM0772", "GM0855", "GM0758", "GM0796", "GM0983",
    "GM1883",
)  # fmt: skip
"""Gemeenten with an academic or top-clinical hospital (specific medical treatment)."""


@dataclass(frozen=True)
class _Regel:
    """How one hard criterion is drawn around the azc.

    Attributes
    ----------
    aandeel
        Share of households with this criterion.
    binnen_regio
        Probability that the gemeente lies in the azc's COA-regio (weighted by
        population, ``exp(-afstand / schaal_m)`` and ``am_factor``); otherwise it
        is drawn from the whole table by population alone.
    schaal_m
        Distance decay (metres) from the azc's representative point.
    am_factor
        Weight factor for gemeenten in the azc's arbeidsmarktregio.
    """

    aandeel: float
    binnen_regio: float
    schaal_m: float
    am_factor: float


# Same shares as the fictional generator; the geography decides where.
_WERK = _Regel(AANDEEL_WERK, 0.85, 25_000.0, 3.0)
_STUDIE = _Regel(AANDEEL_STUDIE, 0.80, 50_000.0, 1.0)
_FAMILIE = _Regel(AANDEEL_FAMILIE, 0.70, 40_000.0, 2.0)
_ZORG = _Regel(AANDEEL_ZORG, 0.90, 40_000.0, 1.0)


def lees_basis(pad: str | os.PathLike[str]) -> gpd.GeoDataFrame:
    """Read a base table written by ``allocatie basis`` (GeoPackage or GeoJSON).

    Parameters
    ----------
    pad
        The file, optionally ``BESTAND:LAAG`` to name a GeoPackage layer.

    Returns
    -------
    geopandas.GeoDataFrame
        The gemeenten as `gemeenten_uit_basis` returns them.

    Raises
    ------
    InvoerFout
        When the file is missing, not a geofile, or not a valid base table.
    """
    tabel = lees_tabel(pad, naam="basis")
    if not isinstance(tabel, gpd.GeoDataFrame):
        raise InvoerFout(
            "verwacht een geobestand met gemeentegrenzen (GeoPackage of GeoJSON, zoals "
            "geschreven door 'allocatie basis')",
            bestand=str(pad),
        )
    tabel.attrs["bestand"] = str(pad)
    return gemeenten_uit_basis(tabel)


def gemeenten_uit_basis(basis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The ``gemeenten`` table of a round from a base table, checked.

    Parameters
    ----------
    basis
        A base table (:func:`allocatie.spatial.bouw_basistabel`): at least the
        columns `GEMEENTE_KOLOMMEN` and gemeente polygons with a CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        `GEMEENTE_KOLOMMEN` and the geometry in EPSG:28992, sorted by
        ``gemeente_code``, with a fresh index.

    Raises
    ------
    InvoerFout
        On missing columns, no CRS, duplicate or missing codes, populations that
        are not whole numbers > 0, or empty geometries.
    """
    bron = str(basis.attrs.get("bestand", "basis"))
    if not isinstance(basis, gpd.GeoDataFrame):
        raise InvoerFout("verwacht een GeoDataFrame met gemeentegrenzen", bestand=bron)
    ontbreekt = [k for k in GEMEENTE_KOLOMMEN if k not in basis.columns]
    if ontbreekt:
        raise InvoerFout(
            f"kolommen ontbreken in de basistabel: {', '.join(ontbreekt)} (maak de tabel met "
            "'allocatie basis')",
            bestand=bron,
        )
    if basis.crs is None:
        raise InvoerFout(
            "de basistabel heeft geen CRS; verwacht EPSG:28992 (RD New)",
            bestand=bron,
            kolom="geometry",
        )
    if len(basis) == 0:
        raise InvoerFout("de basistabel bevat geen gemeenten", bestand=bron)
    tabel = basis.to_crs(epsg=28992) if basis.crs.to_epsg() != 28992 else basis
    tabel = gpd.GeoDataFrame(
        tabel[list(GEMEENTE_KOLOMMEN)].copy(), geometry=tabel.geometry.to_numpy(), crs=tabel.crs
    )
    # The region names of the base table travel along (the reports show them beside codes).
    for kolom in REGIONAAMKOLOMMEN:
        if kolom in basis.columns:
            tabel[kolom] = basis[kolom].astype(str).to_numpy()
    for kolom in GEMEENTE_KOLOMMEN:
        if kolom == "inwoners":
            continue
        leeg = tabel[kolom].isna() | (tabel[kolom].astype(str).str.strip() == "")
        if leeg.any():
            i = int(np.flatnonzero(leeg.to_numpy())[0])
            raise InvoerFout("lege waarde", bestand=bron, rij=i + 2, kolom=kolom)
        tabel[kolom] = tabel[kolom].astype(str)
    dubbel = tabel["gemeente_code"].duplicated()
    if dubbel.any():
        i = int(np.flatnonzero(dubbel.to_numpy())[0])
        raise InvoerFout(
            "gemeentecode komt dubbel voor",
            bestand=bron,
            rij=i + 2,
            kolom="gemeente_code",
            waarde=tabel["gemeente_code"].iloc[i],
        )
    inwoners = pd.to_numeric(tabel["inwoners"], errors="coerce").to_numpy(dtype=float)
    fout = ~np.isfinite(inwoners) | (inwoners < 1) | (inwoners != np.round(inwoners))
    if fout.any():
        i = int(np.flatnonzero(fout)[0])
        raise InvoerFout(
            "verwacht een geheel getal > 0",
            bestand=bron,
            rij=i + 2,
            kolom="inwoners",
            waarde=tabel["inwoners"].iloc[i],
        )
    tabel["inwoners"] = inwoners.astype(np.int64)
    leeg = tabel.geometry.isna().to_numpy() | tabel.geometry.is_empty.to_numpy()
    if leeg.any():
        i = int(np.flatnonzero(leeg)[0])
        raise InvoerFout("lege geometrie", bestand=bron, rij=i + 2, kolom="geometry")
    return tabel.sort_values("gemeente_code", kind="stable").reset_index(drop=True)


def _index(codes: np.ndarray, kies: tuple[str, ...]) -> np.ndarray:
    """Positions in ``codes`` of those in ``kies`` that occur (in the order of ``kies``)."""
    positie = {c: i for i, c in enumerate(codes)}
    return np.array([positie[c] for c in kies if c in positie], dtype=np.int64)


def _kies_azc(codes: np.ndarray, coa: np.ndarray, inwoners: np.ndarray) -> KiesAzc | None:
    """Households spread over the listed azc's present in ``codes`` (None when none is).

    Each COA-regio with an azc gets households in proportion to its population (the
    Spreidingswet's aim for reception places); within the regio the listed
    relative sizes decide, varied a little per seed.
    """
    positie = {c: i for i, c in enumerate(codes)}
    lijst = [(positie[c], grootte) for c, _, grootte in AZC_LOCATIES if c in positie]
    if not lijst:
        return None
    azc = np.array([i for i, _ in lijst], dtype=np.int64)
    grootte = np.array([g for _, g in lijst], dtype=float)
    regio, per_azc = np.unique(coa[azc], return_inverse=True)
    regio_inwoners = np.array([inwoners[coa == r].sum() for r in regio], dtype=float)
    grootte *= regio_inwoners[per_azc] / np.bincount(per_azc, weights=grootte)[per_azc]

    def kies(rng: np.random.Generator, n: int) -> np.ndarray:
        gewicht = grootte * rng.lognormal(0.0, 0.25, len(grootte))
        return azc[rng.choice(len(azc), size=n, p=gewicht / gewicht.sum())]

    return kies


def _trek(rng: np.random.Generator, gewicht: np.ndarray, rij: np.ndarray) -> np.ndarray:
    """Per element of ``rij`` one column of ``gewicht``, with probability ∝ that row."""
    kans = np.cumsum(gewicht, axis=1)
    kans /= kans[:, -1:]
    u = 1.0 - rng.random(len(rij))  # in (0, 1]: a zero-weight column is never drawn
    uit = np.empty(len(rij), dtype=np.int64)
    for r in np.unique(rij):
        deel = rij == r
        uit[deel] = np.searchsorted(kans[r], u[deel], side="left")
    return np.minimum(uit, gewicht.shape[1] - 1)


def _steden(
    codes: np.ndarray, inwoners: np.ndarray, lijst: tuple[str, ...], deler: int
) -> np.ndarray:
    """Mask of the gemeenten in ``lijst``; without any, the ``ceil(g / deler)`` most populous."""
    g = len(codes)
    masker = np.zeros(g, dtype=bool)
    masker[_index(codes, lijst)] = True
    if not masker.any():  # a subset without any: the largest towns, as in the fictional case
        masker[np.argsort(-inwoners, kind="stable")[: math.ceil(g / deler)]] = True
    return masker


def genereer_echte_huishoudens(
    rng: np.random.Generator,
    n: int,
    gemeenten: gpd.GeoDataFrame,
    start: np.datetime64,
    aandeel_alleenstaand: float,
) -> pd.DataFrame:
    """Draw ``n`` households waiting in the azc's of a real territory.

    Household composition and readiness dates come from
    :func:`~allocatie.synthetic.huishoudens.genereer_huishoudens`; the azc's
    and hard criteria follow the real geography (see the module docstring).

    Parameters
    ----------
    rng
        Random state.
    n
        Number of households.
    gemeenten
        The round's gemeenten as `gemeenten_uit_basis` returns them.
    start
        First day of the period (``datetime64[D]``).
    aandeel_alleenstaand
        Share of single-person households.

    Returns
    -------
    pandas.DataFrame
        The columns of ``huishoudens.csv`` (see ``data/SCHEMA.md``).
    """
    codes = gemeenten["gemeente_code"].to_numpy(dtype=object)
    coa = gemeenten["coa_regio"].to_numpy(dtype=object)
    am = gemeenten["arbeidsmarktregio_code"].to_numpy(dtype=object)
    inwoners = gemeenten["inwoners"].to_numpy(dtype=float)
    # The representative point, as the round loader uses it (always inside the gemeente).
    centra = shapely.get_coordinates(shapely.point_on_surface(gemeenten.geometry.to_numpy()))
    studie = _steden(codes, inwoners, STUDIESTEDEN, 25)
    zorg = _steden(codes, inwoners, ZORGSTEDEN, 10)

    def gewichten(azc: np.ndarray, doel: np.ndarray, regel: _Regel) -> np.ndarray:
        """Rows ``0..k-1``: within the COA-regio of each azc; rows ``k..2k-1``: national."""
        basis = np.where(doel, inwoners, 0.0)
        afstand = np.hypot(*(centra[azc][:, None, :] - centra[None, :, :]).transpose(2, 0, 1))
        binnen = basis * np.exp(-afstand / regel.schaal_m)
        binnen *= np.where(am[azc][:, None] == am[None, :], regel.am_factor, 1.0)
        binnen *= coa[azc][:, None] == coa[None, :]
        binnen[binnen.sum(1) == 0] = basis  # nothing suitable in the region: anywhere
        return np.vstack([binnen, np.broadcast_to(basis, binnen.shape)])

    def kies_koppelingen(r: np.random.Generator, azc: np.ndarray) -> Koppelingen:
        uniek, rij = np.unique(azc, return_inverse=True)
        alles = np.ones(len(codes), dtype=bool)
        uit: list[np.ndarray] = []
        for doel, regel in ((alles, _WERK), (studie, _STUDIE), (alles, _FAMILIE), (zorg, _ZORG)):
            heeft = r.random(len(azc)) < regel.aandeel
            buiten = r.random(len(azc)) >= regel.binnen_regio
            keuze = _trek(r, gewichten(uniek, doel, regel), rij + len(uniek) * buiten)
            uit.append(np.where(heeft, keuze, -1))
        return Koppelingen(*uit)

    return genereer_huishoudens(
        rng,
        n,
        codes,
        inwoners.astype(np.int64),
        centra,
        start,
        aandeel_alleenstaand,
        kies_azc=_kies_azc(codes, coa, inwoners),
        kies_koppelingen=kies_koppelingen,
    )
