"""The Lagrangian bound per block (allocatie.strategie.lagrange): exact where derived by hand,
never above the optimum, at least the LP bound with the LP's duals."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.sparse as sp
from bouwers import uit_synthetisch

from allocatie.model.bouw import bouw_model
from allocatie.solvers import kies_backend
from allocatie.solvers.base import MipProbleem, SolverOpties, Status
from allocatie.strategie import deelmip as dm
from allocatie.strategie.lagrange import koppelrijen, lagrange_grens
from allocatie.strategie.vangnet import Vangnet

OPTIES = SolverOpties(tijdslimiet_s=60, gap_relatief=0.0)
INF = np.inf


def _grens(p: MipProbleem, y: np.ndarray, koppel: np.ndarray, blok_max: int = 10_000):  # type: ignore[no-untyped-def]
    net = Vangnet(time.perf_counter() + 60)
    return lagrange_grens(
        kies_backend("highs"), p, y, koppel, OPTIES, net, knopen=500, blok_max=blok_max
    )


def _lp_en_mip(p: MipProbleem) -> tuple[float, np.ndarray, float]:
    backend = kies_backend("highs")
    lp = backend.los_lp_op(p, OPTIES, 60)  # type: ignore[attr-defined]
    mip = backend.los_op(p, OPTIES, 60)
    assert lp.status is Status.OPTIMAAL and mip.status is Status.OPTIMAAL
    return float(lp.objectief), np.asarray(lp.rijduaal), float(mip.objectief)


def _twee_huishoudens() -> MipProbleem:
    """Two households of 2 persons; gemeente 1 has room for 3 persons at cost 1 each,
    gemeente 2 for 4 at cost 5; unplaced costs 100.

    Columns: xA1 xA2 (gemeente 1), xB1 xB2 (gemeente 2), u1 u2 (unplaced).
    The LP puts one and a half household in gemeente 1: 1.5 + 0.5 x 5 = 4. The
    MIP fits one: 1 + 5 = 6. Relaxing the two assign rows with the LP duals
    (y = 5 each, the cost of gemeente 2) leaves gemeente 1 the knapsack
    min -4 xA1 - 4 xA2 with 2 xA1 + 2 xA2 <= 3, whose integer optimum is -4:
    L = 5 + 5 - 4 = 6, the MIP optimum, where the LP gives 4.
    """
    A = sp.csr_array(
        np.array(
            [
                [1, 0, 1, 0, 1, 0],  # assign household 1
                [0, 1, 0, 1, 0, 1],  # assign household 2
                [2, 2, 0, 0, 0, 0],  # persons in gemeente 1
                [0, 0, 2, 2, 0, 0],  # persons in gemeente 2
            ],
            dtype=float,
        )
    )
    return MipProbleem(
        c=np.array([1, 1, 5, 5, 100, 100], dtype=float),
        A=A,
        rij_onder=np.array([1, 1, -INF, -INF]),
        rij_boven=np.array([1, 1, 3, 4], dtype=float),
        kol_onder=np.zeros(6),
        kol_boven=np.ones(6),
        geheel=np.array([True, True, True, True, False, False]),
    )


def test_met_de_hand_afgeleid() -> None:
    p = _twee_huishoudens()
    lp, y, mip = _lp_en_mip(p)
    assert lp == pytest.approx(4.0) and mip == pytest.approx(6.0)
    koppel = np.array([True, True, False, False])
    uit = _grens(p, y, koppel)
    assert uit is not None
    assert uit.grens == pytest.approx(6.0)
    assert uit.blokken == 2 and uit.grootste_blok == 2
    # Without relaxing anything the whole problem is one block: its own MIP.
    assert _grens(p, y, np.zeros(4, dtype=bool)).grens == pytest.approx(6.0)  # type: ignore[union-attr]


def test_te_groot_blok_geeft_geen_grens() -> None:
    p = _twee_huishoudens()
    _, y, _ = _lp_en_mip(p)
    assert _grens(p, y, np.zeros(4, dtype=bool), blok_max=3) is None


def test_gedeelde_kolom_wordt_gekopieerd() -> None:
    """A zero-cost continuous column in rows of both gemeenten (like ``zmax``) does not
    join them into one block: each gets a copy, which only relaxes."""
    p = _twee_huishoudens()
    A = sp.csr_array(
        np.array(
            [
                [1, 0, 1, 0, 1, 0, 0],
                [0, 1, 0, 1, 0, 1, 0],
                [2, 2, 0, 0, 0, 0, 0],
                [0, 0, 2, 2, 0, 0, 0],
                [0, 0, 0, 0, 1, 0, -1],  # u1 <= z
                [0, 0, 0, 0, 0, 1, -1],  # u2 <= z
                [1, 0, 0, 0, 0, 0, -1],  # xA1 <= z: z links gemeente 1 ...
                [0, 0, 1, 0, 0, 0, -1],  # ... and gemeente 2
                [0, 0, 0, 0, 0, 0, 1],  # z <= 1 (a held min-max level: a bound)
            ],
            dtype=float,
        )
    )
    q = MipProbleem(
        c=np.append(p.c, 0.0),
        A=A,
        rij_onder=np.array([1, 1, -INF, -INF, -INF, -INF, -INF, -INF, -INF]),
        rij_boven=np.array([1, 1, 3, 4, 0, 0, 0, 0, 1], dtype=float),
        kol_onder=np.zeros(7),
        kol_boven=np.append(p.kol_boven, INF),
        geheel=np.append(p.geheel, False),
    )
    lp, y, mip = _lp_en_mip(q)
    koppel = np.zeros(9, dtype=bool)
    koppel[[0, 1, 8]] = True
    uit = _grens(q, y, koppel)
    assert uit is not None and uit.blokken >= 2
    assert lp - 1e-7 <= uit.grens <= mip + 1e-7


def _willekeurig(rng: np.random.Generator) -> tuple[MipProbleem, np.ndarray]:
    """Household types assigned to options in a few gemeenten, with person and unit capacities."""
    n_typen, n_gem, per_gem = int(rng.integers(3, 7)), int(rng.integers(2, 4)), 2
    n_opt = n_gem * per_gem
    grootte = rng.integers(1, 5, n_typen)
    aantal = rng.integers(1, 4, n_typen)
    n_x = n_typen * n_opt
    n = n_x + n_typen
    rijen, onder, boven = [], [], []
    for t in range(n_typen):  # assign: sum_o x[t, o] + u[t] = aantal[t]
        r = np.zeros(n)
        r[t * n_opt : (t + 1) * n_opt] = 1
        r[n_x + t] = 1
        rijen.append(r)
        onder.append(aantal[t])
        boven.append(aantal[t])
    for o in range(n_opt):  # persons and units of each option
        r = np.zeros(n)
        r[o::n_opt][:n_typen] = grootte
        rijen.append(r)
        onder.append(-INF)
        boven.append(float(rng.integers(2, 9)))
        r = np.zeros(n)
        r[o::n_opt][:n_typen] = 1
        rijen.append(r)
        onder.append(-INF)
        boven.append(float(rng.integers(1, 4)))
    for g in range(n_gem):  # a gemeente's minimum of persons (its need)
        r = np.zeros(n)
        for o in range(g * per_gem, (g + 1) * per_gem):
            r[o::n_opt][:n_typen] = grootte
        rijen.append(r)
        onder.append(float(rng.integers(0, 4)))
        boven.append(INF)
    c = np.concatenate([rng.integers(1, 20, n_x).astype(float), np.full(n_typen, 50.0)])
    p = MipProbleem(
        c=c,
        A=sp.csr_array(np.array(rijen)),
        rij_onder=np.array(onder, dtype=float),
        rij_boven=np.array(boven, dtype=float),
        kol_onder=np.zeros(n),
        kol_boven=np.concatenate([np.repeat(aantal, n_opt), aantal]).astype(float),
        geheel=np.concatenate([np.ones(n_x, dtype=bool), np.zeros(n_typen, dtype=bool)]),
    )
    koppel = np.zeros(p.n_rijen, dtype=bool)
    koppel[:n_typen] = True
    if rng.random() < 0.5:  # the need rows too (held from below: multipliers >= 0)
        koppel[-n_gem:] = True
    return p, koppel


def test_nooit_boven_het_optimum_ook_niet_met_andere_vermenigvuldigers() -> None:
    """Weak duality for any multipliers of the right sign; the LP's duals give >= the LP."""
    rng = np.random.default_rng(20261206)
    strikt = 0
    getoetst = 0
    while getoetst < 25:
        p, koppel = _willekeurig(rng)
        backend = kies_backend("highs")
        mip = backend.los_op(p, OPTIES, 60)
        if mip.status is not Status.OPTIMAAL:  # an infeasible need: draw again
            continue
        getoetst += 1
        lp, y, opt = _lp_en_mip(p)
        uit = _grens(p, y, koppel)
        assert uit is not None
        assert lp - 1e-6 <= uit.grens <= opt + 1e-6
        strikt += uit.grens > lp + 1e-6
        for _ in range(3):  # other multipliers (signs are repaired inside): still a bound
            anders = _grens(p, y + rng.normal(0, 5, y.shape), koppel)
            assert anders is not None and np.isfinite(anders.grens) and anders.grens <= opt + 1e-6
    # The bound is sharper than the LP on some of them (else the test shows nothing).
    assert strikt >= 3


def test_op_het_model_van_een_ronde() -> None:
    """The cost level of a generated round: LP <= L <= MIP optimum; blocks are gemeenten."""
    inst = uit_synthetisch(12, 150, seed=3)
    model = bouw_model(inst)
    p = dm.niveauprobleem(
        model, model.doelen["kosten"], model.A, model.rij_onder, model.rij_boven, None, "kosten"
    )
    lp, y, opt = _lp_en_mip(p)
    uit = _grens(p, y, koppelrijen(model, p.n_rijen))
    assert uit is not None
    assert lp - 1e-6 <= uit.grens <= opt + 1e-6
    assert uit.blokken >= len(inst.gemeenten) // 2
