"""The stochastic plan beside the policies it must beat, and sensitivity variants.

`plan_flexcapaciteit` runs in two sweeps (`allocatie.kern.sweep.veeg`), so every
independent solve can go to its own worker:

1. *solve*: the stochastic plan, the static plan and the mean-value plan (and
   the stochastic plan of every sensitivity variant), plus the wait-and-see
   plans of perfect information in fixed batches of scenarios;
2. *evaluate*: every plan (and "no new flex") against every scenario, in fixed
   batches, each scenario with its best recourse.

Reported per policy: its plan, the cost and backlog distribution; and the
value of the stochastic solution ``VSS = EEV - RP`` (the mean-value plan's
objective minus the stochastic plan's, both evaluated on all scenarios), the
value of scaling (static minus stochastic), of flex at all (no new flex minus
stochastic) and of perfect information ``EVPI = RP - WS`` (for the expectation).

The rolling policy (``"rollend"``, `allocatie.planning.model.rollend`) re-plans
every half-year in every scenario; its tasks (one per scenario) run in the
solve sweep and evaluate their own decisions. It is compared with the static
plan, no new flex and the stochastic plan on expected cost, paired over the
scenarios with a t-interval (`rollend_tegen`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from allocatie.kern.errors import ConfiguratieFout
from allocatie.kern.voortgang import Voortgang
from allocatie.planning.gegevens import Planinstantie, Risico
from allocatie.planning.model.benders import Bendersuitkomst, los_benders_op
from allocatie.planning.model.bouw import Beperking, Plan
from allocatie.planning.model.oplossen import batches, evalueer_batch, los_plan_op, voeg_samen
from allocatie.planning.model.rollend import Roltaak, rol_scenario, roltaken, voeg_rollend_samen
from allocatie.planning.model.uitkomst import (
    BELEIDSTITELS,
    Paarinterval,
    Planuitkomst,
    paarinterval,
)
from allocatie.solvers import SolverOpties, Status, kies_backend
from allocatie.solvers.base import LP_SESSIE

#: Policies compared with the stochastic plan by default.
VERGELIJK: tuple[str, ...] = ("gemiddeld", "statisch", "geen_flex", "perfecte_informatie")

#: Every policy that can be compared: the default ones and the rolling policy, which costs
#: one MIP per scenario and half-year and is therefore only run when asked for.
BELEID_MOGELIJK: tuple[str, ...] = (*VERGELIJK, "rollend")

#: Policies the rolling policy is set against (paired over the scenarios).
ROLLEND_TEGEN: tuple[str, ...] = ("statisch", "geen_flex", "stochastisch")

#: Up to this many second-stage columns the extensive form is solved directly.
EXTENSIEF_TOT = 60_000

#: Scenarios per wait-and-see task.
WS_BATCH = 10


def tweede_fase_kolommen(inst: Planinstantie) -> int:
    """Number of second-stage columns of the extensive form (an estimate of its size)."""
    sc = inst.scenarios
    per_klasse = 2 + 4 * len(inst.flextypen)
    return sc.n * len(inst.regios) * len(inst.perioden) * len(inst.klassen) * per_klasse


def kies_methode(
    inst: Planinstantie, methode: str = "auto", opties: SolverOpties | None = None
) -> str:
    """``"extensief"`` or ``"benders"``; ``auto`` picks by the size of the extensive form.

    Benders needs live LPs that gain rows and keep their basis (`LP_SESSIE`); with a
    backend without them (CBC) ``auto`` takes the extensive form (the outcome says
    so in its ``methode``) and an explicit ``"benders"`` is refused, instead of
    running HiGHS whatever the solver option says.
    """
    if methode not in ("auto", "extensief", "benders"):
        raise ValueError(f"onbekende methode {methode!r}")
    sessie = opties is None or LP_SESSIE in kies_backend(opties.backend).vermogens
    if methode == "benders" and not sessie:
        assert opties is not None
        raise ConfiguratieFout(
            "Benders-decompositie heeft een levende LP met warme herstart nodig; die heeft "
            f"solver {opties.backend} niet. Kies solver highs, of methode extensief",
            kolom="solver.backend",
            waarde=opties.backend,
        )
    if methode != "auto":
        return methode
    groot = tweede_fase_kolommen(inst) > EXTENSIEF_TOT
    return "benders" if groot and sessie else "extensief"


@dataclass(frozen=True)
class Opgelost:
    """A plan found by one solve task, with how the solve went."""

    sleutel: str
    plan: Plan
    objectief: float | None
    grens: float | None
    gap: float | None
    status: Status
    tijd_s: float
    solver: str
    methode: str
    benders: Bendersuitkomst | None = None


@dataclass(frozen=True)
class _Oplostaak:
    sleutel: str
    inst: Planinstantie
    beperking: Beperking
    opties: SolverOpties
    methode: str


def _los(taak: _Oplostaak) -> Opgelost:
    """Solve one policy's first stage (a sweep task)."""
    methode = kies_methode(taak.inst, taak.methode, taak.opties)
    if methode == "benders":
        b = los_benders_op(taak.inst, taak.beperking, opties=taak.opties)
        if b.plan is None:
            from allocatie.kern.errors import SolverFout

            raise SolverFout(f"geen plan gevonden voor '{taak.sleutel}' binnen de tijdslimiet")
        return Opgelost(
            taak.sleutel,
            b.plan,
            b.objectief,
            b.grens,
            b.gap,
            b.status,
            b.tijd_s,
            b.solver,
            methode,
            b,
        )
    u = los_plan_op(taak.inst, taak.beperking, opties=taak.opties, beleid=taak.sleutel)
    assert u.plan is not None
    return Opgelost(
        taak.sleutel,
        u.plan,
        u.doel,
        u.grens,
        u.gap,
        u.status,
        u.tijd_s,
        u.solver,
        methode,
    )


def _wachten_en_zien(taak: tuple[Planinstantie, SolverOpties]) -> Planuitkomst:
    """Perfect information for a batch: every scenario with its own plan (a sweep task)."""
    inst, opties = taak
    inst = replace(inst, risico=Risico())
    delen = []
    for s in range(inst.scenarios.n):
        een = replace(inst, scenarios=inst.scenarios.deel([s]))
        u = los_plan_op(een, opties=opties, beleid="perfecte_informatie")
        delen.append(replace(u, plan=None))
    return voeg_samen(inst, delen)


def _taak(
    item: _Oplostaak | Roltaak | tuple[Planinstantie, SolverOpties],
) -> Opgelost | Planuitkomst:
    """Dispatch of the solve sweep: a policy solve, a rolling scenario or a wait-and-see batch."""
    if isinstance(item, _Oplostaak):
        return _los(item)
    if isinstance(item, Roltaak):
        return rol_scenario(item)
    return _wachten_en_zien(item)


@dataclass(frozen=True)
class Variantuitkomst:
    """The stochastic plan of one sensitivity variant, evaluated on its scenarios."""

    naam: str
    uitkomst: Planuitkomst


@dataclass(frozen=True)
class Planvergelijking:
    """Every policy's outcome on the same scenarios, and what the comparison says.

    Attributes
    ----------
    instantie
        The planning instance.
    uitkomsten
        Outcome per policy key, ``"stochastisch"`` first (see `BELEIDSTITELS`).
    opgelost
        How each policy's plan was found (solver, bound, gap, time).
    varianten
        Sensitivity variants (the stochastic plan under changed parameters).
    tijd_s
        Wall-clock seconds of the whole comparison.
    workers, pad
        How the sweeps ran (see `allocatie.kern.sweep`).
    """

    instantie: Planinstantie
    uitkomsten: dict[str, Planuitkomst]
    opgelost: dict[str, Opgelost]
    varianten: list[Variantuitkomst] = field(default_factory=list)
    tijd_s: float = 0.0
    workers: int = 1
    pad: str = "serieel"

    @property
    def stochastisch(self) -> Planuitkomst:
        """The stochastic plan's outcome."""
        return self.uitkomsten["stochastisch"]

    def _verschil(self, beleid: str) -> float | None:
        if beleid not in self.uitkomsten:
            return None
        return self.uitkomsten[beleid].doel - self.stochastisch.doel

    @property
    def vss(self) -> float | None:
        """Value of the stochastic solution: EEV - RP (None without the mean-value plan)."""
        return self._verschil("gemiddeld")

    @property
    def waarde_schalen(self) -> float | None:
        """What scaling up and down saves against the best static plan."""
        return self._verschil("statisch")

    @property
    def waarde_flex(self) -> float | None:
        """What the stochastic plan saves against no new flex at all."""
        return self._verschil("geen_flex")

    @property
    def evpi(self) -> float | None:
        """Expected value of perfect information RP - WS (expectation only)."""
        ws = self.uitkomsten.get("perfecte_informatie")
        if ws is None or self.instantie.risico.maat != "verwachting":
            return None
        return self.stochastisch.doel - ws.doel

    def rollend_tegen(self, beleid: str, niveau: float = 0.95) -> Paarinterval | None:
        """What the rolling policy saves against ``beleid`` in expected cost (euro).

        Paired over the scenarios: the mean of ``beleid``'s total cost minus
        the rolling policy's, scenario by scenario, with a t-interval
        (`paarinterval`). Positive: rolling is cheaper. None when either
        policy was not run.
        """
        rol = self.uitkomsten.get("rollend")
        ander = self.uitkomsten.get(beleid)
        if rol is None or ander is None:
            return None
        return paarinterval(ander.totaal - rol.totaal, rol.kansen, niveau)


def plan_flexcapaciteit(
    inst: Planinstantie,
    *,
    vergelijk: Sequence[str] = VERGELIJK,
    varianten: Sequence[tuple[str, Planinstantie]] = (),
    opties: SolverOpties | None = None,
    methode: str = "auto",
    workers: int | None = 1,
    scheduler: str | None = None,
    voortgang: Voortgang | None = None,
) -> Planvergelijking:
    """Plan flexible capacity for ``inst`` and compare it with other policies.

    Parameters
    ----------
    vergelijk
        Policies beside the stochastic plan: any of `BELEID_MOGELIJK`
        (``"rollend"``: re-plan every half-year in every scenario).
    varianten
        Sensitivity variants ``(name, instance)``; for each the stochastic plan
        is solved and evaluated.
    opties
        Solver options; the time limit and gap apply to each solve.
    methode
        ``"auto"``, ``"extensief"`` or ``"benders"``.
    workers, scheduler
        Where the sweeps run (`allocatie.kern.sweep.veeg`): 1 = serially here.
    """
    from allocatie.kern.sweep import veeg_uitkomst

    onbekend = [b for b in vergelijk if b not in BELEID_MOGELIJK]
    if onbekend:
        raise ValueError(f"onbekend beleid {onbekend[0]!r}; kies uit {', '.join(BELEID_MOGELIJK)}")
    opties = opties or SolverOpties()
    t0 = time.perf_counter()

    # ---- sweep 1: solve ---------------------------------------------------------
    taken: list[_Oplostaak | Roltaak | tuple[Planinstantie, SolverOpties]] = [
        _Oplostaak("stochastisch", inst, Beperking(), opties, methode)
    ]
    if "statisch" in vergelijk:
        taken.append(_Oplostaak("statisch", inst, Beperking("statisch"), opties, methode))
    if "gemiddeld" in vergelijk:
        gem = replace(inst, scenarios=inst.scenarios.gemiddeld())
        taken.append(_Oplostaak("gemiddeld", gem, Beperking(), opties, "extensief"))
    for i, (_, vinst) in enumerate(varianten):
        taken.append(_Oplostaak(f"variant:{i}", vinst, Beperking(), opties, methode))
    n_los = len(taken)
    if "rollend" in vergelijk:
        taken.extend(roltaken(inst, opties))
    n_rol = len(taken)
    if "perfecte_informatie" in vergelijk:
        for b in batches(inst.scenarios.n, WS_BATCH):
            taken.append((replace(inst, scenarios=inst.scenarios.deel(b)), opties))
    sweep1 = veeg_uitkomst(
        _taak,
        taken,
        workers=workers,
        scheduler=scheduler,
        voortgang=voortgang,
        naam="plan:oplossen",
        tekst=f"Plannen oplossen ({len(taken)} taken)",
    )
    opgelost: dict[str, Opgelost] = {}
    for r in sweep1.resultaten[:n_los]:
        assert isinstance(r, Opgelost)
        opgelost[r.sleutel] = r
    rol_delen = [r for r in sweep1.resultaten[n_los:n_rol] if isinstance(r, Planuitkomst)]
    ws_delen = [r for r in sweep1.resultaten[n_rol:] if isinstance(r, Planuitkomst)]

    # ---- sweep 2: evaluate every plan on every scenario -------------------------
    plannen: list[tuple[str, Planinstantie, Plan]] = [
        ("stochastisch", inst, opgelost["stochastisch"].plan)
    ]
    for sleutel in ("gemiddeld", "statisch"):
        if sleutel in opgelost:
            plannen.append((sleutel, inst, opgelost[sleutel].plan))
    if "geen_flex" in vergelijk:
        plannen.append(("geen_flex", inst, Plan.leeg(inst)))
    for i, (_, vinst) in enumerate(varianten):
        plannen.append((f"variant:{i}", vinst, opgelost[f"variant:{i}"].plan))
    eval_taken = []
    eval_van: list[int] = []
    for pi, (sleutel, pinst, plan) in enumerate(plannen):
        for b in batches(pinst.scenarios.n):
            deel = replace(pinst, scenarios=pinst.scenarios.deel(b))
            eval_taken.append((deel, plan, sleutel, opties))
            eval_van.append(pi)
    sweep2 = veeg_uitkomst(
        evalueer_batch,
        eval_taken,
        workers=workers,
        scheduler=scheduler,
        voortgang=voortgang,
        naam="plan:evalueren",
        tekst=f"Plannen doorrekenen per scenario ({len(eval_taken)} taken)",
    )

    uitkomsten: dict[str, Planuitkomst] = {}
    variant_uit: list[Variantuitkomst] = []
    for pi, (sleutel, pinst, _) in enumerate(plannen):
        delen = [r for r, v in zip(sweep2.resultaten, eval_van, strict=True) if v == pi]
        u = voeg_samen(pinst, delen)
        o = opgelost.get(sleutel)
        if o is not None:
            u = replace(u, grens=o.grens, gap=o.gap, status=o.status, solver=o.solver)
            u = replace(u, tijd_s=o.tijd_s + u.tijd_s)
        if sleutel.startswith("variant:"):
            variant_uit.append(Variantuitkomst(varianten[int(sleutel[8:])][0], u))
        else:
            uitkomsten[sleutel] = u
    if rol_delen:
        rol = voeg_rollend_samen(replace(inst, risico=Risico()), rol_delen)
        uitkomsten["rollend"] = replace(rol, risico=inst.risico)
    if ws_delen:
        ws = voeg_samen(replace(inst, risico=Risico()), ws_delen, plan=None)
        uitkomsten["perfecte_informatie"] = replace(ws, risico=inst.risico)
    volgorde = [b for b in BELEIDSTITELS if b in uitkomsten]
    return Planvergelijking(
        instantie=inst,
        uitkomsten={b: uitkomsten[b] for b in volgorde},
        opgelost=opgelost,
        varianten=variant_uit,
        tijd_s=time.perf_counter() - t0,
        workers=sweep1.workers,
        pad=sweep1.pad,
    )
