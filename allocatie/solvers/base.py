"""Solver-neutral types: the problem handed to a backend, its options, status and outcome.

A backend receives a `MipProbleem` in plain arrays (CSR matrix, bounds,
integrality, optional start) and returns a `BackendUitkomst`. Nothing here
imports a solver package.
"""

from __future__ import annotations

import enum
import math
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from allocatie.kern.errors import ConfiguratieFout

ONEINDIG = float("inf")


class Status(enum.Enum):
    """Outcome of a solve, the same for every backend."""

    OPTIMAAL = "optimaal"
    TIJDSLIMIET = "tijdslimiet"  # stopped at the limit with a feasible solution
    #: A level (or a round) that used up its work budget (`SolverOpties.inspanning`)
    #: with its gap still open: a feasible solution, reproducible (no clock involved).
    WERKBUDGET = "werkbudget_op"
    GEEN_OPLOSSING = "geen_oplossing"  # stopped at the limit without any solution
    ONHAALBAAR = "onhaalbaar"
    FOUT = "fout"

    @property
    def heeft_oplossing(self) -> bool:
        """True when the outcome carries a feasible solution."""
        return self in (Status.OPTIMAAL, Status.TIJDSLIMIET, Status.WERKBUDGET)


@dataclass(frozen=True)
class SolverOpties:
    """Options every backend honours.

    Attributes
    ----------
    backend
        ``"highs"`` (default) or ``"cbc"``.
    tijdslimiet_s
        Wall-clock limit over all objective levels together, in seconds.
    gap_relatief
        Relative MIP gap at which a level counts as solved.
    threads
        1: strictly sequential; 0 (auto) or more: `allocatie.strategie.oplossen` may run one
        job beside the main one. The outcome is the same either way: jobs run to
        their own work budget and the driver waits for all of them.
    seed
        Random seed passed to the solver.
    inspanning
        Work budget of the solve strategy as a multiple of the default (1.0):
        node limits of sub-MIPs, rounds of neighbourhoods and searches. A
        deterministic measure of work, so the same input gives the same
        allocation on a busy and an idle machine; ``tijdslimiet_s`` is only the
        safety net (when it cuts in the result says so, `reproduceerbaar`).
    """

    backend: str = "highs"
    tijdslimiet_s: float = 60.0
    gap_relatief: float = 1e-4
    threads: int = 0
    seed: int = 0
    inspanning: float = 1.0

    def __post_init__(self) -> None:
        if self.backend not in BACKEND_NAMEN:
            raise ConfiguratieFout(
                f"onbekende solver; kies uit {', '.join(BACKEND_NAMEN)}",
                kolom="solver.backend",
                waarde=self.backend,
            )
        for naam in ("tijdslimiet_s", "gap_relatief"):
            waarde = getattr(self, naam)
            if (
                isinstance(waarde, bool)
                or not isinstance(waarde, int | float)
                or not math.isfinite(waarde)
                or waarde < 0
            ):
                raise ConfiguratieFout(
                    "verwacht een eindig getal >= 0", kolom=f"solver.{naam}", waarde=waarde
                )
        if self.tijdslimiet_s == 0:
            raise ConfiguratieFout(
                "tijdslimiet moet > 0 zijn", kolom="solver.tijdslimiet_s", waarde=0
            )
        w = self.inspanning
        if (
            isinstance(w, bool)
            or not isinstance(w, int | float)
            or not math.isfinite(w)
            or not 0 < w <= 1000
        ):
            raise ConfiguratieFout(
                "verwacht een getal > 0 en <= 1000 (1 = standaard)",
                kolom="solver.inspanning",
                waarde=w,
            )
        for naam in ("threads", "seed"):
            waarde = getattr(self, naam)
            if isinstance(waarde, bool) or not isinstance(waarde, int) or waarde < 0:
                raise ConfiguratieFout(
                    "verwacht een geheel getal >= 0", kolom=f"solver.{naam}", waarde=waarde
                )


BACKEND_NAMEN: tuple[str, ...] = ("highs", "cbc")

#: Capabilities a backend may declare (`Backend.vermogens`) and a strategy may need.
#: LP relaxation with row and column duals (``los_lp_op``): LP first, bounds, fixing.
LP_DUALEN = "lp-dualen"
#: An LP kept at its optimal basis, solved again after bound changes (`WarmeLp`).
WARME_LP = "warme-lp"
#: A solve stops when another thread asks (``afbreken``) or at a deadline, with its best point.
ONDERBREEKBAAR = "onderbreekbaar"
#: A deterministic work limit (``knopen``: branch-and-bound nodes): the same stop on any load.
WERKLIMIET = "werklimiet"
#: A live LP that gains columns (``lp_sessie``): column generation.
LP_SESSIE = "lp-sessie"
#: Dutch names of the capabilities, for messages.
VERMOGEN_NAMEN = {
    LP_DUALEN: "LP-relaxatie met duale waarden",
    WARME_LP: "warme LP",
    ONDERBREEKBAAR: "onderbreekbaar",
    WERKLIMIET: "deterministische werklimiet",
    LP_SESSIE: "LP-sessie voor kolomgeneratie",
}


@dataclass(frozen=True)
class MipProbleem:
    """``min c·v  s.t.  rij_onder <= A v <= rij_boven,  kol_onder <= v <= kol_boven``.

    ``geheel[j]`` marks integer columns; ``start`` is an optional feasible point.
    ``doel``: a backend may stop as soon as it has a solution with ``c·v <= doel``
    (a sub-MIP whose target is already good enough); None: solve to the gap.
    """

    c: np.ndarray
    A: sp.csr_array
    rij_onder: np.ndarray
    rij_boven: np.ndarray
    kol_onder: np.ndarray
    kol_boven: np.ndarray
    geheel: np.ndarray
    start: np.ndarray | None = None
    doel: float | None = None

    @property
    def n_kolommen(self) -> int:
        """Number of variables."""
        return int(self.c.shape[0])

    @property
    def n_rijen(self) -> int:
        """Number of constraints."""
        return int(self.A.shape[0])


@dataclass(frozen=True)
class BackendUitkomst:
    """What a backend returns for one solve."""

    status: Status
    x: np.ndarray | None
    objectief: float | None
    grens: float | None  # best proven lower bound (minimisation)
    gap: float | None  # relative gap as the solver defines it
    tijd_s: float
    solver: str
    bericht: str = ""
    #: A min-max level (`allocatie.strategie.oplossen`): the LP test "strictly below the value" ran
    #: at the returned value, so a test in the background would add nothing.
    getoetst: bool = False
    #: The wall-clock limit (the safety net) stopped this solve: another run may differ.
    klok: bool = False


@dataclass(frozen=True)
class LpUitkomst:
    """The LP relaxation of a `MipProbleem`: a basic optimal point and its duals.

    ``kolomduaal`` are the reduced costs ``c - A^T rijduaal`` (minimisation).
    """

    status: Status
    x: np.ndarray | None
    objectief: float | None
    rijduaal: np.ndarray | None
    kolomduaal: np.ndarray | None
    tijd_s: float
    #: The LP kept alive at its optimal basis, to solve again after bound changes
    #: (`WarmeLp`; only when asked for and the backend has it).
    warm: WarmeLp | None = None
    #: The wall-clock limit (the safety net) stopped this solve.
    klok: bool = False


class WarmeLp(Protocol):
    """An LP solved once, solved again by dual simplex from that optimal basis.

    Only bounds change between solves (the matrix and objective stay), so the
    basis stays dual feasible and a few pivots restore primal feasibility or
    prove there is none: 30,000 households, the LP of ``eerlijkheid`` with every
    gemeente's ``tekort`` rounded to a target in whole persons 0.2-0.4 s, where
    the cold LP takes 47 s (measured).
    """

    def los_op(
        self,
        kol_onder: np.ndarray,
        kol_boven: np.ndarray,
        rij_onder: np.ndarray,
        rij_boven: np.ndarray,
        tijdslimiet_s: float,
        afbreken: threading.Event | None = None,
    ) -> LpUitkomst:
        """The LP with these bounds: `Status.OPTIMAAL` with its point and duals,
        `Status.ONHAALBAAR` when proven infeasible, else `Status.TIJDSLIMIET`."""
        ...

    def sluit(self) -> None:
        """Free the solver's memory; later calls give `Status.TIJDSLIMIET`."""
        ...


class Backend(Protocol):
    """A solver backend: one module per solver in `allocatie.solvers`."""

    naam: str
    #: What it can do (`LP_DUALEN`, `WARME_LP`, `ONDERBREEKBAAR`, `WERKLIMIET`, `LP_SESSIE`).
    vermogens: frozenset[str]

    def los_op(
        self, probleem: MipProbleem, opties: SolverOpties, tijdslimiet_s: float
    ) -> BackendUitkomst:
        """Solve ``probleem`` within ``tijdslimiet_s`` seconds."""
        ...


def relatieve_gap(objectief: float | None, grens: float | None) -> float | None:
    """Gap as ``|obj - bound| / max(1, |obj|)`` (0 when both agree), None when unknown."""
    if objectief is None or grens is None or not np.isfinite(grens):
        return None
    return abs(objectief - grens) / max(1.0, abs(objectief))
