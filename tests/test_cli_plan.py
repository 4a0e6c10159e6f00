"""End-to-end: `allocatie plan` on a tiny plan: outputs, consistency, JSON, errors, workers.

The plan (`planbouwers.KLEIN`: two regions, five half-years, six
scenarios) solves every policy in about a second, so each run here takes a few
seconds; the shipped example (`data/plan/plan.toml`, 100 scenarios) is for
``make plan-demo``.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from planbouwers import KLEIN, schrijf_klein
from typer.testing import CliRunner

from allocatie.cli import app
from allocatie.io.uitvoermap import MERK
from allocatie.planning.uitvoer.schrijf import BESTANDEN
from allocatie.planning.uitvoer.tabellen import ROLLEND_HALFJAAR

PLAN = Path(__file__).resolve().parents[1] / "data" / "plan"
runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    """Run the tiny plan once; return TOML, output folder, JSON path and the output."""
    basis = tmp_path_factory.mktemp("cli")
    toml = schrijf_klein(basis)
    uit, js = basis / "uit", basis / "samenvatting.json"
    r = runner.invoke(app, ["plan", str(toml), "--uitvoer", str(uit), "--json", str(js)])
    assert r.exit_code == 0, r.output
    return toml, uit, js, r.output


def test_overzicht_in_het_nederlands(run: tuple[Path, Path, Path, str]) -> None:
    *_, uitvoer = run
    for tekst in (
        "Plan Proefplan: 2 regio's, 5 halfjaren (2027-I t/m 2029-I)",
        "Beleid vergeleken",
        "stochastisch plan",
        "perfecte informatie",
        "CVaR 90%",
        "Waarde van het stochastische plan (VSS): €",
        "Waarde van op- en afschalen",
        "Waarde van perfecte informatie (EVPI)",
        "Stochastisch plan: HiGHS",
        "status optimaal",
        "5 beleidsregels en 2 varianten nagerekend, geslaagd",
        "Wat het stochastische plan doet",
        "Beschikbare flexplaatsen per regio en halfjaar",
        "Gevoeligheid",
        "wachtkosten × 2",
        "Onafhankelijke controle",  # progress line (stderr)
        "Uitvoer geschreven naar",
    ):
        assert tekst in uitvoer, tekst


def test_uitvoerbestanden_consistent(run: tuple[Path, Path, Path, str]) -> None:
    toml, uit, js, _ = run
    assert sorted(p.name for p in uit.iterdir()) == sorted([*BESTANDEN, MERK])
    # plan.csv: beschikbaar is the stock balance of besteld / gesloten / moves
    plan = pd.read_csv(uit / "plan.csv")
    levertijd = {"studio": 1, "gezinswoning": 2}
    bestaand = {("Noord", "studio"): 2}
    for (regio, flextype), d in plan.groupby(["regio", "flextype"], sort=False):
        besteld = d["besteld"].to_numpy()
        geleverd = np.concatenate(
            [np.zeros(levertijd[flextype], dtype=int), besteld[: -levertijd[flextype]]]
        )
        saldo = geleverd + d["verplaatst_aan"] - d["gesloten"] - d["verplaatst_weg"]
        verwacht = bestaand.get((regio, flextype), 0) + np.cumsum(saldo)
        assert (d["beschikbaar"].to_numpy() == verwacht).all(), (regio, flextype)
    # beleid.csv's stochastic row is the JSON summary's, and the written JSON is --json's
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data == json.loads((uit / "samenvatting.json").read_text(encoding="utf-8"))
    beleid = pd.read_csv(uit / "beleid.csv", keep_default_na=False, na_values=[""])
    rij = beleid.set_index("beleid", drop=False).loc["stochastisch"]
    assert set(rij.index) == set(data["beleid"]["stochastisch"])
    for kolom, waarde in data["beleid"]["stochastisch"].items():
        if isinstance(waarde, float):
            assert rij[kolom] == pytest.approx(waarde, rel=1e-12), kolom
        elif waarde is not None:
            assert str(rij[kolom]) == str(waarde), kolom
    assert data["vss"] == pytest.approx(
        beleid.set_index("beleid").loc["gemiddeld", "verschil_doel"]
    )
    assert data["scenarios"] == 6 and data["config"] == str(toml)
    assert data["solver"]["status"] == "optimaal"
    # achterstand.csv: five policies, five half-years, ordered quantiles
    a = pd.read_csv(uit / "achterstand.csv")
    assert len(a) == 25 and (a["p5"] <= a["p50"]).all() and (a["p50"] <= a["p95"]).all()
    g = pd.read_csv(uit / "gevoeligheid.csv")
    assert g["variant"].tolist() == ["basis", "wachtkosten × 0,5", "wachtkosten × 2"]
    assert pd.read_csv(uit / "scenarios.csv")["scenario"].nunique() == 6


def test_afbeeldingen_en_rapport(run: tuple[Path, Path, Path, str]) -> None:
    _, uit, _, _ = run
    for naam in ("waaier.png", "capaciteit.png"):
        with Image.open(uit / naam) as im:
            px = np.asarray(im.convert("L"), dtype=float)
        assert px.shape[1] == 1500 and px.std() > 20, naam
    html = (uit / "rapport.html").read_text(encoding="utf-8")
    assert "Op- en afschalen van flexwonen" in html
    assert not re.search(r"https?://", html)
    assert html.count("data:image/png;base64,") == 2


def test_json_naar_stdout(tmp_path: Path) -> None:
    toml = schrijf_klein(tmp_path)
    r = runner.invoke(
        app,
        [
            "plan",
            str(toml),
            "--uitvoer",
            str(tmp_path / "uit"),
            "--json",
            "-",
            "--stil",
            "--zonder-gevoeligheid",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)  # stdout is the JSON and nothing else
    assert data["naam"] == "Proefplan" and data["gevoeligheid"][0]["variant"] == "basis"
    assert len(data["gevoeligheid"]) == 1
    assert r.stderr == ""


def test_bestaande_uitvoermap_voor_het_rekenen(tmp_path: Path) -> None:
    toml = schrijf_klein(tmp_path)
    uit = tmp_path / "uit"
    uit.mkdir()
    (uit / "oud.txt").write_text("blijft", encoding="utf-8")
    r = runner.invoke(app, ["plan", str(toml), "--uitvoer", str(uit)])
    assert r.exit_code == 2, r.output
    assert "uitvoermap bestaat al" in r.output and "--overschrijf" in r.output
    assert "Plannen oplossen" not in r.output  # refused before solving
    assert [p.name for p in uit.iterdir()] == ["oud.txt"]


def test_foute_configuratie_noemt_bestand_en_sleutel(tmp_path: Path) -> None:
    toml = schrijf_klein(tmp_path, KLEIN.replace("verdringing = 2000", "verdringng = 2000"))
    r = runner.invoke(app, ["plan", str(toml), "--uitvoer", str(tmp_path / "uit")])
    assert r.exit_code == 2, r.output
    for tekst in ("Fout:", str(toml), "kosten.verdringng", "onbekende sleutel", "verdringing"):
        assert tekst in r.output, tekst
    assert not (tmp_path / "uit").exists()


@pytest.mark.parametrize(
    ("opties", "tekst"),
    [
        (["--methode", "simplex"], "onbekende methode; kies uit auto, extensief, benders"),
        (["--solver", "gurobi"], "onbekende solver"),
    ],
)
def test_foute_optie_is_een_nette_fout(tmp_path: Path, opties: list[str], tekst: str) -> None:
    toml = schrijf_klein(tmp_path)
    r = runner.invoke(app, ["plan", str(toml), "--uitvoer", str(tmp_path / "u"), *opties])
    assert r.exit_code == 2, r.output
    assert tekst in r.output


def test_scenarios_en_seed_alleen_bij_genereren(tmp_path: Path) -> None:
    r = runner.invoke(
        app, ["plan", str(PLAN / "plan-csv.toml"), "--scenarios", "3", "-u", str(tmp_path / "u")]
    )
    assert r.exit_code == 2, r.output
    assert "--scenarios en --seed gelden alleen voor gegenereerde scenario's" in r.output
    assert "plan-csv.toml" in r.output


def test_opties_vervangen_de_toml(tmp_path: Path) -> None:
    toml = schrijf_klein(tmp_path)
    js = tmp_path / "s.json"
    r = runner.invoke(
        app,
        [
            "plan",
            str(toml),
            "-u",
            str(tmp_path / "uit"),
            "--scenarios",
            "3",
            "--seed",
            "11",
            "--zonder-vergelijking",
            "--zonder-gevoeligheid",
            "--methode",
            "benders",
            "--json",
            str(js),
            "--stil",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["scenarios"] == 3 and list(data["beleid"]) == ["stochastisch"]
    assert data["vss"] is None and data["evpi"] is None
    assert data["solver"]["methode"] == "benders"
    scen = pd.read_csv(tmp_path / "uit" / "scenarios.csv")
    assert scen["scenario"].unique().tolist() == ["s001", "s002", "s003"]


def test_twee_workers_zelfde_plan(run: tuple[Path, Path, Path, str], tmp_path: Path) -> None:
    """The plan does not depend on how many processes solve it."""
    toml, uit, _, _ = run
    r = runner.invoke(
        app, ["plan", str(toml), "-u", str(tmp_path / "uit"), "--workers", "2", "--stil"]
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "uit" / "plan.csv").read_bytes() == (uit / "plan.csv").read_bytes()
    een = pd.read_csv(uit / "beleid.csv")
    twee = pd.read_csv(tmp_path / "uit" / "beleid.csv")
    np.testing.assert_allclose(twee["doel"], een["doel"], rtol=1e-9)


def test_hulp_in_het_nederlands() -> None:
    r = runner.invoke(app, ["plan", "--help"])
    assert r.exit_code == 0
    for tekst in ("--workers", "--scheduler", "--scenarios", "--overschrijf", "instroomscenario"):
        assert tekst in r.output


def test_rollend_beleid(tmp_path: Path) -> None:
    """``--rollend`` adds the rolling policy: checked, compared with an interval, its files.

    rollend.csv (the interval), rollend_halfjaar.csv and rollend.png (per
    half-year), and the report's section with both.
    """
    toml = schrijf_klein(tmp_path)
    uit = tmp_path / "uit"
    r = runner.invoke(
        app, ["plan", str(toml), "--uitvoer", str(uit), "--rollend", "--zonder-gevoeligheid"]
    )
    assert r.exit_code == 0, r.output
    uitvoer = re.sub(r"\s+", " ", r.output)
    assert "Rollend plannen tegen Statisch" in uitvoer
    assert "95%-interval" in uitvoer
    assert "6 beleidsregels nagerekend, geslaagd" in uitvoer
    assert "businesscase.csv, rollend.csv, rollend_halfjaar.csv, scenarios.csv" in uitvoer
    assert "capaciteit.png, rollend.png, rapport.html" in uitvoer
    extra = ["rollend.csv", "rollend_halfjaar.csv", "rollend.png"]
    assert sorted(p.name for p in uit.iterdir()) == sorted([*BESTANDEN, *extra, MERK])
    half = pd.read_csv(uit / "rollend_halfjaar.csv")
    assert half.columns.tolist() == list(ROLLEND_HALFJAAR)
    assert half["periode"].tolist() == ["2027-I", "2027-II", "2028-I", "2028-II", "2029-I"]
    q = half[["plaatsen_p5", "plaatsen_p25", "plaatsen_p50", "plaatsen_p75", "plaatsen_p95"]]
    assert (q.diff(axis=1).iloc[:, 1:] >= 0).all().all()  # quantiles in order
    assert half[["kans_sluiten", "kans_daling"]].stack().between(0, 1).all()
    with Image.open(uit / "rollend.png") as img:
        assert img.width == 1500
    html = unescape((uit / "rapport.html").read_text(encoding="utf-8"))
    assert 'id="tabel-rollend-halfjaar"' in html and "Rollend plannen per halfjaar" in html
    assert "van de scenario's staan er aan het eind minder flexplaatsen" in html
    assert html.count("data:image/png;base64,") == 3
    rol = pd.read_csv(uit / "rollend.csv")
    assert rol["tegen"].tolist() == ["statisch", "geen_flex", "stochastisch"]
    assert (rol["onder"] <= rol["verschil"]).all() and (rol["verschil"] <= rol["boven"]).all()
    beleid = pd.read_csv(uit / "beleid.csv")
    assert "rollend" in beleid["beleid"].tolist()
