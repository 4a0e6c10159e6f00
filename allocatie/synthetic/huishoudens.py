"""Synthetic households of vergunninghouders (pseudonymous, no protected attributes)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "KiesAzc",
    "KiesKoppelingen",
    "Koppelingen",
    "genereer_huishoudens",
    "kies_azc_naar_inwoners",
]

GEZINSGROOTTE = np.arange(2, 9)
"""Sizes of households that are not single persons."""
GEZINSKANS = np.array([0.30, 0.22, 0.18, 0.13, 0.09, 0.05, 0.03])
"""Relative frequency of each size in `GEZINSGROOTTE` (decreasing)."""

NAREIZIGERS = np.array([1, 2, 3, 4])
NAREIZIGERSKANS = np.array([0.35, 0.30, 0.20, 0.15])
AANDEEL_NAREIZIGERS = 0.15
"""Share of singles awaiting family members (nareizigers)."""

AANDEEL_WERK = 0.10
AANDEEL_STUDIE = 0.03
AANDEEL_FAMILIE = 0.07
AANDEEL_ZORG = 0.03
GEREED_DAGEN = 120
"""Households become ready (linked) spread over the first 120 days of the period."""


def _grootste(inwoners: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` most populous gemeenten."""
    return np.argsort(-inwoners, kind="stable")[: max(1, min(k, len(inwoners)))]


def _code_of_leeg(codes: np.ndarray, index: np.ndarray) -> pd.Series:
    """Gemeente codes where ``index >= 0``, missing elsewhere (a text column)."""
    waarden = np.where(index >= 0, codes[index], None)
    return pd.Series(waarden, dtype="str")


class Koppelingen(NamedTuple):
    """Per household the 0-based gemeente index of each hard criterion, ``-1`` for none."""

    werk: np.ndarray
    studie: np.ndarray
    familie: np.ndarray
    zorg: np.ndarray


KiesAzc = Callable[[np.random.Generator, int], np.ndarray]
"""``(rng, n) -> azc``: the gemeente index of the azc of each of ``n`` households."""
KiesKoppelingen = Callable[[np.random.Generator, np.ndarray], Koppelingen]
"""``(rng, azc) -> Koppelingen``: the hard-criterion gemeenten of each household."""


def _samenstelling(
    rng: np.random.Generator, n: int, aandeel_alleenstaand: float
) -> tuple[np.ndarray, np.ndarray]:
    """Persons present and nareizigers expected per household."""
    personen = np.ones(n, dtype=np.int64)
    gezin = rng.random(n) >= aandeel_alleenstaand
    personen[gezin] = rng.choice(GEZINSGROOTTE, size=int(gezin.sum()), p=GEZINSKANS)
    nareizigers = np.zeros(n, dtype=np.int64)
    wacht = ~gezin & (rng.random(n) < AANDEEL_NAREIZIGERS)
    nareizigers[wacht] = rng.choice(NAREIZIGERS, size=int(wacht.sum()), p=NAREIZIGERSKANS)
    return personen, nareizigers


def kies_azc_naar_inwoners(rng: np.random.Generator, n: int, inwoners: np.ndarray) -> np.ndarray:
    """A few azc's (about one per eight gemeenten), weighted towards larger gemeenten.

    The azc's get unequal sizes; each of the ``n`` households lives in one of them.
    """
    g = len(inwoners)
    n_azc = min(g, max(2, round(g / 8)))
    gewicht = np.sqrt(inwoners) / np.sqrt(inwoners).sum()
    azc_gemeenten = rng.choice(g, size=n_azc, replace=False, p=gewicht)
    azc_grootte = rng.lognormal(0.0, 0.5, n_azc)
    return azc_gemeenten[rng.choice(n_azc, size=n, p=azc_grootte / azc_grootte.sum())]


def _koppelingen_fictief(
    rng: np.random.Generator, azc: np.ndarray, inwoners: np.ndarray, centra: np.ndarray
) -> Koppelingen:
    """Hard criteria in the fictional territory (work near the azc or in a big town, ...)."""
    n, g = len(azc), len(inwoners)
    # Work: half near the azc (one of its nearest gemeenten), half in a big town.
    afstand = np.hypot(*(centra[:, None, :] - centra[None, :, :]).transpose(2, 0, 1))
    naast = np.argsort(afstand, axis=1, kind="stable")[:, : min(g, 6)]
    heeft_werk = rng.random(n) < AANDEEL_WERK
    bij_azc = rng.random(n) < 0.5
    werk_buur = naast[azc, rng.integers(0, naast.shape[1], n)]
    stad = inwoners.astype(float) ** 1.5
    werk_stad = rng.choice(g, size=n, p=stad / stad.sum())
    werk = np.where(bij_azc, werk_buur, werk_stad)

    steden = _grootste(inwoners, math.ceil(g / 25))  # university towns
    heeft_studie = rng.random(n) < AANDEEL_STUDIE
    studie = steden[rng.choice(len(steden), size=n, p=inwoners[steden] / inwoners[steden].sum())]

    heeft_familie = rng.random(n) < AANDEEL_FAMILIE
    familie = rng.choice(g, size=n, p=inwoners / inwoners.sum())

    ziekenhuis = _grootste(inwoners, math.ceil(g / 10))  # towns with a specialised hospital
    heeft_zorg = rng.random(n) < AANDEEL_ZORG
    kans_zorg = inwoners[ziekenhuis] / inwoners[ziekenhuis].sum()
    zorg = ziekenhuis[rng.choice(len(ziekenhuis), size=n, p=kans_zorg)]
    return Koppelingen(
        werk=np.where(heeft_werk, werk, -1),
        studie=np.where(heeft_studie, studie, -1),
        familie=np.where(heeft_familie, familie, -1),
        zorg=np.where(heeft_zorg, zorg, -1),
    )


def genereer_huishoudens(
    rng: np.random.Generator,
    n: int,
    codes: np.ndarray,
    inwoners: np.ndarray,
    centra: np.ndarray,
    start: np.datetime64,
    aandeel_alleenstaand: float,
    *,
    kies_azc: KiesAzc | None = None,
    kies_koppelingen: KiesKoppelingen | None = None,
) -> pd.DataFrame:
    """Draw ``n`` households waiting in azc's of the territory.

    Parameters
    ----------
    rng
        Random state.
    n
        Number of households.
    codes, inwoners, centra
        Per gemeente: code, population and centroid (``(g, 2)``).
    start
        First day of the period (``datetime64[D]``).
    aandeel_alleenstaand
        Share of single-person households.
    kies_azc
        Where the households wait; default `kies_azc_naar_inwoners` (fictional azc's).
    kies_koppelingen
        Their hard-criterion gemeenten; default the rules of the fictional territory
        (work near the azc or in a big town, study and care in the largest towns,
        family anywhere, population-weighted).

    Returns
    -------
    pandas.DataFrame
        The columns of ``huishoudens.csv`` (see ``data/SCHEMA.md``).
    """
    personen, nareizigers = _samenstelling(rng, n, aandeel_alleenstaand)
    if kies_azc is None:
        azc = kies_azc_naar_inwoners(rng, n, inwoners)
    else:
        azc = kies_azc(rng, n)
    gereed = start + rng.integers(0, GEREED_DAGEN + 1, n).astype("timedelta64[D]")
    if kies_koppelingen is None:
        koppeling = _koppelingen_fictief(rng, azc, inwoners, centra)
    else:
        koppeling = kies_koppelingen(rng, azc)

    breedte = max(6, len(str(n)))
    return pd.DataFrame(
        {
            "huishouden_id": pd.Series(
                [f"HH-{i:0{breedte}d}" for i in range(1, n + 1)], dtype="str"
            ),
            "personen": personen,
            "nareizigers": nareizigers,
            "azc_gemeente": pd.Series(codes[azc], dtype="str"),
            "gereed_datum": pd.to_datetime(gereed),
            "werk_gemeente": _code_of_leeg(codes, koppeling.werk),
            "studie_gemeente": _code_of_leeg(codes, koppeling.studie),
            "familie_gemeente": _code_of_leeg(codes, koppeling.familie),
            "zorg_gemeente": _code_of_leeg(codes, koppeling.zorg),
        }
    )
