"""Tests for `allocatie.reports.werkboek`: the Excel workbook of a round.

The workbook of the example round is written for real and read back with
openpyxl: sheet names, Dutch headers, frozen panes, autofilters, number formats
and column widths, and every figure against the result it came from. When
LibreOffice is installed, it converts every sheet to CSV as a check that the
file opens there too (skipped otherwise).
"""

from __future__ import annotations

import datetime as dt
import doctest
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import allocatie
from allocatie.kern.taal import personen
from allocatie.reports import overzicht, uitvoer, werkboek
from allocatie.reports.werkboek import BEVROREN, BLADEN, FORMATEN, KOLOMMEN, schrijf_werkboek
from allocatie.resultaat.explain import verklaar

REPO = Path(__file__).resolve().parents[1]
Voorbeeld = tuple[allocatie.Instance, allocatie.AllocationResult]


@pytest.fixture(scope="module")
def voorbeeld() -> Voorbeeld:
    inst = allocatie.laad_ronde(REPO / "data" / "voorbeeld")
    return inst, allocatie.los_op(inst)


@pytest.fixture(scope="module")
def xlsx(voorbeeld: Voorbeeld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inst, res = voorbeeld
    return schrijf_werkboek(inst, res, tmp_path_factory.mktemp("wb") / "allocatie.xlsx")


@pytest.fixture(scope="module")
def wb(xlsx: Path) -> Any:
    return openpyxl.load_workbook(xlsx)


def _tabel(ws: Worksheet) -> pd.DataFrame:
    """A sheet as a DataFrame with its (Dutch) headers."""
    rijen = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rijen[1:], columns=rijen[0])


def _kolom(ws: Worksheet, kop: str) -> int:
    koppen = [c.value for c in ws[1]]
    return koppen.index(kop) + 1


def test_doctests() -> None:
    assert doctest.testmod(overzicht).failed == 0


def test_bladen_en_koppen(wb: Any) -> None:
    assert wb.sheetnames == list(BLADEN.values())
    for sleutel, naam in BLADEN.items():
        ws = wb[naam]
        assert [c.value for c in ws[1]] == [k.kop for k in KOLOMMEN[sleutel]], naam
        assert all(c.font.bold for c in ws[1]), naam


def test_bevroren_kop_en_excel_tabel(wb: Any) -> None:
    """Every sheet is one named Excel Table over header and rows, with a style and no
    separate sheet filter (Excel refuses both on the same cells)."""
    namen = set()
    for sleutel, naam in BLADEN.items():
        ws = wb[naam]
        assert ws.freeze_panes == BEVROREN.get(sleutel, "A2"), naam
        laatste = get_column_letter(len(KOLOMMEN[sleutel]))
        assert list(ws.tables) == [f"Tabel_{sleutel}"], naam
        tabel = ws.tables[f"Tabel_{sleutel}"]
        assert tabel.ref == f"A1:{laatste}{max(ws.max_row, 2)}", naam
        assert tabel.tableStyleInfo.name == werkboek.TABELSTIJL
        assert ws.auto_filter.ref is None, naam
        namen.add(tabel.displayName)
    assert len(namen) == len(BLADEN)


def test_tabelnaam_uniek_en_geldig() -> None:
    boek = openpyxl.Workbook()
    ws = boek.active
    ws.title = "Per gemeente (2)"
    df = pd.DataFrame({"a": [1]})
    werkboek.schrijf_tabel(ws, df, [werkboek.Kolom("a", "A", "geheel")])
    ws2 = boek.create_sheet("Per gemeente 2")
    werkboek.schrijf_tabel(ws2, df, [werkboek.Kolom("a", "A", "geheel")])
    assert list(ws.tables) == ["Tabel_Per_gemeente_2"]
    assert list(ws2.tables) == ["Tabel_Per_gemeente_2_2"]
    ws3 = boek.create_sheet("Leeg")
    werkboek.schrijf_tabel(ws3, df.iloc[:0], [werkboek.Kolom("a", "A", "geheel")])
    assert ws3.tables["Tabel_Leeg"].ref == "A1:A2"  # Excel wants a row under the header
    with pytest.raises(ValueError, match="dubbele kolomkoppen"):
        werkboek.schrijf_tabel(
            boek.create_sheet("D"), df, [werkboek.Kolom("a", "A"), werkboek.Kolom("a", "A")]
        )


def test_kolombreedtes(wb: Any) -> None:
    for sleutel, naam in BLADEN.items():
        ws = wb[naam]
        for j, k in enumerate(KOLOMMEN[sleutel], start=1):
            breedte = ws.column_dimensions[get_column_letter(j)].width
            assert 8 <= breedte <= k.max_breedte + 2, (naam, k.kop, breedte)
    ws = wb[BLADEN["per_gemeente"]]
    breedte = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    assert breedte["Status tegenover de taak"] > breedte["Code"] + 20


@pytest.mark.parametrize(
    ("blad", "kop", "formaat"),
    [
        ("per_gemeente", "Taakstelling", "geheel"),
        ("per_gemeente", "Inwoners", "geheel"),
        ("per_gemeente", "Tekort (% van opgave)", "procent"),
        ("per_gemeente", "Vervulling (% van opgave)", "procent"),
        ("flexlocaties", "Bezetting personen (%)", "procent"),
        ("flexlocaties", "Max. aandeel vergunninghouders", "procent"),
        ("flexlocaties", "Beschikbaar vanaf", "datum"),
        ("plaatsingen", "Kosten", "kosten"),
        ("niveaus", "Gap", "gap"),
        ("niveaus", "Rekentijd", "seconden"),
    ],
)
def test_getalnotaties(wb: Any, blad: str, kop: str, formaat: str) -> None:
    naam = BLADEN[blad]
    ws = wb[naam]
    j = _kolom(ws, kop)
    cellen = [ws.cell(row=i, column=j) for i in range(2, ws.max_row + 1)]
    gevuld = [c for c in cellen if c.value is not None]
    assert gevuld, (naam, kop)
    assert all(c.number_format == FORMATEN[formaat] for c in gevuld), (naam, kop)
    if formaat == "datum":
        assert all(isinstance(c.value, dt.datetime) for c in gevuld)
    else:
        assert all(isinstance(c.value, int | float) for c in gevuld)


def test_reistijd_in_minuten(wb: Any, voorbeeld: Voorbeeld) -> None:
    _, res = voorbeeld
    ws = wb[BLADEN["plaatsingen"]]
    j = _kolom(ws, "Reistijd werk")
    gevuld = [
        ws.cell(row=i, column=j)
        for i in range(2, ws.max_row + 1)
        if ws.cell(row=i, column=j).value is not None
    ]
    assert len(gevuld) == int(res.plaatsingen["reistijd_werk_min"].notna().sum()) > 0
    assert {c.number_format for c in gevuld} == {FORMATEN["reistijd"]}
    # Stored as numbers rounded to one decimal (the archive keeps the exact value).
    ruw = res.plaatsingen["reistijd_werk_min"].dropna().tolist()
    assert [c.value for c in gevuld] == [round(r, 1) for r in ruw]
    assert any(round(r, 1) != r for r in ruw)  # the example does have long decimals
    assert all(isinstance(c.value, int | float) for c in gevuld)  # numbers, not text


def test_niveaus_aandeel_als_procent(wb: Any, voorbeeld: Voorbeeld) -> None:
    """Shares (eerlijkheid, overvulling) show as %, persons and costs as numbers."""
    _, res = voorbeeld
    ws = wb[BLADEN["niveaus"]]
    t = _tabel(ws)
    assert t["Niveau"].tolist() == [n.naam for n in res.niveaus]
    j = _kolom(ws, "Waarde bij oplossen")
    eind = _kolom(ws, "Eindwaarde (uit de plaatsingen)")
    soort = {"aandeel": "gap", "personen": "geheel", "huishoudens": "geheel"}
    for i, n in enumerate(res.niveaus, start=2):
        cel = ws.cell(row=i, column=j)
        assert cel.value == pytest.approx(n.waarde)
        assert ws.cell(row=i, column=eind).value == pytest.approx(res.doelwaarden[n.naam])
        eenheid = overzicht.NIVEAUS[n.naam][1]
        assert ws.cell(row=i, column=_kolom(ws, "Telt")).value == eenheid
        assert cel.number_format == FORMATEN[soort.get(eenheid, "decimaal")], n.naam
    assert t["Status"].tolist() == [n.status.value for n in res.niveaus]
    assert t["Gap"].tolist() == pytest.approx([n.gap for n in res.niveaus])


def test_per_gemeente_gelijk_aan_resultaat(wb: Any, voorbeeld: Voorbeeld) -> None:
    _, res = voorbeeld
    t = _tabel(wb[BLADEN["per_gemeente"]])
    g = res.per_gemeente
    assert t["Code"].tolist() == g["gemeente_code"].tolist()
    for kop, kolom in [
        ("Taakstelling", "taakstelling"),
        ("Achterstand", "achterstand"),
        ("Voorsprong", "voorsprong"),
        ("Gerealiseerd vóór de ronde", "gerealiseerd"),
        ("Opgave (resterend)", "opgave"),
        ("Geplaatst (personen)", "geplaatst"),
        ("Geplaatst (huishoudens)", "huishoudens"),
        ("Tekort", "tekort"),
        ("Overvulling", "overvulling"),
        ("Saldo volgende periode (+ achterstand, − voorsprong)", "saldo"),
    ]:
        assert t[kop].tolist() == g[kolom].tolist(), kop
    assert t["Tekort (% van opgave)"].tolist() == pytest.approx(g["relatief_tekort"].tolist())
    assert int(t["Geplaatst (personen)"].sum()) == int(res.plaatsingen["personen"].sum())
    for status, tekort, over in zip(
        t["Status tegenover de taak"], g["tekort"], g["overvulling"], strict=True
    ):
        if tekort > 0:
            assert status.startswith(f"tekort van {personen(tekort)} (")
        elif over > 0:
            assert status == f"taak gehaald, {personen(over)} boven de opgave"
        else:
            assert status in ("taak gehaald", "geen opgave (taak al gerealiseerd)")


def test_flexlocaties_gelijk_aan_resultaat(wb: Any, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    t = _tabel(wb[BLADEN["flexlocaties"]])
    po = res.per_optie[res.per_optie["soort"] == "flex"].reset_index(drop=True)
    op = inst.opties.set_index("aanbod_id").loc[po["aanbod_id"]]
    assert t["Locatie"].tolist() == po["aanbod_id"].tolist() and len(t) == 3
    assert t["Eenheden bezet"].tolist() == po["eenheden_gebruikt"].tolist()
    assert t["Geplaatst (personen)"].tolist() == po["personen"].tolist()
    assert t["Capaciteit (personen)"].tolist() == po["capaciteit_personen"].tolist()
    assert t["Eenheden totaal"].tolist() == op["eenheden_totaal"].tolist()
    assert t["Bezetting personen (%)"].tolist() == pytest.approx(
        (po["personen"] / po["capaciteit_personen"]).tolist()
    )
    aandeel = (po["eenheden_gebruikt"] / op["eenheden_totaal"].to_numpy()).tolist()
    assert t["Aandeel vergunninghouders"].tolist() == pytest.approx(aandeel)
    assert t["Max. aandeel vergunninghouders"].tolist() == pytest.approx(
        op["max_aandeel_vh"].tolist()
    )
    # A site never takes more vergunninghouders than its maximum share.
    assert (t["Aandeel vergunninghouders"] <= t["Max. aandeel vergunninghouders"] + 1e-9).all()


def test_plaatsingen_met_verklaring(wb: Any, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    t = _tabel(wb[BLADEN["plaatsingen"]])
    assert t["Huishouden"].tolist() == res.plaatsingen["huishouden_id"].tolist()
    assert t["Geplaatst in"].tolist() == res.plaatsingen["aanbod_id"].tolist()
    assert t["Kosten"].tolist() == res.plaatsingen["kosten"].round(2).tolist()
    v = verklaar(inst, res).set_index("huishouden_id").loc[t["Huishouden"]]
    assert t["Waarom niet het alternatief / waarom onbediend"].tolist() == v["reden"].tolist()
    assert t["Passende opties"].tolist() == v["passende_opties"].tolist()
    namen = dict(zip(inst.gemeenten["gemeente_code"], inst.gemeenten["gemeente_naam"], strict=True))
    assert t["Gemeente"].tolist() == [namen[c] for c in res.plaatsingen["gemeente_code"]]

    o = _tabel(wb[BLADEN["onbediend"]])
    assert o["Huishouden"].tolist() == res.onbediend["huishouden_id"].tolist()
    assert o["Personen"].tolist() == res.onbediend["personen"].tolist()
    vo = verklaar(inst, res).set_index("huishouden_id").loc[o["Huishouden"]]
    assert o["Waarom niet het alternatief / waarom onbediend"].tolist() == vo["reden"].tolist()


def test_samenvatting_parameters_solver(wb: Any, voorbeeld: Voorbeeld) -> None:
    inst, res = voorbeeld
    s = dict(_tabel(wb[BLADEN["samenvatting"]]).itertuples(index=False))
    a = res.samenvatting()["aantallen"]
    assert s["Personen geplaatst"] == a["personen_geplaatst"]
    assert s["Huishoudens onbediend"] == a["huishoudens_onbediend"]
    assert s["Tekort op taakstellingen (personen)"] == a["tekort"]
    assert s["Status"] == res.status.value
    assert s["Eerlijkheid (grootste vermijdbare relatieve tekort)"] == pytest.approx(
        res.doelwaarden["eerlijkheid"]
    )

    p = _tabel(wb[BLADEN["parameters"]])
    waarde = {(r.Onderdeel, r.Parameter): r.Waarde for r in p.itertuples(index=False)}
    assert waarde[("Modelpreset", "naam")] == inst.preset.naam
    assert waarde[("Limieten", "reistijd werk")] == inst.preset.limieten.werk_min
    assert waarde[("Kosten", "per minuut reistijd werk")] == inst.preset.kosten.per_minuut_werk
    assert waarde[("Solver", "tijdslimiet")] == inst.solver.tijdslimiet_s
    assert waarde[("Solver", "inspanning")] == inst.solver.inspanning
    assert waarde[("Harde criteria", "werk")] == "ja"
    assert waarde[("Invoer (SHA-256)", "huishoudens")] == inst.hashes["huishoudens"]

    m = _tabel(wb[BLADEN["solver"]])
    mw = dict(zip(m["Onderdeel"], m["Waarde"], strict=True))
    assert mw["solver"] == res.solver
    for sleutel, label in overzicht.MODELGROOTTE.items():
        assert mw[label] == res.modelgrootte[sleutel]


def test_formule_blijft_tekst(tmp_path: Path) -> None:
    """Text from input files that looks like a formula is stored as text, not evaluated."""
    wb = openpyxl.Workbook()
    ws = wb.active
    df = pd.DataFrame({"a": ["=1+1", "@SUM(A1)", "gewoon"], "b": [1, None, 2.5]})
    werkboek.schrijf_tabel(ws, df, [werkboek.Kolom("a", "A"), werkboek.Kolom("b", "B", "geheel")])
    wb.save(tmp_path / "f.xlsx")
    terug = openpyxl.load_workbook(tmp_path / "f.xlsx")
    ws2 = terug.active
    assert [ws2.cell(row=i, column=1).data_type for i in (2, 3, 4)] == ["s", "s", "s"]
    assert ws2["A2"].value == "=1+1"
    assert ws2["B3"].value is None and ws2["B4"].value == 2.5


def test_atomisch_en_import(voorbeeld: Voorbeeld, tmp_path: Path) -> None:
    inst, res = voorbeeld
    doel = tmp_path / "allocatie.xlsx"
    doel.write_text("oud")
    assert uitvoer.schrijf_werkboek is schrijf_werkboek  # the old import keeps working
    uitvoer.schrijf_werkboek(inst, res, doel)
    assert openpyxl.load_workbook(doel).sheetnames == list(BLADEN.values())
    assert [p.name for p in tmp_path.iterdir()] == ["allocatie.xlsx"]


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) niet geïnstalleerd")
def test_opent_in_libreoffice(xlsx: Path, tmp_path: Path) -> None:
    """LibreOffice reads the workbook and exports every sheet, with its formatted values."""
    soffice = _soffice()
    assert soffice is not None
    profiel = (tmp_path / "profiel").as_uri()
    # CSV filter options: comma, quote, UTF-8, from row 1, formatted as shown, all sheets (-1).
    filter_ = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1043,false,true,true,false,false,-1"
    r = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profiel}",
            "--headless",
            "--convert-to",
            filter_,
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert r.returncode == 0, r.stderr
    bladen = {p.stem.removeprefix("allocatie-"): p for p in tmp_path.glob("allocatie-*.csv")}
    assert set(bladen) == set(BLADEN.values()), r.stdout + r.stderr
    per_g = pd.read_csv(bladen["Per gemeente"], dtype=str)
    assert per_g.columns.tolist() == [k.kop for k in KOLOMMEN["per_gemeente"]]
    assert len(per_g) == 12
    assert per_g["Tekort (% van opgave)"].str.endswith("%").all()
