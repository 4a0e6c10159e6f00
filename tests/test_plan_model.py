"""The planning model: decomposition = extensive form, policy order, cuts, paths identical.

Instances come from `planbouwers.planinstantie` (seeded, small). The
brute-force check of the optimum over every first-stage decision is in
test_plan_bruteforce.py; the independent recomputation of every rule in
test_plan_controle.py.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from planbouwers import planinstantie

from allocatie.kern.errors import ConfiguratieFout
from allocatie.kern.sweep import SCHEDULER_VARIABELE
from allocatie.planning.model.benders import los_benders_op
from allocatie.planning.model.bouw import Beperking, Plan, bouw_planmodel
from allocatie.planning.model.oplossen import evalueer, los_plan_op
from allocatie.planning.uitvoer.vergelijking import kies_methode, plan_flexcapaciteit
from allocatie.solvers import SolverOpties, Status
from allocatie.solvers.highs import HighsSessie

EXACT = SolverOpties(tijdslimiet_s=60, gap_relatief=1e-9)

GEVALLEN = [
    pytest.param({}, id="verwachting"),
    pytest.param({"cvar": True}, id="cvar"),
    pytest.param({"verplaatsing": True, "max_modules": 3}, id="verplaatsing"),
    pytest.param({"doorstroom": 0.2, "cvar": True}, id="doorstroom-cvar"),
]


@pytest.fixture(autouse=True)
def geen_scheduler_uit_omgeving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_VARIABELE, raising=False)


@pytest.mark.parametrize("extra", GEVALLEN)
@pytest.mark.parametrize("seed", [1, 2])
def test_benders_vindt_het_optimum_van_de_extensieve_vorm(extra: dict, seed: int) -> None:
    """Both methods prove the same optimum; Benders' bound never exceeds it."""
    inst = planinstantie(seed, **extra)
    ext = los_plan_op(inst, opties=EXACT)
    assert ext.status is Status.OPTIMAAL
    optimum = ext.grens
    assert optimum is not None
    b = los_benders_op(inst, opties=SolverOpties(tijdslimiet_s=60, gap_relatief=1e-7))
    assert b.status is Status.OPTIMAAL and b.plan is not None
    assert b.grens is not None and b.objectief is not None
    assert b.grens <= optimum * (1 + 1e-6) + 1e-3
    assert b.objectief == pytest.approx(ext.doel, rel=1e-6)
    # the bound history is monotone in the MIP phase, never above the final objective
    mip = [h for h in b.historie if h[0] == "mip"]
    assert all(lo <= b.objectief * (1 + 1e-9) for _, lo, _, _ in mip)
    # the plan Benders returns, evaluated on its own, has the objective it claims
    u = evalueer(inst, b.plan, beleid="stochastisch", opties=EXACT)
    assert u.doel == pytest.approx(b.objectief, rel=1e-7)


@pytest.mark.parametrize("extra", GEVALLEN)
def test_evaluatie_geeft_het_doel_van_de_oplossing(extra: dict) -> None:
    """Evaluating the solved plan per scenario reproduces the solver's objective."""
    inst = planinstantie(3, **extra)
    u = los_plan_op(inst, opties=EXACT)
    assert u.plan is not None
    e = evalueer(inst, u.plan, beleid="stochastisch", opties=EXACT)
    assert e.doel == pytest.approx(u.doel, rel=1e-7)
    np.testing.assert_allclose(e.beschikbaar, u.beschikbaar)
    # batches of one scenario give the same per-scenario costs as one batch
    np.testing.assert_allclose(e.kosten_tweede, u.kosten_tweede, rtol=1e-6, atol=1e-3)


def test_snijvlakken_zijn_ondergrenzen() -> None:
    """Q_{s,r} is convex in the availability: every cut stays below the true value."""
    inst = planinstantie(4, regios=2, perioden=5, scenarios=4, doorstroom=0.1)
    r_n, f_n, t_n = 2, 2, 5
    rng = np.random.default_rng(0)
    plaatsen = np.array([f.plaatsen for f in inst.flextypen])

    def q_en_g(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Q_{s,r} and its subgradient for linking values n = (availability, afname)."""
        m = bouw_planmodel(inst, deel="sub", beschikbaar=n[:, 0], afname=n[:, 1])
        uit, duaal = HighsSessie(m.probleem, EXACT, geheel=False).los_op(30)
        assert uit.x is not None and duaal is not None
        q = (m.q_regio @ uit.x).reshape(-1, r_n)
        y = np.stack([duaal[m.capaciteit], duaal[m.verdringing]], axis=2)
        return q, plaatsen[None, None, None, :, None] * y

    n0 = rng.integers(0, 6, (r_n, 2, f_n, t_n)).astype(float)
    q0, g0 = q_en_g(n0)
    for _ in range(6):
        n1 = rng.integers(0, 8, (r_n, 2, f_n, t_n)).astype(float)
        q1, _ = q_en_g(n1)
        schatting = q0 + np.einsum("srlft,rlft->sr", g0, n1 - n0)
        assert (q1 >= schatting - 1e-6 * np.abs(q1).max()).all()
    # a small step along one coordinate: the cut is tight (a subgradient)
    stap = np.zeros_like(n0)
    stap[0, 0, 0, -1] = 1e-3
    q2, _ = q_en_g(n0 + stap)
    assert q2[:, 0] == pytest.approx(q0[:, 0] + g0[:, 0, 0, 0, -1] * 1e-3, rel=1e-6, abs=1e-2)


def test_beleid_volgorde_en_waarden() -> None:
    """WS <= RP <= every restricted policy; VSS, value of scaling and of flex >= 0."""
    inst = planinstantie(5, scenarios=6)
    v = plan_flexcapaciteit(inst, opties=EXACT, workers=1)
    doel = {k: u.doel for k, u in v.uitkomsten.items()}
    assert list(doel) == [
        "stochastisch",
        "gemiddeld",
        "statisch",
        "geen_flex",
        "perfecte_informatie",
    ]
    rp = doel["stochastisch"]
    tol = 1e-6 * rp
    assert doel["perfecte_informatie"] <= rp + tol
    for b in ("gemiddeld", "statisch", "geen_flex"):
        assert doel[b] >= rp - tol, b
    assert v.vss is not None and v.vss >= -tol
    assert v.evpi is not None and v.evpi >= -tol
    assert v.waarde_flex is not None and v.waarde_flex >= -tol
    # the restrictions hold in the plans
    st = v.uitkomsten["statisch"].plan
    assert st is not None
    assert st.bestel[:, :, 1:].sum() == 0 and st.sluit.sum() == 0 and st.verplaats.sum() == 0
    gf = v.uitkomsten["geen_flex"].plan
    assert gf is not None and gf.bestel.sum() == 0
    assert v.uitkomsten["perfecte_informatie"].plan is None


def test_plan_voor_gemiddelde_scenario_is_slechter_bij_scheve_scenarios() -> None:
    """With a skewed inflow (rare surges) the mean-value plan is strictly worse: VSS > 0."""
    inst = planinstantie(6, scenarios=8, perioden=6)
    sc = inst.scenarios
    instroom = sc.instroom.copy()
    instroom[:2] *= 3.0  # two surge scenarios
    kansen = np.array([0.1, 0.1, *([0.8 / 6] * 6)])
    inst = replace(inst, scenarios=replace(sc, instroom=instroom, kansen=kansen))
    v = plan_flexcapaciteit(inst, vergelijk=("gemiddeld",), opties=EXACT, workers=1)
    assert v.vss is not None and v.vss > 1e-4 * v.stochastisch.doel


def test_methode_kiest_op_grootte() -> None:
    assert kies_methode(planinstantie(0)) == "extensief"
    groot = planinstantie(0, regios=2, perioden=6, scenarios=400)
    assert kies_methode(groot) == "benders"
    assert kies_methode(groot, "extensief") == "extensief"
    # A backend without live LP sessions (CBC): auto takes the extensive form, and an
    # explicit Benders is refused naming the option (it used to run HiGHS anyway).
    cbc = SolverOpties(backend="cbc")
    assert kies_methode(groot, "auto", cbc) == "extensief"
    assert kies_methode(groot, "auto", SolverOpties()) == "benders"
    with pytest.raises(ConfiguratieFout, match="Benders") as fout:
        kies_methode(groot, "benders", cbc)
    assert fout.value.kolom == "solver.backend"
    with pytest.raises(ValueError):
        kies_methode(groot, "simplex")


def test_plan_beschikbaarheid_volgt_de_voorraad() -> None:
    inst = planinstantie(7, verplaatsing=True)
    u = los_plan_op(inst, opties=EXACT)
    assert u.plan is not None
    np.testing.assert_allclose(u.plan.beschikbaar(inst), u.beschikbaar[0])
    leeg = Plan.leeg(inst)
    gf = los_plan_op(inst, Beperking("vast", leeg), opties=EXACT, beleid="geen_flex")
    np.testing.assert_allclose(gf.beschikbaar[0], leeg.beschikbaar(inst))


def test_dask_en_lokaal_geven_identieke_uitkomsten(cluster: str) -> None:
    """The same instance (seeded) gives bit-identical plans and figures on every path."""
    inst = planinstantie(8, scenarios=30, cvar=True)
    serieel = plan_flexcapaciteit(inst, opties=EXACT, workers=1)
    lokaal = plan_flexcapaciteit(inst, opties=EXACT, workers=2)
    dask = plan_flexcapaciteit(inst, opties=EXACT, scheduler=cluster)
    assert (serieel.pad, lokaal.pad, dask.pad) == ("serieel", "processen", "dask")
    for ander in (lokaal, dask):
        assert list(ander.uitkomsten) == list(serieel.uitkomsten)
        for k, u in serieel.uitkomsten.items():
            w = ander.uitkomsten[k]
            assert w.doel == u.doel, k
            np.testing.assert_array_equal(w.kosten_tweede, u.kosten_tweede)
            np.testing.assert_array_equal(w.achterstand, u.achterstand)
            if u.plan is not None:
                assert w.plan is not None
                np.testing.assert_array_equal(w.plan.bestel, u.plan.bestel)
                np.testing.assert_array_equal(w.plan.sluit, u.plan.sluit)
