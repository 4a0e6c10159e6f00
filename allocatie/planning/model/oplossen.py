"""Solve the planning model for one policy and read the outcome back.

`los_plan_op` solves the extensive form (first stage integral, second stage
continuous) with a restriction (`Beperking`); `evalueer` takes a fixed plan
and solves the second stage of every scenario, in fixed-size batches so the
result is the same whether the batches run serially, in local processes or on
a Dask cluster (`allocatie.kern.sweep`).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from allocatie.kern.errors import SolverFout
from allocatie.kern.voortgang import Voortgang
from allocatie.planning.gegevens import Planinstantie, Risico
from allocatie.planning.model.bouw import Beperking, Plan, Planmodel, bouw_planmodel, waarden
from allocatie.planning.model.uitkomst import Planuitkomst
from allocatie.solvers import SolverOpties, Status, kies_backend

#: Scenarios per evaluation task: fixed, so results do not depend on the worker count.
BATCH = 25


def _lees_terug(
    inst: Planinstantie,
    model: Planmodel,
    x: np.ndarray,
    beleid: str,
    plan: Plan | None,
) -> Planuitkomst:
    """Arrays of the outcome from the solution vector ``x`` of ``model``."""
    s_n = inst.scenarios.n
    besch = waarden(x, model.beschikbaar)
    afname = waarden(x, model.afname)
    if plan is None:
        plan = Plan(
            np.round(waarden(x, model.bestel)),
            np.round(waarden(x, model.sluit)),
            np.round(waarden(x, model.verplaats)),
        )
    eerste = float(model.eerste_kosten @ x)
    q = np.asarray(model.q_kosten @ x, dtype=float)
    typen = inst.flextypen

    def som(idx: np.ndarray, w: np.ndarray | float) -> float:
        return float(np.sum(waarden(x, idx) * w))

    delen_1 = {
        "openen": som(model.bestel, np.array([f.openen for f in typen])[None, :, None]),
        "exploitatie": som(
            model.beschikbaar, np.array([f.exploitatie for f in typen])[None, :, None]
        ),
        "sluiten": som(model.sluit, np.array([f.sluiten_netto for f in typen])[None, :, None]),
        "verplaatsen": som(model.verplaats, inst.verplaatsing.netto),
        "restwaarde": -som(model.beschikbaar[:, :, -1], np.array([f.restwaarde for f in typen])),
    }
    p = inst.scenarios.kansen
    wacht = np.array([inst.kosten.wachten.get(k, 0.0) for k in inst.klassen])
    ach = waarden(x, model.achterstand)
    verd = waarden(x, model.verdrongen)
    delen_2 = {
        "wachten": float(p @ (ach * wacht[None, None, :, None]).sum(axis=(1, 2, 3))),
        "verdringing": float(p @ verd.sum(axis=(1, 2, 3, 4))) * inst.kosten.verdringing,
        "eind_achterstand": float(p @ ach[..., -1].sum(axis=(1, 2))) * inst.kosten.eind_achterstand,
    }
    return Planuitkomst(
        beleid=beleid,
        plan=plan,
        beschikbaar=np.broadcast_to(besch, (s_n, *besch.shape)).copy(),
        afname=np.broadcast_to(afname, (s_n, *afname.shape)).copy(),
        kosten_eerste=np.full(s_n, eerste),
        kosten_eerste_delen=delen_1,
        kosten_tweede=q,
        kosten_tweede_delen=delen_2,
        kansen=p.copy(),
        achterstand=ach,
        regulier=waarden(x, model.regulier),
        in_flex=waarden(x, model.in_flex),
        bezetting=waarden(x, model.bezetting),
        door=waarden(x, model.door),
        verdrongen=verd,
        risico=inst.risico,
    )


def los_plan_op(
    inst: Planinstantie,
    beperking: Beperking | None = None,
    *,
    opties: SolverOpties | None = None,
    beleid: str = "stochastisch",
) -> Planuitkomst:
    """Solve the stochastic programme of ``inst`` under ``beperking``.

    Returns the plan with the recourse of the solve itself (for the reported
    figures use `evalueer`, which minimises every scenario's cost on its own).

    Raises
    ------
    SolverFout
        When the solver finds no solution within the limit.
    """
    opties = opties or SolverOpties()
    t0 = time.perf_counter()
    model = bouw_planmodel(inst, beperking)
    backend = kies_backend(opties.backend)
    uit = backend.los_op(model.probleem, opties, opties.tijdslimiet_s)
    if not uit.status.heeft_oplossing or uit.x is None:
        raise SolverFout(
            f"geen plan gevonden voor beleid '{beleid}' ({uit.status.value}, {uit.bericht})"
        )
    x = np.asarray(uit.x, dtype=float)
    geheel = model.probleem.geheel
    x[geheel] = np.round(x[geheel])
    plan = beperking.plan if beperking is not None and beperking.soort == "vast" else None
    res = _lees_terug(inst, model, x, beleid, plan)
    return replace(
        res,
        status=uit.status,
        grens=uit.grens,
        gap=uit.gap,
        tijd_s=time.perf_counter() - t0,
        solver=uit.solver,
    )


def evalueer_batch(taak: tuple[Planinstantie, Plan, str, SolverOpties]) -> Planuitkomst:
    """Second stage of one batch of scenarios under a fixed plan (a sweep task)."""
    inst, plan, beleid, opties = taak
    inst = replace(inst, risico=Risico())  # each Q_s minimised on its own
    return los_plan_op(inst, Beperking("vast", plan), opties=opties, beleid=beleid)


def batches(n: int, grootte: int = BATCH) -> list[np.ndarray]:
    """Scenario indices split in consecutive batches of ``grootte``.

    Examples
    --------
    >>> [b.tolist() for b in batches(5, 2)]
    [[0, 1], [2, 3], [4]]
    """
    return [np.arange(i, min(i + grootte, n)) for i in range(0, n, grootte)]


def voeg_samen(inst: Planinstantie, delen: list[Planuitkomst], **velden: object) -> Planuitkomst:
    """Concatenate outcomes of scenario batches (in order) into one for all of ``inst``."""
    p = inst.scenarios.kansen

    def cat(naam: str) -> np.ndarray:
        return np.concatenate([getattr(d, naam) for d in delen], axis=0)

    def gewogen(naam: str) -> dict[str, float]:
        # each batch's parts are expectations under its renormalised probabilities
        uit: dict[str, float] = {}
        for d in delen:
            massa = float(np.sum(p[_positie(delen, d)]))
            for k, v in getattr(d, naam).items():
                uit[k] = uit.get(k, 0.0) + massa * v
        return uit

    eerste = delen[0]
    return replace(
        eerste,
        beschikbaar=cat("beschikbaar"),
        afname=cat("afname"),
        kosten_eerste=cat("kosten_eerste"),
        kosten_eerste_delen=gewogen("kosten_eerste_delen"),
        kosten_tweede=cat("kosten_tweede"),
        kosten_tweede_delen=gewogen("kosten_tweede_delen"),
        kansen=p.copy(),
        achterstand=cat("achterstand"),
        regulier=cat("regulier"),
        in_flex=cat("in_flex"),
        bezetting=cat("bezetting"),
        door=cat("door"),
        verdrongen=cat("verdrongen"),
        risico=inst.risico,
        plannen=tuple(p for d in delen for p in d.plannen),
        tijd_s=float(sum(d.tijd_s for d in delen)),
        grens=None,  # a batch's bound says nothing about the whole; callers set it
        gap=None,
        status=Status.OPTIMAAL
        if all(d.status is Status.OPTIMAAL for d in delen)
        else Status.TIJDSLIMIET,
        **velden,  # type: ignore[arg-type]
    )


def _positie(delen: list[Planuitkomst], deel: Planuitkomst) -> np.ndarray:
    """Global scenario indices of ``deel`` within the concatenation of ``delen``."""
    start = 0
    for d in delen:
        n = len(d.kansen)
        if d is deel:
            return np.arange(start, start + n)
        start += n
    raise ValueError("deel niet gevonden")


def evalueer(
    inst: Planinstantie,
    plan: Plan,
    *,
    beleid: str,
    opties: SolverOpties | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    voortgang: Voortgang | None = None,
) -> Planuitkomst:
    """Every scenario's best recourse under the fixed ``plan`` (batches as sweep tasks)."""
    from allocatie.kern.sweep import veeg

    opties = opties or SolverOpties()
    taak_opties = opties  # no own thread count: HiGHS keeps one thread pool per process
    taken = [
        (replace(inst, scenarios=inst.scenarios.deel(b)), plan, beleid, taak_opties)
        for b in batches(inst.scenarios.n)
    ]
    delen = veeg(
        evalueer_batch,
        taken,
        workers=workers,
        scheduler=scheduler,
        voortgang=voortgang,
        naam=f"evaluatie:{beleid}",
        tekst=f"Beleid '{beleid}' doorrekenen",
    )
    return voeg_samen(inst, delen)
