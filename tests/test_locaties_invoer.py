"""Location choice: reading the inputs (Dutch errors naming file, row, column, value) and the
`allocatie locaties` command on the shipped example (data/locaties)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from typer.testing import CliRunner

from allocatie.cli import app
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.locaties.invoer import bouw_probleem
from allocatie.locaties.oplossen import evalueer_locaties, kies_locaties
from allocatie.locaties.probleem import Locatieprobleem, Modelkeuze
from allocatie.locaties.uitvoer import BESTANDEN

DATA = Path(__file__).resolve().parents[1] / "data"
GEMEENTEN = DATA / "voorbeeld" / "gemeenten.geojson"
VRAAG = DATA / "locaties" / "vraag.csv"
KANDIDATEN = DATA / "locaties" / "kandidaten.csv"
runner = CliRunner()


def _schrijf(pad: Path, tekst: str) -> Path:
    pad.write_text(tekst, encoding="utf-8")
    return pad


def test_voorbeeld_wordt_gelezen() -> None:
    inv = bouw_probleem(GEMEENTEN, VRAAG, KANDIDATEN, gewicht_kolom="verwachte_clienten")
    p = inv.probleem
    assert (p.n_vraag, p.n_kandidaten) == (12, 9)
    assert p.totale_vraag == pd.read_csv(VRAAG)["verwachte_clienten"].sum()
    assert p.kandidaat_ids[np.flatnonzero(p.vast)[0]] == "LVV-ZAN"
    assert inv.huidig == ("LVV-ZAN", "LVV-HOO")
    # a site in its own gemeente takes the intra-gemeente time, others the distance estimate
    j = p.kandidaat_ids.index("LVV-ZAN")
    i = p.vraag_codes.index("GM9012")
    assert p.minuten[i, j] == pytest.approx(p.minuten[i].min())


@pytest.mark.parametrize(
    ("tekst", "rij", "kolom", "waarde"),
    [
        ("gemeente_code,inwoners\nGM9001,10\nGM9999,5\n", 3, "gemeente_code", "GM9999"),
        ("gemeente_code,inwoners\nGM9001,-1\n", 2, "inwoners", "-1"),
        ("gemeente_code,inwoners\nGM9001,veel\n", 2, "inwoners", "veel"),
        ("gemeente_code,inwoners\nGM9001,1\nGM9001,2\n", 3, "gemeente_code", "GM9001"),
        ("gemeente_code,inwoners\nGM901,1\n", 2, "gemeente_code", "GM901"),
    ],
)
def test_fout_in_de_vraag(tmp_path: Path, tekst: str, rij: int, kolom: str, waarde: str) -> None:
    pad = _schrijf(tmp_path / "vraag.csv", tekst)
    with pytest.raises(InvoerFout) as fout:
        bouw_probleem(GEMEENTEN, pad)
    assert (fout.value.bestand, fout.value.rij, fout.value.kolom) == (str(pad), rij, kolom)
    assert fout.value.waarde == waarde
    assert "bestand" in str(fout.value) and "rij" in str(fout.value)


def test_vraag_zonder_gewichtkolom(tmp_path: Path) -> None:
    pad = _schrijf(tmp_path / "vraag.csv", "gemeente_code,clienten\nGM9001,1\n")
    with pytest.raises(InvoerFout, match="inwoners"):
        bouw_probleem(GEMEENTEN, pad)


@pytest.mark.parametrize(
    ("tekst", "rij", "kolom", "waarde"),
    [
        ("locatie_id,gemeente_code\nA,GM9001\nA,GM9002\n", 3, "locatie_id", "A"),
        ("locatie_id,gemeente_code,vast\nA,GM9001,misschien\n", 2, "vast", "misschien"),
        ("locatie_id,gemeente_code,capaciteit\nA,GM9001,-5\n", 2, "capaciteit", "-5"),
        ("locatie_id,gemeente_code\nA,GM0000\n", 2, "gemeente_code", "GM0000"),
    ],
)
def test_fout_in_de_kandidaten(
    tmp_path: Path, tekst: str, rij: int, kolom: str, waarde: str
) -> None:
    pad = _schrijf(tmp_path / "kandidaten.csv", tekst)
    with pytest.raises(InvoerFout) as fout:
        bouw_probleem(GEMEENTEN, VRAAG, pad)
    assert (fout.value.bestand, fout.value.rij, fout.value.kolom) == (str(pad), rij, kolom)
    assert fout.value.waarde == waarde


def test_kandidaat_buiten_zijn_gemeente(tmp_path: Path) -> None:
    # the point of Zandingen (GM9012) claimed for Hoodorp (GM9002)
    pad = _schrijf(
        tmp_path / "kandidaten.csv", "locatie_id,gemeente_code,x,y\nA,GM9002,223988,374376\n"
    )
    with pytest.raises(InvoerFout, match="GM9012"):
        bouw_probleem(GEMEENTEN, VRAAG, pad)


def _klein() -> Locatieprobleem:
    return Locatieprobleem(
        ("GM0001", "GM0002"),
        ("A", "B"),
        np.array([10.0, 5.0]),
        ("L1", "L2", "L3"),
        ("a", "b", "c"),
        ("GM0001", "GM0002", "GM0002"),
        np.array([[1.0, 9.0, 8.0], [9.0, 1.0, 2.0]]),
        capaciteit=np.array([6.0, 6.0, 20.0]),
        vast=np.array([True, True, False]),
    )


def test_fouten_voor_het_oplossen() -> None:
    p = _klein()
    with pytest.raises(InvoerFout, match="maar 3 kandidaten"):
        kies_locaties(p, Modelkeuze("pmediaan", k=4))
    with pytest.raises(InvoerFout, match="2 locaties staan vast"):
        kies_locaties(p, Modelkeuze("pmediaan", k=1))
    with pytest.raises(InvoerFout, match="te weinig capaciteit: de vraag is 15"):
        kies_locaties(p, Modelkeuze("capaciteit", k=2))
    with pytest.raises(InvoerFout, match="GM0001"):  # 10 fits in no site of capacity 6
        kies_locaties(
            Locatieprobleem(**{**_klein().__dict__, "capaciteit": np.array([6.0, 6.0, 6.0])}),
            Modelkeuze("capaciteit", k=3),
        )
    with pytest.raises(ConfiguratieFout, match="reistijdlimiet"):
        Modelkeuze("dekking", k=1)
    with pytest.raises(ConfiguratieFout, match="onbekend model"):
        Modelkeuze("centrum", k=1)
    with pytest.raises(InvoerFout) as fout:
        evalueer_locaties(p, Modelkeuze("pmediaan", k=1), ["L1", "L9"])
    assert (fout.value.kolom, fout.value.waarde) == ("locatie_id", "L9")


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    uit = tmp_path_factory.mktemp("loc") / "uit"
    r = runner.invoke(
        app,
        [
            "locaties",
            "--gemeenten",
            str(GEMEENTEN),
            "--vraag",
            str(VRAAG),
            "--gewicht-kolom",
            "verwachte_clienten",
            "--kandidaten",
            str(KANDIDATEN),
            "--model",
            "capaciteit",
            "--k",
            "3",
            "--limiet",
            "20",
            "--uitvoer",
            str(uit),
        ],
    )
    assert r.exit_code == 0, r.output
    return uit, r.output


def test_cli_op_het_voorbeeld(cli_run: tuple[Path, str]) -> None:
    uit, tekst = cli_run
    for naam in BESTANDEN:
        assert (uit / naam).is_file(), naam
    assert "gewogen gemiddelde reistijd" in tekst and "bewezen optimaal" in tekst
    s = json.loads((uit / "samenvatting.json").read_text(encoding="utf-8"))
    gekozen, ver = s["sets"]["gekozen"], s["sets"]["vergelijking"]
    assert len(gekozen["locaties"]) == 3 and "LVV-ZAN" in gekozen["locaties"]  # fixed open
    assert ver["locaties"] == ["LVV-ZAN", "LVV-HOO"]  # the rows with huidig = ja
    # the optimum is no worse than today's set under the same model
    assert gekozen["doel"] <= ver["doel"] + 1e-6
    loc = pd.read_csv(uit / "locaties.csv")
    open_ = loc[loc["gekozen"] == "ja"]
    assert (open_["vraag_toegewezen"] <= open_["capaciteit"] + 1e-6).all()
    toew = pd.read_csv(uit / "toewijzing.csv")
    assert sorted(toew["gemeente_code"]) == sorted(pd.read_csv(VRAAG)["gemeente_code"])
    assert set(toew["locatie_id"]) <= set(gekozen["locaties"])
    stat = pd.read_csv(uit / "statistiek.csv")
    assert list(stat.columns) == ["maat", "omschrijving", "gekozen", "vergelijking", "verschil"]
    with Image.open(uit / "kaart.png") as im:
        assert im.size[0] > 400
    with pd.ExcelFile(uit / "locaties.xlsx") as xl:
        assert xl.sheet_names == ["Samenvatting", "Locaties", "Toewijzing"]


@pytest.mark.parametrize(
    ("extra", "melding"),
    [
        (["--model", "dekking"], "reistijdlimiet"),
        (["--vergelijk", "LVV-XXX"], "LVV-XXX"),
        (["--vast", "K-AAR,K-TES,K-SWO"], "4 locaties staan vast"),
        (["--modus", "fiets"], "vervoerswijze"),
    ],
)
def test_cli_fouten(tmp_path: Path, extra: list[str], melding: str) -> None:
    r = runner.invoke(
        app,
        [
            "locaties",
            "--gemeenten",
            str(GEMEENTEN),
            "--vraag",
            str(VRAAG),
            "--kandidaten",
            str(KANDIDATEN),
            "--k",
            "3",
            "--uitvoer",
            str(tmp_path / "uit"),
            *extra,
        ],
    )
    assert r.exit_code == 2, r.output
    assert melding in r.output
    assert not (tmp_path / "uit").exists()
