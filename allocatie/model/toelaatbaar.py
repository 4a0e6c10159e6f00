"""Admissible (household, option) pairs and their cost terms, computed with numpy.

A pair exists only when every hard criterion of the preset holds; pairs outside
the admissible set are never created (absence is first-class). Distances are
straight-line (hemelsbreed) between representative points in km; an option lies
at distance 0 from its own gemeente.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocatie.instance import Instance

#: Hard criteria based on a gemeente the household is tied to: (column, criterion, limit).
ANKER_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("werk_gemeente", "werk", "werk_km"),
    ("studie_gemeente", "studie", "studie_km"),
    ("familie_gemeente", "familie", "familie_km"),
    ("zorg_gemeente", "zorg", "zorg_km"),
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
    afstand_km
        Per anchor column (``werk_gemeente``, ...): distance of each pair's
        option to the household's anchor gemeente, NaN where it has none.
    """

    h: np.ndarray
    o: np.ndarray
    kosten: np.ndarray
    kostendelen: dict[str, np.ndarray]
    afstand_km: dict[str, np.ndarray]

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


def afstanden_km(inst: Instance) -> np.ndarray:
    """Option x gemeente straight-line distances in km (0 to the option's own gemeente)."""
    ox = inst.opties["x"].to_numpy(float)[:, None]
    oy = inst.opties["y"].to_numpy(float)[:, None]
    gx = inst.gemeenten["x"].to_numpy(float)[None, :]
    gy = inst.gemeenten["y"].to_numpy(float)[None, :]
    d = np.hypot(ox - gx, oy - gy) / 1000.0
    d[np.arange(len(inst.opties)), optie_gemeente(inst)] = 0.0
    return d


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
    if any(getattr(pr.criteria, crit) for _, crit, _ in ANKER_CRITERIA):
        d = afstanden_km(inst)
        for kolom, crit, limiet in ANKER_CRITERIA:
            if not getattr(pr.criteria, crit):
                continue
            a = anker_index(inst, kolom)
            heeft = a >= 0
            if not heeft.any():
                continue
            grens = getattr(pr.limieten, limiet) + 1e-9
            ok[heeft] &= d[:, a[heeft]].T <= grens
    return ok


def bouw_paren(inst: Instance) -> Paren:
    """All admissible pairs with their cost terms."""
    h, o = np.nonzero(toelaatbaar(inst))
    d = afstanden_km(inst)
    kp = inst.preset.kosten
    personen = inst.huishoudens["personen"].to_numpy(float)
    afstand: dict[str, np.ndarray] = {}
    for kolom, _, _ in ANKER_CRITERIA:
        a = anker_index(inst, kolom)[h]
        afstand[kolom] = np.where(a >= 0, d[o, np.maximum(a, 0)], np.nan)
    coa = inst.gemeenten["coa_regio"].to_numpy(object)
    azc = anker_index(inst, "azc_gemeente")[h]
    buiten = coa[optie_gemeente(inst)[o]] != coa[azc]
    flex = (inst.opties["soort"].to_numpy(object) == "flex")[o]
    delen = {
        "werk": kp.per_km_werk * np.nan_to_num(afstand["werk_gemeente"]),
        "studie": kp.per_km_studie * np.nan_to_num(afstand["studie_gemeente"]),
        "coa_regio": kp.buiten_coa_regio_per_persoon * personen[h] * buiten,
        "flex": kp.flex_per_persoon * personen[h] * flex,
    }
    kosten = np.sum(list(delen.values()), axis=0) if len(h) else np.zeros(0)
    return Paren(h=h, o=o, kosten=kosten, kostendelen=delen, afstand_km=afstand)
