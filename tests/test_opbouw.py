"""The one sparse model builder (`allocatie.solvers.opbouw`), shared by the round model
and the flex capacity plan."""

from __future__ import annotations

import numpy as np

import allocatie.model.bouw as bouw
import allocatie.planning.model.bouw as planmodel
from allocatie.solvers.opbouw import Kolombouwer, Rijenbouwer


def test_dubbele_termen_tellen_op_en_afwezige_kolommen_vallen_weg() -> None:
    kol = Kolombouwer()
    x = kol.blok((3,), lo=1.0, hi=np.array([2.0, 3.0, 4.0]), geheel=True)
    rij = Rijenbouwer()
    r = rij.nieuw((2,), lo=-np.inf, hi=np.array([5.0, 6.0]), naam="a")
    rij.term(r[:, None], np.array([[x[0], -1], [x[2], x[2]]]), 2.0)
    rij.voeg_toe("b", 1, np.array([0, 0]), np.array([1, 1]), np.array([1.0, 0.5]), 0.0, 0.0)
    A = rij.matrix(kol.n)
    assert A.toarray().tolist() == [[2.0, 0.0, 0.0], [0.0, 0.0, 4.0], [0.0, 1.5, 0.0]]
    assert rij.families == {"a": slice(0, 2), "b": slice(2, 3)}
    assert rij.onder.tolist() == [-np.inf, -np.inf, 0.0] and rij.boven.tolist() == [5.0, 6.0, 0.0]
    assert kol.onder.tolist() == [1.0] * 3 and kol.boven.tolist() == [2.0, 3.0, 4.0]
    assert kol.geheel.tolist() == [True] * 3


def test_leeg_model() -> None:
    rij, kol = Rijenbouwer(), Kolombouwer()
    assert rij.matrix(4).shape == (0, 4) and rij.onder.shape == (0,)
    assert kol.geheel.dtype == bool and kol.n == 0


def test_beide_modellen_gebruiken_de_ene_bouwer() -> None:
    assert bouw.Rijenbouwer is Rijenbouwer
    assert planmodel.Rijenbouwer is Rijenbouwer and planmodel.Kolombouwer is Kolombouwer
    assert not hasattr(bouw, "_Rijen") and not hasattr(planmodel, "_Rijen")
