"""Synthetic housing supply: regular homes per size class and flexible sites."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from allocatie.synthetic.namen import locatienamen

__all__ = ["KLASSEN", "genereer_flexlocaties", "genereer_woningaanbod", "personencapaciteit"]

KLASSEN: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 4), (3, 6), (5, 8))
"""Size classes of regular homes: (min_personen, max_personen)."""

# Persons capacity offered per class, relative to the demand (personen + nareizigers) of
# the households needing that class, before scaling to the requested total. Small homes
# are scarce (the many singles), family homes somewhat less so, as in reality.
_VRAAG_NAAR_KLASSE = np.array([0, 0, 1, 2, 2, 3, 3, 4, 4])  # need size (index) -> class
_RUIMTE = np.array([0.45, 0.55, 1.15, 1.15, 1.10])
_AANDEEL_BIJ_START = 0.4
"""Share of rows available from the first day of the period."""
_VANAF_DAGEN = 100


def personencapaciteit(
    woningen: np.ndarray | pd.Series,
    max_personen: np.ndarray | pd.Series,
    max_per_woning: np.ndarray | pd.Series,
) -> np.ndarray:
    """Persons that homes can hold at most: one household or ``max_per_woning`` singles each."""
    per_woning = np.maximum(np.asarray(max_personen), np.asarray(max_per_woning))
    return np.asarray(woningen) * per_woning


def _vanaf(rng: np.random.Generator, start: np.datetime64, n: int) -> pd.Series:
    """Availability dates: some at the start of the period, the rest in its first months."""
    dagen = np.where(rng.random(n) < _AANDEEL_BIJ_START, 0, rng.integers(1, _VANAF_DAGEN + 1, n))
    return pd.Series(pd.to_datetime(start + dagen.astype("timedelta64[D]")))


def genereer_woningaanbod(
    rng: np.random.Generator,
    codes: np.ndarray,
    inwoners: np.ndarray,
    behoefte: np.ndarray,
    start: np.datetime64,
    aanbod_factor: float,
) -> pd.DataFrame:
    """Regular homes per gemeente and size class, proportional to population.

    Parameters
    ----------
    rng
        Random state.
    codes, inwoners
        Per gemeente: code and population.
    behoefte
        Per household: ``personen + nareizigers`` (the home size it needs).
    start
        First day of the period.
    aanbod_factor
        Total persons capacity as a multiple of the summed ``behoefte``.

    Returns
    -------
    pandas.DataFrame
        The columns of ``woningaanbod.csv``; rows with zero homes are left out.
    """
    g = len(codes)
    klasse = _VRAAG_NAAR_KLASSE[np.clip(behoefte, 1, 8)]
    vraag = np.bincount(klasse, weights=behoefte, minlength=len(KLASSEN))
    ruimte = vraag * _RUIMTE
    ruimte *= aanbod_factor * behoefte.sum() / max(ruimte.sum(), 1.0)
    # Some gemeenten let two singles share a studio-class home ("woningdelen").
    delen = rng.random(g) < 0.4
    grootte = np.array([k[1] for k in KLASSEN], dtype=float)
    grootte_studio = np.where(delen, 2.0, 1.0)
    verwacht_studio = float(np.average(grootte_studio, weights=inwoners))
    per_woning = grootte.copy()
    per_woning[0] = verwacht_studio
    totaal = np.round(ruimte / per_woning).astype(np.int64)
    # Spread each class over gemeenten: population share with some local variation.
    gewicht = inwoners[None, :] * rng.lognormal(0.0, 0.35, (len(KLASSEN), g))
    gewicht /= gewicht.sum(1, keepdims=True)
    aantallen = np.array([rng.multinomial(t, p) for t, p in zip(totaal, gewicht, strict=True)])

    gemeente = np.repeat(np.arange(g), len(KLASSEN))
    klasse_nr = np.tile(np.arange(len(KLASSEN)), g)
    woningen = aantallen.T.ravel()
    houd = woningen > 0
    gemeente, klasse_nr, woningen = gemeente[houd], klasse_nr[houd], woningen[houd]
    volgnummer = np.arange(len(gemeente)) - np.searchsorted(gemeente, gemeente) + 1
    grenzen = np.array(KLASSEN)[klasse_nr]
    max_per_woning = np.where((klasse_nr == 0) & delen[gemeente], 2, 1)
    return pd.DataFrame(
        {
            "aanbod_id": pd.Series(
                [f"W-{codes[c]}-{v}" for c, v in zip(gemeente, volgnummer, strict=True)],
                dtype="str",
            ),
            "gemeente_code": pd.Series(codes[gemeente], dtype="str"),
            "min_personen": grenzen[:, 0].astype(np.int64),
            "max_personen": grenzen[:, 1].astype(np.int64),
            "woningen": woningen.astype(np.int64),
            "beschikbaar_vanaf": _vanaf(rng, start, len(gemeente)),
            "max_per_woning": max_per_woning.astype(np.int64),
        }
    )


def _punt_in(rng: np.random.Generator, cellen: np.ndarray) -> np.ndarray:
    """A random point (whole metres) strictly inside each polygon of ``cellen``."""
    kern = shapely.buffer(cellen, -250.0)
    kern = np.where(shapely.is_empty(kern), cellen, kern)
    grenzen = shapely.bounds(kern)
    pogingen = 64
    u = rng.random((len(cellen), pogingen, 2))
    x = np.round(grenzen[:, None, 0] + u[..., 0] * (grenzen[:, None, 2] - grenzen[:, None, 0]))
    y = np.round(grenzen[:, None, 1] + u[..., 1] * (grenzen[:, None, 3] - grenzen[:, None, 1]))
    binnen = shapely.contains_xy(np.repeat(cellen[:, None], pogingen, axis=1), x, y)
    eerste = binnen.argmax(1)
    rijen = np.arange(len(cellen))
    punt = np.column_stack([x[rijen, eerste], y[rijen, eerste]])
    mis = ~binnen.any(1)
    if mis.any():  # pragma: no cover - 64 tries practically always hit
        punt[mis] = shapely.get_coordinates(shapely.point_on_surface(cellen[mis]))
    return punt


def genereer_flexlocaties(
    rng: np.random.Generator,
    n: int,
    codes: np.ndarray,
    namen: list[str],
    inwoners: np.ndarray,
    cellen: np.ndarray,
    start: np.datetime64,
    doel_personen: float,
) -> pd.DataFrame:
    """Flexible housing sites (mostly studios, some family units, some mixed projects).

    Parameters
    ----------
    rng
        Random state.
    n
        Number of sites (at least 1).
    codes, namen, inwoners, cellen
        Per gemeente: code, name, population and polygon.
    start
        First day of the period.
    doel_personen
        Total persons capacity for vergunninghouders to aim at over all sites.

    Returns
    -------
    pandas.DataFrame
        The columns of ``flexlocaties.csv`` with ``x``/``y`` in EPSG:28992.
    """
    g = len(codes)
    gemeente = rng.choice(g, size=n, replace=n > g, p=inwoners / inwoners.sum())
    gemeente = np.sort(gemeente, kind="stable")
    punt = _punt_in(rng, cellen[gemeente])

    gezin = rng.random(n) < 0.25
    max_personen = np.where(gezin, rng.integers(4, 7, n), rng.choice([1, 2], size=n, p=[0.5, 0.5]))
    max_per_eenheid = 1 + (rng.random(n) < np.where(gezin, 0.2, 0.5))
    aandeel = rng.choice([0.33, 0.5, 1.0], size=n, p=[0.35, 0.35, 0.30])
    per_eenheid = np.maximum(max_personen, max_per_eenheid)
    verdeling = rng.dirichlet(np.full(n, 2.0))
    vh_doel = doel_personen * verdeling / per_eenheid
    eenheden = np.clip(np.round(vh_doel / aandeel), 20, 300).astype(np.int64)
    vh_eenheden = np.floor(aandeel * eenheden).astype(np.int64)
    bezetting = rng.uniform(0.8, 1.0, n)
    capaciteit = np.maximum(1, np.floor(vh_eenheden * per_eenheid * bezetting)).astype(np.int64)

    open_bij_start = rng.random(n) < 0.5
    opening = np.where(open_bij_start, 0, rng.integers(1, 151, n))
    vanaf = start + opening.astype("timedelta64[D]")
    sluit = rng.random(n) < 0.3
    tot = vanaf + rng.integers(365, 5 * 365, n).astype("timedelta64[D]")
    tot = np.where(sluit, tot, np.datetime64("NaT"))

    breedte = max(3, len(str(n)))
    return pd.DataFrame(
        {
            "aanbod_id": pd.Series([f"F-{i:0{breedte}d}" for i in range(1, n + 1)], dtype="str"),
            "naam": pd.Series(locatienamen(rng, [namen[i] for i in gemeente]), dtype="str"),
            "gemeente_code": pd.Series(codes[gemeente], dtype="str"),
            "x": punt[:, 0].astype(float),
            "y": punt[:, 1].astype(float),
            "eenheden": eenheden,
            "capaciteit_personen": capaciteit,
            "max_aandeel_vh": aandeel.astype(float),
            "min_personen": np.ones(n, dtype=np.int64),
            "max_personen": max_personen.astype(np.int64),
            "max_per_eenheid": max_per_eenheid.astype(np.int64),
            "beschikbaar_vanaf": pd.to_datetime(vanaf),
            "beschikbaar_tot": pd.to_datetime(tot),
        }
    )
