"""The min-max levels as per-gemeente bounds on whole persons, and tidy solution points.

The levels ``eerlijkheid`` and ``overvulling`` minimise a maximum ``z`` over
gemeenten of a ratio ``(y[g] - a[g]) / b[g]`` (rows ``y[g] - b[g] z <= a[g]``):

==============  ========  ===========  ==============  ======================
level           ``z``     ``y[g]``     ``a[g]``        ``b[g]``
==============  ========  ===========  ==============  ======================
eerlijkheid     zmax      tekort[g]    vloer[g]        opgave[g]
overvulling     omax      over[g]      0               max(1, taakstelling[g])
==============  ========  ===========  ==============  ======================

``tekort[g]`` and ``over[g]`` are whole persons in every solution that matters:
with the integer placements fixed, the ``need`` row fixes ``tekort - over`` to an
integer, and taking ``tekort = max(0, s)``, ``over = max(0, -s)`` (`normaliseer`)
only lowers both, which keeps every row and no level gets worse. So a level value
``z`` is equivalent to the integer bounds ``y[g] <= floor(a[g] + b[g] z)`` (`grenzen`),
and "strictly below ``z``" to ``y[g] <= ceil(a[g] + b[g] z) - 1`` (`strikt`). The
LP relaxation with such rounded bounds is much stronger than the row with ``z``:
on the national round (8,000 households) the LP of ``overvulling`` bounds the
level at 0.228 while the LP with the bounds "below 0.25" is infeasible, i.e. 0.25
is optimal; holding the two levels as rounded bounds lifts the LP bound of
``kosten`` from 26,538 to 26,651 (measured).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocatie.model.bouw import AllocatieModel

#: Min-max level -> (row family, column of z, column family of y).
MINMAX: dict[str, tuple[str, str, str]] = {
    "eerlijkheid": ("fair", "zmax", "tekort"),
    "overvulling": ("fair_over", "omax", "over"),
}

#: Slack on rounding: a ratio within this of an integer counts as that integer.
_EPS = 1e-7


@dataclass(frozen=True)
class MinMax:
    """One min-max level ``z >= (y[g] - a[g]) / b[g]`` over whole persons ``y[g]``.

    Attributes
    ----------
    z
        The column of the level's value (``zmax`` or ``omax``).
    y
        Per row of the family: the column of ``y[g]``.
    a, b
        Per row: the constant and the (positive) weight.
    x_rij
        Per count column ``x``: the row of its gemeente (-1: the gemeente has no row).
    """

    z: int
    y: np.ndarray
    a: np.ndarray
    b: np.ndarray
    x_rij: np.ndarray

    def ergste(self, v: np.ndarray, n: int) -> np.ndarray:
        """Mask over the count columns into the ``n`` rows (gemeenten) of largest ratio in ``v``."""
        ratio = (v[self.y] - self.a) / self.b
        rijen = np.argsort(-ratio, kind="stable")[:n]
        return np.isin(self.x_rij, rijen)

    def grenzen(self, z: float) -> np.ndarray:
        """Upper bounds of ``y`` that hold in every solution with level value ``<= z``."""
        return np.floor(self.a + self.b * z + _EPS)

    def strikt(self, z: float) -> np.ndarray:
        """Upper bounds of ``y`` for a level value strictly below ``z`` (may be negative)."""
        return np.ceil(self.a + self.b * z - _EPS) - 1.0

    def volgende(self, z: float) -> float:
        """The smallest value ``>= z`` that some gemeente's ratio takes in whole persons.

        Targets between two such values ask the same as the next one down; a
        search "at most ``volgende(z)``" therefore allows the first value a level
        can actually reach from ``z`` on.
        """
        if not len(self.y):
            return z
        return float(np.min((np.ceil(self.a + self.b * z - _EPS) - self.a) / self.b))

    def boven(self, z: float) -> float:
        """The smallest value ``> z`` that some gemeente's ratio takes in whole persons.

        If no solution has a level value ``<= z``, the level is at least this.
        """
        if not len(self.y):
            return z
        return float(np.min((np.floor(self.a + self.b * z + _EPS) + 1.0 - self.a) / self.b))

    def waarde(self, v: np.ndarray) -> float:
        """The smallest level value the ``y`` of ``v`` allow (at least 0)."""
        return float(np.max((v[self.y] - self.a) / self.b, initial=0.0))


def minmax(model: AllocatieModel, naam: str) -> MinMax | None:
    """The min-max structure of level ``naam`` of ``model``, or None for another level."""
    if naam not in MINMAX:
        return None
    familie, z_fam, y_fam = MINMAX[naam]
    rijen = model.rijen[familie]
    z = model.kolommen[z_fam].start
    blok = model.A[rijen.start : rijen.stop].tocoo()
    y_rij = blok.col != z
    y = np.full(rijen.stop - rijen.start, -1, dtype=np.int64)
    y[blok.row[y_rij]] = blok.col[y_rij]
    b = np.zeros(len(y))
    b[blok.row[~y_rij]] = -blok.data[~y_rij]
    ys = model.kolommen[y_fam]
    if (y < ys.start).any() or (y >= ys.stop).any() or (b <= 0).any():
        raise ValueError(f"rijfamilie {familie} heeft niet de vorm y - b z <= a")
    # Gemeente of each count column (its need row), then that gemeente's row here.
    need = model.rijen["need"]
    xs = model.kolommen["x"]
    nb = model.A[need.start : need.stop, xs].tocoo()
    gemeente = np.full(xs.stop - xs.start, -1, dtype=np.int64)
    gemeente[nb.col] = nb.row
    rij_van = np.full(need.stop - need.start, -1, dtype=np.int64)
    rij_van[y - ys.start] = np.arange(len(y))
    x_rij = np.where(gemeente >= 0, rij_van[gemeente], -1)
    return MinMax(z=z, y=y, a=model.rij_boven[rijen].astype(float), b=b, x_rij=x_rij)


def normaliseer(
    model: AllocatieModel, v: np.ndarray, structuren: list[MinMax] | None = None
) -> np.ndarray:
    """``v`` with whole counts, ``tekort``/``over`` not both positive, tight ``zmax``/``omax``.

    Integer columns (and ``onbediend``, integral through ``assign``) are rounded;
    per gemeente ``s = tekort - over`` follows from the ``need`` row and becomes
    ``tekort = max(0, s)``, ``over = max(0, -s)``; ``zmax`` and ``omax`` drop to the
    largest ratio their rows ask for. Every row that held for ``v`` still holds
    (both columns only go down, and rows bound them from above), and no level's
    value increases. A point that does not satisfy the ``need`` rows in whole
    persons is returned unchanged except for the rounding. ``structuren``: the
    model's `minmax` structures when already read.
    """
    w = v.copy()
    rond = model.geheel.copy()
    rond[model.kolommen["onbediend"]] = True
    w[rond] = np.rint(w[rond])
    need = model.rijen["need"]
    tek, ov = model.kolommen["tekort"], model.kolommen["over"]
    zonder = w.copy()
    zonder[tek] = 0.0
    zonder[ov] = 0.0
    s = model.rij_boven[need] - model.A[need.start : need.stop] @ zonder
    if np.abs(s - np.rint(s)).max(initial=0.0) > 1e-6:
        return w
    s = np.rint(s)
    w[tek] = np.maximum(s, 0.0)
    w[ov] = np.maximum(-s, 0.0)
    if structuren is None:
        structuren = [mm for n in MINMAX if (mm := minmax(model, n)) is not None]
    for mm in structuren:
        if len(mm.y):
            w[mm.z] = min(w[mm.z], max(mm.waarde(w), float(model.kol_onder[mm.z])))
    return w
