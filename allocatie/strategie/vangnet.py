"""The time limit as a safety net, and the backend that reports every cut to it.

Strategy decisions never read the clock (`allocatie.strategie`); a solve that
overruns the limit is stopped by its backend, and each such stop is counted in
the `Vangnet`. Every backend call of a solve goes through `BewaakteBackend`,
which also declares what the strategy may use (`kan_lp_eerst`) and says where
it falls back (`strategie_zinnen`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Any

import numpy as np

from allocatie.solvers.base import (
    LP_DUALEN,
    VERMOGEN_NAMEN,
    WERKLIMIET,
    Backend,
    BackendUitkomst,
    LpUitkomst,
    MipProbleem,
    SolverOpties,
    WarmeLp,
)

log = logging.getLogger(__name__)


class Vangnet:
    """The wall-clock limit as a safety net: the deadline, and whether it cut in.

    Strategy decisions never read the clock; only solves that overrun the limit
    are stopped (by the backend's deadline), and each such stop is counted here
    (`BackendUitkomst.klok`). A solve with a count above zero is not reproducible:
    the same input may end elsewhere on another run. A solve its caller had stopped
    (``afbreken`` set) is not counted: its result is discarded either way.
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


def gestopt(afbreken: threading.Event | None) -> bool:
    """Whether the caller stopped a solve through ``afbreken``: its result then does not
    count (the strategy discards it), so neither does a clock cut of it."""
    return afbreken is not None and afbreken.is_set()


class BewaakteWarmeLp:
    """A `WarmeLp` whose solves report clock stops to the `Vangnet`."""

    def __init__(self, warm: WarmeLp, net: Vangnet) -> None:
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
        self._net.noteer(uit.klok and not gestopt(afbreken))
        return uit

    def sluit(self) -> None:
        self._warm.sluit()


class BewaakteSessie:
    """An LP session (column generation) whose solves report clock stops to the `Vangnet`."""

    def __init__(self, sessie: Any, net: Vangnet) -> None:
        self._sessie, self._net = sessie, net

    def los_op(self, tijdslimiet_s: float) -> tuple[BackendUitkomst, np.ndarray | None]:
        uit, duaal = self._sessie.los_op(tijdslimiet_s)
        self._net.noteer(uit.klok)
        return uit, duaal

    def warme_lp(
        self, probleem: MipProbleem, kols: np.ndarray, tijdslimiet_s: float
    ) -> tuple[BewaakteWarmeLp | None, bool]:
        """The session's `warme_lp`, guarded; a clock stop is counted."""
        warm, klok = self._sessie.warme_lp(probleem, kols, tijdslimiet_s)
        self._net.noteer(klok)
        return (BewaakteWarmeLp(warm, self._net) if warm is not None else None), klok

    def __getattr__(self, naam: str) -> Any:
        return getattr(self._sessie, naam)


class BewaakteBackend:
    """A backend whose every solve reports to the safety net whether the clock cut it.

    The keyword arguments of a solve (``afbreken``, ``knopen``) are passed on as
    given: `allocatie.strategie.deelmip.los_deel`, through which every sub-MIP
    goes, passes ``knopen`` only to a backend that declares a work limit
    (`WERKLIMIET`).
    """

    def __init__(self, backend: Backend, net: Vangnet) -> None:
        self._b, self._net = backend, net
        self.naam = backend.naam
        self.vermogens: frozenset[str] = getattr(backend, "vermogens", frozenset())

    def los_op(
        self,
        probleem: MipProbleem,
        opties: SolverOpties,
        tijdslimiet_s: float,
        **extra: Any,
    ) -> BackendUitkomst:
        uit: BackendUitkomst = self._b.los_op(probleem, opties, tijdslimiet_s, **extra)
        self._net.noteer(uit.klok and not gestopt(extra.get("afbreken")))
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
        self._net.noteer(lp.klok and not gestopt(afbreken))
        if lp.warm is not None:
            lp = replace(lp, warm=BewaakteWarmeLp(lp.warm, self._net))
        return lp

    def lp_sessie(self, probleem: MipProbleem, opties: SolverOpties) -> BewaakteSessie:
        return BewaakteSessie(self._b.lp_sessie(probleem, opties), self._net)  # type: ignore[attr-defined]


def kan_lp_eerst(backend: Backend) -> bool:
    """Whether ``backend`` has what LP first needs: LP duals and a work limit."""
    vermogens: frozenset[str] = getattr(backend, "vermogens", frozenset())
    return LP_DUALEN in vermogens and WERKLIMIET in vermogens


def strategie_zinnen(backend: Backend, slim: bool) -> tuple[str, ...]:
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
