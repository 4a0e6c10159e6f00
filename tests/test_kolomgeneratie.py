"""Column generation on the levels without costs, and the warm LP it leaves a min-max level.

`lp_met_kolomgeneratie` now solves every level of a large model (onbediend,
tekort and the ratios too, not only kosten): the value must be the full LP's,
its duals must give a finite bound (`duale_grens`, which `houd_vlak` needs), and
on a min-max level the whole LP it keeps warm must answer bound changes exactly
as a cold LP of the changed problem does.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from bouwers import uit_synthetisch

from allocatie.model.bouw import AllocatieModel, bouw_model
from allocatie.model.minmax import minmax
from allocatie.model.start import gretige_start
from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.strategie import Instellingen
from allocatie.strategie import deelmip as dm
from allocatie.strategie.lp import duale_grens, lp_met_kolomgeneratie


@pytest.fixture(scope="module", params=[7, 19])
def grof(request: pytest.FixtureRequest) -> tuple[AllocatieModel, np.ndarray]:
    inst = uit_synthetisch(12, 300, request.param)
    model = bouw_model(inst, kosten=False)
    return model, gretige_start(model, inst.gemeenten["opgave"].to_numpy(float))


def _niveau(model: AllocatieModel, v: np.ndarray, naam: str) -> MipProbleem:
    """The LP of level ``naam`` with ``onbediend`` held at the greedy start (not for onbediend)."""
    A, onder, boven = model.A, model.rij_onder, model.rij_boven
    if naam != "onbediend":
        c_onb = model.doelen["onbediend"]
        A, onder, boven = dm.houd_vast(A, onder, boven, c_onb, float(c_onb @ v) + 1e-6)
    return dm.niveauprobleem(model, model.doelen[naam], A, onder, boven, v, naam)


@pytest.mark.parametrize("naam", ["onbediend", "tekort", "eerlijkheid", "overvulling"])
def test_kolomgeneratie_zonder_kosten_geeft_de_volle_lp(
    grof: tuple[AllocatieModel, np.ndarray], naam: str
) -> None:
    model, v = grof
    p = _niveau(model, v, naam)
    x = model.kolommen["x"]
    assert not np.any(p.c[x]), "a level whose count columns cost nothing"
    backend = kies_backend("highs")
    vol = backend.los_lp_op(p, SolverOpties(), 60)  # type: ignore[attr-defined]
    kg = lp_met_kolomgeneratie(backend, p, SolverOpties(gap_relatief=0.0), 60, x, Instellingen())
    assert kg.status is Status.OPTIMAAL and kg.objectief is not None and kg.x is not None
    assert vol.objectief is not None
    assert kg.objectief == pytest.approx(vol.objectief, rel=1e-7, abs=1e-7)
    r = p.A @ kg.x
    assert (r >= p.rij_onder - 1e-6).all() and (r <= p.rij_boven + 1e-6).all()
    # Its duals bound the LP from below, finitely (round-off zeroed): what holding
    # the level by bounds (`houd_vlak`, exact reduced costs) starts from.
    assert kg.rijduaal is not None
    g, _, _ = duale_grens(p, kg.rijduaal, nul=0.0)
    assert np.isfinite(g)
    assert g == pytest.approx(vol.objectief, rel=1e-6, abs=1e-6)
    assert g <= vol.objectief + 1e-7


@pytest.mark.parametrize("naam", ["eerlijkheid", "overvulling"])
@pytest.mark.parametrize("vroeg", [False, True])
def test_warme_lp_uit_kolomgeneratie_is_de_volle_lp(
    grof: tuple[AllocatieModel, np.ndarray], naam: str, vroeg: bool
) -> None:
    model, v = grof
    p = _niveau(model, v, naam)
    mm = minmax(model, naam)
    assert mm is not None
    backend = kies_backend("highs")
    opties = SolverOpties(gap_relatief=0.005)
    # ``vroeg``: stop after the first round whatever the columns left out could do;
    # the warm LP is then not at the subset's optimum, but still the whole LP.
    ins = Instellingen(kolomgeneratie_rest=1e12 if vroeg else 0.0)
    kg = lp_met_kolomgeneratie(backend, p, opties, 60, model.kolommen["x"], ins, warm=True)
    assert kg.warm is not None
    vol = backend.los_lp_op(p, opties, 60)  # type: ignore[attr-defined]
    assert vol.objectief is not None
    zelfde = kg.warm.los_op(p.kol_onder, p.kol_boven, p.rij_onder, p.rij_boven, 60)
    assert zelfde.status is Status.OPTIMAAL and zelfde.objectief is not None
    assert zelfde.objectief == pytest.approx(vol.objectief, rel=1e-7, abs=1e-7)
    # The tests in whole persons: the level's ratio columns capped lower and lower,
    # from above the LP value to below it, with a few count columns closed as the
    # descent's neighbourhoods do; last every count column closed (infeasible:
    # onbediend is held).
    rng = np.random.default_rng(5)
    xs = np.arange(model.kolommen["x"].start, model.kolommen["x"].stop)
    gevallen = []
    for f in (3.0, 1.5, 0.9, 0.0):
        kb = dm.houd_minmax(mm, f * vol.objectief, p.kol_boven, p.kol_onder)
        kb[rng.choice(xs, size=len(xs) // 100, replace=False)] = 0.0
        gevallen.append(kb)
    dicht = p.kol_boven.copy()
    dicht[xs] = 0.0
    gevallen.append(dicht)
    for kb in gevallen:
        koud = backend.los_lp_op(replace(p, kol_boven=kb), opties, 60)  # type: ignore[attr-defined]
        warm = kg.warm.los_op(p.kol_onder, kb, p.rij_onder, p.rij_boven, 60)
        # A cold LP reports no optimum for an infeasible one (no proof kept).
        assert (warm.status is Status.OPTIMAAL) == (koud.status is Status.OPTIMAAL)
        if koud.status is Status.OPTIMAAL:
            assert warm.objectief == pytest.approx(koud.objectief, rel=1e-7, abs=1e-7)
    assert warm.status is Status.ONHAALBAAR
    kg.warm.sluit()


class _RuisSessie:
    """An LP session whose row duals carry simplex round-off (-1e-13) where they are 0."""

    def __init__(self, sessie: object) -> None:
        self._s = sessie

    def los_op(self, tijdslimiet_s: float) -> tuple[object, np.ndarray | None]:
        uit, y = self._s.los_op(tijdslimiet_s)  # type: ignore[attr-defined]
        if y is not None:
            y = np.where(y == 0, -1e-13, y)
        return uit, y

    def __getattr__(self, naam: str) -> object:
        return getattr(self._s, naam)


class _RuisBackend:
    def __init__(self) -> None:
        self._b = kies_backend("highs")
        self.naam = self._b.naam
        self.vermogens = self._b.vermogens

    def lp_sessie(self, *a: object) -> _RuisSessie:
        return _RuisSessie(self._b.lp_sessie(*a))  # type: ignore[attr-defined]


def test_afrondruis_in_de_dualen_geeft_toch_een_eindige_grens(
    grof: tuple[AllocatieModel, np.ndarray],
) -> None:
    model, v = grof
    p = _niveau(model, v, "tekort")
    vol = kies_backend("highs").los_lp_op(p, SolverOpties(), 60)  # type: ignore[attr-defined]
    kg = lp_met_kolomgeneratie(
        _RuisBackend(),  # type: ignore[arg-type]
        p,
        SolverOpties(gap_relatief=0.0),
        60,
        model.kolommen["x"],
        Instellingen(),
    )
    assert kg.rijduaal is not None and vol.objectief is not None
    # Raw, such duals make a column of infinite range (tekort, over) go the wrong way.
    g, _, _ = duale_grens(p, kg.rijduaal, nul=0.0)
    assert g == pytest.approx(vol.objectief, rel=1e-6, abs=1e-6)


class _TelSessie:
    """An LP session that records how many count columns of each type every round adds."""

    def __init__(self, sessie: object, rondes: list[list[int]]) -> None:
        self._s, self._rondes = sessie, rondes

    def voeg_kolommen_toe(self, c: np.ndarray, A: object, onder: object, boven: object) -> None:
        # Column j of a count block has its type's ``assign`` row as its first row.
        eerste = A.indices[A.indptr[:-1]]  # type: ignore[attr-defined]
        self._rondes.append(np.bincount(eerste).tolist())
        self._s.voeg_kolommen_toe(c, A, onder, boven)  # type: ignore[attr-defined]

    def __getattr__(self, naam: str) -> object:
        return getattr(self._s, naam)


class _TelBackend:
    def __init__(self, rondes: list[list[int]]) -> None:
        self._b = kies_backend("highs")
        self.naam, self.vermogens, self.rondes = self._b.naam, self._b.vermogens, rondes

    def lp_sessie(self, *a: object) -> _TelSessie:
        return _TelSessie(self._b.lp_sessie(*a), self.rondes)  # type: ignore[attr-defined]


@pytest.mark.parametrize("per_type", [0, 1, 3])
def test_kostenniveau_met_beperkte_aanvulling_geeft_de_volle_lp(per_type: int) -> None:
    """Partial pricing on the cost level: at most ``per_type`` new count columns per type
    and round, and still the full LP's value (0: every column of negative reduced cost)."""
    inst = uit_synthetisch(12, 300, 5)
    model = bouw_model(inst)
    v = gretige_start(model, inst.gemeenten["opgave"].to_numpy(float))
    p = _niveau(model, v, "kosten")
    x = model.kolommen["x"]
    assert np.any(p.c[x]), "the cost level weighs its count columns"
    vol = kies_backend("highs").los_lp_op(p, SolverOpties(), 60)  # type: ignore[attr-defined]
    rondes: list[list[int]] = []
    ins = Instellingen(per_type=1, erbij_per_type=per_type, kolomgeneratie_rest=0.0)
    kg = lp_met_kolomgeneratie(
        _TelBackend(rondes),  # type: ignore[arg-type]
        p,
        SolverOpties(gap_relatief=0.0),
        60,
        x,
        ins,
    )
    assert kg.status is Status.OPTIMAAL and vol.objectief is not None
    assert kg.objectief == pytest.approx(vol.objectief, rel=1e-7, abs=1e-7)
    assert rondes, "the first subset (one column per type) is not yet the LP optimum"
    grootste = max(max(r) for r in rondes)
    if per_type:
        assert grootste <= per_type
    else:
        assert grootste > 3  # unlimited: some type gains more than the limits above
