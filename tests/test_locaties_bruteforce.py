"""Location choice: the MIP optimum equals brute force over every k-subset, for all three models.

Tiny seeded instances (6 gemeenten, 5 candidates): every subset of ``k`` sites
that contains the fixed ones is evaluated by direct formulas (nearest open
site, coverage), by enumerating every single-sourcing assignment, or by a
transportation LP (scipy's HiGHS via ``linprog``) for a splittable assignment.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from allocatie.kern.errors import InvoerFout
from allocatie.locaties.oplossen import evalueer_locaties, kies_locaties, reistijdstatistiek
from allocatie.locaties.probleem import Locatieprobleem, Modelkeuze
from allocatie.solvers import Status

ONHAALBAAR = float("inf")


def _probleem(seed: int, *, n: int = 6, m: int = 5, vast: tuple[int, ...] = (), cap: bool = False):
    rng = np.random.default_rng(seed)
    punten = rng.uniform(0, 60, size=(n, 2))
    sites = rng.uniform(0, 60, size=(m, 2))
    t = np.round(np.hypot(*(punten[:, None, :] - sites[None, :, :]).transpose(2, 0, 1)), 1)
    w = rng.integers(1, 20, size=n).astype(float)
    capaciteit = rng.integers(15, 40, size=m).astype(float) if cap else np.full(m, np.inf)
    v = np.zeros(m, dtype=bool)
    v[list(vast)] = True
    return Locatieprobleem(
        vraag_codes=tuple(f"GM{i:04d}" for i in range(n)),
        vraag_namen=tuple(f"G{i}" for i in range(n)),
        gewicht=w,
        kandidaat_ids=tuple(f"L{j}" for j in range(m)),
        kandidaat_namen=tuple(f"L{j}" for j in range(m)),
        kandidaat_gemeenten=tuple(f"GM{j:04d}" for j in range(m)),
        minuten=t,
        capaciteit=capaciteit,
        vast=v,
    )


def _kosten(p: Locatieprobleem, keuze: Modelkeuze, s: tuple[int, ...]) -> float:
    """Objective of the set ``s`` by brute force (inf when it cannot serve the demand)."""
    t = p.minuten[:, list(s)]
    w = p.gewicht
    if keuze.model == "pmediaan":
        return float(w @ t.min(axis=1))
    if keuze.model == "dekking":
        assert keuze.limiet_min is not None
        return float(w[t.min(axis=1) > keuze.limiet_min + 1e-9].sum())
    cap = p.capaciteit[list(s)]
    if keuze.toewijzing == "enkelvoudig":
        beste = ONHAALBAAR
        for toew in itertools.product(range(len(s)), repeat=p.n_vraag):
            last = np.bincount(toew, weights=w, minlength=len(s))
            if (last <= cap + 1e-9).all():
                beste = min(beste, float(w @ t[np.arange(p.n_vraag), toew]))
        return beste
    # splittable: transportation LP, x[i, j] >= 0, sum_j x = 1, sum_i w_i x_ij <= cap_j
    n, m = t.shape
    c = (w[:, None] * t).ravel()
    a_eq = np.kron(np.eye(n), np.ones(m))
    a_ub = np.zeros((m, n * m))
    for j in range(m):
        a_ub[j, j::m] = w
    r = linprog(c, A_ub=a_ub, b_ub=cap, A_eq=a_eq, b_eq=np.ones(n), bounds=(0, 1), method="highs")
    return float(r.fun) if r.status == 0 else ONHAALBAAR


def _brute(p: Locatieprobleem, keuze: Modelkeuze) -> float:
    vast = set(np.flatnonzero(p.vast).tolist())
    waarden = [
        _kosten(p, keuze, s)
        for s in itertools.combinations(range(p.n_kandidaten), keuze.k)
        if vast <= set(s)
    ]
    return min(waarden)


GEVALLEN = [
    pytest.param(Modelkeuze("pmediaan", k=1), (), False, id="pmediaan-k1"),
    pytest.param(Modelkeuze("pmediaan", k=2), (), False, id="pmediaan-k2"),
    pytest.param(Modelkeuze("pmediaan", k=3), (4,), False, id="pmediaan-k3-vast"),
    pytest.param(Modelkeuze("dekking", k=2, limiet_min=20.0), (), False, id="dekking-k2"),
    pytest.param(Modelkeuze("dekking", k=2, limiet_min=15.0), (1,), False, id="dekking-k2-vast"),
    pytest.param(Modelkeuze("capaciteit", k=3), (), True, id="cap-enkel-k3"),
    pytest.param(Modelkeuze("capaciteit", k=3), (2,), True, id="cap-enkel-k3-vast"),
    pytest.param(Modelkeuze("capaciteit", k=2, toewijzing="splitsbaar"), (), True, id="cap-split"),
    pytest.param(
        Modelkeuze("capaciteit", k=3, toewijzing="splitsbaar"), (0,), True, id="cap-split-vast"
    ),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("keuze", "vast", "cap"), GEVALLEN)
def test_optimum_gelijk_aan_brute_kracht(
    keuze: Modelkeuze, vast: tuple[int, ...], cap: bool, seed: int
) -> None:
    p = _probleem(seed, vast=vast, cap=cap)
    brute = _brute(p, keuze)
    if brute == ONHAALBAAR:  # no set can serve the demand: a Dutch error, not a result
        with pytest.raises(InvoerFout, match="capaciteit"):
            kies_locaties(p, keuze)
        return
    u = kies_locaties(p, keuze)
    assert u.status is Status.OPTIMAAL
    assert u.doel == pytest.approx(brute, abs=1e-6)
    gekozen = tuple(u.gekozen.tolist())
    assert len(gekozen) == keuze.k
    assert set(np.flatnonzero(p.vast).tolist()) <= set(gekozen)
    # the chosen set itself attains the optimum by the brute-force formula
    assert _kosten(p, keuze, gekozen) == pytest.approx(brute, abs=1e-6)
    # every gemeente's demand is assigned in full
    aandeel = np.bincount(u.toewijs_i, weights=u.aandeel, minlength=p.n_vraag)
    assert aandeel == pytest.approx(np.ones(p.n_vraag))
    if keuze.model == "capaciteit":
        last = np.bincount(u.toewijs_j, weights=p.gewicht[u.toewijs_i] * u.aandeel, minlength=5)
        assert (last <= p.capaciteit + 1e-6).all()
        if keuze.toewijzing == "enkelvoudig":
            assert (u.aandeel == 1.0).all()


@pytest.mark.parametrize(("keuze", "vast", "cap"), GEVALLEN)
def test_evaluatie_van_een_gegeven_set(keuze: Modelkeuze, vast: tuple[int, ...], cap: bool) -> None:
    p = _probleem(7, vast=vast, cap=cap)
    s = tuple(range(keuze.k))
    verwacht = _kosten(p, keuze, s)
    u = evalueer_locaties(p, keuze, [p.kandidaat_ids[j] for j in s])
    assert tuple(u.gekozen.tolist()) == s
    if verwacht == ONHAALBAAR:
        assert u.status is Status.ONHAALBAAR and u.doel is None
        assert np.isnan(reistijdstatistiek(p, u)["gewogen_gemiddelde"])
    else:
        assert u.status is Status.OPTIMAAL
        assert u.doel == pytest.approx(verwacht, abs=1e-6)


def test_zelfde_invoer_zelfde_keuze() -> None:
    p = _probleem(11, n=8, m=6)
    keuze = Modelkeuze("dekking", k=2, limiet_min=25.0)
    a, b = kies_locaties(p, keuze), kies_locaties(p, keuze)
    assert a.gekozen_ids == b.gekozen_ids
    assert (a.toewijs_j == b.toewijs_j).all()


def test_statistiek_met_de_hand() -> None:
    # two gemeenten (weights 3 and 1) to one site at 10 and 30 minutes
    p = Locatieprobleem(
        ("GM0001", "GM0002"),
        ("A", "B"),
        np.array([3.0, 1.0]),
        ("L1",),
        ("a",),
        ("GM0001",),
        np.array([[10.0], [30.0]]),
    )
    u = evalueer_locaties(p, Modelkeuze("pmediaan", k=1, limiet_min=20.0), ["L1"])
    s = reistijdstatistiek(p, u)
    assert s["gemiddelde"] == 20.0
    assert s["gewogen_gemiddelde"] == 15.0
    assert (s["p50"], s["p90"], s["p95"], s["maximum"]) == (10.0, 30.0, 30.0, 30.0)
    assert s["binnen_limiet"] == 0.75
    assert s["gemeenten_buiten_limiet"] == 1.0
    assert s["doel"] == 60.0


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("vast", [(), (3,)])
def test_dekking_tweede_niveau_lexicografisch(seed: int, vast: tuple[int, ...]) -> None:
    """Most coverage first; among those sets the least weighted travel time (brute force)."""
    p = _probleem(seed, n=7, m=6, vast=vast)
    keuze = Modelkeuze("dekking", k=2, limiet_min=18.0, tweede_niveau=True)
    pm = Modelkeuze("pmediaan", k=2)
    sets = [
        s
        for s in itertools.combinations(range(p.n_kandidaten), 2)
        if set(np.flatnonzero(p.vast).tolist()) <= set(s)
    ]
    beste = min((_kosten(p, keuze, s), _kosten(p, pm, s)) for s in sets)
    u = kies_locaties(p, keuze)
    gekozen = tuple(u.gekozen.tolist())
    assert u.doel == pytest.approx(beste[0], abs=1e-9)
    assert _kosten(p, keuze, gekozen) == pytest.approx(beste[0], abs=1e-9)
    assert _kosten(p, pm, gekozen) == pytest.approx(beste[1], abs=1e-6)
    assert u.status is Status.OPTIMAAL
