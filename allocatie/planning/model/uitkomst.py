"""The outcome of one policy: its plan, costs per scenario and the second-stage flows.

`Planuitkomst` is a frozen dataclass of numpy arrays; every statistic a report
shows (expected cost, CVaR, backlog quantiles) is a method over those arrays,
so reports, the comparison of policies and the independent check read the
same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from allocatie.planning.gegevens import Risico
from allocatie.planning.model.bouw import Plan
from allocatie.solvers.base import Status

#: Policies, in report order, with their Dutch titles.
BELEIDSTITELS: dict[str, str] = {
    "stochastisch": "Stochastisch plan",
    "gemiddeld": "Plan voor het gemiddelde scenario",
    "statisch": "Statisch (eenmalig openen, nooit afschalen)",
    "geen_flex": "Geen nieuwe flex",
    "rollend": "Rollend (elk halfjaar opnieuw plannen)",
    "perfecte_informatie": "Perfecte informatie (ondergrens)",
}


def cvar(waarden: np.ndarray, kansen: np.ndarray, alfa: float) -> float:
    """Conditional value at risk: the mean of the worst ``1 - alfa`` probability mass.

    Computed as ``min_eta eta + E[(X - eta)+] / (1 - alfa)``, whose minimiser is
    the ``alfa``-quantile (Rockafellar and Uryasev); ``alfa = 0`` gives the mean.

    Examples
    --------
    >>> cvar(np.array([1.0, 2.0, 3.0, 10.0]), np.full(4, 0.25), 0.75)
    10.0
    >>> cvar(np.array([1.0, 2.0, 3.0, 10.0]), np.full(4, 0.25), 0.5)
    6.5
    >>> cvar(np.array([1.0, 3.0]), np.array([0.5, 0.5]), 0.0)
    2.0
    """
    volgorde = np.argsort(waarden, kind="stable")
    x, p = waarden[volgorde], kansen[volgorde]
    cum = np.cumsum(p)
    i = int(np.searchsorted(cum, alfa - 1e-12, side="left"))
    i = min(i, len(x) - 1)
    eta = float(x[i])
    return eta + float(np.sum(p * np.maximum(x - eta, 0.0))) / (1.0 - alfa)


def kwantielen_per_periode(
    waarden: np.ndarray, kansen: np.ndarray, kwantielen: tuple[float, ...]
) -> np.ndarray:
    """Probability-weighted quantiles over scenarios of ``waarden`` (S, T), per period: (Q, T).

    The quantile ``q`` is the smallest value whose cumulative probability reaches ``q``.

    Examples
    --------
    >>> kwantielen_per_periode(np.array([[1.0], [3.0], [2.0]]), np.full(3, 1 / 3), (0.5, 1.0))
    array([[2.],
           [3.]])
    """
    uit = np.empty((len(kwantielen), waarden.shape[1]))
    for t in range(waarden.shape[1]):
        volgorde = np.argsort(waarden[:, t], kind="stable")
        cum = np.cumsum(kansen[volgorde])
        for qi, q in enumerate(kwantielen):
            i = min(int(np.searchsorted(cum, q - 1e-12)), len(cum) - 1)
            uit[qi, t] = waarden[volgorde[i], t]
    return uit


@dataclass(frozen=True)
class Paarinterval:
    """A paired comparison over the same scenarios: mean difference and its interval (euro)."""

    verschil: float
    onder: float | None
    boven: float | None
    niveau: float
    n: int


def paarinterval(verschil: np.ndarray, kansen: np.ndarray, niveau: float = 0.95) -> Paarinterval:
    """Mean of paired per-scenario differences with a Student-t interval.

    The differences are those of two policies on the *same* scenarios, so
    their spread is what is left of the scenarios' noise after pairing. With
    equal probabilities this is the textbook paired t-interval
    ``mean ± t_{n-1} · sd / √n``; with unequal probabilities the mean and
    variance are weighted and ``n`` is Kish's effective sample size
    ``1 / Σ p²``. Fewer than two (effective) scenarios give no interval.

    Examples
    --------
    >>> iv = paarinterval(np.array([1.0, 2.0, 3.0, 4.0]), np.full(4, 0.25))
    >>> iv.verschil, round(iv.onder, 3), round(iv.boven, 3)
    (2.5, 0.446, 4.554)
    >>> paarinterval(np.array([5.0]), np.ones(1)).onder is None
    True
    """
    from scipy import stats

    p = np.asarray(kansen, dtype=float)
    d = np.asarray(verschil, dtype=float)
    m = float(p @ d)
    n_eff = 1.0 / float(p @ p)
    if n_eff < 2.0 - 1e-9:
        return Paarinterval(m, None, None, niveau, len(d))
    var = float(p @ (d - m) ** 2) * n_eff / (n_eff - 1.0)
    half = float(stats.t.ppf(0.5 + niveau / 2.0, n_eff - 1.0)) * float(np.sqrt(var / n_eff))
    return Paarinterval(m, m - half, m + half, niveau, len(d))


@dataclass(frozen=True)
class Planuitkomst:
    """One policy's plan and what it leads to in every scenario.

    Arrays are indexed (scenario S, region R, type F, class K, period T) in the
    order given per field; persons are real numbers, modules integral.

    Attributes
    ----------
    beleid
        Policy key (see `BELEIDSTITELS`).
    plan
        The first-stage decisions; None for policies with one plan per
        scenario (perfect information, the rolling policy; see ``beschikbaar``
        and ``plannen``).
    beschikbaar
        Modules available, (S, R, F, T).
    afname
        Modules closed or moved out, (S, R, F, T) (bounds displacement).
    kosten_eerste
        First-stage cost per scenario, (S,) (the same in every scenario for a
        non-anticipative plan).
    kosten_eerste_delen
        Expected first-stage cost split into ``openen``, ``exploitatie``,
        ``sluiten``, ``verplaatsen`` and ``restwaarde`` (negative).
    kosten_tweede
        Second-stage cost per scenario, (S,).
    kosten_tweede_delen
        Expected second-stage cost split into ``wachten``, ``verdringing`` and
        ``eind_achterstand``.
    kansen
        Scenario probabilities, (S,).
    achterstand
        Persons waiting at the end of each period, (S, R, K, T).
    regulier
        Persons housed in regular homes from the backlog, (S, R, K, T).
    in_flex, bezetting, door, verdrongen
        Persons entering flex, flex occupancy at the end of the period, flex
        residents moving on to a regular home, residents displaced by
        closures; (S, R, F, K, T).
    risico
        The risk measure the objective uses.
    status, grens, gap, tijd_s, solver
        How the solve went; ``grens`` is a proven lower bound on the objective
        of the policy's optimisation problem (None when not proven).
    plannen
        For an adaptive policy (the rolling policy): the decisions taken in
        each scenario, one `Plan` per scenario in scenario order; empty
        otherwise.
    """

    beleid: str
    plan: Plan | None
    beschikbaar: np.ndarray
    afname: np.ndarray
    kosten_eerste: np.ndarray
    kosten_eerste_delen: dict[str, float]
    kosten_tweede: np.ndarray
    kosten_tweede_delen: dict[str, float]
    kansen: np.ndarray
    achterstand: np.ndarray
    regulier: np.ndarray
    in_flex: np.ndarray
    bezetting: np.ndarray
    door: np.ndarray
    verdrongen: np.ndarray
    risico: Risico = field(default_factory=Risico)
    status: Status = Status.OPTIMAAL
    grens: float | None = None
    gap: float | None = None
    tijd_s: float = 0.0
    solver: str = ""
    plannen: tuple[Plan, ...] = ()

    @property
    def titel(self) -> str:
        """Dutch title of the policy."""
        return BELEIDSTITELS.get(self.beleid, self.beleid)

    @property
    def totaal(self) -> np.ndarray:
        """Total cost per scenario, (S,)."""
        return self.kosten_eerste + self.kosten_tweede

    @property
    def verwachting(self) -> float:
        """Expected total cost."""
        return float(self.kansen @ self.totaal)

    def cvar(self, alfa: float | None = None) -> float:
        """CVaR of the total cost at ``alfa`` (default: the risk measure's)."""
        a = self.risico.alfa if alfa is None else alfa
        return cvar(self.totaal, self.kansen, a)

    @property
    def doel(self) -> float:
        """The objective under the risk measure: expectation, or the CVaR mix."""
        if self.risico.maat == "verwachting":
            return self.verwachting
        lam = self.risico.gewicht
        return (1.0 - lam) * self.verwachting + lam * self.cvar()

    def achterstand_totaal(self) -> np.ndarray:
        """Persons waiting nationally (all regions and classes) per scenario and period, (S, T)."""
        return self.achterstand.sum(axis=(1, 2))

    def achterstand_kwantielen(self, kwantielen: tuple[float, ...]) -> np.ndarray:
        """Probability-weighted quantiles of the national backlog per period, (Q, T)."""
        return kwantielen_per_periode(self.achterstand_totaal(), self.kansen, kwantielen)

    def plaatsen_kwantielen(
        self, plaatsen: np.ndarray, kwantielen: tuple[float, ...]
    ) -> np.ndarray:
        """Probability-weighted quantiles of the flex places available per period, (Q, T).

        ``plaatsen`` holds the persons per module of each flex type, (F,).
        """
        tot = np.einsum("srft,f->st", self.beschikbaar, plaatsen)
        return kwantielen_per_periode(tot, self.kansen, kwantielen)

    def wachttijd_persoonperioden(self) -> float:
        """Expected person-periods spent in the backlog (all regions, classes, periods)."""
        return float(self.kansen @ self.achterstand.sum(axis=(1, 2, 3)))
