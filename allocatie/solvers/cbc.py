"""CBC backend through PuLP (the alternative solver; PuLP is used only here)."""

from __future__ import annotations

import logging
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pulp

from allocatie.solvers.base import BackendUitkomst, MipProbleem, SolverOpties, Status, relatieve_gap

log = logging.getLogger(__name__)

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


def _impliciet_geheel(probleem: MipProbleem) -> np.ndarray:
    """``probleem.geheel`` plus the continuous columns that are integral at every feasible point.

    A continuous column with coefficient +-1 in an equality row with an integral
    right-hand side, whose other entries are integer columns with integral
    coefficients, equals an integer: ``onbediend[t] = n[t] - sum_o x[t,o]``.
    """
    geheel = probleem.geheel.copy()
    A = probleem.A
    rij = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    kol, w = A.indices, A.data
    continu = ~probleem.geheel[kol]
    rhs = probleem.rij_boven
    n_continu = np.bincount(rij, weights=continu, minlength=A.shape[0])
    gebroken = np.bincount(rij, weights=~continu & (w != np.round(w)), minlength=A.shape[0])
    exact = (
        (probleem.rij_onder == rhs)
        & np.isfinite(rhs)
        & (rhs == np.round(rhs))
        & (n_continu == 1)
        & (gebroken == 0)
    )
    geheel[kol[continu & exact[rij] & (np.abs(w) == 1)]] = True
    return geheel


def _gehele_rijgrenzen(probleem: MipProbleem) -> tuple[np.ndarray, np.ndarray]:
    """Row bounds, rounded to integers where every feasible point makes the row integral.

    A row over integer and implied-integer columns (`_impliciet_geheel`) with
    integral coefficients has an integral activity, so ``<= 5.000005`` is
    ``<= 5``: the slack `allocatie.strategie.oplossen` adds to a held level (``1e-6 max(1,
    w)``) goes and nothing else changes. CBC needs it: with that slack the
    continuous ``onbediend`` of ``sum personen onbediend <= w + slack`` keeps a
    room of tolerance size, and CBC 2.10.3's preprocessing (CglPreProcess) then
    errs: it fixed a count wrongly and called kosten 24 optimal where 22 is
    (property tests, werk-eerst, seed 464720983), or left a root LP that failed
    numerically, "infeasible" (standaard, seed 134284259).
    """
    A = probleem.A
    rij = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    w = A.data
    gebroken = ~_impliciet_geheel(probleem)[A.indices] | (w != np.round(w))
    geheel = np.bincount(rij, weights=gebroken, minlength=A.shape[0]) == 0
    # The 1e-6 absorbs round-off below an integer: <= 4.9999999 stays <= 5.
    onder = np.where(geheel, np.ceil(probleem.rij_onder - 1e-6), probleem.rij_onder)
    boven = np.where(geheel, np.floor(probleem.rij_boven + 1e-6), probleem.rij_boven)
    return onder, boven


def _draai(prob: pulp.LpProblem, opties: SolverOpties, tijd_s: float, *extra: str) -> str:
    """Solve ``prob`` with CBC in place (``extra``: more CBC options); return CBC's log."""
    # The start point is not passed: given a MIP start, the CBC bundled with PuLP
    # (2.10.3) can stop at a worse solution and call it optimal (a 10-household
    # round: kosten 127.88 "optimal" with a start, 127.46 without; cf. coin-or/Cbc
    # issues 449 and 670). A correct optimum matters more than a warm start here.
    with tempfile.TemporaryDirectory(prefix="allocatie-cbc-") as tmp:
        log_pad = Path(tmp) / "cbc.log"
        solver = pulp.PULP_CBC_CMD(
            msg=False,
            timeLimit=max(1, int(np.ceil(tijd_s))),
            gapRel=float(opties.gap_relatief),
            threads=opties.threads or None,
            warmStart=False,
            logPath=str(log_pad),
            options=[f"randomCbcSeed {opties.seed + 1}", *extra],
        )
        prob.solve(solver)
        return log_pad.read_text(errors="replace") if log_pad.exists() else ""


def _oplossing(prob: pulp.LpProblem, kolommen: list[pulp.LpVariable]) -> np.ndarray | None:
    """CBC's solution by column position, None when it has none."""
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return None
    return np.array([v.varValue or 0.0 for v in kolommen], dtype=float)


class CbcBackend:
    """Solve a `MipProbleem` with CBC (bundled with PuLP)."""

    naam = "cbc"
    #: No LP interface, no work limit: each level is one MIP within a share of the time.
    vermogens: frozenset[str] = frozenset()

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
        rij_onder, rij_boven = _gehele_rijgrenzen(probleem)
        for i in range(probleem.n_rijen):
            a, b = A.indptr[i], A.indptr[i + 1]
            expr = pulp.LpAffineExpression(
                [(kolommen[j], float(w)) for j, w in zip(A.indices[a:b], A.data[a:b], strict=True)]
            )
            lo, hi = rij_onder[i], rij_boven[i]
            if lo == hi:
                prob += pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{i}", float(hi))
                continue
            if np.isfinite(hi):
                prob += pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{i}", float(hi))
            if np.isfinite(lo):
                prob += pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{i}_o", float(lo))
        tekst = _draai(prob, opties, tijdslimiet_s)
        x = _oplossing(prob, kolommen)
        start = probleem.start
        if start is not None and not _haalbaar(probleem, start):
            start = None
        # A feasible start bounds the optimum: CBC is provably wrong when it ends with
        # nothing, or with a solution worse than the start beyond the gap (and round-off).
        w0 = float(c @ start) if start is not None else np.inf
        drempel = w0 + (opties.gap_relatief + 1e-6) * max(1.0, abs(w0))

        def weerlegd(x: np.ndarray | None) -> bool:
            return start is not None and (x is None or float(c @ x) > drempel)

        opnieuw = ""
        if weerlegd(x) and time.perf_counter() - t0 < tijdslimiet_s:
            # CBC 2.10.3's preprocessing probes general integers wrongly (coin-or/Cbc
            # issue 293; here after it made the continuous onbediend integer itself):
            # onbediend 13 "optimal" from a start with 12 (property tests, werk-eerst,
            # seed 3268397702). Without preprocessing CBC is right.
            log.info("CBC weerlegd door het startpunt; opnieuw zonder preprocess")
            tekst = _draai(
                prob, opties, tijdslimiet_s - (time.perf_counter() - t0), "preprocess off"
            )
            x = _oplossing(prob, kolommen)
            opnieuw = " (opnieuw zonder preprocess)"
        heeft = x is not None
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
        bericht = pulp.LpStatus.get(prob.status, str(prob.status)) + opnieuw
        if start is not None and weerlegd(x):
            # CBC ended without a solution of its own (its preprocessing even reports
            # "infeasible" when the time limit cuts it short) or with a worse one.
            # The start is feasible: return it as the best solution known.
            x = start.astype(float)
            objectief = w0
            status = Status.TIJDSLIMIET
            bericht = f"{bericht}; CBC vond niets beters, het startpunt is teruggegeven"
        grens = _grens_uit_log(tekst)
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
            # CBC stops only at its time limit: then another run may end elsewhere.
            klok=status in (Status.TIJDSLIMIET, Status.GEEN_OPLOSSING),
        )
