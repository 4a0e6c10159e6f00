"""The report: one JSON record per run (JSON lines and a JSON document) and Markdown.

The Markdown report has the machine, a table per family (phase times, peak memory,
objective, bound, gap, model size, check), the speed-up of the aggregated
formulation (``types``) over the naive per-household baseline (``huishoudens``)
per backend, computed from the runs of this same invocation, and the measured
overruns of the solver time limit.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from allocatie.kern.taal import nl_getal
from benchmarks import familie

VEREISTE_VELDEN = (
    "instance",
    "households",
    "formulation",
    "backend",
    "wall_s",
    "peak_mb",
    "objective",
    "bound",
    "gap",
)
"""Fields every record carries (values may be None when a run produced no solution)."""

PAKKETTEN = ("allocatie", "highspy", "pulp", "numpy", "scipy", "pandas", "geopandas")

OPGELOST = ("optimaal",)


# --------------------------------------------------------------------------- machine


def machine_info() -> dict[str, Any]:
    """CPU count, platform, Python and package versions of this machine."""
    versies: dict[str, str | None] = {}
    for pakket in PAKKETTEN:
        try:
            versies[pakket] = importlib.metadata.version(pakket)
        except importlib.metadata.PackageNotFoundError:
            versies[pakket] = None
    try:
        beschikbaar = len(os.sched_getaffinity(0))
    except AttributeError:
        beschikbaar = os.cpu_count()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_beschikbaar": beschikbaar,
        "processor": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "pakketten": versies,
        "tijdstip": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


# --------------------------------------------------------------------------- JSON


def voeg_toe_jsonl(record: dict[str, Any], pad: Path) -> None:
    """Append one record as a JSON line (so a broken-off suite keeps what it measured)."""
    pad.parent.mkdir(parents=True, exist_ok=True)
    with pad.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")


def schrijf_json(
    records: list[dict[str, Any]],
    pad: Path,
    *,
    meta: dict[str, Any],
    overgeslagen: list[dict[str, str]],
) -> Path:
    """Write the whole report as one JSON document: ``meta``, ``runs``, ``versnelling``."""
    data = {
        "meta": meta,
        "runs": records,
        "versnelling": versnellingen(records),
        "families": familie.overzicht_json(records),
        "overgeslagen": overgeslagen,
    }
    pad.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return pad


# --------------------------------------------------------------------------- ratios


def oplostijd(r: dict[str, Any]) -> float | None:
    """Seconds of the solve phase (``los_op``, build included); the process wall time
    when the run was killed or the phase is unknown."""
    t = (r.get("fasen") or {}).get("oplossen_s")
    return t if t is not None else r.get("wall_s")


def _opgelost(r: dict[str, Any] | None) -> bool:
    return r is not None and r.get("status") in OPGELOST


def vergelijk_uitkomst(a: dict[str, Any], b: dict[str, Any], rel: float = 1e-4) -> str:
    """Whether two runs reached the same lexicographic level values (from the placements)."""
    if not (_opgelost(a) and _opgelost(b)):
        return "n.v.t."
    da, db = a.get("doelwaarden") or {}, b.get("doelwaarden") or {}
    for niveau in [n["naam"] for n in a.get("niveaus") or []]:
        x, y = da.get(niveau), db.get(niveau)
        if x is None or y is None:
            continue
        if abs(x - y) > rel * max(1.0, abs(x), abs(y)):
            return f"verschilt ({niveau}: {_getal(x)} vs {_getal(y)})"
    return "gelijk"


def versnellingen(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Speed-up ``huishoudens / types`` per family and backend, from API runs of this report.

    ``soort`` says how to read the factor: ``exact`` (both solved), ``ondergrens``
    (the baseline was cut short, so it would have taken longer), ``bovengrens``
    (only the aggregated run was cut short) or ``geen`` (neither solved).
    """
    uit: list[dict[str, Any]] = []
    api = [r for r in records if r.get("driver") == "api"]
    sleutels = list(dict.fromkeys((r["instance"], r["backend"]) for r in api))
    for inst, backend in sleutels:
        paar: dict[str, dict[str, Any]] = {}
        for r in api:  # the first run of each formulation (a member has repetitions)
            if r["instance"] == inst and r["backend"] == backend and not r.get("onder_belasting"):
                paar.setdefault(r["formulation"], r)
        t, h = paar.get("types"), paar.get("huishoudens")
        if t is None or h is None:
            continue
        tt, th = oplostijd(t), oplostijd(h)
        if _opgelost(t) and _opgelost(h):
            soort = "exact"
        elif _opgelost(t):
            soort = "ondergrens"
        elif _opgelost(h):
            soort = "bovengrens"
        else:
            soort = "geen"
        factor = th / tt if tt and th is not None and soort != "geen" else None
        gt, gh = t.get("modelgrootte") or {}, h.get("modelgrootte") or {}
        uit.append(
            {
                "instance": inst,
                "backend": backend,
                "oplossen_huishoudens_s": th,
                "oplossen_types_s": tt,
                "status_huishoudens": h.get("status"),
                "status_types": t.get("status"),
                "gap_huishoudens": h.get("gap"),
                "gap_types": t.get("gap"),
                "factor": factor,
                "soort": soort,
                "factor_wall": (h["wall_s"] / t["wall_s"]) if t.get("wall_s") else None,
                "factor_variabelen": (
                    gh["variabelen"] / gt["variabelen"]
                    if gt.get("variabelen") and gh.get("variabelen")
                    else None
                ),
                "factor_piek_mb": (
                    h["peak_mb"] / t["peak_mb"] if t.get("peak_mb") and h.get("peak_mb") else None
                ),
                "uitkomst": vergelijk_uitkomst(t, h),
            }
        )
    return uit


# --------------------------------------------------------------------------- Markdown


def _getal(x: float | None, decimalen: int | None = None) -> str:
    """Dutch notation; ``-`` for missing. Without ``decimalen``: by magnitude."""
    if x is None:
        return "-"
    if decimalen is None:
        a = abs(x)
        decimalen = 0 if a >= 1000 else 2 if a >= 10 else 4 if a else 0
    return nl_getal(x, decimalen)


def _s(x: float | None) -> str:
    if x is None:
        return "-"
    if float(x).is_integer():
        return nl_getal(x, 0)
    return nl_getal(x, 3 if abs(x) < 1 else 2 if abs(x) < 100 else 1)


def _gap(x: float | None) -> str:
    return "-" if x is None else f"{nl_getal(100 * x, 3)}%"


def _factor(v: dict[str, Any]) -> str:
    f = v.get("factor")
    if f is None:
        return "n.v.t. (geen van beide opgelost)" if v["soort"] == "geen" else "-"
    teken = {"exact": "", "ondergrens": "≥ ", "bovengrens": "≤ "}[v["soort"]]
    return f"{teken}{nl_getal(f, 1)}×"


def _uitkomst(status: str | None, gap: float | None) -> str:
    if status in OPGELOST or gap is None:
        return str(status)
    return f"{status}, gap {_gap(gap)}"


def _ruwe_factor(f: float | None) -> str:
    return "-" if f is None else f"{nl_getal(f, 1)}×"


def _controle(r: dict[str, Any]) -> str:
    g = r.get("geverifieerd")
    if g is None:
        return "-"
    return "ja" if g else f"NEE ({r.get('verificatiefouten', '?')})"


def _status(r: dict[str, Any]) -> str:
    s = str(r.get("status") or "-")
    if r.get("status") == "tijdslimiet" and r.get("laatste_niveau"):
        s += f" (t/m {r['laatste_niveau']})"
    return s


def _familietabel(runs: list[dict[str, Any]]) -> list[str]:
    kop = (
        "| driver | formulering | backend | status | laden (s) | bouwen (s) | oplossen (s) "
        "| controle (s) | wall (s) | piek (MB) | doel (niveau) | grens | gap | variabelen "
        "| rijen | niet-nullen | geverifieerd |"
    )
    regels = [kop, _scheiding(kop)]
    for r in runs:
        f = r.get("fasen") or {}
        m = r.get("modelgrootte") or {}
        doel = "-"
        if r.get("objective") is not None:
            doel = f"{_getal(r['objective'])} ({r.get('laatste_niveau')})"
        driver = str(r.get("driver", "-"))
        if r.get("herhaling") is not None:
            driver += f" #{r['herhaling']}"
        if r.get("onder_belasting"):
            driver += " belast"
        regels.append(
            "| "
            + " | ".join(
                [
                    driver,
                    r.get("formulation", "-"),
                    r.get("backend", "-"),
                    _status(r),
                    _s(f.get("laden_s")),
                    _s(f.get("bouwen_in_los_op_s")),
                    _s(f.get("oplossen_s")),
                    _s(f.get("controleren_s")),
                    _s(r.get("wall_s")),
                    _getal(r.get("peak_mb"), 0),
                    doel,
                    _getal(r.get("bound")),
                    _gap(r.get("gap")),
                    _getal(m.get("variabelen"), 0),
                    _getal(m.get("rijen"), 0),
                    _getal(m.get("niet_nullen"), 0),
                    _controle(r),
                ]
            )
            + " |"
        )
    return regels


def _scheiding(kop: str) -> str:
    n = kop.count("|") - 1
    return "|" + "---|" * n


def _machine(meta: dict[str, Any]) -> list[str]:
    m = meta.get("machine", {})
    pakketten = ", ".join(f"{k} {v}" for k, v in (m.get("pakketten") or {}).items() if v)
    solvers = ", ".join(meta.get("solvers") or []) or "-"
    return [
        f"- Machine: {m.get('cpu_count')} CPU's ({m.get('cpu_beschikbaar')} beschikbaar), "
        f"{m.get('processor')}, {m.get('platform')}",
        f"- Python {m.get('python')}; {pakketten}",
        f"- Solvers: {solvers}",
        f"- Tijdstip: {m.get('tijdstip')}; tier `{meta.get('tier')}`; opdracht: "
        f"`{meta.get('opdracht', '-')}`",
        f"- Formuleringen in deze versie: {', '.join(meta.get('formuleringen') or [])} "
        f"(standaard: {meta.get('standaard_formulering')})",
    ]


def markdown(
    records: list[dict[str, Any]],
    *,
    meta: dict[str, Any],
    families: Iterable[dict[str, Any]] = (),
    overgeslagen: list[dict[str, str]] | None = None,
) -> str:
    """The Markdown report (Dutch)."""
    regels = [f"# Benchmarkrapport ({meta.get('tier')})", ""]
    regels += _machine(meta)
    regels += [
        "",
        "Tijden in seconden (wandklok). *oplossen* is `los_op` met de "
        "modelbouw erin (*bouwen*: die koude bouw binnen `los_op`; de losse, warme "
        "`bouw_model`-tijd staat als `bouwen_s` in de JSON); *wall* is "
        "het hele kindproces (Python starten, imports en alle fasen). *piek* is de piek-RSS: het "
        "maximum van die van het Pythonproces (`ru_maxrss`) en van de elke 50 ms bemonsterde som "
        "over de procesgroep (met een CBC-proces erbij). *doel* en *grens* zijn die van "
        "het laatst opgeloste lexicografische niveau; *gap* is de grootste over de niveaus.",
        "",
    ]
    regels += familie.markdown(records)  # the benchmark families of many rounds first
    info = {f["naam"]: f for f in families}
    for inst in dict.fromkeys(r["instance"] for r in records):
        runs = [r for r in records if r["instance"] == inst]
        eerste = runs[0]
        regels.append(f"## {inst}")
        regels.append("")
        beschrijving = info.get(inst, {}).get("beschrijving")
        if beschrijving:
            regels.append(f"{beschrijving}.")
        regels.append(
            f"{_getal(eerste.get('gemeenten'), 0)} gemeenten, "
            f"{_getal(eerste.get('households'), 0)} huishoudens "
            f"({_getal(eerste.get('personen'), 0)} personen), "
            f"{_getal(eerste.get('opties'), 0)} woonopties; geografie: {eerste.get('geografie')}; "
            f"tijdslimiet {_s(eerste.get('tijdslimiet_s'))} s per run, harde timeout "
            f"{_s(eerste.get('harde_timeout_s'))} s."
        )
        regels.append("")
        regels += _familietabel(runs)
        fouten = [r for r in runs if r.get("fout")]
        for r in fouten:
            regels.append("")
            regels.append(
                f"- **{r.get('driver')} {r.get('formulation')} {r.get('backend')}**: "
                f"{str(r['fout']).splitlines()[0][:300]}"
            )
        regels.append("")

    vs = versnellingen(records)
    regels += ["## Versnelling: types t.o.v. huishoudens (zelfde run)", ""]
    if vs:
        kop = (
            "| familie | backend | oplossen huishoudens (s) | oplossen types (s) | factor "
            "| factor wall | factor variabelen | factor piekgeheugen | uitkomst |"
        )
        regels += [kop, _scheiding(kop)]
        for v in vs:
            regels.append(
                f"| {v['instance']} | {v['backend']} "
                f"| {_s(v['oplossen_huishoudens_s'])} "
                f"({_uitkomst(v['status_huishoudens'], v['gap_huishoudens'])}) "
                f"| {_s(v['oplossen_types_s'])} ({_uitkomst(v['status_types'], v['gap_types'])}) "
                f"| {_factor(v)} | {_ruwe_factor(v['factor_wall'])} "
                f"| {_ruwe_factor(v['factor_variabelen'])} | {_ruwe_factor(v['factor_piek_mb'])} "
                f"| {v['uitkomst']} |"
            )
        regels += [
            "",
            "*factor* = oplostijd huishoudens / oplostijd types. `≥`: de baseline haalde de "
            "tijdslimiet of de harde timeout en was dus nog niet klaar; `≤`: alleen de "
            "types-run stopte op de limiet; stopten beide, vergelijk dan de gaps bij gelijke "
            "tijd. *uitkomst* vergelijkt de doelwaarden per niveau "
            "(herberekend uit de plaatsingen, relatief 1e-4).",
        ]
    else:
        regels.append(
            "Geen paren types/huishoudens op dezelfde backend in deze run (bestaat de "
            "formulering `types` al in deze versie?)."
        )
    regels.append("")

    regels += ["## Tijdslimiet: gemeten overschrijding", ""]
    limiet = [
        r
        for r in records
        if r.get("status") in ("tijdslimiet", "afgebroken") or (r.get("overschrijding_s") or 0) > 0
    ]
    if limiet:
        kop = (
            "| familie | driver | formulering | backend | status | limiet (s) | oplossen (s) "
            "| overschrijding (s) | wall (s) |"
        )
        regels += [kop, _scheiding(kop)]
        for r in limiet:
            regels.append(
                f"| {r['instance']} | {r.get('driver')} | {r.get('formulation')} "
                f"| {r.get('backend')} | {r.get('status')} | {_s(r.get('tijdslimiet_s'))} "
                f"| {_s((r.get('fasen') or {}).get('oplossen_s'))} "
                f"| {_s(r.get('overschrijding_s'))} | {_s(r.get('wall_s'))} |"
            )
        regels += [
            "",
            "*overschrijding* = oplossen (s) − tijdslimiet; de limiet geldt voor alle niveaus "
            "samen en begint bij de modelbouw in `los_op`.",
        ]
    else:
        regels.append("Geen run stopte op de tijdslimiet.")
    regels.append("")

    if overgeslagen:
        regels += ["## Overgeslagen", ""]
        regels += [f"- {o['wat']}: {o['reden']}" for o in overgeslagen]
        regels.append("")
    return "\n".join(regels)


def schrijf_markdown(tekst: str, pad: Path) -> Path:
    """Write the Markdown report."""
    pad.write_text(tekst, encoding="utf-8")
    return pad
