"""The location benchmark (benchmarks/locaties.py): skips cleanly without the real data or
without spopt, runs the example family, and compares engines on the same optimum."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` is a folder in the project root, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import locaties as bl  # noqa: E402
from benchmarks import registry  # noqa: E402


def test_zonder_echte_data_overgeslagen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(registry, "GPKG", tmp_path / "geen.gpkg")
    fam = bl.locatiefamilies("full", ["locaties-nl2024-k8"])
    assert [f.naam for f in fam] == ["locaties-nl2024-k8"]
    meldingen: list[str] = []
    records, overgeslagen = bl.voer_uit(fam, meldingen.append)
    assert records == []
    assert [o["wat"] for o in overgeslagen if o["wat"] == "locaties-nl2024-k8"]
    assert "overgeslagen" in meldingen[0]


def test_zonder_spopt_alleen_allocatie(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bl, "heeft_spopt", lambda: False)
    fam = bl.locatiefamilies("smoke")
    assert [f.naam for f in fam] == ["locaties-voorbeeld"]
    records, overgeslagen = bl.voer_uit(fam, lambda _: None, modellen=("pmediaan",))
    assert [(r["engine"], r["status"]) for r in records] == [("allocatie", "optimaal")]
    assert records[0]["gemeenten"] == 12 and records[0]["peak_mb"] > 0
    assert any("spopt" in o["wat"] for o in overgeslagen)
    assert not any(bl.mislukte_run(r) for r in records)
    assert "## Locatiekeuze" in bl.markdown(records)


def test_zelfde_optimum_en_verhoudingen() -> None:
    rec = [
        {
            "instance": "f",
            "model": "pmediaan",
            "engine": "allocatie",
            "objective": 100.0,
            "wall_s": 2.0,
            "peak_mb": 100.0,
            "status": "optimaal",
        },
        {
            "instance": "f",
            "model": "pmediaan",
            "engine": "allocatie",
            "objective": 100.0,
            "wall_s": 4.0,
            "peak_mb": 100.0,
            "status": "optimaal",
        },
        {
            "instance": "f",
            "model": "pmediaan",
            "engine": "spopt-cbc",
            "objective": 100.0,
            "wall_s": 30.0,
            "peak_mb": 300.0,
            "status": "optimaal",
        },
        {
            "instance": "f",
            "model": "dekking",
            "engine": "allocatie",
            "objective": 50.0,
            "wall_s": 1.0,
            "peak_mb": 100.0,
            "status": "optimaal",
        },
        {
            "instance": "f",
            "model": "dekking",
            "engine": "spopt-cbc",
            "objective": 49.0,
            "wall_s": 1.0,
            "peak_mb": 100.0,
            "status": "optimaal",
        },
    ]
    s = {(x["model"], x["engine"]): x for x in bl.samenvatting(rec)}
    assert s[("pmediaan", "allocatie")]["wall_s"] == 3.0
    assert s[("pmediaan", "spopt-cbc")]["tijdverhouding"] == 10.0
    assert s[("pmediaan", "spopt-cbc")]["geheugenverhouding"] == 3.0
    assert s[("pmediaan", "spopt-cbc")]["zelfde_optimum"] is True
    assert s[("dekking", "spopt-cbc")]["zelfde_optimum"] is False
    assert "NEE" in bl.markdown(rec)
