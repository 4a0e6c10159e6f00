"""L-shaped (Benders) decomposition of the planning model for many scenarios.

The second stage depends on the plan only through the modules available
``N`` and the modules closed or moved out ``A`` per (region, type, period)
(``A`` bounds displacement), and given those it splits into one small LP per
(scenario, region). So the master holds the first stage and one estimate
``theta[s, r] >= 0`` per scenario-region (multi-cut); a subproblem solve at
``(N^, A^)`` gives each ``Q_{s,r}(N^, A^)`` and, from the duals ``y`` of the
capacity rows ``occupancy <= plaatsen * N`` and ``z`` of the displacement rows
``displaced <= plaatsen * A``, the subgradients ``plaatsen_f * y[s,r,f,t]``
and ``plaatsen_f * z[s,r,f,t]``, hence the cut

    theta[s,r] >= Q_{s,r}(N^, A^) + sum_{f,t} (g_N (N - N^) + g_A (A - A^))[s,r,f,t],

valid everywhere because ``Q_{s,r}`` is convex in (N, A) (an LP's value as a
function of its right-hand side). The recourse is complete (the backlog takes
whoever is not housed, displacement whoever no longer fits), so no
feasibility cuts are needed.

Phase 1 solves the LP relaxation of the master until its gap closes (cheap,
warm-started); phase 2 makes the first stage integral and iterates master MIP
→ subproblems → cuts. The master's optimum (or proven MIP bound) is a lower
bound of the true optimum; each integral plan evaluated exactly is an upper
bound. The gap reported is the honest one between the two.

Subproblems are solved in fixed batches of scenarios, each a persistent HiGHS
model whose fixed availability columns change between iterations (warm start).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from allocatie.kern.voortgang import Melding, Voortgang
from allocatie.planning.gegevens import Planinstantie
from allocatie.planning.model.bouw import Beperking, Plan, Planmodel, bouw_planmodel, waarden
from allocatie.planning.model.oplossen import BATCH, batches
from allocatie.planning.model.uitkomst import cvar
from allocatie.solvers import SolverOpties, Status
from allocatie.solvers.base import relatieve_gap

log = logging.getLogger(__name__)


@dataclass
class _Sub:
    """One batch of scenarios: its model, persistent solver and scenario offset."""

    model: Planmodel
    sessie: object
    begin: int


@dataclass(frozen=True)
class Bendersuitkomst:
    """What the decomposition found.

    Attributes
    ----------
    plan
        The best integral plan found (None when none within the limit).
    objectief
        Its exact objective (first stage + risk measure of the second stage).
    grens
        Proven lower bound on the optimum.
    status
        OPTIMAAL when the gap is within the target, else TIJDSLIMIET (or
        GEEN_OPLOSSING without a plan).
    iteraties_lp, iteraties_mip
        Iterations of phase 1 and 2.
    historie
        Per iteration: (phase, lower bound, upper bound, seconds since start).
    """

    plan: Plan | None
    objectief: float | None
    grens: float | None
    status: Status
    iteraties_lp: int
    iteraties_mip: int
    tijd_s: float
    solver: str
    historie: list[tuple[str, float, float, float]] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        """Relative gap between the plan's objective and the bound."""
        return relatieve_gap(self.objectief, self.grens)


def _risicowaarde(inst: Planinstantie, q_s: np.ndarray) -> float:
    """The risk measure of second-stage costs ``q_s`` (S,)."""
    p = inst.scenarios.kansen
    if inst.risico.maat == "verwachting":
        return float(p @ q_s)
    lam = inst.risico.gewicht
    return (1.0 - lam) * float(p @ q_s) + lam * cvar(q_s, p, inst.risico.alfa)


def los_benders_op(
    inst: Planinstantie,
    beperking: Beperking | None = None,
    *,
    opties: SolverOpties | None = None,
    voortgang: Voortgang | None = None,
    max_lp_iteraties: int = 200,
) -> Bendersuitkomst:
    """Solve the stochastic programme of ``inst`` by multi-cut Benders decomposition."""
    from allocatie.solvers.highs import HighsSessie

    opties = opties or SolverOpties()
    t0 = time.perf_counter()
    deadline = t0 + opties.tijdslimiet_s
    beperking = beperking or Beperking()
    sc = inst.scenarios
    s_n, r_n = sc.n, len(inst.regios)
    f_n, t_n = len(inst.flextypen), len(inst.perioden)
    plaatsen = np.array([f.plaatsen for f in inst.flextypen], dtype=float)

    meester = bouw_planmodel(inst, beperking, deel="meester")
    m_sessie = HighsSessie(meester.probleem, opties, geheel=False)
    # linking columns per region: availability and afname, (R, 2, F, T)
    n_idx = np.stack([meester.beschikbaar, meester.afname], axis=1)
    theta = meester.theta  # (S, R)
    n_m = meester.probleem.n_kolommen
    eerste_c = meester.eerste_kosten

    subs: list[_Sub] = []
    nul = np.zeros((r_n, f_n, t_n))
    # no thread setting of its own: HiGHS has one thread pool per process and
    # refuses to run an instance whose thread count differs from the pool's
    sub_opties = opties
    for b in batches(s_n, BATCH):
        deel_inst = _deel(inst, b)
        model = bouw_planmodel(deel_inst, deel="sub", beschikbaar=nul, afname=nul)
        subs.append(_Sub(model, HighsSessie(model.probleem, sub_opties, geheel=False), int(b[0])))

    def evalueer(n_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Q_{s,r} (S, R) and subgradients (S, R, 2, F, T) at linking values (R, 2, F, T)."""
        q = np.zeros((s_n, r_n))
        g = np.zeros((s_n, r_n, 2, f_n, t_n))
        for sub in subs:
            idx = np.stack([sub.model.beschikbaar, sub.model.afname], axis=1).ravel()
            waarde = n_hat.ravel()
            sub.sessie.zet_kolomgrenzen(idx, waarde, waarde)  # type: ignore[attr-defined]
            rest = max(deadline - time.perf_counter(), 1.0)
            uit, duaal = sub.sessie.los_op(rest)  # type: ignore[attr-defined]
            if uit.x is None or duaal is None:
                raise TimeoutError(f"deelprobleem zonder oplossing: {uit.bericht}")
            n_b = sub.model.capaciteit.shape[0]
            q[sub.begin : sub.begin + n_b] = (sub.model.q_regio @ uit.x).reshape(n_b, r_n)
            y = np.stack(
                [duaal[sub.model.capaciteit], duaal[sub.model.verdringing]], axis=2
            )  # (S_b, R, 2, F, T)
            g[sub.begin : sub.begin + n_b] = plaatsen[None, None, None, :, None] * y
        return q, g

    def snijvlakken(n_hat: np.ndarray, theta_hat: np.ndarray, q: np.ndarray, g: np.ndarray) -> int:
        """Add the violated cuts to the master; returns how many."""
        tol = 1e-6 * max(1.0, float(np.abs(q).max()))
        schend = q - theta_hat > tol
        s_i, r_i = np.nonzero(schend)
        if not len(s_i):
            return 0
        k = len(s_i)
        # theta[s,r] - sum g * N[r,.,.] >= q - sum g * n_hat
        breed = 2 * f_n * t_n
        gg = g[s_i, r_i].reshape(k, breed)
        kol_n = n_idx[r_i].reshape(k, breed)
        rechts = q[s_i, r_i] - np.einsum("kj,kj->k", gg, n_hat[r_i].reshape(k, breed))
        rijen = np.repeat(np.arange(k), 1 + breed)
        kolommen = np.concatenate([theta[s_i, r_i][:, None], kol_n], axis=1).ravel()
        coef = np.concatenate([np.ones((k, 1)), -gg], axis=1).ravel()
        m = coef != 0
        A = sp.csr_array((coef[m], (rijen[m], kolommen[m])), shape=(k, n_m))
        m_sessie.voeg_rijen_toe(A, rechts, np.full(k, np.inf))
        return k

    historie: list[tuple[str, float, float, float]] = []
    beste_plan: Plan | None = None
    beste_x: np.ndarray | None = None
    bovengrens = np.inf
    ondergrens = -np.inf
    solver = ""

    def meld(tekst: str) -> None:
        if voortgang is not None:
            voortgang(Melding("benders", tekst))

    # ---- phase 1: LP master --------------------------------------------------
    it_lp = 0
    lp_grens = -np.inf
    while it_lp < max_lp_iteraties and time.perf_counter() < deadline:
        it_lp += 1
        uit, _ = m_sessie.los_op(deadline - time.perf_counter())
        solver = uit.solver
        if uit.x is None or uit.objectief is None:
            break
        lp_grens = uit.objectief
        x = uit.x
        n_hat = waarden(x, n_idx)
        q, g = evalueer(n_hat)
        boven_lp = float(eerste_c @ x) + _risicowaarde(inst, q.sum(axis=1))
        historie.append(("lp", lp_grens, boven_lp, time.perf_counter() - t0))
        meld(f"LP-iteratie {it_lp}: ondergrens {lp_grens:,.0f}, bovengrens {boven_lp:,.0f}")
        nieuw = snijvlakken(n_hat, waarden(x, theta), q, g)
        if nieuw == 0 or (relatieve_gap(boven_lp, lp_grens) or 0.0) <= 1e-5:
            break
    ondergrens = lp_grens

    # ---- phase 2: MIP master ---------------------------------------------------
    it_mip = 0
    m_sessie.zet_geheel(True)
    while time.perf_counter() < deadline:
        it_mip += 1
        if beste_x is not None:
            m_sessie.zet_start(beste_x)
        uit, _ = m_sessie.los_op(deadline - time.perf_counter())
        if uit.x is None:
            break
        if uit.grens is not None:
            ondergrens = max(ondergrens, uit.grens)
        x = uit.x.copy()
        geheel = meester.probleem.geheel
        x[geheel] = np.round(x[geheel])
        n_hat = np.round(waarden(x, n_idx), 6)
        try:
            q, g = evalueer(n_hat)
        except TimeoutError:
            break
        waarde = float(eerste_c @ x) + _risicowaarde(inst, q.sum(axis=1))
        if waarde < bovengrens:
            bovengrens = waarde
            beste_plan = Plan(
                np.round(waarden(x, meester.bestel)),
                np.round(waarden(x, meester.sluit)),
                np.round(waarden(x, meester.verplaats)),
            )
            # the master start: theta at its true value makes the start feasible
            beste_x = x.copy()
            m = theta >= 0
            beste_x[theta[m]] = q[m]
            if meester.eta >= 0:
                beste_x = _cvar_start(meester, beste_x, q.sum(axis=1), inst)
        historie.append(("mip", ondergrens, bovengrens, time.perf_counter() - t0))
        meld(f"MIP-iteratie {it_mip}: ondergrens {ondergrens:,.0f}, bovengrens {bovengrens:,.0f}")
        gap = relatieve_gap(bovengrens, ondergrens)
        if gap is not None and gap <= opties.gap_relatief:
            break
        if snijvlakken(n_hat, waarden(x, theta), q, g) == 0:
            # no violated cut: the master's point is optimal for its own bound
            if uit.status is Status.OPTIMAAL:
                ondergrens = max(ondergrens, min(bovengrens, uit.objectief or ondergrens))
                break
    gap = relatieve_gap(bovengrens if beste_plan else None, ondergrens)
    if beste_plan is None:
        status = Status.GEEN_OPLOSSING
    elif gap is not None and gap <= max(opties.gap_relatief, 1e-9):
        status = Status.OPTIMAAL
    else:
        status = Status.TIJDSLIMIET
    return Bendersuitkomst(
        plan=beste_plan,
        objectief=bovengrens if beste_plan else None,
        grens=ondergrens if np.isfinite(ondergrens) else None,
        status=status,
        iteraties_lp=it_lp,
        iteraties_mip=it_mip,
        tijd_s=time.perf_counter() - t0,
        solver=solver,
        historie=historie,
    )


def _cvar_start(
    meester: Planmodel, x: np.ndarray, q_s: np.ndarray, inst: Planinstantie
) -> np.ndarray:
    """Set eta and u_s of a master start consistently with second-stage costs ``q_s``."""
    alfa = inst.risico.alfa
    p = inst.scenarios.kansen
    volgorde = np.argsort(q_s, kind="stable")
    cum = np.cumsum(p[volgorde])
    i = min(int(np.searchsorted(cum, alfa - 1e-12)), len(q_s) - 1)
    eta = float(q_s[volgorde[i]])
    x = x.copy()
    x[meester.eta] = eta
    u_idx = np.arange(meester.eta + 1, meester.eta + 1 + len(q_s))
    x[u_idx] = np.maximum(q_s - eta, 0.0)
    return x


def _deel(inst: Planinstantie, indices: np.ndarray) -> Planinstantie:
    """``inst`` restricted to the scenarios ``indices`` (probabilities renormalised)."""
    from dataclasses import replace

    return replace(inst, scenarios=inst.scenarios.deel(indices))
