"""HiGHS backend (``highspy``), the default solver."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import replace

import highspy
import numpy as np
import scipy.sparse as sp

from allocatie.solvers.base import (
    LP_DUALEN,
    LP_SESSIE,
    ONDERBREEKBAAR,
    WARME_LP,
    WERKLIMIET,
    BackendUitkomst,
    LpUitkomst,
    MipProbleem,
    SolverOpties,
    Status,
    relatieve_gap,
)

log = logging.getLogger(__name__)

#: The share of fixed columns from which an LP is presolved (`HighsBackend.los_lp_op`).
VAST_PRESOLVE = 0.05

#: Whether HiGHS has printed (to /dev/null) its banner already: only the first
#: ``Highs`` object of a process prints it.
_banner_geweest = False


def _nieuwe_highs() -> highspy.Highs:
    """A silent ``Highs`` object.

    HiGHS prints its copyright banner from the constructor of the first object,
    before any option can be set; it would land in the middle of the CLI's Dutch
    output, so the process's stdout is pointed at /dev/null while that object is
    made. Only then and only on the main thread: a worker thread (the LP of the
    next level, `allocatie.strategie.oplossen`) must not take the main thread's stdout away.
    """
    global _banner_geweest
    fd = None
    if not _banner_geweest and threading.current_thread() is threading.main_thread():
        sys.stdout.flush()
        try:
            fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):
            fd = None
    if fd is None:
        h = highspy.Highs()
    else:
        bewaard = os.dup(fd)
        try:
            with open(os.devnull, "w") as nul:
                os.dup2(nul.fileno(), fd)
                h = highspy.Highs()
        finally:
            os.dup2(bewaard, fd)
            os.close(bewaard)
        _banner_geweest = True
    # Logging stays on, but never reaches the console: HiGHS (seen with 1.16) polls
    # the MIP interrupt callback at its log points only when output is enabled, so
    # without it a deadline is not seen during presolve and the root LP (a 5 s
    # limit ran 23 s on the national round). See `_stop_op_deadline`.
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    # One thread inside HiGHS, always: HiGHS keeps one task scheduler per process,
    # fixed by the first object that runs, and its parallel parts may take other
    # paths with another thread count. With one, a solve takes the same path on
    # every machine; the strategy runs its own jobs side by side (`allocatie.strategie.oplossen`).
    h.setOptionValue("threads", 1)
    return h


class _Onderbreking:
    """Interrupt every HiGHS phase once ``perf_counter() > deadline`` or ``afbreken`` is set;
    both can change between solves of one ``Highs`` object (see `_stop_op_deadline`)."""

    def __init__(self, deadline: float, afbreken: threading.Event | None = None) -> None:
        self.deadline, self.afbreken = deadline, afbreken
        #: Whether the deadline (the wall clock) interrupted a solve.
        self.klok = False

    def __call__(self, e: object) -> None:
        if time.perf_counter() > self.deadline:
            self.klok = True
            e.interrupt()  # type: ignore[attr-defined]
        elif self.afbreken is not None and self.afbreken.is_set():
            e.interrupt()  # type: ignore[attr-defined]

    def koppel(self, h: highspy.Highs) -> None:
        """Register on every interrupt callback of ``h``."""
        h.cbSimplexInterrupt += self
        h.cbIpmInterrupt += self
        h.cbMipInterrupt += self
        h.cbMipLogging += self


def _lp_uitkomst(h: highspy.Highs, tijd_s: float) -> LpUitkomst:
    """The optimal LP point of ``h`` with its value and duals."""
    sol = h.getSolution()
    return LpUitkomst(
        status=Status.OPTIMAAL,
        x=np.asarray(sol.col_value, dtype=float),
        objectief=float(h.getInfo().objective_function_value),
        rijduaal=np.asarray(sol.row_dual, dtype=float),
        kolomduaal=np.asarray(sol.col_dual, dtype=float),
        tijd_s=tijd_s,
    )


class HighsWarmeLp:
    """A solved HiGHS LP kept at its optimal basis: solve again after bound changes.

    Every solve starts from the basis of the first (cold) solve and runs dual
    simplex: changed bounds keep that basis dual feasible, so a few pivots find
    the new optimum or prove infeasibility (`allocatie.solvers.base.WarmeLp`).
    Thread-safe: one solve at a time.
    """

    def __init__(self, h: highspy.Highs, probleem: MipProbleem, stop: _Onderbreking) -> None:
        self._h: highspy.Highs | None = h
        self._stop = stop
        self._basis = h.getBasis()
        self._bounds = [
            probleem.kol_onder.astype(float),
            probleem.kol_boven.astype(float),
            probleem.rij_onder.astype(float),
            probleem.rij_boven.astype(float),
        ]
        self._lock = threading.Lock()
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", 1)

    def los_op(
        self,
        kol_onder: np.ndarray,
        kol_boven: np.ndarray,
        rij_onder: np.ndarray,
        rij_boven: np.ndarray,
        tijdslimiet_s: float,
        afbreken: threading.Event | None = None,
    ) -> LpUitkomst:
        """The LP with these bounds (only the changed ones are passed to HiGHS)."""
        t0 = time.perf_counter()
        with self._lock:
            h = self._h
            if h is None:
                return LpUitkomst(Status.TIJDSLIMIET, None, None, None, None, 0.0)
            if tijdslimiet_s < 0.01:
                return LpUitkomst(Status.TIJDSLIMIET, None, None, None, None, 0.0, klok=True)
            ko, kb, ro, rb = (
                np.asarray(v, dtype=float) for v in (kol_onder, kol_boven, rij_onder, rij_boven)
            )
            oud_ko, oud_kb, oud_ro, oud_rb = self._bounds
            anders = np.flatnonzero((ko != oud_ko) | (kb != oud_kb))
            if len(anders):
                lo, hi = _grenzen(ko[anders], kb[anders])
                h.changeColsBounds(len(anders), anders.astype(np.int32), lo, hi)
            anders = np.flatnonzero((ro != oud_ro) | (rb != oud_rb))
            if len(anders):
                lo, hi = _grenzen(ro[anders], rb[anders])
                h.changeRowsBounds(len(anders), anders.astype(np.int32), lo, hi)  # type: ignore[attr-defined]
            self._bounds = [ko.copy(), kb.copy(), ro.copy(), rb.copy()]
            # From the first solve's basis with nothing else kept (factorisation, edge
            # weights): a solve then depends only on these bounds, not on which solves
            # ran before it, so jobs stopped at different points leave no trace.
            h.clearSolver()
            h.setBasis(self._basis)
            self._stop.deadline, self._stop.afbreken = t0 + tijdslimiet_s, afbreken
            self._stop.klok = False
            # HiGHS measures ``time_limit`` from the object's first run (the cold
            # solve), so the deadline is only enforced by the interrupt callbacks.
            h.setOptionValue("time_limit", highspy.kHighsInf)
            h.run()
            status_h = h.getModelStatus()
            if status_h == highspy.HighsModelStatus.kOptimal:
                return _lp_uitkomst(h, time.perf_counter() - t0)
            status = (
                Status.ONHAALBAAR
                if status_h == highspy.HighsModelStatus.kInfeasible
                else Status.TIJDSLIMIET
            )
            return LpUitkomst(
                status, None, None, None, None, time.perf_counter() - t0, klok=self._stop.klok
            )

    def sluit(self) -> None:
        """Free HiGHS's memory."""
        with self._lock:
            self._h = None


def _stop_op_deadline(
    h: highspy.Highs, deadline: float, afbreken: threading.Event | None = None
) -> _Onderbreking:
    """Interrupt every HiGHS phase (simplex, IPM, MIP) once ``perf_counter() > deadline``.

    HiGHS checks its own ``time_limit`` only at some points (seen: 19% over at
    8,000 households); the interrupt callbacks are polled inside the loops, so
    the solve returns with its best solution close to the deadline. Also once
    ``afbreken`` is set (another thread no longer needs the result). Returns the
    interrupt (its ``klok`` says whether the deadline cut in).
    """
    stop = _Onderbreking(deadline, afbreken)
    stop.koppel(h)
    return stop


_GESTOPT = (
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kIterationLimit,
)


def _status(status_h: highspy.HighsModelStatus, heeft: bool) -> Status:
    """The shared status of a HiGHS model status; ``heeft``: a feasible point exists."""
    if status_h == highspy.HighsModelStatus.kOptimal:
        return Status.OPTIMAAL
    if status_h == highspy.HighsModelStatus.kInfeasible:
        return Status.ONHAALBAAR
    if status_h in _GESTOPT:
        return Status.TIJDSLIMIET if heeft else Status.GEEN_OPLOSSING
    return Status.FOUT


def _grenzen(onder: np.ndarray, boven: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds as HiGHS takes them: infinite as ``kHighsInf``, as floats."""
    inf = highspy.kHighsInf
    return (
        np.where(np.isinf(onder), -inf, onder).astype(float),
        np.where(np.isinf(boven), inf, boven).astype(float),
    )


def _ingepakt(A: sp.csr_array | sp.csc_array) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """A compressed matrix as HiGHS's (nnz, starts, indices, values)."""
    return (
        int(A.nnz),
        A.indptr[:-1].astype(np.int32),
        A.indices.astype(np.int32),
        A.data.astype(float),
    )


def _highs_lp(probleem: MipProbleem, geheel: bool) -> highspy.HighsLp:
    """The problem as a ``HighsLp`` (column-wise matrix, infinite bounds as HiGHS's)."""
    inf = highspy.kHighsInf
    A = sp.csc_array(probleem.A)
    lp = highspy.HighsLp()
    lp.num_col_ = probleem.n_kolommen
    lp.num_row_ = probleem.n_rijen
    lp.col_cost_ = probleem.c.astype(float)
    lp.col_lower_ = np.where(np.isinf(probleem.kol_onder), -inf, probleem.kol_onder)
    lp.col_upper_ = np.where(np.isinf(probleem.kol_boven), inf, probleem.kol_boven)
    lp.row_lower_ = np.where(np.isinf(probleem.rij_onder), -inf, probleem.rij_onder)
    lp.row_upper_ = np.where(np.isinf(probleem.rij_boven), inf, probleem.rij_boven)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    if geheel and probleem.geheel.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if g else highspy.HighsVarType.kContinuous
            for g in probleem.geheel.tolist()
        ]
    return lp


#: From this many columns a sub-MIP with an objective solves its root LP with IPX
#: (`HighsBackend._los_op`); a feasibility search without objective always does.
#: Measured between the province round's sub-MIPs (at most 1,560 columns, slower with
#: IPX) and the national ones (10,000 columns and up, faster).
IPX_VANAF = 5_000


class HighsBackend:
    """Solve a `MipProbleem` with HiGHS through its array interface."""

    naam = "highs"
    vermogens: frozenset[str] = frozenset(
        {LP_DUALEN, WARME_LP, ONDERBREEKBAAR, WERKLIMIET, LP_SESSIE}
    )

    def los_op(
        self,
        probleem: MipProbleem,
        opties: SolverOpties,
        tijdslimiet_s: float,
        afbreken: threading.Event | None = None,
        *,
        knopen: int | None = None,
    ) -> BackendUitkomst:
        """Solve ``probleem``; the start point, if any, is passed as a MIP start.

        ``afbreken``: stop with the best solution so far as soon as another
        thread sets it. ``knopen``: at most this many branch-and-bound nodes
        (HiGHS's ``mip_max_nodes``), a deterministic work limit: the same
        problem stops at the same point on a busy and an idle machine, where
        ``tijdslimiet_s`` (the safety net) does not (`BackendUitkomst.klok`).

        HiGHS (seen with 1.16) can hand back the MIP start unchanged while it
        reports the better objective that the start has in the presolved space
        (a start with slack in columns that presolve removes, e.g. ``tekort``
        and ``over`` both positive). The returned point is therefore checked
        against the reported objective. On a mismatch the continuous columns
        are re-optimised with the integer ones fixed (an LP), and if that does
        not reach the reported objective, the problem is solved again without
        the start in the time that is left.
        """
        t0 = time.perf_counter()
        uit = self._los_op(probleem, opties, tijdslimiet_s, t0, afbreken, knopen)
        if probleem.start is None or uit.x is None or uit.objectief is None:
            return uit
        c, doel = probleem.c, uit.objectief
        tol = 1e-9 * max(1.0, abs(doel))
        echt = float(c @ uit.x)
        if echt <= doel + tol:
            return uit
        log.info("HiGHS gaf een punt met doel %.9g bij gemeld doel %.9g; herstel", echt, doel)
        geheel = probleem.geheel
        vast = np.round(uit.x)
        lp = replace(
            probleem,
            kol_onder=np.where(geheel, vast, probleem.kol_onder),
            kol_boven=np.where(geheel, vast, probleem.kol_boven),
            geheel=np.zeros_like(geheel),
            start=None,
        )
        rest = tijdslimiet_s - (time.perf_counter() - t0)
        hersteld = self._los_op(lp, opties, rest, t0)
        if hersteld.x is not None and float(c @ hersteld.x) <= doel + tol:
            return replace(uit, x=hersteld.x, tijd_s=hersteld.tijd_s, klok=uit.klok)
        log.warning("HiGHS: herstel bereikte het gemelde doel niet; opnieuw zonder startpunt")
        rest = tijdslimiet_s - (time.perf_counter() - t0)
        opnieuw = self._los_op(replace(probleem, start=None), opties, rest, t0, afbreken, knopen)
        klok = uit.klok or hersteld.klok or opnieuw.klok
        if opnieuw.x is None or float(c @ opnieuw.x) > echt:
            # Only the start is known for sure: feasible, not proven optimal.
            gap = relatieve_gap(echt, uit.grens)
            return replace(uit, status=Status.TIJDSLIMIET, objectief=echt, gap=gap, klok=klok)
        return replace(opnieuw, klok=klok)

    def los_lp_op(
        self,
        probleem: MipProbleem,
        opties: SolverOpties,
        tijdslimiet_s: float,
        afbreken: threading.Event | None = None,
        *,
        warm: bool = False,
    ) -> LpUitkomst:
        """Solve the LP relaxation of ``probleem`` (integrality dropped).

        The interior point solver IPX with crossover: on these degenerate
        assignment LPs it is several times faster than dual simplex (measured
        on the national round: 6-8 s against 14-79 s per level), and crossover
        gives a basic point, nearly integral, with exact duals. ``afbreken``: stop
        (no solution) as soon as another thread sets it. ``warm``: keep the LP
        alive at its optimal basis (`LpUitkomst.warm`, `HighsWarmeLp`).
        """
        t0 = time.perf_counter()
        h = _nieuwe_highs()
        h.setOptionValue("time_limit", float(max(tijdslimiet_s, 0.01)))
        h.setOptionValue("solver", "ipx")
        h.setOptionValue("run_crossover", "on")
        # Presolve finds little in these LPs and costs more than it saves (national
        # round, four levels: 6.6/7.5/6.7 s with it, 5.5/5.8/6.3 s without), unless
        # earlier levels held by bounds fixed many columns (`houd_vlak`): IPX keeps
        # fixed columns and then struggles (national werk-eerst round, third level
        # with 166,250 of 229,372 columns fixed: no solution in 150 s without
        # presolve, 2.3 s with it or with the fixed columns taken out).
        vast = float(np.mean(probleem.kol_onder == probleem.kol_boven))
        h.setOptionValue("presolve", "on" if vast >= VAST_PRESOLVE else "off")
        h.setOptionValue("random_seed", int(opties.seed))
        stop = _Onderbreking(t0 + tijdslimiet_s, afbreken)
        stop.koppel(h)
        h.passModel(_highs_lp(probleem, geheel=False))
        h.run()
        status_h = h.getModelStatus()
        if status_h != highspy.HighsModelStatus.kOptimal:
            klok = stop.klok or status_h == highspy.HighsModelStatus.kTimeLimit
            return LpUitkomst(
                Status.TIJDSLIMIET, None, None, None, None, time.perf_counter() - t0, klok=klok
            )
        uit = _lp_uitkomst(h, time.perf_counter() - t0)
        if warm:
            uit = replace(uit, warm=HighsWarmeLp(h, probleem, stop))
        return uit

    def lp_sessie(self, probleem: MipProbleem, opties: SolverOpties) -> HighsSessie:
        """A live LP of ``probleem`` (integrality dropped) for column generation."""
        sessie = HighsSessie(probleem, opties, geheel=False)
        sessie.zet_lp_methode("ipx")
        return sessie

    def _los_op(
        self,
        probleem: MipProbleem,
        opties: SolverOpties,
        tijdslimiet_s: float,
        t0: float,
        afbreken: threading.Event | None = None,
        knopen: int | None = None,
    ) -> BackendUitkomst:
        """One HiGHS run; ``t0`` is when the backend call started (for ``tijd_s``)."""
        h = _nieuwe_highs()
        h.setOptionValue("time_limit", float(max(tijdslimiet_s, 0.01)))
        h.setOptionValue("mip_rel_gap", float(opties.gap_relatief))
        h.setOptionValue("random_seed", int(opties.seed))
        if knopen is not None:
            h.setOptionValue("mip_max_nodes", int(max(1, knopen)))
        if probleem.geheel.any() and (not probleem.c.any() or probleem.n_kolommen >= IPX_VANAF):
            # The root LP of a sub-MIP starts from scratch (a start point gives HiGHS no
            # basis); the interior point method with crossover does it in a fraction of
            # the dual simplex's time, the nodes still use the dual simplex; deterministic
            # like the simplex. Family member nf-12: four min-max feasibility searches
            # (no objective) of 28,000-38,000 columns 15-22 s each with the simplex,
            # 10-15 s with IPX, the same outcome; the neighbourhood sub-MIPs with the
            # level's objective (10,000-19,000 columns): overvulling 13.3 -> 8.3 s (same
            # point), eerlijkheid 22.6 s to its node limit at 0.2391 -> 10.0 s to the
            # neighbourhood's optimum 0.2174, kosten 5.6 -> 5.1 s. Not below `IPX_VANAF`
            # columns with an objective (province round, 493 columns: 0.44 -> 0.63 s).
            h.setOptionValue("mip_lp_solver", "ipx")

        stop = _stop_op_deadline(h, time.perf_counter() + tijdslimiet_s, afbreken)
        if probleem.doel is not None:
            doel = float(probleem.doel)

            def genoeg(e: object) -> None:
                if e.data_out.mip_primal_bound <= doel:  # type: ignore[attr-defined]
                    e.interrupt()  # type: ignore[attr-defined]

            h.cbMipInterrupt += genoeg
        lp = _highs_lp(probleem, geheel=True)
        h.passModel(lp)
        if probleem.start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = probleem.start.astype(float).tolist()
            sol.value_valid = True
            h.setSolution(sol)
        h.run()

        status_h = h.getModelStatus()
        info = h.getInfo()
        heeft = info.primal_solution_status == 2  # kSolutionStatusFeasible
        log.info(
            "HiGHS-MIP %d kolommen: %s, %d knopen, %d LP-iteraties, %.2f s",
            probleem.n_kolommen,
            h.modelStatusToString(status_h),
            int(info.mip_node_count),
            int(info.simplex_iteration_count),
            time.perf_counter() - t0,
        )
        x = np.asarray(h.getSolution().col_value, dtype=float) if heeft else None
        objectief = float(info.objective_function_value) if heeft else None
        status = _status(status_h, heeft)
        if probleem.geheel.any():
            grens = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
        else:
            grens = objectief if status is Status.OPTIMAAL else None
        return BackendUitkomst(
            status=status,
            x=x,
            objectief=objectief,
            grens=grens,
            gap=relatieve_gap(objectief, grens),
            tijd_s=time.perf_counter() - t0,
            solver=f"HiGHS {h.version()}",
            bericht=h.modelStatusToString(status_h),
            klok=stop.klok or status_h == highspy.HighsModelStatus.kTimeLimit,
        )


class HighsSessie:
    """A HiGHS model kept alive between solves: change bounds, add rows, solve again.

    For decomposition (Benders): the subproblem LPs change only some column
    bounds between solves and the master only gains rows, so the previous basis
    is a warm start. ``los_op`` returns the outcome plus, for an LP, the row
    duals (HiGHS's sign convention: for a minimisation the dual of a binding
    ``<=`` row is <= 0, of a binding ``>=`` row >= 0).
    """

    naam = "highs"

    def __init__(self, probleem: MipProbleem, opties: SolverOpties, *, geheel: bool) -> None:
        self._h = _nieuwe_highs()
        self._opties = opties
        self._h.setOptionValue("random_seed", int(opties.seed))
        self._h.setOptionValue("mip_rel_gap", float(opties.gap_relatief))
        self._stop = _Onderbreking(float("inf"))
        self._stop.koppel(self._h)
        self._h.passModel(_highs_lp(probleem, geheel=geheel))
        self._geheel = np.asarray(probleem.geheel, dtype=bool)
        self._mip = bool(geheel and self._geheel.any())
        self.n_kolommen = probleem.n_kolommen

    def zet_kolomgrenzen(self, idx: np.ndarray, onder: np.ndarray, boven: np.ndarray) -> None:
        """Set the bounds of columns ``idx``."""
        idx = np.asarray(idx, dtype=np.int32)
        self._h.changeColsBounds(
            len(idx), idx, np.asarray(onder, dtype=float), np.asarray(boven, dtype=float)
        )

    def voeg_rijen_toe(self, A: sp.csr_array, onder: np.ndarray, boven: np.ndarray) -> None:
        """Append rows ``onder <= A x <= boven``."""
        A = sp.csr_array(A)
        lo, hi = _grenzen(onder, boven)
        nnz, start, index, waarde = _ingepakt(A)
        self._h.addRows(A.shape[0], lo, hi, nnz, start, index, waarde)

    def voeg_kolommen_toe(
        self, c: np.ndarray, A: sp.csc_array, onder: np.ndarray, boven: np.ndarray
    ) -> None:
        """Append columns with costs ``c``, matrix columns ``A`` and bounds (continuous)."""
        A = sp.csc_array(A)
        lo, hi = _grenzen(onder, boven)
        nnz, start, index, waarde = _ingepakt(A)
        k = A.shape[1]
        self._h.addCols(k, np.asarray(c, dtype=float), lo, hi, nnz, start, index, waarde)
        self._geheel = np.concatenate([self._geheel, np.zeros(k, dtype=bool)])
        self.n_kolommen += k

    def zet_lp_methode(self, methode: str) -> None:
        """``"ipx"``: interior point with crossover, no presolve (a cold LP);
        ``"simplex"``: dual simplex from the current basis (after a small change);
        ``"primaal"``: primal simplex from it (after columns were added: the basis
        stays primal feasible)."""
        if methode == "ipx":
            self._h.setOptionValue("solver", "ipx")
            self._h.setOptionValue("run_crossover", "on")
            self._h.setOptionValue("presolve", "off")
        elif methode == "simplex":
            self._h.setOptionValue("solver", "simplex")
            self._h.setOptionValue("simplex_strategy", 1)
        elif methode == "primaal":
            self._h.setOptionValue("solver", "simplex")
            self._h.setOptionValue("simplex_strategy", 4)
        else:
            raise ValueError(f"onbekende LP-methode {methode!r}")

    def warme_lp(
        self, probleem: MipProbleem, kols: np.ndarray, tijdslimiet_s: float
    ) -> tuple[HighsWarmeLp | None, bool]:
        """The whole LP of ``probleem`` kept warm (`HighsWarmeLp`), from this session's basis.

        This session holds the columns ``kols`` of ``probleem`` in that order (column
        generation); every other column starts nonbasic at a finite bound. After
        column generation that basis is optimal for the whole LP (no reduced cost
        is negative), so the solve here only factorises it; after an early stop
        primal simplex goes on from it. Returns it (None: no valid basis, or no
        optimum in ``tijdslimiet_s``) and whether the clock stopped that solve.
        """
        basis = self._h.getBasis()
        if not basis.valid or len(kols) != self.n_kolommen:
            return None, False
        S = highspy.HighsBasisStatus
        eindig_onder = np.isfinite(probleem.kol_onder)
        eindig_boven = np.isfinite(probleem.kol_boven)
        kol_status = [
            S.kLower if o else (S.kUpper if b else S.kZero)
            for o, b in zip(eindig_onder.tolist(), eindig_boven.tolist(), strict=True)
        ]
        for j, s in zip(kols.tolist(), basis.col_status, strict=True):
            kol_status[j] = s
        h = _nieuwe_highs()
        h.setOptionValue("random_seed", int(self._opties.seed))
        stop = _Onderbreking(time.perf_counter() + max(tijdslimiet_s, 0.01))
        stop.koppel(h)
        h.passModel(_highs_lp(probleem, geheel=False))
        volledig = highspy.HighsBasis()
        volledig.col_status = kol_status
        volledig.row_status = list(basis.row_status)
        volledig.valid = True
        h.setBasis(volledig)
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", 4)
        h.setOptionValue("presolve", "off")
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None, stop.klok
        return HighsWarmeLp(h, probleem, stop), False

    def kolomduaal(self) -> np.ndarray | None:
        """Reduced costs of the last LP solve (None when HiGHS has no valid duals)."""
        sol = self._h.getSolution()
        return np.asarray(sol.col_dual, dtype=float) if sol.dual_valid else None

    def zet_geheel(self, geheel: bool) -> None:
        """Switch the integer columns of the original problem on or off."""
        idx = np.flatnonzero(self._geheel).astype(np.int32)
        self._mip = bool(geheel and len(idx))
        if not len(idx):
            return
        soort = highspy.HighsVarType.kInteger if geheel else highspy.HighsVarType.kContinuous
        self._h.changeColsIntegrality(len(idx), idx, np.array([soort] * len(idx)))

    def zet_start(self, x: np.ndarray) -> None:
        """A MIP start for the next solve."""
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(x, dtype=float).tolist()
        sol.value_valid = True
        self._h.setSolution(sol)

    def los_op(self, tijdslimiet_s: float) -> tuple[BackendUitkomst, np.ndarray | None]:
        """Solve; returns the outcome and the row duals (None for a MIP or no solution)."""
        t0 = time.perf_counter()
        self._stop.deadline = t0 + max(tijdslimiet_s, 0.01)
        self._stop.klok = False
        self._h.setOptionValue("time_limit", float(max(tijdslimiet_s, 0.01)))
        self._h.run()
        status_h = self._h.getModelStatus()
        info = self._h.getInfo()
        heeft = info.primal_solution_status == 2
        sol = self._h.getSolution()
        x = np.asarray(sol.col_value, dtype=float) if heeft else None
        objectief = float(info.objective_function_value) if heeft else None
        mip = self._mip
        status = _status(status_h, heeft)
        if mip:
            b = info.mip_dual_bound
            grens = float(b) if np.isfinite(b) else None
            duaal = None
        else:
            grens = objectief if status is Status.OPTIMAAL else None
            duaal = np.asarray(sol.row_dual, dtype=float) if sol.dual_valid else None
        uit = BackendUitkomst(
            status=status,
            x=x,
            objectief=objectief,
            grens=grens,
            gap=relatieve_gap(objectief, grens),
            tijd_s=time.perf_counter() - t0,
            solver=f"HiGHS {self._h.version()}",
            bericht=self._h.modelStatusToString(status_h),
            klok=self._stop.klok or status_h == highspy.HighsModelStatus.kTimeLimit,
        )
        return uit, duaal
