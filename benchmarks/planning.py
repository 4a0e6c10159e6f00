"""Benchmarks of flexible-capacity planning (issue 7): decomposition vs the extensive form, sweeps.

Families are the example plan (``data/plan/plan.toml``: 12 provinces, 10
half-years) with a given number of generated scenarios, or a cut-down version
for the smoke tier. Per family:

- ``benders``: the stochastic plan by multi-cut Benders decomposition (the
  default method for large instances), time, objective, bound and gap;
- ``extensief``: the naive baseline, the extensive form as one HiGHS MIP with
  the same limit and gap, in the same run;
- ``sweep-1`` and ``sweep-2``: the whole comparison (stochastic, mean-value,
  static, no-flex and perfect-information policies) with 1 and with 2 local
  worker processes; the speed-up is wall(1) / wall(2), and both must give the
  same plan and the same objective values (checked, recorded as ``identiek``).

Each run is a fresh Python process (``python -m benchmarks.planning --run``)
so the peak memory (``ru_maxrss``) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from typing import Any

from benchmarks.registry import PROJECT

PLAN_TOML = PROJECT / "data" / "plan" / "plan.toml"


@dataclass(frozen=True)
class Planfamilie:
    """One planning benchmark instance: the example plan cut to a size."""

    naam: str
    tier: str
    beschrijving: str
    regios: int | None  # None: all regions of the example
    perioden: int
    scenarios: int
    tijdslimiet_s: float
    runs: tuple[str, ...] = ("benders", "extensief", "sweep-1", "sweep-2")


PLANFAMILIES: tuple[Planfamilie, ...] = (
    Planfamilie(
        naam="plan-4x6x24",
        tier="smoke",
        beschrijving="planning: 4 provincies × 6 halfjaren × 24 scenario's (ingekort voorbeeld)",
        regios=4,
        perioden=6,
        scenarios=24,
        tijdslimiet_s=60.0,
    ),
    Planfamilie(
        naam="plan-12x10x200",
        tier="full",
        beschrijving="planning: 12 provincies × 10 halfjaren × 200 scenario's (voorbeeldplan)",
        regios=None,
        perioden=10,
        scenarios=200,
        tijdslimiet_s=300.0,
    ),
)


def planfamilies(tier: str, namen: list[str] | None = None) -> list[Planfamilie]:
    """The planning families of ``tier`` (or the named ones, any tier)."""
    if namen:
        return [f for f in PLANFAMILIES if f.naam in namen]
    return [f for f in PLANFAMILIES if f.tier == tier]


def instantie(fam: Planfamilie, seed: int | None = None):  # type: ignore[no-untyped-def]
    """The planning instance of ``fam``: the example plan, cut and re-generated."""
    from allocatie.planning.invoer.config import lees_planconfig
    from allocatie.planning.invoer.scenarios import genereer_scenarios

    cfg = lees_planconfig(PLAN_TOML)
    gen = cfg.generatie
    assert gen is not None, "het voorbeeldplan genereert zijn scenario's"
    inst = cfg.instantie
    regios = inst.regios if fam.regios is None else inst.regios[: fam.regios]
    namen = tuple(r.naam for r in regios)
    basis = gen.basis
    keep = [basis.regios.index(n) for n in namen]
    # cut the base path to the chosen regions and periods, shares renormalised
    aandelen = basis.aandelen[keep] / basis.aandelen[keep].sum()
    basis = replace(
        basis,
        regios=namen,
        perioden=basis.perioden[: fam.perioden],
        personen=basis.personen[: fam.perioden],
        aandelen=aandelen,
        aanbod=basis.aanbod[keep][:, : fam.perioden, :],
    )
    sc = genereer_scenarios(basis, gen.schokken, fam.scenarios, gen.seed if seed is None else seed)
    return replace(inst, regios=regios, scenarios=sc), cfg.solver


def _run(fam: Planfamilie, soort: str, gap: float) -> dict[str, Any]:
    """One measurement in this process; returns its record."""
    from allocatie.planning.model.benders import los_benders_op
    from allocatie.planning.model.controle import controleer_plan
    from allocatie.planning.model.oplossen import evalueer, los_plan_op
    from allocatie.planning.uitvoer.vergelijking import plan_flexcapaciteit
    from allocatie.solvers import SolverOpties

    inst, _ = instantie(fam)
    opties = SolverOpties(tijdslimiet_s=fam.tijdslimiet_s, gap_relatief=gap)
    rec: dict[str, Any] = {
        "instance": fam.naam,
        "households": None,
        "regios": len(inst.regios),
        "perioden": len(inst.perioden),
        "scenarios": inst.scenarios.n,
        "formulation": soort,
        "backend": "highs",
        "tijdslimiet_s": fam.tijdslimiet_s,
        "gap_doel": gap,
    }
    t0 = time.perf_counter()
    if soort == "benders":
        b = los_benders_op(inst, opties=opties)
        rec.update(
            status=b.status.value,
            objective=b.objectief,
            bound=b.grens,
            gap=b.gap,
            iteraties_lp=b.iteraties_lp,
            iteraties_mip=b.iteraties_mip,
        )
        if b.plan is not None:
            u = evalueer(inst, b.plan, beleid="stochastisch", opties=opties)
            controleer_plan(inst, u)
            rec["geverifieerd"] = True
            rec["objective_evaluated"] = u.doel
    elif soort == "extensief":
        try:
            u = los_plan_op(inst, opties=opties)
            controleer_plan(inst, u)
            rec.update(
                status=u.status.value,
                objective=u.doel,
                bound=u.grens,
                gap=u.gap,
                geverifieerd=True,
            )
        except Exception as exc:  # the baseline failing is a measurement
            rec.update(status="geen_oplossing", objective=None, bound=None, gap=None, fout=str(exc))
    else:
        workers = int(soort.split("-")[1])
        v = plan_flexcapaciteit(inst, opties=opties, workers=workers)
        for u in v.uitkomsten.values():
            if u.plan is not None:
                controleer_plan(inst, u)
        s = v.stochastisch
        rec.update(
            status=s.status.value,
            objective=s.doel,
            bound=s.grens,
            gap=s.gap,
            geverifieerd=True,
            workers=v.workers,
            pad=v.pad,
            vss=v.vss,
            evpi=v.evpi,
            doelen={k: u.doel for k, u in v.uitkomsten.items()},
            plan_bestel=s.plan.bestel.tolist() if s.plan is not None else None,
        )
    rec["wall_s"] = time.perf_counter() - t0
    rec["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return rec


def meet(fam: Planfamilie, soort: str, gap: float, timeout_s: float) -> dict[str, Any]:
    """Run one measurement in a fresh process (own peak memory); returns its record."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.planning",
        "--run",
        fam.naam,
        soort,
        str(gap),
        str(fam.tijdslimiet_s),
    ]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(
            cmd, cwd=PROJECT, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return {
            "instance": fam.naam,
            "households": None,
            "formulation": soort,
            "backend": "highs",
            "status": "afgebroken",
            "wall_s": time.perf_counter() - t0,
            "peak_mb": None,
            "objective": None,
            "bound": None,
            "gap": None,
        }
    regels = [r for r in p.stdout.splitlines() if r.startswith("{")]
    if p.returncode != 0 or not regels:
        return {
            "instance": fam.naam,
            "households": None,
            "formulation": soort,
            "backend": "highs",
            "status": "fout",
            "fout": (p.stderr or p.stdout)[-2000:],
            "wall_s": time.perf_counter() - t0,
            "peak_mb": None,
            "objective": None,
            "bound": None,
            "gap": None,
        }
    rec: dict[str, Any] = json.loads(regels[-1])
    return rec


def mislukte_run(r: dict[str, Any]) -> bool:
    """A planning run that makes the suite fail: an error, a failed check, or two sweeps
    that disagree. The extensive-form baseline without a solution is a measurement."""
    if r.get("identiek") is False:
        return True
    if r.get("formulation") == "extensief":
        return False
    return r.get("status") in ("fout", "afgebroken", "geen_oplossing")


def voer_uit(
    gekozen: list[Planfamilie], gap: float, meld: Any, tijdslimiet_s: float | None = None
) -> list[dict[str, Any]]:
    """Run every family's measurements; sweep records get the speed-up and identity check."""
    records: list[dict[str, Any]] = []
    for fam in gekozen:
        if tijdslimiet_s is not None:
            fam = replace(fam, tijdslimiet_s=tijdslimiet_s)
        meld(f"[{fam.naam}] {fam.beschrijving}; tijdslimiet {fam.tijdslimiet_s:g} s per oplossing")
        per: dict[str, dict[str, Any]] = {}
        for soort in fam.runs:
            r = meet(fam, soort, gap, timeout_s=fam.tijdslimiet_s * 6 + 120)
            per[soort] = r
            records.append(r)
            meld(
                f"  [{fam.naam}] {soort:9} -> {r.get('status')}, wall {r['wall_s']:.1f} s, "
                f"piek {r.get('peak_mb') or 0:.0f} MB, doel {r.get('objective')}, "
                f"gap {r.get('gap')}"
            )
        a, b = per.get("sweep-1"), per.get("sweep-2")
        if a and b and a.get("doelen") and b.get("doelen"):
            b["versnelling"] = a["wall_s"] / b["wall_s"]
            b["identiek"] = a["doelen"] == b["doelen"] and a["plan_bestel"] == b["plan_bestel"]
            meld(
                f"  [{fam.naam}] sweep 1 -> 2 workers: versnelling {b['versnelling']:.2f}×, "
                f"identiek: {b['identiek']}"
            )
        e, d = per.get("extensief"), per.get("benders")
        if e and d and d.get("wall_s"):
            d["verhouding_extensief"] = e["wall_s"] / d["wall_s"]
    return records


def markdown(records: list[dict[str, Any]]) -> str:
    """The planning section of the benchmark report (Dutch)."""
    if not records:
        return ""
    regels = [
        "## Planning flexcapaciteit (issue 7)",
        "",
        "| familie | run | status | wall (s) | piek (MB) | doel | grens | gap | opmerking |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in records:
        opm = []
        if "versnelling" in r:
            opm.append(f"versnelling 1→2 workers {r['versnelling']:.2f}×")
            opm.append("identiek" if r.get("identiek") else "NIET identiek")
        if "verhouding_extensief" in r:
            opm.append(f"{r['verhouding_extensief']:.1f}× sneller dan extensief")
        if r.get("vss") is not None:
            opm.append(f"VSS {r['vss']:,.0f}")

        def getal(x: float | None) -> str:
            return "-" if x is None else f"{x:,.0f}"

        gap = r.get("gap")
        regels.append(
            f"| {r['instance']} | {r['formulation']} | {r.get('status')} | {r['wall_s']:.1f} | "
            f"{getal(r.get('peak_mb'))} | {getal(r.get('objective'))} | {getal(r.get('bound'))} | "
            f"{'-' if gap is None else f'{100 * gap:.3f}%'} | {'; '.join(opm)} |"
        )
    return "\n".join(regels) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``--run FAMILIE SOORT GAP LIMIET``: one measurement, its record as JSON on stdout."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--run", nargs=4, metavar=("FAMILIE", "SOORT", "GAP", "LIMIET"), required=True)
    args = p.parse_args(argv)
    naam, soort, gap, limiet = args.run
    fam = replace(next(f for f in PLANFAMILIES if f.naam == naam), tijdslimiet_s=float(limiet))
    print(json.dumps(_run(fam, soort, float(gap)), default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
