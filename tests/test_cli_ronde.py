"""End-to-end: `allocatie ronde` on the shipped example round, outputs, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import allocatie
from allocatie.cli import app

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()


@pytest.fixture(scope="module")
def run_highs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Run the example round once with HiGHS; return output folder, JSON path and stdout."""
    basis = tmp_path_factory.mktemp("ronde")
    uit, js = basis / "uit", basis / "samenvatting.json"
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit), "--json", str(js)])
    assert r.exit_code == 0, r.output
    return uit, js, r.output


def test_samenvatting_in_het_nederlands(run_highs: tuple[Path, Path, str]) -> None:
    _, _, uitvoer = run_highs
    for tekst in (
        "Geplaatst:",
        "Tekort op de taakstellingen",
        "Doelniveaus",
        "Solver: HiGHS",
        "onafhankelijke controle: geslaagd",
        "totaal",
        "Onbediend: 2 huishoudens en waarom",
        "Onhaalbaar: 1 huishouden waarvan de harde criteria elkaar tegenspreken",
        "familie in GM9003 (in die gemeente zelf) laat geen enkele optie toe",
    ):
        assert tekst in uitvoer


def test_uitvoerbestanden(run_highs: tuple[Path, Path, str]) -> None:
    uit, _, _ = run_highs
    namen = {p.name for p in uit.iterdir()}
    assert {
        "plaatsingen.csv",
        "onbediend.csv",
        "per_gemeente.csv",
        "per_optie.csv",
        "niveaus.csv",
        "allocatie.xlsx",
        "samenvatting.json",
        "kaart.png",
        "rapport.html",
        "rapport-bijlage.html",
        "verklaring.csv",
        "verklaring_gemeenten.csv",
        "ronde.gpkg",
    } <= namen
    wb = openpyxl.load_workbook(uit / "allocatie.xlsx", read_only=True)
    assert wb.sheetnames == [
        "Samenvatting",
        "Per gemeente",
        "Flexlocaties",
        "Plaatsingen",
        "Onbediend",
        "Onhaalbaar",
        "Verklaring gemeenten",
        "Per optie",
        "Doelniveaus",
        "Model en solver",
        "Parameters",
    ]
    wb.close()
    per_g = pd.read_csv(uit / "per_gemeente.csv", dtype={"gemeente_code": str})
    assert len(per_g) == 12
    assert (per_g["tekort"] == (per_g["opgave"] - per_g["geplaatst"]).clip(lower=0)).all()
    plaatsingen = pd.read_csv(uit / "plaatsingen.csv")
    onbediend = pd.read_csv(uit / "onbediend.csv")
    assert len(plaatsingen) + len(onbediend) == 150
    assert plaatsingen["huishouden_id"].is_unique


def test_json_samenvatting(run_highs: tuple[Path, Path, str]) -> None:
    uit, js, _ = run_highs
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data == json.loads((uit / "samenvatting.json").read_text(encoding="utf-8"))
    assert data["status"] == "optimaal"
    assert [n["naam"] for n in data["niveaus"]] == [
        n for n in allocatie.laad_preset("standaard").doel.volgorde if n != "stabiliteit"
    ]
    for n in data["niveaus"]:
        assert n["waarde"] is not None and n["grens"] is not None and n["gap"] is not None
    a = data["aantallen"]
    assert a["huishoudens_geplaatst"] + a["huishoudens_onbediend"] == 150
    assert a["personen_geplaatst"] + a["personen_onbediend"] == 239
    assert len(data["per_gemeente"]) == 12
    assert data["wall_s"] > 0 and set(data["invoer_sha256"]) >= {"huishoudens", "gemeenten"}


def test_highs_en_cbc_gelijk_op_de_voorbeeldronde(
    run_highs: tuple[Path, Path, str], tmp_path: Path
) -> None:
    """Both backends reach the same value on every objective level of the example round.

    HiGHS proves every level optimal. CBC proves the first four; on the last
    (a min-max over the cost-optimal placements) it may stop at its time limit:
    then its value must still equal HiGHS's optimum and its bound must not
    exceed it (the two solvers' answers are consistent).
    """
    _, js, _ = run_highs
    cbc_js = tmp_path / "cbc.json"
    r = runner.invoke(
        app,
        [
            "ronde",
            str(VOORBEELD),
            "--solver",
            "cbc",
            "--tijdslimiet",
            "30",
            "--uitvoer",
            str(tmp_path / "uit"),
            "--json",
            str(cbc_js),
        ],
    )
    assert r.exit_code == 0, r.output
    highs = json.loads(js.read_text(encoding="utf-8"))
    cbc = json.loads(cbc_js.read_text(encoding="utf-8"))
    assert highs["status"] == "optimaal"
    assert len(cbc["niveaus"]) == len(highs["niveaus"])
    for a, b in zip(highs["niveaus"], cbc["niveaus"], strict=True):
        assert a["naam"] == b["naam"]
        assert a["waarde"] == pytest.approx(b["waarde"], abs=1e-6), a["naam"]
        assert b["grens"] <= a["waarde"] + 1e-6
        if a["naam"] != "overvulling":
            assert b["status"] == "optimaal", a["naam"]


def test_bestaande_uitvoer_niet_stil_overschreven(run_highs: tuple[Path, Path, str]) -> None:
    uit, _, _ = run_highs
    voor = (uit / "plaatsingen.csv").read_bytes()
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit)])
    assert r.exit_code == 2
    assert "--overschrijf" in r.output
    assert (uit / "plaatsingen.csv").read_bytes() == voor


def test_foute_invoer_geeft_nederlandse_melding(tmp_path: Path) -> None:
    ronde = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, ronde)
    hh = (ronde / "huishoudens.csv").read_text(encoding="utf-8").splitlines()
    kop = hh[0].split(",")
    velden = hh[3].split(",")
    velden[kop.index("personen")] = "2.5"
    hh[3] = ",".join(velden)
    (ronde / "huishoudens.csv").write_text("\n".join(hh) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["ronde", str(ronde), "--uitvoer", str(tmp_path / "uit")])
    assert r.exit_code == 2
    for tekst in ("huishoudens.csv", "rij 4", "kolom 'personen'", "'2.5'", "geheel getal"):
        assert tekst in r.output
    assert not (tmp_path / "uit").exists()


def test_python_api_in_een_paar_regels() -> None:
    """The README's Python example works as written."""
    inst = allocatie.laad_ronde(VOORBEELD)
    res = allocatie.los_op(inst)
    assert res.status is allocatie.Status.OPTIMAAL
    assert allocatie.verify(inst, res).ok
    assert {"gemeente_code", "opgave", "geplaatst", "tekort"} <= set(res.per_gemeente.columns)


def test_model_optie_kiest_een_andere_preset(tmp_path: Path) -> None:
    """``--model`` replaces ``[ronde] model``: the ruil preset adds its level and swaps."""
    uit, js = tmp_path / "uit", tmp_path / "s.json"
    r = runner.invoke(
        app,
        ["ronde", str(VOORBEELD), "--model", "ruil", "--uitvoer", str(uit), "--json", str(js)],
    )
    assert r.exit_code == 0, r.output
    samenvatting = json.loads(js.read_text(encoding="utf-8"))
    assert samenvatting["model"] == "ruil"
    assert "ruil" in [n["naam"] for n in samenvatting["niveaus"]]
    standaard = allocatie.los_op(allocatie.laad_ronde(VOORBEELD))
    assert "ruil" not in [n.naam for n in standaard.niveaus]


def test_model_optie_onbekend_is_een_nette_fout(tmp_path: Path) -> None:
    r = runner.invoke(
        app, ["ronde", str(VOORBEELD), "--model", "bestaatniet", "--uitvoer", str(tmp_path / "u")]
    )
    assert r.exit_code == 2, r.output
    assert "onbekende modelpreset" in r.output
    assert "bestaatniet" in r.output
    assert not (tmp_path / "u").exists()


def test_ronde_meldt_alle_invoerfouten(tmp_path: Path) -> None:
    """`allocatie ronde` prints every input error, not only the first."""
    map_ = tmp_path / "ronde"
    shutil.copytree(Path(allocatie.__file__).parents[1] / "data" / "voorbeeld", map_)
    hh = pd.read_csv(map_ / "huishoudens.csv", dtype=str, keep_default_na=False)
    hh.loc[0, "personen"] = "twee"
    hh.loc[1, "azc_gemeente"] = "GM9999"
    hh.to_csv(map_ / "huishoudens.csv", index=False)
    wa = pd.read_csv(map_ / "woningaanbod.csv", dtype=str, keep_default_na=False)
    wa.loc[0, "woningen"] = "-1"
    wa.to_csv(map_ / "woningaanbod.csv", index=False)
    r = runner.invoke(app, ["ronde", str(map_), "--uitvoer", str(tmp_path / "uit")])
    assert r.exit_code == 2, r.output
    uitvoer = " ".join(r.output.split())
    assert "3 fouten in de invoer" in uitvoer
    assert "rij 2, kolom 'personen', waarde 'twee'" in uitvoer
    assert "rij 3, kolom 'azc_gemeente', waarde 'GM9999'" in uitvoer
    assert "woningaanbod.csv', rij 2, kolom 'woningen', waarde '-1'" in uitvoer
