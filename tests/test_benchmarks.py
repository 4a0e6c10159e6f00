"""The benchmark suite itself: registry, child-process drivers and report.

Runs the tiniest family (the example round) through the real drivers with a short
time limit and checks the records' fields, types and values; never the times
(speed is measured as ratios in the suite, not asserted in tests).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` is a folder in the project root, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import drivers, rapport, registry  # noqa: E402
from benchmarks.run import mislukte_run  # noqa: E402

# --------------------------------------------------------------------------- registry


def test_register_bevat_de_families_uit_het_issue() -> None:
    smoke = {f.naam: f for f in registry.families("smoke")}
    full = {f.naam: f for f in registry.families("full")}
    assert {"voorbeeld", "klein-12x300"} <= set(smoke)
    assert not set(smoke) & set(full)
    prov = full["provincie-50x500"]
    assert (prov.gemeenten, prov.huishoudens) == (50, 500)
    assert ("huishoudens", "cbc") in prov.runs  # CBC baseline on the province
    nat = full["nationaal-8000"]
    assert (nat.huishoudens, nat.flex, nat.geografie) == (8000, 150, "echt")
    assert full["nationaal-30000"].huishoudens == 30_000
    for fam in [*smoke.values(), *full.values()]:
        assert fam.tier in registry.TIERS
        assert fam.tijdslimiet_s > 0
        # every backend with runs has the naive baseline next to the aggregated one
        for backend in {b for _, b in fam.runs}:
            if ("huishoudens", backend) in fam.runs:
                assert ("types", backend) in fam.runs
        assert all(b in registry.BACKENDS for _, b in fam.runs)
        assert all(f in registry.FORMULERINGEN for f, _ in fam.runs)


def test_register_kiest_op_naam_en_weigert_onbekende() -> None:
    assert [f.naam for f in registry.families("smoke", ["provincie-50x500"])] == [
        "provincie-50x500"
    ]
    with pytest.raises(KeyError, match="onbekende familie"):
        registry.families(namen=["bestaat-niet"])


def test_echte_geografie_ontbreekt_geeft_een_reden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "GPKG", ROOT / "bestaat-niet.gpkg")
    nat = registry.familie("nationaal-8000")
    reden = nat.reden_overslaan()
    assert reden is not None and "ontbreekt" in reden
    assert registry.familie("nationaal-30000").reden_overslaan() is None  # fictional fallback
    assert registry.familie("voorbeeld").reden_overslaan() is None


# --------------------------------------------------------------------------- drivers


def test_harde_timeout_doodt_het_kindproces(tmp_path: Path) -> None:
    k = drivers.draai_kind(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        harde_timeout_s=0.5,
        log=tmp_path / "slaap.log",
        resultaat=None,
    )
    assert k.afgebroken
    assert k.returncode == -9
    assert k.wall_s < 30
    if Path("/proc/self/stat").exists():  # the process group is sampled from /proc
        assert k.piek_groep_mb is not None and k.piek_groep_mb > 0


def _controleer_record(r: dict, formulering: str, driver: str) -> None:
    for veld in rapport.VEREISTE_VELDEN:
        assert veld in r, veld
    assert r["instance"] == "voorbeeld"
    assert r["households"] == 150 and isinstance(r["households"], int)
    assert r["formulation"] == formulering
    assert r["backend"] == "highs"
    assert r["driver"] == driver
    assert r["status"] == "optimaal"
    assert isinstance(r["wall_s"], float) and r["wall_s"] > 0
    assert isinstance(r["peak_mb"], float) and 50 < r["peak_mb"] < 20_000
    assert r["peak_mb"] >= r["peak_mb_python"] > 0
    for veld in ("objective", "bound", "gap"):
        assert isinstance(r[veld], float) and math.isfinite(r[veld])
    assert 0 <= r["gap"] <= 1e-3
    assert r["bound"] <= r["objective"] + 1e-6 * max(1, abs(r["objective"]))
    assert r["laatste_niveau"] == r["niveaus"][-1]["naam"]
    assert r["geverifieerd"] is True
    m = r["modelgrootte"]
    assert all(isinstance(m[k], int) and m[k] > 0 for k in ("variabelen", "rijen", "niet_nullen"))
    assert json.loads(json.dumps(r)) == r  # plain JSON types


def test_drivers_en_rapport_op_de_voorbeeldronde(tmp_path: Path) -> None:
    fam = registry.familie("voorbeeld")
    instelling = drivers.Instelling(
        uitvoer=tmp_path, tier="smoke", tijdslimiet_s=10, harde_timeout_s=90
    )
    ronde = drivers.maak_ronde(fam, instelling)
    assert (ronde["households"], ronde["gemeenten"], ronde["geografie"]) == (150, 12, "voorbeeld")

    records = []
    for formulering in drivers.beschikbare_formuleringen():
        r = drivers.run_api(fam, ronde, formulering, "highs", instelling)
        _controleer_record(r, formulering, "api")
        fasen = r["fasen"]
        assert {"import_s", "laden_s", "oplossen_s", "controleren_s"} <= set(fasen)
        assert all(v is None or v >= 0 for v in fasen.values())
        assert r["tijdslimiet_s"] == 10
        assert r["overschrijding_s"] == pytest.approx(fasen["oplossen_s"] - 10)
        assert not mislukte_run(r)
        records.append(r)
    cli = drivers.run_cli(fam, ronde, "highs", instelling)
    _controleer_record(cli, drivers.standaard_formulering(), "cli")
    records.append(cli)

    # Both formulations reach the same lexicographic optimum on the example round.
    objectives = {round(r["objective"], 6) for r in records}
    assert len(objectives) == 1

    vs = rapport.versnellingen(records)
    if len(drivers.beschikbare_formuleringen()) == 2:
        (v,) = vs
        assert (v["instance"], v["backend"], v["soort"], v["uitkomst"]) == (
            "voorbeeld",
            "highs",
            "exact",
            "gelijk",
        )
        assert v["factor"] > 0 and v["factor_variabelen"] > 0

    meta = {"tier": "smoke", "machine": rapport.machine_info(), "formuleringen": ["types"]}
    pad = rapport.schrijf_json(records, tmp_path / "rapport.json", meta=meta, overgeslagen=[])
    data = json.loads(pad.read_text(encoding="utf-8"))
    assert len(data["runs"]) == len(records)
    assert data["meta"]["machine"]["cpu_count"] >= 1
    tekst = rapport.markdown(records, meta=meta, families=[{"naam": "voorbeeld"}])
    assert "## voorbeeld" in tekst and "| api |" in tekst and "| cli |" in tekst
    assert "Versnelling" in tekst
