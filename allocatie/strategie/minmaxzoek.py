"""Min-max levels in whole persons: the feasibility descent, the warm bound, the test.

The test is "strictly better than the best value": infeasible in whole persons
means the best value is optimal (`allocatie.model.minmax`).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from allocatie.model.minmax import MinMax
from allocatie.resultaat.result import NiveauUitkomst
from allocatie.solvers.base import (
    Backend,
    BackendUitkomst,
    LpUitkomst,
    MipProbleem,
    SolverOpties,
    Status,
    WarmeLp,
)
from allocatie.strategie.deelmip import goedkoopste, los_deel
from allocatie.strategie.instellingen import Instellingen
from allocatie.strategie.vangnet import Vangnet

log = logging.getLogger(__name__)


class BuitenBereik:
    """The feasibility searches of one level proven to have no point (their column upper bounds).

    A search is the level's problem without objective under column upper bounds ``kb``
    (lower bounds and rows are the level's own). If the search under ``kb`` is infeasible,
    so is every search under bounds ``<= kb``: a later descent of the same level
    (`minmax_haalbaar`, one per neighbourhood width) skips such a search instead of
    proving it again (national family nf-12, overvulling: the same search of 38,720
    columns proven infeasible three times, 7 s each, and a tighter one twice). Exact and
    deterministic: only proofs are kept (never a search stopped by its work limit or the
    clock), the same sequence of searches gives the same skips. Used by one thread at a
    time (the level's job beside, or `Direct`).
    """

    #: At most this many proofs are kept (the most recent), each an array of the level's width.
    MAX = 16

    def __init__(self) -> None:
        self.bewezen: list[np.ndarray] = []

    def bevat(self, kb: np.ndarray) -> bool:
        """Whether a search under ``kb`` is proven infeasible (bounds within a proven one)."""
        return any(bool(np.all(kb <= b)) for b in self.bewezen)

    def voeg_toe(self, kb: np.ndarray) -> None:
        """Record that the search under ``kb`` has no point."""
        self.bewezen = [b for b in self.bewezen if not np.all(b <= kb)][-(self.MAX - 1) :]
        self.bewezen.append(kb.copy())


def minmax_haalbaar(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    mm: MinMax,
    beste: np.ndarray,
    onder: float,
    doelwaarde: float | None,
    drager: np.ndarray,
    kolommen_x: slice,
    typ: np.ndarray,
    tot: float,
    instellingen: Instellingen,
    warm: WarmeLp | None = None,
    genoeg: float = -np.inf,
    afbreken: threading.Event | None = None,
    buiten_bereik: BuitenBereik | None = None,
    hoofd: Future[BackendUitkomst] | None = None,
    voorrang: threading.Event | None = None,
) -> BackendUitkomst:
    """A descent of feasibility searches on a min-max level near ``beste`` (beside a sub-MIP).

    Each search has no objective and asks for any point with ``y`` strictly below the best value
    and at most a target; free are the columns ``drager`` (the LP's and the best point's
    support) plus every option of the household types placed in the gemeenten with the largest
    ratio (so they can move anywhere). With the level's own objective HiGHS spends such a
    sub-MIP in root cut rounds (national overvulling: 15 s, stuck at its start 1.3); without one
    it goes straight to its heuristics. The support alone is faster than with the k counts of
    smallest reduced cost of the sub-MIP beside it (national overvulling "below 0.259": 3.4 s
    against 5.3 s, "below 0.2501": 3.2 s against 7.9 s; 30,000 households, eerlijkheid "below
    0.2": 22 s against nothing in 30 s).

    The targets divide the range between ``onder`` (the LP bound, then the highest target proven
    out of reach in the neighbourhood) and the best value (`Instellingen.doel_stap`), each
    rounded up to a value a gemeente can reach in whole persons (`MinMax.volgende`); the first
    is ``doelwaarde`` when given, and until a first point it loosens by
    `Instellingen.haalbaar_doel` instead (30,000
    households: eerlijkheid "at most 0.06" infeasible in 11 s, "at most 0.07" 0.0698 in 21 s).
    One notch at a time was too slow (national overvulling: 0.259, 0.258, 0.257 in 21 s;
    halving: 0.259, one target out of reach, 0.25 in 13 s). Stops when a search strictly below
    the best finds nothing, when a search is not proven infeasible but finds nothing, when
    a sub-MIP proves a target at or above ``genoeg`` out of reach while a better point than the
    first is in hand (from the descent or the main sub-MIP: no point of this neighbourhood
    can close the gap, so a wider one is the next step; family member nf-12, overvulling:
    "at most 0.3378" proven out of reach against ``genoeg`` 0.3377, then two more searches
    of 33,075 columns, 12 s each, for an improvement of at most 0.003), after
    ``instellingen.zoekstappen`` searches (each at most ``knopen_deel`` nodes: deterministic),
    once a point is at most ``genoeg`` (it closes the level's gap), or at the safety deadline
    ``tot``, or when ``afbreken`` is set (its result then does not count). Returns the last
    point, its level column set to the smallest value it allows, or none.

    ``warm``: the level's warm LP (`WarmeLp`). Before each search the LP with the same bounds
    in whole persons: infeasible, the target is out of reach for every solution (no MIP);
    otherwise the LP point's support joins the neighbourhood.

    ``buiten_bereik``: the searches of this level proven infeasible before (`BuitenBereik`);
    such a search is not run again, and every new proof is added.

    ``hoofd``: the outcome of the sub-MIP this descent runs beside. After its first step the
    descent waits for it and goes on from its point when that is better (and ends when
    that point closes the gap): a fixed point in the sequence, so the outcome does not
    depend on which finished first. ``voorrang``: set when the descent's own point closes
    the gap (at most ``genoeg``); the main sub-MIP then stops and this point wins
    (`samen`). Both depend only on the descent's own searches, never on timing. Without it the
    descent went on from its own, worse values (family member nf-12, overvulling: the main
    sub-MIP reached 0.3443 after 15 s; the descent beside it ran 125 s more from the
    start value 6 and ended at 0.3462).
    """
    c = probleem.c
    gevonden: BackendUitkomst | None = None
    uit = BackendUitkomst(Status.GEEN_OPLOSSING, None, None, None, None, 0.0, "")
    doel = doelwaarde  # None: the next target follows from ``onder`` and the best value
    beter = False  # whether a point better than the first ``beste`` is in hand
    buiten: float | None = None  # the last target a sub-MIP proved out of reach here
    for stap in range(instellingen.zoekstappen):
        if afbreken is not None and afbreken.is_set():
            break
        if stap == 1 and hoofd is not None and hoofd.exception() is None:
            x = hoofd.result().x
            if x is not None and (w := mm.waarde(x)) < mm.waarde(beste):
                beste, doel, beter = x, None, True
                if w <= genoeg:
                    break  # the main sub-MIP closed the gap: its point wins
        if (
            buiten is not None
            and np.isfinite(genoeg)
            and buiten >= genoeg
            and (beter or gevonden is not None)
        ):
            break  # proven: no point of this neighbourhood closes the gap; widen instead
        # Past the deadline the next solve stops at once and says so (`BackendUitkomst.klok`).
        tijd = tot - time.perf_counter()
        waarde = mm.waarde(beste)
        if waarde <= onder:
            break  # at the bound: nothing more to look for (a point at most ``genoeg`` ended it)
        boven = mm.strikt(waarde)
        if doel is None:
            doel = onder + instellingen.doel_stap * (waarde - onder)
        # Up to a value a gemeente can reach in whole persons, but never past ``genoeg``:
        # a point at the rounded value would not close the gap (family member nf-14,
        # eerlijkheid: "at most 0.232283" against ``genoeg`` 0.232273 found a point at
        # the target, and one more search of 44,924 columns, 23 s, followed).
        volgende = mm.volgende(doel)
        doel = genoeg if doel <= genoeg < volgende else volgende
        alleen_strikt = doel >= waarde or bool(np.all(mm.grenzen(doel) >= boven))
        if not alleen_strikt:
            boven = np.minimum(boven, mm.grenzen(doel))
        ergste = mm.ergste(beste, instellingen.ergste_aantal(len(mm.y), instellingen.buurt_k))
        bezet = ergste & (beste[kolommen_x] > 0.5)
        vrij = drager | (beste > 0.5)
        vrij[kolommen_x] |= ergste | np.isin(typ, np.unique(typ[bezet]))
        if warm is not None:
            # The LP with the same bounds in whole persons (warm: a fraction of a
            # second): infeasible, the target is out of reach for every solution;
            # else its support joins the neighbourhood (30,000 households,
            # eerlijkheid "at most 0.0617" from 0.0667: proven out of reach in the
            # neighbourhood without it in 12 s, 0.0612 in 22 s with it).
            lp_doel = afgerond_lp(warm, probleem, mm, boven, tot)
            log.debug("LP in hele personen onder %.6g: %s", doel, lp_doel.status.value)
            if lp_doel.status is Status.ONHAALBAAR and not alleen_strikt:
                onder = doel
                doel = doel * instellingen.haalbaar_doel if gevonden is None else None
                continue
            if lp_doel.status is Status.ONHAALBAAR:
                break
            if lp_doel.x is not None:
                vrij |= lp_doel.x > 1e-6
        kb = np.where(vrij, probleem.kol_boven, probleem.kol_onder)
        kb[mm.y] = np.minimum(kb[mm.y], np.maximum(boven, probleem.kol_onder[mm.y]))
        if buiten_bereik is not None and buiten_bereik.bevat(kb):
            uit = BackendUitkomst(Status.ONHAALBAAR, None, None, None, None, 0.0, "")
        else:
            zoek = replace(probleem, c=np.zeros_like(c), kol_boven=kb, start=None, doel=0.5)
            uit = los_deel(
                backend,
                zoek,
                opties,
                tijd,
                afbreken,
                knopen=instellingen.knopen_deel,
                knoopwerk=instellingen.knoopwerk,
            )
            if buiten_bereik is not None and uit.status is Status.ONHAALBAAR:
                buiten_bereik.voeg_toe(kb)
        log.debug(
            "Haalbaarheid onder %.6g: %s in %.1f s",
            waarde if alleen_strikt else doel,
            uit.status.value,
            uit.tijd_s,
        )
        if uit.x is not None:
            x = uit.x.copy()
            x[mm.z] = max(probleem.kol_onder[mm.z], mm.waarde(x))
            gevonden = replace(uit, x=x, objectief=float(c @ x), grens=None, gap=None)
            beste, doel = x, None
            if mm.waarde(x) <= genoeg:
                if voorrang is not None:
                    voorrang.set()  # its own point closes the gap: it wins (`samen`)
                break
        elif uit.status is Status.ONHAALBAAR and not alleen_strikt:
            onder = buiten = doel
            doel = doel * instellingen.haalbaar_doel if gevonden is None else None
        else:
            break
    return uit if gevonden is None else gevonden


def elastisch(probleem: MipProbleem, y: np.ndarray, boven: np.ndarray) -> MipProbleem:
    """The LP "least total excess of ``y`` over ``boven``": rows ``y[g] - s[g] <= boven[g]``.

    Always feasible when ``probleem`` is; its optimum is 0 exactly when the
    bounds ``y <= boven`` can be added to the LP relaxation. Interior point
    methods solve it as fast as the level's own LP, where proving the bounded
    LP infeasible took six times as long (national round: 5.5 s against 35 s).
    """
    n, m, g = probleem.n_kolommen, probleem.n_rijen, len(y)
    rijen = sp.csr_array(
        (
            np.concatenate([np.ones(g), -np.ones(g)]),
            (np.tile(np.arange(g), 2), np.concatenate([y, n + np.arange(g)])),
        ),
        shape=(g, n + g),
    )
    A = sp.vstack([sp.hstack([probleem.A, sp.csr_array((m, g))]), rijen], format="csr")
    return MipProbleem(
        c=np.concatenate([np.zeros(n), np.ones(g)]),
        A=A,
        rij_onder=np.concatenate([probleem.rij_onder, np.full(g, -np.inf)]),
        rij_boven=np.concatenate([probleem.rij_boven, boven]),
        kol_onder=np.concatenate([probleem.kol_onder, np.zeros(g)]),
        kol_boven=np.concatenate([probleem.kol_boven, np.full(g, np.inf)]),
        geheel=np.concatenate([probleem.geheel, np.zeros(g, dtype=bool)]),
    )


def afgerond_lp(
    warm: WarmeLp, probleem: MipProbleem, mm: MinMax, boven: np.ndarray, tot: float
) -> LpUitkomst:
    """The LP of ``probleem`` with ``y <= boven`` (whole persons), on the warm LP of the level.

    A bound below a column's lower bound is taken at that lower bound: the test
    only gets weaker (it never proves too much).
    """
    kb = probleem.kol_boven.copy()
    kb[mm.y] = np.minimum(kb[mm.y], np.maximum(boven, probleem.kol_onder[mm.y]))
    return warm.los_op(
        probleem.kol_onder, kb, probleem.rij_onder, probleem.rij_boven, tot - time.perf_counter()
    )


def warme_grens(
    warm: WarmeLp,
    probleem: MipProbleem,
    mm: MinMax,
    grens: float,
    beste_w: float,
    tot: float,
    gap: float,
    stappen: int = Instellingen.warme_stappen,
) -> tuple[float, LpUitkomst | None]:
    """Raise the bound ``grens`` of a min-max level with its LP in whole persons (`MinMax`).

    First "strictly below the best value ``beste_w``" (`MinMax.strikt`): if that
    LP is infeasible, the best value is optimal. Otherwise one LP at the bound
    itself (feasible there: no target above it can be infeasible, the bound
    stays), then bisection between the bound and the best value: if the LP with
    ``y <= mm.grenzen(T)`` is infeasible, no solution has a value ``<= T`` and
    the level is at least `MinMax.boven` of ``T``; stops when the interval left
    is below 1% of the ``gap`` (relative, as `relatieve_gap`), after ``stappen``
    steps (`Instellingen.warme_stappen`) or at ``tot``. Each LP is a dual
    simplex from the level's optimal basis (`allocatie.solvers.base.WarmeLp`):
    30,000 households 0.2-0.4 s, against 47-53 s for the elastic LP of
    `minmax_bewijs`. Returns the bound and the LP point
    strictly below the best value (None when proven optimal or out of time).
    """
    onder = afgerond_lp(warm, probleem, mm, mm.strikt(beste_w), tot)
    if onder.status is Status.ONHAALBAAR:
        return max(grens, beste_w), None
    if onder.status is not Status.OPTIMAAL:
        return grens, None
    hoog = beste_w  # the rounded LP is feasible at every target from here on
    tol = 0.01 * gap * max(1.0, abs(beste_w))
    # The first step tests the bound itself: feasible there, it is feasible at every
    # target above it and no bisection step can lift the bound (one LP instead of
    # ``stappen``: family member nf-12, eerlijkheid, LP bound 3/17 is already a ratio
    # in whole persons, twelve steps 4.5 s for nothing).
    op_de_grens = bool(np.isfinite(grens))
    for _ in range(stappen + op_de_grens):
        if hoog - grens <= tol:
            break
        doel = grens if op_de_grens else 0.5 * (grens + hoog)
        op_de_grens = False
        uit = afgerond_lp(warm, probleem, mm, mm.grenzen(doel), tot)
        if uit.status is Status.ONHAALBAAR:
            grens = max(grens, mm.boven(doel))
        elif uit.status is Status.OPTIMAAL:
            hoog = doel
        else:
            break
    return grens, onder


def minmax_bewijs(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    mm: MinMax,
    beste: np.ndarray,
    beste_w: float,
    grens: float,
    net: Vangnet,
    kolomduaal: np.ndarray,
    kolommen_x: slice | None,
    typ: np.ndarray | None,
    warm: WarmeLp | None = None,
    *,
    instellingen: Instellingen | None = None,
) -> tuple[np.ndarray, float, float]:
    """Close the gap of a min-max level from below with rounded bounds (`allocatie.model.minmax`).

    With best value U, every solution below U has ``y <= mm.strikt(U)`` in whole
    persons. If the LP relaxation with those bounds is infeasible (its elastic
    form `elastisch` has a positive optimum), no solution is below U: U is
    optimal and becomes the bound. Otherwise the LP point with the bounds is
    rounded (RENS) and searched around (neighbourhood sub-MIP) for a solution
    below U, and the test repeats from that one. With the level's ``warm`` LP
    the test is `warme_grens` (which also raises the bound by bisection) instead
    of the elastic LP. At most ``instellingen.toetsrondes`` rounds, each sub-MIP at most
    ``knopen_deel``
    nodes (deterministic); ``net`` only stops what overruns the time limit.
    Returns best point, value, bound.
    """
    c, geheel = probleem.c, probleem.geheel
    n = probleem.n_kolommen
    instellingen = instellingen or Instellingen()
    for _ in range(instellingen.toetsrondes):
        if net.voorbij():
            break
        U = beste_w
        boven = mm.strikt(U)
        if warm is not None:
            grens, lp = warme_grens(warm, probleem, mm, grens, U, net.deadline, opties.gap_relatief)
            if grens >= U:
                log.info("Min-max-toets: geen LP-oplossing onder %.6g", U)
                return beste, beste_w, U
            if lp is None or lp.x is None:
                log.info("Min-max-toets onder %.6g: LP niet binnen de tijd", U)
                break
            xe = lp.x
        else:
            lp = backend.los_lp_op(elastisch(probleem, mm.y, boven), opties, net.rest())  # type: ignore[attr-defined]
            if lp.x is None or lp.objectief is None:
                log.info("Min-max-toets onder %.6g: LP niet binnen de tijd", U)
                break
            if lp.objectief > instellingen.elastisch_tol:
                log.info(
                    "Min-max-toets: geen LP-oplossing onder %.6g (overschot %.3g)",
                    U,
                    lp.objectief,
                )
                return beste, beste_w, max(grens, U)
            xe = lp.x[:n]
        kb = probleem.kol_boven.copy()
        kb[mm.y] = np.minimum(kb[mm.y], np.maximum(boven, probleem.kol_onder[mm.y]))
        beperkt = replace(probleem, kol_boven=kb, start=None)
        onder = np.where(
            geheel, np.maximum(beperkt.kol_onder, np.floor(xe + 1e-6)), beperkt.kol_onder
        )
        rond_boven = np.where(geheel, np.minimum(kb, np.ceil(xe - 1e-6)), kb)
        uit = los_deel(
            backend,
            replace(beperkt, kol_onder=onder, kol_boven=rond_boven),
            opties,
            net.rest(),
            knopen=instellingen.knopen_deel,
            knoopwerk=instellingen.knoopwerk,
        )
        if uit.x is None and not net.voorbij():
            vrij = ~geheel | (xe > 1e-6)
            if typ is not None and kolommen_x is not None:
                vrij |= goedkoopste(kolomduaal, kolommen_x, typ, instellingen.buurt_k)
            uit = los_deel(
                backend,
                replace(beperkt, kol_boven=np.where(vrij, kb, beperkt.kol_onder)),
                opties,
                net.rest(),
                knopen=instellingen.knopen_deel,
                knoopwerk=instellingen.knoopwerk,
            )
        w = float(c @ uit.x) if uit.x is not None else np.inf
        log.info("Min-max-toets onder %.6g: LP haalbaar (grens %.6g); afgerond %.6g", U, grens, w)
        if uit.x is None or w >= U - 1e-9:
            break
        beste, beste_w = uit.x, w
    return beste, beste_w, grens


class Bewijzer:
    """Min-max tests (`elastisch`) of levels left with a gap, on a thread of their own.

    A min-max level that ends with its gap open and without its warm test at
    its final value (`BackendUitkomst.getoetst`: no time for `minmax_bewijs`)
    is tested while the later levels run: if the LP with every count below its
    value U in whole persons (`MinMax.strikt`) is infeasible, U is optimal and
    becomes the level's bound. The later levels do not depend on it (they hold
    the level at U either way); the test only makes the reported gap honest and
    small. It costs a cold LP (30,000 households: ~50 s), so with a warm LP the
    level tests itself.
    """

    def __init__(
        self,
        backend: Backend,
        opties: SolverOpties,
        deadline: float,
        pool: Executor | None = None,
        net: Vangnet | None = None,
        instellingen: Instellingen | None = None,
    ) -> None:
        self.backend, self.opties, self.deadline = backend, opties, deadline
        self.net = net
        self.tol = (instellingen or Instellingen()).elastisch_tol
        self.pool = pool or ThreadPoolExecutor(max_workers=1, thread_name_prefix="bewijs")
        self.lopend: dict[str, tuple[float, Future[LpUitkomst]]] = {}

    def start(self, naam: str, probleem: MipProbleem, mm: MinMax, waarde: float) -> None:
        """Test in the background whether level ``naam`` is optimal at ``waarde``."""
        lp = elastisch(probleem, mm.y, mm.strikt(waarde))
        self.lopend[naam] = (waarde, self.pool.submit(self._toets, lp))

    def _toets(self, elastisch: MipProbleem) -> LpUitkomst:
        """The elastic LP in the time left when it starts (a test may wait for the one before
        it: 30,000 households, the second test started after the first and overran by 13 s)."""
        tijd = self.deadline - time.perf_counter()
        if tijd < 0.05:
            if self.net is not None:
                self.net.noteer(True)
            return LpUitkomst(Status.TIJDSLIMIET, None, None, None, None, 0.0, klok=True)
        return self.backend.los_lp_op(elastisch, self.opties, tijd)  # type: ignore[attr-defined,no-any-return]

    def pas_toe(self, niveaus: list[NiveauUitkomst]) -> list[NiveauUitkomst]:
        """``niveaus`` with every proven level optimal (waits for the tests: to the deadline)."""
        uit = []
        for n in niveaus:
            if n.naam in self.lopend:
                waarde, toekomst = self.lopend.pop(n.naam)
                lp = toekomst.result()
                bewezen = lp.objectief is not None and lp.objectief > self.tol
                log.info(
                    "Min-max-toets achteraf, %s onder %.6g: %s",
                    n.naam,
                    waarde,
                    "geen LP-oplossing (optimaal)" if bewezen else "niet bewezen",
                )
                if bewezen and n.waarde == waarde:
                    n = replace(n, status=Status.OPTIMAAL, grens=waarde, gap=0.0)
            uit.append(n)
        return uit

    def sluit(self) -> None:
        """End the thread (after the tests still running, which stop at the deadline)."""
        self.pool.shutdown(wait=True)
