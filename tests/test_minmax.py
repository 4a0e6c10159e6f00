"""Min-max levels in whole persons (`allocatie.model.minmax`) and the proof that uses them.

- `minmax` reads the rows ``y - b z <= a`` of ``eerlijkheid`` and ``overvulling``
  back as (y, a, b) and maps every count column to its gemeente's row.
- `grenzen`/`strikt` are the integer bounds of "value <= z" and "value < z".
- `normaliseer` keeps every row, never raises a level, and leaves whole persons.
- Holding a min-max level as rounded bounds cuts off no integer solution: the
  lexicographic optimum with the bounds equals the one without (brute force on
  small rounds through `los_op`, and the plain level-by-level MIP).
- `mz.minmax_bewijs` proves a min-max optimum that the LP bound does not
  reach, on a hand example: two gemeenten with taakstelling 4 share 3 persons of
  over-fulfilment; the LP spreads 1.5 each (0.375), whole persons give 2 + 1 (0.5).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from bouwers import haalbaar, los_niveaus, twee_gemeenten, uit_synthetisch, willekeurige_ronde

from allocatie.model.bouw import bouw_model
from allocatie.model.minmax import MinMax, minmax, normaliseer
from allocatie.model.start import gretige_start
from allocatie.solvers import SolverOpties, Status, kies_backend
from allocatie.strategie import deelmip as dm
from allocatie.strategie import minmaxzoek as mz
from allocatie.strategie import vangnet as vn


def test_grenzen_en_strikt() -> None:
    mm = MinMax(
        z=0,
        y=np.array([1, 2, 3]),
        a=np.array([0.0, 2.0, 0.0]),
        b=np.array([4.0, 13.0, 8.0]),
        x_rij=np.array([], dtype=np.int64),
    )
    # value <= 0.25: y <= a + b z rounded down (1, 5.25 -> 5, 2)
    np.testing.assert_array_equal(mm.grenzen(0.25), [1.0, 5.0, 2.0])
    # value < 0.25: one less where a + b z is whole, the floor elsewhere
    np.testing.assert_array_equal(mm.strikt(0.25), [0.0, 5.0, 1.0])
    # A value computed from whole persons (3/8) rounds back exactly.
    np.testing.assert_array_equal(mm.grenzen(3 / 8)[2], 3.0)
    np.testing.assert_array_equal(mm.strikt(3 / 8)[2], 2.0)
    v = np.array([0.0, 1.0, 7.0, 2.0])
    assert mm.waarde(v) == pytest.approx(max(1 / 4, 5 / 13, 2 / 8))
    # The first whole-person ratios from 0.26 on: 2/4, (6 - 2)/13 and 3/8; the smallest is 4/13.
    assert mm.volgende(0.26) == pytest.approx(4 / 13)
    assert mm.volgende(0.25) == pytest.approx(0.25)  # reached exactly (1/4, 2/8)
    assert mm.grenzen(mm.volgende(0.3))[1] == 6.0  # the bound admits that value


@pytest.mark.parametrize("seed", [3, 11])
def test_minmax_leest_de_rijen_terug(seed: int) -> None:
    inst = uit_synthetisch(8, 120, seed)
    model = bouw_model(inst)
    gem = inst.gemeenten
    opgave = gem["opgave"].to_numpy(float)
    vloer = np.maximum(0.0, opgave - gem["aanbod_personen"].to_numpy(float))
    fg = np.flatnonzero(opgave > 0)

    e = minmax(model, "eerlijkheid")
    assert e is not None and e.z == model.kolommen["zmax"].start
    np.testing.assert_array_equal(e.y, model.kolommen["tekort"].start + fg)
    np.testing.assert_allclose(e.b, opgave[fg])
    np.testing.assert_allclose(e.a, vloer[fg])

    o = minmax(model, "overvulling")
    assert o is not None and o.z == model.kolommen["omax"].start
    np.testing.assert_array_equal(o.y, model.kolommen["over"].start + np.arange(len(gem)))
    np.testing.assert_allclose(o.b, np.maximum(1.0, gem["taakstelling"].to_numpy(float)))
    np.testing.assert_allclose(o.a, 0.0)
    assert minmax(model, "kosten") is None

    # Each count column belongs to the gemeente of its option.
    need = model.rijen["need"]
    nb = model.A[need.start : need.stop, model.kolommen["x"]].tocoo()
    gemeente = np.empty(model.typen.n_paren, dtype=np.int64)
    gemeente[nb.col] = nb.row
    np.testing.assert_array_equal(o.x_rij, gemeente)
    rij = {g: i for i, g in enumerate(fg.tolist())}
    np.testing.assert_array_equal(e.x_rij, [rij.get(g, -1) for g in gemeente.tolist()])
    # ergste: the counts into the gemeente with the largest ratio
    v = gretige_start(model, opgave)
    slechtste = int(np.argmax((v[o.y] - o.a) / o.b))
    np.testing.assert_array_equal(o.ergste(v, 1), gemeente == slechtste)


@pytest.mark.parametrize("seed", [1, 2, 5, 8])
def test_normaliseer_houdt_rijen_en_verbetert_elk_niveau(seed: int) -> None:
    inst = willekeurige_ronde(seed, gemeenten=(3, 6), huishoudens=(10, 25), opties=(2, 5))
    model = bouw_model(inst)
    v = gretige_start(model, inst.gemeenten["opgave"].to_numpy(float))
    # Spoil the point: both tekort and over up by 2.5, zmax and omax at their bound.
    tek, ov = model.kolommen["tekort"], model.kolommen["over"]
    v[tek] += 2.5
    v[ov] += 2.5
    v[model.kolommen["zmax"]] = 1.0
    v[model.kolommen["omax"]] = 50.0
    model = replace(model, kol_boven=np.full(model.n_kolommen, np.inf))
    w = normaliseer(model, v)
    haalbaar(model, w)
    assert (np.minimum(w[tek], w[ov]) == 0).all()
    np.testing.assert_array_equal(w[tek], np.round(w[tek]))
    for naam, c in model.doelen.items():
        assert c @ w <= c @ v + 1e-9, naam
    for naam in ("eerlijkheid", "overvulling"):
        mm = minmax(model, naam)
        assert mm is not None
        assert w[mm.z] == pytest.approx(mm.waarde(w))


@pytest.mark.parametrize("i", range(4))
def test_afgeronde_grenzen_snijden_geen_oplossing_af(i: int) -> None:
    """Lexicographic optimum with held min-max levels as rounded bounds = without them."""
    inst = [uit_synthetisch(8, 120, 3), uit_synthetisch(8, 120, 11)][i % 2]
    if i >= 2:
        inst = willekeurige_ronde(i, gemeenten=(4, 6), huishoudens=(15, 25), opties=(2, 5))
    model = bouw_model(inst)
    volgorde = ("onbediend", "tekort", "eerlijkheid", "overvulling", "kosten")
    zonder, _ = los_niveaus(model, volgorde)
    backend = kies_backend("highs")
    opties = SolverOpties(tijdslimiet_s=60, gap_relatief=0.0)
    A, onder, boven = model.A, model.rij_onder, model.rij_boven
    kb = model.kol_boven.copy()
    v = None
    for naam, w0 in zip(volgorde, zonder, strict=True):
        c = model.doelen[naam]
        p = dm.niveauprobleem(model, c, A, onder, boven, v, naam, kb)
        uit = backend.los_op(p, opties, 60)
        assert uit.status is Status.OPTIMAAL and uit.x is not None
        v = normaliseer(model, uit.x)
        w = float(c @ v)
        assert w == pytest.approx(w0, abs=1e-6), naam
        houd = w + 1e-6 * max(1.0, abs(w))
        A, onder, boven = dm.houd_vast(A, onder, boven, c, houd)
        kb = dm.houd_minmax(minmax(model, naam), houd, kb, model.kol_onder)
        haalbaar(replace(model, A=A, rij_onder=onder, rij_boven=boven, kol_boven=kb), v)


def test_elastisch_nul_precies_als_de_grenzen_passen() -> None:
    p, mm = twee_gemeenten()
    backend = kies_backend("highs")
    opties = SolverOpties()
    onder_half = backend.los_lp_op(mz.elastisch(p, mm.y, mm.strikt(0.5)), opties, 10)
    assert onder_half.objectief == pytest.approx(1.0)  # y1 + y2 <= 2 misses 3 by 1
    tot_half = backend.los_lp_op(mz.elastisch(p, mm.y, mm.grenzen(0.5)), opties, 10)
    assert tot_half.objectief == pytest.approx(0.0)


def test_minmax_bewijs_sluit_de_gap_die_de_lp_openlaat() -> None:
    p, mm = twee_gemeenten()
    backend = kies_backend("highs")
    opties = SolverOpties()
    lp = backend.los_lp_op(p, opties, 10)
    assert lp.objectief == pytest.approx(0.375)
    beste = np.array([0.5, 2.0, 1.0])
    x, w, grens = mz.minmax_bewijs(
        backend,
        p,
        opties,
        mm,
        beste,
        0.5,
        0.375,
        vn.Vangnet(time.perf_counter() + 10),
        lp.kolomduaal,
        None,
        None,
    )
    assert w == 0.5 and grens == 0.5
    np.testing.assert_array_equal(x, beste)


def test_minmax_bewijs_vindt_een_beter_punt() -> None:
    """From a poor start (3 + 0: 0.75) the test finds 2 + 1 (0.5) and then proves it."""
    p, mm = twee_gemeenten()
    backend = kies_backend("highs")
    opties = SolverOpties()
    lp = backend.los_lp_op(p, opties, 10)
    x, w, grens = mz.minmax_bewijs(
        backend,
        p,
        opties,
        mm,
        np.array([0.75, 3.0, 0.0]),
        0.75,
        0.375,
        vn.Vangnet(time.perf_counter() + 10),
        lp.kolomduaal,
        None,
        None,
    )
    assert w == pytest.approx(0.5) and grens == pytest.approx(0.5)
    assert sorted(np.round(x[1:]).tolist()) == [1.0, 2.0]


def test_boven_is_de_eerste_waarde_erboven() -> None:
    mm = MinMax(
        z=0,
        y=np.array([1, 2]),
        a=np.array([0.0, 2.0]),
        b=np.array([4.0, 13.0]),
        x_rij=np.array([], dtype=np.int64),
    )
    # Reached values: k/4 and (k - 2)/13; strictly above 0.25: 2/4 and 4/13 -> 4/13.
    assert mm.boven(0.25) == pytest.approx(4 / 13)
    assert mm.boven(0.26) == pytest.approx(4 / 13)
    assert mm.boven(4 / 13) == pytest.approx(5 / 13)  # a reached value itself is not above it
    for z in np.linspace(0.0, 1.0, 37):
        w = mm.boven(z)
        assert w > z
        # Nothing reachable lies strictly between z and boven(z).
        assert mm.volgende(z + 1e-12) == pytest.approx(w) or mm.volgende(z) == pytest.approx(z)


def test_warme_lp_gelijk_aan_koude_lp() -> None:
    """After bound changes the warm LP equals a cold LP with them, or proves infeasibility."""
    inst = uit_synthetisch(8, 120, 3)
    model = bouw_model(inst)
    mm = minmax(model, "eerlijkheid")
    assert mm is not None
    c = model.doelen["eerlijkheid"]
    p = dm.niveauprobleem(model, c, model.A, model.rij_onder, model.rij_boven, None, "eerlijkheid")
    backend = kies_backend("highs")
    opties = SolverOpties()
    lp = backend.los_lp_op(p, opties, 30, warm=True)
    assert lp.warm is not None and lp.objectief is not None
    rng = np.random.default_rng(0)
    for _ in range(6):
        kb = p.kol_boven.copy()
        # Random whole-person bounds on tekort, some below the LP point.
        kb[mm.y] = np.maximum(0.0, np.floor(lp.x[mm.y] * rng.uniform(0.3, 1.5, len(mm.y))))
        ro = p.rij_onder.copy()
        warm = lp.warm.los_op(p.kol_onder, kb, ro, p.rij_boven, 30)
        koud = backend.los_lp_op(replace(p, kol_boven=kb), opties, 30)
        if koud.status is Status.OPTIMAAL:
            assert warm.status is Status.OPTIMAAL
            assert warm.objectief == pytest.approx(koud.objectief, abs=1e-7)
        else:
            assert warm.status is Status.ONHAALBAAR
    # Unchanged bounds: the first LP again.
    weer = lp.warm.los_op(p.kol_onder, p.kol_boven, p.rij_onder, p.rij_boven, 30)
    assert weer.objectief == pytest.approx(lp.objectief, abs=1e-9)
    lp.warm.sluit()
    assert lp.warm.los_op(p.kol_onder, p.kol_boven, p.rij_onder, p.rij_boven, 30).x is None


def test_warme_grens_bewijst_op_het_handvoorbeeld() -> None:
    """LP bound 0.375; in whole persons nothing below 0.5, so the bound rises to the optimum 0.5."""
    p, mm = twee_gemeenten()
    backend = kies_backend("highs")
    lp = backend.los_lp_op(p, SolverOpties(), 10, warm=True)
    assert lp.warm is not None
    tot = time.perf_counter() + 10
    grens, punt = mz.warme_grens(lp.warm, p, mm, 0.375, 0.5, tot, 1e-4)
    assert grens == 0.5 and punt is None
    # From the poor start 0.75 the point below it is returned and the bound still reaches 0.5.
    grens, punt = mz.warme_grens(lp.warm, p, mm, 0.375, 0.75, tot, 1e-4)
    assert grens == pytest.approx(0.5)
    assert punt is not None and punt.x is not None
    assert np.all(punt.x[mm.y] <= mm.strikt(0.75) + 1e-9)


class _TelLp:
    """A warm LP that counts its solves."""

    def __init__(self, warm: object) -> None:
        self.warm, self.keren = warm, 0

    def los_op(self, *args: object) -> object:
        self.keren += 1
        return self.warm.los_op(*args)  # type: ignore[attr-defined]


def test_warme_grens_op_een_haalbare_grens_bisecteert_niet() -> None:
    """A bound that whole persons already reach: one LP at the bound, no bisection."""
    p, mm = twee_gemeenten()
    lp = kies_backend("highs").los_lp_op(p, SolverOpties(), 10, warm=True)
    assert lp.warm is not None
    tel = _TelLp(lp.warm)
    tot = time.perf_counter() + 10
    # 0.5 is the optimum: the LP in whole persons is feasible there.
    grens, punt = mz.warme_grens(tel, p, mm, 0.5, 0.75, tot, 1e-4, stappen=12)  # type: ignore[arg-type]
    assert grens == pytest.approx(0.5) and punt is not None
    assert tel.keren == 2  # "strictly below 0.75", then "at most 0.5"
    # From the LP bound the test at the bound fails and the bound still reaches 0.5.
    tel.keren = 0
    grens, _ = mz.warme_grens(tel, p, mm, 0.375, 0.75, tot, 1e-4, stappen=12)  # type: ignore[arg-type]
    assert grens == pytest.approx(0.5) and tel.keren > 2


@pytest.mark.parametrize("seed", [3, 11])
def test_warme_grens_nooit_boven_het_optimum(seed: int) -> None:
    """The bound from the rounded LPs lies between the LP bound and the true MIP optimum."""
    inst = uit_synthetisch(8, 120, seed)
    model = bouw_model(inst)
    volgorde = ("onbediend", "tekort", "eerlijkheid")
    waarden, _ = los_niveaus(model, volgorde)
    A, onder, boven = model.A, model.rij_onder, model.rij_boven
    for naam, w in zip(volgorde[:2], waarden[:2], strict=True):
        A, onder, boven = dm.houd_vast(A, onder, boven, model.doelen[naam], w + 1e-6 * max(1.0, w))
    mm = minmax(model, "eerlijkheid")
    assert mm is not None
    p = dm.niveauprobleem(model, model.doelen["eerlijkheid"], A, onder, boven, None, "eerlijkheid")
    lp = kies_backend("highs").los_lp_op(p, SolverOpties(), 30, warm=True)
    assert lp.warm is not None and lp.objectief is not None
    optimum = waarden[2]
    grens, _ = mz.warme_grens(lp.warm, p, mm, lp.objectief, 1.0, time.perf_counter() + 30, 1e-4)
    assert lp.objectief - 1e-9 <= grens <= optimum + 1e-9
    # On these two rounds whole persons lift the bound from the LP (0.0204 and 0.0556)
    # to the optimum (3/128 and 1/17).
    assert grens == pytest.approx(optimum, abs=1e-9) and grens > lp.objectief + 1e-4
