"""Travel times in minutes between gemeenten and housing options, by car or public transport.

Two sources, one shape:

* an **estimate** from straight-line distances between representative points
  (RD New, metres) with a per-mode detour factor, speed and fixed access/egress
  time, and an intra-gemeente time derived from the gemeente's area
  (`schat_reistijden`);
* a **user-supplied origin-destination file** (``van,naar,minuten[,modus]``),
  used as-is after strict validation (`lees_reistijden`).

`reistijdmatrix` turns either into the two matrices the model needs: option x
gemeente and gemeente x gemeente. `reistijden_instance` adapts an `Instance`.

The model, per mode (see ``docs/reistijden.md`` for the derivation and the
sanity check against real journeys)::

    t(d)     = toegang_min + omrijfactor * d / snelheid_kmh * 60             (different gemeenten)
    t_intra  = lokale_toegang_min + omrijfactor * r(A) / lokale_snelheid_kmh * 60
    r(A)     = 128 / (45 pi) * sqrt(A / pi)  ~ 0.905 sqrt(A / pi)  ~ 0.511 sqrt(A)

where ``d`` is the straight-line distance in km and ``r(A)`` the mean distance
between two independent uniform points in a disc of area ``A`` km².

Examples
--------
>>> import numpy as np
>>> t = schat_reistijden(np.array([[0.0, 0.0]]), np.array([[40_000.0, 0.0]]), modus="auto")
>>> round(float(t[0, 0]), 1)  # 12 + 1.25 * 40 / 100 * 60
42.0
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from allocatie.io import kolommen as k
from allocatie.io.lezen import lees_tabel
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.ronde.instance import Instance, Reistijden  # Reistijden lives with the Instance

__all__ = [
    "MODI",
    "ModusParameters",
    "ReistijdParameters",
    "Reistijden",
    "intra_afstand_km",
    "intra_reistijd",
    "lees_reistijden",
    "reistijden_instance",
    "reistijdmatrix",
    "schat_reistijden",
]

logger = logging.getLogger(__name__)

#: The supported modes: car and public transport.
MODI: tuple[str, ...] = ("auto", "ov")

#: Mean distance between two independent uniform points in a disc of radius 1.
SCHIJF_GEMIDDELDE: float = 128.0 / (45.0 * math.pi)


@dataclass(frozen=True)
class ModusParameters:
    """Parameters of one mode.

    Attributes
    ----------
    omrijfactor
        Network distance / straight-line distance (detour factor), >= 1.
    snelheid_kmh
        Mean speed over the network distance between gemeenten (km/h).
    toegang_min
        Fixed access + egress time of a trip between gemeenten (minutes): the
        slow urban ends of a car trip, or walking/cycling to the station, waiting
        and the last leg for public transport.
    lokale_snelheid_kmh
        Mean speed over the network distance of a trip within one gemeente.
    lokale_toegang_min
        Fixed time of a trip within one gemeente (parking; walking to the stop
        and waiting).
    """

    omrijfactor: float
    snelheid_kmh: float
    toegang_min: float
    lokale_snelheid_kmh: float
    lokale_toegang_min: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.omrijfactor) and self.omrijfactor >= 1.0):
            raise ConfiguratieFout(
                "omrijfactor moet een getal >= 1 zijn", kolom="omrijfactor", waarde=self.omrijfactor
            )
        for naam in ("snelheid_kmh", "lokale_snelheid_kmh"):
            w = getattr(self, naam)
            if not (math.isfinite(w) and w > 0):
                raise ConfiguratieFout("snelheid moet > 0 km/u zijn", kolom=naam, waarde=w)
        for naam in ("toegang_min", "lokale_toegang_min"):
            w = getattr(self, naam)
            if not (math.isfinite(w) and w >= 0):
                raise ConfiguratieFout("tijd moet >= 0 minuten zijn", kolom=naam, waarde=w)


#: Car: calibrated on typical off-peak route-planner times (docs/reistijden.md).
AUTO_STANDAARD = ModusParameters(
    omrijfactor=1.25,
    snelheid_kmh=100.0,
    toegang_min=12.0,
    lokale_snelheid_kmh=35.0,
    lokale_toegang_min=5.0,
)
#: Public transport: calibrated on NS intercity times + 20 min to and from the station.
OV_STANDAARD = ModusParameters(
    omrijfactor=1.2,
    snelheid_kmh=90.0,
    toegang_min=20.0,
    lokale_snelheid_kmh=20.0,
    lokale_toegang_min=10.0,
)


@dataclass(frozen=True)
class ReistijdParameters:
    """Parameters of the travel-time estimate for both modes.

    Attributes
    ----------
    auto, ov
        Parameters per mode.
    standaard_oppervlak_km2
        Area used for the intra-gemeente time when a gemeente's area is unknown
        (no boundaries): the median gemeente area of 2024 (78 km²).
    """

    auto: ModusParameters = AUTO_STANDAARD
    ov: ModusParameters = OV_STANDAARD
    standaard_oppervlak_km2: float = 78.0

    def __post_init__(self) -> None:
        a = self.standaard_oppervlak_km2
        if not (math.isfinite(a) and a > 0):
            raise ConfiguratieFout(
                "standaardoppervlak moet > 0 km² zijn", kolom="standaard_oppervlak_km2", waarde=a
            )

    def voor(self, modus: str) -> ModusParameters:
        """The parameters of ``modus`` (``"auto"`` or ``"ov"``)."""
        return self.auto if _controleer_modus(modus) == "auto" else self.ov


def _controleer_modus(modus: str) -> str:
    if modus not in MODI:
        raise ConfiguratieFout(
            f"onbekende vervoerswijze; geldig zijn {', '.join(MODI)}", kolom="modus", waarde=modus
        )
    return modus


def _xy(xy: np.ndarray, naam: str) -> np.ndarray:
    a = np.asarray(xy, dtype=float)
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError(f"{naam} must have shape (n, 2) (x, y in RD metres), got {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"{naam} contains non-finite coordinates")
    return a


def intra_afstand_km(oppervlak_km2: np.ndarray | float) -> np.ndarray:
    """Mean straight-line distance (km) between two random points in a disc of this area.

    Examples
    --------
    >>> round(float(intra_afstand_km(math.pi)), 4)  # radius 1 km
    0.9054
    """
    a = np.asarray(oppervlak_km2, dtype=float)
    return SCHIJF_GEMIDDELDE * np.sqrt(a / math.pi)


def intra_reistijd(
    oppervlak_km2: np.ndarray | float,
    *,
    modus: str = "auto",
    parameters: ReistijdParameters | None = None,
) -> np.ndarray:
    """Mean travel time (minutes) within a gemeente of the given area.

    NaN areas take ``parameters.standaard_oppervlak_km2``.

    Examples
    --------
    >>> round(float(intra_reistijd(100.0, modus="auto")), 1)  # 5 + 1.25 * 5.108 / 35 * 60
    15.9
    """
    par = parameters or ReistijdParameters()
    m = par.voor(modus)
    a = np.asarray(oppervlak_km2, dtype=float)
    a = np.where(np.isnan(a), par.standaard_oppervlak_km2, a)
    if (a < 0).any():
        raise ValueError("oppervlak_km2 must be >= 0")
    return m.lokale_toegang_min + m.omrijfactor * intra_afstand_km(a) / m.lokale_snelheid_kmh * 60.0


def schat_reistijden(
    herkomst_xy: np.ndarray,
    bestemming_xy: np.ndarray,
    *,
    modus: str = "auto",
    parameters: ReistijdParameters | None = None,
    zelfde: np.ndarray | None = None,
    oppervlak_km2: np.ndarray | float | None = None,
) -> np.ndarray:
    """Estimated travel times (minutes), every origin to every destination.

    Parameters
    ----------
    herkomst_xy
        Origins, shape ``(n, 2)``, RD metres.
    bestemming_xy
        Destinations, shape ``(m, 2)``, RD metres.
    modus
        ``"auto"`` or ``"ov"``.
    parameters
        Model parameters (default: `ReistijdParameters()`).
    zelfde
        Boolean ``(n, m)``: True where origin and destination lie in the same
        gemeente; those entries get the intra-gemeente time of the destination's
        gemeente instead of the distance-based time.
    oppervlak_km2
        Area of each destination's gemeente, shape ``(m,)`` (or broadcastable
        to ``(n, m)``); NaN or None means unknown and takes the default area.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, m)``, minutes.

    Examples
    --------
    >>> xy = np.array([[0.0, 0.0], [0.0, 30_000.0]])
    >>> t = schat_reistijden(xy, xy, modus="ov", zelfde=np.eye(2, dtype=bool),
    ...                      oppervlak_km2=np.array([math.pi * 4, np.nan]))
    >>> np.round(t, 1).tolist()  # diagonal: intra time (radius 2 km; default area)
    [[16.5, 44.0], [44.0, 26.2]]
    """
    m = (parameters or ReistijdParameters()).voor(modus)
    h = _xy(herkomst_xy, "herkomst_xy")
    b = _xy(bestemming_xy, "bestemming_xy")
    d_km = np.hypot(h[:, None, 0] - b[None, :, 0], h[:, None, 1] - b[None, :, 1]) / 1000.0
    t = m.toegang_min + (m.omrijfactor * 60.0 / m.snelheid_kmh) * d_km
    if zelfde is None:
        return t
    z = np.asarray(zelfde, dtype=bool)
    if z.shape != t.shape:
        raise ValueError(f"zelfde must have shape {t.shape}, got {z.shape}")
    if not z.any():
        return t
    opp = np.nan if oppervlak_km2 is None else np.asarray(oppervlak_km2, dtype=float)
    intra = np.broadcast_to(intra_reistijd(opp, modus=modus, parameters=parameters), t.shape)
    return np.where(z, intra, t)


def reistijdmatrix(
    gemeente_xy: np.ndarray,
    optie_xy: np.ndarray,
    optie_gemeente: np.ndarray,
    *,
    modus: str = "auto",
    parameters: ReistijdParameters | None = None,
    oppervlak_km2: np.ndarray | None = None,
    od: np.ndarray | None = None,
    bron: str = "schatting",
) -> Reistijden:
    """Option x gemeente and gemeente x gemeente travel times.

    Parameters
    ----------
    gemeente_xy
        Representative point of each gemeente, shape ``(G, 2)``, RD metres.
    optie_xy
        Location of each option, shape ``(O, 2)``, RD metres.
    optie_gemeente
        Position in the gemeenten of each option's gemeente, shape ``(O,)``.
    modus, parameters
        See `schat_reistijden`.
    oppervlak_km2
        Area of each gemeente, shape ``(G,)`` (NaN or None: default area).
    od
        A complete ``(G, G)`` matrix from `lees_reistijden`. When given it is
        used as-is: gemeente x gemeente is ``od`` and an option inherits the
        row of its gemeente (the file is at gemeente level).
    bron
        Label for `Reistijden.bron`.

    Notes
    -----
    An option to its own gemeente takes that gemeente's intra-gemeente time
    (not the distance to the representative point), as a gemeente to itself.

    Examples
    --------
    >>> g = np.array([[0.0, 0.0], [40_000.0, 0.0]])
    >>> opties = np.array([[1_000.0, 0.0]])  # one option, in gemeente 0
    >>> r = reistijdmatrix(g, opties, np.array([0]), oppervlak_km2=np.full(2, 100.0))
    >>> np.round(r.optie_gemeente, 1).tolist()
    [[15.9, 41.2]]
    """
    _controleer_modus(modus)
    g = _xy(gemeente_xy, "gemeente_xy")
    o = _xy(optie_xy, "optie_xy")
    og = np.asarray(optie_gemeente, dtype=np.int64)
    if og.shape != (len(o),) or (len(og) and (og.min() < 0 or og.max() >= len(g))):
        raise ValueError("optie_gemeente must hold one valid gemeente position per option")
    if od is not None:
        od = np.asarray(od, dtype=float)
        if od.shape != (len(g), len(g)) or not np.isfinite(od).all():
            raise ValueError(f"od must be a finite ({len(g)}, {len(g)}) matrix")
        return Reistijden(modus, od, od[og], bron)
    gg = schat_reistijden(
        g,
        g,
        modus=modus,
        parameters=parameters,
        zelfde=np.eye(len(g), dtype=bool),
        oppervlak_km2=oppervlak_km2,
    )
    zelfde_o = og[:, None] == np.arange(len(g))[None, :]
    ogm = schat_reistijden(
        o, g, modus=modus, parameters=parameters, zelfde=zelfde_o, oppervlak_km2=oppervlak_km2
    )
    return Reistijden(modus, gg, ogm, bron)


def lees_reistijden(
    pad: str | Path,
    gemeente_codes: list[str] | np.ndarray | pd.Series,
    *,
    modus: str = "auto",
    aanvulling: np.ndarray | None = None,
) -> np.ndarray:
    """Read a user-supplied origin-destination file into a dense ``(G, G)`` matrix.

    The file is a CSV with columns ``van``, ``naar`` (gemeente codes),
    ``minuten`` (number >= 0) and optionally ``modus`` (``auto`` | ``ov``). With
    a ``modus`` column only the rows of the requested mode are used (every row
    is still validated); without it every row is taken to be of that mode.

    Parameters
    ----------
    pad
        The CSV file.
    gemeente_codes
        The gemeenten, in the order of the returned rows and columns.
    modus
        The mode to read.
    aanvulling
        Optional ``(G, G)`` matrix (e.g. `reistijdmatrix(...).gemeente_gemeente`)
        that fills the pairs the file does not give; their number is logged.
        Without it a missing pair is an error.

    Returns
    -------
    numpy.ndarray
        Minutes, ``[i, j]`` from ``gemeente_codes[i]`` to ``gemeente_codes[j]``.

    Raises
    ------
    InvoerFout
        Missing column, unknown gemeente code, non-numeric or negative minutes,
        an unknown mode, a pair given twice for the same mode, or (without
        ``aanvulling``) a missing pair. The message names file, row, column and value.
    """
    df = lees_tabel(pad, naam="reistijden")
    if "geometry" in df.columns:
        raise InvoerFout("verwacht een CSV-bestand met van, naar, minuten", bestand=pad)
    return reistijden_uit_tabel(
        df, gemeente_codes, modus=modus, bron=str(pad), aanvulling=aanvulling
    )


def reistijden_uit_tabel(
    df: pd.DataFrame,
    gemeente_codes: list[str] | np.ndarray | pd.Series,
    *,
    modus: str = "auto",
    bron: str = "reistijden",
    aanvulling: np.ndarray | None = None,
) -> np.ndarray:
    """An origin-destination table (as read, or built by an analyst) as a ``(G, G)`` matrix.

    See `lees_reistijden` for the columns, the rules and the errors; ``bron``
    names the table in messages.
    """
    _controleer_modus(modus)
    codes = [str(c) for c in list(gemeente_codes)]
    index = {c: i for i, c in enumerate(codes)}
    if len(index) != len(codes):
        raise ValueError("gemeente_codes must be unique")
    n = len(codes)
    k.eis_kolommen(df, ["van", "naar", "minuten"], bron)
    van = k.bekende_codes(k.tekst(df, "van", bron), index, "van", bron)
    naar = k.bekende_codes(k.tekst(df, "naar", bron), index, "naar", bron)
    minuten = k.getal(df, "minuten", bron, minimum=0.0, maximum=k.MAX_MINUTEN)
    if "modus" in df.columns:
        modi = k.keuze(df, "modus", bron, MODI, wat="vervoerswijze")
        rijen = np.flatnonzero(modi == modus)
    else:
        rijen = np.arange(len(df))

    matrix = np.full((n, n), np.nan)
    eerste = np.full((n, n), -1, dtype=np.int64)
    for i in rijen.tolist():
        a, b = van[i], naar[i]
        if eerste[a, b] >= 0:
            raise InvoerFout(
                f"dubbel paar {codes[a]} -> {codes[b]} ({modus}); "
                f"komt ook voor in rij {k.rijnummer(int(eerste[a, b]))}",
                bestand=bron,
                rij=k.rijnummer(i),
                kolom="van",
                waarde=codes[a],
            )
        eerste[a, b] = i
        matrix[a, b] = minuten[i]

    ontbreekt = np.isnan(matrix)
    n_ontbreekt = int(ontbreekt.sum())
    if n_ontbreekt:
        if aanvulling is None:
            a, b = (int(v) for v in np.argwhere(ontbreekt)[0])
            raise InvoerFout(
                f"{n_ontbreekt} van de {n * n} paren ontbreken voor '{modus}' (eerste: "
                f"{codes[a]} -> {codes[b]}); geef elk paar, ook een gemeente naar zichzelf, "
                "of laat ontbrekende paren schatten",
                bestand=bron,
            )
        vul = np.asarray(aanvulling, dtype=float)
        if vul.shape != (n, n):
            raise ValueError(f"aanvulling must have shape ({n}, {n}), got {vul.shape}")
        matrix[ontbreekt] = vul[ontbreekt]
        logger.warning(
            "%s: %d van de %d reistijden (%s) ontbreken en zijn geschat",
            bron,
            n_ontbreekt,
            n * n,
            modus,
        )
    return matrix


def reistijden_instance(
    inst: Instance,
    *,
    modus: str = "auto",
    parameters: ReistijdParameters | None = None,
    od_pad: str | Path | None = None,
    aanvullen: bool = False,
) -> Reistijden:
    """Travel times for an `Instance` (the adapter the model calls).

    Gemeente areas come from ``inst.grenzen`` when present (else the default
    area). With ``od_pad`` the origin-destination file is used; ``aanvullen``
    fills its missing pairs with the estimate instead of refusing the file.
    """
    gem, op = inst.gemeenten, inst.opties
    g_xy = gem[["x", "y"]].to_numpy(float)
    o_xy = op[["x", "y"]].to_numpy(float).reshape(-1, 2)
    gidx = inst.gemeente_index
    og = np.array([gidx[c] for c in op["gemeente_code"]], dtype=np.int64)
    opp = None if inst.grenzen is None else inst.grenzen.area.to_numpy(float) / 1e6
    schatting = reistijdmatrix(
        g_xy, o_xy, og, modus=modus, parameters=parameters, oppervlak_km2=opp
    )
    if od_pad is None:
        return schatting
    od = lees_reistijden(
        od_pad,
        gem["gemeente_code"].tolist(),
        modus=modus,
        aanvulling=schatting.gemeente_gemeente if aanvullen else None,
    )
    return reistijdmatrix(g_xy, o_xy, og, modus=modus, od=od, bron=str(od_pad))
