"""Work on the second core in `allocatie.solve`, each device against a plain computation.

- `_gehele_waarde` / `_verwachte_waarde`: which levels take whole values and
  the value a level is expected to reach from its LP bound.
- `_Vooruit`: the LP of the next level, started early with a guessed hold, is
  handed over only when the level ended at or below the guess; otherwise it
  is stopped.
- A whole solve with the early LPs reaches the same level values as one
  without, with valid bounds, and really uses them.
- `_Bewijzer`: the min-max test run in the background proves a level optimal
  exactly when no solution is below its value.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import replace

import numpy as np
import pytest
from test_aggregatie import uit_synthetisch
from test_minmax import _twee_gemeenten

from allocatie import los_op, solve
from allocatie.model.bouw import bouw_model
from allocatie.result import NiveauUitkomst
from allocatie.solvers import SolverOpties, Status, kies_backend
from allocatie.solvers.base import LpUitkomst


def test_gehele_waarde_per_niveau() -> None:
    inst = uit_synthetisch(8, 120, 3)
    model = bouw_model(inst)
    d = model.doelen
    assert solve._gehele_waarde(model, d["onbediend"])
    assert solve._gehele_waarde(model, d["tekort"])
    assert not solve._gehele_waarde(model, d["eerlijkheid"])  # a ratio
    assert not solve._gehele_waarde(model, d["overvulling"])
    # Whole weights on a continuous column that is not whole persons: not whole.
    c = np.zeros(model.n_kolommen)
    c[model.kolommen["zmax"]] = 1.0
    assert not solve._gehele_waarde(model, c)
    # Whole columns with a fractional weight: not whole.
    c = d["onbediend"] * 0.5
    assert not solve._gehele_waarde(model, c)


def test_verwachte_waarde() -> None:
    inst = uit_synthetisch(8, 120, 3)
    model = bouw_model(inst)
    d = model.doelen
    assert solve._verwachte_waarde(model, d["tekort"], 2949.88, 0.005, None) == 2950.0
    assert solve._verwachte_waarde(model, d["onbediend"], 142.0, 0.005, None) == 142.0
    assert solve._verwachte_waarde(model, d["onbediend"], 141.9999999, 0.005, None) == 142.0
    # Not whole-valued: the edge of the gap.
    g = solve._verwachte_waarde(model, d["eerlijkheid"], 0.2132, 0.005, None)
    assert g == solve._doelwaarde(0.2132, 0.005)


def _klaar(lp: LpUitkomst) -> Future[LpUitkomst]:
    f: Future[LpUitkomst] = Future()
    f.set_result(lp)
    return f


def test_vooruit_alleen_bij_een_houd_binnen_de_gok() -> None:
    lp = LpUitkomst(Status.OPTIMAAL, np.zeros(2), 1.5, np.zeros(1), np.zeros(2), 0.1)
    stop = threading.Event()
    v = solve._Vooruit(_klaar(lp), 10.0, stop)
    assert v.uitkomst(10.0) is lp  # held exactly at the guess: a relaxation
    assert v.uitkomst(9.0) is lp  # tighter: still a relaxation
    assert not stop.is_set()
    assert v.uitkomst(10.000001) is None  # looser than the LP: not a bound
    assert stop.is_set()
    # An LP that did not finish is never handed over.
    half = LpUitkomst(Status.TIJDSLIMIET, None, None, None, None, 0.1)
    assert solve._Vooruit(_klaar(half), 10.0, threading.Event()).uitkomst(5.0) is None


@pytest.mark.parametrize("seed", [3, 11])
def test_vooruit_zelfde_waarden_en_geldige_grenzen(
    seed: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    inst = uit_synthetisch(10, 200, seed)
    opties = replace(inst.solver, tijdslimiet_s=60, gap_relatief=0.0)
    with caplog.at_level(logging.INFO, logger="allocatie.solve"):
        met = los_op(inst, opties)
    assert "gebruikt" in caplog.text  # the early LPs really ran and were used
    with monkeypatch.context() as m:
        m.setattr(solve._Vooruitloper, "start", lambda *a, **k: False)
        zonder = los_op(inst, opties)
    for a, b in zip(met.niveaus, zonder.niveaus, strict=True):
        assert a.naam == b.naam
        assert a.waarde == pytest.approx(b.waarde, rel=1e-6, abs=1e-6), a.naam
        assert a.grens is not None and a.waarde is not None
        assert a.grens <= a.waarde + 1e-6 * max(1.0, abs(a.waarde)), a.naam


@pytest.mark.parametrize("seed", [1, 4])
def test_vooruit_met_te_krappe_gok_blijft_juist(
    seed: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A guess at the bare LP bound (below what a level reaches when it has an
    integrality gap): such early LPs are not used, values and bounds stay right."""
    inst = uit_synthetisch(10, 200, seed)
    opties = replace(inst.solver, tijdslimiet_s=60, gap_relatief=0.0)
    with monkeypatch.context() as m:
        m.setattr(solve._Vooruitloper, "start", lambda *a, **k: False)
        zonder_vooruit = los_op(inst, opties)
    monkeypatch.setattr(solve, "_verwachte_waarde", lambda model, c, grens, gap, mm: grens)
    with caplog.at_level(logging.INFO, logger="allocatie.solve"):
        res = los_op(inst, opties)
    assert "niet bruikbaar" in caplog.text
    for a, b in zip(res.niveaus, zonder_vooruit.niveaus, strict=True):
        assert a.waarde == pytest.approx(b.waarde, rel=1e-6, abs=1e-6), a.naam
        assert a.grens is not None and a.waarde is not None
        assert a.grens <= a.waarde + 1e-6 * max(1.0, abs(a.waarde)), a.naam


def _niveau(waarde: float) -> NiveauUitkomst:
    return NiveauUitkomst("overvulling", Status.TIJDSLIMIET, waarde, 0.375, 0.1, waarde, 1.0)


def test_bewijzer_bewijst_alleen_een_optimum() -> None:
    p, mm = _twee_gemeenten()  # LP 0.375; the best whole split 2 + 1 gives 0.5
    backend = kies_backend("highs")
    opties = SolverOpties()
    b = solve._Bewijzer(backend, opties, deadline=float("inf"))
    try:
        b.start("overvulling", p, mm, 0.5)
        (n,) = b.pas_toe([_niveau(0.5)])
        assert n.status is Status.OPTIMAAL and n.grens == 0.5 and n.gap == 0.0
        # 0.75 (3 + 0) is not optimal: 2 + 1 is below it, so no proof.
        b.start("overvulling", p, mm, 0.75)
        (n,) = b.pas_toe([_niveau(0.75)])
        assert n.status is Status.TIJDSLIMIET and n.grens == 0.375
    finally:
        b.sluit()
