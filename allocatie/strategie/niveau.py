"""One level: LP bound, RENS, neighbourhood sub-MIPs with a job beside them, the full MIP."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from allocatie.model.minmax import MinMax
from allocatie.solvers.base import (
    LP_SESSIE,
    Backend,
    BackendUitkomst,
    LpUitkomst,
    MipProbleem,
    SolverOpties,
    Status,
    WarmeLp,
    relatieve_gap,
)
from allocatie.strategie.deelmip import (
    doelwaarde,
    goedkoopste,
    houd_vast,
    los_deel,
    type_van,
    vrije_nnz,
)
from allocatie.strategie.instellingen import Instellingen
from allocatie.strategie.lagrange import lagrange_grens, minmax_blokgrens
from allocatie.strategie.lp import lp_met_kolomgeneratie, met_kolomgeneratie
from allocatie.strategie.minmaxzoek import (
    BuitenBereik,
    minmax_bewijs,
    minmax_haalbaar,
    warme_grens,
)
from allocatie.strategie.vangnet import Vangnet

log = logging.getLogger(__name__)


def bereikt(uit: BackendUitkomst, c: np.ndarray, doel: float) -> bool:
    """Whether ``uit`` has a point whose value closes the level's gap (at most ``doel``)."""
    return uit.x is not None and float(c @ uit.x) <= doel


class Naast(NamedTuple):
    """A job beside the neighbourhood sub-MIP (`NiveauZoektocht._naast`)."""

    toekomst: Future[BackendUitkomst]
    #: Set when its result no longer counts; the job then stops at its next chance.
    stop: threading.Event
    #: Whether to wait for it once stopped: a job that shares state with the level (the
    #: min-max descent uses the level's warm LP and adds to its proofs out of reach) must
    #: end before the level goes on. An independent sub-MIP need not: HiGHS sees the
    #: event only at its log points, not inside the root LP (n30-01, cost level: a
    #: 26,953-column job ran on for 30 s after the main sub-MIP reached the target), and
    #: a job submitted after it queues behind it on the one worker.
    wachten: bool
    #: Where `samen` puts the main sub-MIP's outcome for the job (None: it does not use it).
    hoofd: Future[BackendUitkomst] | None = None
    #: Set by the job when a point it found itself closes the gap: that point then wins,
    #: and a main sub-MIP still running stops at its next chance (what it has then does
    #: not count). None: the job has no such priority.
    voorrang: threading.Event | None = None


def samen(
    backend: Backend,
    buurt: MipProbleem,
    opties: SolverOpties,
    net: Vangnet,
    werk: Instellingen,
    naast: Naast | None,
    doel: float,
) -> tuple[BackendUitkomst, bool]:
    """The neighbourhood sub-MIP ``buurt`` with the job ``naast`` beside it; which point counts.

    ``naast`` is the job (`Naast`). The rule depends
    only on what each job finds within its own work budget, never on which
    finishes first. A job with ``voorrang`` (the min-max descent) that closes the
    gap with a point it found itself wins: it sets the event, the main sub-MIP stops at
    its next chance and its point is discarded (family member nf-12, overvulling:
    the descent had the optimum 1/3 after 8 s, the main sub-MIP beside it ran 27 s
    more to its node limit; nf-03: 12 s). Otherwise the main sub-MIP has priority:
    if it reaches ``doel`` its point is taken; a job with ``voorrang`` then ends at
    its next step (it sees the main point, `minmax_haalbaar`), any other is stopped
    (whatever it found is discarded, so stopping it early changes nothing; a clock
    cut of a stopped job is not counted, `BewaakteBackend`). Otherwise the job
    beside runs to its own end and the better point wins, the main one's on a
    tie. With `Direct` the job beside runs after the main one: the same outcome,
    strictly sequential. Returns the point and whether it came from the job beside.
    """
    c = buurt.c
    voorrang = None if naast is None else naast.voorrang
    try:
        hoofd = los_deel(
            backend,
            buurt,
            opties,
            net.rest(),
            voorrang,
            knopen=werk.knopen_deel,
            knoopwerk=werk.knoopwerk,
        )
    except BaseException as fout:
        if naast is not None and naast.hoofd is not None:
            naast.hoofd.set_exception(fout)
        raise
    if naast is None:
        return hoofd, False
    toekomst, stop, wachten, voor_naast, _ = naast
    if voor_naast is not None:
        voor_naast.set_result(hoofd)  # the job beside may go on from it (`minmax_haalbaar`)
    if voorrang is not None:
        # It ends by itself once it has seen the main point (`minmax_haalbaar`).
        ander = toekomst.result()
        if voorrang.is_set():
            log.info("Zoektocht naast de buurt-MIP sluit de gap met haar eigen punt")
            return ander, True
        if bereikt(hoofd, c, doel):
            return hoofd, False
    elif bereikt(hoofd, c, doel):
        stop.set()
        if wachten:
            toekomst.exception()  # wait until it has stopped; its point does not count
        return hoofd, False
    else:
        ander = toekomst.result()
    wa = float(c @ ander.x) if ander.x is not None else np.inf
    log.info("Zoektocht naast de buurt-MIP: %s, waarde %.6g", ander.status.value, wa)
    if ander.x is not None and (hoofd.x is None or wa < float(c @ hoofd.x) - 1e-9):
        return ander, True
    return hoofd, False


class NiveauZoektocht:
    """One level: LP bound, RENS and neighbourhood sub-MIPs, then the full MIP.

    The state of the search is explicit: the LP (``lp``: bound, point, reduced
    costs, for a min-max level its warm LP), the best point and its value
    (``beste``, ``beste_w``), the bound (``grens``), the target that closes the
    gap (``doel``) and the best values at which the min-max test ran
    (``geprobeerd``). `los_op` runs the steps in order: `lp_oplossen`, `rens`,
    `warme_grens` (min-max), `buurten` (with `toets` after each and, on a
    min-max level `blokgrens` before them), and
    `volle_mip` if the gap is still open and the model small enough.

    ``probleem.start`` must be feasible (the previous level's solution). Every
    step has a deterministic work budget (``instellingen``, `Instellingen`): node
    limits for the sub-MIPs, at most ``buurt_k_max`` widths, at most
    ``zoekstappen`` feasibility searches; no decision reads the clock, so a level
    ends the same on a busy and an idle machine. The clock ``net`` (`Vangnet`)
    only stops what overruns the time limit (and the result then says so). For a
    min-max level (``mm``) a gap left after the sub-MIPs is closed from below with
    `minmax_bewijs`.

    ``lp``: the LP relaxation solved already (of this problem or of a relaxation
    of it: its value is then still a bound and its reduced costs still valid
    for fixing). ``na_lp`` is called with the LP bound as soon as it is known
    (to start the next level's LP beside this level, `los_niveaus`).
    ``heel``: the level takes whole values only (`gehele_waarde`).
    ``tweede``: where a job beside the main one runs (a one-thread pool, or
    `Direct` when ``threads`` is 1): a min-max level's feasibility search, the
    cost level's wide sub-MIP (`samen` decides which point counts).
    ``koppel``: the rows that link gemeenten (`koppelrijen`), for the bounds from
    blocks; ``gedeeld``: the min-max level columns copied into every block
    (`minmax_kolommen`).
    """

    def __init__(
        self,
        backend: Backend,
        probleem: MipProbleem,
        opties: SolverOpties,
        instellingen: Instellingen,
        net: Vangnet,
        kolommen_x: slice | None = None,
        *,
        mm: MinMax | None = None,
        lp: LpUitkomst | None = None,
        na_lp: Callable[[float], bool] | None = None,
        heel: bool = False,
        tweede: Executor | None = None,
        koppel: np.ndarray | None = None,
        gedeeld: np.ndarray | None = None,
    ) -> None:
        self.backend, self.probleem, self.opties = backend, probleem, opties
        self.ins, self.net, self.kolommen_x = instellingen, net, kolommen_x
        self.mm, self.lp, self.na_lp, self.heel, self.tweede = mm, lp, na_lp, heel, tweede
        self.koppel, self.gedeeld = koppel, gedeeld
        self.beste: np.ndarray | None = probleem.start
        self.beste_w = float(probleem.c @ self.beste) if self.beste is not None else np.inf
        self.grens = -np.inf
        self.lp_grens = -np.inf
        self.doel = np.inf
        self.solver = ""
        self.geprobeerd: list[float] = []
        #: Feasibility searches of this level proven infeasible (shared by its descents).
        self.buiten_bereik = BuitenBereik()
        self.warm: WarmeLp | None = None
        #: The columns the blocks' own min-max solutions use (`blokgrens`), or None.
        self.blokdrager: np.ndarray | None = None
        #: The row duals of the level's LP (for holding it by bounds, `houd_vlak`).
        self.rijduaal: np.ndarray | None = None
        # Integer count columns (``tekort``/``over`` are integer on later levels, not counts).
        self.telling = probleem.geheel.copy()
        if kolommen_x is not None:
            self.telling[: kolommen_x.start] = False
            self.telling[kolommen_x.stop :] = False
        self.typ = type_van(probleem.A, kolommen_x) if kolommen_x is not None else None
        self.t0 = time.perf_counter()

    # --- state ---

    def gap(self) -> float | None:
        """The relative gap of the best value against the bound (None without a point)."""
        return relatieve_gap(self.beste_w, self.grens) if np.isfinite(self.beste_w) else None

    def gesloten(self) -> bool:
        """Whether the level is solved to its gap."""
        gap = self.gap()
        return gap is not None and (
            gap <= self.opties.gap_relatief or self.beste_w <= self.grens + 1e-9
        )

    def heel_grens(self, grens: float) -> float:
        """A bound of this level: rounded up to a whole number on a whole-valued level.

        Every value such a level takes is whole (`gehele_waarde`), so the next whole
        number at or above a bound is a bound too. Without it a best value equal to
        the rounded bound looked open (family member nf-11, ``stabiliteit``: 1 against
        the LP's 0.8, a gap of 20%, and 32 s of wider neighbourhoods that could not
        find a better point).
        """
        return float(np.ceil(grens - 1e-6)) if self.heel and np.isfinite(grens) else grens

    def neem(self, uit: BackendUitkomst) -> bool:
        """Take the point of ``uit`` when it is strictly better; whether it was."""
        if uit.x is None:
            return False
        w = float(self.probleem.c @ uit.x)
        if w >= self.beste_w - 1e-9:
            return False
        self.beste, self.beste_w = uit.x, w
        return True

    def uitkomst(self, status: Status, **extra: Any) -> BackendUitkomst:
        """The level's outcome from the current state."""
        return BackendUitkomst(
            status,
            self.beste,
            self.beste_w if self.beste is not None else None,
            self.grens,
            self.gap(),
            time.perf_counter() - self.t0,
            extra.pop("solver", self.solver),
            **extra,
        )

    # --- steps ---

    def lp_oplossen(self) -> LpUitkomst:
        """The LP relaxation (given, by column generation, or one LP; warm on a min-max level)."""
        p, ins = self.probleem, self.ins
        if self.lp is not None:
            return self.lp
        sessie = LP_SESSIE in getattr(self.backend, "vermogens", ())
        if met_kolomgeneratie(self.kolommen_x, ins.kolomgeneratie_vanaf) and (
            self.mm is None or sessie
        ):
            assert self.kolommen_x is not None
            return lp_met_kolomgeneratie(
                self.backend,
                p,
                self.opties,
                self.net.rest(),
                self.kolommen_x,
                ins,
                warm=self.mm is not None,
            )
        return self.backend.los_lp_op(  # type: ignore[attr-defined,no-any-return]
            p, self.opties, self.net.rest(), warm=self.mm is not None
        )

    def lagrange(self, rijduaal: np.ndarray | None) -> None:
        """Raise a linear level's bound by its Lagrangian bound per gemeente (`lagrange_grens`).

        After RENS, before the neighbourhood sub-MIPs: their target (`doelwaarde` of
        the bound) is then already the higher one, so they stop sooner.
        """
        # Whole-valued levels (onbediend, tekort) have LP bounds that rounding up already
        # makes tight (national nf-02: Lagrange 166 = LP 166, 3657 = LP 3657, 4 s each).
        if self.mm is not None or self.heel or self.koppel is None or rijduaal is None:
            return
        if self.gesloten():
            return
        uit = lagrange_grens(
            self.backend,
            self.probleem,
            rijduaal,
            self.koppel,
            self.opties,
            self.net,
            knopen=self.ins.knopen_deel,
            blok_max=self.ins.lagrange_blok_max,
        )
        if uit is None:
            return
        log.info(
            "Lagrange-grens per blok: %.6g (LP %.6g; %d blokken, grootste %d kolommen)",
            uit.grens,
            self.lp_grens,
            uit.blokken,
            uit.grootste_blok,
        )
        self.grens = max(self.grens, min(uit.grens, self.beste_w))

    def rens(self, xs: np.ndarray) -> None:
        """RENS: each integer count between the floor and ceiling of its LP value
        (``tekort``/``over`` free)."""
        p, t = self.probleem, self.telling
        onder = np.where(t, np.maximum(p.kol_onder, np.floor(xs + 1e-6)), p.kol_onder)
        boven = np.where(t, np.minimum(p.kol_boven, np.ceil(xs - 1e-6)), p.kol_boven)
        rens = los_deel(
            self.backend,
            replace(p, kol_onder=onder, kol_boven=boven, start=None),
            self.opties,
            self.net.rest(),
            knopen=self.ins.knopen_deel,
            knoopwerk=self.ins.knoopwerk,
        )
        self.solver = rens.solver
        if rens.x is not None and float(p.c @ rens.x) < self.beste_w:
            self.beste, self.beste_w = rens.x, float(p.c @ rens.x)
        log.info("LP-grens %.6g; RENS %s, beste %.6g", self.grens, rens.status.value, self.beste_w)

    def warme_grens(self) -> None:
        """A min-max level with its LP kept warm: the LP in whole persons, by bisection,
        often lifts the bound at once (cheap: a dual simplex per step)."""
        if self.warm is None or self.mm is None or not np.isfinite(self.beste_w):
            return
        self.grens, _ = warme_grens(
            self.warm,
            self.probleem,
            self.mm,
            self.grens,
            self.beste_w,
            self.net.deadline,
            self.opties.gap_relatief,
            self.ins.warme_stappen,
        )
        log.info("Min-max-grens in hele personen: %.6g (LP %.6g)", self.grens, self.lp_grens)

    def blokgrens(self) -> None:
        """Raise a min-max level's bound by its blocks alone (`minmax_blokgrens`).

        After the warm bound, before the neighbourhood sub-MIPs (`buurten`), if the gap
        is still open: the LP splits households to fit every gemeente, a block (a
        gemeente, or a region with regiocapaciteit) in whole households of the sizes
        allowed there often cannot (national family, overvulling: nf-06 LP and
        whole-person bound 0, the blocks 1/3 = the best value, where the searches below
        1/3 had taken 80 s; nf-04 0.0633 against 0.1304 = the best value).
        The block value is rounded up to the next value a gemeente's ratio takes in
        whole persons (`MinMax.volgende`), after a margin for the block MIPs' tolerance.
        The columns the blocks' own solutions use (how each gemeente can be filled
        in whole households) join every neighbourhood (``blokdrager``): nf-12,
        overvulling, blocks 0 (no bound), but with them the next sub-MIP reached the
        optimum 1/3 in 8.5 s, where without them it took three more widths and 110 s.
        Run after the first neighbourhood (until session 16), the first sub-MIP of a
        30,000-household round went without them: n30-01, eerlijkheid, 113 s of root
        work to 0.0517 (bound 0.0426), after which overvulling and kosten ran out of
        time; with them from the start 0.0430 in 73 s and the whole round within 1%
        in 226 s (blocks: 342 MIPs, 6.7 s).
        """
        mm = self.mm
        if (
            mm is None
            or self.koppel is None
            or self.gedeeld is None
            or self.gesloten()
            or not np.isfinite(self.beste_w)
        ):
            return
        uit = minmax_blokgrens(
            self.backend,
            self.probleem,
            self.koppel,
            self.gedeeld,
            mm.z,
            self.opties,
            self.net,
            knopen=self.ins.knopen_deel,
            blok_max=self.ins.lagrange_blok_max,
        )
        if uit is not None:
            self.blokdrager = uit.drager
        if uit is None or not np.isfinite(uit.grens):
            # A block without a point while the level has one (the best point) is
            # round-off in a block MIP: no bound from it.
            return
        marge = 1e-6 * max(1.0, abs(uit.grens))
        grens = mm.volgende(uit.grens - marge)
        log.info(
            "Min-max-blokgrens: %.6g (in hele personen %.6g; %d blokken, grootste %d kolommen)",
            uit.grens,
            grens,
            uit.blokken,
            uit.grootste_blok,
        )
        self.grens = max(self.grens, min(grens, self.beste_w))

    def toets(self, xs: np.ndarray, rc: np.ndarray) -> None:
        """The min-max test (`minmax_bewijs`), once per best value, when it can succeed."""
        mm = self.mm
        if (
            mm is None
            or self.gesloten()
            or self.beste is None
            or self.beste_w in self.geprobeerd
            # The LP point below the best value already: the elastic test cannot succeed.
            or (self.warm is None and not np.any(xs[mm.y] > mm.strikt(self.beste_w) + 1e-6))
        ):
            return
        self.geprobeerd.append(self.beste_w)
        self.beste, self.beste_w, self.grens = minmax_bewijs(
            self.backend,
            self.probleem,
            self.opties,
            mm,
            self.beste,
            self.beste_w,
            self.grens,
            self.net,
            rc,
            self.kolommen_x,
            self.typ,
            self.warm,
            instellingen=self.ins,
        )

    def buurten(self, xs: np.ndarray, rc: np.ndarray, volle_mip: bool) -> None:
        """Neighbourhood sub-MIPs from the best point, k doubling while they pay off.

        Free are the counts the LP or the best solution use, plus the k counts of
        smallest reduced cost per type. The LP point has at most one basic count
        per row, so the LP's own support is often too narrow to move whole
        households (national tekort: support alone 2976, with k = 2 the LP bound
        2950 in 1.7 s). The first neighbourhood fixes ``tekort``/``over``
        (integer on the later levels) where the LP and the best point have them
        at 0, the later ones leave them free. Fixed, a gemeente is pinned to its
        opgave from one side (national kosten: k = 1 to 64 all stuck at 0.8%;
        free 0.34-0.38%); free, the first sub-MIP of 30,000 households found
        nothing in 40 s where fixed it reached 0.45% in 20 s.
        """
        p, ins, mm, typ, kx = self.probleem, self.ins, self.mm, self.typ, self.kolommen_x
        geheel = p.geheel
        k = k_eerst = ins.buurt_k if self.heel or mm is not None else ins.buurt_k_kosten
        zonder_winst = 0  # widths in a row that found nothing better
        buurt_verbeterd = False  # whether a neighbourhood sub-MIP improved on this level
        dalingen = 0  # searches of the cost descent on this level
        while not self.gesloten() and self.beste is not None and not self.net.voorbij():
            beste = self.beste
            steun = (~geheel if k == k_eerst else ~self.telling) | (xs > 1e-6) | (beste > 0.5)
            if self.blokdrager is not None:
                steun |= self.blokdrager
            vrij = steun.copy()
            if typ is not None and kx is not None:
                vrij |= goedkoopste(rc, kx, typ, k)
                if mm is not None:
                    # Min-max: every count into the gemeenten that set the best value.
                    vrij[kx] |= mm.ergste(beste, ins.ergste_aantal(len(mm.y), k))
            buurt = replace(
                p,
                kol_boven=np.where(vrij, p.kol_boven, p.kol_onder),
                start=beste,
                doel=self.doel,
            )
            naast = self._naast(buurt, steun, vrij, k, k_eerst, rc)
            drager, van_naast = samen(
                self.backend, buurt, self.opties, self.net, ins, naast, self.doel
            )
            verbeterd = self.neem(drager)
            buurt_verbeterd |= verbeterd
            gedaald = False
            if (
                ins.kostendaling
                and not verbeterd
                and not buurt_verbeterd
                and mm is None
                and not self.heel
                and dalingen < ins.zoekstappen
            ):
                # Only while the start is still the cost-blind one or a point of the
                # descent: once a sub-MIP with the objective pays off, widening does
                # the rest (a descent near the bound only costs its search).
                dalingen += 1
                verbeterd = gedaald = self.kostendaling(vrij)
            log.info(
                "Buurt-MIP (k=%d, %d vrije gehele kolommen) %s, beste %.6g",
                k,
                int((vrij & geheel).sum()),
                drager.status.value,
                self.beste_w,
            )
            # A proof is cheaper than wider neighbourhoods (province overvulling: 0.06
            # s against 0.5 s for k = 8 to 32, none better).
            self.toets(xs, rc)
            # Wider only while the last one was searched to the end and paid off, or,
            # on a model too large for the full MIP, once more after one that did not
            # (family member nf-02, kosten: k = 2 to 32 all ended at the value of k = 1,
            # about 50 s of 64 for nothing, measured under load).
            zonder_winst = 0 if verbeterd else zonder_winst + 1
            if gedaald:
                continue  # the same width again, from the point the descent found
            if (
                typ is None
                or (not verbeterd and volle_mip)
                or zonder_winst >= 2
                or (drager.status is not Status.OPTIMAAL and not van_naast)
                or k >= ins.buurt_k_max
            ):
                break
            k *= 2

    def kostendaling(self, vrij: np.ndarray) -> bool:
        """One feasibility search ``c x <= T`` without objective in the neighbourhood
        ``vrij``, T halfway between the bound and the best value; whether it found a
        better point.

        For a cost level whose first sub-MIP found nothing from a cost-blind start
        (`Instellingen.kostendaling`). Without an objective HiGHS goes
        to its heuristics instead of root cut rounds, as on the min-max levels
        (`minmax_haalbaar`). One search of at most ``knopen_deel`` nodes per call; the
        caller runs the same neighbourhood sub-MIP from the point found. A second
        search straight after the first is what cost most in the first measurement
        (n30-01: "below 123,021" found nothing in 56 s, the sub-MIP from the first
        point then 0.65%).
        """
        p, ins = self.probleem, self.ins
        if self.gesloten() or self.net.voorbij():
            return False
        T = self.grens + ins.doel_stap * (self.beste_w - self.grens)
        A, ro, rb = houd_vast(p.A, p.rij_onder, p.rij_boven, p.c, T)
        zoek = replace(
            p,
            A=A,
            rij_onder=ro,
            rij_boven=rb,
            c=np.zeros_like(p.c),
            kol_boven=np.where(vrij, p.kol_boven, p.kol_onder),
            start=None,
            doel=0.5,
        )
        uit = los_deel(
            self.backend,
            zoek,
            self.opties,
            self.net.rest(),
            knopen=ins.knopen_deel,
            knoopwerk=ins.knoopwerk,
        )
        w = float(p.c @ uit.x) if uit.x is not None else np.inf
        log.info("Kostendaling onder %.6g: %s, waarde %.6g", T, uit.status.value, w)
        return self.neem(uit)

    def _naast(
        self,
        buurt: MipProbleem,
        steun: np.ndarray,
        vrij: np.ndarray,
        k: int,
        k_eerst: int,
        rc: np.ndarray,
    ) -> Naast | None:
        """The job beside the neighbourhood sub-MIP, submitted to ``tweede`` (or none).

        On a min-max level a descent of feasibility searches (`minmax_haalbaar`)
        from a target near the LP bound: two different searches fail together far
        less often than one. On the cost level a sub-MIP with a wider
        neighbourhood (``tekort``/``over`` free): which one pays differs per size
        (national round: the wide one reached 0.35% at once; 30,000 households:
        only the narrow one finds anything).
        """
        p, ins, mm, typ, kx, tweede = (
            self.probleem,
            self.ins,
            self.mm,
            self.typ,
            self.kolommen_x,
            self.tweede,
        )
        if tweede is None or typ is None or kx is None or p.n_kolommen < ins.naast_vanaf:
            return None
        if mm is not None:
            assert self.beste is not None
            # Aim at the gap at once when whole persons lifted the bound (it is then
            # close: national overvulling 0.25 against the LP's 0.2253); from the
            # plain LP bound a looser first target.
            eerste = (
                self.doel
                if self.grens > self.lp_grens
                else max(self.doel, ins.haalbaar_doel * self.grens)
            )
            stop, voorrang = threading.Event(), threading.Event()
            hoofd: Future[BackendUitkomst] = Future()
            return Naast(
                tweede.submit(
                    minmax_haalbaar,
                    self.backend,
                    p,
                    self.opties,
                    mm,
                    self.beste,
                    self.grens,
                    eerste if k == k_eerst else None,
                    steun,
                    kx,
                    typ,
                    self.net.deadline,
                    ins,
                    warm=self.warm,
                    genoeg=self.doel,
                    afbreken=stop,
                    buiten_bereik=self.buiten_bereik,
                    hoofd=hoofd,
                    voorrang=voorrang,
                ),
                stop,
                wachten=True,
                hoofd=hoofd,
                voorrang=voorrang,
            )
        if self.heel:
            return None
        breed = vrij | ~self.telling | goedkoopste(rc, kx, typ, ins.breed * k)
        stop = threading.Event()
        breder = replace(buurt, kol_boven=np.where(breed, p.kol_boven, p.kol_onder))
        backend, opties, net = self.backend, self.opties, self.net

        def deel() -> BackendUitkomst:
            # The time left when the job starts (it may queue; `Direct` defers it).
            return los_deel(
                backend,
                breder,
                opties,
                net.rest(),
                stop,
                knopen=ins.knopen_deel,
                knoopwerk=ins.knoopwerk,
            )

        return Naast(tweede.submit(deel), stop, wachten=False)

    def volle_mip(self, xs: np.ndarray, d: np.ndarray) -> BackendUitkomst:
        """Reduced-cost fixing, then the MIP on what is left, from the best point.

        A count at an LP bound whose reduced cost exceeds the gap cannot move in
        any solution better than the best one.
        """
        p, geheel = self.probleem, self.probleem.geheel
        ruimte = self.beste_w - self.grens + 1e-7 * max(1.0, abs(self.beste_w))
        vast_onder = geheel & np.isclose(xs, p.kol_onder) & (d > ruimte)
        vast_boven = geheel & np.isclose(xs, p.kol_boven) & (-d > ruimte)
        if self.beste is not None:  # the best solution must stay feasible (barring round-off)
            vast_onder &= np.isclose(self.beste, p.kol_onder)
            vast_boven &= np.isclose(self.beste, p.kol_boven)
        log.info(
            "Gereduceerde kosten zetten %d van %d gehele kolommen vast",
            int((vast_onder | vast_boven).sum()),
            int(geheel.sum()),
        )
        mip = los_deel(
            self.backend,
            replace(
                p,
                kol_onder=np.where(vast_boven, p.kol_boven, p.kol_onder),
                kol_boven=np.where(vast_onder, p.kol_onder, p.kol_boven),
                start=self.beste,
            ),
            self.opties,
            self.net.rest(),
            knopen=self.ins.knopen_vol,
        )
        self.neem(mip)
        if mip.grens is not None:
            self.grens = max(self.grens, min(self.heel_grens(mip.grens), self.beste_w))
        return mip

    def los_op(self) -> BackendUitkomst:
        """Run the steps; the level's outcome (status, best point, value, bound, gap)."""
        lp = self.lp_oplossen()
        if lp.x is None or lp.objectief is None or lp.kolomduaal is None:
            log.info("LP-relaxatie niet binnen de tijd; gewone MIP")
            return los_deel(
                self.backend,
                self.probleem,
                self.opties,
                self.net.rest(),
                knopen=self.ins.knopen_vol,
            )
        xs, rc = lp.x, lp.kolomduaal
        self.rijduaal = lp.rijduaal
        self.lp_grens = float(lp.objectief)
        self.grens = self.heel_grens(self.lp_grens)
        # The next level's LP, if started now, runs beside this level's heuristics.
        if self.na_lp is not None:
            self.na_lp(self.grens)
        self.rens(xs)
        # After RENS (often already within the gap, then skipped), before the targets.
        self.lagrange(lp.rijduaal)
        self.warm = lp.warm if self.mm is not None else None
        self.warme_grens()
        # Before the neighbourhoods: their target is then the higher bound, and the
        # blocks' own solutions join the first one (`blokgrens`).
        self.blokgrens()
        # Sub-MIPs stop at the first solution that closes the level's gap; on a
        # whole-valued level only at the bound rounded up: every person more there
        # loosens the later levels (national round: tekort 2954 instead of 2950 let the
        # eerlijkheid LP bound drop from 0.213 to 0.182, and its sub-MIPs stuck at 0.61).
        self.doel = doelwaarde(self.grens, self.opties.gap_relatief)
        if self.heel:
            self.doel = min(self.doel, self.grens)  # already rounded up (`heel_grens`)
        volle_mip = vrije_nnz(self.probleem) <= self.ins.volle_mip_nnz
        self.buurten(xs, rc, volle_mip)
        self.toets(xs, rc)
        # The warm test ran at the final value: a background test would repeat it.
        getoetst = (
            self.warm is not None and bool(self.geprobeerd) and self.geprobeerd[-1] == self.beste_w
        )
        if self.gesloten():
            return self.uitkomst(Status.OPTIMAAL)
        if not volle_mip or self.net.voorbij():
            status = Status.TIJDSLIMIET if self.beste is not None else Status.GEEN_OPLOSSING
            return self.uitkomst(status, getoetst=getoetst)
        mip = self.volle_mip(xs, rc)
        if self.beste is None:
            status = mip.status
        elif mip.status is Status.OPTIMAAL or self.gesloten():
            status = Status.OPTIMAAL
        else:
            status = Status.TIJDSLIMIET
        return self.uitkomst(
            status,
            solver=mip.solver or self.solver,
            bericht=mip.bericht,
            getoetst=getoetst and self.geprobeerd[-1] == self.beste_w,
        )
