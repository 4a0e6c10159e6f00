"""The rolling-horizon policy: re-plan every half-year on the path realised so far.

The two-stage model (`allocatie.planning.model.bouw`) fixes one plan for every
scenario. In practice a regisseur re-plans every half-year: what has happened
(inflow so far, modules ordered and still in the pipeline, the modules' ages,
modules on their way to another region) is known, the rest is a forecast. This
module simulates that policy in each scenario ``s``:

for ``t = 0, 1, ..., T - 1``:

1. the *forecast path* takes scenario ``s``'s inflow and regular supply for the
   periods before ``t`` (realised) and the probability-weighted mean of **all**
   scenarios for ``t`` onwards (`Scenarioset.gemiddeld`). The forecast is
   deliberately not conditioned on the realised path: it is what a planner
   without a forecasting model would use (the published mean path), it needs
   no extra assumption about how scenarios continue, and it is the same rule
   the mean-value plan uses at ``t = 0``;
2. the deterministic model on that one path is solved with every decision of
   the periods before ``t`` fixed to what was decided (`Beperking.tot`): so
   orders in the pipeline, module ages (the minimum-lifetime rows count from
   the real order periods) and relocations under way with their destination
   are part of the state;
3. only the decisions of period ``t`` (orders, closures, relocations with
   origin and destination) are taken over; the rest of that plan is a look
   ahead.

The decision at the start of ``t`` thus knows the inflow of the periods before
``t``, never that of ``t`` itself or later. The resulting plan differs per
scenario; it is evaluated like every other policy, on its own scenario with the
best second stage (`evalueer_batch`), so the costs compare one to one.

Each scenario is one sweep task (`Roltaak`, `rol_scenario`); the tasks carry
everything they need, so serial, local-process and Dask runs give identical
results (the solves are deterministic and nothing depends on the clock).

The re-plan at ``t = 0`` is the same in every scenario: nothing is realised
yet, so the forecast path is the mean path everywhere and the model (and thus
the deterministic solve) does not depend on the scenario. `roltaken` solves it
once (`Begin`) and hands its decisions to every task, which starts at
``t = 1``; that saves one MIP per scenario (about a fifth of the work in the
example) and changes no decision.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from allocatie.kern.voortgang import Voortgang
from allocatie.planning.gegevens import Planinstantie, Risico, Scenarioset
from allocatie.planning.model.bouw import Beperking, Plan
from allocatie.planning.model.oplossen import evalueer_batch, los_plan_op, voeg_samen
from allocatie.planning.model.uitkomst import Planuitkomst
from allocatie.solvers import SolverOpties, Status

__all__ = [
    "Begin",
    "Roltaak",
    "begin",
    "rol_scenario",
    "rollend",
    "roltaken",
    "voeg_rollend_samen",
    "voorspelpad",
]


def voorspelpad(echt: Scenarioset, gemiddeld: Scenarioset, t: int) -> Scenarioset:
    """One path: ``echt`` (one scenario) before period ``t``, ``gemiddeld`` from ``t`` on.

    Examples
    --------
    >>> sc = Scenarioset(("R",), ("P0", "P1", "P2"), ("alleenstaand",), ("a", "b"),
    ...                  np.full(2, 0.5), np.array([20.0, 20, 0, 0, 0, 0]).reshape(2, 1, 3, 1),
    ...                  np.zeros((2, 1, 3, 1)))
    >>> voorspelpad(sc.deel([0]), sc.gemiddeld(), 1).instroom.ravel().tolist()
    [20.0, 10.0, 0.0]
    """
    instroom = gemiddeld.instroom.copy()
    aanbod = gemiddeld.aanbod.copy()
    instroom[:, :, :t] = echt.instroom[:, :, :t]
    aanbod[:, :, :t] = echt.aanbod[:, :, :t]
    return replace(echt, kansen=np.ones(1), instroom=instroom, aanbod=aanbod)


def _neem_over(plan: Plan, nieuw: Plan, t: int) -> Plan:
    """``plan`` with the decisions of period ``t`` taken from ``nieuw``."""
    bestel, sluit, verpl = plan.bestel.copy(), plan.sluit.copy(), plan.verplaats.copy()
    bestel[..., t] = nieuw.bestel[..., t]
    sluit[..., t] = nieuw.sluit[..., t]
    verpl[..., t] = nieuw.verplaats[..., t]
    return Plan(bestel, sluit, verpl)


@dataclass(frozen=True)
class Begin:
    """The rolling policy's decisions of the first period, the same in every scenario.

    ``plan`` holds the decisions of period 0 only (later periods are zero);
    ``status`` and ``tijd_s`` say how that one solve went.
    """

    plan: Plan
    status: Status
    tijd_s: float


def _herplan(
    inst: Planinstantie, gemiddeld: Scenarioset, plan: Plan, t: int, opties: SolverOpties
) -> tuple[Plan, Status, float]:
    """One re-plan at ``t`` in the one scenario of ``inst``: ``plan`` with period ``t`` decided."""
    pad = replace(inst, scenarios=voorspelpad(inst.scenarios, gemiddeld, t))
    u = los_plan_op(pad, Beperking("vrij", plan, tot=t), opties=opties, beleid="rollend")
    assert u.plan is not None
    return _neem_over(plan, u.plan, t), u.status, u.tijd_s


def begin(inst: Planinstantie, gemiddeld: Scenarioset, opties: SolverOpties) -> Begin:
    """The re-plan at ``t = 0``, solved once for all scenarios of ``inst``.

    At ``t = 0`` no period is realised: `voorspelpad` takes every figure from
    ``gemiddeld``, whatever the scenario, and no decision is fixed yet. The
    model is therefore the same in every scenario (scenario 0 stands in for
    all) and, the solve being deterministic, so are its decisions.
    """
    een = replace(inst, scenarios=inst.scenarios.deel([0]), risico=Risico())
    plan, status, tijd = _herplan(een, gemiddeld, Plan.leeg(een), 0, opties)
    return Begin(plan, status, tijd)


@dataclass(frozen=True)
class Roltaak:
    """One sweep task: the rolling policy in one scenario.

    ``inst`` holds that one scenario (the realised path); ``gemiddeld`` is the
    mean path of all scenarios (the forecast). ``start``, when given, holds the
    decisions of period 0 solved once for all scenarios (`begin`); the task
    then re-plans from ``t = 1`` on, and counts the time of that shared solve
    only when ``telt_start`` (one task does, so the times add up to the work
    done).
    """

    inst: Planinstantie
    gemiddeld: Scenarioset
    opties: SolverOpties
    start: Begin | None = None
    telt_start: bool = False


def rol_scenario(taak: Roltaak) -> Planuitkomst:
    """Run the rolling policy through one scenario and evaluate its decisions there.

    Returns the outcome of that scenario with its plan in ``plannen``.
    """
    inst = replace(taak.inst, risico=Risico())  # one path: the risk measure plays no part
    plan = Plan.leeg(inst)
    tijd = 0.0
    status = Status.OPTIMAAL
    eerste = 0
    if taak.start is not None:
        plan, eerste = taak.start.plan, 1
        tijd = taak.start.tijd_s if taak.telt_start else 0.0
        if taak.start.status is not Status.OPTIMAAL:
            status = Status.TIJDSLIMIET
    for t in range(eerste, len(inst.perioden)):
        plan, st, sec = _herplan(inst, taak.gemiddeld, plan, t, taak.opties)
        tijd += sec
        if st is not Status.OPTIMAAL:
            status = Status.TIJDSLIMIET
    uit = evalueer_batch((taak.inst, plan, "rollend", taak.opties))
    if uit.status is not Status.OPTIMAAL:
        status = Status.TIJDSLIMIET
    return replace(uit, plannen=(plan,), tijd_s=tijd + uit.tijd_s, status=status)


def roltaken(inst: Planinstantie, opties: SolverOpties | None = None) -> list[Roltaak]:
    """The sweep tasks of the rolling policy: one per scenario, in scenario order.

    Solves the shared first re-plan (`begin`) here, in the calling process,
    and hands it to every task.
    """
    opties = opties or SolverOpties()
    gem = inst.scenarios.gemiddeld()
    start = begin(inst, gem, opties)
    return [
        Roltaak(replace(inst, scenarios=inst.scenarios.deel([s])), gem, opties, start, s == 0)
        for s in range(inst.scenarios.n)
    ]


def voeg_rollend_samen(inst: Planinstantie, delen: list[Planuitkomst]) -> Planuitkomst:
    """The outcome of the rolling policy over all scenarios from its per-scenario tasks."""
    return voeg_samen(inst, delen, plan=None)


def rollend(
    inst: Planinstantie,
    *,
    opties: SolverOpties | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    voortgang: Voortgang | None = None,
) -> Planuitkomst:
    """The rolling policy in every scenario of ``inst`` (one sweep task per scenario).

    ``workers`` and ``scheduler`` choose where the tasks run
    (`allocatie.kern.sweep.veeg`); the outcome is the same on every path.
    """
    from allocatie.kern.sweep import veeg

    delen = veeg(
        rol_scenario,
        roltaken(inst, opties),
        workers=workers,
        scheduler=scheduler,
        voortgang=voortgang,
        naam="plan:rollend",
        tekst="Rollend plannen per scenario",
    )
    return voeg_rollend_samen(inst, delen)
