"""Holding a level by bounds from LP duality (allocatie.strategie.vlak): nothing within the
held value is lost, and the held row is only left out when the bounds imply it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from bouwers import uit_synthetisch

from allocatie.model.bouw import bouw_model
from allocatie.solvers import kies_backend
from allocatie.solvers.base import LpUitkomst, MipProbleem, SolverOpties, Status
from allocatie.solvers.highs import VAST_PRESOLVE
from allocatie.strategie import deelmip as dm
from allocatie.strategie.lp import duale_grens
from allocatie.strategie.niveaus import houd_niveau
from allocatie.strategie.vlak import houd_vlak

OPTIES = SolverOpties(tijdslimiet_s=60, gap_relatief=0.0)
INF = np.inf


def _lp(p: MipProbleem) -> LpUitkomst:
    lp = kies_backend("highs").los_lp_op(p, OPTIES, 60)  # type: ignore[attr-defined]
    assert lp.status is Status.OPTIMAAL
    return lp  # type: ignore[no-any-return]


def _punten(p: MipProbleem) -> np.ndarray:
    """Every integer point within the column bounds that satisfies the rows (small problems)."""
    bereik = [range(int(lo), int(hi) + 1) for lo, hi in zip(p.kol_onder, p.kol_boven, strict=True)]
    X = np.array(list(itertools.product(*bereik)), dtype=float)
    AX = X @ p.A.toarray().T
    ok = np.all((AX >= p.rij_onder - 1e-9) & (AX <= p.rij_boven + 1e-9), axis=1)
    return X[ok]


def _binnen(X: np.ndarray, A: np.ndarray, ko, kb, ro, rb) -> np.ndarray:  # type: ignore[no-untyped-def]
    AX = X @ A.T
    return np.all((X >= ko - 1e-9) & (X <= kb + 1e-9), axis=1) & np.all(
        (AX >= ro - 1e-9) & (AX <= rb + 1e-9), axis=1
    )


def _twee_gemeenten() -> MipProbleem:
    """Level ``onbediend`` of two households of 2 persons, one gemeente with room for 4.

    Columns: xA, xB (in the gemeente), uA, uB (unplaced). Both fit: onbediend
    0, the LP bound too, so the level closes at it and the room is only the
    round-off allowance 1e-6.
    """
    A = sp.csr_array(
        np.array([[1, 0, 1, 0], [0, 1, 0, 1], [2, 2, 0, 0]], dtype=float),
    )
    return MipProbleem(
        c=np.array([0.0, 0.0, 1.0, 1.0]),
        A=A,
        rij_onder=np.array([1.0, 1.0, -INF]),
        rij_boven=np.array([1.0, 1.0, 4.0]),
        kol_onder=np.zeros(4),
        kol_boven=np.ones(4),
        geheel=np.ones(4, dtype=bool),
    )


@pytest.mark.parametrize(
    ("y", "vast_kolom", "waarde"),
    [
        # Each household's assign row priced at 1 (the cost of leaving it unplaced):
        # placing has reduced cost -1, so xA and xB stay at their upper bound 1.
        ([1.0, 1.0, 0.0], [0, 1], 1.0),
        # No row priced: leaving unplaced has reduced cost 1, so uA and uB stay at 0.
        ([0.0, 0.0, 0.0], [2, 3], 0.0),
    ],
)
def test_niveau_op_lp_grens_wordt_grenzen_zonder_rij(
    y: list[float], vast_kolom: list[int], waarde: float
) -> None:
    """Two optimal duals of the same LP, derived by hand: either holds the level exactly
    by bounds, and the row is left out."""
    p = _twee_gemeenten()
    v = np.array([1.0, 1.0, 0.0, 0.0])
    vlak = houd_vlak(p, np.array(y), v, 1e-6, p.geheel)
    assert vlak is not None
    assert vlak.ruimte == pytest.approx(1e-6)
    assert not vlak.rij_nodig
    for j in vast_kolom:
        assert vlak.kol_onder[j] == vlak.kol_boven[j] == waarde
    # The same integer points as the row (here: both placed).
    X = _punten(p)
    binnen = _binnen(
        X, p.A.toarray(), vlak.kol_onder, vlak.kol_boven, vlak.rij_onder, vlak.rij_boven
    )
    assert np.array_equal(binnen, X @ p.c <= 1e-6)


def test_niveau_boven_lp_grens_met_hele_rij() -> None:
    """Room for 3 persons: the LP places one and a half household (onbediend 0.5, the
    capacity row priced at 1/2 per person), the MIP one (onbediend 1). The room 0.5
    over the capacity row's dual 1/2 leaves it one person of slack: 2 <= 2 xA + 2 xB,
    which with the assign rows is exactly "one household placed". Its rest 0.5 fits
    the room, so the row is left out."""
    p = _twee_gemeenten()
    p = MipProbleem(**{**p.__dict__, "rij_boven": np.array([1.0, 1.0, 3.0])})
    y = np.array([1.0, 1.0, -0.5])
    v = np.array([1.0, 0.0, 0.0, 1.0])
    vlak = houd_vlak(p, y, v, 1.0 + 1e-6, p.geheel)
    assert vlak is not None
    assert vlak.ruimte == pytest.approx(0.5 + 1e-6)
    assert vlak.rij_onder[2] == 2.0 and vlak.rij_boven[2] == 3.0
    assert not vlak.rij_nodig
    X = _punten(p)
    binnen = _binnen(
        X, p.A.toarray(), vlak.kol_onder, vlak.kol_boven, vlak.rij_onder, vlak.rij_boven
    )
    assert np.array_equal(binnen, X @ p.c <= 1.0 + 1e-6)
    # Held below the LP bound there is no room: no bounds.
    assert houd_vlak(p, y, v, 0.4, p.geheel) is None


def _willekeurig(rng: np.random.Generator) -> MipProbleem:
    n, m = int(rng.integers(3, 6)), int(rng.integers(2, 4))
    A = rng.integers(-2, 4, size=(m, n)).astype(float)
    kb = rng.integers(1, 4, size=n).astype(float)
    x0 = np.floor(rng.random(n) * (kb + 1))  # a feasible integer point
    a0 = A @ x0
    onder = np.where(rng.random(m) < 0.5, a0 - rng.integers(0, 3, size=m), -INF)
    boven = np.where(rng.random(m) < 0.7, a0 + rng.integers(0, 3, size=m) + 0.5, INF)
    boven = np.where(np.isinf(onder) & np.isinf(boven), a0 + 1.5, boven)  # no free rows
    return MipProbleem(
        c=rng.integers(-3, 6, size=n).astype(float),
        A=sp.csr_array(A),
        rij_onder=onder,
        rij_boven=boven,
        kol_onder=np.zeros(n),
        kol_boven=kb,
        geheel=np.ones(n, dtype=bool),
    )


@pytest.mark.parametrize("extra", [1e-6, 0.5, 2.0])
def test_willekeurige_mips_niets_verloren_en_rij_alleen_weg_als_overbodig(extra: float) -> None:
    """40 random MIPs, enumerated: every integer point within ``optimum + extra`` keeps the
    bounds, and where the row is left out the bounds admit no point above it."""
    rng = np.random.default_rng(7)
    gezien = {"zonder_rij": 0, "vast": 0}
    for _ in range(40):
        p = _willekeurig(rng)
        X = _punten(p)
        waarden = X @ p.c
        opt = float(waarden.min())
        houd = opt + extra
        lp = _lp(p)
        v = X[int(np.argmin(waarden))]
        vlak = houd_vlak(p, lp.rijduaal, v, houd, p.geheel)  # type: ignore[arg-type]
        assert vlak is not None
        binnen = _binnen(
            X, p.A.toarray(), vlak.kol_onder, vlak.kol_boven, vlak.rij_onder, vlak.rij_boven
        )
        assert np.all(binnen[waarden <= houd + 1e-9]), "een punt binnen het niveau valt weg"
        if not vlak.rij_nodig:
            gezien["zonder_rij"] += 1
            assert np.all(waarden[binnen] <= houd + 1e-9), "rij weggelaten maar niet overbodig"
        gezien["vast"] += vlak.kolommen_vast + vlak.rijen_vast
    # The property is not vacuous: bounds were tightened and rows left out.
    assert gezien["vast"] > 0
    if extra < 1:
        assert gezien["zonder_rij"] > 0


@pytest.mark.parametrize("seed", [3, 11])
def test_volgende_niveaus_gelijk_met_rij_of_met_grenzen(seed: int) -> None:
    """A generated round: every level after ``onbediend`` and ``tekort`` has the same optimum
    whether they are held by rows or by bounds (`houd_niveau`), and a level that closes at
    its LP bound gets no row."""
    inst = uit_synthetisch(12, 150, seed=seed)
    model = bouw_model(inst)
    backend = kies_backend("highs")
    heel = dm.hele_kolommen(model)
    rij = (model.A, model.rij_onder, model.rij_boven)
    vlak = (model.A, model.rij_onder, model.rij_boven, model.kol_onder, model.kol_boven)
    zonder_rij = 0
    for naam in ("onbediend", "tekort"):
        c = model.doelen[naam]
        p = dm.niveauprobleem(model, c, *vlak[:3], None, naam, vlak[4], vlak[3])
        mip = backend.los_op(p, OPTIES, 60)
        lp = _lp(p)
        assert mip.status is Status.OPTIMAAL and mip.x is not None
        w = float(c @ mip.x)
        houd = w + 1e-6 * max(1.0, abs(w))
        rij = dm.houd_vast(*rij, c, houd)
        n_voor = p.n_rijen
        vlak = houd_niveau(p, None, lp.rijduaal, mip.x, houd, vlak[3], vlak[4], naam, heel)
        if vlak[0].shape[0] == n_voor:
            zonder_rij += 1
            assert w == pytest.approx(lp.objectief, abs=1e-6)  # only at the LP bound
    assert zonder_rij >= 1
    for naam in ("eerlijkheid", "overvulling", "kosten"):
        c = model.doelen[naam]
        met_rij = backend.los_op(dm.niveauprobleem(model, c, *rij, None, naam), OPTIES, 60)
        met_grenzen = backend.los_op(
            dm.niveauprobleem(model, c, *vlak[:3], None, naam, vlak[4], vlak[3]), OPTIES, 60
        )
        assert met_rij.objectief == pytest.approx(met_grenzen.objectief, rel=1e-9, abs=1e-6)


def test_lp_met_veel_vaste_kolommen_geeft_geldige_prijzen() -> None:
    """An LP with many fixed columns is presolved (`VAST_PRESOLVE`): its value is that of
    the LP without those columns, and its row duals prove that value (`duale_grens`), as
    `houd_vlak` needs them to."""
    inst = uit_synthetisch(12, 150, seed=3)
    model = bouw_model(inst)
    c = model.doelen["tekort"]
    p = dm.niveauprobleem(model, c, model.A, model.rij_onder, model.rij_boven, None, "tekort")
    vol = _lp(p)
    assert vol.x is not None
    # Fix every count the LP leaves at 0 (far more than VAST_PRESOLVE of the columns).
    nul = model.geheel & (np.abs(vol.x) < 1e-9)
    assert nul.mean() >= 2 * VAST_PRESOLVE
    vast = MipProbleem(**{**p.__dict__, "kol_boven": np.where(nul, p.kol_onder, p.kol_boven)})
    lp = _lp(vast)
    vrij = np.flatnonzero(~nul)
    zonder = MipProbleem(
        **{
            **p.__dict__,
            "c": p.c[vrij],
            "A": sp.csr_array(p.A[:, vrij]),
            "kol_onder": p.kol_onder[vrij],
            "kol_boven": p.kol_boven[vrij],
            "geheel": p.geheel[vrij],
        }
    )
    assert lp.objectief == pytest.approx(_lp(zonder).objectief, abs=1e-6)
    grens, _, _ = duale_grens(vast, lp.rijduaal)  # type: ignore[arg-type]
    assert grens == pytest.approx(lp.objectief, abs=1e-5)
