"""The problem of one level and its sub-MIPs: holding earlier levels, targets, neighbourhoods."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from allocatie.model.bouw import AllocatieModel
from allocatie.model.minmax import MinMax
from allocatie.ronde.presets import Doel
from allocatie.solvers.base import WERKLIMIET, Backend, BackendUitkomst, MipProbleem, SolverOpties

log = logging.getLogger(__name__)


#: Levels solved with ``tekort`` and ``over`` continuous (see `niveauprobleem`).
ZONDER_GEHEEL_TEKORT = ("onbediend", "tekort", "eerlijkheid")


#: The fewest nodes a sub-MIP with a ``knoopwerk`` budget gets, however wide.
KNOPEN_MIN = 10


def budget(rest: float, later: int, aandeel: float) -> float:
    """Seconds for one level when ``later`` levels still follow it (backends without LP)."""
    return rest / (1.0 + aandeel * later)


def niveauprobleem(
    model: AllocatieModel,
    c: np.ndarray,
    A: sp.csr_array,
    onder: np.ndarray,
    boven: np.ndarray,
    start: np.ndarray | None,
    naam: str = "",
    kol_boven: np.ndarray | None = None,
    kol_onder: np.ndarray | None = None,
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
        kol_onder=model.kol_onder if kol_onder is None else kol_onder,
        kol_boven=model.kol_boven if kol_boven is None else kol_boven,
        geheel=geheel,
        start=start,
    )


def vrije_nnz(probleem: MipProbleem) -> int:
    """The non-zeros of ``probleem`` in columns that are not fixed (what a solve sees:
    `los_deel` takes fixed columns out, an LP with many of them is presolved)."""
    vast = probleem.kol_onder == probleem.kol_boven
    return int(np.count_nonzero(~vast[probleem.A.indices]))


def doelwaarde(grens: float, gap: float) -> float:
    """The largest value within ``gap`` of the bound ``grens`` (see `relatieve_gap`)."""
    kandidaten = [grens + gap] if grens + gap <= 1.0 else []
    if gap < 1.0 and grens / (1.0 - gap) >= 1.0:
        kandidaten.append(grens / (1.0 - gap))
    w = max(kandidaten, default=grens)
    return w - 1e-9 * max(1.0, abs(w))


def type_van(A: sp.csr_array, kolommen_x: slice) -> np.ndarray:
    """Per count column: its type (the first row of the column is the type's ``assign`` row)."""
    ax = sp.csc_array(A[:, kolommen_x])
    return ax.indices[ax.indptr[:-1]]


def goedkoopste(sleutel: np.ndarray, kolommen_x: slice, typ: np.ndarray, k: int) -> np.ndarray:
    """Mask over all columns: per type the ``k`` count columns of smallest ``sleutel``."""
    xs = np.arange(kolommen_x.start, kolommen_x.stop)
    volg = np.lexsort((sleutel[xs], typ))
    rang = np.arange(len(xs)) - np.searchsorted(typ[volg], typ[volg])
    masker = np.zeros(len(sleutel), dtype=bool)
    masker[xs[volg[rang < k]]] = True
    return masker


def los_deel(
    backend: Backend,
    probleem: MipProbleem,
    opties: SolverOpties,
    tijd: float,
    afbreken: threading.Event | None = None,
    *,
    knopen: int | None = None,
    knoopwerk: int | None = None,
) -> BackendUitkomst:
    """Solve a sub-MIP with most columns fixed (RENS, a neighbourhood) on its free columns only.

    The fixed columns (lower bound = upper bound) are taken out and their part
    moved into the row bounds; rows left without a free column drop out (their
    value is fixed). HiGHS's presolve otherwise spends its time removing them:
    national round, neighbourhoods of 8-40 thousand free among 280 thousand
    columns 1.0-2.0 s instead of 1.7-3.4 s; overvulling reached 0.25 in 7 s where
    the full-width sub-MIP stopped at 0.26 or 2.4 after 14 s (two seeds).
    ``afbreken``: stop as soon as another thread sets it (HiGHS). ``knopen``: the
    work limit in branch-and-bound nodes, for a backend that has one (`WERKLIMIET`);
    ``knoopwerk``: a budget in nodes times free columns, so that a wide sub-MIP
    gets fewer nodes than a narrow one (a node costs an LP of its size), never
    fewer than `KNOPEN_MIN` and never more than ``knopen``.
    """

    def los(p: MipProbleem) -> BackendUitkomst:
        extra: dict[str, Any] = {}
        if afbreken is not None:
            extra["afbreken"] = afbreken
        grens = knopen
        if knoopwerk is not None:
            naar_maat = max(KNOPEN_MIN, knoopwerk // max(1, p.n_kolommen))
            grens = naar_maat if grens is None else min(grens, naar_maat)
        if grens is not None and WERKLIMIET in getattr(backend, "vermogens", ()):
            extra["knopen"] = grens
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


def deelprobleem(probleem: MipProbleem, Ac: sp.csc_array, kols: np.ndarray) -> MipProbleem:
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


def houd_vast(
    A: sp.csr_array, onder: np.ndarray, boven: np.ndarray, c: np.ndarray, grens: float
) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Append the row ``c·v <= grens``."""
    rij = sp.csr_array(c.reshape(1, -1))
    return (
        sp.vstack([A, rij], format="csr"),
        np.append(onder, -np.inf),
        np.append(boven, grens),
    )


def houd_minmax(
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


def houdwaarde(doel: Doel, waarde: float) -> float:
    """The value a level is held at after reaching ``waarde``: plus the preset's tolerance.

    A tiny slack on top keeps the held level feasible despite solver round-off.
    """
    houd = waarde + max(doel.tolerantie_absoluut, doel.tolerantie_relatief * abs(waarde))
    return houd + 1e-6 * max(1.0, abs(waarde))


def hele_kolommen(model: AllocatieModel) -> np.ndarray:
    """The columns that take whole values at every normalised solution.

    The integer columns, ``onbediend`` (a type's size minus its integer counts)
    and ``tekort`` and ``over`` (whole persons after `normaliseer`).
    """
    heel = model.geheel.copy()
    for fam in ("onbediend", "tekort", "over"):
        if fam in model.kolommen:
            heel[model.kolommen[fam]] = True
    return heel


def gehele_waarde(model: AllocatieModel, c: np.ndarray) -> bool:
    """Whether the level ``c`` takes whole values at every normalised solution.

    True when it weighs only integer columns, ``onbediend`` (a type's size minus
    its integer counts), ``tekort`` and ``over`` (whole persons after
    `normaliseer`), with whole weights: ``onbediend`` and ``tekort`` (persons),
    ``stabiliteit`` (households).
    """
    heel = hele_kolommen(model)
    nz = c != 0
    return bool(np.all(heel[nz]) and np.all(c[nz] == np.round(c[nz])))


def verwachte_waarde(
    model: AllocatieModel, c: np.ndarray, grens: float, gap: float, mm: MinMax | None
) -> float:
    """The value a level will probably reach, from its LP bound ``grens`` (never below it).

    A whole-valued level: the bound rounded up (the national round reaches it
    on ``onbediend`` and ``tekort``). Any other: the largest value within the
    gap (a min-max level held in whole persons barely loosens with it).
    """
    if mm is None and gehele_waarde(model, c):
        return float(np.ceil(grens - 1e-6))
    return doelwaarde(grens, gap)
