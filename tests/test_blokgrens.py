"""The bound of a min-max level from its blocks alone (`minmax_blokgrens`): exact where
derived by hand, +inf for a block without a point, never above the optimum."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.sparse as sp
from bouwers import uit_synthetisch

from allocatie.model.bouw import bouw_model
from allocatie.model.minmax import minmax
from allocatie.solvers import kies_backend
from allocatie.solvers.base import MipProbleem, SolverOpties, Status
from allocatie.strategie import deelmip as dm
from allocatie.strategie.lagrange import koppelrijen, minmax_blokgrens, minmax_kolommen
from allocatie.strategie.vangnet import Vangnet

OPTIES = SolverOpties(tijdslimiet_s=60, gap_relatief=0.0)
INF = np.inf


def _blokgrens(  # type: ignore[no-untyped-def]
    p: MipProbleem, koppel: np.ndarray, z: int, gedeeld=None, blok_max: int = 10_000
):
    """The block bound with only ``z`` shared (or the columns ``gedeeld``)."""
    if gedeeld is None:
        gedeeld = np.zeros(p.n_kolommen, dtype=bool)
        gedeeld[z] = True
    net = Vangnet(time.perf_counter() + 60)
    return minmax_blokgrens(
        kies_backend("highs"), p, koppel, gedeeld, z, OPTIES, net, knopen=500, blok_max=blok_max
    )


def _twee_gemeenten(min_1: float = 1.0, max_1: float = INF) -> MipProbleem:
    """Two households of 2 persons. Gemeente 1 needs 1 person and must get at least
    ``min_1`` persons (``max_1`` at most); gemeente 2 needs 2 and must get at least 2.
    Overfilling: ``over[g] <= b[g] z`` with b = (1, 2); minimise z.

    Columns: xA xB (households in gemeente 1, 2), u (unplaced), over1 over2, z.
    The LP places half a household in gemeente 1 (1 person, over 0): z = 0. In
    whole households gemeente 1 gets 2 persons, 1 too many: z = 1. Gemeente 1's
    block alone shows it; the two blocks share only z (copied into each).
    """
    A = sp.csr_array(
        np.array(
            [
                [1, 1, 1, 0, 0, 0],  # assign: xA + xB + u = 2 (linking)
                [2, 0, 0, -1, 0, 0],  # gemeente 1: persons - over1 <= need 1
                [2, 0, 0, 0, 0, 0],  # gemeente 1: min_1 <= persons <= max_1
                [0, 0, 0, 1, 0, -1],  # over1 - 1 z <= 0
                [0, 2, 0, 0, -1, 0],  # gemeente 2: persons - over2 <= need 2
                [0, 2, 0, 0, 0, 0],  # gemeente 2: persons >= 2
                [0, 0, 0, 0, 1, -2],  # over2 - 2 z <= 0
            ],
            dtype=float,
        )
    )
    return MipProbleem(
        c=np.array([0, 0, 0, 0, 0, 1], dtype=float),
        A=A,
        rij_onder=np.array([2, -INF, min_1, -INF, -INF, 2, -INF]),
        rij_boven=np.array([2, 1, max_1, 0, 2, INF, 0]),
        kol_onder=np.zeros(6),
        kol_boven=np.array([2, 2, 2, INF, INF, INF]),
        geheel=np.array([True, True, True, False, False, False]),
    )


KOPPEL = np.array([True, False, False, False, False, False, False])


def test_met_de_hand_afgeleid() -> None:
    p = _twee_gemeenten()
    backend = kies_backend("highs")
    lp = backend.los_lp_op(p, OPTIES, 60)  # type: ignore[attr-defined]
    mip = backend.los_op(p, OPTIES, 60)
    assert lp.objectief == pytest.approx(0.0) and mip.objectief == pytest.approx(1.0)
    uit = _blokgrens(p, KOPPEL, z=5)
    assert uit is not None and uit.grens == pytest.approx(1.0)
    # z is copied into each block, so the gemeenten stay apart (joined by z they are one).
    assert uit.blokken == 2
    # The blocks' own solutions: one household in each gemeente (u is in no block).
    assert uit.drager is not None and list(uit.drager[:3]) == [True, True, False]
    # over1 copied as well would cut gemeente 1's need row from its ratio row: no bound.
    los = np.zeros(6, dtype=bool)
    los[[3, 5]] = True
    zwak = _blokgrens(p, KOPPEL, z=5, gedeeld=los)
    assert zwak is not None and zwak.grens == pytest.approx(0.0) and zwak.blokken == 3
    with pytest.raises(ValueError, match="niveaukolom"):
        _blokgrens(p, KOPPEL, z=5, gedeeld=np.zeros(6, dtype=bool))


def test_blok_zonder_punt_geeft_oneindig() -> None:
    """Gemeente 1 must get exactly 1 person, but households come in twos: no point."""
    p = _twee_gemeenten(min_1=1.0, max_1=1.0)
    assert kies_backend("highs").los_op(p, OPTIES, 60).status is Status.ONHAALBAAR
    uit = _blokgrens(p, KOPPEL, z=5)
    assert uit is not None and uit.grens == INF


def test_te_groot_blok_geeft_geen_grens() -> None:
    assert _blokgrens(_twee_gemeenten(), KOPPEL, z=5, blok_max=2) is None


@pytest.mark.parametrize("seed", [3, 11, 19])
@pytest.mark.parametrize("naam", ["eerlijkheid", "overvulling"])
def test_nooit_boven_het_optimum_van_een_ronde(seed: int, naam: str) -> None:
    """A min-max level of a generated round with ``onbediend`` held at its optimum: the
    block bound never exceeds the level's MIP optimum (solved to the end)."""
    inst = uit_synthetisch(8, 80, seed=seed)
    model = bouw_model(inst)
    backend = kies_backend("highs")
    eerst = dm.niveauprobleem(
        model, model.doelen["onbediend"], model.A, model.rij_onder, model.rij_boven, None
    )
    onb = backend.los_op(eerst, OPTIES, 60)
    assert onb.status is Status.OPTIMAAL and onb.objectief is not None
    A, onder, boven = dm.houd_vast(
        model.A, model.rij_onder, model.rij_boven, model.doelen["onbediend"], onb.objectief + 1e-6
    )
    p = dm.niveauprobleem(model, model.doelen[naam], A, onder, boven, None, naam)
    mip = backend.los_op(p, OPTIES, 60)
    assert mip.status is Status.OPTIMAAL and mip.objectief is not None
    mm = minmax(model, naam)
    assert mm is not None
    uit = _blokgrens(p, koppelrijen(model, p.n_rijen), mm.z, minmax_kolommen(model, p.n_kolommen))
    assert uit is not None and np.isfinite(uit.grens)
    assert uit.grens <= mip.objectief + 1e-6
    assert uit.blokken >= len(inst.gemeenten) // 2
