"""Benchmark of location choice (issue 22, part 2): allocatie's HiGHS models beside pysal spopt.

Per family and model (``pmediaan``, ``dekking``, ``capaciteit``) the same instance
(demand points, weights, candidate sites and the travel-time matrix, built once by
`allocatie.locaties.invoer.bouw_probleem`) is solved by

- ``allocatie``: `allocatie.locaties.oplossen.kies_locaties` (sparse arrays, HiGHS,
  one thread, gap 0);
- ``spopt-highs``: spopt's ``PMedian`` / ``MCLP`` ``from_cost_matrix`` solved by PuLP's
  HiGHS interface (one thread, gap 0): the same solver, spopt's model building;
- ``spopt-cbc``: the same spopt model with PuLP's bundled CBC (spopt's usual solver).

The capacitated model is spopt's ``PMedian`` with ``facility_capacities``: binary
assignment, i.e. single sourcing, so allocatie runs ``toewijzing="enkelvoudig"``.
Every run is a fresh Python process (``python -m benchmarks.locaties --run ...``);
it reports the wall time of building and solving (reading the files excluded) and
the peak resident memory of the process and of its children (CBC runs as a child
process). Each measurement is repeated; the report gives the median and the
ratios against allocatie, and checks that every engine reaches the same optimum.

The families skip cleanly without the real 2024 data (``nl2024``) or without spopt
(the optional extra ``benchmark``: ``pip install -e '.[benchmark]'``).

Run on its own::

    python -m benchmarks.locaties --families locaties-nl2024-k8 --herhalingen 3
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import registry
from benchmarks.registry import PROJECT

ENGINES: tuple[str, ...] = ("allocatie", "spopt-highs", "spopt-cbc")
MODELLEN: tuple[str, ...] = ("pmediaan", "dekking", "capaciteit")


@dataclass(frozen=True)
class Locatiefamilie:
    """One location benchmark instance."""

    naam: str
    tier: str
    beschrijving: str
    k: int
    limiet_min: float  # coverage radius of ``dekking``
    capaciteitsfactor: float  # capacity of every site = factor * total demand / k
    tijdslimiet_s: float
    echt: bool  # needs the real 2024 data
    herhalingen: int = 1  # runs per (model, engine) unless the caller says otherwise
    gewicht_kolom: str = "inwoners"


LOCATIEFAMILIES: tuple[Locatiefamilie, ...] = (
    Locatiefamilie(
        naam="locaties-voorbeeld",
        tier="smoke",
        beschrijving="locatiekeuze: 12 gemeenten van de voorbeeldprovincie, 12 kandidaten, k = 3",
        k=3,
        limiet_min=20.0,
        capaciteitsfactor=1.3,
        tijdslimiet_s=60.0,
        echt=False,
    ),
    Locatiefamilie(
        naam="locaties-nl2024-k8",
        tier="full",
        beschrijving="locatiekeuze: 342 gemeenten (CBS 2024), vraag = inwoners, alle gemeenten "
        "kandidaat, k = 8",
        k=8,
        limiet_min=30.0,
        capaciteitsfactor=2.0,
        tijdslimiet_s=900.0,
        echt=True,
        herhalingen=3,
    ),
)


def locatiefamilies(tier: str, namen: list[str] | None = None) -> list[Locatiefamilie]:
    """The location families of ``tier`` (or the named ones, any tier)."""
    if namen:
        return [f for f in LOCATIEFAMILIES if f.naam in namen]
    return [f for f in LOCATIEFAMILIES if f.tier == tier]


def heeft_spopt() -> bool:
    """Whether the optional benchmark extra (spopt, PuLP) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("spopt", "pulp"))


def reden_overslaan(fam: Locatiefamilie) -> str | None:
    """Why ``fam`` cannot run here (None: it can)."""
    if fam.echt and not (registry.GPKG.is_file() and registry.INWONERS.is_file()):
        return (
            f"echte data 2024 niet gevonden in {registry.NL2024} "
            f"(geef een map met --nl2024 of {registry.NL2024_ENV})"
        )
    return None


def probleem(fam: Locatiefamilie):  # type: ignore[no-untyped-def]
    """The instance of ``fam`` (all gemeenten as candidates, uniform capacity)."""
    from allocatie.locaties.invoer import bouw_probleem

    if fam.echt:
        gem = f"{registry.GPKG}:gemeente_gegeneraliseerd"
        return bouw_probleem(gem, registry.INWONERS, gewicht_kolom=fam.gewicht_kolom).probleem
    vb = PROJECT / "data" / "voorbeeld" / "gemeenten.geojson"
    vraag = PROJECT / "data" / "locaties" / "vraag.csv"
    return bouw_probleem(vb, vraag, gewicht_kolom=fam.gewicht_kolom).probleem


def _piek_mb() -> tuple[float, float]:
    eigen = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kind = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return eigen, kind


def _run_allocatie(p, fam: Locatiefamilie, model: str, cap) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from allocatie.locaties.oplossen import STANDAARD_OPTIES, kies_locaties
    from allocatie.locaties.probleem import Modelkeuze

    keuze = Modelkeuze(
        model=model, k=fam.k, limiet_min=fam.limiet_min if model == "dekking" else None
    )
    if model == "capaciteit":
        p = replace(p, capaciteit=cap)
    opties = replace(STANDAARD_OPTIES, tijdslimiet_s=fam.tijdslimiet_s)
    u = kies_locaties(p, keuze, opties=opties)
    assert u.doel is not None
    waarde = p.totale_vraag - u.doel if model == "dekking" else u.doel
    return {
        "status": u.status.value,
        "objective": waarde,
        "bound": None
        if u.grens is None
        else (p.totale_vraag - u.grens if model == "dekking" else u.grens),
        "gap": u.gap,
        "gekozen": sorted(u.gekozen_ids),
        "klok": u.klok,
        "solver": u.solver,
    }


def _run_spopt(p, fam: Locatiefamilie, model: str, cap, engine: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    import numpy as np
    import pulp
    from spopt.locate import MCLP, PMedian

    if engine == "spopt-highs":
        solver = pulp.HiGHS(msg=False, threads=1, gapRel=0.0, timeLimit=fam.tijdslimiet_s)
    else:
        solver = pulp.PULP_CBC_CMD(msg=False, threads=1, gapRel=0.0, timeLimit=fam.tijdslimiet_s)
    t = np.asarray(p.minuten, dtype=float)
    w = np.asarray(p.gewicht, dtype=float)
    if model == "dekking":
        m = MCLP.from_cost_matrix(t, w, service_radius=fam.limiet_min, p_facilities=fam.k)
    elif model == "capaciteit":
        m = PMedian.from_cost_matrix(t, w, p_facilities=fam.k, facility_capacities=cap)
    else:
        m = PMedian.from_cost_matrix(t, w, p_facilities=fam.k)
    m = m.solve(solver, results=False)
    status = pulp.LpStatus[m.problem.status]
    gekozen = sorted(
        p.kandidaat_ids[j] for j, y in enumerate(m.fac_vars) if (y.value() or 0.0) > 0.5
    )
    return {
        "status": "optimaal" if status == "Optimal" else status.lower(),
        "objective": float(pulp.value(m.problem.objective)),
        "bound": None,
        "gap": None,
        "gekozen": gekozen,
        "klok": False,
        "solver": f"spopt + {solver.name}",
    }


def _run(fam: Locatiefamilie, model: str, engine: str) -> dict[str, Any]:
    """One measurement in this process; returns its record."""
    import numpy as np

    t0 = time.perf_counter()
    p = probleem(fam)
    laden_s = time.perf_counter() - t0
    cap = np.full(p.n_kandidaten, fam.capaciteitsfactor * p.totale_vraag / fam.k)
    # import the engine's packages before the clock starts (spopt pulls in a lot)
    if engine == "allocatie":
        import allocatie.locaties.oplossen  # noqa: F401
    else:
        import pulp  # noqa: F401
        import spopt.locate  # noqa: F401
    voor_eigen, _ = _piek_mb()
    t1 = time.perf_counter()
    if engine == "allocatie":
        uit = _run_allocatie(p, fam, model, cap)
    else:
        uit = _run_spopt(p, fam, model, cap, engine)
    wall = time.perf_counter() - t1
    eigen, kind = _piek_mb()
    return {
        "instance": fam.naam,
        "model": model,
        "engine": engine,
        "gemeenten": p.n_vraag,
        "kandidaten": p.n_kandidaten,
        "k": fam.k,
        "laden_s": laden_s,
        "wall_s": wall,
        "peak_mb": max(eigen, kind),
        "peak_mb_voor_oplossen": voor_eigen,
        **uit,
    }


def meet(fam: Locatiefamilie, model: str, engine: str, timeout_s: float) -> dict[str, Any]:
    """One measurement in a fresh Python process (its own peak memory)."""
    cmd = [sys.executable, "-m", "benchmarks.locaties", "--run", fam.naam, model, engine]
    t0 = time.perf_counter()
    basis: dict[str, Any] = {"instance": fam.naam, "model": model, "engine": engine}
    try:
        r = subprocess.run(
            cmd, cwd=PROJECT, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return {**basis, "status": "afgebroken", "wall_s": time.perf_counter() - t0}
    if r.returncode != 0:
        fout = (r.stderr.strip().splitlines() or ["?"])[-1]
        return {**basis, "status": "fout", "fout": fout, "wall_s": time.perf_counter() - t0}
    return json.loads(r.stdout.strip().splitlines()[-1])


def _mediaan(runs: list[dict[str, Any]], sleutel: str) -> float | None:
    w = [r[sleutel] for r in runs if r.get(sleutel) is not None]
    return statistics.median(w) if w else None


def voer_uit(
    gekozen: list[Locatiefamilie],
    meld: Any,
    herhalingen: int | None = None,
    modellen: tuple[str, ...] = MODELLEN,
    engines: tuple[str, ...] = ENGINES,
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Run every family's measurements; returns the records and what was skipped."""
    records: list[dict[str, Any]] = []
    overgeslagen: list[dict[str, str]] = []
    if not heeft_spopt():
        engines = tuple(e for e in engines if e == "allocatie")
    if not heeft_spopt():
        overgeslagen.append(
            {
                "wat": "spopt-vergelijking locatiekeuze",
                "reden": "spopt/PuLP niet geïnstalleerd (pip install -e '.[benchmark]')",
            }
        )
    for fam in gekozen:
        reden = reden_overslaan(fam)
        if reden is not None:
            meld(f"[{fam.naam}] overgeslagen: {reden}")
            overgeslagen.append({"wat": fam.naam, "reden": reden})
            continue
        meld(f"[{fam.naam}] {fam.beschrijving}")
        for model in modellen:
            for engine in engines:
                for i in range(1, (herhalingen or fam.herhalingen) + 1):
                    r = meet(fam, model, engine, timeout_s=fam.tijdslimiet_s * 2 + 120)
                    r["herhaling"] = i
                    records.append(r)
                    meld(
                        f"  [{fam.naam}] {model:10} {engine:11} #{i} -> {r.get('status')}, "
                        f"wall {r['wall_s']:.1f} s, piek {r.get('peak_mb') or 0:.0f} MB, "
                        f"doel {r.get('objective')}"
                    )
    return records, overgeslagen


def samenvatting(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (family, model, engine): medians, ratios against allocatie, same optimum."""
    groepen: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in records:
        groepen.setdefault((r["instance"], r["model"], r["engine"]), []).append(r)
    uit = []
    for (fam, model, engine), runs in groepen.items():
        ref = groepen.get((fam, model, "allocatie"), [])
        doel = _mediaan(runs, "objective")
        ref_doel = _mediaan(ref, "objective")
        wall, ref_wall = _mediaan(runs, "wall_s"), _mediaan(ref, "wall_s")
        piek, ref_piek = _mediaan(runs, "peak_mb"), _mediaan(ref, "peak_mb")
        zelfde = (
            None
            if doel is None or ref_doel is None
            else abs(doel - ref_doel) <= 1e-6 * max(1.0, abs(ref_doel))
        )
        uit.append(
            {
                "instance": fam,
                "model": model,
                "engine": engine,
                "runs": len(runs),
                "status": sorted({str(r.get("status")) for r in runs}),
                "objective": doel,
                "zelfde_optimum": zelfde,
                "wall_s": wall,
                "wall_min": min((r["wall_s"] for r in runs), default=None),
                "wall_max": max((r["wall_s"] for r in runs), default=None),
                "peak_mb": piek,
                "tijdverhouding": None if not (wall and ref_wall) else wall / ref_wall,
                "geheugenverhouding": None if not (piek and ref_piek) else piek / ref_piek,
                "gekozen": runs[0].get("gekozen"),
            }
        )
    return uit


def mislukte_run(r: dict[str, Any]) -> bool:
    """A record that makes the suite fail: allocatie not optimal, or an error."""
    if r.get("engine") == "allocatie":
        return r.get("status") != "optimaal"
    return r.get("status") == "fout"


def markdown(records: list[dict[str, Any]]) -> str:
    """The location section of the benchmark report (Dutch)."""
    if not records:
        return ""
    regels = [
        "## Locatiekeuze (issue 22, deel 2): allocatie naast spopt",
        "",
        "| familie | model | engine | runs | status | doel | zelfde optimum | wall mediaan (s) "
        "| min–max (s) | piek (MB) | tijd × | geheugen × |",
        "|---|---|---|---:|---|---:|---|---:|---:|---:|---:|---:|",
    ]

    def getal(x: float | None, d: int = 1) -> str:
        return "-" if x is None else f"{x:,.{d}f}"

    for s in samenvatting(records):
        zelfde = {True: "ja", False: "NEE", None: "-"}[s["zelfde_optimum"]]
        regels.append(
            f"| {s['instance']} | {s['model']} | {s['engine']} | {s['runs']} | "
            f"{', '.join(s['status'])} | {getal(s['objective'], 0)} | {zelfde} | "
            f"{getal(s['wall_s'])} | {getal(s['wall_min'])}–{getal(s['wall_max'])} | "
            f"{getal(s['peak_mb'], 0)} | {getal(s['tijdverhouding'], 2)} | "
            f"{getal(s['geheugenverhouding'], 2)} |"
        )
    regels.append("")
    regels.append(
        "tijd × en geheugen × zijn de verhouding tot allocatie op hetzelfde model (mediaan over "
        "de herhalingen); piek = grootste RSS van het proces of zijn kindproces (CBC)."
    )
    return "\n".join(regels) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``--run FAMILIE MODEL ENGINE`` (one measurement, JSON on stdout) or a whole run."""
    a = argparse.ArgumentParser(prog="python -m benchmarks.locaties")
    a.add_argument("--run", nargs=3, metavar=("FAMILIE", "MODEL", "ENGINE"))
    a.add_argument("--families", help="kommagescheiden; standaard die van --tier")
    a.add_argument("--tier", default="smoke", choices=registry.TIERS)
    a.add_argument("--herhalingen", type=int, default=None, help="standaard die van de familie")
    a.add_argument("--modellen", help=f"kommagescheiden, uit {','.join(MODELLEN)}")
    a.add_argument("--engines", help=f"kommagescheiden, uit {','.join(ENGINES)}")
    a.add_argument("--nl2024", type=Path, default=None)
    a.add_argument("--uitvoer", type=Path, default=None, help="schrijf records als JSON hierheen")
    args = a.parse_args(argv)
    if args.nl2024 is not None:
        registry.zet_nl2024(args.nl2024)
    if args.run:
        fam = next(f for f in LOCATIEFAMILIES if f.naam == args.run[0])
        print(json.dumps(_run(fam, args.run[1], args.run[2])))
        return 0
    namen = [n for n in (args.families or "").split(",") if n]
    records, overgeslagen = voer_uit(
        locatiefamilies(args.tier, namen or None),
        lambda t: print(t, file=sys.stderr, flush=True),
        args.herhalingen,
        tuple(args.modellen.split(",")) if args.modellen else MODELLEN,
        tuple(args.engines.split(",")) if args.engines else ENGINES,
    )
    for o in overgeslagen:
        print(f"overgeslagen: {o['wat']}: {o['reden']}", file=sys.stderr)
    print(markdown(records))
    if args.uitvoer is not None:
        args.uitvoer.write_text(
            json.dumps({"records": records, "samenvatting": samenvatting(records)}, indent=2)
        )
    return 1 if any(mislukte_run(r) for r in records) else 0


if __name__ == "__main__":
    raise SystemExit(main())
