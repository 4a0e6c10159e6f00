"""The three location models as one sparse MIP each (`bouw_locatiemodel`).

Columns: ``open[j]`` (binary, one per candidate site) first, then the model's
own family. Rows are named families, built as coordinate arrays at once
(no Python object per coefficient). Pairs that can never be used are not
created ("absence is first-class"); each such pruning is exact:

- ``pmediaan`` (p-median): ``toewijs[i, j]`` in ``[0, 1]`` (continuous: with
  open sites integral, sending every gemeente to its nearest open site is
  optimal, so the LP in ``toewijs`` has an integral optimum); rows ``toewijs``
  (``sum_j toewijs[i, j] = 1``), ``koppel`` (``toewijs[i, j] <= open[j]``),
  ``aantal`` (``sum_j open[j] = k``). Pairs farther than a fixed-open site of
  the same gemeente are dropped: the fixed site is always at least as near.
- ``capaciteit`` (capacitated facility location): as ``pmediaan`` plus the rows
  ``capaciteit`` (``sum_i w_i toewijs[i, j] <= cap_j open[j]``); ``toewijs`` is
  binary with single sourcing (every gemeente to one site), continuous when the
  demand may be split. Single sourcing drops pairs whose demand alone exceeds the
  site's capacity.
- ``dekking`` (maximal coverage): ``onbedekt[i]`` in ``[0, 1]`` (continuous:
  with integral ``open`` the optimum is integral) and rows ``dekking``
  (``onbedekt[i] + sum_{j: t_ij <= S} open[j] >= 1``); minimise the uncovered
  demand. A gemeente with no site within the limit is uncovered whatever is
  chosen: a constant, not a column. A gemeente that a fixed-open site covers is
  covered whatever is chosen: no row either.

Every model has ``sum_j open[j] = k`` and the fixed sites' lower bound 1. Demand
points of weight 0 take part in no model (they change nothing); the decoder
sends them to their nearest open site like the others.

Examples
--------
>>> import numpy as np
>>> from allocatie.locaties.probleem import Locatieprobleem, Modelkeuze
>>> p = Locatieprobleem(("GM0001", "GM0002"), ("A", "B"), np.array([10.0, 5.0]),
...     ("L1", "L2"), ("A", "B"), ("GM0001", "GM0002"),
...     np.array([[5.0, 30.0], [30.0, 5.0]]))
>>> m = bouw_locatiemodel(p, Modelkeuze("pmediaan", k=1))
>>> m.probleem.n_kolommen, m.probleem.n_rijen  # 2 open + 4 toewijs; 2 + 4 + 1 rows
(6, 7)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from allocatie.locaties.probleem import Locatieprobleem, Modelkeuze
from allocatie.solvers.base import MipProbleem

__all__ = ["Locatiemodel", "bouw_locatiemodel", "dekkingsmatrix"]

#: Tolerance (minutes) of "within the limit": a time equal to the limit counts as covered.
LIMIET_TOL = 1e-9


@dataclass(frozen=True)
class Locatiemodel:
    """A built model: the solver's arrays and how to read a solution back.

    Attributes
    ----------
    probleem
        The MIP (minimisation).
    keuze
        The model and its parameters.
    paar_i, paar_j
        Demand point and site of every ``toewijs`` column (empty for ``dekking``).
    paar_start
        Column of the first ``toewijs`` (or ``onbedekt``) column.
    dek_i
        Demand point of every ``onbedekt`` column (``dekking`` only).
    constante
        Objective constant (demand that can never be covered, ``dekking``).
    rijfamilies
        Name and row count of each constraint family, in order.
    """

    probleem: MipProbleem
    keuze: Modelkeuze
    paar_i: np.ndarray
    paar_j: np.ndarray
    paar_start: int
    dek_i: np.ndarray
    constante: float
    rijfamilies: tuple[tuple[str, int], ...]


def dekkingsmatrix(minuten: np.ndarray, limiet_min: float) -> np.ndarray:
    """Boolean ``(I, J)``: site ``j`` lies within the limit of demand point ``i``.

    Examples
    --------
    >>> dekkingsmatrix(np.array([[10.0, 30.0]]), 30.0).tolist()
    [[True, True]]
    """
    return np.asarray(minuten, dtype=float) <= float(limiet_min) + LIMIET_TOL


def _open_grenzen(
    p: Locatieprobleem, vast_open: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of ``open``: fixed sites at 1; with ``vast_open`` exactly that set (an evaluation)."""
    onder = p.vast.astype(float)
    boven = np.ones(p.n_kandidaten)
    if vast_open is not None:
        onder = np.zeros(p.n_kandidaten)
        onder[vast_open] = 1.0
        boven = onder.copy()
    return onder, boven


def _paren(
    p: Locatieprobleem,
    keuze: Modelkeuze,
    actief: np.ndarray,
    onder: np.ndarray,
    boven: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Demand point and site of every assignment column that may be used (exact pruning)."""
    t = p.minuten[actief]
    # a site that can never open (upper bound 0 in an evaluation) gets no pairs
    mag = np.broadcast_to(boven > 0.5, t.shape).copy()
    vast = np.flatnonzero(onder > 0.5)
    if keuze.model == "pmediaan" and len(vast):
        # never farther than the nearest site that is open anyway
        dichtst_vast = t[:, vast].min(axis=1)
        mag &= t <= dichtst_vast[:, None]
    if keuze.model == "capaciteit" and keuze.toewijzing == "enkelvoudig":
        mag &= p.gewicht[actief][:, None] <= p.capaciteit[None, :] + 1e-9
    ii, jj = np.nonzero(mag)
    return actief[ii], jj


def bouw_locatiemodel(
    p: Locatieprobleem,
    keuze: Modelkeuze,
    *,
    vast_open: np.ndarray | None = None,
    min_gedekt: tuple[float, float] | None = None,
) -> Locatiemodel:
    """The MIP of ``keuze`` on ``p``.

    With ``min_gedekt = (S, C)`` a ``pmediaan`` model gets the row ``gedekt``:
    the demand assigned within ``S`` minutes is at least ``C`` (the second level
    of the coverage model; assigning every gemeente to its nearest open site
    still is optimal, and covers a gemeente exactly when any open site does).

    Parameters
    ----------
    p
        The problem.
    keuze
        The model, ``k``, the limit and (capacitated) the assignment rule.
    vast_open
        Positions of exactly the open sites (an evaluation of a given set; ``k``
        is then their number); None: the model chooses ``keuze.k`` sites.
    """
    j_n = p.n_kandidaten
    k = keuze.k if vast_open is None else len(vast_open)
    o_onder, o_boven = _open_grenzen(p, vast_open)
    actief = np.flatnonzero(p.gewicht > 0)
    rij_i: list[np.ndarray] = []
    rij_k: list[np.ndarray] = []
    rij_v: list[np.ndarray] = []
    onder: list[np.ndarray] = []
    boven: list[np.ndarray] = []
    families: list[tuple[str, int]] = []
    n_rij = 0

    def familie(naam: str, i: np.ndarray, kol: np.ndarray, v: np.ndarray, lo, hi, n: int) -> None:  # type: ignore[no-untyped-def]
        nonlocal n_rij
        rij_i.append(i + n_rij)
        rij_k.append(kol)
        rij_v.append(v)
        onder.append(np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy())
        boven.append(np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())
        families.append((naam, n))
        n_rij += n

    constante = 0.0
    leeg = np.zeros(0, dtype=np.int64)
    if keuze.model == "dekking":
        assert keuze.limiet_min is not None
        dek = dekkingsmatrix(p.minuten[actief], keuze.limiet_min)
        nooit = ~dek.any(axis=1)
        altijd = dek[:, o_onder > 0.5].any(axis=1)
        constante = float(p.gewicht[actief][nooit].sum())
        rijen = np.flatnonzero(~nooit & ~altijd)
        dek_i = actief[rijen]
        m = len(rijen)
        kol_c = np.concatenate([o_onder * 0.0, p.gewicht[dek_i]])
        k_onder = np.concatenate([o_onder, np.zeros(m)])
        k_boven = np.concatenate([o_boven, np.ones(m)])
        geheel = np.concatenate([np.ones(j_n, dtype=bool), np.zeros(m, dtype=bool)])
        ri, rj = np.nonzero(dek[rijen])
        familie(
            "dekking",
            np.concatenate([np.arange(m), ri]),
            np.concatenate([j_n + np.arange(m), rj]),
            np.ones(m + len(ri)),
            1.0,
            np.inf,
            m,
        )
        paar_i = paar_j = leeg
    else:
        paar_i, paar_j = _paren(p, keuze, actief, o_onder, o_boven)
        n_paar = len(paar_i)
        dek_i = leeg
        kol = j_n + np.arange(n_paar)
        kol_c = np.concatenate([np.zeros(j_n), p.gewicht[paar_i] * p.minuten[paar_i, paar_j]])
        k_onder = np.concatenate([o_onder, np.zeros(n_paar)])
        k_boven = np.concatenate([o_boven, np.ones(n_paar)])
        enkel = keuze.model == "capaciteit" and keuze.toewijzing == "enkelvoudig"
        geheel = np.concatenate([np.ones(j_n, dtype=bool), np.full(n_paar, enkel)])
        # toewijs: every active demand point exactly once (a point without pairs: infeasible)
        pos = np.full(p.n_vraag, -1, dtype=np.int64)
        pos[actief] = np.arange(len(actief))
        familie("toewijs", pos[paar_i], kol, np.ones(n_paar), 1.0, 1.0, len(actief))
        # koppel: toewijs[i, j] <= open[j]
        r = np.arange(n_paar)
        familie(
            "koppel",
            np.concatenate([r, r]),
            np.concatenate([kol, paar_j]),
            np.concatenate([np.ones(n_paar), -np.ones(n_paar)]),
            -np.inf,
            0.0,
            n_paar,
        )
        if keuze.model == "capaciteit":
            begrensd = np.flatnonzero(np.isfinite(p.capaciteit))
            rpos = np.full(j_n, -1, dtype=np.int64)
            rpos[begrensd] = np.arange(len(begrensd))
            sel = rpos[paar_j] >= 0
            familie(
                "capaciteit",
                np.concatenate([rpos[paar_j][sel], np.arange(len(begrensd))]),
                np.concatenate([kol[sel], begrensd]),
                np.concatenate([p.gewicht[paar_i][sel], -p.capaciteit[begrensd]]),
                -np.inf,
                0.0,
                len(begrensd),
            )
    if min_gedekt is not None and keuze.model == "pmediaan":
        limiet, gedekt = min_gedekt
        binnen = np.flatnonzero(dekkingsmatrix(p.minuten[paar_i, paar_j][:, None], limiet)[:, 0])
        familie(
            "gedekt",
            np.zeros(len(binnen), dtype=np.int64),
            j_n + binnen,
            p.gewicht[paar_i[binnen]],
            gedekt,
            np.inf,
            1,
        )
    familie(
        "aantal", np.zeros(j_n, dtype=np.int64), np.arange(j_n), np.ones(j_n), float(k), float(k), 1
    )
    n_kol = len(kol_c)
    A = sp.csr_array(
        (np.concatenate(rij_v), (np.concatenate(rij_i), np.concatenate(rij_k))),
        shape=(n_rij, n_kol),
    )
    A.sum_duplicates()
    probleem = MipProbleem(
        c=kol_c.astype(float),
        A=A,
        rij_onder=np.concatenate(onder),
        rij_boven=np.concatenate(boven),
        kol_onder=k_onder,
        kol_boven=k_boven,
        geheel=geheel,
    )
    return Locatiemodel(
        probleem=probleem,
        keuze=keuze,
        paar_i=paar_i,
        paar_j=paar_j,
        paar_start=j_n,
        dek_i=dek_i,
        constante=constante,
        rijfamilies=tuple(families),
    )
