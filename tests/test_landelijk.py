"""Devices of `allocatie.strategie.oplossen` for national rounds, each against a plain computation.

- `_doelwaarde`: the largest value whose gap to the bound is within the round's gap.
- `MipProbleem.doel`: HiGHS stops at the first solution at or below it, and the
  point it returns has that value (or better).
- Column generation in one live HiGHS LP gives the LP over all columns; the
  plain path (a backend without `lp_sessie`) gives the same; stopped early, its
  Lagrangian bound is a valid lower bound of the full LP.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from bouwers import uit_synthetisch

from allocatie.model.bouw import bouw_model
from allocatie.model.start import gretige_start
from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.solvers.base import relatieve_gap
from allocatie.strategie import Instellingen
from allocatie.strategie import deelmip as dm
from allocatie.strategie import lp as slp


@pytest.mark.parametrize("grens", [0.0, 0.2132, 0.9, 0.996, 1.0, 142.0, 2950.0, 26754.9])
@pytest.mark.parametrize("gap", [0.0, 0.005, 0.05])
def test_doelwaarde_is_de_rand_van_de_gap(grens: float, gap: float) -> None:
    w = dm.doelwaarde(grens, gap)
    assert w >= grens - 1e-9 * max(1.0, grens)
    g = relatieve_gap(w, grens)
    assert g is not None and g <= gap + 1e-8
    # A little above it, the gap is exceeded (unless the gap is 0).
    if gap > 0:
        boven = w + 1e-6 * max(1.0, w)
        assert relatieve_gap(boven, grens) > gap  # type: ignore[operator]


def _knapzak(n: int = 40, seed: int = 0) -> MipProbleem:
    """max value s.t. weight <= cap (as a minimisation), binary items."""
    rng = np.random.default_rng(seed)
    w = rng.integers(5, 40, n).astype(float)
    v = rng.integers(5, 40, n).astype(float)
    return MipProbleem(
        c=-v,
        A=sp.csr_array(w.reshape(1, -1)),
        rij_onder=np.array([-np.inf]),
        rij_boven=np.array([w.sum() / 3]),
        kol_onder=np.zeros(n),
        kol_boven=np.ones(n),
        geheel=np.ones(n, dtype=bool),
    )


def test_doel_stopt_bij_de_eerste_goede_oplossing() -> None:
    backend = kies_backend("highs")
    opties = SolverOpties(gap_relatief=0.0)
    p = _knapzak()
    vol = backend.los_op(p, opties, 30)
    assert vol.status is Status.OPTIMAAL and vol.objectief is not None
    doel = 0.8 * vol.objectief  # 80% of the optimal value (negative: a weaker target)
    uit = backend.los_op(MipProbleem(**{**p.__dict__, "doel": doel}), opties, 30)
    assert uit.x is not None and uit.objectief is not None
    assert float(p.c @ uit.x) <= doel + 1e-9
    assert (p.A @ uit.x)[0] <= p.rij_boven[0] + 1e-9
    # Without a target the optimum comes back.
    assert float(p.c @ vol.x) == pytest.approx(vol.objectief)  # type: ignore[operator]


class _ZonderSessie:
    """The HiGHS backend without `lp_sessie`: column generation solves every round cold."""

    naam = "highs"

    def __init__(self) -> None:
        self._b = kies_backend("highs")

    def los_op(self, *a: object, **k: object) -> object:
        return self._b.los_op(*a, **k)  # type: ignore[arg-type]

    def los_lp_op(self, *a: object, **k: object) -> object:
        return self._b.los_lp_op(*a, **k)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def kostenlp() -> tuple[MipProbleem, slice, float]:
    inst = uit_synthetisch(12, 300, 7)
    model = bouw_model(inst)
    v = gretige_start(model, inst.gemeenten["opgave"].to_numpy(float))
    # Hold "onbediend" at the greedy start: without it nobody placed costs nothing.
    c_onb = model.doelen["onbediend"]
    A, onder, boven = dm.houd_vast(
        model.A, model.rij_onder, model.rij_boven, c_onb, float(c_onb @ v) + 1e-6
    )
    p = dm.niveauprobleem(model, model.doelen["kosten"], A, onder, boven, v)
    vol = kies_backend("highs").los_lp_op(p, SolverOpties(), 60)  # type: ignore[attr-defined]
    assert vol.objectief is not None and vol.objectief > 10
    return p, model.kolommen["x"], float(vol.objectief)


def test_kolomgeneratie_met_en_zonder_sessie_gelijk(
    kostenlp: tuple[MipProbleem, slice, float],
) -> None:
    p, x, vol = kostenlp
    opties = SolverOpties(gap_relatief=0.0)
    for backend in (kies_backend("highs"), _ZonderSessie()):
        kg = slp.lp_met_kolomgeneratie(backend, p, opties, 60, x, Instellingen())  # type: ignore[arg-type]
        assert kg.status is Status.OPTIMAAL and kg.objectief is not None and kg.x is not None
        assert kg.objectief == pytest.approx(vol, rel=1e-7, abs=1e-6)
        # The point is feasible for the full LP and has the LP value.
        r = p.A @ kg.x
        assert (r >= p.rij_onder - 1e-6).all() and (r <= p.rij_boven + 1e-6).all()
        assert float(p.c @ kg.x) == pytest.approx(vol, rel=1e-6, abs=1e-6)


def test_lagrangegrens_bij_vroeg_stoppen_is_geldig(
    kostenlp: tuple[MipProbleem, slice, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    p, x, vol = kostenlp
    # Stop after the first round whatever the columns left out could still do.
    kg = slp.lp_met_kolomgeneratie(
        kies_backend("highs"),
        p,
        SolverOpties(gap_relatief=0.005),
        60,
        x,
        Instellingen(kolomgeneratie_rest=1e12),
    )
    assert kg.objectief is not None and kg.x is not None
    assert kg.objectief <= vol + 1e-6
    # It really stopped early here (the first subset misses columns), so the
    # bound is strictly weaker, while its point is feasible with a value >= the LP.
    assert kg.objectief < vol - 1e-6
    assert float(p.c @ kg.x) >= vol - 1e-6


def _met_vaste_kolommen(seed: int) -> MipProbleem:
    """A knapsack with two rows, some items fixed in, some out, and a row whose
    columns are all fixed (it drops out of the reduced problem)."""
    rng = np.random.default_rng(seed)
    n = 30
    w = rng.integers(5, 40, n).astype(float)
    v = rng.integers(5, 40, n).astype(float)
    A = np.vstack([w, rng.integers(0, 3, n).astype(float), np.zeros(n)])
    A[2, :3] = 1.0  # only fixed columns in this row
    onder, boven = np.zeros(n), np.ones(n)
    onder[:5] = 1.0  # fixed in: 0..4
    boven[5:12] = 0.0  # fixed out: 5..11
    return MipProbleem(
        c=-v,
        A=sp.csr_array(A),
        rij_onder=np.array([-np.inf, 3.0, 3.0]),
        rij_boven=np.array([w.sum() / 3, np.inf, 3.0]),
        kol_onder=onder,
        kol_boven=boven,
        geheel=np.ones(n, dtype=bool),
    )


@pytest.mark.parametrize("seed", range(4))
def test_los_deel_zelfde_optimum_als_het_hele_probleem(seed: int) -> None:
    backend = kies_backend("highs")
    opties = SolverOpties(gap_relatief=0.0)
    p = _met_vaste_kolommen(seed)
    heel = backend.los_op(p, opties, 30)
    deel = dm.los_deel(backend, p, opties, 30)
    assert heel.status is Status.OPTIMAAL and deel.status is Status.OPTIMAAL
    assert deel.x is not None and deel.objectief is not None and deel.grens is not None
    assert deel.objectief == pytest.approx(heel.objectief)
    assert float(p.c @ deel.x) == pytest.approx(deel.objectief)  # mapped back, shifted
    assert deel.grens <= deel.objectief + 1e-9
    # The point is feasible in the whole problem, fixed columns at their value.
    r = p.A @ deel.x
    assert (r >= p.rij_onder - 1e-9).all() and (r <= p.rij_boven + 1e-9).all()
    np.testing.assert_array_equal(deel.x[:5], 1.0)
    np.testing.assert_array_equal(deel.x[5:12], 0.0)
    # The target is shifted by the fixed part too: stop at 80% of the optimum.
    doel = 0.8 * heel.objectief  # type: ignore[operator]
    uit = dm.los_deel(backend, MipProbleem(**{**p.__dict__, "doel": doel}), opties, 30)
    assert uit.x is not None and float(p.c @ uit.x) <= doel + 1e-9
