"""A round as one Excel workbook (``ronde.xlsx``, `allocatie.io.werkboeklezer`) and the empty
template (``allocatie sjabloon``, `allocatie.invoer.sjabloon`) (issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from bouwers import voorbeeld_als_werkboek
from typer.testing import CliRunner

from allocatie import laad_ronde, los_op
from allocatie.cli import app
from allocatie.invoer.sjabloon import BLADEN, schrijf_sjabloon
from allocatie.io.kolomuitleg import KOLOMUITLEG, RONDE_UITLEG
from allocatie.io.schema import TABELSCHEMA
from allocatie.kern.errors import ConfiguratieFout, InvoerFout

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"


def _voorbeeld_als_werkboek(doel: Path) -> Path:
    """data/voorbeeld as one ronde.xlsx in ``doel`` (gemeenten with x, y); returns ``doel``."""
    return voorbeeld_als_werkboek(VOORBEELD, doel).parent


@pytest.fixture(scope="module")
def werkboekmap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _voorbeeld_als_werkboek(tmp_path_factory.mktemp("werkboek") / "ronde")


def _zelfde_verdeling(a: Any, b: Any) -> None:
    pd.testing.assert_frame_equal(a.plaatsingen, b.plaatsingen)
    pd.testing.assert_frame_equal(a.per_gemeente, b.per_gemeente)
    assert len(a.plaatsingen) > 0


def test_bladen_van_het_werkboek_geven_dezelfde_verdeling(
    werkboekmap: Path, opgelost: tuple[Any, Any], tmp_path: Path
) -> None:
    """ronde.toml naming the workbook's sheets (gemeenten from the same geojson)."""
    inst, res = opgelost
    toml = (VOORBEELD / "ronde.toml").read_text(encoding="utf-8")
    werkboek = (werkboekmap / "ronde.xlsx").as_posix()
    for tabel in ("taakstelling", "huishoudens", "woningaanbod", "flexlocaties"):
        toml = toml.replace(f'"{tabel}.csv"', f'"{werkboek}:{tabel}"')
    toml = toml.replace('"gemeenten.geojson"', f'"{(VOORBEELD / "gemeenten.geojson").as_posix()}"')
    (tmp_path / "ronde.toml").write_text(toml, encoding="utf-8")
    excel = laad_ronde(tmp_path)
    assert excel.bronnen["huishoudens"] == f"{werkboekmap / 'ronde.xlsx'} [blad huishoudens]"
    pd.testing.assert_frame_equal(inst.huishoudens, excel.huishoudens)
    pd.testing.assert_frame_equal(inst.opties, excel.opties)
    _zelfde_verdeling(res, los_op(excel))


def test_werkboek_als_ronde_geeft_dezelfde_verdeling_als_de_csv_ronde(
    werkboekmap: Path, tmp_path: Path
) -> None:
    """The self-contained ronde.xlsx against the same round as CSVs (gemeenten with x, y)."""
    excel = laad_ronde(werkboekmap)  # the folder has no ronde.toml: its ronde.xlsx
    assert excel.naam == "Voorbeeldprovincie 2025-I" and excel.periode.label == "2025-I"
    gem = pd.read_excel(werkboekmap / "ronde.xlsx", sheet_name="gemeenten", dtype=object)
    gem.to_csv(tmp_path / "gemeenten.csv", index=False, float_format="%.17g")
    for bron in VOORBEELD.glob("*.csv"):
        (tmp_path / bron.name).write_bytes(bron.read_bytes())
    toml = (VOORBEELD / "ronde.toml").read_text(encoding="utf-8")
    (tmp_path / "ronde.toml").write_text(toml.replace("gemeenten.geojson", "gemeenten.csv"))
    csvronde = laad_ronde(tmp_path)
    pd.testing.assert_frame_equal(csvronde.gemeenten, excel.gemeenten)
    pd.testing.assert_frame_equal(csvronde.opties, excel.opties)
    _zelfde_verdeling(los_op(csvronde), los_op(excel))


def _zet(map_: Path, blad: str, cel: str, waarde: Any) -> Path:
    pad = map_ / "ronde.xlsx"
    wb = openpyxl.load_workbook(pad)
    wb[blad][cel] = waarde
    wb.save(pad)
    return pad


@pytest.mark.parametrize(
    ("blad", "cel", "waarde", "rij", "kolom", "fragment"),
    [
        ("huishoudens", "B4", "twee", 4, "personen", "geen geheel getal"),
        ("flexlocaties", "H3", "0,5", 3, "max_aandeel_vh", "komma in een getal"),
        ("huishoudens", "E5", "13-13-2025", 5, "gereed_datum", "geen bestaande datum"),
        ("woningaanbod", "E2", "1.234", 2, "woningen", "dubbelzinnig getal"),
    ],
)
def test_fout_in_een_blad_noemt_blad_rij_kolom_waarde(
    tmp_path: Path, blad: str, cel: str, waarde: str, rij: int, kolom: str, fragment: str
) -> None:
    map_ = _voorbeeld_als_werkboek(tmp_path / "r")
    pad = _zet(map_, blad, cel, waarde)
    assert openpyxl.load_workbook(pad)[blad][f"{cel[0]}1"].value == kolom  # the column meant
    with pytest.raises(InvoerFout) as e:
        laad_ronde(map_)
    s = str(e.value)
    assert e.value.bestand == f"{pad} [blad {blad}]" and (e.value.rij, e.value.kolom) == (
        rij,
        kolom,
    )
    assert f"rij {rij}" in s and f"kolom '{kolom}'" in s and repr(waarde) in s and fragment in s


def test_lege_rij_en_naamloze_kolom_in_een_blad(tmp_path: Path) -> None:
    map_ = _voorbeeld_als_werkboek(tmp_path / "r")
    pad = map_ / "ronde.xlsx"
    wb = openpyxl.load_workbook(pad)
    ws = wb["huishoudens"]
    ws.insert_rows(3)
    wb.save(pad)
    with pytest.raises(InvoerFout, match="lege rij") as e:
        laad_ronde(map_)
    assert e.value.rij == 3 and e.value.bestand == f"{pad} [blad huishoudens]"
    ws.delete_rows(3)
    ws.cell(row=2, column=ws.max_column + 2, value="los")
    wb.save(pad)
    with pytest.raises(InvoerFout, match="rechts van de laatste kolom") as e:
        laad_ronde(map_)
    assert e.value.rij == 2


def test_rondeblad_weigert_onbekende_sleutel_en_ontbrekend_blad(tmp_path: Path) -> None:
    map_ = _voorbeeld_als_werkboek(tmp_path / "r")
    pad = _zet(map_, "ronde", "A7", "tijdlimiet")
    _zet(map_, "ronde", "B7", 5)
    with pytest.raises(ConfiguratieFout, match="bedoelde u `tijdslimiet_s`") as e:
        laad_ronde(map_)
    assert e.value.bestand == f"{pad} [blad ronde]" and e.value.kolom == "ronde.tijdlimiet"
    wb = openpyxl.load_workbook(pad)
    wb["ronde"]["A7"] = None
    wb["ronde"]["B7"] = None
    del wb["taakstelling"]
    wb.save(pad)
    with pytest.raises(InvoerFout, match="werkblad 'taakstelling' ontbreekt"):
        laad_ronde(map_)


# --------------------------------------------------------------------------- template


def test_kolomuitleg_is_volledig() -> None:
    for blad in BLADEN:
        assert list(KOLOMUITLEG[blad]) == list(TABELSCHEMA[blad].kolommen), blad
        for kolom, (soort, verplicht, uitleg) in KOLOMUITLEG[blad].items():
            assert soort and uitleg, (blad, kolom)
            assert verplicht.startswith("ja") == (kolom in TABELSCHEMA[blad].verplicht), (
                blad,
                kolom,
            )


def test_sjabloon_heeft_bladen_koppen_uitleg_en_keuzelijsten(tmp_path: Path) -> None:
    pad = schrijf_sjabloon(tmp_path / "nieuw")
    wb = openpyxl.load_workbook(pad)
    assert wb.sheetnames == ["ronde", *BLADEN, "uitleg"]
    for blad in BLADEN:
        kop = [c.value for c in wb[blad][1]]
        assert kop == list(TABELSCHEMA[blad].kolommen), blad
        assert wb[blad].max_row == 1  # empty
    uitleg = {(r[0], r[1]) for r in wb["uitleg"].iter_rows(min_row=2, values_only=True)}
    verwacht = {("ronde", k) for k in RONDE_UITLEG}
    verwacht |= {(b, k) for b in BLADEN for k in TABELSCHEMA[b].kolommen}
    assert uitleg == verwacht
    lijsten = {
        (blad, str(dv.sqref).split(":")[0], dv.formula1)
        for blad in ("huishoudens", "vastleggingen", "ronde")
        for dv in wb[blad].data_validations.dataValidation
    }
    assert ("huishoudens", "C2", "=gemeenten!$A$2:$A$100000") in lijsten  # azc_gemeente
    assert ("huishoudens", "J2", '"ov,auto"') in lijsten  # vervoer
    assert ("vastleggingen", "B2", '"vast,verbod"') in lijsten
    assert any(b == "ronde" and "standaard" in f for b, _, f in lijsten)


def test_leeg_sjabloon_inlezen_vraagt_om_de_naam(tmp_path: Path) -> None:
    schrijf_sjabloon(tmp_path)
    with pytest.raises(ConfiguratieFout, match="verplichte sleutel ontbreekt") as e:
        laad_ronde(tmp_path)
    assert e.value.kolom == "ronde.naam"


def test_cli_sjabloon(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["sjabloon", str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "r" / "ronde.xlsx").is_file() and "Rondewerkboek geschreven" in r.output
    r = runner.invoke(app, ["sjabloon", str(tmp_path / "r")])
    assert r.exit_code == 2 and "bestaat al" in r.output
    r = runner.invoke(app, ["sjabloon", str(tmp_path / "r"), "--overschrijf"])
    assert r.exit_code == 0
