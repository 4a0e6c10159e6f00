"""The measuring script of the web application (benchmarks/app_meting.py), without measuring."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` is a folder in the project root, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import app_meting, registry  # noqa: E402


def test_zonder_echte_geografie_overgeslagen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the real 2024 geography the script says so, measures nothing and exits 0."""
    monkeypatch.setenv(registry.NL2024_ENV, str(tmp_path))
    for naam in ("NL2024", "GPKG", "INWONERS"):
        monkeypatch.setattr(registry, naam, getattr(registry, naam))
    werkmap = tmp_path / "werk"
    assert app_meting.main(["--nl2024", str(tmp_path / "leeg"), "--werkmap", str(werkmap)]) == 0
    uit = capsys.readouterr().out
    assert uit.startswith("overgeslagen: echte geografie 2024 ontbreekt")
    assert not werkmap.exists()


def test_meetronde_krijgt_ruime_tijdslimiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The measured round's time limit is only a safety net, with or without [solver]."""

    def bouw(fam: registry.Familie, doel: Path) -> registry.Bouwsel:
        doel.mkdir(parents=True)
        (doel / "ronde.toml").write_text('[ronde]\nnaam = "x"\n', encoding="utf-8")
        return registry.Bouwsel(doel, "echt")

    fam = registry.familie(app_meting.FAMILIE)
    monkeypatch.setattr(
        registry, "familie", lambda naam: fam.__class__(**{**fam.__dict__, "bouwer": bouw})
    )
    ronde = app_meting._ronde(tmp_path)
    tekst = (ronde / "ronde.toml").read_text(encoding="utf-8")
    assert f"[solver]\ntijdslimiet_s = {app_meting.TIJDSLIMIET_S}" in tekst
    (ronde / "ronde.toml").write_text("[solver]\ntijdslimiet_s = 60\n", encoding="utf-8")
    tekst = (app_meting._ronde(tmp_path) / "ronde.toml").read_text(encoding="utf-8")
    assert tekst == f"[solver]\ntijdslimiet_s = {app_meting.TIJDSLIMIET_S}\n"


def test_paginas_gemeten_op_voorbeeld(tmp_path: Path) -> None:
    """(a) on the example round, through the test client: every page answers, counts match."""
    pytest.importorskip("starlette", reason="de app-onderdelen (allocatie[app]) ontbreken")
    pytest.importorskip("httpx2", reason="httpx2 (voor de TestClient) ontbreekt")
    from appbouwers import app_met_gebruikers, login, upload, wacht
    from starlette.testclient import TestClient

    client = TestClient(app_met_gebruikers(tmp_path))
    token = login(client, "anna")
    assert upload(client, token).status_code == 200
    client.post("/rondes/1/runs", data={"csrf": token})
    assert "status-klaar" in wacht(client, "/runs/1")
    uit = app_meting.meet_paginas(client, 1, 1)
    assert all(m["n"] >= 1 and m["max_s"] < 60 for m in uit["paginas"].values())
    namen = list(uit["paginas"])
    assert "huishoudens, eerste pagina (van 150)" in namen
    assert "huishoudens, laatste pagina (3)" in namen
    assert "één huishouden met uitleg" in namen
    zoek = next(m for n, m in uit["paginas"].items() if n.startswith("huishoudens, zoeken op"))
    assert zoek["gevonden"] == 9  # HH-00000x: HH-000001 to HH-000009
    gemeente = next(m for n, m in uit["paginas"].items() if n.startswith("huishoudens, gemeente"))
    assert 0 < gemeente["gevonden"] < 150
    assert uit["zip_mb"] > 0
