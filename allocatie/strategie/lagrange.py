"""Bounds from blocks: relax the rows that link gemeenten, solve one small MIP per block.

Most rows of a level belong to one gemeente (the capacity rows of its options, its
need and fairness rows) or to one region (regiocapaciteit). Two kinds link them
all: the ``assign`` row of each household type (the type may live in many
gemeenten) and the rows that hold the previous levels (sums over all gemeenten).
Relaxing those *linking* rows ``R`` with multipliers ``y`` gives, for every ``y``
of the right sign (``y_r >= 0`` where row ``r`` is held from below, ``<= 0`` from
above),

    L(y) = sum_r y_r b_r + sum_blocks min { (c - A_R^T y)_B x_B : x_B feasible in block B }

a lower bound of the level (weak duality): each block is a small MIP of its own.
With the LP's optimal duals the blocks' LPs add up to the LP bound exactly, so
L(y) is at least the LP bound, and more where a block's integer optimum lies
above its LP optimum (knapsack-like capacity rows; national round nf-02, kosten:
LP 24,220.1, L 24,250.7, best 24,384.1 - the gap from 0.67% to 0.55% for 342
block MIPs of at most 2,000 columns).

Every step is exact or safe: a row with one column is a bound of that column; a
continuous column of cost 0 outside the linking rows (the level variables of the
min-max levels, shared by all gemeenten) is copied into every block that uses it,
which only relaxes; a block's bound is its MIP's proven dual bound (valid also
when its node limit stops it), and one block without a bound gives no bound at
all. The work is deterministic: the number of block MIPs, each with a node limit.

A min-max level (`minmax_blokgrens`) shares its value ``z`` over all blocks: with
the linking rows relaxed (multipliers 0) and only ``zmax``/``omax`` copied into
each block, the level is at least the *largest* block optimum, a bound where
whole households cannot fill a gemeente the way the LP's fractions do.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from allocatie.model.bouw import AllocatieModel
from allocatie.solvers.base import Backend, MipProbleem, SolverOpties, Status
from allocatie.strategie.deelmip import los_deel
from allocatie.strategie.vangnet import Vangnet

log = logging.getLogger(__name__)

#: Multipliers smaller than this are taken as zero (LP round-off).
NUL = 1e-12


@dataclass(frozen=True)
class LagrangeGrens:
    """The bound and what it took; ``drager``: the columns some block's solution uses
    (`minmax_blokgrens`), None where not kept."""

    grens: float
    blokken: int
    grootste_blok: int
    drager: np.ndarray | None = None


def koppelrijen(model: AllocatieModel, n_rijen: int) -> np.ndarray:
    """The linking rows of a level of ``model``: ``assign`` and the held levels."""
    koppel = np.zeros(n_rijen, dtype=bool)
    koppel[model.rijen["assign"]] = True
    koppel[model.A.shape[0] :] = True
    return koppel


def _enkele_rijen_als_grenzen(
    A: sp.csr_array, p: MipProbleem
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column bounds tightened by the rows with one non-zero; the mask of those rows."""
    onder, boven = p.kol_onder.astype(float), p.kol_boven.astype(float)
    enkel = np.diff(A.indptr) == 1
    for r in np.flatnonzero(enkel).tolist():
        j, a = int(A.indices[A.indptr[r]]), float(A.data[A.indptr[r]])
        lo, hi = p.rij_onder[r] / a, p.rij_boven[r] / a
        if a < 0:
            lo, hi = hi, lo
        onder[j], boven[j] = max(onder[j], lo), min(boven[j], hi)
    # An integer column takes whole values only.
    geheel = p.geheel
    onder[geheel] = np.ceil(onder[geheel] - 1e-9)
    boven[geheel] = np.floor(boven[geheel] + 1e-9)
    return onder, boven, enkel


def _vermenigvuldigers(
    y: np.ndarray, p: MipProbleem, koppel: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The multipliers of the linking rows with a valid sign, and the side each one prices."""
    y = np.where(koppel & (np.abs(y) > NUL), y, 0.0)
    # y > 0 prices the lower side (a_r x >= b_r), y < 0 the upper side.
    y = np.where((y > 0) & ~np.isfinite(p.rij_onder), 0.0, y)
    y = np.where((y < 0) & ~np.isfinite(p.rij_boven), 0.0, y)
    kant = np.where(y > 0, p.rij_onder, np.where(y < 0, p.rij_boven, 0.0))
    return y, kant


def _blokken(
    p: MipProbleem,
    koppel: np.ndarray,
    c: np.ndarray,
    onder: np.ndarray,
    boven: np.ndarray,
    enkel: np.ndarray,
    blok_max: int,
    gedeeld: np.ndarray | None = None,
) -> tuple[float, list[tuple[MipProbleem, np.ndarray]], int] | None:
    """The blocks of ``p`` with the rows ``koppel`` relaxed, each a MIP with costs ``c``.

    Returns the value of the columns in no remaining row (each at its cheapest bound),
    per block its MIP and its columns (in ``p``), and the size of the largest block;
    None when such a column would be unbounded or a block has more than ``blok_max``
    columns (the decomposition would not pay). The columns ``gedeeld`` (default: the
    continuous columns of cost 0 outside the linking rows) are copied into every block
    that uses them, which only relaxes.
    """
    A = sp.csr_array(p.A)
    # Rows that stay: the multi-column rows outside the linking ones.
    blokrij = ~koppel & (np.diff(A.indptr) > 1)
    Ab = sp.csc_array(A[np.flatnonzero(blokrij)])
    in_koppel = np.zeros(A.shape[1], dtype=bool)
    in_koppel[A[np.flatnonzero(koppel & ~enkel)].indices] = True
    if gedeeld is None:
        gedeeld = ~p.geheel & (c == 0) & ~in_koppel
    gedeeld = gedeeld & (np.diff(Ab.indptr) > 0)
    eigen = np.flatnonzero(~gedeeld)
    Ae = sp.csr_array(Ab[:, eigen])
    n_r = Ae.shape[0]
    graaf = sp.bmat([[None, Ae], [Ae.T, None]], format="csr")
    _, label = connected_components(graaf, directed=False)
    rijlabel, kollabel = label[:n_r], label[n_r:]
    # Columns in no remaining row: each at its cheapest bound.
    los = eigen[np.isin(kollabel, rijlabel, invert=True)]
    cl = c[los]
    nodig = np.where(cl > 0, onder[los], np.where(cl < 0, boven[los], 0.0))
    if not np.all(np.isfinite(nodig)):
        return None
    rijen_b = np.flatnonzero(blokrij)
    Abr = sp.csr_array(Ab)
    blokken = np.unique(rijlabel)
    # Rows and columns sorted by block; each block's run by its label's first and last.
    volg_r = np.argsort(rijlabel, kind="stable")
    volg_k = np.argsort(kollabel, kind="stable")
    rij_van = np.searchsorted(rijlabel[volg_r], blokken, side="left")
    rij_tot = np.searchsorted(rijlabel[volg_r], blokken, side="right")
    kol_van = np.searchsorted(kollabel[volg_k], blokken, side="left")
    kol_tot = np.searchsorted(kollabel[volg_k], blokken, side="right")
    gedeeld_idx = np.flatnonzero(gedeeld)
    Ag = sp.csr_array(Abr[:, gedeeld_idx])
    uit = []
    for b in range(len(blokken)):
        r = volg_r[rij_van[b] : rij_tot[b]]
        k = eigen[volg_k[kol_van[b] : kol_tot[b]]]
        kopie = gedeeld_idx[np.unique(Ag[r].indices)] if len(gedeeld_idx) else gedeeld_idx
        kols = np.concatenate([k, kopie])
        rij_abs = rijen_b[r]
        deel = MipProbleem(
            c=c[kols],
            A=sp.csr_array(Abr[r][:, kols]),
            rij_onder=p.rij_onder[rij_abs],
            rij_boven=p.rij_boven[rij_abs],
            kol_onder=onder[kols],
            kol_boven=boven[kols],
            geheel=p.geheel[kols],
        )
        uit.append((deel, kols))
    grootste = max((len(k) for _, k in uit), default=0)
    if grootste > blok_max:
        log.info("Blokken: een blok van %d kolommen, te groot; geen grens", grootste)
        return None
    return float(cl @ nodig), uit, grootste


def lagrange_grens(
    backend: Backend,
    p: MipProbleem,
    rijduaal: np.ndarray,
    koppel: np.ndarray,
    opties: SolverOpties,
    net: Vangnet,
    *,
    knopen: int,
    blok_max: int,
) -> LagrangeGrens | None:
    """The Lagrangian bound ``L(y)`` of ``p`` for the row duals ``rijduaal`` (see the module).

    ``koppel`` marks the linking rows (relaxed). None when there is no bound: a
    block larger than ``blok_max`` columns (the decomposition would not pay), a
    column that would be unbounded, a block MIP without a dual bound, or the
    safety net reached (then the net has counted the cut).
    """
    A = sp.csr_array(p.A)
    if rijduaal.shape[0] != A.shape[0] or koppel.shape[0] != A.shape[0]:
        return None
    onder, boven, enkel = _enkele_rijen_als_grenzen(A, p)
    if np.any(onder > boven + 1e-9):
        return None
    y, kant = _vermenigvuldigers(rijduaal, p, koppel & ~enkel)
    indeling = _blokken(p, koppel, p.c - A.T @ y, onder, boven, enkel, blok_max)
    if indeling is None:
        return None
    los, blokken, grootste = indeling
    termen = [float(y @ kant), los]
    precies = replace(opties, gap_relatief=1e-6)
    for b, (deel, _) in enumerate(blokken):
        if net.voorbij():
            return None
        uit = los_deel(backend, deel, precies, net.rest(), knopen=knopen)
        if uit.grens is None or not np.isfinite(uit.grens):
            log.info("Lagrange-grens: blok %d zonder grens (%s)", b, uit.bericht)
            return None
        termen.append(float(uit.grens))
    return LagrangeGrens(math.fsum(termen), len(blokken), grootste)


def minmax_kolommen(model: AllocatieModel, n_kolommen: int) -> np.ndarray:
    """Mask of the min-max level columns of ``model`` (``zmax``, ``omax``): each is shared
    by the rows of every gemeente, so `minmax_blokgrens` copies it into every block."""
    gedeeld = np.zeros(n_kolommen, dtype=bool)
    for fam in ("zmax", "omax"):
        if fam in model.kolommen:
            gedeeld[model.kolommen[fam]] = True
    return gedeeld


def minmax_blokgrens(
    backend: Backend,
    p: MipProbleem,
    koppel: np.ndarray,
    gedeeld: np.ndarray,
    z: int,
    opties: SolverOpties,
    net: Vangnet,
    *,
    knopen: int,
    blok_max: int,
) -> LagrangeGrens | None:
    """A bound of the min-max level ``p`` (minimise the column ``z``) from its blocks alone.

    With the linking rows ``koppel`` relaxed, every block (a gemeente, or a region
    with regiocapaciteit) is a min-max MIP of its own, the min-max level columns
    ``gedeeld`` (`minmax_kolommen`; ``z`` among them) copied into each: any solution
    of ``p``, restricted to a block, is feasible there with the same ``z``, so ``z``
    is at least every block's optimum, i.e. at least their *maximum* (not a sum:
    ``z`` is shared). A block often cannot reach the LP's ratio in whole households
    of the sizes that may live there (national family, overvulling: nf-06 LP bound
    0, blocks 1/3; nf-04 LP 0.0633, blocks 0.1304; both the best value found; 3 s
    for 342 blocks). A block without a point proves ``p`` infeasible (bound +inf).
    The bound is each block MIP's proven dual bound (valid when its node limit stops
    it). None when there is no bound (a block larger than ``blok_max``, an unbounded
    column, the safety net reached).
    """
    A = sp.csr_array(p.A)
    if koppel.shape[0] != A.shape[0]:
        return None
    onder, boven, enkel = _enkele_rijen_als_grenzen(A, p)
    if np.any(onder > boven + 1e-9):
        return LagrangeGrens(np.inf, 0, 0)
    if not gedeeld[z]:
        raise ValueError("de niveaukolom z hoort bij de gedeelde kolommen")
    indeling = _blokken(p, koppel, p.c, onder, boven, enkel, blok_max, gedeeld)
    if indeling is None:
        return None
    _, blokken, grootste = indeling
    precies = replace(opties, gap_relatief=1e-6)
    grens = float(onder[z])
    drager = np.zeros(A.shape[1], dtype=bool)
    for deel, kols in blokken:
        if not deel.c.any():
            continue  # a block without the level column bounds nothing
        if net.voorbij():
            return None
        uit = los_deel(backend, deel, precies, net.rest(), knopen=knopen)
        if uit.status is Status.ONHAALBAAR:
            return LagrangeGrens(np.inf, len(blokken), grootste)
        if uit.grens is not None and np.isfinite(uit.grens):
            grens = max(grens, float(uit.grens))
        if uit.x is not None:
            drager[kols[uit.x > 1e-6]] = True
    return LagrangeGrens(grens, len(blokken), grootste, drager)
