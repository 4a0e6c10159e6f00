"""Measurement for issue 16: does OR-Tools (CP-SAT, min-cost flow) serve `allocatie`?

Reads a folder of pickled sub-MIPs (``deel_NNN.pkl``: a dict with ``probleem``
(`MipProbleem`), ``gap`` and ``knopen``, written while solving a national round)
and solves each one

* with HiGHS (highspy, one thread) under the same semantics as
  ``HighsBackend.los_op(..., knopen=...)``: ``mip_max_nodes``, ``mip_rel_gap``,
  stop once the objective reaches ``doel``, the start as a MIP start;
* with CP-SAT, one worker, a fixed seed and a deterministic time budget
  (``max_deterministic_time``), after scaling the problem to integers.

Every run is repeated to check determinism (same objective and same point),
and every CP-SAT point is checked against the original (unscaled) rows.
Optionally (``--ronde``) it compares a start from ``SimpleMinCostFlow`` with
`allocatie.model.start.gretige_start` on the first level of that round.

    python -m benchmarks.ortools_meting deelproblemen/ --uitvoer ortools.md

The results are a Markdown table (``--uitvoer``); `docs/ortools.md` holds the
measurement and the decision it led to. OR-Tools is not a dependency of
`allocatie` (that decision): install it by hand to run this.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from allocatie.solvers.base import MipProbleem

#: Tolerance of the row check of a point against the original problem.
TOL = 1e-6


@dataclass
class Meting:
    """One solve: what it reached, how long it took and a fingerprint of the point."""

    solver: str
    objectief: float | None
    grens: float | None
    status: str
    wand_s: float
    cpu_s: float
    schending: float | None  # largest violation of an original row or bound
    vingerafdruk: str  # hash of the rounded point ("-" without a point)


def vingerafdruk(x: np.ndarray | None) -> str:
    """A short hash of a point rounded to 6 decimals: equal points, equal hashes."""
    if x is None:
        return "-"
    return hashlib.sha256(np.round(x, 6).tobytes()).hexdigest()[:10]


def schending(p: MipProbleem, x: np.ndarray) -> float:
    """The largest violation of a row, a bound or integrality by ``x`` (0: feasible)."""
    ax = p.A @ x
    fouten = [
        np.max(p.rij_onder - ax, initial=0.0),
        np.max(ax - p.rij_boven, initial=0.0),
        np.max(p.kol_onder - x, initial=0.0),
        np.max(x - p.kol_boven, initial=0.0),
        np.max(np.abs(x[p.geheel] - np.round(x[p.geheel])), initial=0.0),
    ]
    return float(max(fouten))


# --------------------------------------------------------------------------- HiGHS


def los_highs(p: MipProbleem, gap: float, knopen: int | None, tijdslimiet_s: float) -> Meting:
    """HiGHS as ``HighsBackend.los_op(..., knopen=...)`` solves a sub-MIP: one thread."""
    import highspy

    from allocatie.solvers.highs import _highs_lp

    t0, c0 = time.perf_counter(), time.process_time()
    h = highspy.Highs()
    h.setOptionValue("output_flag", True)  # HiGHS polls the callbacks at its log points
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(tijdslimiet_s))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("random_seed", 0)
    if knopen is not None:
        h.setOptionValue("mip_max_nodes", int(max(1, knopen)))
    if p.doel is not None:
        doel = float(p.doel)

        def genoeg(e: object) -> None:
            if e.data_out.mip_primal_bound <= doel:  # type: ignore[attr-defined]
                e.interrupt()  # type: ignore[attr-defined]

        h.cbMipInterrupt += genoeg
    h.passModel(_highs_lp(p, geheel=True))
    if p.start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = p.start.astype(float).tolist()
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    wand, cpu = time.perf_counter() - t0, time.process_time() - c0
    info = h.getInfo()
    heeft = info.primal_solution_status == 2
    x = np.asarray(h.getSolution().col_value, dtype=float) if heeft else None
    grens = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    return Meting(
        solver="HiGHS",
        objectief=float(p.c @ x) if x is not None else None,
        grens=grens,
        status=f"{h.modelStatusToString(h.getModelStatus())}, {int(info.mip_node_count)} kn",
        wand_s=wand,
        cpu_s=cpu,
        schending=schending(p, x) if x is not None else None,
        vingerafdruk=vingerafdruk(x),
    )


# --------------------------------------------------------------------------- CP-SAT


@dataclass
class Geschaald:
    """A `MipProbleem` in integers: ``v = y / kolomschaal``, row ``i`` times ``rijschaal[i]``."""

    kolomschaal: np.ndarray
    rijschaal: np.ndarray
    B: sp.csr_array  # integer coefficients of y
    onder: np.ndarray  # integer row bounds (None-like: very large)
    boven: np.ndarray
    y_onder: np.ndarray
    y_boven: np.ndarray
    kosten: np.ndarray  # integer objective over y
    kostenschaal: float
    exact: bool  # every scaled coefficient was an integer (no rounding)


def _macht(waarden: np.ndarray, max_macht: int = 6) -> tuple[float, bool]:
    """The smallest ``10**k`` (k <= max_macht) that makes ``waarden`` integers; exact or not."""
    for k in range(max_macht + 1):
        s = 10.0**k
        w = waarden * s
        if np.all(np.abs(w - np.round(w)) <= 1e-9 * np.maximum(1.0, np.abs(w))):
            return s, True
    return 10.0**max_macht, False


def schaal(p: MipProbleem, continu_schaal: float = 1000.0, groot: float = 1e7) -> Geschaald:
    """Scale ``p`` to integer data for CP-SAT.

    Integer columns keep their scale; a continuous column becomes ``y / s`` with
    ``s = 1`` when all its coefficients are +-1 (``tekort``, ``over``: integral
    once the counts are, with integer row bounds) and ``continu_schaal``
    otherwise (a min-max ratio like ``zmax``, coefficient ``-opgave``: its exact
    values have denominators up to the lcm of the ``opgave``s, no practical
    grid holds them). That is a *restriction* to a grid:
    every CP-SAT point is feasible for ``p`` (checked), but its value can be worse
    than the true optimum by up to the grid times the cost. Each row is then
    multiplied by the smallest power of ten that makes it integral (up to 1e6; a
    row that still is not is rounded, ``exact=False``). Row bounds are rounded
    inward (ceil of the lower, floor of the upper), exact for integral rows.
    Infinite column bounds become ``groot``.
    """
    n = p.n_kolommen
    A = sp.csc_array(p.A)
    ks = np.ones(n)
    geen_int = ~p.geheel
    for j in np.flatnonzero(geen_int):
        kol = A.data[A.indptr[j] : A.indptr[j + 1]]
        ks[j] = 1.0 if np.all(np.abs(kol) == 1.0) else continu_schaal
    A2 = sp.csr_array(A @ sp.diags_array(1.0 / ks))
    rs = np.ones(A2.shape[0])
    exact = True
    for i in range(A2.shape[0]):
        rij = A2.data[A2.indptr[i] : A2.indptr[i + 1]]
        s, ok = _macht(rij)
        rs[i] = s
        exact &= ok
    B = sp.csr_array(sp.diags_array(rs) @ A2)
    B.data = np.round(B.data)
    onder = np.where(np.isinf(p.rij_onder), -np.inf, np.ceil(rs * p.rij_onder - 1e-9))
    boven = np.where(np.isinf(p.rij_boven), np.inf, np.floor(rs * p.rij_boven + 1e-9))
    y_onder = np.where(np.isinf(p.kol_onder), -groot, np.ceil(p.kol_onder * ks - 1e-9))
    y_boven = np.where(np.isinf(p.kol_boven), groot, np.floor(p.kol_boven * ks + 1e-9))
    cy = p.c / ks
    kschaal, okc = _macht(cy)
    return Geschaald(
        ks, rs, B, onder, boven, y_onder, y_boven, np.round(cy * kschaal), kschaal, exact and okc
    )


def cpsat_model(g: Geschaald, start: np.ndarray | None):
    """The CP-SAT model of a scaled problem; ``start`` (original space) as a hint."""
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    y = [
        m.new_int_var(int(lo), int(hi), "")
        for lo, hi in zip(g.y_onder.tolist(), g.y_boven.tolist(), strict=True)
    ]
    B = g.B
    for i in range(B.shape[0]):
        a, b = B.indptr[i], B.indptr[i + 1]
        if a == b:
            continue
        expr = cp_model.LinearExpr.weighted_sum(
            [y[j] for j in B.indices[a:b].tolist()], B.data[a:b].astype(np.int64).tolist()
        )
        lo, hi = g.onder[i], g.boven[i]
        if np.isfinite(lo) and np.isfinite(hi):
            m.add_linear_constraint(expr, int(lo), int(hi))
        elif np.isfinite(hi):
            m.add(expr <= int(hi))
        elif np.isfinite(lo):
            m.add(expr >= int(lo))
    nz = np.flatnonzero(g.kosten)
    m.minimize(
        cp_model.LinearExpr.weighted_sum(
            [y[j] for j in nz.tolist()], g.kosten[nz].astype(np.int64).tolist()
        )
    )
    if start is not None:
        # On a grid column (a ratio like ``zmax``, which bounds others from above)
        # round up, so the hint keeps its rows; counts are integers already.
        w = np.where(g.kolomschaal > 1, np.ceil(start * g.kolomschaal - 1e-9), np.round(start))
        for j, wj in enumerate(np.clip(w, g.y_onder, g.y_boven).tolist()):
            m.add_hint(y[j], int(wj))
    return m, y


def los_cpsat(
    p: MipProbleem,
    gap: float,
    budget: float,
    tijdslimiet_s: float,
    *,
    seed: int = 0,
    continu_schaal: float = 1000.0,
    verweven: int = 0,
) -> tuple[Meting, bool]:
    """CP-SAT, one worker, ``max_deterministic_time = budget``; (measurement, exact scaling).

    ``verweven > 0``: that many subsolvers (portfolio incl. feasibility jump and
    LNS) interleaved on one thread (``interleave_search``), deterministic too.

    ``doel`` is honoured by a solution callback that stops the search once the
    (original) objective reaches it: with one worker the sequence of solutions
    is deterministic, so the stop is too.
    """
    from ortools.sat.python import cp_model

    t0, c0 = time.perf_counter(), time.process_time()
    g = schaal(p, continu_schaal)
    m, y = cpsat_model(g, p.start)
    bouw_s = time.perf_counter() - t0
    s = cp_model.CpSolver()
    if verweven:
        s.parameters.num_workers = verweven
        s.parameters.interleave_search = True
    else:
        s.parameters.num_workers = 1
    s.parameters.random_seed = seed
    s.parameters.max_deterministic_time = float(budget)
    s.parameters.max_time_in_seconds = float(tijdslimiet_s)
    s.parameters.relative_gap_limit = float(gap)
    s.parameters.log_search_progress = False

    class _Doel(cp_model.CpSolverSolutionCallback):
        def __init__(self, doel: float) -> None:
            super().__init__()
            self.doel = doel

        def on_solution_callback(self) -> None:
            if self.objective_value / g.kostenschaal <= self.doel + 1e-9:
                self.stop_search()

    cb = _Doel(float(p.doel)) if p.doel is not None else None
    status = s.solve(m, cb)
    wand, cpu = time.perf_counter() - t0, time.process_time() - c0
    x = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        yv = np.array([s.value(v) for v in y], dtype=float)
        x = yv / g.kolomschaal
    grens = s.best_objective_bound / g.kostenschaal if x is not None else None
    return (
        Meting(
            solver=f"CP-SAT dt={budget:g}" + (f" verweven {verweven}" if verweven else ""),
            objectief=float(p.c @ x) if x is not None else None,
            grens=grens,
            status=(
                f"{s.status_name(status)}, dt {s.deterministic_time:.1f}, "
                f"bouw {bouw_s:.1f} s + zoek {s.wall_time:.1f} s"
            ),
            wand_s=wand,
            cpu_s=cpu,
            schending=schending(p, x) if x is not None else None,
            vingerafdruk=vingerafdruk(x),
        ),
        g.exact,
    )


# --------------------------------------------------------------------------- flow


def stroom_start(model, opgave: np.ndarray, *, ontspannen: bool = True) -> np.ndarray:
    """An integral start from ``SimpleMinCostFlow`` on the transport core of ``model``.

    The core is households per type -> options -> sink, counted in households.
    A flow cannot carry person-weighted capacities (a household of five uses
    five places), so an option's arc gets the *relaxed* capacity: its tightest
    own capacity row divided by the smallest coefficient (the most households
    that could fit); region rows span several options and are left out. The
    arcs reward placing (the level ``onbediend``) with the pair cost as
    tie-break. ``ontspannen=False``: divide by the largest coefficient instead
    (a restriction: every option row holds, fewer households fit). The flow is
    optimal for that network; the rows it then
    violates are repaired by removing the largest households first, and the
    counts go through `allocatie.model.start._met_afgeleide` as the greedy
    start's do.
    """
    from ortools.graph.python import min_cost_flow

    from allocatie.model.start import CAPACITEITSRIJEN, _met_afgeleide

    v0 = model.startoplossing(opgave)
    X = model.kolommen["x"]
    typen = model.typen
    Q = typen.n_paren
    need = model.rijen["need"]
    N = sp.csc_array(model.A[need.start : need.stop, X]).tocoo()
    personen_q = np.ones(Q)
    personen_q[N.col] = np.maximum(N.data, 1.0)
    onbediend = v0[model.kolommen["onbediend"]]
    # Capacity rows that hold only one column family per option: per row, the
    # number of households of its largest type that fit.
    rijen = [model.rijen[f] for f in CAPACITEITSRIJEN if f in model.rijen]
    idx = np.concatenate([np.arange(s.start, s.stop) for s in rijen])
    C = sp.csr_array(model.A[idx][:, X])
    boven = model.rij_boven[idx]
    # Option id of a pair (`typen.o`), options as network nodes.
    opties = np.asarray(typen.o)
    n_t = len(typen)
    uniek, o_idx = np.unique(opties, return_inverse=True)
    n_o = len(uniek)
    # Capacity of option node: min over rows touching only that option's pairs.
    cap_o = np.full(n_o, np.inf)
    for r in range(C.shape[0]):
        a, b = C.indptr[r], C.indptr[r + 1]
        kol = C.indices[a:b]
        if len(kol) == 0:
            continue
        os_ = np.unique(o_idx[kol])
        if len(os_) != 1:
            continue  # a region row: repaired afterwards
        coef = C.data[a:b]
        deler = coef.min() if ontspannen else coef.max()
        cap_o[os_[0]] = min(cap_o[os_[0]], math.floor(boven[r] / deler + 1e-9))
    totaal = int(onbediend.sum())
    cap_o = np.minimum(cap_o, totaal)
    t_van = np.asarray(typen.t)
    kosten = np.asarray(typen.kosten, dtype=float)
    schaal_k = 1000.0 / max(1.0, float(np.max(np.abs(kosten), initial=1.0)))
    # Nodes: 0 source, 1..n_t types, then options, then sink. Arcs in this order:
    # source -> type (its households), type -> option (a pair), option -> sink
    # (its capacity), source -> sink (unplaced).
    bron, put = 0, 1 + n_t + n_o
    f = min_cost_flow.SimpleMinCostFlow()
    start = np.concatenate(
        [np.zeros(n_t, dtype=np.int64), 1 + t_van, 1 + n_t + np.arange(n_o), [bron]]
    ).astype(np.int64)
    eind = np.concatenate([1 + np.arange(n_t), 1 + n_t + o_idx, np.full(n_o, put), [put]]).astype(
        np.int64
    )
    capaciteit = np.concatenate([onbediend, np.full(Q, totaal), cap_o, [totaal]]).astype(np.int64)
    # Placing a household saves 10^6; the pair cost (scaled to <= 1000) breaks ties.
    arc_kost = np.concatenate(
        [np.zeros(n_t), np.round(kosten * schaal_k) - 1_000_000, np.zeros(n_o), [0]]
    ).astype(np.int64)
    f.add_arcs_with_capacity_and_unit_cost(start, eind, capaciteit, arc_kost)
    f.set_node_supply(bron, totaal)
    f.set_node_supply(put, -totaal)
    status = f.solve()
    if status != f.OPTIMAL:
        raise RuntimeError(f"min-cost flow: status {status}")
    stroom = f.flows(np.arange(n_t, n_t + Q)).astype(float)  # the type -> option arcs
    xv = v0[X] + stroom
    # Repair every violated capacity row by removing households, largest first.
    Ck = sp.csc_array(C)
    ruimte = boven - C @ xv
    for r in np.flatnonzero(ruimte < -1e-9).tolist():
        a, b = C.indptr[r], C.indptr[r + 1]
        for k in np.argsort(-C.data[a:b]).tolist():
            if ruimte[r] >= -1e-9:
                break
            q = C.indices[a + k]
            weg = min(math.ceil(-ruimte[r] / C.data[a + k] - 1e-9), int(stroom[q]))
            if weg <= 0:
                continue
            xv[q] -= weg
            stroom[q] -= weg
            ka, kb = Ck.indptr[q], Ck.indptr[q + 1]
            ruimte[Ck.indices[ka:kb]] += weg * Ck.data[ka:kb]
    over_n = onbediend - np.bincount(t_van, weights=xv - v0[X], minlength=n_t)
    return _met_afgeleide(model, opgave, xv, over_n)


def meet_stroom(
    ronde: Path, *, referentie: bool = False
) -> list[tuple[str, float, float, float, float]]:
    """(start, ``onbediend``, ``tekort``, wall s, CPU s) for greedy and flow on ``ronde``."""
    from allocatie import laad_ronde
    from allocatie.model.bouw import bouw_model
    from allocatie.model.start import gretige_start

    cache = ronde / ".inst.pkl"
    inst = pickle.loads(cache.read_bytes()) if cache.exists() else laad_ronde(ronde)
    model = bouw_model(inst)
    opgave = inst.gemeenten["opgave"].to_numpy(float)
    uit = []
    starts = (
        ("gretig (gretige_start)", gretige_start),
        ("min-cost flow, ontspannen + reparatie", stroom_start),
        (
            "min-cost flow, beperkt + reparatie",
            lambda m, o: stroom_start(m, o, ontspannen=False),
        ),
    )
    for naam, fn in starts:
        t0, c0 = time.perf_counter(), time.process_time()
        v = fn(model, opgave)
        wand, cpu = time.perf_counter() - t0, time.process_time() - c0
        ax = model.A @ v
        fout = max(
            np.max(model.rij_onder - ax, initial=0.0), np.max(ax - model.rij_boven, initial=0.0)
        )
        if fout > TOL:
            naam += f" (ONTOELAATBAAR {fout:.3g})"
        uit.append(
            (
                naam,
                float(model.doelen["onbediend"] @ v),
                float(model.doelen["tekort"] @ v),
                wand,
                cpu,
            )
        )
    if referentie:
        # The level itself by HiGHS as a sub-MIP (500 nodes, gap 0.005, one thread),
        # from the greedy start: how far the starts are from the level's optimum.
        p = MipProbleem(
            c=model.doelen["onbediend"],
            A=model.A,
            rij_onder=model.rij_onder,
            rij_boven=model.rij_boven,
            kol_onder=model.kol_onder,
            kol_boven=model.kol_boven,
            geheel=model.geheel,
            start=gretige_start(model, opgave),
        )
        m = los_highs(p, 0.005, 500, 60.0)
        uit.append(
            (
                f"HiGHS-MIP van het niveau vanuit gretig (referentie; grens {_getal(m.grens)}; "
                f"{m.status})",
                m.objectief if m.objectief is not None else math.nan,
                math.nan,
                m.wand_s,
                m.cpu_s,
            )
        )
    return uit


# --------------------------------------------------------------------------- report


def _getal(w: float | None, cijfers: int = 6) -> str:
    return "-" if w is None else f"{w:.{cijfers}g}"


def main(argv: list[str] | None = None) -> int:
    """Command line: measure and write the Markdown table."""
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.ortools_meting",
        description=(
            "Meet HiGHS tegen CP-SAT (OR-Tools) op opgeslagen deelproblemen "
            "(deel_NNN.pkl) en, met --ronde, de startoplossing van min-cost flow "
            "tegen de gretige start. Schrijft een Markdown-tabel."
        ),
    )
    ap.add_argument("map", type=Path, help="map met deel_NNN.pkl-bestanden")
    ap.add_argument(
        "--uitvoer", type=Path, default=Path("ortools_meting.md"), help="Markdown-uitvoer"
    )
    ap.add_argument(
        "--budgetten",
        default="2,10",
        help="deterministische tijdsbudgetten van CP-SAT, kommagescheiden (standaard 2,10)",
    )
    ap.add_argument("--herhalingen", type=int, default=3, help="herhalingen per oplossing")
    ap.add_argument(
        "--tijdslimiet", type=float, default=60.0, help="vangnet per oplossing in seconden"
    )
    ap.add_argument("--max", type=int, default=None, help="hoogstens zoveel deelproblemen")
    ap.add_argument("--alleen", default=None, help="alleen deze bestanden (kommagescheiden)")
    ap.add_argument(
        "--continu-schaal",
        type=float,
        default=1000.0,
        help="rooster voor niet-gehele continue kolommen bij CP-SAT (standaard 1000)",
    )
    ap.add_argument(
        "--verweven",
        type=int,
        default=0,
        help="CP-SAT met zoveel deeloplossers verweven op één thread (interleave_search); "
        "0 = één werker (standaard)",
    )
    ap.add_argument("--ronde", type=Path, default=None, help="ronde voor de stroomvergelijking")
    ap.add_argument("--geen-highs", action="store_true", help="sla HiGHS over")
    args = ap.parse_args(argv)
    try:
        import ortools  # noqa: F401
    except ImportError:
        print(
            "OR-Tools is geen afhankelijkheid van allocatie (zie docs/ortools.md); "
            "installeer het voor deze meting: .venv/bin/pip install 'ortools>=9.8'",
            file=sys.stderr,
        )
        return 2
    budgetten = [float(b) for b in args.budgetten.split(",") if b]
    bestanden = sorted(args.map.glob("deel_*.pkl"))
    if args.alleen:
        gekozen = set(args.alleen.split(","))
        bestanden = [b for b in bestanden if b.name in gekozen or b.stem in gekozen]
    if args.max is not None:
        bestanden = bestanden[: args.max]

    regels = [
        "| deel | kolommen (geheel) | rijen | gap | knopen | doel | start | solver | "
        "objectief | grens | status | wand s | CPU s | schending | deterministisch |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def schrijf() -> None:
        args.uitvoer.write_text("\n".join(regels) + "\n")

    for pad in bestanden:
        d = pickle.loads(pad.read_bytes())
        p: MipProbleem = d["probleem"]
        gap, knopen = float(d["gap"]), d["knopen"]
        kop = (
            f"| {pad.stem} | {p.n_kolommen} ({int(p.geheel.sum())}) | {p.n_rijen} | {gap:g} | "
            f"{knopen} | {_getal(p.doel)} | {'ja' if p.start is not None else 'nee'} | "
        )
        startwaarde = float(p.c @ p.start) if p.start is not None else None
        print(f"{pad.name}: {p.n_kolommen} kolommen, start {startwaarde}", flush=True)
        taken: list[float | None] = [] if args.geen_highs else [None]
        taken += budgetten
        for budget in taken:
            runs = [
                los_highs(p, gap, knopen, args.tijdslimiet)
                if budget is None
                else los_cpsat(
                    p,
                    gap,
                    budget,
                    args.tijdslimiet,
                    continu_schaal=args.continu_schaal,
                    verweven=args.verweven,
                )[0]
                for _ in range(args.herhalingen)
            ]
            for r in runs:
                print(
                    f"  {r.solver}: obj {r.objectief} grens {r.grens} {r.status} "
                    f"wand {r.wand_s:.2f} cpu {r.cpu_s:.2f} schending {r.schending} "
                    f"{r.vingerafdruk}",
                    flush=True,
                )
            zelfde = len({(r.objectief, r.vingerafdruk) for r in runs}) == 1
            r0 = runs[0]
            wand = "/".join(f"{r.wand_s:.1f}" for r in runs)
            cpu = "/".join(f"{r.cpu_s:.1f}" for r in runs)
            regels.append(
                kop + f"{r0.solver} | {_getal(r0.objectief)} | {_getal(r0.grens)} | "
                f"{r0.status} | {wand} | {cpu} | {_getal(r0.schending, 2)} | "
                f"{'ja' if zelfde else 'NEE'} ({len(runs)}x) |"
            )
            schrijf()
    if args.ronde is not None:
        regels += [
            "",
            f"Startoplossing op de ronde `{args.ronde}` (eerste niveau `onbediend`):",
            "",
            "| start | onbediend | tekort | wand s | CPU s |",
            "|---|---|---|---|---|",
        ]
        for i in range(args.herhalingen):
            laatste = i == args.herhalingen - 1
            for naam, onb, tek, wand, cpu in meet_stroom(args.ronde, referentie=laatste):
                print(f"  {naam}: onbediend {onb} tekort {tek} wand {wand:.2f} cpu {cpu:.2f}")
                onb_s, tek_s = (_getal(w) if math.isfinite(w) else "-" for w in (onb, tek))
                regels.append(f"| {naam} | {onb_s} | {tek_s} | {wand:.2f} | {cpu:.2f} |")
            schrijf()
    schrijf()
    print(f"geschreven: {args.uitvoer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
