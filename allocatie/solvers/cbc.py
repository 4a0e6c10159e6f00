"""CBC backend through PuLP (the alternative solver; PuLP is used only here)."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pulp

from allocatie.solvers.base import BackendUitkomst, MipProbleem, SolverOpties, Status, relatieve_gap

_GRENS = re.compile(r"^(?:Lower bound|Best possible):\s*(-?[0-9.eE+-]+)", re.MULTILINE)


def _grens_uit_log(log: str) -> float | None:
    """The proven bound from CBC's closing summary, if it printed one."""
    treffers = _GRENS.findall(log)
    return float(treffers[-1]) if treffers else None


def _haalbaar(probleem: MipProbleem, v: np.ndarray, tol: float = 1e-6) -> bool:
    """True when ``v`` satisfies the rows, bounds and integrality of ``probleem``."""
    rij = probleem.A @ v
    return bool(
        np.all(rij >= probleem.rij_onder - tol)
        and np.all(rij <= probleem.rij_boven + tol)
        and np.all(v >= probleem.kol_onder - tol)
        and np.all(v <= probleem.kol_boven + tol)
        and np.all(np.abs(v[probleem.geheel] - np.round(v[probleem.geheel])) <= tol)
    )


class CbcBackend:
    """Solve a `MipProbleem` with CBC (bundled with PuLP)."""

    naam = "cbc"

    def los_op(
        self, probleem: MipProbleem, opties: SolverOpties, tijdslimiet_s: float
    ) -> BackendUitkomst:
        """Translate the arrays to a PuLP problem, solve with CBC, read back by position."""
        t0 = time.perf_counter()
        n = probleem.n_kolommen
        prob = pulp.LpProblem("allocatie", pulp.LpMinimize)
        kolommen = []
        for j in range(n):
            onder = None if np.isinf(probleem.kol_onder[j]) else float(probleem.kol_onder[j])
            boven = None if np.isinf(probleem.kol_boven[j]) else float(probleem.kol_boven[j])
            cat = pulp.LpInteger if probleem.geheel[j] else pulp.LpContinuous
            kolommen.append(pulp.LpVariable(f"v{j}", lowBound=onder, upBound=boven, cat=cat))
        c = probleem.c
        prob += pulp.LpAffineExpression(
            [(kolommen[j], float(c[j])) for j in np.flatnonzero(c)], name="doel"
        )
        A = probleem.A
        for i in range(probleem.n_rijen):
            a, b = A.indptr[i], A.indptr[i + 1]
            expr = pulp.LpAffineExpression(
                [(kolommen[j], float(w)) for j, w in zip(A.indices[a:b], A.data[a:b], strict=True)]
            )
            lo, hi = probleem.rij_onder[i], probleem.rij_boven[i]
            if lo == hi:
                prob += pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{i}", float(hi))
                continue
            if np.isfinite(hi):
                prob += pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{i}", float(hi))
            if np.isfinite(lo):
                prob += pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{i}_o", float(lo))
        # The start point is not passed: given a MIP start, the CBC bundled with PuLP
        # (2.10.3) can stop at a worse solution and call it optimal (a 10-household
        # round: kosten 127.88 "optimal" with a start, 127.46 without; cf. coin-or/Cbc
        # issues 449 and 670). A correct optimum matters more than a warm start here.
        warm = False
        with tempfile.TemporaryDirectory(prefix="allocatie-cbc-") as tmp:
            log_pad = Path(tmp) / "cbc.log"
            solver = pulp.PULP_CBC_CMD(
                msg=False,
                timeLimit=max(1, int(np.ceil(tijdslimiet_s))),
                gapRel=float(opties.gap_relatief),
                threads=opties.threads or None,
                warmStart=warm,
                logPath=str(log_pad),
                options=[f"randomCbcSeed {opties.seed + 1}"],
            )
            prob.solve(solver)
            log = log_pad.read_text(errors="replace") if log_pad.exists() else ""
        heeft = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        x = np.array([v.varValue or 0.0 for v in kolommen], dtype=float) if heeft else None
        objectief = float(c @ x) if x is not None else None
        if prob.sol_status == pulp.LpSolutionOptimal:
            status = Status.OPTIMAAL
        elif heeft:
            status = Status.TIJDSLIMIET
        elif prob.status == pulp.LpStatusInfeasible:
            status = Status.ONHAALBAAR
        elif prob.status == pulp.LpStatusNotSolved:
            status = Status.GEEN_OPLOSSING
        else:
            status = Status.FOUT
        bericht = pulp.LpStatus.get(prob.status, str(prob.status))
        if x is None and probleem.start is not None and _haalbaar(probleem, probleem.start):
            # CBC ended without a solution of its own; its preprocessing even reports
            # "infeasible" when the time limit cuts it short. The start is feasible:
            # return it as the best solution known, as a warm start would have.
            x = probleem.start.astype(float)
            objectief = float(c @ x)
            status = Status.TIJDSLIMIET
            bericht = f"{bericht}; CBC vond geen oplossing, het startpunt is teruggegeven"
        grens = _grens_uit_log(log)
        if grens is None and status is Status.OPTIMAAL:
            grens = objectief
        if grens is not None and objectief is not None:
            # The log prints the bound rounded (e.g. 124.319 for 124.3187...): a lower
            # bound above the solution found is rounding, never information.
            grens = min(grens, objectief)
        return BackendUitkomst(
            status=status,
            x=x,
            objectief=objectief,
            grens=grens,
            gap=relatieve_gap(objectief, grens),
            tijd_s=time.perf_counter() - t0,
            solver=f"CBC (PuLP {pulp.__version__})",
            bericht=bericht,
        )
