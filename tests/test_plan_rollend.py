"""The rolling-horizon policy: a hand-derived instance, fixing the past, and every sweep path."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from planbouwers import planinstantie

from allocatie.kern.sweep import SCHEDULER_VARIABELE
from allocatie.planning.gegevens import Flextype, Kosten, Planinstantie, Regio, Scenarioset
from allocatie.planning.model.bouw import Beperking, Plan
from allocatie.planning.model.controle import verifieer_plan
from allocatie.planning.model.oplossen import los_plan_op
from allocatie.planning.model.rollend import rol_scenario, rollend, roltaken
from allocatie.solvers import SolverOpties

EXACT = SolverOpties(tijdslimiet_s=60, gap_relatief=1e-9)


@pytest.fixture(autouse=True)
def geen_scheduler_uit_omgeving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_VARIABELE, raising=False)


def hoog_of_laag() -> Planinstantie:
    """One region, one studio type, three periods, two equally likely scenarios.

    Inflow of singles per period: ``hoog`` 20, 20, 0; ``laag`` 0, 0, 0 (mean
    path 10, 10, 0). No regular supply, nobody waiting or housed at the start.
    A studio module: 10 places, ordered in ``t`` it is there from ``t + 1``
    (an order in the last period 2 cannot arrive), may close once it has been
    in use one period (ordered at 0: from period 2 on); openen 100,
    exploitatie 10 per period, sluiten 5, no residual value. Waiting costs 20
    per person per period, displacement 50.
    """
    sc = Scenarioset(
        ("R",),
        ("P0", "P1", "P2"),
        ("alleenstaand",),
        ("hoog", "laag"),
        np.full(2, 0.5),
        np.array([20.0, 20.0, 0.0, 0.0, 0.0, 0.0]).reshape(2, 1, 3, 1),
        np.zeros((2, 1, 3, 1)),
    )
    studio = Flextype(
        "studio", 10, ("alleenstaand",), openen=100, exploitatie=10, sluiten=5,
        levertijd=1, minimale_looptijd=1,
    )  # fmt: skip
    return Planinstantie((Regio("R"),), (studio,), Kosten({"alleenstaand": 20}, verdringing=50), sc)


def test_rollend_met_de_hand() -> None:
    """The rolling policy on `hoog_of_laag`, derived on paper.

    t = 0, nothing realised, forecast 10, 10, 0: two modules ordered now house
    the 20 waiting in periods 1 and 2 (saves 20 * 20 * 2 = 800 for 2 * 120);
    one now and one at t = 1 saves 600 for 230; so order 2.

    t = 1, inflow of period 0 known. ``hoog``: path 20, 10, 0; 30 waiting in
    period 1, 20 places, so 10 still wait in period 2: one more module ordered
    now (there in period 2) costs 110 and saves 10 * 20 = 200: order 1.
    ``laag``: path 0, 10, 0; the 2 modules suffice; closing is not yet allowed.

    t = 2, all inflow known. ``hoog``: 40 arrived, 30 places; closing a full
    module would leave 10 more waiting (200 > 10 saved): nothing. ``laag``: the
    2 modules are empty and old enough; closing saves 10 running cost for 5
    each: close 2 (scaling down).

    Costs per scenario (evaluated with the best second stage):

    - ``hoog``: openen 3 * 100, exploitatie (2 + 3) * 10 = 50; waiting 20 in
      period 0, 40 - 20 = 20 in period 1, 40 - 30 = 10 in period 2, so
      (20 + 20 + 10) * 20 = 1000; total 1350;
    - ``laag``: openen 200, exploitatie 2 * 10 (period 1), sluiten 2 * 5: 230.

    Expected 790. The two-stage plan orders 4 modules at t = 0 (first stage
    4 * 120 = 480, plus 20 waiting in period 0 of ``hoog``: 0.5 * 400), 680:
    re-planning on the mean path loses here, because at t = 0 it cannot order
    for the high scenario the way the stochastic plan hedges.
    """
    inst = hoog_of_laag()
    u = rollend(inst, opties=EXACT, workers=1)
    hoog, laag = u.plannen
    assert hoog.bestel[0, 0].tolist() == [2.0, 1.0, 0.0]
    assert hoog.sluit[0, 0].tolist() == [0.0, 0.0, 0.0]
    assert laag.bestel[0, 0].tolist() == [2.0, 0.0, 0.0]
    assert laag.sluit[0, 0].tolist() == [0.0, 0.0, 2.0]
    assert u.beschikbaar[:, 0, 0].tolist() == [[0.0, 2.0, 3.0], [0.0, 2.0, 0.0]]
    np.testing.assert_allclose(u.totaal, [1350.0, 230.0])
    np.testing.assert_allclose(u.kosten_eerste, [350.0, 230.0])
    assert u.verwachting == pytest.approx(790.0)
    assert u.plan is None
    stoch = los_plan_op(inst, opties=EXACT)
    assert stoch.verwachting == pytest.approx(680.0)
    assert verifieer_plan(inst, u) == []
    # the independent check reads each scenario's own plan: a changed plan is caught
    fout = Plan(laag.bestel, np.zeros_like(laag.sluit), laag.verplaats)
    schendingen = verifieer_plan(inst, replace(u, plannen=(hoog, fout)))
    assert any("scenario laag" in m and "voorraadbalans" in m for m in schendingen)
    assert any("eerste-fasekosten" in m for m in schendingen)


def test_vastgelegd_verleden_blijft_staan() -> None:
    """With ``tot`` the earlier periods keep the given decisions, the rest is re-optimised.

    Fixing "order 1 at t = 0" in `hoog_of_laag` (the optimum orders 4) keeps
    that order; the order of 7 given for t = 1 lies after ``tot`` and is
    ignored. Ordering at t = 1 then costs 110 per module and saves 200 only in
    ``hoog`` (expected 100), so nothing more is ordered: first stage
    100 + 2 * 10 = 120; in ``hoog`` 20, 30 and 30 wait (1600), so the expected
    cost is 120 + 0.5 * 1600 = 920.
    """
    inst = hoog_of_laag()
    vast = Plan.leeg(inst)
    vast.bestel[0, 0, 0] = 1
    vast.bestel[0, 0, 1] = 7  # after ``tot``: must be ignored
    u = los_plan_op(inst, Beperking("vrij", vast, tot=1), opties=EXACT)
    assert u.plan is not None
    assert u.plan.bestel[0, 0].tolist() == [1.0, 0.0, 0.0]
    assert u.verwachting == pytest.approx(920.0)
    with pytest.raises(ValueError, match="na de horizon"):
        te_laat = Plan.leeg(inst)
        te_laat.bestel[0, 0, 2] = 1
        los_plan_op(inst, Beperking("vrij", te_laat, tot=3), opties=EXACT)


def test_gedeeld_eerste_halfjaar_verandert_niets() -> None:
    """The re-plan at t = 0, solved once for all scenarios, equals each task solving it itself.

    At t = 0 nothing is realised, so every scenario solves the same model;
    `roltaken` solves it once and every task starts at t = 1. Decisions and
    costs must be bit-identical to the tasks that solve t = 0 themselves
    (``start=None``), and only one task counts the shared solve's time.
    """
    inst = planinstantie(3, scenarios=4, perioden=4, verplaatsing=True, max_modules=3)
    taken = roltaken(inst, EXACT)
    start = taken[0].start
    assert start is not None and all(t.start is start for t in taken)
    assert start.plan.bestel[..., 0].sum() > 0  # the shared period decides something
    assert not start.plan.bestel[..., 1:].any()  # and only period 0
    assert [t.telt_start for t in taken] == [True, False, False, False]
    for taak in taken:
        gedeeld = rol_scenario(taak)
        zelf = rol_scenario(replace(taak, start=None, telt_start=False))
        np.testing.assert_array_equal(gedeeld.totaal, zelf.totaal)
        np.testing.assert_array_equal(gedeeld.achterstand, zelf.achterstand)
        (a,), (b,) = gedeeld.plannen, zelf.plannen
        np.testing.assert_array_equal(a.bestel, b.bestel)
        np.testing.assert_array_equal(a.sluit, b.sluit)
        np.testing.assert_array_equal(a.verplaats, b.verplaats)


def test_rollend_serieel_lokaal_dask_identiek(cluster: str) -> None:
    """One task per scenario: bit-identical decisions and costs on every sweep path."""
    inst = planinstantie(3, scenarios=4, perioden=4, verplaatsing=True, max_modules=3)
    serieel = rollend(inst, opties=EXACT, workers=1)
    lokaal = rollend(inst, opties=EXACT, workers=2)
    dask = rollend(inst, opties=EXACT, scheduler=cluster)
    for ander in (lokaal, dask):
        np.testing.assert_array_equal(ander.totaal, serieel.totaal)
        np.testing.assert_array_equal(ander.achterstand, serieel.achterstand)
        assert len(ander.plannen) == len(serieel.plannen) == inst.scenarios.n
        for a, b in zip(ander.plannen, serieel.plannen, strict=True):
            np.testing.assert_array_equal(a.bestel, b.bestel)
            np.testing.assert_array_equal(a.sluit, b.sluit)
            np.testing.assert_array_equal(a.verplaats, b.verplaats)


def test_vergelijking_met_rollend_op_dask_identiek(cluster: str) -> None:
    """Through `plan_flexcapaciteit` (rolling tasks in the solve sweep): serial = Dask."""
    from allocatie.planning.uitvoer.vergelijking import plan_flexcapaciteit

    inst = planinstantie(5, scenarios=5, perioden=4, cvar=True)
    beleid = ("statisch", "geen_flex", "rollend")
    serieel = plan_flexcapaciteit(inst, vergelijk=beleid, opties=EXACT, workers=1)
    dask = plan_flexcapaciteit(inst, vergelijk=beleid, opties=EXACT, scheduler=cluster)
    assert dask.pad == "dask"
    a, b = serieel.uitkomsten["rollend"], dask.uitkomsten["rollend"]
    np.testing.assert_array_equal(a.totaal, b.totaal)
    np.testing.assert_array_equal(a.beschikbaar, b.beschikbaar)
    for tegen in ("statisch", "geen_flex", "stochastisch"):
        assert serieel.rollend_tegen(tegen) == dask.rollend_tegen(tegen)


def test_vergelijking_met_gepaard_interval() -> None:
    """`plan_flexcapaciteit` with ``"rollend"``: the paired differences of `hoog_of_laag`.

    Per scenario (``hoog``, ``laag``): rolling 1350 and 230 (see
    `test_rollend_met_de_hand`); the static plan (4 modules at t = 0, the
    same as the stochastic plan) 880 and 480; no new flex 20 + 40 + 40 person-
    periods of waiting in ``hoog`` = 2000, and 0. Against no flex the
    differences are 650 and -230: mean 210, sample standard deviation
    440 * sqrt(2), standard error 440, t(0.975; 1 df) = 12.706, so
    210 ± 5590.7. Against the static plan -470 and 250: mean -110 (rolling
    loses).
    """
    from allocatie.planning.uitvoer.tabellen import rollend_tabel
    from allocatie.planning.uitvoer.vergelijking import plan_flexcapaciteit

    vgl = plan_flexcapaciteit(
        hoog_of_laag(), vergelijk=("statisch", "geen_flex", "rollend"), opties=EXACT
    )
    assert list(vgl.uitkomsten) == ["stochastisch", "statisch", "geen_flex", "rollend"]
    flex = vgl.rollend_tegen("geen_flex")
    assert flex is not None and flex.onder is not None and flex.boven is not None
    assert flex.verschil == pytest.approx(210.0)
    assert flex.onder == pytest.approx(210.0 - 5590.7, abs=0.1)
    assert flex.boven == pytest.approx(210.0 + 5590.7, abs=0.1)
    statisch = vgl.rollend_tegen("statisch")
    assert statisch is not None and statisch.verschil == pytest.approx(-110.0)
    tabel = rollend_tabel(vgl)
    assert tabel["tegen"].tolist() == ["statisch", "geen_flex", "stochastisch"]
    assert tabel["verschil"].tolist() == pytest.approx([-110.0, 210.0, -110.0])
    assert vgl.rollend_tegen("gemiddeld") is None  # not run


def test_businesscase_telt_op_tot_de_kostendelen() -> None:
    """Per policy the business case over the flex types adds up to its first-stage cost parts.

    For the rolling policy on `hoog_of_laag`: expected orders 0.5 * 3 + 0.5 * 2
    = 2.5 modules, closures 0.5 * 2 = 1 (cost 5).
    """
    from allocatie.planning.uitvoer.tabellen import businesscase_tabel
    from allocatie.planning.uitvoer.vergelijking import plan_flexcapaciteit

    vgl = plan_flexcapaciteit(hoog_of_laag(), vergelijk=("statisch", "rollend"), opties=EXACT)
    bc = businesscase_tabel(vgl)
    assert sorted(bc["beleid"]) == ["rollend", "statisch", "stochastisch"]
    for b, u in vgl.uitkomsten.items():
        rij = bc[bc["beleid"] == b].sum(numeric_only=True)
        d = u.kosten_eerste_delen
        assert rij["openen"] == pytest.approx(d["openen"])
        assert rij["exploitatie"] == pytest.approx(d["exploitatie"])
        assert rij["sluiten"] + rij["verkoopwaarde"] == pytest.approx(d["sluiten"])
        assert rij["netto"] == pytest.approx(float(u.kansen @ u.kosten_eerste))
    rol = bc[bc["beleid"] == "rollend"].iloc[0]
    assert (rol["modules_besteld"], rol["modules_gesloten"], rol["sluiten"]) == (2.5, 1.0, 5.0)


def test_rollend_per_halfjaar_met_de_hand() -> None:
    """`rollend_halfjaar_tabel` and `rollend_afschalen` on `hoog_of_laag` (see above).

    ``hoog`` has 0, 2, 3 modules of 10 places, ``laag`` 0, 2, 0 (closes 2 in
    P2), each with probability 0.5. Places in P2: 30 and 0, so the quantiles
    5-50% are 0 (the smallest value reaching that probability), 75-95% are 30,
    the mean 15. Ordered per scenario in P0 2, in P1 0.5 (only ``hoog``);
    delivered one period later. Closed in P2: 1 module per scenario, in half
    of them; places fall in P2 in ``laag`` only. The median of the places is
    highest in P1 (20) and 0 at the end.
    """
    from allocatie.planning.uitvoer.tabellen import rollend_afschalen, rollend_halfjaar_tabel
    from allocatie.planning.uitvoer.vergelijking import plan_flexcapaciteit

    vgl = plan_flexcapaciteit(hoog_of_laag(), vergelijk=("statisch", "rollend"), opties=EXACT)
    t = rollend_halfjaar_tabel(vgl).set_index("periode")
    assert t.loc["P2", ["plaatsen_p5", "plaatsen_p25", "plaatsen_p50"]].tolist() == [0, 0, 0]
    assert t.loc["P2", ["plaatsen_p75", "plaatsen_p95", "plaatsen_gemiddeld"]].tolist() == [
        30,
        30,
        15,
    ]
    assert t["plaatsen_p50"].tolist() == [0, 20, 0]
    assert t["besteld"].tolist() == [2.0, 0.5, 0.0]
    assert t["geleverd"].tolist() == [0.0, 2.0, 0.5]
    assert t["gesloten"].tolist() == [0.0, 0.0, 1.0]
    assert t["verplaatst"].tolist() == [0.0, 0.0, 0.0]
    assert t["kans_sluiten"].tolist() == [0.0, 0.0, 0.5]
    assert t["kans_daling"].tolist() == [0.0, 0.0, 0.5]
    a = rollend_afschalen(vgl)
    assert a == {
        "kans_sluiten": 0.5,
        "gesloten": 1.0,
        "meeste_sluiten": "P2",
        "kans_meeste": 0.5,
        "kans_eind_lager": 0.5,
        "piek_mediaan": 20.0,
        "piek_periode": "P1",
        "eind_mediaan": 0.0,
    }
    zonder = plan_flexcapaciteit(hoog_of_laag(), vergelijk=("statisch",), opties=EXACT)
    assert rollend_halfjaar_tabel(zonder).empty and rollend_afschalen(zonder) is None


def test_verplaatsing_met_herkomst_bestemming_en_subsidie() -> None:
    """Two studio modules stand empty in region A; 20 singles arrive in B every half-year.

    Moving costs 30 per module minus a contribution of 10; a moved module is
    in B one period later. New modules take two periods, so moving both at
    t = 0 (net 2 * 20 = 40) houses 20 persons in B from period 1 on, saving
    20 * 20 in each of periods 1 and 2. The table names origin A, destination
    B, leaving P0 and available from P1; the business case shows the gross
    cost 60 and the contribution -20, the cost part ``verplaatsen`` is net 40.
    """
    from allocatie.planning.gegevens import Verplaatsing
    from allocatie.planning.uitvoer.tabellen import businesscase_tabel, verplaatsingen_tabel
    from allocatie.planning.uitvoer.vergelijking import plan_flexcapaciteit

    sc = Scenarioset(
        ("A", "B"),
        ("P0", "P1", "P2"),
        ("alleenstaand",),
        ("s",),
        np.ones(1),
        np.array([0.0, 0.0, 0.0, 20.0, 20.0, 20.0]).reshape(1, 2, 3, 1),
        np.zeros((1, 2, 3, 1)),
    )
    studio = Flextype(
        "studio", 10, ("alleenstaand",), openen=100, exploitatie=10, sluiten=5,
        levertijd=2, minimale_looptijd=1,
    )  # fmt: skip
    inst = Planinstantie(
        (Regio("A", bestaand={"studio": 2}), Regio("B")),
        (studio,),
        Kosten({"alleenstaand": 20}, verdringing=50),
        sc,
        verplaatsing=Verplaatsing(toegestaan=True, kosten=30, subsidie=10, duur=1),
    )
    vgl = plan_flexcapaciteit(inst, vergelijk=("rollend",), opties=EXACT)
    v = verplaatsingen_tabel(vgl)
    for b in ("stochastisch", "rollend"):
        rij = v[v["beleid"] == b]
        assert rij[["van", "naar", "vertrek", "aankomst"]].values.tolist() == [
            ["A", "B", "P0", "P1"]
        ]
        assert rij[["modules", "kans"]].values.tolist() == [[2.0, 1.0]]
        assert vgl.uitkomsten[b].kosten_eerste_delen["verplaatsen"] == pytest.approx(40.0)
    bc = businesscase_tabel(vgl)
    st = bc[bc["beleid"] == "stochastisch"].iloc[0]
    assert (st["verplaatsen_bruto"], st["subsidie"]) == (60.0, -20.0)


def test_subsidie_hoger_dan_kosten_geweigerd() -> None:
    from allocatie.kern.errors import ConfiguratieFout
    from allocatie.planning.gegevens import Verplaatsing

    with pytest.raises(ConfiguratieFout, match="subsidie is hoger"):
        Verplaatsing(toegestaan=True, kosten=10, subsidie=20)
