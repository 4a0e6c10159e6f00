"""Brute force against the planning model: every first-stage plan in a box, evaluated on its own.

On four small instances the test enumerates every feasible first-stage plan
(orders, closures, moves) within a box, evaluates each plan's objective with a
second-stage evaluator written here, and checks that the extensive form
(`los_plan_op`) and the Benders decomposition (`los_benders_op`) reach the
brute-force minimum, risk-neutral and with CVaR.

Independent evaluator
    For a fixed plan the second stage splits into one LP per (scenario,
    region), depending on the plan only through two arrays of that region per
    type and period: the modules available and the modules closed or moved
    out (``afname``). The LP is written out here by hand from the rules in the
    docstring of `allocatie.planning.model.bouw` (backlog and occupancy balances,
    regular supply shared with residents moving on, moving on at most
    ``doorstroom`` times last period's occupancy, occupancy at most
    ``plaatsen`` per available module, displaced residents per type and
    period at most ``plaatsen`` per module closed or moved out) and solved
    with `scipy.optimize.linprog`: an LP and not a greedy rule, because with
    a displacement cost and shrinking capacity housing everyone as early as
    possible is not optimal (a person housed for one period and then
    displaced saves one period of waiting but costs the displacement). The
    scenarios of a region are stacked in one block-diagonal LP; its blocks
    are independent, so minimising their sum minimises each. Values are
    cached per (region, availability, afname).

Feasibility of a plan (first stage, checked while enumerating, period by
period): integral decisions >= 0, orders only when they arrive within the
horizon, moves only between allowed regions and arriving within the horizon,
availability between 0 and ``max_modules``, and the minimum lifetime (closed
or moved out up to ``t`` at most existing + ordered at ``u`` with ``u +
levertijd + minimale_looptijd <= t`` + arrived by relocation by ``t``).

Without relocation the box holds every feasible plan, not just an optimum.
Every type here has ``minimale_looptijd >= 1``, so a module old enough to
close in ``t`` arrived by ``t - 1``; the lifetime rule then bounds the
closures in ``t`` by the old-enough modules not closed before, which were all
available in ``t - 1``: ``sluit[t] <= N[t-1] <= max_modules`` (``N[-1] =
bestaand <= max_modules`` here). An order arriving in ``t`` is ``N[t] -
N[t-1] + sluit[t] <= max_modules``. The boxes of these instances reach
``max_modules`` of every type; `test_box_bevat_elk_haalbaar_plan` confirms it
by enumerating with a box one larger. (An earlier exchange argument, "never
close a module in the period an order arrives", no longer holds: a closure
frees places from which residents may be displaced.) With relocation the
bound fails (a module can arrive and leave again), so there the test checks
that the solvers' plans lie strictly inside the box (every entry below its
upper bound), so the box is not what holds them back.

Value of the stochastic solution: the plan of the mean scenario
(``scenarios.gemiddeld()``), evaluated on all scenarios (EEV), against the
stochastic optimum (RP): VSS = EEV - RP >= 0, and > 0 on the skewed instance.

What the enumeration finds (R regions, T periods, F types, K classes, S
scenarios; CVaR with alfa 0.7 and weight 0.6). The first three figures are
the same with and without the displacement bound (it changes the value of
73, 1134 and 0 of their plans, none of them optimal); on ``verdringing``
dropping the bound lowers the optimum to 418 (CVaR 608.8), which
`test_verdringing_begrensd_telt` checks:

- ``een_regio`` (1, 4, 1, 1, 4; box 0..4): 1554 feasible plans; optimum 1844
  (close a studio at once), CVaR 2758.8 (order one in 2027-II); VSS 14.
- ``verplaatsing`` (2, 3, 1, 1, 3; box 0..3, moves Zeeland -> Utrecht): 17198
  plans; optimum 1792 (two studios ordered in Utrecht, one moved from
  Zeeland), CVaR 2600.8 (the same plan); VSS 0.
- ``twee_typen`` (1, 3, 2, 2, 4; box 0..3, doorstroom 0.25): 1170 plans;
  optimum 1346.4875 (three family homes), CVaR 1654.47 (and a studio); VSS 1.
- ``verdringing`` (1, 3, 1, 1, 3; box 0..3, doorstroom 0): 161 plans;
  optimum 638 (close a studio at once to displace its residents into the
  spare supply, order one), CVaR 839.4 (and order a second); VSS 55.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, replace

import numpy as np
import pytest
from scipy.optimize import linprog

from allocatie.planning.gegevens import (
    Flextype,
    Kosten,
    Planinstantie,
    Regio,
    Risico,
    Scenarioset,
    Verplaatsing,
)
from allocatie.planning.model.benders import los_benders_op
from allocatie.planning.model.bouw import Beperking, Plan
from allocatie.planning.model.controle import controleer_plan
from allocatie.planning.model.oplossen import los_plan_op
from allocatie.planning.model.uitkomst import cvar
from allocatie.solvers import SolverOpties

OPTIES = SolverOpties(gap_relatief=0.0, tijdslimiet_s=30.0)
BENDERS_OPTIES = SolverOpties(gap_relatief=1e-9, tijdslimiet_s=30.0)
REL = 1e-6
CVAR = Risico("cvar", alfa=0.7, gewicht=0.6)


# --------------------------------------------------------------------------- instances


def _een_regio() -> tuple[Planinstantie, int]:
    """One region, four periods, one type; skewed scenarios (rarely growth or a surge).

    Three studios of 10 places stand, 12 persons live in them, 6 wait; new
    ones are ordered one period ahead and must be in use 2 periods before
    they close; at most 4. Regular supply houses 3 a period. Waiting costs 20
    a person-period (40 more at the end), a module 100 a period.

    By hand, the two plans of the VSS: in "laag" and "midden" (inflow 1 and 3
    a period, probability 0.7) two studios house everyone, so the third is
    idle. Keeping it (mean plan) costs 3 * 4 * 100 - 3 * 30 = 1110 in the first
    stage; in "groei" the backlog is then 0, 0, 9, 24 (Q = 20 * 33 + 40 * 24 =
    1620) and in "piek" Q = 4240: E[Q] = 0.2 * 1620 + 0.1 * 4240 = 748, total
    1858. Closing it at once costs 40 + 2 * 4 * 100 - 2 * 30 = 780; "groei"
    then waits 1, 8, 19, 34 (Q = 20 * 62 + 40 * 34 = 2600), "piek" 25, 52, 51,
    48 (Q = 5440): E[Q] = 1064, total 1844, the optimum (brute force). VSS =
    1858 - 1844 = 14. The mean scenario (inflow 5.5, 6.3, 4.3, 4.9) keeps it.
    """
    per = ("2027-I", "2027-II", "2028-I", "2028-II")
    instroom = np.array([[1, 1, 1, 1], [3, 3, 3, 3], [6, 10, 14, 18], [30, 30, 2, 0]], dtype=float)
    sc = Scenarioset(
        ("Utrecht",),
        per,
        ("alleenstaand",),
        ("laag", "midden", "groei", "piek"),
        np.array([0.4, 0.3, 0.2, 0.1]),
        instroom[:, None, :, None],
        np.full((4, 1, 4, 1), 3.0),
    )
    studio = Flextype("studio", 10, ("alleenstaand",), 250, 100, 40, 30, 1, 2)
    reg = Regio(
        "Utrecht",
        bestaand={"studio": 3},
        bezetting={"studio": 12},
        max_modules={"studio": 4},
        achterstand={"alleenstaand": 6},
    )
    kosten = Kosten({"alleenstaand": 20}, verdringing=30, eind_achterstand=40)
    return Planinstantie((reg,), (studio,), kosten, sc), 4


def _verplaatsing() -> tuple[Planinstantie, int]:
    """Two regions, three periods, one type, modules may move from Zeeland to Utrecht.

    Zeeland has two half-empty modules and little inflow, Utrecht none and a
    backlog: moving a module (80, one period on the road) competes with
    ordering one (300) and with closing it (40, saves its running cost).
    """
    per = ("2027-I", "2027-II", "2028-I")
    # (S, R, T): Utrecht, Zeeland
    instroom = np.array(
        [
            [[6, 6, 6], [2, 1, 1]],
            [[14, 14, 10], [3, 2, 1]],
            [[30, 24, 10], [1, 1, 0]],
        ],
        dtype=float,
    )
    sc = Scenarioset(
        ("Utrecht", "Zeeland"),
        per,
        ("alleenstaand",),
        ("rustig", "druk", "storm"),
        np.array([0.5, 0.35, 0.15]),
        instroom[..., None],
        np.full((3, 2, 3, 1), 2.0),
    )
    studio = Flextype("studio", 8, ("alleenstaand",), 300, 60, 40, 120, 1, 1)
    regios = (
        Regio("Utrecht", max_modules={"studio": 3}, achterstand={"alleenstaand": 4}),
        Regio(
            "Zeeland",
            bestaand={"studio": 2},
            bezetting={"studio": 5},
            max_modules={"studio": 3},
        ),
    )
    kosten = Kosten({"alleenstaand": 25}, verdringing=20, eind_achterstand=30)
    verpl = Verplaatsing(True, kosten=80, duur=1, paren=(("Zeeland", "Utrecht"),))
    return Planinstantie(regios, (studio,), kosten, sc, verpl), 3


def _twee_typen() -> tuple[Planinstantie, int]:
    """One region, three periods, two classes, two types (one houses both), doorstroom.

    Studios (6 places) house singles, family homes (4 places) singles and
    families; a quarter of the flex residents may move on each period, using
    the regular supply.
    """
    per = ("2027-I", "2027-II", "2028-I")
    # (S, T, K): alleenstaand, gezin
    instroom = np.array(
        [
            [[3, 2], [3, 2], [3, 1]],
            [[8, 4], [6, 6], [2, 2]],
            [[14, 3], [10, 8], [6, 4]],
            [[2, 10], [2, 6], [1, 2]],
        ],
        dtype=float,
    )
    aanbod = np.array([[2, 1], [2, 1], [2, 2]], dtype=float)
    sc = Scenarioset(
        ("Utrecht",),
        per,
        ("alleenstaand", "gezin"),
        ("a", "b", "c", "d"),
        np.array([0.35, 0.3, 0.15, 0.2]),
        instroom[:, None],
        np.broadcast_to(aanbod, (4, 1, 3, 2)).copy(),
    )
    typen = (
        Flextype("studio", 6, ("alleenstaand",), 150, 50, 30, 60, 1, 1),
        Flextype("woning", 4, ("alleenstaand", "gezin"), 160, 40, 30, 70, 1, 1),
    )
    reg = Regio(
        "Utrecht",
        bestaand={"studio": 1},
        bezetting={"studio": 6},
        max_modules={"studio": 2, "woning": 3},
        achterstand={"alleenstaand": 3, "gezin": 2},
    )
    kosten = Kosten({"alleenstaand": 15, "gezin": 22}, verdringing=25, eind_achterstand=30)
    return Planinstantie((reg,), typen, kosten, sc, doorstroom=0.25), 3


def _verdringing() -> tuple[Planinstantie, int]:
    """One region, three periods, one type, full studios, spare regular supply only at first.

    Two studios of 5 places stand with 10 residents; doorstroom is 0, so
    residents leave flex only when displaced, and displacement needs a module
    closed (at most 5 per module closed in that period). Regular supply is 8,
    1, 1 a period; inflow 2 in 2027-I, then 2, 8 or 15 and 2, 8 or 5
    ("rustig", "druk", "piek"; probability 0.5, 0.3, 0.2). Waiting costs 20 a
    person-period (30 more at the end), displacement 5; a studio costs 200 to
    order (one period ahead), 40 a period, 20 to close, and is worth 60 at the
    end; at most 3.

    By hand. Doing nothing costs 2 * 3 * 40 - 2 * 60 = 120 in the first stage
    and nobody can leave the studios: "rustig" waits 1, 2 in the last two
    periods (Q = 20 + 2 * 50 = 120), "druk" 7, 14 (Q = 140 + 700 = 840),
    "piek" 14, 18 (Q = 280 + 900 = 1180): E[Q] = 548, total 668.

    The optimum (brute force) closes a studio at once and orders one: 20 +
    200 + 40 * (1 + 2 + 2) - 60 * 2 = 300. In 2027-I the 5 residents who no
    longer fit are displaced (25) and housed, with the 2 arrivals, by the
    spare supply of 8; from 2027-II 5 places are free. "rustig" then waits
    no one (Q = 25), "druk" 2, 9 (Q = 25 + 40 + 9 * 50 = 515), "piek" 9, 13
    (Q = 25 + 180 + 650 = 855): E[Q] = 12.5 + 154.5 + 171 = 338, total 638.

    The mean scenario (inflow 2, 6.4, 4.4) orders a second studio in 2027-II
    as well: 20 + 400 + 40 * (1 + 2 + 3) - 60 * 3 = 480; "rustig" Q = 25,
    "druk" 2, 4 (Q = 25 + 40 + 200 = 265), "piek" 9, 8 (Q = 25 + 180 + 400 =
    605): E[Q] = 213, EEV 693, VSS = 693 - 638 = 55.

    Were displacement unbounded (the flaw the bound removed), doing nothing
    would cost 418: 6 residents displaced in 2027-I into the spare supply
    (30) free places for the surge ("druk" Q = 30 + 20 + 8 * 50 = 450,
    "piek" Q = 30 + 160 + 12 * 50 = 790, "rustig" displaces only 2: Q = 10),
    so E[Q] = 5 + 135 + 158 = 298 and the total 120 + 298 = 418.
    """
    per = ("2027-I", "2027-II", "2028-I")
    instroom = np.array([[2, 2, 2], [2, 8, 8], [2, 15, 5]], dtype=float)
    aanbod = np.array([8, 1, 1], dtype=float)
    sc = Scenarioset(
        ("Utrecht",),
        per,
        ("alleenstaand",),
        ("rustig", "druk", "piek"),
        np.array([0.5, 0.3, 0.2]),
        instroom[:, None, :, None],
        np.broadcast_to(aanbod[None, None, :, None], (3, 1, 3, 1)).copy(),
    )
    studio = Flextype("studio", 5, ("alleenstaand",), 200, 40, 20, 60, 1, 1)
    reg = Regio("Utrecht", bestaand={"studio": 2}, bezetting={"studio": 10},
                max_modules={"studio": 3})  # fmt: skip
    kosten = Kosten({"alleenstaand": 20}, verdringing=5, eind_achterstand=30)
    return Planinstantie((reg,), (studio,), kosten, sc), 3


INSTANTIES = {
    "een_regio": _een_regio,
    "verplaatsing": _verplaatsing,
    "twee_typen": _twee_typen,
    "verdringing": _verdringing,
}


# --------------------------------------------------------------------------- enumeration


@dataclass(frozen=True)
class _Plannen:
    """Every feasible plan in the box, stacked: decisions, availability and afname per plan."""

    bestel: np.ndarray  # (P, R, F, T)
    sluit: np.ndarray  # (P, R, F, T)
    verplaats: np.ndarray  # (P, R, R, F, T)
    beschikbaar: np.ndarray  # (P, R, F, T)

    @property
    def afname(self) -> np.ndarray:
        """Modules closed or moved out (to any region), (P, R, F, T)."""
        return self.sluit + self.verplaats.sum(axis=2)

    @property
    def n(self) -> int:
        return int(self.bestel.shape[0])


def _plannen(inst: Planinstantie, box: int) -> _Plannen:
    """Depth-first over the periods; the choices of one period are filtered at once."""
    r_n, f_n, t_n = len(inst.regios), len(inst.flextypen), len(inst.perioden)
    vp = inst.verplaatsing
    namen = [r.naam for r in inst.regios]
    bestaand = np.array([[r.bestaand.get(f.naam, 0) for f in inst.flextypen] for r in inst.regios])
    maxm = np.array(
        [[r.max_modules.get(f.naam, 10**9) for f in inst.flextypen] for r in inst.regios]
    )
    lever = [f.levertijd for f in inst.flextypen]
    looptijd = [f.minimale_looptijd for f in inst.flextypen]

    def vakjes(t: int) -> list[tuple[str, tuple[int, ...]]]:
        """The decisions that exist in period ``t``: orders, closures, moves."""
        uit: list[tuple[str, tuple[int, ...]]] = []
        for r, f in itertools.product(range(r_n), range(f_n)):
            if t + lever[f] <= t_n - 1:
                uit.append(("b", (r, f)))
            uit.append(("s", (r, f)))
            for r2 in range(r_n):
                if vp.mag(namen[r], namen[r2]) and t + vp.duur <= t_n - 1:
                    uit.append(("m", (r, r2, f)))
        return uit

    per_periode = [vakjes(t) for t in range(t_n)]
    # per period: every combination of values, and the modules each takes away per (r, f)
    keuzes = [
        np.array(list(itertools.product(range(box + 1), repeat=len(v))), dtype=int).reshape(
            -1, len(v)
        )
        for v in per_periode
    ]
    weg_matrix = []
    for vak in per_periode:
        w = np.zeros((len(vak), r_n, f_n), dtype=int)
        for j, (soort, idx) in enumerate(vak):
            if soort in "sm":
                w[j, idx[0], idx[-1]] = 1
        weg_matrix.append(w)
    gevonden: list[tuple[np.ndarray, ...]] = []
    b = np.zeros((r_n, f_n, t_n), dtype=int)
    s = np.zeros((r_n, f_n, t_n), dtype=int)
    m = np.zeros((r_n, r_n, f_n, t_n), dtype=int)
    n = np.zeros((r_n, f_n, t_n), dtype=int)

    def stap(t: int) -> None:
        if t == t_n:
            gevonden.append((b.copy(), s.copy(), m.copy(), n.copy()))
            return
        vorig = bestaand if t == 0 else n[:, :, t - 1]
        binnen = np.zeros((r_n, f_n), dtype=int)
        oud = bestaand.copy()  # may have left by t: existing, old enough, relocated here
        for f in range(f_n):
            if t >= lever[f]:
                binnen[:, f] += b[:, f, t - lever[f]]
            laatste = t - lever[f] - looptijd[f]
            if laatste >= 0:
                oud[:, f] += b[:, f, : laatste + 1].sum(axis=-1)
        if t >= vp.duur:
            binnen += m[:, :, :, t - vp.duur].sum(axis=0)
            oud += m[..., : t - vp.duur + 1].sum(axis=(0, 3))
        eerder = s[..., :t].sum(axis=-1) + m[..., :t].sum(axis=(1, 3))
        nu = np.einsum("cj,jrf->crf", keuzes[t], weg_matrix[t])
        stand = vorig + binnen - nu
        ok = (stand >= 0).all(axis=(1, 2)) & (stand <= maxm).all(axis=(1, 2))
        ok &= (eerder + nu <= oud).all(axis=(1, 2))
        for c in np.nonzero(ok)[0]:
            for (soort, idx), waarde in zip(per_periode[t], keuzes[t][c], strict=True):
                {"b": b, "s": s, "m": m}[soort][(*idx, t)] = waarde
            n[..., t] = stand[c]
            stap(t + 1)
            b[..., t] = 0
            s[..., t] = 0
            m[..., t] = 0

    stap(0)
    bs, ss, ms, ns = (np.stack(x).astype(float) for x in zip(*gevonden, strict=True))
    return _Plannen(bs, ss, ms, ns)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class _Lp:
    """The second-stage LP of one region, all scenarios stacked; plan-dependent rows last."""

    c: np.ndarray
    a_eq: np.ndarray
    b_eq: np.ndarray
    a_ub: np.ndarray
    b_ub: np.ndarray
    capaciteit: list[tuple[int, int, int]]  # (row of a_ub, type, period)
    verdringing: list[tuple[int, int, int]]  # (row of a_ub, type, period)
    scenario: np.ndarray  # scenario of each column


def _bouw_lp(inst: Planinstantie, r: int) -> _Lp:
    """Write the second stage of region ``r`` out by hand, from the rules of the model."""
    sc = inst.scenarios
    s_n, t_n, k_n = sc.n, len(inst.perioden), len(inst.klassen)
    typen = inst.flextypen
    reg = inst.regios[r]
    rho = inst.doorstroom
    kol: dict[tuple, int] = {}
    kosten: list[float] = []

    def nieuw(sleutel: tuple, c: float = 0.0) -> None:
        kol[sleutel] = len(kosten)
        kosten.append(c)

    paren = [(f, k) for f, ft in enumerate(typen) for k, kl in enumerate(sc.klassen)
             if kl in ft.klassen]  # fmt: skip
    for s, k, t in itertools.product(range(s_n), range(k_n), range(t_n)):
        w = inst.kosten.wachten.get(sc.klassen[k], 0.0)
        nieuw(("A", s, k, t), w + (inst.kosten.eind_achterstand if t == t_n - 1 else 0.0))
        nieuw(("G", s, k, t))
    for s, (f, k), t in itertools.product(range(s_n), paren, range(t_n)):
        nieuw(("I", s, f, k, t))
        nieuw(("Z", s, f, k, t))
        nieuw(("D", s, f, k, t))
        nieuw(("U", s, f, k, t), inst.kosten.verdringing)
    eq: list[tuple[dict[int, float], float]] = []
    ub: list[tuple[dict[int, float], float]] = []
    for s, k, t in itertools.product(range(s_n), range(k_n), range(t_n)):
        # backlog: A[t] - A[t-1] + G + sum I - sum U = inflow (+ initial backlog)
        rij = {kol["A", s, k, t]: 1.0, kol["G", s, k, t]: 1.0}
        rechts = sc.instroom[s, r, t, k]
        if t:
            rij[kol["A", s, k, t - 1]] = -1.0
        else:
            rechts += reg.achterstand.get(sc.klassen[k], 0.0)
        for f, k2 in paren:
            if k2 == k:
                rij[kol["I", s, f, k, t]] = 1.0
                rij[kol["U", s, f, k, t]] = -1.0
        eq.append((rij, rechts))
        # regular supply: G + sum D <= aanbod
        rij = {kol["G", s, k, t]: 1.0}
        for f, k2 in paren:
            if k2 == k:
                rij[kol["D", s, f, k, t]] = 1.0
        ub.append((rij, sc.aanbod[s, r, t, k]))
    for s, (f, k), t in itertools.product(range(s_n), paren, range(t_n)):
        ft = typen[f]
        z0 = reg.bezetting.get(ft.naam, 0.0) / sum(1 for f2, _ in paren if f2 == f)
        # occupancy: Z[t] - Z[t-1] - I + D + U = z0 (t = 0)
        rij = {
            kol["Z", s, f, k, t]: 1.0,
            kol["I", s, f, k, t]: -1.0,
            kol["D", s, f, k, t]: 1.0,
            kol["U", s, f, k, t]: 1.0,
        }
        if t:
            rij[kol["Z", s, f, k, t - 1]] = -1.0
        eq.append((rij, 0.0 if t else z0))
        # moving on: D[t] <= rho Z[t-1]
        if t:
            ub.append(({kol["D", s, f, k, t]: 1.0, kol["Z", s, f, k, t - 1]: -rho}, 0.0))
        else:
            ub.append(({kol["D", s, f, k, t]: 1.0}, rho * z0))
    capaciteit = []
    for s, f, t in itertools.product(range(s_n), range(len(typen)), range(t_n)):
        rij = {kol["Z", s, f, k, t]: 1.0 for f2, k in paren if f2 == f}
        if rij:
            capaciteit.append((len(ub), f, t))
            ub.append((rij, 0.0))  # plaatsen * available, set per evaluation
    verdringing = []
    for s, f, t in itertools.product(range(s_n), range(len(typen)), range(t_n)):
        # displaced: sum_k U[t] <= plaatsen * afname[t] (modules closed or moved out in t)
        rij = {kol["U", s, f, k, t]: 1.0 for f2, k in paren if f2 == f}
        if rij:
            verdringing.append((len(ub), f, t))
            ub.append((rij, 0.0))  # plaatsen * afname, set per evaluation

    def matrix(rijen: list[tuple[dict[int, float], float]]) -> tuple[np.ndarray, np.ndarray]:
        a = np.zeros((len(rijen), len(kosten)))
        for i, (rij, _) in enumerate(rijen):
            for j, v in rij.items():
                a[i, j] = v
        return a, np.array([rechts for _, rechts in rijen])

    a_eq, b_eq = matrix(eq)
    a_ub, b_ub = matrix(ub)
    scenario = np.zeros(len(kosten), dtype=int)
    for sleutel, j in kol.items():
        scenario[j] = sleutel[1]
    return _Lp(np.array(kosten), a_eq, b_eq, a_ub, b_ub, capaciteit, verdringing, scenario)


class _Tweede:
    """Second-stage cost Q[s] of an availability and afname, per region by `linprog`, cached."""

    def __init__(self, inst: Planinstantie, *, begrensd: bool = True) -> None:
        self.inst = inst
        self.begrensd = begrensd  # False: displacement unbounded (the flawed old rule)
        self.lps = [_bouw_lp(inst, r) for r in range(len(inst.regios))]
        self.cache: dict[tuple[int, bytes, bytes], np.ndarray] = {}

    def regio(self, r: int, n: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Q[s] of region ``r`` with ``n`` (F, T) available and ``a`` (F, T) leaving modules."""
        n, a = np.asarray(n, dtype=float), np.asarray(a, dtype=float)
        sleutel = (r, n.tobytes(), a.tobytes())
        if sleutel not in self.cache:
            lp = self.lps[r]
            b_ub = lp.b_ub.copy()
            for rij, f, t in lp.capaciteit:
                b_ub[rij] = self.inst.flextypen[f].plaatsen * n[f, t]
            for rij, f, t in lp.verdringing:
                b_ub[rij] = self.inst.flextypen[f].plaatsen * a[f, t]
            houd = np.ones(len(b_ub), dtype=bool)
            if not self.begrensd:
                houd[[rij for rij, _, _ in lp.verdringing]] = False
            res = linprog(lp.c, A_ub=lp.a_ub[houd], b_ub=b_ub[houd], A_eq=lp.a_eq, b_eq=lp.b_eq,
                          bounds=(0, None), method="highs")  # fmt: skip
            assert res.status == 0, res.message
            self.cache[sleutel] = np.bincount(
                lp.scenario, weights=lp.c * res.x, minlength=self.inst.scenarios.n
            )
        return self.cache[sleutel]

    def q(self, n: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Q[s] summed over the regions for availability ``n`` and afname ``a`` (R, F, T)."""
        return np.sum([self.regio(r, n[r], a[r]) for r in range(n.shape[0])], axis=0)


def _eerste(inst: Planinstantie, b: np.ndarray, s: np.ndarray, m: np.ndarray, n: np.ndarray):
    """First-stage cost of plans stacked on the first axis (P,)."""
    typen = inst.flextypen
    openen = np.array([f.openen for f in typen])
    exploit = np.array([f.exploitatie for f in typen])
    sluiten = np.array([f.sluiten for f in typen])
    rest = np.array([f.restwaarde for f in typen])
    return (
        np.einsum("prft,f->p", b, openen)
        + np.einsum("prft,f->p", n, exploit)
        + np.einsum("prft,f->p", s, sluiten)
        + m.sum(axis=(1, 2, 3, 4)) * inst.verplaatsing.kosten
        - np.einsum("prf,f->p", n[..., -1], rest)
    )


def _staart(q: np.ndarray, p: np.ndarray, alfa: float) -> float:
    """CVaR by the tail: mean of the worst ``1 - alfa`` probability mass (own code)."""
    rest = 1.0 - alfa
    som = 0.0
    for i in np.argsort(-q, kind="stable"):
        deel = min(p[i], rest)
        som += deel * q[i]
        rest -= deel
        if rest <= 1e-15:
            break
    return som / (1.0 - alfa)


def _doel(inst: Planinstantie, c1: float, q: np.ndarray) -> float:
    """The objective of a plan: first stage plus the risk measure of Q."""
    p = inst.scenarios.kansen
    if inst.risico.maat == "verwachting":
        return c1 + float(p @ q)
    lam = inst.risico.gewicht
    return c1 + (1 - lam) * float(p @ q) + lam * _staart(q, p, inst.risico.alfa)


def _voorraad(inst: Planinstantie, plan: Plan) -> np.ndarray:
    """Availability of any plan (R, F, T) from the stock balance."""
    r_n, f_n, t_n = plan.bestel.shape
    n = np.zeros((r_n, f_n, t_n))
    for r, reg in enumerate(inst.regios):
        for f, ft in enumerate(inst.flextypen):
            stand = float(reg.bestaand.get(ft.naam, 0))
            for t in range(t_n):
                if t >= ft.levertijd:
                    stand += plan.bestel[r, f, t - ft.levertijd]
                if t >= inst.verplaatsing.duur:
                    stand += plan.verplaats[:, r, f, t - inst.verplaatsing.duur].sum()
                stand -= plan.sluit[r, f, t] + plan.verplaats[r, :, f, t].sum()
                n[r, f, t] = stand
    return n


def _evalueer(inst: Planinstantie, tweede: _Tweede, plan: Plan) -> float:
    """The objective of one plan under ``inst.risico``, by the independent evaluator."""
    n = _voorraad(inst, plan)
    afname = plan.sluit + plan.verplaats.sum(axis=1)  # closed or moved out, (R, F, T)
    c1 = _eerste(inst, plan.bestel[None], plan.sluit[None], plan.verplaats[None], n[None])[0]
    return _doel(inst, float(c1), tweede.q(n, afname))


@dataclass(frozen=True)
class _Brute:
    """The brute-force outcome of one instance."""

    plannen: _Plannen
    c1: np.ndarray  # (P,)
    q: np.ndarray  # (P, S)
    tweede: _Tweede

    def doelen(self, inst: Planinstantie) -> np.ndarray:
        return np.array([_doel(inst, c, q) for c, q in zip(self.c1, self.q, strict=True)])


@functools.cache
def _brute(naam: str) -> tuple[Planinstantie, int, _Brute]:
    """Enumerate and evaluate once per instance (shared by the tests and risk measures)."""
    inst, box = INSTANTIES[naam]()
    pl = _plannen(inst, box)
    tweede = _Tweede(inst)
    afname = pl.afname
    q = np.stack([tweede.q(pl.beschikbaar[i], afname[i]) for i in range(pl.n)])
    c1 = _eerste(inst, pl.bestel, pl.sluit, pl.verplaats, pl.beschikbaar)
    return inst, box, _Brute(pl, c1, q, tweede)


def _in_box(plan: Plan, box: int, strikt: bool) -> bool:
    grootste = max(float(np.max(a)) for a in (plan.bestel, plan.sluit, plan.verplaats))
    return grootste < box if strikt else grootste <= box


def _gelijk(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=REL)


# --------------------------------------------------------------------------- tests


def test_staart_is_cvar() -> None:
    """The own CVaR agrees with `allocatie.planning.model.uitkomst.cvar` (also fractional tails)."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        q = rng.uniform(0, 100, 5)
        p = rng.dirichlet(np.ones(5))
        alfa = float(rng.uniform(0, 0.95))
        assert math.isclose(_staart(q, p, alfa), cvar(q, p, alfa), rel_tol=1e-9)


@pytest.mark.parametrize("naam", list(INSTANTIES))
@pytest.mark.parametrize("risico", [Risico(), CVAR], ids=["verwachting", "cvar"])
def test_oplossers_halen_het_bruteforce_minimum(naam: str, risico: Risico) -> None:
    """Extensive form and Benders reach the minimum over every feasible plan in the box."""
    inst, box, brute = _brute(naam)
    inst = replace(inst, risico=risico)
    doelen = brute.doelen(inst)
    beste = float(doelen.min())
    assert brute.plannen.n <= 50_000

    uit = los_plan_op(inst, opties=OPTIES)
    assert uit.plan is not None
    assert _gelijk(uit.doel, beste), (naam, uit.doel, beste)
    assert _gelijk(_evalueer(inst, brute.tweede, uit.plan), beste)

    ben = los_benders_op(inst, opties=BENDERS_OPTIES)
    assert ben.plan is not None and ben.objectief is not None
    assert _gelijk(ben.objectief, beste), (naam, ben.objectief, beste)
    assert _gelijk(_evalueer(inst, brute.tweede, ben.plan), beste)
    vast = Beperking("vast", ben.plan)
    ben_uit = los_plan_op(inst, vast, opties=OPTIES)
    assert _gelijk(ben_uit.doel, beste), (naam, ben_uit.doel, beste)
    controleer_plan(inst, uit, beperking=Beperking())
    controleer_plan(inst, ben_uit, beperking=vast)

    strikt = inst.verplaatsing.toegestaan  # see the module docstring
    for plan in (uit.plan, ben.plan):
        assert _in_box(plan, box, strikt), (plan, box)


@pytest.mark.parametrize("naam", list(INSTANTIES))
def test_evaluator_en_model_eens_over_willekeurige_plannen(naam: str) -> None:
    """On plans that are not optimal too (closures, moves) the model's recourse agrees.

    A seeded sample of enumerated plans is fixed in the model (`Beperking`
    ``"vast"``): its expected cost equals the independent evaluator's, and
    the outcome passes the independent check.
    """
    inst, _, brute = _brute(naam)
    pl = brute.plannen
    rng = np.random.default_rng(11)
    gekozen = rng.choice(pl.n, size=8, replace=False)
    # and the plan that closes or moves the most
    gekozen = np.append(
        gekozen, int(np.argmax(pl.sluit.sum(axis=(1, 2, 3)) + pl.verplaats.sum(axis=(1, 2, 3, 4))))
    )
    p = inst.scenarios.kansen
    for i in gekozen:
        plan = Plan(pl.bestel[i], pl.sluit[i], pl.verplaats[i])
        uit = los_plan_op(inst, Beperking("vast", plan), opties=OPTIES)
        verwacht = brute.c1[i] + float(p @ brute.q[i])
        assert _gelijk(uit.verwachting, verwacht), (naam, i, uit.verwachting, verwacht)
        assert np.allclose(uit.kosten_tweede, brute.q[i], rtol=REL, atol=REL)
        controleer_plan(inst, uit, beperking=Beperking("vast", plan))


def _vss(naam: str) -> tuple[float, float]:
    """(RP, EEV) risk-neutral: stochastic optimum, and the mean-scenario plan on all scenarios."""
    inst, _, brute = _brute(naam)
    rp = float(brute.doelen(inst).min())
    gem = los_plan_op(replace(inst, scenarios=inst.scenarios.gemiddeld()), opties=OPTIES)
    assert gem.plan is not None
    eev = _evalueer(inst, brute.tweede, gem.plan)
    return rp, eev


@pytest.mark.parametrize("naam", list(INSTANTIES))
def test_waarde_van_de_stochastische_oplossing(naam: str) -> None:
    """VSS = EEV - RP >= 0 on every instance."""
    rp, eev = _vss(naam)
    assert eev - rp >= -REL * abs(rp), (naam, rp, eev)


@pytest.mark.parametrize(
    ("naam", "rp_hand", "eev_hand"),
    [("een_regio", 1844.0, 1858.0), ("verdringing", 638.0, 693.0)],
)
def test_vss_positief_met_handwaarden(naam: str, rp_hand: float, eev_hand: float) -> None:
    """Planning for the mean scenario costs 14 and 55 (derived in `_een_regio`, `_verdringing`)."""
    rp, eev = _vss(naam)
    assert _gelijk(rp, rp_hand) and _gelijk(eev, eev_hand), (rp, eev)
    assert eev - rp > 1.0


@pytest.mark.parametrize("naam", ["een_regio", "twee_typen", "verdringing"])
def test_box_bevat_elk_haalbaar_plan(naam: str) -> None:
    """Without relocation a box one larger finds no further feasible plan (module docstring)."""
    inst, box, brute = _brute(naam)
    assert not inst.verplaatsing.toegestaan
    assert _plannen(inst, box + 1).n == brute.plannen.n


def test_verdringing_begrensd_telt() -> None:
    """On `_verdringing` the displacement bound decides the optimum: 638, not 418.

    The brute force with the bound dropped (the old, flawed rule) finds 418
    (doing nothing, derived in `_verdringing`); with it 638, which the solvers
    reach (`test_oplossers_halen_het_bruteforce_minimum`). So a model that
    ignored the bound would fail there.
    """
    inst, _, brute = _brute("verdringing")
    pl = brute.plannen
    los = _Tweede(inst, begrensd=False)
    q = np.stack([los.q(pl.beschikbaar[i], pl.afname[i]) for i in range(pl.n)])
    p = inst.scenarios.kansen
    zonder = brute.c1 + q @ p
    met = brute.c1 + brute.q @ p
    assert _gelijk(float(zonder.min()), 418.0) and _gelijk(float(met.min()), 638.0)
    niets = int(
        np.flatnonzero((pl.bestel.sum(axis=(1, 2, 3)) + pl.sluit.sum(axis=(1, 2, 3))) == 0)[0]
    )
    assert _gelijk(float(zonder[niets]), 418.0) and _gelijk(float(met[niets]), 668.0)
    uit = los_plan_op(inst, opties=OPTIES)
    assert _gelijk(uit.verwachting, 638.0)
    assert uit.verdrongen.sum(axis=(1, 2, 3, 4)) == pytest.approx([5.0, 5.0, 5.0])
