"""Holding a finished level by what LP duality says about every solution within it.

A level ``c·x <= houd`` is held for the next levels. With any row duals ``y``
of the level's LP (``d = c - A^T y`` the reduced costs) every feasible x has

    c·x = g + sum_i y_i (A_i x - side_i) + sum_j d_j (x_j - bound_j)

where ``g`` is the dual bound (`duale_grens`) and every term is non-negative
(each dual sits at the side its sign selects). So ``c·x <= houd`` bounds every
term by ``ruimte = houd - g``: an integer column with ``d_j > ruimte`` cannot
leave its bound, a row of whole values (integer columns, integer coefficients)
with ``|y_i| > ruimte`` stays at its side. These tightenings are exact (no
solution within the held value is lost). When the terms that are left can add
up to at most ``ruimte`` the held row itself is implied and is left out.

That matters where a level closes at its LP bound (``ruimte`` is then only the
round-off allowance): the row ``c·x <= houd`` leaves the next LP almost no
interior, and an interior-point method with crossover then struggles (national
werk-eerst round: the third level's LP did not solve in 300 s with the held
``onbediend`` row, 20.7 s without it). Held as bounds, the same set is a
smaller LP that presolve shrinks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from allocatie.solvers.base import MipProbleem
from allocatie.strategie.lp import duale_grens

#: How far a point may lie outside a tightened bound and still count as inside (round-off).
TOLERANTIE = 1e-6

#: Slack below which a continuous column or a row of fractional values is held at its
#: bound: the same order as the solvers' feasibility tolerance.
NUMERIEK = 1e-7


@dataclass(frozen=True)
class Vlak:
    """A level held by bounds: the tightened column and row bounds of its problem.

    ``rij_nodig``: the held row ``c·x <= houd`` is still needed (the terms left
    free could exceed the room); False: the bounds imply it.
    """

    kol_onder: np.ndarray
    kol_boven: np.ndarray
    rij_onder: np.ndarray
    rij_boven: np.ndarray
    rij_nodig: bool
    kolommen_vast: int
    rijen_vast: int
    ruimte: float
    rest: float


def hele_rijen(A: sp.csr_array, geheel: np.ndarray) -> np.ndarray:
    """Per row: whether ``A_i x`` is whole at every solution (whole columns and coefficients)."""
    rij_van = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    fout = ~(geheel[A.indices] & (A.data == np.round(A.data)))
    return np.bincount(rij_van, weights=fout, minlength=A.shape[0]) == 0


# Infinite bounds give inf - inf in branches that np.where then leaves unused.
@np.errstate(invalid="ignore", divide="ignore")
def houd_vlak(
    p: MipProbleem, y: np.ndarray, v: np.ndarray, houd: float, geheel: np.ndarray
) -> Vlak | None:
    """The level ``p.c·x <= houd`` as bounds from the LP row duals ``y`` (see the module).

    ``geheel``: the columns that take whole values at every solution that counts
    (`hele_kolommen`: also ``onbediend``, ``tekort`` and ``over``, which are
    continuous in some levels' MIPs). ``v`` is the level's (normalised) solution:
    every tightening keeps it (one it would cut, by round-off in the duals, is
    left out and counted in the rest). None: the duals give no finite bound or
    no room (``houd`` below the bound).
    """
    g, y, d = duale_grens(p, y, nul=0.0)
    ruimte = houd - g
    if not np.isfinite(ruimte) or ruimte < 0:
        return None
    lo, hi = p.kol_onder.copy(), p.kol_boven.copy()
    stap = np.where(d != 0, ruimte / np.abs(d), np.inf)
    # Columns: x_j - l_j <= ruimte / d_j (d_j > 0), u_j - x_j <= ruimte / |d_j| (d_j < 0).
    mag = np.where(geheel, np.floor(stap + 1e-9), np.where(stap <= NUMERIEK, 0.0, np.inf))
    omhoog = (d > 0) & np.isfinite(mag)
    omlaag = (d < 0) & np.isfinite(mag)
    nieuw_hi = np.where(omhoog, np.minimum(hi, lo + mag), hi)
    nieuw_lo = np.where(omlaag, np.maximum(lo, hi - mag), lo)
    past = (v <= nieuw_hi + TOLERANTIE) & (v >= nieuw_lo - TOLERANTIE)
    hi = np.where(past, nieuw_hi, hi)
    lo = np.where(past, nieuw_lo, lo)
    # Rows: A_i x - L_i <= ruimte / y_i (y_i > 0), U_i - A_i x <= ruimte / |y_i| (y_i < 0).
    # A row of whole values also has its sides rounded inwards (a held level's
    # row ``<= 122.000122`` is ``<= 122``).
    L, U = p.rij_onder.copy(), p.rij_boven.copy()
    heel = hele_rijen(p.A, geheel | ((lo == hi) & (lo == np.round(lo))))
    L = np.where(heel, np.ceil(L - 1e-9), L)
    U = np.where(heel, np.floor(U + 1e-9), U)
    rstap = np.where(y != 0, ruimte / np.abs(y), np.inf)
    klein = ~heel & (rstap <= NUMERIEK)
    nieuw_U = np.where(
        y > 0,
        np.where(heel, np.minimum(U, np.floor(p.rij_onder + rstap + 1e-9)), U),
        U,
    )
    nieuw_L = np.where(
        y < 0,
        np.where(heel, np.maximum(L, np.ceil(p.rij_boven - rstap - 1e-9)), L),
        L,
    )
    nieuw_U = np.where((y > 0) & klein, p.rij_onder, nieuw_U)
    nieuw_L = np.where((y < 0) & klein, p.rij_boven, nieuw_L)
    Av = p.A @ v
    rpast = (Av <= nieuw_U + TOLERANTIE) & (Av >= nieuw_L - TOLERANTIE)
    U = np.where(rpast, nieuw_U, p.rij_boven)
    L = np.where(rpast, nieuw_L, p.rij_onder)
    # What the terms left can still add: each at most its dual times its range.
    kol_rest = np.where(d > 0, d * (hi - p.kol_onder), np.where(d < 0, -d * (p.kol_boven - lo), 0))
    amin, amax = _activiteit(p.A, lo, hi)
    rij_rest = np.where(
        y > 0,
        y * (np.minimum(U, amax) - p.rij_onder),
        np.where(y < 0, -y * (p.rij_boven - np.maximum(L, amin)), 0.0),
    )
    rest = float(np.sum(np.nan_to_num(kol_rest, nan=np.inf)))
    rest += float(np.sum(np.nan_to_num(rij_rest, nan=np.inf)))
    return Vlak(
        lo,
        hi,
        L,
        U,
        rij_nodig=not g + rest <= houd,
        kolommen_vast=int(np.sum((lo == hi) & (p.kol_onder != p.kol_boven))),
        rijen_vast=int(np.sum((L == U) & (p.rij_onder != p.rij_boven))),
        ruimte=ruimte,
        rest=rest,
    )


@np.errstate(invalid="ignore")
def _activiteit(A: sp.csr_array, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row the least and greatest value of ``A_i x`` within the column bounds."""
    rij_van = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    a = A.data
    kol_lo, kol_hi = lo[A.indices], hi[A.indices]
    klein = np.where(a > 0, a * kol_lo, a * kol_hi)
    groot = np.where(a > 0, a * kol_hi, a * kol_lo)
    m = A.shape[0]
    amin = np.bincount(rij_van, weights=np.where(np.isneginf(klein), 0.0, klein), minlength=m)
    amax = np.bincount(rij_van, weights=np.where(np.isposinf(groot), 0.0, groot), minlength=m)
    amin[np.bincount(rij_van, weights=np.isneginf(klein), minlength=m) > 0] = -np.inf
    amax[np.bincount(rij_van, weights=np.isposinf(groot), minlength=m) > 0] = np.inf
    return amin, amax
