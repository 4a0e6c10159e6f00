"""A fictional territory: gemeente polygons and their regional groupings.

The territory is an irregular, star-shaped outline inside the Dutch bounding box
(EPSG:28992). Gemeenten are the Voronoi cells of seeded points inside it (relaxed
with a few Lloyd steps so that cells have realistic, not extreme, sizes), clipped
to the outline and snapped to a 1 m grid. Provinces, arbeidsmarktregio's and
COA-regio's are balanced, spatially contiguous groups of gemeenten.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["NL_GRENZEN", "Gebied", "genereer_gebied"]

NL_GRENZEN: tuple[float, float, float, float] = (13_000.0, 306_000.0, 278_000.0, 620_000.0)
"""Bounding box of the Netherlands in EPSG:28992 (xmin, ymin, xmax, ymax), metres."""

OPPERVLAK_GEMEENTE_M2 = 100e6
"""Mean area of a gemeente (the real mean is about 98 km2 of land)."""

_MARGE = 2_000.0
_LLOYD_STAPPEN = 2
_RASTER_M = 1.0

_COA_ANKERS: tuple[tuple[str, float, float], ...] = (
    # name, position relative to the Dutch bounding box (0..1)
    ("Noord", 0.75, 0.85),
    ("Oost", 0.80, 0.50),
    ("Midden", 0.45, 0.55),
    ("Zuidwest", 0.15, 0.25),
    ("Zuid", 0.65, 0.15),
)


@dataclass(frozen=True)
class Gebied:
    """The geometry and regional structure of a fictional territory.

    Attributes
    ----------
    cellen
        Gemeente polygons (shapely, EPSG:28992), north to south.
    centra
        ``(n, 2)`` centroids of ``cellen``.
    provincie, arbeidsmarktregio
        Per gemeente the 0-based index of its group.
    provincie_codes, arbeidsmarktregio_codes
        Code of each group (``PV..``, ``AM..``).
    coa_regio
        Per gemeente the name of its COA-regio.
    """

    cellen: np.ndarray
    centra: np.ndarray
    provincie: np.ndarray
    provincie_codes: list[str]
    arbeidsmarktregio: np.ndarray
    arbeidsmarktregio_codes: list[str]
    coa_regio: np.ndarray


def _omtrek(rng: np.random.Generator, n: int) -> shapely.Polygon:
    """An irregular star-shaped outline of ``n`` mean gemeente areas inside the NL box."""
    # Broad lobes (low harmonics) plus a rougher, coast-like fringe (higher harmonics).
    harmonischen = np.arange(2, 31)
    amplitude = rng.uniform(0.0, 1.0, harmonischen.size) * np.where(
        harmonischen < 9, 0.16 / harmonischen**0.8, 0.12 / harmonischen
    )
    fase = rng.uniform(0.0, 2 * math.pi, harmonischen.size)
    rek_y = rng.uniform(1.0, 1.4)  # the Netherlands is taller than wide
    hoek = np.linspace(0.0, 2 * math.pi, 720, endpoint=False)
    straal = 1.0 + (amplitude[:, None] * np.cos(harmonischen[:, None] * hoek + fase[:, None])).sum(
        0
    )
    straal = np.clip(straal, 0.3, None)
    xy = np.column_stack([straal * np.cos(hoek), rek_y * straal * np.sin(hoek)])
    xy *= math.sqrt(n * OPPERVLAK_GEMEENTE_M2 / shapely.Polygon(xy).area)
    xmin, ymin, xmax, ymax = NL_GRENZEN
    ruimte = np.array([xmax - xmin, ymax - ymin]) - 2 * _MARGE
    omvang = xy.max(0) - xy.min(0)
    xy *= min(1.0, float((ruimte / omvang).min()))
    omvang = xy.max(0) - xy.min(0)
    hoek_links = np.array([xmin, ymin]) + _MARGE + rng.uniform(0.0, 1.0, 2) * (ruimte - omvang)
    xy = np.round(xy - xy.min(0) + hoek_links, 0)
    return shapely.Polygon(xy)


def _punten_binnen(rng: np.random.Generator, vlak: shapely.Geometry, n: int) -> np.ndarray:
    """``n`` uniform random points inside ``vlak`` (rejection sampling)."""
    xmin, ymin, xmax, ymax = vlak.bounds
    gevonden: list[np.ndarray] = []
    aantal = 0
    while aantal < n:
        kandidaten = rng.uniform((xmin, ymin), (xmax, ymax), size=(2 * n + 16, 2))
        binnen = kandidaten[shapely.contains_xy(vlak, kandidaten[:, 0], kandidaten[:, 1])]
        gevonden.append(binnen)
        aantal += len(binnen)
    return np.concatenate(gevonden)[:n]


def _voronoi(xy: np.ndarray, omtrek: shapely.Polygon) -> np.ndarray:
    """Voronoi cells of ``xy`` clipped to ``omtrek``, in the order of ``xy``."""
    if len(xy) == 1:
        return np.array([omtrek], dtype=object)
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(xy), extend_to=omtrek.envelope.buffer(10_000.0), ordered=True
    )
    cellen = shapely.get_parts(diagram)
    if len(cellen) != len(xy) or not shapely.contains_xy(cellen, xy[:, 0], xy[:, 1]).all():
        raise RuntimeError("Voronoi-cellen komen niet overeen met de punten")  # pragma: no cover
    return shapely.intersection(cellen, omtrek)


def _veilig_punt(cellen: np.ndarray) -> np.ndarray:
    """Centroid of each cell, or a point on its surface when the centroid falls outside."""
    centra = shapely.centroid(cellen)
    buiten = ~shapely.contains(cellen, centra)
    centra[buiten] = shapely.point_on_surface(cellen[buiten])
    return shapely.get_coordinates(centra)


def _zonder_losse_delen(cellen: np.ndarray) -> np.ndarray:
    """Give detached pieces of a clipped cell to the neighbour sharing the most border."""
    delen, eigenaar = shapely.get_parts(cellen, return_index=True)
    if len(delen) == len(cellen):
        return cellen
    volgorde = np.lexsort((-shapely.area(delen), eigenaar))
    eerste = np.ones(len(volgorde), dtype=bool)
    eerste[1:] = eigenaar[volgorde][1:] != eigenaar[volgorde][:-1]
    hoofd = volgorde[eerste]  # largest part of each cell, indexed by cell
    hoofddelen = delen[hoofd]
    stukken: list[list[shapely.Geometry]] = [[d] for d in hoofddelen]
    for i in volgorde[~eerste]:
        grens = shapely.length(shapely.intersection(hoofddelen, delen[i].boundary))
        grens[eigenaar[i]] = 0.0
        doel = int(np.argmax(grens)) if grens.max() > 0 else int(eigenaar[i])
        stukken[doel].append(delen[i])
    return np.array([shapely.union_all(s) for s in stukken], dtype=object)


def buren(cellen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i < j``, of gemeenten that share a stretch of border."""
    boom = shapely.STRtree(cellen)
    i, j = boom.query(cellen, predicate="intersects")
    houd = i < j
    i, j = i[houd], j[houd]
    lengte = shapely.length(shapely.intersection(cellen[i], cellen[j]))
    houd = lengte > 1.0
    return i[houd], j[houd]


def _gebalanceerd_kmeans(rng: np.random.Generator, xy: np.ndarray, k: int) -> np.ndarray:
    """Balanced k-means: each of ``k`` groups gets ``floor`` or ``ceil(n / k)`` points."""
    n = len(xy)
    if k <= 1:
        return np.zeros(n, dtype=np.int64)
    centra = xy[rng.choice(n, size=k, replace=False)]
    plaatsen = np.repeat(np.arange(k), math.ceil(n / k))
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(30):
        afstand = ((xy[:, None, :] - centra[None, :, :]) ** 2).sum(-1)
        rij, kolom = linear_sum_assignment(afstand[:, plaatsen])
        nieuw = np.empty(n, dtype=np.int64)
        nieuw[rij] = plaatsen[kolom]
        if np.array_equal(nieuw, labels):
            break
        labels = nieuw
        centra = np.array([xy[labels == c].mean(0) for c in range(k)])
    return labels


def _aaneengesloten(labels: np.ndarray, paren: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Move stray pieces of a group to the neighbouring group they touch most."""
    n = len(labels)
    i, j = paren
    labels = labels.copy()
    for _ in range(20):
        binnen = labels[i] == labels[j]
        graaf = coo_matrix((np.ones(binnen.sum()), (i[binnen], j[binnen])), shape=(n, n))
        _, component = connected_components(graaf, directed=False)
        verplaatst = False
        for groep in np.unique(labels):
            comps, grootte = np.unique(component[labels == groep], return_counts=True)
            for c in comps[np.argsort(-grootte, kind="stable")][1:]:
                leden = component == c
                rand = np.concatenate(
                    [labels[j][leden[i] & ~leden[j]], labels[i][leden[j] & ~leden[i]]]
                )
                if rand.size:
                    labels[leden] = np.bincount(rand).argmax()
                    verplaatst = True
        if not verplaatst:
            break
    _, labels = np.unique(labels, return_inverse=True)
    return labels


def _op_volgorde(labels: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Renumber groups north to south (by mean y, then x)."""
    groepen = np.unique(labels)
    midden = np.array([xy[labels == g].mean(0) for g in groepen])
    volgorde = np.lexsort((midden[:, 0], -midden[:, 1]))
    nieuw = np.empty(len(groepen), dtype=np.int64)
    nieuw[volgorde] = np.arange(len(groepen))
    return nieuw[np.searchsorted(groepen, labels)]


def _codes(voorvoegsel: str, k: int, enkel: str | None = None) -> list[str]:
    """Fictional codes ``PV90, PV91, ...`` (``enkel`` when there is only one group)."""
    if k == 1 and enkel is not None:
        return [enkel]
    start = min(90, 100 - k)
    return [f"{voorvoegsel}{start + g:02d}" for g in range(k)]


def _coa_namen(midden: np.ndarray) -> list[str]:
    """Name groups after the COA-regio anchor closest to their relative position."""
    xmin, ymin, xmax, ymax = NL_GRENZEN
    rel = (midden - [xmin, ymin]) / [xmax - xmin, ymax - ymin]
    ankers = np.array([[a[1], a[2]] for a in _COA_ANKERS])
    kosten = ((rel[:, None, :] - ankers[None, :, :]) ** 2).sum(-1)
    rij, kolom = linear_sum_assignment(kosten)
    namen = [""] * len(midden)
    for r, c in zip(rij, kolom, strict=True):
        namen[r] = _COA_ANKERS[c][0]
    return namen


def genereer_gebied(rng: np.random.Generator, n: int) -> Gebied:
    """Draw a territory of ``n`` gemeenten with provinces and regions.

    Parameters
    ----------
    rng
        The generator's random state (advanced in a fixed order).
    n
        Number of gemeenten, at least 1.

    Returns
    -------
    Gebied
    """
    omtrek = _omtrek(rng, n)
    xy = _punten_binnen(rng, omtrek, n)
    for _ in range(_LLOYD_STAPPEN):
        xy = _veilig_punt(_voronoi(xy, omtrek))
    xy = xy[np.lexsort((xy[:, 0], -xy[:, 1]))]  # GM9001 is the northernmost
    cellen = _zonder_losse_delen(_voronoi(xy, omtrek))
    cellen = shapely.set_precision(cellen, grid_size=_RASTER_M)
    cellen = np.where(shapely.is_valid(cellen), cellen, shapely.make_valid(cellen))
    centra = shapely.get_coordinates(shapely.centroid(cellen))
    paren = buren(cellen)

    n_prov = max(1, round(n / 30))
    provincie = _op_volgorde(
        _aaneengesloten(_gebalanceerd_kmeans(rng, centra, n_prov), paren), centra
    )
    n_prov = int(provincie.max()) + 1
    am_lokaal = np.zeros(n, dtype=np.int64)
    for p in range(n_prov):
        leden = np.flatnonzero(provincie == p)
        k = math.ceil(len(leden) / 12)
        am_lokaal[leden] = _gebalanceerd_kmeans(rng, centra[leden], k) + p * 1000
    # repair contiguity only across borders inside a province, so regions stay nested
    zelfde = provincie[paren[0]] == provincie[paren[1]]
    am = _aaneengesloten(am_lokaal, (paren[0][zelfde], paren[1][zelfde]))
    am = _op_volgorde(am, centra)

    prov_midden = np.array([centra[provincie == p].mean(0) for p in range(n_prov)])
    coa_groep = _gebalanceerd_kmeans(rng, prov_midden, min(5, n_prov))
    groep_midden = np.array([prov_midden[coa_groep == c].mean(0) for c in np.unique(coa_groep)])
    namen = _coa_namen(groep_midden)
    coa = np.array([namen[coa_groep[p]] for p in provincie], dtype=object)

    return Gebied(
        cellen=cellen,
        centra=centra,
        provincie=provincie,
        provincie_codes=_codes("PV", n_prov, "PV99"),
        arbeidsmarktregio=am,
        arbeidsmarktregio_codes=_codes("AM", int(am.max()) + 1),
        coa_regio=coa,
    )
