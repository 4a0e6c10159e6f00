"""Admissible (household, option) pairs and their cost terms, computed with numpy.

A pair exists only when every hard criterion of the preset holds; pairs outside
the admissible set are never created (absence is first-class). Travel times are
the instance's minutes (origin-destination table or estimate) in the
household's own mode (``vervoer``); a home in the anchor gemeente itself always
meets the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocatie.instance import Instance

#: Hard criteria based on a gemeente the household is tied to: (column, criterion, limit).
ANKER_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("werk_gemeente", "werk", "werk_min"),
    ("studie_gemeente", "studie", "studie_min"),
    ("familie_gemeente", "familie", "familie_min"),
    ("zorg_gemeente", "zorg", "zorg_min"),
)


@dataclass(frozen=True)
class Paren:
    """Admissible pairs, sorted by household then option.

    Attributes
    ----------
    h, o
        Household and option positions of each pair.
    kosten
        Total cost of each pair (the ``kosten`` objective level).
    kostendelen
        Named cost terms per pair (``werk``, ``studie``, ``coa_regio``,
        ``flex``), summing to ``kosten``: the explanation of a placement.
    reistijd_min
        Per anchor column (``werk_gemeente``, ...): travel time in minutes from
        each pair's option to the household's anchor gemeente, in the
        household's mode; NaN where it has none.
    """

    h: np.ndarray
    o: np.ndarray
    kosten: np.ndarray
    kostendelen: dict[str, np.ndarray]
    reistijd_min: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.h.shape[0])


def optie_gemeente(inst: Instance) -> np.ndarray:
    """Position in ``gemeenten`` of each option's gemeente."""
    gidx = inst.gemeente_index
    return np.array([gidx[c] for c in inst.opties["gemeente_code"]], dtype=np.int64)


def anker_index(inst: Instance, kolom: str) -> np.ndarray:
    """Position of each household's anchor gemeente in ``kolom``; -1 where empty."""
    gidx = inst.gemeente_index
    return np.array([gidx.get(c, -1) for c in inst.huishoudens[kolom]], dtype=np.int64)


def reistijd_per_paar(inst: Instance, h: np.ndarray, o: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Minutes from option ``o[i]`` to gemeente ``a[i]`` in household ``h[i]``'s mode.

    NaN where ``a[i] < 0`` (the household has no such anchor).
    """
    vervoer = inst.huishoudens["vervoer"].to_numpy(object)[h]
    uit = np.full(len(h), np.nan)
    for modus, reistijden in inst.reistijden.items():
        m = (vervoer == modus) & (a >= 0)
        uit[m] = reistijden.optie_gemeente[o[m], a[m]]
    return uit


def toelaatbaar(inst: Instance) -> np.ndarray:
    """Boolean household x option matrix of admissible pairs."""
    hh, op, pr = inst.huishoudens, inst.opties, inst.preset
    ruimte = hh["ruimte"].to_numpy(np.int64)[:, None]
    ok = (
        (op["min_personen"].to_numpy(np.int64)[None, :] <= ruimte)
        & (ruimte <= op["max_personen"].to_numpy(np.int64)[None, :])
        & (op["eenheden"].to_numpy(np.int64)[None, :] > 0)
        & (ruimte <= op["capaciteit_personen"].to_numpy(np.int64)[None, :])
    )
    if pr.criteria.beschikbaarheid:
        vanaf = op["beschikbaar_vanaf"].to_numpy("datetime64[D]")
        tot = op["beschikbaar_tot"].to_numpy("datetime64[D]")
        gereed = hh["gereed_datum"].to_numpy("datetime64[D]")
        eind = np.datetime64(inst.periode.eind, "D")
        intrek = np.maximum(gereed[:, None], vanaf[None, :])
        ok &= (vanaf[None, :] <= inst.deadline()[:, None]) & (vanaf <= eind)[None, :]
        ok &= np.isnat(tot)[None, :] | (tot[None, :] > intrek)
    og = optie_gemeente(inst)
    vervoer = hh["vervoer"].to_numpy(object)
    for kolom, crit, limiet in ANKER_CRITERIA:
        if not getattr(pr.criteria, crit):
            continue
        a = anker_index(inst, kolom)
        grens = getattr(pr.limieten, limiet) + 1e-9
        for modus, reistijden in inst.reistijden.items():
            sel = (a >= 0) & (vervoer == modus)
            if not sel.any():
                continue
            binnen = reistijden.optie_gemeente[:, a[sel]].T <= grens
            ok[sel] &= binnen | (og[None, :] == a[sel][:, None])
    return ok


def bouw_paren(inst: Instance) -> Paren:
    """All admissible pairs with their cost terms."""
    h, o = np.nonzero(toelaatbaar(inst))
    kp = inst.preset.kosten
    personen = inst.huishoudens["personen"].to_numpy(float)
    tijd = {
        kolom: reistijd_per_paar(inst, h, o, anker_index(inst, kolom)[h])
        for kolom, _, _ in ANKER_CRITERIA
    }
    coa = inst.gemeenten["coa_regio"].to_numpy(object)
    azc = anker_index(inst, "azc_gemeente")[h]
    buiten = coa[optie_gemeente(inst)[o]] != coa[azc]
    flex = (inst.opties["soort"].to_numpy(object) == "flex")[o]
    delen = {
        "werk": kp.per_minuut_werk * np.nan_to_num(tijd["werk_gemeente"]),
        "studie": kp.per_minuut_studie * np.nan_to_num(tijd["studie_gemeente"]),
        "coa_regio": kp.buiten_coa_regio_per_persoon * personen[h] * buiten,
        "flex": kp.flex_per_persoon * personen[h] * flex,
    }
    kosten = np.sum(list(delen.values()), axis=0) if len(h) else np.zeros(0)
    return Paren(h=h, o=o, kosten=kosten, kostendelen=delen, reistijd_min=tijd)
