"""Solve a round: build the model, run the lexicographic levels, return the result.

Each level is solved with the solution of the previous level as a start (it
stays feasible, because earlier levels are held as constraints), then held at
its value plus the preset's tolerance. A level stopped at the time limit is held
at the value of its best solution found, so later levels stay feasible and the
gap is reported honestly per level.

With the aggregated formulation (``types``) these devices keep national
rounds small and fast:

1. *Coarse types.* The levels before ``kosten`` do not look at pair costs, so
   they are solved on the coarse model (`bouw_model(kosten=False)`: households
   with the same size and admissible options are one type). Its solution is
   split into the full model (`allocatie.model.bouw.verfijn`) and those levels
   are held there with the same values.
2. *LP first* (backends with an LP interface: HiGHS). Each level's LP
   relaxation is solved by an interior point method with crossover; its value
   is a proven bound. A small sub-MIP around the LP point (each count between
   the floor and ceiling of its LP value, "RENS") sometimes yields a solution
   within the gap at once. Then *neighbourhood sub-MIPs* from the best point:
   free are the counts the LP or the best point use, per type the k counts of
   smallest LP reduced cost (k = 4, doubling while the sub-MIPs finish; k = 1
   first on the cost level, whose start ignores costs: 30,000 households 0.47%
   where k = 4 never left the start), on a min-max level every count into the
   gemeenten that set the best value, and after the first one ``tekort`` and
   ``over`` (fixed at 0 they pin a gemeente's persons from one side: national
   kosten stuck at 0.8% with them fixed, 0.34-0.38% free). On
   the national round the LP's own support alone left ``tekort`` at 2976
   against the bound 2950; with k = 4 it reaches 2950 in 2.7 s, and the
   gemeente neighbourhood brings ``eerlijkheid`` from 0.5 to 0.2133 (bound
   0.2132) where the k counts alone needed 35 s (measured). Sub-MIPs stop at
   the first solution that closes the level's gap (`MipProbleem.doel`). The
   LP of the ``kosten`` level (fine model) is solved by column generation in
   one live HiGHS LP (`_lp_met_kolomgeneratie`): national round 2.1 s against
   26 s for the whole LP.
3. *Min-max levels in whole persons* (`allocatie.model.minmax`). ``tekort`` and
   ``over`` are whole persons, so a min-max value is equivalent to integer
   bounds per gemeente: a held ``eerlijkheid``/``overvulling`` is also held as
   those bounds (much tighter LPs later on), and a gap left on such a level is
   closed from below by an LP test of "strictly better" (`_minmax_bewijs`).
   The LP of a min-max level is kept *warm* at its optimal basis
   (`allocatie.solvers.base.WarmeLp`): with changed bounds dual simplex
   re-solves it in a fraction of a second (30,000 households: 0.3 s against a
   cold LP of 50 s). So the test runs at every new best value, a bisection over
   targets in whole persons lifts the bound itself (`_warme_grens`: national
   overvulling 0.2253 -> 0.25 = optimal at once; 30,000 households overvulling
   1.125 -> 1.136 = optimal), and the feasibility search below adds the support
   of the LP at its target to its neighbourhood.
   Solutions are normalised after each level (`normaliseer`: whole counts,
   ``tekort`` and ``over`` not both positive).
4. *Reduced-cost fixing.* If the gap is still open, every count whose LP
   reduced cost exceeds (best value - LP bound) is fixed at its LP bound: no
   solution better than the best one can move it. The full MIP then runs on
   what is left, from the best solution, for the rest of the level's time.

5. *The second core.* The interior point method and HiGHS's MIP each use one
   core, so two things run at once (`_Vooruitloper`): as soon as a level has
   its LP bound, the next level's LP starts on a second thread with this level
   held at the value it will probably reach (`_verwachte_waarde`: the bound
   rounded up on a whole-valued level). Its row duals bound the next level's
   own LP whatever the level ends at (`_duale_grens`: exact when it ends at the
   guess, weaker above it); only when that costs more than the gap and there
   is ample time is the LP solved again. A min-max level left with a gap that
   its warm test (item 3) did not reach is tested in the background
   (`_Bewijzer`) while the later levels run. National round: every LP after
   the first is ready when its level starts. Sub-MIPs are passed their free
   columns only (`_los_deel`). On a min-max level a descent of feasibility
   searches (no objective, bounds at falling targets) runs beside each
   neighbourhood sub-MIP, or instead of it while the next LP holds the second
   thread (`_minmax_haalbaar`): HiGHS spends
   a min-max sub-MIP in root cut rounds and sometimes never leaves its start
   (national overvulling: 1.3 in three of four runs); with the descent beside
   it 0.25, proven optimal, in eight of eight. On the cost level a sub-MIP
   with a wider neighbourhood runs beside the narrow one.

Time: every level gets a share of what is left of the limit; optional work
(wider neighbourhoods, the min-max test, the full MIP) stops in time for each
later level to get its LP and an even share of what is left, and the backend
enforces its deadline with interrupt callbacks, so a solve returns close to its
limit with its best solution.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp

from allocatie.instance import Instance
from allocatie.model.bouw import AllocatieModel, bouw_model, verfijn
from allocatie.model.minmax import MINMAX, MinMax, minmax, normaliseer
from allocatie.model.onhaalbaar import lege_onhaalbaar
from allocatie.model.start import gretige_start
from allocatie.presets import Doel
from allocatie.result import AllocationResult, NiveauUitkomst, maak_tabellen
from allocatie.ruil import ruilparen
from allocatie.solvers import MipProbleem, SolverOpties, Status, kies_backend
from allocatie.solvers.base import (
    LP_DUALEN,
    LP_SESSIE,
    VERMOGEN_NAMEN,
    WERKLIMIET,
    Backend,
    BackendUitkomst,
    LpUitkomst,
    WarmeLp,
    relatieve_gap,
)
from allocatie.taal import huishoudens, nl_getal, personen
from allocatie.verify import verify
from allocatie.verschuiving import verklaar_verschuivingen
from allocatie.voortgang import Voortgang, fase
from allocatie.vorige import VorigeLike, als_vorige, vorige_signalen

log = logging.getLogger(__name__)


def diagnose(inst: Instance, model: AllocatieModel) -> list[str]:
    """Problems visible before solving, as Dutch sentences with the numbers.

    The model itself is always feasible (a household can stay unplaced), so
    these are signals, not errors: households that no option can take (with
    the criteria that conflict, `allocatie.model.onhaalbaar`), and demand
    versus capacity. On a re-run, what the previous outcome holds
    (`allocatie.vorige.vorige_signalen`). Locks set by hand come first: a lock
    on an option the household does not fit (it stays unplaced), and locks that
    do not all fit their option
    (`allocatie.model.vastlegging.analyseer_vastleggingen`).
    """
    signalen: list[str] = []
    if model.vastleggingen is not None:
        signalen.extend(model.vastleggingen.signalen)
    hh = inst.huishoudens
    if model.vorige is not None:
        signalen.extend(vorige_signalen(inst, model.vorige))
    onhaalbaar = model.onhaalbaar
    if onhaalbaar is not None and len(onhaalbaar):
        n = len(onhaalbaar)
        voorbeelden = "; ".join(onhaalbaar["toelichting"].head(5))
        signalen.append(
            f"{huishoudens(n)} ({personen(int(onhaalbaar['personen'].sum()))}) "
            f"{'heeft' if n == 1 else 'hebben'} geen enkele passende optie: de harde criteria "
            f"spreken elkaar tegen en {'het blijft' if n == 1 else 'ze blijven'} onbediend; de "
            f"rest wordt gewoon verdeeld. {voorbeelden}{' ...' if n > 5 else ''} "
            "(alle conflicten in onhaalbaar.csv)"
        )
    vraag = int(hh["ruimte"].sum())
    capaciteit = int(inst.gemeenten["aanbod_personen"].sum())
    if vraag > capaciteit:
        signalen.append(
            f"Er is ruimte nodig voor {vraag} personen (incl. nareizigers) maar het aanbod biedt "
            f"hoogstens {capaciteit} plaatsen: minstens {vraag - capaciteit} blijven onbediend."
        )
    opgave = int(inst.gemeenten["opgave"].sum())
    wachtend = int(hh["personen"].sum())
    if wachtend < opgave:
        signalen.append(
            f"De resterende opgave is {personen(opgave)}, maar er wachten {personen(wachtend)}: "
            f"samen minstens {personen(opgave - wachtend)} tekort op de taakstellingen."
        )
    return signalen


def _houd_vast(
    A: sp.csr_array, onder: np.ndarray, boven: np.ndarray, c: np.ndarray, grens: float
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Append the row ``c·v <= grens``."""
    rij = sp.csr_array(c.reshape(1, -1))
    return (
        sp.vstack([A, rij], format="csr"),
        np.append(onder, -np.inf),
        np.append(boven, grens),
    )


def _houd_minmax(
    mm: MinMax | None, houd: float, kb: np.ndarray, kol_onder: np.ndarray
) -> np.ndarray:
    """Column upper bounds ``kb``, with a held min-max level ``mm`` also as bounds in whole persons.

    Exact (`allocatie.model.minmax`): every normalised solution within the held
    value keeps them, and they make the LP of later levels much tighter than the
    held row alone. ``mm`` None (not a min-max level): ``kb`` unchanged.
    """
    if mm is None:
        return kb
    kb = kb.copy()
    kb[mm.y] = np.maximum(np.minimum(kb[mm.y], mm.grenzen(houd)), kol_onder[mm.y])
    return kb


#: Column generation for the LP of a level with pair costs from this many count columns.
KOLOMGENERATIE_VANAF = 20_000
#: Column generation stops when the columns left out can lower the LP by at most this
#: share of the gap (their Lagrangian bound is then the level's bound): the last
#: rounds added 1 and 0 columns for about 3 s each on the national round.
KOLOMGENERATIE_REST = 0.02
#: Cheapest count columns per household type in the first subset of column generation.
PER_TYPE = 12

#: Smallest-reduced-cost count columns per type freed in the first neighbourhood sub-MIP.
BUURT_K = 4
#: Min-max levels: share of the gemeenten (of largest ratio, at least 2) whose counts
#: are all freed with the first k (national round: 10 of 342 took eerlijkheid from
#: 0.5 to 0.2133 in 7 s; province: 2 of 50 instead of 10, 0.85 s instead of 1.45 s).
BUURT_GEMEENTEN = 0.03
#: Largest such k (it doubles while the sub-MIPs finish).
BUURT_K_MAX = 32


#: The job beside the main sub-MIP (a feasibility search on a min-max level, a
#: wider sub-MIP on the cost level) from this many columns on; smaller levels
#: close their gap with the main sub-MIP alone.
NAAST_VANAF = 20_000


@dataclass(frozen=True)
class Inspanning:
    """The work budget of one solve: deterministic measures, never seconds.

    Every sub-MIP stops at a node limit (HiGHS's ``mip_max_nodes``), every
    descent or test after a fixed number of steps, so a level takes the same
    path on a busy and an idle machine; the time limit is only the safety net
    (`_Vangnet`). `inspanning` scales the defaults (``SolverOpties.inspanning``).
    """

    #: Nodes of a RENS, neighbourhood or feasibility sub-MIP.
    knopen_deel: int = 500
    #: Nodes of the full MIP after reduced-cost fixing (and of the fallback MIP).
    knopen_vol: int = 5_000
    #: Feasibility searches in one descent of a min-max level (`_minmax_haalbaar`).
    zoekstappen: int = 6
    #: Rounds of the min-max test (`_minmax_bewijs`) per best value.
    toetsrondes: int = 4
    #: The full MIP of a level runs only up to this many non-zeros: above it its
    #: presolve alone takes most of a national round's time (coarse national model,
    #: 0.52 M non-zeros: 7.5-9.9 s; fine model 1.1 M: 23 s, measured on 2 cores).
    volle_mip_nnz: int = 300_000
    #: The job beside the main sub-MIP from this many columns on.
    naast_vanaf: int = NAAST_VANAF

    @classmethod
    def uit(cls, opties: SolverOpties) -> Inspanning:
        """The defaults scaled by ``opties.inspanning`` (at least one of each)."""
        f = float(opties.inspanning)
        basis = cls()
        return cls(
            knopen_deel=max(1, round(basis.knopen_deel * f)),
            knopen_vol=max(1, round(basis.knopen_vol * f)),
            zoekstappen=max(1, round(basis.zoekstappen * f)),
            toetsrondes=max(1, round(basis.toetsrondes * f)),
            volle_mip_nnz=max(1, round(basis.volle_mip_nnz * f)),
            naast_vanaf=basis.naast_vanaf,
        )


class _Vangnet:
    """The wall-clock limit as a safety net: the deadline, and whether it cut in.

    Strategy decisions never read the clock; only solves that overrun the limit
    are stopped (by the backend's deadline), and each such stop is counted here
    (`BackendUitkomst.klok`). A solve with a count above zero is not reproducible:
    the same input may end elsewhere on another run.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self.keren = 0

    def rest(self) -> float:
        """Seconds left before the deadline (negative after it)."""
        return self.deadline - time.perf_counter()

    def voorbij(self) -> bool:
        """Whether the deadline has passed; if so, that counts as a cut (`noteer`)."""
        if self.rest() > 0:
            return False
        self.noteer(True)
        return True

    def noteer(self, klok: bool) -> None:
        """Count a solve that the clock cut short."""
        if klok:
            with self._lock:
                self.keren += 1


class _BewaakteWarmeLp:
    """A `WarmeLp` whose solves report clock stops to the `_Vangnet`."""

    def __init__(self, warm: WarmeLp, net: _Vangnet) -> None:
        self._warm, self._net = warm, net

    def los_op(
        self,
        kol_onder: np.ndarray,
        kol_boven: np.ndarray,
        rij_onder: np.ndarray,
        rij_boven: np.ndarray,
        tijdslimiet_s: float,
        afbreken: threading.Event | None = None,
    ) -> LpUitkomst:
        uit = self._warm.los_op(kol_onder, kol_boven, rij_onder, rij_boven, tijdslimiet_s, afbreken)
        self._net.noteer(uit.klok)
        return uit

    def sluit(self) -> None:
        self._warm.sluit()


class _BewaakteSessie:
    """An LP session (column generation) whose solves report clock stops to the `_Vangnet`."""

    def __init__(self, sessie: Any, net: _Vangnet) -> None:
        self._sessie, self._net = sessie, net

    def los_op(self, tijdslimiet_s: float) -> tuple[BackendUitkomst, np.ndarray | None]:
        uit, duaal = self._sessie.los_op(tijdslimiet_s)
        self._net.noteer(uit.klok)
        return uit, duaal

    def __getattr__(self, naam: str) -> Any:
        return getattr(self._sessie, naam)


class _Bewaakt:
    """A backend whose every solve reports to the safety net whether the clock cut it.

    Passes the work limit ``knopen`` only to a backend that declares one
    (`WERKLIMIET`); the others get the time only (their levels are then
    reproducible only when they finish by themselves, `BackendUitkomst.klok`).
    """

    def __init__(self, backend: Backend, net: _Vangnet) -> None:
        self._b, self._net = backend, net
        self.naam = backend.naam
        self.vermogens: frozenset[str] = getattr(backend, "vermogens", frozenset())

    def los_op(
        self,
        probleem: MipProbleem,
        opties: SolverOpties,
        tijdslimiet_s: float,
        afbreken: threading.Event | None = None,
        *,
        knopen: int | None = None,
    ) -> BackendUitkomst:
        extra: dict[str, Any] = {}
        if knopen is not None and WERKLIMIET in self.vermogens:
            extra["knopen"] = knopen
        if afbreken is not None:
            extra["afbreken"] = afbreken
        uit: BackendUitkomst = self._b.los_op(probleem, opties, tijdslimiet_s, **extra)
        self._net.noteer(uit.klok)
        return uit

    def los_lp_op(
        self,
        probleem: MipProbleem,
        opties: SolverOpties,
        tijdslimiet_s: float,
        afbreken: threading.Event | None = None,
        *,
        warm: bool = False,
    ) -> LpUitkomst:
        lp: LpUitkomst = self._b.los_lp_op(probleem, opties, tijdslimiet_s, afbreken, warm=warm)  # type: ignore[attr-defined]
        self._net.noteer(lp.klok)
        if lp.warm is not None:
            lp = replace(lp, warm=_BewaakteWarmeLp(lp.warm, self._net))
        return lp

    def lp_sessie(self, probleem: MipProbleem, opties: SolverOpties) -> _BewaakteSessie:
        return _BewaakteSessie(self._b.lp_sessie(probleem, opties), self._net)  # type: ignore[attr-defined]


class _Direct(Executor):
    """An executor that runs each job at once on the calling thread (``threads`` = 1).

    The strategy waits for every job it submits and never reads which finished
    first, so this gives the same outcome as a worker thread, strictly sequential.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        toekomst: Future[Any] = Future()
        try:
            toekomst.set_result(fn(*args, **kwargs))
        except BaseException as fout:  # handed over like a pool does
            toekomst.set_exception(fout)
        return toekomst


def _uitvoerder(opties: SolverOpties, naam: str) -> Executor:
    """Where jobs beside the main one run: one worker thread, or `_Direct` for ``threads`` = 1."""
    if opties.threads == 1:
        return _Direct()
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=naam)


#: The first k on the cost level. Its start comes from levels that ignore costs,
#: far from its LP point; a wide neighbourhood around both is a large MIP without
#: guidance, a narrow one is close to rounding the LP point. 30,000 households
#: (cost-blind start 225,751, LP bound 101,955): k = 4 and k = 2 found nothing
#: better in 40 s, k = 1 found 102,411 (0.45%) in 20 s, k = 0 102,520 in 37 s.
#: National round: k = 1, 2, 4 reach 27,146, 27,060, 26,941, each in 1-3 s, so
#: doubling from 1 costs little there.
BUURT_K_KOSTEN = 1
#: On the cost level a sub-MIP with this many times k runs beside the one with k
#: (from `NAAST_VANAF` columns on, on the second thread).
BREED = 4
#: Least total excess in `_elastisch` that counts as "no LP solution" (not round-off).
ELASTISCH_TOL = 1e-3

#: Levels solved with ``tekort`` and ``over`` continuous (see `_probleem`).
ZONDER_GEHEEL_TEKORT = ("onbediend", "tekort", "eerlijkheid")

#: A backend without an LP interface or work limit (CBC) solves each level as one
#: MIP in a share of the remaining time: rest / (1 + AANDEEL * later levels).
AANDEEL_LATER = 0.5


def _budget(rest: float, later: int) -> float:
    """Seconds for one level when ``later`` levels still follow it (backends without LP)."""
    return rest / (1.0 + AANDEEL_LATER * later)


def _probleem(
    model: AllocatieModel,
    c: np.ndarray,
    A: sp.csr_array,
    onder: np.ndarray,
    boven: np.ndarray,
    start: np.ndarray | None,
    naam: str = "",
    kol_boven: np.ndarray | None = None,
) -> MipProbleem:
    """The MIP of one level; ``naam`` decides whether shortfall columns are integer.

    ``tekort[g]`` and ``over[g]`` are integral in every solution that matters
    (placements and opgave are whole persons), so declaring them integer is
    exact; it sharpens the min-max and cost levels (province 50x500: overvulling
    3.8 -> 0.6 s, kosten 1.4 -> 0.5 s) but slows the level ``tekort`` itself
    (0.2 -> 1.6 s) and made the support MIP of ``eerlijkheid`` on the national
    round worse (0.19 -> 0.5), so it is left off for the first three levels.
    """
    geheel = model.geheel
    if naam not in ZONDER_GEHEEL_TEKORT:
        geheel = geheel.copy()
        geheel[model.kolommen["tekort"]] = True
        geheel[model.kolommen["over"]] = True
    return MipProbleem(
        c=c,
        A=A,
        rij_onder=onder,
        rij_boven=boven,
        kol_onder=model.kol_onder,
        kol_boven=model.kol_boven if kol_boven is None else kol_boven,
        geheel=geheel,
        start=start,
    )


def _doelwaarde(grens: float, gap: float) -> float:
    """The largest value within ``gap`` of the bound ``grens`` (see `relatieve_gap`)."""
    kandidaten = [grens + gap] if grens + gap <= 1.0 else []
    if gap < 1.0 and grens / (1.0 - gap) >= 1.0:
        kandidaten.append(grens / (1.0 - gap))
    w = max(kandidaten, default=grens)
    return w - 1e-9 * max(1.0, abs(w))


def _type_van(A: sp.csr_array, kolommen_x: slice) -> np.ndarray:
    """Per count column: its type (the first row of the column is the type's ``assign`` row)."""
    ax = sp.csc_array(A[:, kolommen_x])
    return ax.indices[ax.indptr[:-1]]


def _goedkoopste(sleutel: np.ndarray, kolommen_x: slice, typ: np.ndarray, k: int) -> np.ndarray:
    """Mask over all columns: per type the ``k`` count columns of smallest ``sleutel``."""
    xs = np.arange(kolommen_x.start, kolommen_x.stop)
    volg = np.lexsort((sleutel[xs], typ))
    rang = np.arange(len(xs)) - np.searchsorted(typ[volg], typ[volg])
    masker = np.zeros(len(sleutel), dtype=bool)
    masker[xs[volg[rang < k]]] = True
    return masker


def _los_deel(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    tijd: float,
    afbreken: threading.Event | None = None,
    *,
    knopen: int | None = None,
) -> BackendUitkomst:
    """Solve a sub-MIP with most columns fixed (RENS, a neighbourhood) on its free columns only.

    The fixed columns (lower bound = upper bound) are taken out and their part
    moved into the row bounds; rows left without a free column drop out (their
    value is fixed). HiGHS's presolve otherwise spends its time removing them:
    national round, neighbourhoods of 8-40 thousand free among 280 thousand
    columns 1.0-2.0 s instead of 1.7-3.4 s; overvulling reached 0.25 in 7 s where
    the full-width sub-MIP stopped at 0.26 or 2.4 after 14 s (two seeds).
    ``afbreken``: stop as soon as another thread sets it (HiGHS). ``knopen``: the
    work limit in branch-and-bound nodes, for a backend that has one (`WERKLIMIET`).
    """

    def los(p: MipProbleem) -> BackendUitkomst:
        extra: dict[str, Any] = {}
        if afbreken is not None:
            extra["afbreken"] = afbreken
        if knopen is not None and WERKLIMIET in getattr(backend, "vermogens", ()):
            extra["knopen"] = knopen
        return backend.los_op(p, opties, tijd, **extra)  # type: ignore[call-arg]

    vast = probleem.kol_onder == probleem.kol_boven
    if not vast.any():
        return los(probleem)
    vrij = np.flatnonzero(~vast)
    xv = np.where(vast, probleem.kol_onder, 0.0)
    Ac = sp.csc_array(probleem.A)
    verschuiving = Ac @ xv
    Av = sp.csr_array(Ac[:, vrij])
    rijen = np.flatnonzero(np.diff(Av.indptr) > 0)
    c0 = float(probleem.c @ xv)
    deel = replace(
        probleem,
        c=probleem.c[vrij],
        A=sp.csr_array(Av[rijen]),
        rij_onder=(probleem.rij_onder - verschuiving)[rijen],
        rij_boven=(probleem.rij_boven - verschuiving)[rijen],
        kol_onder=probleem.kol_onder[vrij],
        kol_boven=probleem.kol_boven[vrij],
        geheel=probleem.geheel[vrij],
        start=None if probleem.start is None else probleem.start[vrij],
        doel=None if probleem.doel is None else probleem.doel - c0,
    )
    uit = los(deel)
    x = None
    if uit.x is not None:
        x = xv.copy()
        x[vrij] = uit.x
    return replace(
        uit,
        x=x,
        objectief=None if uit.objectief is None else uit.objectief + c0,
        grens=None if uit.grens is None else uit.grens + c0,
    )


#: Target of the feasibility search beside a min-max level's first sub-MIP, as a
#: multiple of the LP bound (national overvulling: optimum 0.25, LP 0.2253).
HAALBAAR_DOEL = 1.15
#: The next target of that search lies this far from the highest target out of reach
#: (at first the LP bound) to the best value: LP bounds of min-max levels lie well
#: below their optimum (national overvulling: LP 0.2253, after 0.2593 halfway 0.2424
#: out of reach, then 0.251 gave the optimum 0.25; three quarters reach it at once).
DOEL_STAP = 0.75


def _ergste_aantal(mm: MinMax, k: int) -> int:
    """How many gemeenten of largest ratio a min-max neighbourhood frees at width ``k``."""
    return max(2, round(BUURT_GEMEENTEN * len(mm.y))) * k // BUURT_K


def _minmax_haalbaar(
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
    stappen: int,
    knopen: int | None = None,
    warm: WarmeLp | None = None,
    genoeg: float = -np.inf,
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
    out of reach in the neighbourhood) and the best value (`DOEL_STAP`), each rounded up to a
    value a gemeente can reach in whole persons (`MinMax.volgende`); the first is ``doelwaarde``
    when given, and until a first point it loosens by `HAALBAAR_DOEL` instead (30,000
    households: eerlijkheid "at most 0.06" infeasible in 11 s, "at most 0.07" 0.0698 in 21 s).
    One notch at a time was too slow (national overvulling: 0.259, 0.258, 0.257 in 21 s;
    halving: 0.259, one target out of reach, 0.25 in 13 s). Stops when a search strictly below
    the best finds nothing, when a search is not proven infeasible but finds nothing, after
    ``stappen`` searches (each at most ``knopen`` nodes: a deterministic budget), once a point
    is at most ``genoeg`` (it closes the level's gap), or at the safety deadline ``tot``.
    Returns the last point, its level column set to the smallest value it allows, or none.

    ``warm``: the level's warm LP (`WarmeLp`). Before each search the LP with the same bounds
    in whole persons: infeasible, the target is out of reach for every solution (no MIP);
    otherwise the LP point's support joins the neighbourhood.
    """
    c = probleem.c
    gevonden: BackendUitkomst | None = None
    uit = BackendUitkomst(Status.GEEN_OPLOSSING, None, None, None, None, 0.0, "")
    doel = doelwaarde  # None: the next target follows from ``onder`` and the best value
    for _ in range(stappen):
        # Past the deadline the next solve stops at once and says so (`BackendUitkomst.klok`).
        tijd = tot - time.perf_counter()
        waarde = mm.waarde(beste)
        if waarde <= onder or (gevonden is not None and waarde <= genoeg):
            break  # at the bound, or good enough: nothing more to look for
        boven = mm.strikt(waarde)
        if doel is None:
            doel = onder + DOEL_STAP * (waarde - onder)
        doel = mm.volgende(doel)
        alleen_strikt = doel >= waarde or bool(np.all(mm.grenzen(doel) >= boven))
        if not alleen_strikt:
            boven = np.minimum(boven, mm.grenzen(doel))
        ergste = mm.ergste(beste, _ergste_aantal(mm, BUURT_K))
        bezet = ergste & (beste[kolommen_x] > 0.5)
        vrij = drager | (beste > 0.5)
        vrij[kolommen_x] |= ergste | np.isin(typ, np.unique(typ[bezet]))
        if warm is not None:
            # The LP with the same bounds in whole persons (warm: a fraction of a
            # second): infeasible, the target is out of reach for every solution;
            # else its support joins the neighbourhood (30,000 households,
            # eerlijkheid "at most 0.0617" from 0.0667: proven out of reach in the
            # neighbourhood without it in 12 s, 0.0612 in 22 s with it).
            lp_doel = _afgerond_lp(warm, probleem, mm, boven, tot)
            log.debug("LP in hele personen onder %.6g: %s", doel, lp_doel.status.value)
            if lp_doel.status is Status.ONHAALBAAR and not alleen_strikt:
                onder = doel
                doel = doel * HAALBAAR_DOEL if gevonden is None else None
                continue
            if lp_doel.status is Status.ONHAALBAAR:
                break
            if lp_doel.x is not None:
                vrij |= lp_doel.x > 1e-6
        kb = np.where(vrij, probleem.kol_boven, probleem.kol_onder)
        kb[mm.y] = np.minimum(kb[mm.y], np.maximum(boven, probleem.kol_onder[mm.y]))
        zoek = replace(probleem, c=np.zeros_like(c), kol_boven=kb, start=None, doel=0.5)
        uit = _los_deel(backend, zoek, opties, tijd, knopen=knopen)
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
        elif uit.status is Status.ONHAALBAAR and not alleen_strikt:
            onder = doel
            doel = doel * HAALBAAR_DOEL if gevonden is None else None
        else:
            break
    return uit if gevonden is None else gevonden


def _elastisch(probleem: MipProbleem, y: np.ndarray, boven: np.ndarray) -> MipProbleem:
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


#: At most this many bisection steps for a min-max level's bound on its warm LP.
WARME_STAPPEN = 12


def _afgerond_lp(
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


def _warme_grens(
    warm: WarmeLp,
    probleem: MipProbleem,
    mm: MinMax,
    grens: float,
    beste_w: float,
    tot: float,
    gap: float,
) -> tuple[float, LpUitkomst | None]:
    """Raise the bound ``grens`` of a min-max level with its LP in whole persons (`MinMax`).

    First "strictly below the best value ``beste_w``" (`MinMax.strikt`): if that
    LP is infeasible, the best value is optimal. Otherwise bisection between the
    bound and the best value: if the LP with ``y <= mm.grenzen(T)`` is infeasible,
    no solution has a value ``<= T`` and the level is at least `MinMax.boven` of
    ``T``; stops when the interval left is below 1% of the ``gap`` (relative, as
    `relatieve_gap`), after `WARME_STAPPEN` steps or at ``tot``. Each LP is a dual
    simplex from the level's optimal basis (`allocatie.solvers.base.WarmeLp`):
    30,000 households 0.2-0.4 s, against 47-53 s for the elastic LP of
    `_minmax_bewijs`. Returns the bound and the LP point
    strictly below the best value (None when proven optimal or out of time).
    """
    onder = _afgerond_lp(warm, probleem, mm, mm.strikt(beste_w), tot)
    if onder.status is Status.ONHAALBAAR:
        return max(grens, beste_w), None
    if onder.status is not Status.OPTIMAAL:
        return grens, None
    hoog = beste_w  # the rounded LP is feasible at every target from here on
    tol = 0.01 * gap * max(1.0, abs(beste_w))
    for _ in range(WARME_STAPPEN):
        if hoog - grens <= tol:
            break
        doel = 0.5 * (grens + hoog)
        uit = _afgerond_lp(warm, probleem, mm, mm.grenzen(doel), tot)
        if uit.status is Status.ONHAALBAAR:
            grens = max(grens, mm.boven(doel))
        elif uit.status is Status.OPTIMAAL:
            hoog = doel
        else:
            break
    return grens, onder


def _minmax_bewijs(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    mm: MinMax,
    beste: np.ndarray,
    beste_w: float,
    grens: float,
    net: _Vangnet,
    kolomduaal: np.ndarray,
    kolommen_x: slice | None,
    typ: np.ndarray | None,
    warm: WarmeLp | None = None,
    *,
    rondes: int = 4,
    knopen: int | None = None,
) -> tuple[np.ndarray, float, float]:
    """Close the gap of a min-max level from below with rounded bounds (`allocatie.model.minmax`).

    With best value U, every solution below U has ``y <= mm.strikt(U)`` in whole
    persons. If the LP relaxation with those bounds is infeasible (its elastic
    form `_elastisch` has a positive optimum), no solution is below U: U is
    optimal and becomes the bound. Otherwise the LP point with the bounds is
    rounded (RENS) and searched around (neighbourhood sub-MIP) for a solution
    below U, and the test repeats from that one. With the level's ``warm`` LP
    the test is `_warme_grens` (which also raises the bound by bisection) instead
    of the elastic LP. At most ``rondes`` rounds, each sub-MIP at most ``knopen``
    nodes (deterministic); ``net`` only stops what overruns the time limit.
    Returns best point, value, bound.
    """
    c, geheel = probleem.c, probleem.geheel
    n = probleem.n_kolommen
    for _ in range(rondes):
        if net.voorbij():
            break
        U = beste_w
        boven = mm.strikt(U)
        if warm is not None:
            grens, lp = _warme_grens(
                warm, probleem, mm, grens, U, net.deadline, opties.gap_relatief
            )
            if grens >= U:
                log.info("Min-max-toets: geen LP-oplossing onder %.6g", U)
                return beste, beste_w, U
            if lp is None or lp.x is None:
                log.info("Min-max-toets onder %.6g: LP niet binnen de tijd", U)
                break
            xe = lp.x
        else:
            lp = backend.los_lp_op(_elastisch(probleem, mm.y, boven), opties, net.rest())  # type: ignore[attr-defined]
            if lp.x is None or lp.objectief is None:
                log.info("Min-max-toets onder %.6g: LP niet binnen de tijd", U)
                break
            if lp.objectief > ELASTISCH_TOL:
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
        uit = _los_deel(
            backend,
            replace(beperkt, kol_onder=onder, kol_boven=rond_boven),
            opties,
            net.rest(),
            knopen=knopen,
        )
        if uit.x is None and not net.voorbij():
            vrij = ~geheel | (xe > 1e-6)
            if typ is not None and kolommen_x is not None:
                vrij |= _goedkoopste(kolomduaal, kolommen_x, typ, BUURT_K)
            uit = _los_deel(
                backend,
                replace(beperkt, kol_boven=np.where(vrij, kb, beperkt.kol_onder)),
                opties,
                net.rest(),
                knopen=knopen,
            )
        w = float(c @ uit.x) if uit.x is not None else np.inf
        log.info("Min-max-toets onder %.6g: LP haalbaar (grens %.6g); afgerond %.6g", U, grens, w)
        if uit.x is None or w >= U - 1e-9:
            break
        beste, beste_w = uit.x, w
    return beste, beste_w, grens


def _lp_met_kolomgeneratie(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    tijd: float,
    kolommen_x: slice,
) -> LpUitkomst:
    """The LP relaxation over all columns, solved on a growing subset (column generation).

    Starts from the start point's support, the ``PER_TYPE`` cheapest count
    columns of each row block and every non-count column; after each LP the
    reduced costs ``c - A^T y`` of *all* columns are computed from its duals and
    the columns with a negative one are added. When none is left, the subset's
    optimum is the optimum over all columns (LP duality), so its value is a
    proven bound and the reduced costs are exact for every column.
    """
    t0 = time.perf_counter()
    c, A = probleem.c, probleem.A
    n = probleem.n_kolommen
    S = np.ones(n, dtype=bool)
    S[kolommen_x] = False
    if probleem.start is not None:
        S |= probleem.start > 0.5
    # The cheapest columns per type: a cheap first subset.
    S |= _goedkoopste(c, kolommen_x, _type_van(A, kolommen_x), PER_TYPE)
    Ac = sp.csc_array(A)  # column slices below, once per round of the loop
    AT = sp.csr_array(A.T)
    kols = np.flatnonzero(S)  # the subset, in the order the LP holds its columns
    sessie = None
    ronde = 0
    while True:
        ronde += 1
        rest = tijd - (time.perf_counter() - t0)
        if LP_SESSIE in getattr(backend, "vermogens", ()):
            # One live LP: the first round cold (interior point), later rounds
            # only add columns, so dual simplex from the previous basis (national
            # kosten level: 2.0 s against 10.4 s solving every round cold).
            if sessie is None:
                sessie = backend.lp_sessie(_deelprobleem(probleem, Ac, kols), opties)  # type: ignore[attr-defined]
            uit, y = sessie.los_op(rest)
            lp_x, lp_w, lp_d = uit.x, uit.objectief, sessie.kolomduaal()
            ok = uit.status is Status.OPTIMAAL
        else:
            lp = backend.los_lp_op(_deelprobleem(probleem, Ac, kols), opties, rest)  # type: ignore[attr-defined]
            lp_x, lp_w, lp_d, y = lp.x, lp.objectief, lp.kolomduaal, lp.rijduaal
            ok = lp.status is Status.OPTIMAAL
        if not ok or lp_x is None or lp_w is None or y is None or lp_d is None:
            return LpUitkomst(Status.TIJDSLIMIET, None, None, None, None, time.perf_counter() - t0)
        d = c - AT @ y
        nieuw = ~S & (d < -1e-9)
        # Lagrangian bound: each column left out can lower the LP by at most |d|
        # times its (finite) range; the subset's duals, extended by those column
        # duals, are feasible for the full LP.
        tekort = float(np.sum(d[nieuw] * (probleem.kol_boven[nieuw] - probleem.kol_onder[nieuw])))
        log.info(
            "Kolomgeneratie ronde %d: %d kolommen, %d erbij (Lagrange %.3g)",
            ronde,
            len(kols),
            int(nieuw.sum()),
            tekort,
        )
        klein = -tekort <= KOLOMGENERATIE_REST * opties.gap_relatief * max(1.0, abs(lp_w))
        if not nieuw.any() or klein:
            x = np.zeros(n)
            x[kols] = lp_x
            d[kols] = lp_d
            return LpUitkomst(Status.OPTIMAAL, x, lp_w + tekort, y, d, time.perf_counter() - t0)
        erbij = np.flatnonzero(nieuw)
        if sessie is not None:
            sessie.voeg_kolommen_toe(
                c[erbij], Ac[:, erbij], probleem.kol_onder[erbij], probleem.kol_boven[erbij]
            )
            sessie.zet_lp_methode("simplex")
        kols = np.concatenate([kols, erbij])
        S |= nieuw


def _met_kolomgeneratie(c: np.ndarray, kolommen_x: slice | None) -> bool:
    """Whether the LP of the level ``c`` is solved by column generation (costs, many counts)."""
    return (
        kolommen_x is not None
        and kolommen_x.stop > KOLOMGENERATIE_VANAF
        and bool(np.any(c[kolommen_x] != 0))
    )


def _deelprobleem(probleem: MipProbleem, Ac: sp.csc_array, kols: np.ndarray) -> MipProbleem:
    """``probleem`` on the columns ``kols`` only (its LP, no start); ``Ac`` is its matrix."""
    return replace(
        probleem,
        c=probleem.c[kols],
        A=sp.csr_array(Ac[:, kols]),
        kol_onder=probleem.kol_onder[kols],
        kol_boven=probleem.kol_boven[kols],
        geheel=probleem.geheel[kols],
        start=None,
    )


def _bereikt(uit: BackendUitkomst, c: np.ndarray, doel: float) -> bool:
    """Whether ``uit`` has a point whose value closes the level's gap (at most ``doel``)."""
    return uit.x is not None and float(c @ uit.x) <= doel


def _samen(
    backend: Backend,
    buurt: MipProbleem,
    opties: SolverOpties,
    net: _Vangnet,
    werk: Inspanning,
    naast: Future[BackendUitkomst] | None,
    doel: float,
) -> tuple[BackendUitkomst, bool]:
    """The neighbourhood sub-MIP ``buurt`` with the job ``naast`` beside it; which point counts.

    The rule depends only on what each job finds within its own work budget,
    never on which finishes first: the job beside has priority. If it reaches
    ``doel`` its point is taken, and the main sub-MIP is stopped as soon as that
    is known (whatever the main one found is discarded, so stopping it early
    changes nothing). Otherwise the main one ran to its own end (nothing stopped
    it) and the better point wins, the main one's on a tie. With `_Direct` the
    job beside has already run, so the main one is skipped when it reached
    ``doel``: the same outcome, strictly sequential. Returns the point and
    whether it came from the job beside.
    """
    c = buurt.c
    stop = threading.Event()
    if naast is not None:
        naast.add_done_callback(
            lambda f: (
                stop.set() if f.exception() is None and _bereikt(f.result(), c, doel) else None
            )
        )
    if stop.is_set():
        hoofd = BackendUitkomst(Status.GEEN_OPLOSSING, None, None, None, None, 0.0, "")
    else:
        hoofd = _los_deel(backend, buurt, opties, net.rest(), stop, knopen=werk.knopen_deel)
    if naast is None:
        return hoofd, False
    ander = naast.result()
    wa = float(c @ ander.x) if ander.x is not None else np.inf
    log.info("Zoektocht naast de buurt-MIP: %s, waarde %.6g", ander.status.value, wa)
    if _bereikt(ander, c, doel):
        return ander, True
    if ander.x is not None and (hoofd.x is None or wa < float(c @ hoofd.x) - 1e-9):
        return ander, True
    return hoofd, False


def _lp_eerst(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    werk: Inspanning,
    net: _Vangnet,
    kolommen_x: slice | None = None,
    *,
    mm: MinMax | None = None,
    lp: LpUitkomst | None = None,
    na_lp: Callable[[float], bool] | None = None,
    heel: bool = False,
    tweede: Executor | None = None,
) -> BackendUitkomst:
    """One level: LP bound, RENS and neighbourhood sub-MIPs, then the full MIP.

    ``probleem.start`` must be feasible (the previous level's solution). Every
    step has a deterministic work budget (``werk``, `Inspanning`): node limits
    for the sub-MIPs, at most `BUURT_K_MAX` widths, at most ``werk.zoekstappen``
    feasibility searches; no decision reads the clock, so a level ends the same
    on a busy and an idle machine. The clock ``net`` (`_Vangnet`) only stops what
    overruns the time limit (and the result then says so). For a min-max level
    (``mm``) a gap left after the sub-MIPs is closed from below with
    `_minmax_bewijs`.

    ``lp``: the LP relaxation solved already (of this problem or of a relaxation
    of it: its value is then still a bound and its reduced costs still valid
    for fixing). ``na_lp`` is called with the LP bound as soon as it is known
    (to start the next level's LP beside this level, `_los_niveaus`).
    ``heel``: the level takes whole values only (`_gehele_waarde`).
    ``tweede``: where a job beside the main one runs (a one-thread pool, or
    `_Direct` when ``threads`` is 1): a min-max level's feasibility search, the
    cost level's wide sub-MIP. The main thread always waits for it and takes the
    better point (the main one on a tie), so the outcome does not depend on
    which finishes first.
    """
    t0 = time.perf_counter()
    c, geheel = probleem.c, probleem.geheel

    if lp is not None:
        pass
    elif _met_kolomgeneratie(c, kolommen_x):
        assert kolommen_x is not None
        lp = _lp_met_kolomgeneratie(backend, probleem, opties, net.rest(), kolommen_x)
    else:
        lp = backend.los_lp_op(probleem, opties, net.rest(), warm=mm is not None)  # type: ignore[attr-defined]
    if lp.x is None or lp.objectief is None or lp.kolomduaal is None:
        log.info("LP-relaxatie niet binnen de tijd; gewone MIP")
        return _los_deel(backend, probleem, opties, net.rest(), knopen=werk.knopen_vol)
    rc: np.ndarray = lp.kolomduaal
    grens = float(lp.objectief)
    # The next level's LP, if started now, runs beside this level's heuristics.
    if na_lp is not None:
        na_lp(grens)
    beste = probleem.start
    beste_w = float(c @ beste) if beste is not None else np.inf
    solver = ""

    # RENS: each integer count between the floor and ceiling of its LP value
    # (``tekort``/``over`` free).
    xs = lp.x
    telling = geheel.copy()
    if kolommen_x is not None:
        telling[: kolommen_x.start] = False
        telling[kolommen_x.stop :] = False
    onder = np.where(
        telling, np.maximum(probleem.kol_onder, np.floor(xs + 1e-6)), probleem.kol_onder
    )
    boven = np.where(
        telling, np.minimum(probleem.kol_boven, np.ceil(xs - 1e-6)), probleem.kol_boven
    )
    rens = _los_deel(
        backend,
        replace(probleem, kol_onder=onder, kol_boven=boven, start=None),
        opties,
        net.rest(),
        knopen=werk.knopen_deel,
    )
    solver = rens.solver
    if rens.x is not None and float(c @ rens.x) < beste_w:
        beste, beste_w = rens.x, float(c @ rens.x)
    log.info(
        "LP-grens %.6g in %.1f s; RENS %s, beste %.6g", grens, lp.tijd_s, rens.status.value, beste_w
    )
    # A min-max level with its LP kept warm: the LP in whole persons, by bisection,
    # often lifts the bound at once (cheap: a dual simplex per step).
    warm = lp.warm if mm is not None else None
    lp_grens = grens
    if warm is not None and mm is not None and np.isfinite(beste_w):
        grens, _ = _warme_grens(
            warm, probleem, mm, grens, beste_w, net.deadline, opties.gap_relatief
        )
        log.info("Min-max-grens in hele personen: %.6g (LP %.6g)", grens, lp_grens)

    # Sub-MIPs stop at the first solution that closes the level's gap; on a
    # whole-valued level only at the bound rounded up: every person more there
    # loosens the later levels (national round: tekort 2954 instead of 2950 let the
    # eerlijkheid LP bound drop from 0.213 to 0.182, and its sub-MIPs stuck at 0.61).
    doel = _doelwaarde(grens, opties.gap_relatief)
    if heel:
        doel = min(doel, float(np.ceil(grens - 1e-6)))

    def gesloten() -> bool:
        gap = relatieve_gap(beste_w, grens) if np.isfinite(beste_w) else None
        return gap is not None and (gap <= opties.gap_relatief or beste_w <= grens + 1e-9)

    typ = _type_van(probleem.A, kolommen_x) if kolommen_x is not None else None
    geprobeerd: list[float] = []  # best values at which the min-max test ran

    def toets() -> None:
        """The min-max test (`_minmax_bewijs`), once per best value, when it can succeed."""
        nonlocal beste, beste_w, grens
        if (
            mm is None
            or gesloten()
            or beste is None
            or beste_w in geprobeerd
            # The LP point below the best value already: the elastic test cannot succeed.
            or (warm is None and not np.any(xs[mm.y] > mm.strikt(beste_w) + 1e-6))
        ):
            return
        geprobeerd.append(beste_w)
        beste, beste_w, grens = _minmax_bewijs(
            backend,
            probleem,
            opties,
            mm,
            beste,
            beste_w,
            grens,
            net,
            rc,
            kolommen_x,
            typ,
            warm,
            rondes=werk.toetsrondes,
            knopen=werk.knopen_deel,
        )

    volle_mip = probleem.A.nnz <= werk.volle_mip_nnz
    # Neighbourhood sub-MIPs: the counts the LP or the best solution use, plus the
    # k counts of smallest reduced cost per type (k doubling while it pays). The LP
    # point has at most one basic count per row, so the LP's own support is often
    # too narrow to move whole households (national tekort: support alone 2976,
    # with k = 2 the LP bound 2950 in 1.7 s).
    k = k_eerst = BUURT_K if heel or mm is not None else BUURT_K_KOSTEN
    while not gesloten() and beste is not None and not net.voorbij():
        # The first neighbourhood fixes ``tekort``/``over`` (integer on the later
        # levels) where the LP and the best point have them at 0, the later ones
        # leave them free. Fixed, a gemeente is pinned to its opgave from one side
        # (national kosten: k = 1 to 64 all stuck at 0.8%; free 0.34-0.38%); free,
        # the first sub-MIP of 30,000 households found nothing in 40 s where fixed
        # it reached 0.45% in 20 s.
        steun = (~geheel if k == k_eerst else ~telling) | (xs > 1e-6) | (beste > 0.5)
        vrij = steun.copy()
        if typ is not None and kolommen_x is not None:
            vrij |= _goedkoopste(rc, kolommen_x, typ, k)
            if mm is not None:
                # Min-max: every count into the gemeenten that set the best value.
                vrij[kolommen_x] |= mm.ergste(beste, _ergste_aantal(mm, k))
        buurt = replace(
            probleem,
            kol_boven=np.where(vrij, probleem.kol_boven, probleem.kol_onder),
            start=beste,
            doel=doel,
        )
        naast: Future[BackendUitkomst] | None = None
        groot = (
            tweede is not None
            and typ is not None
            and kolommen_x is not None
            and probleem.n_kolommen >= werk.naast_vanaf
        )
        if groot and mm is not None:
            assert tweede is not None and typ is not None and kolommen_x is not None
            # A descent of feasibility searches beside the sub-MIP (after the next
            # level's LP if that runs there), from a target near the LP bound. Two
            # different searches fail together far less often than one.
            naast = tweede.submit(
                _minmax_haalbaar,
                backend,
                probleem,
                opties,
                mm,
                beste,
                grens,
                # Aim at the gap at once when whole persons lifted the bound (it is
                # then close: national overvulling 0.25 against the LP's 0.2253);
                # from the plain LP bound a looser first target.
                (doel if grens > lp_grens else max(doel, HAALBAAR_DOEL * grens))
                if k == k_eerst
                else None,
                steun,
                kolommen_x,
                typ,
                net.deadline,
                werk.zoekstappen,
                werk.knopen_deel,
                warm=warm,
                genoeg=doel,
            )
        elif groot and not heel:
            assert tweede is not None and typ is not None and kolommen_x is not None
            # The cost level: a sub-MIP with a wider neighbourhood (``tekort``/``over``
            # free) beside it: which one pays differs per size (national round: the
            # wide one reached 0.35% at once; 30,000 households: only the narrow one
            # finds anything).
            breed = vrij | ~telling | _goedkoopste(rc, kolommen_x, typ, BREED * k)
            naast = tweede.submit(
                _los_deel,
                backend,
                replace(buurt, kol_boven=np.where(breed, probleem.kol_boven, probleem.kol_onder)),
                opties,
                net.rest(),
                knopen=werk.knopen_deel,
            )
        drager, van_naast = _samen(backend, buurt, opties, net, werk, naast, doel)
        verbeterd = drager.x is not None and float(c @ drager.x) < beste_w - 1e-9
        if verbeterd:
            beste, beste_w = drager.x, float(c @ drager.x)
        log.info(
            "Buurt-MIP (k=%d, %d vrije gehele kolommen) %s, beste %.6g",
            k,
            int((vrij & geheel).sum()),
            drager.status.value,
            beste_w,
        )
        # A proof is cheaper than wider neighbourhoods (province overvulling: 0.06
        # s against 0.5 s for k = 8 to 32, none better).
        toets()
        # Wider only while the last one was searched to the end and paid off, or
        # while the model is too large for the full MIP (its presolve alone: 15 s
        # on the national cost level).
        if (
            typ is None
            or (not verbeterd and volle_mip)
            or (drager.status is not Status.OPTIMAAL and not van_naast)
            or k >= BUURT_K_MAX
        ):
            break
        k *= 2
    toets()
    gap = relatieve_gap(beste_w, grens) if np.isfinite(beste_w) else None
    # The warm test ran at the final value: a background test would repeat it.
    getoetst = warm is not None and bool(geprobeerd) and geprobeerd[-1] == beste_w
    if gesloten():
        return BackendUitkomst(
            Status.OPTIMAAL, beste, beste_w, grens, gap, time.perf_counter() - t0, solver
        )
    if not volle_mip or net.voorbij():
        status = Status.TIJDSLIMIET if beste is not None else Status.GEEN_OPLOSSING
        return BackendUitkomst(
            status, beste, beste_w, grens, gap, time.perf_counter() - t0, solver, getoetst=getoetst
        )

    # Reduced-cost fixing: a count at an LP bound whose reduced cost exceeds the
    # gap cannot move in any solution better than the best one.
    ruimte = beste_w - grens + 1e-7 * max(1.0, abs(beste_w))
    d = lp.kolomduaal
    op_onder = np.isclose(xs, probleem.kol_onder) & (d > ruimte)
    op_boven = np.isclose(xs, probleem.kol_boven) & (-d > ruimte)
    vast_onder = geheel & op_onder
    vast_boven = geheel & op_boven
    if beste is not None:  # the best solution must stay feasible (it is, barring round-off)
        vast_onder &= np.isclose(beste, probleem.kol_onder)
        vast_boven &= np.isclose(beste, probleem.kol_boven)
    kol_onder = np.where(vast_boven, probleem.kol_boven, probleem.kol_onder)
    kol_boven = np.where(vast_onder, probleem.kol_onder, probleem.kol_boven)
    log.info(
        "Gereduceerde kosten zetten %d van %d gehele kolommen vast",
        int((vast_onder | vast_boven).sum()),
        int(geheel.sum()),
    )
    mip = _los_deel(
        backend,
        replace(probleem, kol_onder=kol_onder, kol_boven=kol_boven, start=beste),
        opties,
        net.rest(),
        knopen=werk.knopen_vol,
    )
    if mip.x is not None and float(c @ mip.x) < beste_w:
        beste, beste_w = mip.x, float(c @ mip.x)
    if mip.grens is not None:
        grens = max(grens, min(mip.grens, beste_w))
    gap = relatieve_gap(beste_w, grens) if beste is not None else None
    if beste is None:
        status = mip.status
    elif mip.status is Status.OPTIMAAL or (gap is not None and gap <= opties.gap_relatief):
        status = Status.OPTIMAAL
    else:
        status = Status.TIJDSLIMIET
    return BackendUitkomst(
        status,
        beste,
        beste_w if beste is not None else None,
        grens,
        gap,
        time.perf_counter() - t0,
        mip.solver or solver,
        mip.bericht,
        getoetst=getoetst and geprobeerd[-1] == beste_w,
    )


def _duale_grens(probleem: MipProbleem, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """A lower bound of the LP of ``probleem`` from any row duals ``y``: (bound, y, reduced costs).

    Weak LP duality for ``L <= Ax <= U``, ``l <= x <= u``: with ``d = c - A^T y``,
    every feasible x has ``c x = y A x + d x >= sum(y+ L - y- U) + sum(d+ l - d- u)``.
    Duals of the wrong sign for an infinite side are set to 0 first (they would
    make the bound minus infinity), round-off below 1e-9 too. With the optimal
    duals of the same LP it is that LP's value; with those of an LP that differs
    only in bounds (the next level's LP computed before this level ended) it is
    a valid, possibly weaker, bound.
    """
    y = np.where(np.abs(y) < 1e-9, 0.0, y)
    y = np.where((y > 0) & np.isinf(probleem.rij_onder), 0.0, y)
    y = np.where((y < 0) & np.isinf(probleem.rij_boven), 0.0, y)
    d = probleem.c - probleem.A.T @ y
    d = np.where(np.abs(d) < 1e-9, 0.0, d)
    if np.any((d > 0) & np.isinf(probleem.kol_onder)) or np.any(
        (d < 0) & np.isinf(probleem.kol_boven)
    ):
        return -np.inf, y, d
    pos, neg = y > 0, y < 0
    rij = float(y[pos] @ probleem.rij_onder[pos] + y[neg] @ probleem.rij_boven[neg])
    dp, dn = d > 0, d < 0
    kol = float(d[dp] @ probleem.kol_onder[dp] + d[dn] @ probleem.kol_boven[dn])
    return rij + kol, y, d


def _houdwaarde(doel: Doel, waarde: float) -> float:
    """The value a level is held at after reaching ``waarde``: plus the preset's tolerance.

    A tiny slack on top keeps the held level feasible despite solver round-off.
    """
    houd = waarde + max(doel.tolerantie_absoluut, doel.tolerantie_relatief * abs(waarde))
    return houd + 1e-6 * max(1.0, abs(waarde))


def _gehele_waarde(model: AllocatieModel, c: np.ndarray) -> bool:
    """Whether the level ``c`` takes whole values at every normalised solution.

    True when it weighs only integer columns, ``onbediend`` (a type's size minus
    its integer counts), ``tekort`` and ``over`` (whole persons after
    `normaliseer`), with whole weights: ``onbediend`` and ``tekort`` (persons),
    ``stabiliteit`` (households).
    """
    heel = model.geheel.copy()
    for fam in ("onbediend", "tekort", "over"):
        if fam in model.kolommen:
            heel[model.kolommen[fam]] = True
    nz = c != 0
    return bool(np.all(heel[nz]) and np.all(c[nz] == np.round(c[nz])))


def _verwachte_waarde(
    model: AllocatieModel, c: np.ndarray, grens: float, gap: float, mm: MinMax | None
) -> float:
    """The value a level will probably reach, from its LP bound ``grens`` (never below it).

    A whole-valued level: the bound rounded up (the national round reaches it
    on ``onbediend`` and ``tekort``). Any other: the largest value within the
    gap (a min-max level held in whole persons barely loosens with it).
    """
    if mm is None and _gehele_waarde(model, c):
        return float(np.ceil(grens - 1e-6))
    return _doelwaarde(grens, gap)


@dataclass
class _Vooruit:
    """The LP of the next level, started on a second thread before this level ends.

    It holds this level at a guess (`_verwachte_waarde`). Whatever the
    level ends at, its row duals give a valid bound of the next level's own LP
    (`_duale_grens`): if the level ends at the guess or lower (a tighter hold),
    at least that LP's value; above it, weaker by the duals times the difference.
    """

    toekomst: Future[LpUitkomst]
    afbreken: threading.Event

    def uitkomst(self, probleem: MipProbleem) -> LpUitkomst | None:
        """Its LP (waits for it) with the bound and reduced costs for ``probleem``."""
        lp = self.toekomst.result()
        if lp.status is not Status.OPTIMAAL or lp.rijduaal is None or lp.objectief is None:
            return None
        grens, y, d = _duale_grens(probleem, lp.rijduaal)
        return replace(lp, objectief=grens, rijduaal=y, kolomduaal=d)

    def stop(self) -> None:
        """Stop it and wait until it has stopped."""
        self.afbreken.set()
        self.toekomst.result()


class _Vooruitloper:
    """Starts the LP of the next level beside this one (`_Vooruit`) and hands it over.

    ``pool`` is the executor of the jobs beside the main one (`_uitvoerder`): a
    worker thread, or `_Direct` (the LP then runs at once, the same LP).
    """

    def __init__(
        self,
        backend: Backend,
        opties: SolverOpties,
        doel: Doel,
        model: AllocatieModel,
        net: _Vangnet,
        werk: Inspanning,
        pool: Executor,
    ) -> None:
        self.backend, self.opties, self.doel, self.model = backend, opties, doel, model
        self.net, self.werk, self.pool = net, werk, pool
        self.lopend: _Vooruit | None = None

    def start(
        self,
        A: sp.csr_array,
        onder: np.ndarray,
        boven: np.ndarray,
        kb: np.ndarray,
        c: np.ndarray,
        mm: MinMax | None,
        volgende: str,
        later: int,
        grens: float,
    ) -> bool:
        """Start the LP of ``volgende`` with the level ``c`` (LP bound ``grens``) held at its
        expected value; the rows ``A`` and column bounds ``kb`` hold the earlier levels.
        False: not started (a level whose LP is column generation)."""
        model = self.model
        c2 = model.doelen[volgende]
        if _met_kolomgeneratie(c2, model.kolommen["x"]):
            return False
        gok = _verwachte_waarde(model, c, grens, self.opties.gap_relatief, mm)
        houd = _houdwaarde(self.doel, gok)
        A2, onder2, boven2 = _houd_vast(A, onder, boven, c, houd)
        kb2 = _houd_minmax(mm, houd, kb, model.kol_onder)
        p2 = _probleem(model, c2, A2, onder2, boven2, None, volgende, kb2)
        tijd = self.net.rest()
        afbreken = threading.Event()
        # A min-max level keeps its LP warm for its tests in whole persons (`_warme_grens`).
        toekomst = self.pool.submit(
            self.backend.los_lp_op,  # type: ignore[attr-defined]
            p2,
            self.opties,
            tijd,
            afbreken,
            warm=volgende in MINMAX,
        )
        self.lopend = _Vooruit(toekomst, afbreken)
        return True

    def neem(self, probleem: MipProbleem, naam: str, later: int) -> LpUitkomst | None:
        """The LP started for the level ``naam`` (``probleem``, ``later`` levels after it).

        Its bound for ``probleem`` (`_Vooruit.uitkomst`); None (solve the LP
        again) when that bound lost more than the gap against the LP's own value
        and the model is small enough to solve its LP again at little cost (up to
        `Inspanning.volle_mip_nnz` non-zeros: a deterministic rule, where the
        time left is not).
        """
        vooruit, self.lopend = self.lopend, None
        if vooruit is None:
            return None
        eigen = vooruit.toekomst.result()
        lp = vooruit.uitkomst(probleem)
        if lp is not None and eigen.objectief is not None and lp.objectief is not None:
            verlies = relatieve_gap(eigen.objectief, lp.objectief) or 0.0
            klein = probleem.A.nnz <= self.werk.volle_mip_nnz
            if verlies > self.opties.gap_relatief and klein:
                lp = None
                if eigen.warm is not None:
                    eigen.warm.sluit()
        log.info(
            "Vooruit gestarte LP van %s: %s",
            naam,
            f"grens {lp.objectief:.6g} (eigen waarde {eigen.objectief:.6g})"
            if lp is not None and lp.objectief is not None and eigen.objectief is not None
            else "niet bruikbaar",
        )
        return lp

    def sluit(self) -> None:
        """Stop what still runs (the pool is ended by its owner)."""
        if self.lopend is not None:
            self.lopend.stop()
            self.lopend = None


class _Bewijzer:
    """Min-max tests (`_elastisch`) of levels left with a gap, on a thread of their own.

    A min-max level that ends with its gap open and without its warm test at
    its final value (`BackendUitkomst.getoetst`: no time for `_minmax_bewijs`)
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
        net: _Vangnet | None = None,
    ) -> None:
        self.backend, self.opties, self.deadline = backend, opties, deadline
        self.net = net
        self.pool = pool or ThreadPoolExecutor(max_workers=1, thread_name_prefix="bewijs")
        self.lopend: dict[str, tuple[float, Future[LpUitkomst]]] = {}

    def start(self, naam: str, probleem: MipProbleem, mm: MinMax, waarde: float) -> None:
        """Test in the background whether level ``naam`` is optimal at ``waarde``."""
        elastisch = _elastisch(probleem, mm.y, mm.strikt(waarde))
        self.lopend[naam] = (waarde, self.pool.submit(self._toets, elastisch))

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
                bewezen = lp.objectief is not None and lp.objectief > ELASTISCH_TOL
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


def _los_niveaus(
    model: AllocatieModel,
    volgorde: tuple[str, ...],
    v: np.ndarray,
    gehouden: list[tuple[str, float]],
    backend: Backend,
    opties: SolverOpties,
    doel: Doel,
    net: _Vangnet,
    *,
    lp_eerst: bool,
    later: int,
    voortgang: Voortgang | None,
    bewijzer: _Bewijzer | None = None,
    pool: Executor | None = None,
    werk: Inspanning | None = None,
) -> tuple[np.ndarray, list[NiveauUitkomst], list[tuple[str, float]], str, bool]:
    """Solve ``volgorde`` on ``model`` from the feasible point ``v``.

    ``gehouden`` are earlier levels (name, held value) to hold as rows first.
    Returns the last solution, the level outcomes, all held levels, the solver
    name and whether every level ran (False: stopped at the limit or without
    a solution). ``bewijzer``: tests min-max levels left with a gap in the
    background (`_Bewijzer`). ``pool``: where jobs beside the main one run
    (`_uitvoerder`). ``net``: the safety net of the time limit; each level's
    work budget is `Inspanning` (from ``opties``).
    """
    werk = werk or Inspanning.uit(opties)
    A, onder, boven = model.A, model.rij_onder, model.rij_boven
    kb = model.kol_boven.copy()
    # The min-max structures, read once per model (normalising and holding need them).
    mms = {naam: minmax(model, naam) for naam in MINMAX}
    structuren = [mm for mm in mms.values() if mm is not None]
    for naam, houd in gehouden:
        A, onder, boven = _houd_vast(A, onder, boven, model.doelen[naam], houd)
        kb = _houd_minmax(mms.get(naam), houd, kb, model.kol_onder)
    v = normaliseer(model, v, structuren)
    niveaus: list[NiveauUitkomst] = []
    gehouden = list(gehouden)
    solver_naam = backend.naam
    kan_lp = lp_eerst and _kan_lp_eerst(backend)
    pool = pool or _Direct()
    # The LP of the next level runs beside this level's sub-MIPs (the interior
    # point method uses one core; HiGHS's MIP one).
    loper = _Vooruitloper(backend, opties, doel, model, net, werk, pool) if kan_lp else None
    try:
        for i, naam in enumerate(volgorde):
            c = model.doelen[naam]
            if net.voorbij():
                # The safety net cut in before this level: the point so far (at worst
                # the greedy start) is its best solution, without a bound.
                log.warning("Tijdslimiet bereikt vóór niveau %s", naam)
                waarde = float(c @ v)
                niveaus.append(
                    NiveauUitkomst(
                        naam,
                        Status.TIJDSLIMIET,
                        waarde,
                        None,
                        None,
                        _houdwaarde(doel, waarde),
                        0.0,
                        klok=True,
                    )
                )
                return v, niveaus, gehouden, solver_naam, False
            na = later + len(volgorde) - i - 1
            klok_voor = net.keren
            probleem = _probleem(model, c, A, onder, boven, v, naam, kb)
            lp = loper.neem(probleem, naam, na) if loper is not None else None
            na_lp = (
                partial(loper.start, A, onder, boven, kb, c, mms.get(naam), volgorde[i + 1], na - 1)
                if loper is not None and i + 1 < len(volgorde)
                else None
            )

            with fase(voortgang, f"niveau:{naam}", f"Niveau {naam} oplossen") as uit_niveau:
                if kan_lp:
                    uit = _lp_eerst(
                        backend,
                        probleem,
                        opties,
                        werk,
                        net,
                        model.kolommen["x"],
                        mm=mms.get(naam),
                        lp=lp,
                        na_lp=na_lp,
                        heel=mms.get(naam) is None and _gehele_waarde(model, c),
                        tweede=pool,
                    )
                else:
                    uit = _los_deel(
                        backend, probleem, opties, _budget(net.rest(), na), knopen=werk.knopen_vol
                    )
                uit_niveau.append(uit.status.value)
            if lp is not None and lp.warm is not None:
                lp.warm.sluit()
            solver_naam = uit.solver or solver_naam
            klok = net.keren > klok_voor
            if not uit.status.heeft_oplossing or uit.x is None:
                log.warning("Niveau %s: geen oplossing (%s)", naam, uit.bericht)
                niveaus.append(
                    NiveauUitkomst(
                        naam, uit.status, None, uit.grens, None, None, uit.tijd_s, klok=klok
                    )
                )
                return v, niveaus, gehouden, solver_naam, False
            v = normaliseer(model, uit.x, structuren)
            waarde = float(c @ v)
            houd = _houdwaarde(doel, waarde)
            niveaus.append(
                NiveauUitkomst(
                    naam, uit.status, waarde, uit.grens, uit.gap, houd, uit.tijd_s, klok=klok
                )
            )
            log.info(
                "Niveau %s: %s, waarde %.6g, grens %s", naam, uit.status.value, waarde, uit.grens
            )
            mm = mms.get(naam)
            if (
                bewijzer is not None
                and mm is not None
                and uit.status is not Status.OPTIMAAL
                and not uit.getoetst
            ):
                bewijzer.start(naam, probleem, mm, waarde)
            A, onder, boven = _houd_vast(A, onder, boven, c, houd)
            kb = _houd_minmax(mm, houd, kb, model.kol_onder)
            gehouden.append((naam, houd))
        return v, niveaus, gehouden, solver_naam, True
    finally:
        if loper is not None:
            loper.sluit()


def _kan_lp_eerst(backend: Backend) -> bool:
    """Whether ``backend`` has what LP first needs: LP duals and a work limit."""
    vermogens: frozenset[str] = getattr(backend, "vermogens", frozenset())
    return LP_DUALEN in vermogens and WERKLIMIET in vermogens


def _strategie(backend: Backend, slim: bool) -> tuple[str, ...]:
    """Dutch sentences on where the strategy falls back for ``backend`` (empty: none)."""
    if not slim:
        return ("naïeve formulering: elk niveau één MIP over alle paren (de benchmarkbaseline)",)
    vermogens: frozenset[str] = getattr(backend, "vermogens", frozenset())
    mist = [VERMOGEN_NAMEN[v] for v in (LP_DUALEN, WERKLIMIET) if v not in vermogens]
    if not mist:
        return ()
    return (
        f"solver {backend.naam} heeft geen {' en geen '.join(mist)}: LP-eerst, buurt-MIP's "
        "en de min-max-toetsen zijn overgeslagen; elk niveau is één MIP binnen een deel van "
        "de tijdslimiet, en alleen reproduceerbaar als elk niveau vóór zijn tijd klaar is",
    )


def los_op(
    inst: Instance,
    opties: SolverOpties | None = None,
    *,
    controleer: bool = True,
    formulering: str = "types",
    voortgang: Voortgang | None = None,
    vorige: VorigeLike | None = None,
    werk: Inspanning | None = None,
) -> AllocationResult:
    """Solve the round ``inst`` lexicographically and return the result.

    Parameters
    ----------
    inst
        A validated round.
    opties
        Solver options; defaults to ``inst.solver``. ``tijdslimiet_s`` bounds
        the whole solve (all levels together).
    controleer
        Re-check the result with the independent `allocatie.verify.verify`
        before returning it (default). A result that fails raises
        `VerificatieFout` and is never returned.
    formulering
        ``"types"`` (default): counts per type of interchangeable households,
        with coarse types, LP first and reduced-cost fixing (see the module
        text); ``"huishoudens"``: one binary per (household, option) pair,
        each level one plain MIP: the benchmark baseline. Both reach the same
        optimum on every level (see `allocatie.model.bouw`).
    voortgang
        Receiver of progress events (`allocatie.voortgang`): building, each
        objective level, verification. None: no events.
    vorige
        The previous outcome of this round, for a stable re-run
        (`allocatie.vorige`: a result, a placements table, an output folder,
        its ``plaatsingen.csv`` or ``ronde.gpkg``). Adds the level
        ``stabiliteit`` where the preset puts it, and the table of what moved
        and why (``verschuivingen``). Without it that level is skipped.
    werk
        The strategy's work budget (`Inspanning`); default: the defaults scaled
        by ``opties.inspanning``.

    Raises
    ------
    ValueError
        On an unknown ``formulering``.
    """
    opties = opties or inst.solver
    t0 = time.perf_counter()
    deadline = t0 + opties.tijdslimiet_s
    doel = inst.preset.doel
    vorige = als_vorige(vorige)
    volgorde = tuple(n for n in doel.volgorde if vorige is not None or n != "stabiliteit")
    slim = formulering == "types"
    # Levels before the first one that looks at pair costs run on the coarse model.
    voor = volgorde.index("kosten") if "kosten" in volgorde else len(volgorde)
    with fase(voortgang, "bouwen", "Model bouwen") as uit_bouw:
        model = bouw_model(inst, formulering=formulering, vorige=vorige)
        grof = (
            bouw_model(
                inst, formulering=formulering, kosten=False, paren=model.paren, vorige=vorige
            )
            if slim and voor
            else None
        )
        if grof is not None and len(grof.typen) == len(model.typen):
            grof = None  # no coarser than the full model
        uit_bouw.append(
            f"{nl_getal(model.n_kolommen)} variabelen, {nl_getal(model.A.shape[0])} rijen"
        )
        if grof is not None:
            uit_bouw.append(f"grof model {nl_getal(grof.n_kolommen)} variabelen")
    bouw_s = time.perf_counter() - t0
    signalen = diagnose(inst, model)
    for s in signalen:
        log.info("Signaal: %s", s)
    net = _Vangnet(deadline)
    backend: Backend = _Bewaakt(kies_backend(opties.backend), net)
    strategie = _strategie(backend, slim)
    for zin in strategie:
        log.info("Strategie: %s", zin)
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    niveaus: list[NiveauUitkomst] = []
    gehouden: list[tuple[str, float]] = []
    volledig = True
    solver_naam = backend.naam
    eerst = volgorde
    pool = _uitvoerder(opties, "naast")
    bewijzer = (
        _Bewijzer(
            backend,
            opties,
            deadline,
            _Direct() if isinstance(pool, _Direct) else None,
            net,
        )
        if slim and _kan_lp_eerst(backend)
        else None
    )
    try:
        if grof is not None:
            vg, niveaus, gehouden, solver_naam, volledig = _los_niveaus(
                grof,
                volgorde[:voor],
                gretige_start(grof, opgave),
                [],
                backend,
                opties,
                doel,
                net,
                lp_eerst=slim,
                later=len(volgorde) - voor,
                voortgang=voortgang,
                bewijzer=bewijzer,
                pool=pool,
                werk=werk,
            )
            v = verfijn(grof, model, vg)
            eerst = volgorde[voor:] if volledig else ()
        else:
            v = gretige_start(model, opgave) if slim else model.startoplossing(opgave)
        if eerst:
            v, meer, gehouden, solver_naam, volledig = _los_niveaus(
                model,
                eerst,
                v,
                gehouden,
                backend,
                opties,
                doel,
                net,
                lp_eerst=slim,
                later=0,
                voortgang=voortgang,
                bewijzer=bewijzer,
                pool=pool,
                werk=werk,
            )
            niveaus += meer
        if bewijzer is not None:
            niveaus = bewijzer.pas_toe(niveaus)
    finally:
        if bewijzer is not None:
            bewijzer.sluit()
        pool.shutdown(wait=True)
    reproduceerbaar = net.keren == 0
    if not reproduceerbaar:
        log.warning(
            "De tijdslimiet (%s s) greep in: deze verdeling is niet reproduceerbaar; een nieuwe "
            "run kan anders uitvallen. Verhoog --tijdslimiet of verlaag --inspanning.",
            nl_getal(opties.tijdslimiet_s),
        )

    if not niveaus or niveaus[0].waarde is None:
        status = Status.GEEN_OPLOSSING
    elif (
        not volledig
        or len(niveaus) < len(volgorde)
        or any(n.status is not Status.OPTIMAAL for n in niveaus)
    ):
        status = Status.TIJDSLIMIET
    else:
        status = Status.OPTIMAAL
    plaatsingen, onbediend, per_gemeente, per_optie, doelwaarden = maak_tabellen(inst, model, v)
    res = AllocationResult(
        status=status,
        backend=opties.backend,
        solver=solver_naam,
        niveaus=tuple(niveaus),
        doelwaarden=doelwaarden,
        plaatsingen=plaatsingen,
        onbediend=onbediend,
        per_gemeente=per_gemeente,
        per_optie=per_optie,
        wall_s=time.perf_counter() - t0,
        bouw_s=bouw_s,
        modelgrootte={
            "paren": len(model.paren),
            "types": len(model.typen),
            "typeparen": model.typen.n_paren,
            "variabelen": model.n_kolommen,
            "geheeltallig": int(model.geheel.sum()),
            "rijen": int(model.A.shape[0]),
            "niet_nullen": int(model.A.nnz),
            "grove_types": len(grof.typen) if grof is not None else len(model.typen),
            "grove_variabelen": grof.n_kolommen if grof is not None else model.n_kolommen,
        },
        signalen=tuple(signalen),
        formulering=model.formulering,
        onhaalbaar=model.onhaalbaar if model.onhaalbaar is not None else lege_onhaalbaar(),
        vorige=vorige,
        reproduceerbaar=reproduceerbaar,
        strategie=strategie,
        opties=asdict(opties),
    )
    if vorige is not None:
        res = replace(res, verschuivingen=verklaar_verschuivingen(inst, res))
    if inst.preset.ruil.toegestaan:
        res = replace(res, ruilingen=ruilparen(inst, per_gemeente))
    if controleer:
        with fase(voortgang, "controle", "Onafhankelijke controle (verify)"):
            verify(inst, res)
    return res
