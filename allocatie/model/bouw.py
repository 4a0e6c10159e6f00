"""Build the allocation MIP of one round as sparse arrays, in named families.

Variables (columns), in this order:

``x[p]``          binary, pair p = (household, option) is chosen (admissible pairs only)
``onbediend[h]``  in [0, 1], household h is not placed (integral through ``assign``)
``tekort[g]``     >= 0, persons short of gemeente g's remaining need (opgave)
``over[g]``       >= 0, persons placed beyond that need
``zmax``          in [0, 1], the largest relative shortfall that the gemeente's own supply
                  does not explain: ``(tekort[g] - vloer[g]) / opgave[g]``
``omax``          >= 0, the largest over-fulfilment relative to the taakstelling

Constraints (rows), each a named family:

``assign[h]``      sum_o x[h,o] + onbediend[h] = 1
``cap_persons[o]`` sum_h ruimte[h] x[h,o] <= capaciteit_personen[o]
``cap_units[o]``   sum_h u[h,o] x[h,o] <= k[o] * eenheden[o]; a single uses 1 of the k
                   slots of a shareable unit, any other household all k of them
``need[g]``        sum personen[h] x[h,o in g] + tekort[g] - over[g] = opgave[g]
``region_cap[r]``  sum personen[h] x[h,o in r] <= max_personen[r]
``fair[g]``        tekort[g] - opgave[g] zmax <= vloer[g]   (only where opgave[g] > 0)
``fair_over[g]``   over[g] - max(1, taakstelling[g]) omax <= 0

``vloer[g] = max(0, opgave[g] - aanbod[g])`` is the shortfall that gemeente g
cannot avoid with its own supply (``aanbod`` in persons, `aanbod_personen`), so a
gemeente without homes does not pin the fairness level at 100% for everyone.

Objective levels (one cost vector each): ``onbediend`` (persons not placed),
``tekort`` (total shortfall), ``eerlijkheid`` (zmax), ``kosten`` (pair costs)
and ``overvulling`` (omax). Total over-fulfilment is not a level of its own:
``sum over = sum placed + sum tekort - sum opgave`` is fixed once ``onbediend``
and ``tekort`` are held, so the level spreads it instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from allocatie.instance import Instance
from allocatie.model.toelaatbaar import Paren, bouw_paren, optie_gemeente
from allocatie.validate import REGIOSOORTEN


@dataclass(frozen=True)
class AllocatieModel:
    """The MIP in arrays, with named column and row families.

    Attributes
    ----------
    paren
        The admissible pairs (columns of family ``x``).
    kolommen, rijen
        Family name -> slice of columns / rows.
    A, rij_onder, rij_boven, kol_onder, kol_boven, geheel
        The constraint matrix (CSR), row and column bounds, integrality.
    doelen
        Objective level name -> cost vector over all columns.
    """

    paren: Paren
    kolommen: dict[str, slice]
    rijen: dict[str, slice]
    A: sp.csr_array
    rij_onder: np.ndarray
    rij_boven: np.ndarray
    kol_onder: np.ndarray
    kol_boven: np.ndarray
    geheel: np.ndarray
    doelen: dict[str, np.ndarray]

    @property
    def n_kolommen(self) -> int:
        """Number of variables."""
        return int(self.kol_onder.shape[0])

    def kolomnamen(self) -> list[str]:
        """Names ``[A-Za-z0-9_]`` for LP/MPS export (results never parse them)."""
        namen = [f"x_{h}_{o}" for h, o in zip(self.paren.h, self.paren.o, strict=True)]
        for fam in ("onbediend", "tekort", "over", "zmax", "omax"):
            s = self.kolommen[fam]
            namen += [f"{fam}_{i}" for i in range(s.stop - s.start)]
        return namen

    def rijnamen(self) -> list[str]:
        """Row names by family and position within the family."""
        namen: list[str] = []
        for fam, s in self.rijen.items():
            namen += [f"{fam}_{i}" for i in range(s.stop - s.start)]
        return namen

    def startoplossing(self, opgave: np.ndarray) -> np.ndarray:
        """The trivially feasible point: nobody placed, every need short."""
        v = np.zeros(self.n_kolommen)
        v[self.kolommen["onbediend"]] = 1.0
        v[self.kolommen["tekort"]] = opgave
        v[self.kolommen["zmax"]] = 1.0 if (opgave > 0).any() else 0.0
        # omax stays 0: nobody placed, nothing over.
        return v


class _Rijen:
    """Accumulates COO triplets family by family."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.onder: list[np.ndarray] = []
        self.boven: list[np.ndarray] = []
        self.families: dict[str, slice] = {}
        self.n = 0

    def voeg_toe(
        self,
        naam: str,
        n_rijen: int,
        rij: np.ndarray,
        kol: np.ndarray,
        waarde: np.ndarray,
        onder: np.ndarray,
        boven: np.ndarray,
    ) -> None:
        self.r.append(rij.astype(np.int64) + self.n)
        self.c.append(kol.astype(np.int64))
        self.v.append(waarde.astype(float))
        self.onder.append(np.broadcast_to(onder, (n_rijen,)).astype(float))
        self.boven.append(np.broadcast_to(boven, (n_rijen,)).astype(float))
        self.families[naam] = slice(self.n, self.n + n_rijen)
        self.n += n_rijen

    def matrix(self, n_kolommen: int) -> sp.csr_array:
        leeg = np.zeros(0)
        return sp.coo_array(
            (
                np.concatenate(self.v) if self.v else leeg,
                (
                    np.concatenate(self.r) if self.r else leeg.astype(np.int64),
                    np.concatenate(self.c) if self.c else leeg.astype(np.int64),
                ),
            ),
            shape=(self.n, n_kolommen),
        ).tocsr()


def bouw_model(inst: Instance) -> AllocatieModel:
    """Build the allocation MIP of ``inst`` (vectorised; no per-coefficient objects)."""
    paren = bouw_paren(inst)
    P, H, G = len(paren), inst.n_huishoudens, len(inst.gemeenten)
    n_opties = len(inst.opties)
    kol = {
        "x": slice(0, P),
        "onbediend": slice(P, P + H),
        "tekort": slice(P + H, P + H + G),
        "over": slice(P + H + G, P + H + 2 * G),
        "zmax": slice(P + H + 2 * G, P + H + 2 * G + 1),
        "omax": slice(P + H + 2 * G + 1, P + H + 2 * G + 2),
    }
    n = P + H + 2 * G + 2
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    personen = inst.huishoudens["personen"].to_numpy(float)
    ruimte = inst.huishoudens["ruimte"].to_numpy(float)
    op = inst.opties
    x = np.arange(P)
    og = optie_gemeente(inst)

    rows = _Rijen()
    rows.voeg_toe(
        "assign",
        H,
        np.concatenate([paren.h, np.arange(H)]),
        np.concatenate([x, np.arange(H) + P]),
        np.ones(P + H),
        np.ones(H),
        np.ones(H),
    )
    rows.voeg_toe(
        "cap_persons",
        n_opties,
        paren.o,
        x,
        ruimte[paren.h],
        np.full(n_opties, -np.inf),
        op["capaciteit_personen"].to_numpy(float),
    )
    k = op["max_per_eenheid"].to_numpy(float)
    slot = np.where(ruimte[paren.h] == 1, 1.0, k[paren.o])
    rows.voeg_toe(
        "cap_units",
        n_opties,
        paren.o,
        x,
        slot,
        np.full(n_opties, -np.inf),
        k * op["eenheden"].to_numpy(float),
    )
    gi = np.arange(G)
    rows.voeg_toe(
        "need",
        G,
        np.concatenate([og[paren.o], gi, gi]),
        np.concatenate([x, gi + kol["tekort"].start, gi + kol["over"].start]),
        np.concatenate([personen[paren.h], np.ones(G), -np.ones(G)]),
        opgave,
        opgave,
    )
    rc = inst.regiocapaciteit
    if len(rc):
        r_rij, r_kol = [], []
        for r, (soort, code) in enumerate(zip(rc["regio_soort"], rc["regio_code"], strict=True)):
            in_regio = (inst.gemeenten[REGIOSOORTEN[soort]].to_numpy(object) == code)[og[paren.o]]
            p = np.flatnonzero(in_regio)
            r_rij.append(np.full(len(p), r))
            r_kol.append(p)
        pk = np.concatenate(r_kol)
        rows.voeg_toe(
            "region_cap",
            len(rc),
            np.concatenate(r_rij),
            pk,
            personen[paren.h[pk]],
            np.full(len(rc), -np.inf),
            rc["max_personen"].to_numpy(float),
        )
    fg = np.flatnonzero(opgave > 0)
    F = len(fg)
    rows.voeg_toe(
        "fair",
        F,
        np.concatenate([np.arange(F), np.arange(F)]),
        np.concatenate([fg + kol["tekort"].start, np.full(F, kol["zmax"].start)]),
        np.concatenate([np.ones(F), -opgave[fg]]),
        np.full(F, -np.inf),
        np.maximum(0.0, opgave - inst.gemeenten["aanbod_personen"].to_numpy(float))[fg],
    )
    rows.voeg_toe(
        "fair_over",
        G,
        np.concatenate([gi, gi]),
        np.concatenate([gi + kol["over"].start, np.full(G, kol["omax"].start)]),
        np.concatenate(
            [np.ones(G), -np.maximum(1.0, inst.gemeenten["taakstelling"].to_numpy(float))]
        ),
        np.full(G, -np.inf),
        np.zeros(G),
    )

    kol_onder = np.zeros(n)
    kol_boven = np.full(n, np.inf)
    kol_boven[kol["x"]] = 1.0
    kol_boven[kol["onbediend"]] = 1.0
    kol_boven[kol["tekort"]] = opgave
    kol_boven[kol["zmax"]] = 1.0
    geheel = np.zeros(n, dtype=bool)
    # onbediend[h] = 1 - sum_o x[h,o] is integral whenever x is: no need to branch on it.
    geheel[kol["x"]] = True

    doelen = {
        naam: np.zeros(n)
        for naam in ("onbediend", "tekort", "eerlijkheid", "kosten", "overvulling")
    }
    doelen["onbediend"][kol["onbediend"]] = personen
    doelen["tekort"][kol["tekort"]] = 1.0
    doelen["eerlijkheid"][kol["zmax"]] = 1.0
    doelen["kosten"][kol["x"]] = paren.kosten
    doelen["overvulling"][kol["omax"]] = 1.0

    return AllocatieModel(
        paren=paren,
        kolommen=kol,
        rijen=rows.families,
        A=rows.matrix(n),
        rij_onder=np.concatenate(rows.onder),
        rij_boven=np.concatenate(rows.boven),
        kol_onder=kol_onder,
        kol_boven=kol_boven,
        geheel=geheel,
        doelen=doelen,
    )
