"""Every figure of a round the same in the console, the workbook, samenvatting.json and the CSVs.

Two CLI runs of the example round with taakstelling swaps (``--model ruil``): a
first round, and a re-run (``--vorige-uitkomst``) after a home was withdrawn, so
that the stability level and a move appear. For each run the console's table per
gemeente is parsed back: every row adds up (``opgave na ruil = opgave − ruil af
+ ruil bij = geplaatst + tekort − overvulling``) and every cell equals the same
figure in ``per_gemeente.csv``, the workbook's "Per gemeente" sheet and
``samenvatting.json``; the totals, the summary line, the levels table (what
each level counts and its final value) and the workbook's summary sheet agree
too.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from allocatie.cli import app

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()

#: Console column header (flattened) -> source column of per_gemeente.
CONSOLE = {
    "taakstelling": "taakstelling",
    "achterstand": "achterstand",
    "voorsprong": "voorsprong",
    "gerealiseerd": "gerealiseerd",
    "opgave": "opgave",
    "ruil af": "ruil_af",
    "ruil bij": "ruil_bij",
    "opgave na ruil": "opgave_na_ruil",
    "geplaatst": "geplaatst",
    "tekort": "tekort",
    "overvulling": "overvulling",
}
#: Workbook header of "Per gemeente" -> source column.
WERKBOEK = {
    "Taakstelling": "taakstelling",
    "Achterstand": "achterstand",
    "Voorsprong": "voorsprong",
    "Gerealiseerd vóór de ronde": "gerealiseerd",
    "Opgave (resterend)": "opgave",
    "Overgedragen aan andere gemeenten (ruil)": "ruil_af",
    "Overgenomen van andere gemeenten (ruil)": "ruil_bij",
    "Opgave na ruil": "opgave_na_ruil",
    "Geplaatst (personen)": "geplaatst",
    "Tekort": "tekort",
    "Overvulling": "overvulling",
}
_RIJ = re.compile(r"^\s*(?P<naam>.+?) \((?P<code>GM\d{4})\)\s+(?P<getallen>[\d ]+?)\s*$")
_TOTAAL = re.compile(r"^\s*totaal\s+(?P<getallen>[\d ]+?)\s*$")


def _console_tabel(uitvoer: str) -> tuple[pd.DataFrame, list[int]]:
    """The per-gemeente table of the console (code + its numbers) and its totals row."""
    rijen, totaal = [], None
    for regel in uitvoer.splitlines():
        if m := _RIJ.match(regel):
            rijen.append([m["code"], *map(int, m["getallen"].split())])
        elif m := _TOTAAL.match(regel):
            totaal = [int(x) for x in m["getallen"].split()]
    assert rijen and totaal is not None, uitvoer
    assert all(len(r) == len(CONSOLE) + 1 for r in rijen), "kolommen ontbreken in de console"
    return pd.DataFrame(rijen, columns=["gemeente_code", *CONSOLE.values()]), totaal


def _niveaus_console(uitvoer: str) -> dict[str, tuple[str, str]]:
    """Level name -> (what it counts, final value as printed)."""
    uit = {}
    for regel in uitvoer.splitlines():
        delen = [d.strip() for d in regel.split("│") if d.strip()]
        if len(delen) == 8 and delen[1] in ("personen", "huishoudens", "aandeel", "kosten"):
            uit[delen[0]] = (delen[1], delen[6])
    return uit


def _werkboek(pad: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    wb = openpyxl.load_workbook(pad, read_only=True)
    rijen = list(wb["Per gemeente"].iter_rows(values_only=True))
    samen = {r[0]: r[1] for r in wb["Samenvatting"].iter_rows(min_row=2, values_only=True)}
    wb.close()
    return pd.DataFrame(rijen[1:], columns=rijen[0]), samen


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """The first round and the re-run: output folder and console output of each."""
    tmp = tmp_path_factory.mktemp("consistent")
    eerst = tmp / "eerst"
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--model", "ruil", "--uitvoer", str(eerst)])
    assert r.exit_code == 0, r.output
    map_ = tmp / "ronde"
    shutil.copytree(VOORBEELD, map_)
    w = pd.read_csv(map_ / "woningaanbod.csv", dtype=str)
    w.loc[w["aanbod_id"] == "W-GM9001-1", "woningen"] = "0"
    w.to_csv(map_ / "woningaanbod.csv", index=False)
    opnieuw = tmp / "opnieuw"
    r2 = runner.invoke(
        app,
        [
            "ronde",
            str(map_),
            "--model",
            "ruil",
            "--uitvoer",
            str(opnieuw),
            "--vorige-uitkomst",
            str(eerst),
        ],
    )
    assert r2.exit_code == 0, r2.output
    return {"eerst": (eerst, r.stdout), "opnieuw": (opnieuw, r2.stdout)}


@pytest.mark.parametrize("run", ["eerst", "opnieuw"])
def test_console_rijen_tellen_op(runs: dict[str, tuple[Path, str]], run: str) -> None:
    _, uitvoer = runs[run]
    c, totaal = _console_tabel(uitvoer)
    assert (c["opgave_na_ruil"] == c["opgave"] - c["ruil_af"] + c["ruil_bij"]).all()
    assert (c["opgave_na_ruil"] == c["geplaatst"] + c["tekort"] - c["overvulling"]).all()
    assert (c["ruil_af"] > 0).any()  # the example does swap
    assert totaal == [int(c[k].sum()) for k in CONSOLE.values()]
    assert "opgave na ruil = opgave − ruil af + ruil bij" in uitvoer


@pytest.mark.parametrize("run", ["eerst", "opnieuw"])
def test_elk_getal_overal_gelijk(runs: dict[str, tuple[Path, str]], run: str) -> None:
    map_, uitvoer = runs[run]
    c, _ = _console_tabel(uitvoer)
    csv = pd.read_csv(map_ / "per_gemeente.csv", dtype={"gemeente_code": str})
    data = json.loads((map_ / "samenvatting.json").read_text(encoding="utf-8"))
    js = pd.DataFrame(data["per_gemeente"])
    wb, samen = _werkboek(map_ / "allocatie.xlsx")
    assert c["gemeente_code"].tolist() == csv["gemeente_code"].tolist()
    assert js["gemeente_code"].tolist() == wb["Code"].tolist() == csv["gemeente_code"].tolist()
    for kolom in CONSOLE.values():
        assert c[kolom].tolist() == csv[kolom].tolist() == js[kolom].tolist(), kolom
    for kop, kolom in WERKBOEK.items():
        assert wb[kop].tolist() == csv[kolom].tolist(), kop

    # The summary figures: console line, samenvatting.json, workbook summary sheet.
    a = data["aantallen"]
    regel = next(r for r in uitvoer.splitlines() if r.startswith("Geplaatst:"))
    getallen = [int(x.replace(".", "")) for x in re.findall(r"[\d.]+(?= (?:huish|pers))", regel)]
    assert getallen == [
        a["huishoudens_geplaatst"],
        a["personen_geplaatst"],
        a["huishoudens_onbediend"],
        a["personen_onbediend"],
    ]
    assert samen["Huishoudens geplaatst"] == a["huishoudens_geplaatst"]
    assert samen["Personen geplaatst"] == a["personen_geplaatst"] == int(csv["geplaatst"].sum())
    assert samen["Huishoudens onbediend"] == a["huishoudens_onbediend"]
    assert samen["Personen onbediend"] == a["personen_onbediend"]
    assert samen["Tekort op taakstellingen (personen)"] == a["tekort"] == int(csv["tekort"].sum())
    assert samen["Overvulling (personen)"] == a["overvulling"]
    assert samen["Overgedragen door ruil (personen)"] == a["geruild"] == int(csv["ruil_af"].sum())
    assert samen["Opgave na ruil (personen)"] == int(csv["opgave_na_ruil"].sum())

    # The levels: each says what it counts, and its final value is the summary's figure.
    niveaus = {n["naam"]: n for n in data["niveaus"]}
    console = _niveaus_console(uitvoer)
    csv_n = pd.read_csv(map_ / "niveaus.csv").set_index("niveau")
    assert set(console) == set(niveaus) == set(csv_n.index)
    for naam, n in niveaus.items():
        assert console[naam][0] == n["eenheid"] == csv_n.loc[naam, "eenheid"], naam
        assert n["eindwaarde"] == pytest.approx(csv_n.loc[naam, "herberekend"])
    assert niveaus["onbediend"]["eenheid"] == "personen"
    assert niveaus["onbediend"]["eindwaarde"] == a["personen_onbediend"]
    assert console["onbediend"][1] == str(a["personen_onbediend"])
    assert niveaus["tekort"]["eindwaarde"] == a["tekort"]
    assert niveaus["ruil"]["eindwaarde"] == a["geruild"]
    if run == "opnieuw":
        assert niveaus["stabiliteit"]["eenheid"] == "huishoudens"
        assert niveaus["stabiliteit"]["eindwaarde"] == data["stabiliteit"]["verschuivingen"] >= 1
        assert console["stabiliteit"][1] == str(data["stabiliteit"]["verschuivingen"])


def test_reistijden_afgerond(runs: dict[str, tuple[Path, str]]) -> None:
    """Travel times in the CSV have at most one decimal, costs two; the archive keeps the
    exact values (the same placements)."""
    import pyogrio

    map_, _ = runs["eerst"]
    p = pd.read_csv(map_ / "plaatsingen.csv")
    tekst = (map_ / "plaatsingen.csv").read_text(encoding="utf-8")
    assert not re.search(r"\.\d{3,}", tekst)
    exact = pyogrio.read_dataframe(map_ / "ronde.gpkg", layer="resultaat_plaatsingen")
    for kolom in ("reistijd_werk_min", "reistijd_familie_min", "kosten"):
        d = 1 if kolom.startswith("reistijd") else 2
        ruw = exact[kolom].to_numpy(float)
        assert p[kolom].to_numpy(float) == pytest.approx(ruw.round(d), nan_ok=True)
    assert (
        exact["reistijd_werk_min"].dropna().round(1) != exact["reistijd_werk_min"].dropna()
    ).any()


def test_rapport_heeft_de_ruilkolommen(runs: dict[str, tuple[Path, str]]) -> None:
    """The report's gemeente table shows the swap columns, so its rows add up as the console's."""
    map_, _ = runs["eerst"]
    html = (map_ / "rapport.html").read_text(encoding="utf-8")
    tabel = html[html.index('id="tabel-gemeenten"') :]
    tabel = tabel[: tabel.index("</table>")]
    for kop in ("Ruil af", "Ruil bij", "Opgave na ruil"):
        assert f">{kop}<" in tabel, kop
    assert "opgave na ruil = opgave − ruil af + ruil bij" in html.lower()
