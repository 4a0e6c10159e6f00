"""Run the benchmark suite: ``python -m benchmarks.run --tier smoke|full`` (from the project root).

Every run is a fresh child process (see `benchmarks.drivers`); the records are
appended to ``resultaten.jsonl`` as they come in, and at the end written as
``rapport.json`` and ``rapport.md`` in the output folder. The exit code is 1 when
a run did not pass the check, or a run of the aggregated formulation failed or was
killed at the hard timeout (a failing naive baseline is reported, not fatal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import drivers, locaties, planning, rapport
from benchmarks.registry import (
    BACKENDS,
    FORMULERINGEN,
    NL2024_ENV,
    PROJECT,
    TIERS,
    Familie,
    familie,
    families,
    zet_nl2024,
)


def _lijst(tekst: str | None) -> list[str] | None:
    if not tekst:
        return None
    return [d.strip() for d in tekst.split(",") if d.strip()]


def parser() -> argparse.ArgumentParser:
    """The command-line options (Dutch help)."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=(
            "Benchmarksuite: tijd, piekgeheugen, doelwaarde, grens, gap en modelgrootte per "
            "run, met de naïeve formulering per huishouden als baseline in hetzelfde rapport."
        ),
    )
    p.add_argument("--tier", choices=TIERS, default="smoke", help="smoke (CI) of full (handmatig)")
    p.add_argument(
        "--uitvoer",
        type=Path,
        default=None,
        help="uitvoermap (standaard uitvoer/benchmarks/<tier>-<tijdstip>)",
    )
    p.add_argument("--families", help="alleen deze families, kommagescheiden (elke tier)")
    p.add_argument("--backends", help=f"alleen deze backends ({','.join(BACKENDS)})")
    p.add_argument("--formuleringen", help=f"alleen deze formuleringen ({','.join(FORMULERINGEN)})")
    p.add_argument(
        "--tijdslimiet", type=float, default=None, help="tijdslimiet per run in s (alle niveaus)"
    )
    p.add_argument(
        "--harde-timeout",
        type=float,
        default=None,
        help="harde wandkloklimiet per run in s; daarna wordt het kindproces gedood "
        "(standaard 2 × tijdslimiet + 120)",
    )
    p.add_argument("--threads", type=int, default=0, help="threads voor de solver (0 = auto)")
    p.add_argument("--seed", type=int, default=0, help="seed voor de solver")
    p.add_argument(
        "--gap",
        type=float,
        default=None,
        help="relatieve MIP-gap per niveau (standaard die van de ronde, 0,0001)",
    )
    p.add_argument(
        "--geheugenlimiet-mb",
        type=int,
        default=drivers.geheugenlimiet_standaard_mb(),
        help="adresruimtelimiet per run in MB (standaard 80%% van het RAM; 0 = geen)",
    )
    p.add_argument("--zonder-cli", action="store_true", help="sla de end-to-end CLI-runs over")
    p.add_argument(
        "--herhalingen",
        type=int,
        default=3,
        help="aantal runs per lid van een benchmarkfamilie (bv. nationaal-familie); de rapport "
        "zegt of ze byte-identiek zijn (standaard 3)",
    )
    p.add_argument(
        "--onder-belasting",
        action="store_true",
        help="per lid van een benchmarkfamilie nog één run terwijl er een CPU-verbrandend "
        "proces naast draait (daarna gestopt); vergeleken met de eerste run",
    )
    p.add_argument(
        "--belasting-processen",
        type=int,
        default=1,
        help="aantal CPU-verbrandende processen bij --onder-belasting (standaard 1)",
    )
    p.add_argument(
        "--belasting-cpu",
        type=int,
        default=None,
        help="zet de belastingprocessen vast op deze CPU (standaard: niet vastgezet)",
    )
    p.add_argument(
        "--nl2024",
        type=Path,
        default=None,
        help="map met de echte geografie 2024 (cbsgebiedsindelingen_2024.gpkg en "
        f"cbs_inwoners_2024.csv); standaard ../shared/data/nl2024 of ${NL2024_ENV}",
    )
    p.add_argument(
        "--opnieuw-rapport",
        type=Path,
        default=None,
        metavar="MAP",
        help="draai niets: maak rapport.md en rapport.json opnieuw uit MAP/resultaten.jsonl "
        "(bv. van een afgebroken familierun)",
    )
    return p


def opnieuw_rapport(map_: Path) -> int:
    """Rewrite ``rapport.md`` and ``rapport.json`` from ``map_/resultaten.jsonl``; no runs."""
    import json

    jsonl = map_ / "resultaten.jsonl"
    if not jsonl.is_file():
        print(f"Fout: {jsonl} bestaat niet", file=sys.stderr)
        return 2
    records = [json.loads(r) for r in jsonl.read_text(encoding="utf-8").splitlines() if r.strip()]
    records = [r for r in records if "instance" in r and "driver" in r]  # no plan records
    vorig = map_ / "rapport.json"
    meta: dict[str, Any] = {}
    overgeslagen: list[dict[str, str]] = []
    if vorig.is_file():
        oud = json.loads(vorig.read_text(encoding="utf-8"))
        meta, overgeslagen = oud.get("meta") or {}, oud.get("overgeslagen") or []
    meta = meta or {"tier": "?", "machine": rapport.machine_info()}
    meta["opnieuw_gemaakt"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    rapport.schrijf_json(records, vorig, meta=meta, overgeslagen=overgeslagen)
    beschrijvingen = []
    for naam in dict.fromkeys(r["instance"] for r in records):
        try:
            beschrijvingen.append({"naam": naam, "beschrijving": familie(naam).beschrijving})
        except KeyError:
            pass
    tekst = rapport.markdown(records, meta=meta, families=beschrijvingen, overgeslagen=overgeslagen)
    rapport.schrijf_markdown(tekst, map_ / "rapport.md")
    _meld(f"Rapport opnieuw gemaakt uit {len(records)} runs: {map_ / 'rapport.md'}")
    return 0


def _meld(tekst: str) -> None:
    print(tekst, flush=True)


def _regel(r: dict[str, Any]) -> str:
    opl = (r.get("fasen") or {}).get("oplossen_s")
    piek = r.get("peak_mb")
    soort = ""
    if r.get("herhaling") is not None:
        soort = f" run {r['herhaling']}"
    if r.get("onder_belasting"):
        soort = " onder belasting"
    if r.get("hashes"):
        soort += f" [{r['hashes']['plaatsingen'][:10]}]"
    return (
        f"  {r['driver']:3} {r['formulation']:11} {r['backend']:5}{soort} -> {r.get('status')}, "
        f"oplossen {'-' if opl is None else format(opl, '.2f')} s, wall {r['wall_s']:.2f} s, "
        f"piek {'-' if piek is None else format(piek, '.0f')} MB, "
        f"doel {r.get('objective')}, gap {r.get('gap')}"
    )


def voer_uit(
    gekozen: list[Familie],
    instelling: drivers.Instelling,
    *,
    backends: list[str] | None = None,
    formuleringen: list[str] | None = None,
    met_cli: bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, str]], dict[str, dict[str, Any]]]:
    """Run the families; returns the records, what was skipped and each round's key figures."""
    beschikbaar = drivers.beschikbare_formuleringen()
    records: list[dict[str, Any]] = []
    overgeslagen: list[dict[str, str]] = []
    rondes: dict[str, dict[str, Any]] = {}
    jsonl = instelling.uitvoer / "resultaten.jsonl"
    for fam in gekozen:
        reden = fam.reden_overslaan()
        if reden:
            _meld(f"[{fam.naam}] overgeslagen: {reden}")
            overgeslagen.append({"wat": f"familie {fam.naam}", "reden": reden})
            continue
        _meld(f"[{fam.naam}] ronde maken ...")
        try:
            ronde = drivers.maak_ronde(fam, instelling)
        except RuntimeError as exc:
            _meld(f"[{fam.naam}] {exc}")
            overgeslagen.append({"wat": f"familie {fam.naam}", "reden": str(exc).splitlines()[0]})
            continue
        rondes[fam.naam] = ronde
        _meld(
            f"[{fam.naam}] {ronde['gemeenten']} gemeenten, {ronde['households']} huishoudens, "
            f"{ronde['opties']} opties ({ronde['geografie']}, {ronde['genereer_s']:.1f} s); "
            f"tijdslimiet {instelling.limiet(fam):g} s, harde timeout {instelling.hard(fam):g} s"
        )
        for formulering, backend in fam.runs:
            if backends and backend not in backends:
                continue
            if formuleringen and formulering not in formuleringen:
                continue
            if formulering not in beschikbaar:
                overgeslagen.append(
                    {
                        "wat": f"{fam.naam} {formulering} {backend}",
                        "reden": f"formulering '{formulering}' bestaat niet in deze versie",
                    }
                )
                continue
            if fam.groep is None or formulering == "huishoudens":
                # A family on its own, or the naive baseline of a member: one run.
                r = drivers.run_api(fam, ronde, formulering, backend, instelling)
                records.append(r)
                rapport.voeg_toe_jsonl(r, jsonl)
                _meld(_regel(r))
                continue
            vorige = None
            if fam.vorige_van is not None:
                vorige = drivers.uitkomstmap(instelling, fam.vorige_van)
                if not (vorige / "plaatsingen.csv").is_file():
                    reden = f"geen uitkomst van {fam.vorige_van} om als vorige uitkomst te nemen"
                    _meld(f"[{fam.naam}] overgeslagen: {reden}")
                    overgeslagen.append(
                        {"wat": f"{fam.naam} {formulering} {backend}", "reden": reden}
                    )
                    continue
            for i in range(1, instelling.herhalingen + 1):
                r = drivers.run_api(
                    fam,
                    ronde,
                    formulering,
                    backend,
                    instelling,
                    herhaling=i,
                    vorige=vorige,
                    bewaar=drivers.uitkomstmap(instelling, fam.naam) if i == 1 else None,
                )
                records.append(r)
                rapport.voeg_toe_jsonl(r, jsonl)
                _meld(_regel(r))
            if instelling.onder_belasting:
                r = drivers.run_api(
                    fam,
                    ronde,
                    formulering,
                    backend,
                    instelling,
                    onder_belasting=True,
                    vorige=vorige,
                )
                records.append(r)
                rapport.voeg_toe_jsonl(r, jsonl)
                _meld(_regel(r))
        if not met_cli:
            continue
        for backend in fam.cli_backends:
            if backends and backend not in backends:
                continue
            if formuleringen and drivers.standaard_formulering() not in formuleringen:
                continue
            r = drivers.run_cli(fam, ronde, backend, instelling)
            records.append(r)
            rapport.voeg_toe_jsonl(r, jsonl)
            _meld(_regel(r))
    return records, overgeslagen, rondes


def mislukte_run(r: dict[str, Any]) -> bool:
    """A run that makes the suite fail: a failed check, or an error or kill of the
    aggregated formulation. A naive baseline that errs (e.g. out of memory) or is killed
    is a measurement, reported as such, not a failure of the suite."""
    if r.get("geverifieerd") is False:
        return True
    return r.get("status") in ("fout", "afgebroken") and r.get("formulation") != "huishoudens"


def main(argv: list[str] | None = None) -> int:
    """Run the suite and write the report; returns the exit code."""
    args = parser().parse_args(argv)
    if args.opnieuw_rapport is not None:
        return opnieuw_rapport(args.opnieuw_rapport)
    if args.herhalingen < 1:
        print("Fout: --herhalingen moet minstens 1 zijn", file=sys.stderr)
        return 2
    if args.nl2024 is not None:
        zet_nl2024(args.nl2024)
    stempel = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    uitvoer = args.uitvoer or PROJECT / "uitvoer" / "benchmarks" / f"{args.tier}-{stempel}"
    uitvoer = uitvoer.resolve()
    uitvoer.mkdir(parents=True, exist_ok=True)
    namen = _lijst(args.families)
    plan_namen = [n for n in namen or [] if n in {f.naam for f in planning.PLANFAMILIES}]
    loc_namen = [n for n in namen or [] if n in {f.naam for f in locaties.LOCATIEFAMILIES}]
    ronde_namen = [n for n in namen or [] if n not in plan_namen and n not in loc_namen]
    try:
        gekozen = families(args.tier, ronde_namen) if ronde_namen or not namen else []
    except KeyError as exc:
        print(f"Fout: {exc.args[0]}", file=sys.stderr)
        return 2
    plan_gekozen = planning.planfamilies(args.tier, plan_namen) if plan_namen or not namen else []
    loc_gekozen = locaties.locatiefamilies(args.tier, loc_namen) if loc_namen or not namen else []
    instelling = drivers.Instelling(
        uitvoer=uitvoer,
        tier=args.tier,
        tijdslimiet_s=args.tijdslimiet,
        harde_timeout_s=args.harde_timeout,
        threads=args.threads,
        seed=args.seed,
        gap=args.gap,
        geheugenlimiet_mb=args.geheugenlimiet_mb,
        herhalingen=args.herhalingen,
        onder_belasting=args.onder_belasting,
        belasting_processen=args.belasting_processen,
        belasting_cpu=args.belasting_cpu,
    )
    alle_namen = [f.naam for f in (*gekozen, *plan_gekozen, *loc_gekozen)]
    _meld(f"Benchmarks: {', '.join(alle_namen)}; uitvoer in {uitvoer}")
    t0 = time.perf_counter()
    records, overgeslagen, _ = voer_uit(
        gekozen,
        instelling,
        backends=_lijst(args.backends),
        formuleringen=_lijst(args.formuleringen),
        met_cli=not args.zonder_cli,
    )
    plan_records = planning.voer_uit(
        plan_gekozen, args.gap if args.gap is not None else 0.005, _meld, args.tijdslimiet
    )
    for r in plan_records:
        rapport.voeg_toe_jsonl(r, uitvoer / "resultaten.jsonl")
    loc_records, loc_overgeslagen = locaties.voer_uit(loc_gekozen, _meld)
    overgeslagen += loc_overgeslagen if loc_gekozen else []
    for r in loc_records:
        rapport.voeg_toe_jsonl(r, uitvoer / "resultaten.jsonl")
    tiers = sorted({f.tier for f in (*gekozen, *plan_gekozen, *loc_gekozen)})
    meta = {
        "tier": args.tier if not args.families else "+".join(tiers) or args.tier,
        "opdracht": shlex.join(["python", "-m", "benchmarks.run", *(argv or sys.argv[1:])]),
        "duur_s": time.perf_counter() - t0,
        "machine": rapport.machine_info(),
        "solvers": sorted({r["solver"] for r in records if r.get("solver")}),
        "formuleringen": list(drivers.beschikbare_formuleringen()),
        "standaard_formulering": drivers.standaard_formulering(),
        "geheugenlimiet_mb": instelling.geheugenlimiet_mb,
        "herhalingen": instelling.herhalingen,
        "onder_belasting": instelling.onder_belasting,
        "belasting_processen": instelling.belasting_processen,
        "belasting_cpu": instelling.belasting_cpu,
    }
    rapport.schrijf_json(
        records + plan_records, uitvoer / "rapport.json", meta=meta, overgeslagen=overgeslagen
    )
    tekst = (
        rapport.markdown(
            records,
            meta=meta,
            families=[{"naam": f.naam, "beschrijving": f.beschrijving} for f in gekozen]
            + [{"naam": f.naam, "beschrijving": f.beschrijving} for f in plan_gekozen]
            + [{"naam": f.naam, "beschrijving": f.beschrijving} for f in loc_gekozen],
            overgeslagen=overgeslagen,
        )
        + "\n"
        + planning.markdown(plan_records)
        + ("\n" + locaties.markdown(loc_records) if loc_records else "")
    )
    rapport.schrijf_markdown(tekst, uitvoer / "rapport.md")
    _meld("")
    _meld(tekst)
    _meld(
        f"Klaar in {meta['duur_s']:.0f} s. Rapport: {uitvoer / 'rapport.md'} en "
        f"{uitvoer / 'rapport.json'} (één record per run ook in resultaten.jsonl)."
    )
    baseline = [
        r for r in records if r.get("status") in ("fout", "afgebroken") and not mislukte_run(r)
    ]
    if baseline:
        _meld(f"{len(baseline)} baseline-run(s) zonder uitkomst (fout of afgebroken); zie rapport.")
    mislukt = [r for r in records if mislukte_run(r)]
    mislukt += [r for r in plan_records if planning.mislukte_run(r)]
    mislukt += [r for r in loc_records if locaties.mislukte_run(r)]
    if mislukt:
        _meld(f"{len(mislukt)} run(s) mislukt, afgebroken of niet geverifieerd.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
