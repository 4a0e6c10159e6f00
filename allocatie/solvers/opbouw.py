"""The one sparse model builder: columns in blocks, rows in named families, a CSR matrix.

Both MIPs of allocatie assemble their `allocatie.solvers.base.MipProbleem` with it:
the round model (`allocatie.model.bouw`) and the flex capacity plan
(`allocatie.planning.model.bouw`). It lives beside `MipProbleem`, the lowest layer both
may import.

Rows are collected as COO triplets ``(rij, kolom, coefficient)`` with bounds
``onder <= sum(coefficient * x[kolom]) <= boven``; a duplicate ``(rij, kolom)``
adds up. An index array may hold ``-1`` for an absent column ("absence is
first-class": a pair that may not exist is not created); `Rijenbouwer.term`
skips those entries.

Examples
--------
>>> kol = Kolombouwer()
>>> x = kol.blok((2,), hi=5.0)
>>> y = kol.blok((2,), mask=np.array([True, False]), geheel=True)
>>> x.tolist(), y.tolist(), kol.n
([0, 1], [2, -1], 3)
>>> rij = Rijenbouwer()
>>> r = rij.nieuw((2,), lo=0.0, hi=4.0, naam="som")
>>> rij.term(r, x, 1.0)
>>> rij.term(r, y, 2.0)  # y[1] is absent: no entry in row 1
>>> rij.matrix(kol.n).toarray().tolist(), rij.families
([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0]], {'som': slice(0, 2, None)})
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["Kolombouwer", "Rijenbouwer"]


class Kolombouwer:
    """Allocates blocks of columns with bounds and integrality; absent entries get -1."""

    def __init__(self) -> None:
        self.n = 0
        self._onder: list[np.ndarray] = []
        self._boven: list[np.ndarray] = []
        self._geheel: list[np.ndarray] = []

    def blok(
        self,
        vorm: tuple[int, ...],
        *,
        mask: np.ndarray | None = None,
        hi: float | np.ndarray = np.inf,
        lo: float | np.ndarray = 0.0,
        geheel: bool = False,
    ) -> np.ndarray:
        """A block of columns of shape ``vorm``, present where ``mask``; their indices (-1: absent).

        ``lo`` and ``hi`` broadcast to ``vorm``.
        """
        m = np.ones(vorm, dtype=bool) if mask is None else np.broadcast_to(mask, vorm)
        idx = np.full(vorm, -1, dtype=np.int64)
        k = int(m.sum())
        idx[m] = np.arange(self.n, self.n + k)
        self.n += k
        self._onder.append(np.broadcast_to(np.asarray(lo, dtype=float), vorm)[m].copy())
        self._boven.append(np.broadcast_to(np.asarray(hi, dtype=float), vorm)[m].copy())
        self._geheel.append(np.full(k, geheel))
        return idx

    @staticmethod
    def kosten(c: np.ndarray, idx: np.ndarray, waarde: np.ndarray | float) -> None:
        """Add ``waarde`` (broadcast) to the objective ``c`` of the present entries of ``idx``."""
        w = np.broadcast_to(np.asarray(waarde, dtype=float), idx.shape)
        m = idx >= 0
        np.add.at(c, idx[m], w[m])

    @property
    def onder(self) -> np.ndarray:
        """Lower bounds of all columns."""
        return np.concatenate(self._onder) if self._onder else np.zeros(0)

    @property
    def boven(self) -> np.ndarray:
        """Upper bounds of all columns."""
        return np.concatenate(self._boven) if self._boven else np.zeros(0)

    @property
    def geheel(self) -> np.ndarray:
        """Integrality of all columns."""
        return np.concatenate(self._geheel) if self._geheel else np.zeros(0, dtype=bool)


class Rijenbouwer:
    """Collects rows ``onder <= sum(coef * x[kolom]) <= boven`` as COO triplets.

    Attributes
    ----------
    n
        Rows so far.
    families
        Name -> slice of the rows of each named family, in the order added.
    """

    def __init__(self) -> None:
        self.n = 0
        self.families: dict[str, slice] = {}
        self._r: list[np.ndarray] = []
        self._k: list[np.ndarray] = []
        self._v: list[np.ndarray] = []
        self._onder: list[np.ndarray] = []
        self._boven: list[np.ndarray] = []

    def nieuw(
        self,
        vorm: tuple[int, ...],
        lo: np.ndarray | float,
        hi: np.ndarray | float,
        *,
        naam: str | None = None,
    ) -> np.ndarray:
        """Allocate a block of rows of shape ``vorm`` (bounds ``lo``, ``hi`` broadcast); indices."""
        k = int(np.prod(vorm))
        idx = np.arange(self.n, self.n + k).reshape(vorm)
        if naam is not None:
            self.families[naam] = slice(self.n, self.n + k)
        self.n += k
        self._onder.append(np.broadcast_to(np.asarray(lo, dtype=float), vorm).ravel().copy())
        self._boven.append(np.broadcast_to(np.asarray(hi, dtype=float), vorm).ravel().copy())
        return idx

    def term(self, rij: np.ndarray, kol: np.ndarray, coef: float | np.ndarray) -> None:
        """Add ``coef * x[kol]`` to rows ``rij`` (broadcast); entries with ``kol == -1`` skip."""
        rij, kol, w = np.broadcast_arrays(rij, kol, np.asarray(coef, dtype=float))
        m = kol >= 0
        self._r.append(rij[m].ravel())
        self._k.append(kol[m].ravel())
        self._v.append(w[m].ravel())

    def voeg_toe(
        self,
        naam: str,
        n_rijen: int,
        rij: np.ndarray,
        kol: np.ndarray,
        waarde: np.ndarray,
        onder: np.ndarray | float,
        boven: np.ndarray | float,
    ) -> None:
        """Add a whole family at once: ``n_rijen`` rows, triplets with row numbers from 0.

        Every column index must be present (no -1): this form is for families
        built from explicit triplets.
        """
        start = self.n
        self.nieuw((n_rijen,), onder, boven, naam=naam)
        self._r.append(rij.astype(np.int64) + start)
        self._k.append(kol.astype(np.int64))
        self._v.append(waarde.astype(float))

    @property
    def onder(self) -> np.ndarray:
        """Lower bounds of all rows."""
        return np.concatenate(self._onder) if self._onder else np.zeros(0)

    @property
    def boven(self) -> np.ndarray:
        """Upper bounds of all rows."""
        return np.concatenate(self._boven) if self._boven else np.zeros(0)

    def matrix(self, n_kolommen: int) -> sp.csr_array:
        """The constraint matrix (rows x ``n_kolommen``), duplicates summed."""
        leeg = np.zeros(0)
        leeg_i = np.zeros(0, dtype=np.int64)
        A = sp.coo_array(
            (
                np.concatenate(self._v) if self._v else leeg,
                (
                    np.concatenate(self._r) if self._r else leeg_i,
                    np.concatenate(self._k) if self._k else leeg_i,
                ),
            ),
            shape=(self.n, n_kolommen),
        ).tocsr()
        A.sum_duplicates()
        return A
