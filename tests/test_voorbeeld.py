"""`allocatie voorbeeld MAP` and the shipped files it copies (issue 18)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from allocatie.cli import app
from allocatie.invoer.laden import laad_ronde
from allocatie.kern.meegeleverd import (
    gegevens_map,
    modellen_map,
    planvoorbeeld_map,
    voorbeeld_map,
)
from allocatie.planning import lees_planconfig
from allocatie.ronde.presets import beschikbare_presets, laad_preset

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_meegeleverde_mappen_zijn_die_van_de_repository() -> None:
    """From a checkout (editable install) the top-level folders are used, not copies."""
    assert modellen_map() == REPO / "models"
    assert gegevens_map() == REPO / "data"
    assert voorbeeld_map() == REPO / "data" / "voorbeeld"
    assert planvoorbeeld_map() == REPO / "data" / "plan"


def test_presets_op_naam() -> None:
    assert {"standaard", "werk-eerst", "ruil"} <= set(beschikbare_presets())
    assert laad_preset("standaard").naam == "standaard"


def _bestanden(map_: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(map_)): p.read_bytes()
        for p in sorted(map_.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_voorbeeld_schrijft_ronde_en_plan(tmp_path: Path) -> None:
    doel = tmp_path / "mijn voorbeeld"
    r = runner.invoke(app, ["voorbeeld", str(doel)])
    assert r.exit_code == 0, r.output
    verwacht = {
        **{k: v for k, v in _bestanden(voorbeeld_map()).items()},
        **{f"plan/{k}": v for k, v in _bestanden(planvoorbeeld_map()).items()},
        "SCHEMA.md": (gegevens_map() / "SCHEMA.md").read_bytes(),
    }
    assert _bestanden(doel) == verwacht  # every file, byte for byte
    # It says in Dutch what it wrote and what to run next (a path with a space quoted).
    assert f"Voorbeeld geschreven naar {doel}" in r.output
    assert "ronde.toml" in r.output and "plan.toml" in r.output
    assert f"allocatie ronde '{doel}'" in r.output
    assert f"allocatie plan '{doel / 'plan' / 'plan.toml'}'" in r.output
    # What it wrote is a round and a plan that load.
    inst = laad_ronde(doel)
    assert len(inst.huishoudens) > 0
    assert lees_planconfig(doel / "plan" / "plan.toml").instantie.scenarios.instroom.shape[0] > 0


def test_voorbeeld_overschrijft_niet_zonder_vraag(tmp_path: Path) -> None:
    doel = tmp_path / "vb"
    assert runner.invoke(app, ["voorbeeld", str(doel)]).exit_code == 0
    (doel / "ronde.toml").write_text("# eigen wijziging\n", encoding="utf-8")
    r = runner.invoke(app, ["voorbeeld", str(doel)])
    assert r.exit_code == 2
    assert "bestaat al en is niet leeg" in r.output and "--overschrijf" in r.output
    assert (doel / "ronde.toml").read_text(encoding="utf-8") == "# eigen wijziging\n"


def test_voorbeeld_overschrijft_eigen_map(tmp_path: Path) -> None:
    doel = tmp_path / "vb"
    assert runner.invoke(app, ["voorbeeld", str(doel)]).exit_code == 0
    (doel / "plan" / "plan.toml").unlink()
    r = runner.invoke(app, ["voorbeeld", str(doel), "--overschrijf"])
    assert r.exit_code == 0, r.output
    assert (doel / "plan" / "plan.toml").is_file()


def test_voorbeeld_vervangt_geen_vreemde_map(tmp_path: Path) -> None:
    doel = tmp_path / "eigen"
    doel.mkdir()
    (doel / "notities.txt").write_text("van mij", encoding="utf-8")
    r = runner.invoke(app, ["voorbeeld", str(doel), "--overschrijf"])
    assert r.exit_code == 2, r.output
    assert (doel / "notities.txt").read_text(encoding="utf-8") == "van mij"
    assert not (doel / "ronde.toml").exists()


def test_voorbeeld_in_lege_bestaande_map(tmp_path: Path) -> None:
    r = runner.invoke(app, ["voorbeeld", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ronde.toml").is_file() and (tmp_path / "plan" / "plan.toml").is_file()
