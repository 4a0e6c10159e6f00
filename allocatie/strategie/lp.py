"""LP relaxations of the levels: column generation, dual bounds, the next level's early LP."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from allocatie.model.bouw import AllocatieModel
from allocatie.model.minmax import MINMAX, MinMax
from allocatie.ronde.presets import Doel
from allocatie.solvers.base import (
    LP_SESSIE,
    Backend,
    LpUitkomst,
    MipProbleem,
    SolverOpties,
    Status,
    relatieve_gap,
)
from allocatie.strategie.deelmip import (
    deelprobleem,
    goedkoopste,
    houd_minmax,
    houd_vast,
    houdwaarde,
    niveauprobleem,
    type_van,
    verwachte_waarde,
    vrije_nnz,
)
from allocatie.strategie.instellingen import Instellingen
from allocatie.strategie.vangnet import Vangnet

log = logging.getLogger(__name__)

#: Row duals of a column generation LP below this (relative to the largest) are round-off.
NUL_DUAAL = 1e-9


def lp_met_kolomgeneratie(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    tijd: float,
    kolommen_x: slice,
    instellingen: Instellingen,
    *,
    warm: bool = False,
) -> LpUitkomst:
    """The LP relaxation over all columns, solved on a growing subset (column generation).

    Starts from the start point's support, the ``instellingen.per_type`` cheapest count
    columns of each row block and every non-count column; after each LP the
    reduced costs ``c - A^T y`` of *all* columns are computed from its duals and
    the columns with a negative one are added (on a level with costs at most
    ``instellingen.erbij_per_type`` per type and round, those of most negative
    reduced cost: partial pricing keeps the LP small). When none is left, the
    subset's optimum is the optimum over all columns (LP duality), so its value
    is a proven bound and the reduced costs are exact for every column.

    ``warm`` (a min-max level, for its tests in whole persons): the whole LP is
    then also kept warm at the final basis (`LpUitkomst.warm`; needs a backend with
    `LP_SESSIE`).
    """
    t0 = time.perf_counter()
    c, A = probleem.c, probleem.A
    n = probleem.n_kolommen
    S = np.ones(n, dtype=bool)
    S[kolommen_x] = False
    if probleem.start is not None:
        S |= probleem.start > 0.5
    # The cheapest columns per type: a cheap first subset.
    typ = type_van(A, kolommen_x)
    S |= goedkoopste(c, kolommen_x, typ, instellingen.per_type)
    Ac = sp.csc_array(A)  # column slices below, once per round of the loop
    AT = sp.csr_array(A.T)
    kols = np.flatnonzero(S)  # the subset, in the order the LP holds its columns
    kosten = bool(np.any(c[kolommen_x] != 0))
    sessie = None
    ronde = 0
    while True:
        ronde += 1
        rest = tijd - (time.perf_counter() - t0)
        if LP_SESSIE in getattr(backend, "vermogens", ()):
            # One live LP: the first round cold (interior point), later rounds
            # only add columns, so simplex from the previous basis (national
            # kosten level: 2.0 s against 10.4 s solving every round cold).
            if sessie is None:
                sessie = backend.lp_sessie(deelprobleem(probleem, Ac, kols), opties)  # type: ignore[attr-defined]
            uit, y = sessie.los_op(rest)
            lp_x, lp_w, lp_d = uit.x, uit.objectief, sessie.kolomduaal()
            ok = uit.status is Status.OPTIMAAL
        else:
            lp = backend.los_lp_op(deelprobleem(probleem, Ac, kols), opties, rest)  # type: ignore[attr-defined]
            lp_x, lp_w, lp_d, y = lp.x, lp.objectief, lp.kolomduaal, lp.rijduaal
            ok = lp.status is Status.OPTIMAAL
        if not ok or lp_x is None or lp_w is None or y is None or lp_d is None:
            return LpUitkomst(Status.TIJDSLIMIET, None, None, None, None, time.perf_counter() - t0)
        # Round-off in the simplex duals (1e-13, national tekort level) would give
        # columns of infinite range a reduced cost of the wrong sign and every bound
        # from these duals (`duale_grens`, `houd_vlak`) minus infinity; any duals
        # give a valid bound, so zeroing them costs at most their size.
        y = np.where(
            np.abs(y) < NUL_DUAAL * max(1.0, float(np.max(np.abs(y), initial=0.0))), 0.0, y
        )
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
        klein = -tekort <= instellingen.kolomgeneratie_rest * opties.gap_relatief * max(
            1.0, abs(lp_w)
        )
        if not nieuw.any() or klein:
            x = np.zeros(n)
            x[kols] = lp_x
            d[kols] = lp_d
            warme, klok = None, False
            if warm and sessie is not None:
                rest = tijd - (time.perf_counter() - t0)
                warme, klok = sessie.warme_lp(probleem, kols, rest)
            return LpUitkomst(
                Status.OPTIMAAL, x, lp_w + tekort, y, d, time.perf_counter() - t0, warme, klok
            )
        if kosten and instellingen.erbij_per_type:
            # Partial pricing: per type only the columns of most negative reduced
            # cost join (the bound above still counts every one left out).
            nieuw &= goedkoopste(
                np.where(nieuw, d, np.inf), kolommen_x, typ, instellingen.erbij_per_type
            )
        erbij = np.flatnonzero(nieuw)
        if sessie is not None:
            sessie.voeg_kolommen_toe(
                c[erbij], Ac[:, erbij], probleem.kol_onder[erbij], probleem.kol_boven[erbij]
            )
            # Primal simplex when the count columns cost nothing (onbediend, tekort,
            # the ratios): the duals are then highly degenerate and dual simplex
            # crawls (nf-04 tekort: 200 s dual, 8.9 s primal); dual simplex with
            # costs (nf-04 kosten: 8.0 s dual, 18.4 s primal).
            sessie.zet_lp_methode("simplex" if kosten else "primaal")
        kols = np.concatenate([kols, erbij])
        S |= nieuw


def met_kolomgeneratie(kolommen_x: slice | None, vanaf: int) -> bool:
    """Whether a level's LP is solved by column generation: a model of many count columns.

    Every level, not only those with costs: the levels of counts and ratios
    (onbediend, tekort, eerlijkheid) need few of the count columns too (national
    family member nf-04: onbediend 1.5 s against 25.9 s as one interior point LP,
    eerlijkheid 1.4 s against 14.9 s, tekort 8.9 s against 15.8 s).
    """
    return kolommen_x is not None and kolommen_x.stop > vanaf


def duale_grens(
    probleem: MipProbleem, y: np.ndarray, nul: float = 1e-9
) -> tuple[float, np.ndarray, np.ndarray]:
    """A lower bound of the LP of ``probleem`` from any row duals ``y``: (bound, y, reduced costs).

    Weak LP duality for ``L <= Ax <= U``, ``l <= x <= u``: with ``d = c - A^T y``,
    every feasible x has ``c x = y A x + d x >= sum(y+ L - y- U) + sum(d+ l - d- u)``.
    Duals of the wrong sign for an infinite side are set to 0 first (they would
    make the bound minus infinity), round-off below ``nul`` too (0: the reduced
    costs are exactly ``c - A^T y``, as `houd_vlak` needs). With the optimal
    duals of the same LP it is that LP's value; with those of an LP that differs
    only in bounds (the next level's LP computed before this level ended) it is
    a valid, possibly weaker, bound.
    """
    y = np.where(np.abs(y) < nul, 0.0, y)
    y = np.where((y > 0) & np.isinf(probleem.rij_onder), 0.0, y)
    y = np.where((y < 0) & np.isinf(probleem.rij_boven), 0.0, y)
    d = probleem.c - probleem.A.T @ y
    d = np.where(np.abs(d) < nul, 0.0, d)
    if np.any((d > 0) & np.isinf(probleem.kol_onder)) or np.any(
        (d < 0) & np.isinf(probleem.kol_boven)
    ):
        return -np.inf, y, d
    pos, neg = y > 0, y < 0
    rij = float(y[pos] @ probleem.rij_onder[pos] + y[neg] @ probleem.rij_boven[neg])
    dp, dn = d > 0, d < 0
    kol = float(d[dp] @ probleem.kol_onder[dp] + d[dn] @ probleem.kol_boven[dn])
    return rij + kol, y, d


@dataclass
class Vooruit:
    """The LP of the next level, started on a second thread before this level ends.

    It holds this level at a guess (`verwachte_waarde`). Whatever the
    level ends at, its row duals give a valid bound of the next level's own LP
    (`duale_grens`): if the level ends at the guess or lower (a tighter hold),
    at least that LP's value; above it, weaker by the duals times the difference.
    The level keeps its row in the next problem (`houd_niveau`), so the duals fit.
    """

    toekomst: Future[LpUitkomst]
    afbreken: threading.Event

    def uitkomst(self, probleem: MipProbleem) -> LpUitkomst | None:
        """Its LP (waits for it) with the bound and reduced costs for ``probleem``."""
        lp = self.toekomst.result()
        if lp.status is not Status.OPTIMAAL or lp.rijduaal is None or lp.objectief is None:
            return None
        grens, y, d = duale_grens(probleem, lp.rijduaal)
        return replace(lp, objectief=grens, rijduaal=y, kolomduaal=d)

    def stop(self) -> None:
        """Stop it and wait until it has stopped."""
        self.afbreken.set()
        self.toekomst.result()


class Vooruitloper:
    """Starts the LP of the next level beside this one (`Vooruit`) and hands it over.

    ``pool`` is the executor of the jobs beside the main one (`maak_uitvoerder`): a
    worker thread, or `Direct` (the LP then runs at once, the same LP).
    """

    def __init__(
        self,
        backend: Backend,
        opties: SolverOpties,
        doel: Doel,
        model: AllocatieModel,
        net: Vangnet,
        werk: Instellingen,
        pool: Executor,
    ) -> None:
        self.backend, self.opties, self.doel, self.model = backend, opties, doel, model
        self.net, self.werk, self.pool = net, werk, pool
        self.lopend: Vooruit | None = None

    def start(
        self,
        A: sp.csr_array,
        onder: np.ndarray,
        boven: np.ndarray,
        ko: np.ndarray,
        kb: np.ndarray,
        c: np.ndarray,
        mm: MinMax | None,
        volgende: str,
        grens: float,
    ) -> bool:
        """Start the LP of ``volgende`` with the level ``c`` (LP bound ``grens``) held at its
        expected value; the rows ``A`` and column bounds ``ko``/``kb`` hold the earlier levels.
        False: not started (a level whose LP is column generation)."""
        model = self.model
        c2 = model.doelen[volgende]
        if met_kolomgeneratie(model.kolommen["x"], self.werk.kolomgeneratie_vanaf):
            return False
        gok = verwachte_waarde(model, c, grens, self.opties.gap_relatief, mm)
        houd = houdwaarde(self.doel, gok)
        A2, onder2, boven2 = houd_vast(A, onder, boven, c, houd)
        kb2 = houd_minmax(mm, houd, kb, ko)
        p2 = niveauprobleem(model, c2, A2, onder2, boven2, None, volgende, kb2, ko)
        afbreken = threading.Event()
        backend, opties, net = self.backend, self.opties, self.net

        def lp() -> LpUitkomst:
            # The time left when the job starts: it may queue behind another on the one
            # worker, and `Direct` runs it only when its result is asked for.
            # A min-max level keeps its LP warm for its tests in whole persons (`warme_grens`).
            uit: LpUitkomst = backend.los_lp_op(  # type: ignore[attr-defined]
                p2, opties, net.rest(), afbreken, warm=volgende in MINMAX
            )
            return uit

        toekomst = self.pool.submit(lp)
        self.lopend = Vooruit(toekomst, afbreken)
        return True

    def neem(self, probleem: MipProbleem, naam: str) -> LpUitkomst | None:
        """The LP started for the level ``naam`` (``probleem``).

        Its bound for ``probleem`` (`Vooruit.uitkomst`); None (solve the LP
        again) when that bound lost more than the gap against the LP's own value
        and the model is small enough to solve its LP again at little cost (up to
        `Instellingen.volle_mip_nnz` non-zeros: a deterministic rule, where the
        time left is not).
        """
        vooruit, self.lopend = self.lopend, None
        if vooruit is None:
            return None
        eigen = vooruit.toekomst.result()
        lp = vooruit.uitkomst(probleem)
        if lp is not None and eigen.objectief is not None and lp.objectief is not None:
            verlies = relatieve_gap(eigen.objectief, lp.objectief) or 0.0
            klein = vrije_nnz(probleem) <= self.werk.volle_mip_nnz
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
