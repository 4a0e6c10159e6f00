"""The backends on hand-written level MIPs (`MipProbleem`), below the model and `solve`.

Each is a level as `solve` poses it, one that CBC 2.10.3's preprocessing got
wrong. In the first two the levels before are held at their value plus the
slack ``1e-6 * max(1, value)``, and ``u`` is ``onbediend``: continuous in the
model (integral through its ``assign`` row), so the held level leaves it a room
of tolerance size; the CBC backend now rounds the bounds of rows that are
integral at every feasible point (`allocatie.solvers.cbc._gehele_rijgrenzen`).
In the third CBC's probing of general integers errs; the feasible start
refutes its answer and the backend solves again without preprocessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from bouwers import BACKENDS

from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.solvers.cbc import _gehele_rijgrenzen, _impliciet_geheel

INF = np.inf


def overvulling_na_slack() -> MipProbleem:
    """The level overvulling of one household of 4 persons (property tests, seed 134284259).

    Columns ``x_A, x_B`` (placed at gemeente A or B), ``u`` (unplaced), ``t_A,
    t_B`` (shortfall), ``o_A, o_B`` (over-fulfilment); opgave 3 at A and at B.
    Held: onbediend ``4 u <= 1e-6`` and tekort ``t_A + t_B <= 3.000015`` (values
    0 and 3). Objective ``o_A + 2 o_B`` (taakstelling 4 at A, 2 at B). At B:
    ``t_A = 3, o_B = 1``, value 2; at A: ``o_A = 1, t_B = 3``, value 1: optimum 1.
    The start is the household at B. Unfixed, CBC called this "infeasible".
    """
    #      x_A x_B  u t_A t_B o_A o_B
    rijen = [
        [1, 1, 1, 0, 0, 0, 0],  # assign: one option or unplaced
        [4, 0, 0, 1, 0, -1, 0],  # need A: placed + t_A - o_A = 3
        [0, 4, 0, 0, 1, 0, -1],  # need B
        [0, 0, 4, 0, 0, 0, 0],  # onbediend held
        [0, 0, 0, 1, 1, 0, 0],  # tekort held
    ]
    return MipProbleem(
        c=np.array([0, 0, 0, 0, 0, 1, 2], dtype=float),
        A=sp.csr_array(np.array(rijen, dtype=float)),
        rij_onder=np.array([1, 3, 3, -INF, -INF]),
        rij_boven=np.array([1, 3, 3, 1e-6, 3.000015]),
        kol_onder=np.zeros(7),
        kol_boven=np.array([1, 1, 1, 3, 3, INF, INF]),
        geheel=np.array([1, 1, 0, 1, 1, 1, 1], dtype=bool),
        start=np.array([0, 1, 0, 3, 0, 0, 1], dtype=float),
    )


def kosten_na_slack() -> MipProbleem:
    """The level kosten of two singles and a household of 5 that fits nowhere.

    Columns ``x_W`` (singles in the one home W, cost 10 each), ``x_F`` (on flex
    site F, cost 12 each), ``u`` (singles unplaced), ``v`` (the household of 5
    unplaced, forced 1). Held: onbediend ``u + 5 v <= 5.000005`` (value 5), so
    ``u = 0`` and both singles are placed: one in W, one on F, optimum 22 (both
    on F: 24). The start has both on F. Unfixed, CBC called 24 optimal.
    """
    #      x_W x_F  u  v
    rijen = [
        [1, 1, 1, 0],  # assign singles
        [0, 0, 0, 1],  # assign the household of 5 (no option)
        [1, 0, 0, 0],  # W has one home
        [0, 0, 1, 5],  # onbediend held
    ]
    return MipProbleem(
        c=np.array([10, 12, 0, 0], dtype=float),
        A=sp.csr_array(np.array(rijen, dtype=float)),
        rij_onder=np.array([2, 1, -INF, -INF]),
        rij_boven=np.array([2, 1, 1, 5.000005]),
        kol_onder=np.zeros(4),
        kol_boven=np.array([2, 2, 2, 1], dtype=float),
        geheel=np.array([1, 1, 0, 0], dtype=bool),
        start=np.array([0, 2, 0, 1], dtype=float),
    )


def onbediend_algemeen_geheel() -> MipProbleem:
    """The level onbediend with a type of two households (property tests, seed 3268397702).

    Columns ``a, b`` (the household of 4 at option F or G), ``d, e`` (how many of
    the two households of 5 at F or G), ``u, v`` (unplaced of each type). F takes
    8 persons, G 2: G nobody, F the household of 4 (unplaced 2 x 5 = 10) or one of
    5 (unplaced 4 + 5 = 9): optimum 9, the start. CBC's preprocessing makes ``v``
    integer and then probes the general integers wrongly (coin-or/Cbc issue 293):
    it called 10 optimal; the start refutes that, and without preprocessing CBC
    finds 9.
    """
    #      a  b  d  e  u  v
    rijen = [
        [1, 1, 0, 0, 1, 0],  # assign the household of 4
        [0, 0, 1, 1, 0, 1],  # assign the two households of 5
        [4, 0, 5, 0, 0, 0],  # F takes 8 persons
        [0, 4, 0, 5, 0, 0],  # G takes 2
    ]
    return MipProbleem(
        c=np.array([0, 0, 0, 0, 4, 5], dtype=float),
        A=sp.csr_array(np.array(rijen, dtype=float)),
        rij_onder=np.array([1, 2, -INF, -INF]),
        rij_boven=np.array([1, 2, 8, 2], dtype=float),
        kol_onder=np.zeros(6),
        kol_boven=np.array([1, 1, 2, 2, 1, 2], dtype=float),
        geheel=np.array([1, 1, 1, 1, 0, 0], dtype=bool),
        start=np.array([0, 0, 1, 0, 1, 1], dtype=float),
    )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("bouw", "optimum", "x"),
    [
        (overvulling_na_slack, 1.0, [1, 0, 0, 0, 3, 1, 0]),
        (kosten_na_slack, 22.0, [1, 1, 0, 1]),
        (onbediend_algemeen_geheel, 9.0, [0, 0, 1, 0, 1, 1]),
    ],
)
def test_niveau_waar_cbc_preprocess_faalde(
    backend: str, bouw: Callable[[], MipProbleem], optimum: float, x: list[float]
) -> None:
    uit = kies_backend(backend).los_op(bouw(), SolverOpties(backend=backend, gap_relatief=0.0), 30)
    assert uit.status is Status.OPTIMAAL, uit.bericht
    assert uit.x is not None
    assert uit.objectief == pytest.approx(optimum)
    np.testing.assert_allclose(uit.x, x, atol=1e-6)


def test_impliciet_geheel() -> None:
    """Only a continuous column alone among integer ones in an integral equality row."""
    p = overvulling_na_slack()
    # u is; t and o share their need rows with another continuous column.
    alleen_x = replace(p, geheel=np.array([1, 1, 0, 0, 0, 0, 0], dtype=bool))
    assert _impliciet_geheel(alleen_x).tolist() == [1, 1, 1, 0, 0, 0, 0]
    k = kosten_na_slack()
    assert _impliciet_geheel(k).tolist() == [1, 1, 1, 1]
    # No conclusion for u with a fractional right-hand side, a coefficient other than
    # +-1 on u, or a fractional coefficient on an integer column.
    half = replace(k, rij_onder=np.array([2.5, 1, -INF, -INF]), rij_boven=np.array([2.5, 1, 1, 5]))
    assert _impliciet_geheel(half).tolist() == [1, 1, 0, 1]
    for rij, kol, waarde in ((0, 2, 2.0), (0, 0, 0.5)):
        a = k.A.toarray()
        a[rij, kol] = waarde
        assert _impliciet_geheel(replace(k, A=sp.csr_array(a))).tolist() == [1, 1, 0, 1]


def test_gehele_rijgrenzen() -> None:
    """The held levels lose their slack where the row is integral, and only there."""
    p = overvulling_na_slack()
    onder, boven = _gehele_rijgrenzen(p)
    assert boven.tolist() == [1, 3, 3, 0, 3]
    assert onder.tolist() == p.rij_onder.tolist()
    # With t and o continuous (the levels before overvulling) the tekort row keeps it.
    _, boven = _gehele_rijgrenzen(replace(p, geheel=np.array([1, 1, 0, 0, 0, 0, 0], dtype=bool)))
    assert boven.tolist() == [1, 3, 3, 0, 3.000015]
    k = kosten_na_slack()
    assert _gehele_rijgrenzen(k)[1].tolist() == [2, 1, 1, 5]
    # Round-off below an integer is that integer; a fractional coefficient: kept as is.
    assert _gehele_rijgrenzen(replace(k, rij_boven=np.array([2, 1, 0.9999999, 5])))[1][2] == 1
    a = k.A.toarray()
    a[3, 3] = 4.5
    assert _gehele_rijgrenzen(replace(k, A=sp.csr_array(a)))[1][3] == 5.000005
