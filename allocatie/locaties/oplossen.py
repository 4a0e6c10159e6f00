"""Solve a location model, read the solution back, and evaluate a given set of sites.

`kies_locaties` checks what can be seen before solving (enough candidates,
fixed sites within ``k``, enough capacity), builds the model
(`allocatie.locaties.model`), solves it on the project's MIP backend and
returns a `Locatieuitkomst`. `evalueer_locaties` solves the same model with
exactly the given sites open: the comparison with today's locations uses the
same rules and the same statistics.

The solve is deterministic: HiGHS runs with one thread and no decision depends
on the clock; the time limit is only a safety net, and when it cuts in the
outcome says so (``klok``, status ``tijdslimiet``).

Examples
--------
>>> import numpy as np
>>> from allocatie.locaties.probleem import Locatieprobleem, Modelkeuze
>>> p = Locatieprobleem(("GM0001", "GM0002", "GM0003"), ("A", "B", "C"),
...     np.array([10.0, 5.0, 1.0]), ("L1", "L2"), ("A", "B"), ("GM0001", "GM0002"),
...     np.array([[0.0, 20.0], [20.0, 0.0], [15.0, 10.0]]))
>>> u = kies_locaties(p, Modelkeuze("pmediaan", k=1))
>>> u.gekozen_ids, u.doel  # L1: 5*20 + 1*15 = 115; L2: 10*20 + 10 = 210
(('L1',), 115.0)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from allocatie.kern.errors import InvoerFout, SolverFout
from allocatie.locaties.model import Locatiemodel, bouw_locatiemodel, dekkingsmatrix
from allocatie.locaties.probleem import Locatieprobleem, Modelkeuze
from allocatie.solvers import SolverOpties, Status, kies_backend

__all__ = [
    "STANDAARD_OPTIES",
    "Locatieuitkomst",
    "evalueer_locaties",
    "kies_locaties",
    "reistijdstatistiek",
]

#: Exact by default (gap 0: proven optimal); the time limit is a safety net only.
STANDAARD_OPTIES = SolverOpties(tijdslimiet_s=600.0, gap_relatief=0.0, threads=1)

#: Percentiles in the statistics (weighted by demand).
PERCENTIELEN: tuple[int, ...] = (50, 90, 95)


@dataclass(frozen=True)
class Locatieuitkomst:
    """A chosen (or given) set of sites, the assignment and its figures.

    Attributes
    ----------
    keuze
        The model and its parameters.
    open
        Boolean ``(J,)``: the open sites.
    toewijs_i, toewijs_j, aandeel
        The assignment: demand point, site and share of the point's demand
        (1 unless a split assignment), sorted by point then site.
    doel
        Objective of the model: weighted travel minutes (``pmediaan``,
        ``capaciteit``) or uncovered demand (``dekking``); None if infeasible.
    grens, gap
        Proven bound and relative gap of the solve (None for an evaluation
        solved exactly or when unknown).
    status
        The solver's status; `Status.ONHAALBAAR` for a given set that cannot
        serve the demand (capacity).
    tijd_s, solver, klok
        Wall time, solver name, and whether the time limit (the safety net) cut in.
    n_kolommen, n_rijen
        Model size.
    """

    keuze: Modelkeuze
    open: np.ndarray
    toewijs_i: np.ndarray
    toewijs_j: np.ndarray
    aandeel: np.ndarray
    doel: float | None
    grens: float | None
    gap: float | None
    status: Status
    tijd_s: float
    solver: str
    klok: bool
    n_kolommen: int
    n_rijen: int
    kandidaat_ids: tuple[str, ...]

    @property
    def gekozen(self) -> np.ndarray:
        """Positions of the open sites."""
        return np.flatnonzero(self.open)

    @property
    def gekozen_ids(self) -> tuple[str, ...]:
        """Ids of the open sites, in candidate order."""
        return tuple(self.kandidaat_ids[j] for j in self.gekozen.tolist())

    @property
    def optimaal(self) -> bool:
        """Proven optimal (or an exact evaluation)."""
        return self.status is Status.OPTIMAAL


def dichtstbij(p: Locatieprobleem, open_: np.ndarray) -> np.ndarray:
    """Nearest open site of every demand point (ties: the first candidate).

    Examples
    --------
    >>> import numpy as np
    >>> from allocatie.locaties.probleem import Locatieprobleem
    >>> p = Locatieprobleem(("GM0001",), ("A",), np.array([1.0]), ("L1", "L2", "L3"),
    ...     ("a", "b", "c"), ("GM0001",) * 3, np.array([[9.0, 4.0, 4.0]]))
    >>> dichtstbij(p, np.array([True, False, True])).tolist()
    [2]
    """
    pos = np.flatnonzero(open_)
    if not len(pos):
        raise ValueError("no open site")
    return pos[np.argmin(p.minuten[:, pos], axis=1)]


def _bezetting(p: Locatieprobleem, u: Locatieuitkomst) -> np.ndarray:
    """Demand assigned to every site."""
    return np.bincount(
        u.toewijs_j, weights=p.gewicht[u.toewijs_i] * u.aandeel, minlength=p.n_kandidaten
    )


def reistijdstatistiek(p: Locatieprobleem, u: Locatieuitkomst) -> dict[str, float]:
    """Travel-time figures of an assignment.

    ``gemiddelde``: mean over gemeenten of each one's travel time (a split
    gemeente counts with its shares); ``gewogen_gemiddelde``: mean per unit of
    demand; ``p50``/``p90``/``p95``: percentiles per unit of demand (the
    smallest time within which that share of the demand travels); ``maximum``
    over gemeenten with demand assigned; with a limit ``binnen_limiet`` (share
    of demand within it) and ``gemeenten_buiten_limiet``; ``doel`` the model's
    objective. NaN where there is nothing to average.

    Examples
    --------
    >>> import numpy as np
    >>> from allocatie.locaties.probleem import Locatieprobleem, Modelkeuze
    >>> p = Locatieprobleem(("GM0001", "GM0002"), ("A", "B"), np.array([3.0, 1.0]),
    ...     ("L1",), ("a",), ("GM0001",), np.array([[10.0], [30.0]]))
    >>> s = reistijdstatistiek(p, evalueer_locaties(p, Modelkeuze(limiet_min=20.0), ["L1"]))
    >>> s["gemiddelde"], s["gewogen_gemiddelde"], s["p50"], s["p90"], s["binnen_limiet"]
    (20.0, 15.0, 10.0, 30.0, 0.75)
    """
    uit: dict[str, float] = {}
    if u.doel is None or not len(u.toewijs_i):
        nan = float("nan")
        uit = dict.fromkeys(
            ("gemiddelde", "gewogen_gemiddelde", *(f"p{q}" for q in PERCENTIELEN), "maximum"), nan
        )
        if u.keuze.limiet_min is not None:
            uit["binnen_limiet"] = nan
            uit["gemeenten_buiten_limiet"] = nan
        uit["doel"] = nan
        return uit
    t = p.minuten[u.toewijs_i, u.toewijs_j]
    per_gemeente = np.bincount(u.toewijs_i, weights=t * u.aandeel, minlength=p.n_vraag)
    uit["gemiddelde"] = float(per_gemeente.mean())
    w = p.gewicht[u.toewijs_i] * u.aandeel
    totaal = float(w.sum())
    uit["gewogen_gemiddelde"] = float(w @ t / totaal) if totaal > 0 else float("nan")
    volgorde = np.lexsort((u.toewijs_i, t))
    cum = np.cumsum(w[volgorde])
    for q in PERCENTIELEN:
        if totaal > 0:
            pos = int(np.searchsorted(cum, q / 100 * totaal - 1e-9 * totaal, side="left"))
            uit[f"p{q}"] = float(t[volgorde][min(pos, len(t) - 1)])
        else:
            uit[f"p{q}"] = float("nan")
    uit["maximum"] = float(t[u.aandeel > 0].max())
    if u.keuze.limiet_min is not None:
        binnen = dekkingsmatrix(t[:, None], u.keuze.limiet_min)[:, 0]
        uit["binnen_limiet"] = float(w[binnen].sum() / totaal) if totaal > 0 else float("nan")
        buiten = np.zeros(p.n_vraag, dtype=bool)
        buiten[u.toewijs_i[~binnen & (u.aandeel > 0)]] = True
        uit["gemeenten_buiten_limiet"] = float(buiten.sum())
    uit["doel"] = float(u.doel)
    return uit


def _controleer(p: Locatieprobleem, keuze: Modelkeuze) -> None:
    """Errors visible before solving, with the numbers."""
    n_vast = int(p.vast.sum())
    if keuze.k > p.n_kandidaten:
        raise InvoerFout(
            f"k = {keuze.k} locaties gevraagd, maar er zijn maar {p.n_kandidaten} kandidaten",
            kolom="--k",
            waarde=keuze.k,
        )
    if n_vast > keuze.k:
        raise InvoerFout(
            f"{n_vast} locaties staan vast (open), meer dan k = {keuze.k}; verhoog k of maak "
            "minder locaties vast",
            kolom="--k",
            waarde=keuze.k,
        )
    if keuze.model != "capaciteit":
        return
    cap = p.capaciteit
    vrij = np.sort(cap[~p.vast])[::-1][: keuze.k - n_vast]
    beste = float(cap[p.vast].sum() + vrij.sum())
    if beste < p.totale_vraag - 1e-9 * max(1.0, p.totale_vraag):
        raise InvoerFout(
            f"te weinig capaciteit: de vraag is {p.totale_vraag:g}, maar de vaste locaties plus "
            f"de {keuze.k - n_vast} grootste andere hebben samen {beste:g}; verhoog k of de "
            "capaciteiten",
            kolom="capaciteit",
        )
    if keuze.toewijzing == "enkelvoudig":
        te_groot = np.flatnonzero(p.gewicht > cap.max() + 1e-9)
        if len(te_groot):
            i = int(te_groot[0])
            raise InvoerFout(
                f"de vraag van {p.vraag_codes[i]} ({p.gewicht[i]:g}) past in geen enkele "
                f"locatie (grootste capaciteit {cap.max():g}); kies toewijzing 'splitsbaar' of "
                "verhoog de capaciteit",
                kolom="capaciteit",
            )


def _lees_terug(
    p: Locatieprobleem, model: Locatiemodel, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Open sites and the assignment from the solution ``x``."""
    j_n = p.n_kandidaten
    open_ = x[:j_n] > 0.5
    if model.keuze.model != "capaciteit":
        j = dichtstbij(p, open_)
        i = np.arange(p.n_vraag)
        return open_, i, j, np.ones(p.n_vraag)
    w = x[model.paar_start : model.paar_start + len(model.paar_i)]
    if model.keuze.toewijzing == "enkelvoudig":
        w = np.round(w)
    neem = w > 1e-9
    ii, jj, aa = model.paar_i[neem], model.paar_j[neem], np.clip(w[neem], 0.0, 1.0)
    zonder = np.flatnonzero(p.gewicht == 0)  # no part of the model: to the nearest open site
    if len(zonder):
        ii = np.concatenate([ii, zonder])
        jj = np.concatenate([jj, dichtstbij(p, open_)[zonder]])
        aa = np.concatenate([aa, np.ones(len(zonder))])
    volgorde = np.lexsort((jj, ii))
    return open_, ii[volgorde], jj[volgorde], aa[volgorde]


def _doel(
    p: Locatieprobleem, keuze: Modelkeuze, i: np.ndarray, j: np.ndarray, a: np.ndarray
) -> float:
    """The objective recomputed from the assignment (not taken from the solver)."""
    t = p.minuten[i, j]
    if keuze.model == "dekking":
        assert keuze.limiet_min is not None
        gedekt = dekkingsmatrix(t, keuze.limiet_min)
        return float(p.gewicht[i][~gedekt] @ a[~gedekt])
    return float((p.gewicht[i] * a) @ t)


def _tweede_niveau(
    p: Locatieprobleem, eerste: Locatieuitkomst, opties: SolverOpties, t0: float
) -> Locatieuitkomst:
    """Coverage held at the first level's, least weighted travel time (a p-median level)."""
    keuze = eerste.keuze
    assert keuze.limiet_min is not None and eerste.doel is not None
    actief = p.gewicht > 0
    gedekt = float(p.gewicht[actief].sum()) - eerste.doel
    tol = 1e-9 * max(1.0, gedekt)
    pm = replace(keuze, model="pmediaan")
    model = bouw_locatiemodel(p, pm, min_gedekt=(keuze.limiet_min, gedekt - tol))
    # the first level's set, every gemeente to its nearest open site: a feasible start
    start = np.zeros(model.probleem.n_kolommen)
    start[: p.n_kandidaten] = eerste.open
    naar = dichtstbij(p, eerste.open)
    kolom = {
        (i, j): c
        for c, (i, j) in enumerate(zip(model.paar_i.tolist(), model.paar_j.tolist(), strict=True))
    }
    for g in np.flatnonzero(actief).tolist():
        start[model.paar_start + kolom[(g, int(naar[g]))]] = 1.0
    probleem = replace(model.probleem, start=start)
    rest = max(opties.tijdslimiet_s - (time.perf_counter() - t0), 0.01)
    uit = kies_backend(opties.backend).los_op(probleem, opties, rest)
    if not uit.status.heeft_oplossing or uit.x is None:
        return replace(eerste, klok=eerste.klok or uit.klok, tijd_s=time.perf_counter() - t0)
    open_ = np.asarray(uit.x[: p.n_kandidaten], dtype=float) > 0.5
    i = np.arange(p.n_vraag)
    j = dichtstbij(p, open_)
    status = eerste.status if uit.status is Status.OPTIMAAL else uit.status
    return replace(
        eerste,
        open=open_,
        toewijs_i=i,
        toewijs_j=j,
        aandeel=np.ones(p.n_vraag),
        doel=_doel(p, keuze, i, j, np.ones(p.n_vraag)),
        status=status,
        klok=eerste.klok or uit.klok,
        tijd_s=time.perf_counter() - t0,
        n_kolommen=eerste.n_kolommen + model.probleem.n_kolommen,
        n_rijen=eerste.n_rijen + model.probleem.n_rijen,
    )


def _los(
    p: Locatieprobleem,
    keuze: Modelkeuze,
    opties: SolverOpties,
    vast_open: np.ndarray | None,
) -> Locatieuitkomst:
    t0 = time.perf_counter()
    model = bouw_locatiemodel(p, keuze, vast_open=vast_open)
    uit = kies_backend(opties.backend).los_op(model.probleem, opties, opties.tijdslimiet_s)
    leeg = np.zeros(0, dtype=np.int64)
    basis = {
        "keuze": keuze,
        "tijd_s": 0.0,
        "solver": uit.solver,
        "klok": uit.klok,
        "n_kolommen": model.probleem.n_kolommen,
        "n_rijen": model.probleem.n_rijen,
        "kandidaat_ids": p.kandidaat_ids,
    }
    if not uit.status.heeft_oplossing or uit.x is None:
        if uit.status is not Status.ONHAALBAAR:
            raise SolverFout(
                f"de solver vond binnen de tijdslimiet geen oplossing ({uit.status.value}, "
                f"{uit.bericht}); verhoog --tijdslimiet"
            )
        open_ = np.zeros(p.n_kandidaten, dtype=bool)
        if vast_open is not None:
            open_[vast_open] = True
        return Locatieuitkomst(
            open=open_,
            toewijs_i=leeg,
            toewijs_j=leeg,
            aandeel=np.zeros(0),
            doel=None,
            grens=None,
            gap=None,
            status=Status.ONHAALBAAR,
            **{**basis, "tijd_s": time.perf_counter() - t0},  # type: ignore[arg-type]
        )
    open_, i, j, a = _lees_terug(p, model, np.asarray(uit.x, dtype=float))
    doel = _doel(p, keuze, i, j, a)
    grens = None if uit.grens is None else float(uit.grens) + model.constante
    eerste = Locatieuitkomst(
        open=open_,
        toewijs_i=i,
        toewijs_j=j,
        aandeel=a,
        doel=doel,
        grens=grens,
        gap=uit.gap,
        status=uit.status,
        **{**basis, "tijd_s": time.perf_counter() - t0},  # type: ignore[arg-type]
    )
    if keuze.model == "dekking" and keuze.tweede_niveau and vast_open is None:
        return _tweede_niveau(p, eerste, opties, t0)
    return eerste


def kies_locaties(
    p: Locatieprobleem, keuze: Modelkeuze, *, opties: SolverOpties | None = None
) -> Locatieuitkomst:
    """Choose ``keuze.k`` sites (fixed ones included) optimally under ``keuze.model``.

    Raises
    ------
    InvoerFout
        When the instance is infeasible for a reason visible before solving (too
        few candidates, too many fixed sites, too little capacity), or when the
        solver proves it infeasible (single sourcing that no set can pack).
    SolverFout
        When the solver finds no solution within the time limit.
    """
    _controleer(p, keuze)
    u = _los(p, keuze, opties or STANDAARD_OPTIES, None)
    if u.status is Status.ONHAALBAAR:
        raise InvoerFout(
            f"geen keuze van {keuze.k} locaties kan alle vraag bedienen binnen de capaciteiten "
            "(de solver bewijst het); verhoog k of de capaciteiten, of kies toewijzing "
            "'splitsbaar'",
            kolom="capaciteit",
        )
    return u


def evalueer_locaties(
    p: Locatieprobleem,
    keuze: Modelkeuze,
    ids: list[str] | tuple[str, ...],
    *,
    opties: SolverOpties | None = None,
    bron: str = "--vergelijk",
) -> Locatieuitkomst:
    """The given set of sites under the same model: assignment and figures.

    ``k`` is the number of given sites. A capacitated set that cannot serve
    all demand gives `Status.ONHAALBAAR` (no error: it is a finding).
    """
    pos = p.posities(list(ids), bron=bron, kolom="locatie_id")
    if not len(pos):
        raise InvoerFout("lege vergelijkingsset; noem minstens één locatie", bestand=bron)
    return _los(p, keuze, opties or STANDAARD_OPTIES, pos)
