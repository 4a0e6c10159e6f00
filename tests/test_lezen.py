"""Tests for the one CSV reader (`allocatie.io.lezen.lees_csv`) and the shared parsers.

Every error must name the file and, where one row or column is at fault, that row
(as a spreadsheet shows it: header = 1) and column. Row numbers are positional
everywhere (`rijnummer(i) = i + 2`), so the reader never drops a row in the middle.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import allocatie.io.kolommen as kolommen_mod
import allocatie.io.lezen as lezen_mod
from allocatie.io import kolommen as k
from allocatie.io.lezen import lees_csv, lees_tabel
from allocatie.kern.errors import InvoerFout


def _csv(tmp_path: Path, tekst: str, naam: str = "t.csv") -> Path:
    pad = tmp_path / naam
    pad.write_bytes(tekst.encode("utf-8"))
    return pad


def _fout(pad: Path, rij: int | None, kolom: str | None, fragment: str) -> InvoerFout:
    with pytest.raises(InvoerFout) as e:
        lees_csv(pad)
    s = str(e.value)
    assert e.value.bestand == str(pad) and f"bestand '{pad}'" in s, s
    assert (e.value.rij, e.value.kolom) == (rij, kolom), s
    assert (f"rij {rij}" in s) == (rij is not None), s
    assert fragment in s, s
    return e.value


def test_doctests() -> None:
    assert doctest.testmod(lezen_mod).failed == 0
    assert doctest.testmod(kolommen_mod).failed == 0


# --------------------------------------------------------------------------- valid files


def test_waarden_als_tekst_gestript_en_ongewijzigd(tmp_path: Path) -> None:
    pad = _csv(tmp_path, ' id , n ,naam\n007, 4 ,"Almere, stad"\nNA,,  \n')
    df = lees_csv(pad)
    assert list(df.columns) == ["id", "n", "naam"]
    assert df.to_dict("list") == {"id": ["007", "NA"], "n": ["4", ""], "naam": ["Almere, stad", ""]}
    assert isinstance(df.index, pd.RangeIndex)
    assert all(df[c].dtype == object for c in df.columns)


def test_bom_van_excel(tmp_path: Path) -> None:
    pad = tmp_path / "bom.csv"
    pad.write_bytes(b"\xef\xbb\xbfgemeente_code,n\r\nGM0014,1\r\n")
    df = lees_csv(pad)
    assert list(df.columns) == ["gemeente_code", "n"]  # not "\ufeffgemeente_code"
    assert df["gemeente_code"].tolist() == ["GM0014"]


def test_lege_rijen_aan_het_eind_vallen_weg(tmp_path: Path) -> None:
    pad = _csv(tmp_path, "a,b\n1,2\n3,4\n,\n\n  , \n\n")
    assert lees_csv(pad).to_dict("list") == {"a": ["1", "3"], "b": ["2", "4"]}


def test_alleen_kopregel_geeft_nul_rijen(tmp_path: Path) -> None:
    for tekst in ("a,b\n", "a,b", "a,b\n,\n"):
        df = lees_csv(_csv(tmp_path, tekst))
        assert list(df.columns) == ["a", "b"] and len(df) == 0


def test_regeleinde_binnen_aanhalingstekens_blijft_een_rij(tmp_path: Path) -> None:
    # Positional row numbers hold: the quoted line break does not add a row.
    pad = _csv(tmp_path, 'naam,n\n"twee\nregels",1\nB,x\n')
    df = lees_csv(pad)
    assert df["naam"].tolist() == ["twee\nregels", "B"]
    with pytest.raises(InvoerFout) as e:
        k.geheel(df, "n", str(pad))
    assert (e.value.rij, e.value.kolom, e.value.waarde) == (3, "n", "x")


def test_lees_tabel_gebruikt_lees_csv_voor_csv_en_txt(tmp_path: Path) -> None:
    for naam in ("t.csv", "t.TXT"):
        pad = _csv(tmp_path, "a, b\n 1 ,2\n,\n", naam)
        assert lees_tabel(pad).to_dict("list") == {"a": ["1"], "b": ["2"]}
    pad = _csv(tmp_path, "a,b\n1,2\n\n3,4\n")
    with pytest.raises(InvoerFout, match="lege rij") as e:
        lees_tabel(pad, naam="huishoudens")
    assert e.value.rij == 3


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("tekst", "rij"),
    [
        ("a,b\n1,2\n\n3,4\n", 3),
        ("a,b\n1,2\n,\n3,4\n", 3),
        ("a,b\n1,2\n 3,4\n  ,  \n5,6\n", 4),
        ("a,b\n\n1,2\n", 2),
        ('a,b\n"x\ny",2\n\n3,4\n', 3),  # counted in rows, not in lines
    ],
)
def test_lege_rij_in_het_midden_is_fout_met_rijnummer(tmp_path: Path, tekst: str, rij: int) -> None:
    _fout(_csv(tmp_path, tekst), rij, None, "lege rij; verwijder deze rij")


def test_puntkomma_als_scheidingsteken(tmp_path: Path) -> None:
    # Dutch Excel's CSV reads (the rule is tested in test_csvlezer.py); both signs do not.
    pad = _csv(tmp_path, "gemeente_code;naam;n\nGM0014;Almere, stad;1,5\n")
    assert lees_csv(pad).to_dict("list") == {
        "gemeente_code": ["GM0014"],
        "naam": ["Almere, stad"],
        "n": ["1,5"],
    }
    pad = _csv(tmp_path, "gemeente_code;naam,n\nGM0014;Almere;1\n")
    _fout(pad, 1, None, "onduidelijk scheidingsteken")


def test_puntkomma_in_een_van_meer_kolomnamen_geeft_hint_bij_ontbrekende_kolom() -> None:
    df = pd.DataFrame(columns=["gemeente_code", "naam;n"])
    with pytest.raises(InvoerFout, match="puntkomma") as e:
        k.eis_kolommen(df, ["gemeente_code", "n"], "t.csv")
    assert (e.value.rij, e.value.kolom) == (1, "n")
    assert "verwacht de kolommen gemeente_code, n" in str(e.value)


@pytest.mark.parametrize(
    ("tekst", "rij", "fragment"),
    [
        ("a,b,c\n1,2,3\n4,5\n", 3, "deze rij heeft 2 velden, de kopregel heeft er 3 (minder"),
        ("a,b,c\n1,2,3,4\n", 2, "4 velden, de kopregel heeft er 3 (meer velden dan de kopregel)"),
        ("a,b,c\n1,2,3,\n4,5,6,\n", 2, "een komma te veel aan het eind?"),
        ("a,b,c\n1\n", 2, "1 velden"),
    ],
)
def test_ander_aantal_velden_dan_de_kopregel(
    tmp_path: Path, tekst: str, rij: int, fragment: str
) -> None:
    _fout(_csv(tmp_path, tekst), rij, None, fragment)


@pytest.mark.parametrize(
    ("kop", "kolom"),
    [("a,b,a", "a"), ("a,b , b", "b"), (" naam ,naam", "naam")],
)
def test_dubbele_kolomnaam_ook_na_spaties(tmp_path: Path, kop: str, kolom: str) -> None:
    velden = ",".join("1" for _ in kop.split(","))
    fout = _fout(_csv(tmp_path, f"{kop}\n{velden}\n"), 1, kolom, "dubbele kolom in de kopregel")
    assert "komt twee keer voor" in str(fout)


def test_twee_kolommen_zonder_naam(tmp_path: Path) -> None:
    _fout(_csv(tmp_path, "a,,\n1,2,3\n"), 1, None, "meer dan één kolom zonder naam")


@pytest.mark.parametrize("tekst", ["", "\n", "\r\n\r\n", " , \n,\n"])
def test_leeg_bestand(tmp_path: Path, tekst: str) -> None:
    _fout(_csv(tmp_path, tekst), None, None, "bestand is leeg: geen kopregel")


def test_leeg_bestand_noemt_verwachte_kolommen(tmp_path: Path) -> None:
    with pytest.raises(InvoerFout, match=r"kopregel met de kolomnamen \(a, b\)"):
        lees_csv(_csv(tmp_path, ""), kolommen=("a", "b"))


def test_eerste_rij_leeg(tmp_path: Path) -> None:
    _fout(_csv(tmp_path, "\na,b\n1,2\n"), 1, None, "geen kopregel: de eerste rij is leeg")


def test_geen_utf8_noemt_bestand_en_regel(tmp_path: Path) -> None:
    pad = tmp_path / "latin1.csv"
    pad.write_bytes("a,b\n1,2\nCuraçao,3\n".encode("cp1252"))
    fout = _fout(pad, None, None, "bestand is geen UTF-8 (ongeldig teken op regel 3)")
    assert "CSV UTF-8" in str(fout)


def test_kapotte_aanhalingstekens(tmp_path: Path) -> None:
    _fout(_csv(tmp_path, 'a,b\n1,2\n3,"vier\n'), 3, None, "controleer de aanhalingstekens")
    _fout(_csv(tmp_path, 'a,b\n1,"2"x\n'), 2, None, "geen geldige CSV")


def test_ontbrekend_bestand_of_map(tmp_path: Path) -> None:
    _fout(tmp_path / "weg.csv", None, None, "bestand bestaat niet")
    _fout(tmp_path, None, None, "dit pad is een map")


# --------------------------------------------------------------------------- shared parsers


def test_geheel_exact_geeft_python_ints_van_elke_grootte() -> None:
    groot = 10**30 + 1
    df = pd.DataFrame({"n": ["7", str(groot), groot, np.int64(3)]})
    uit = k.geheel(df, "n", "t.csv", exact=True)
    assert uit.dtype == object and uit.tolist() == [7, groot, groot, 3]
    assert all(type(w) is int for w in uit.tolist())
    assert k.geheel(pd.DataFrame({"m": [1]}), "n", "t.csv", standaard=0, exact=True).tolist() == [0]


def test_geheel_exact_weigert_kommagetallen_ook_als_ze_heel_zijn() -> None:
    df = pd.DataFrame({"n": [1.0, 2.0]})
    assert k.geheel(df, "n", "t.csv").tolist() == [1, 2]  # not exact: a whole float is fine
    with pytest.raises(InvoerFout, match=r"geen geheel getal \(type float\)") as e:
        k.geheel(df, "n", "t.csv", exact=True)
    assert (e.value.rij, e.value.kolom, e.value.waarde) == (2, "n", 1.0)


def test_geheel_niet_exact_weigert_getal_buiten_int64() -> None:
    df = pd.DataFrame({"n": ["1", str(2**63)]})
    with pytest.raises(InvoerFout, match="getal te groot") as e:
        k.geheel(df, "n", "t.csv")
    assert (e.value.rij, e.value.kolom, e.value.waarde) == (3, "n", str(2**63))
    assert k.geheel(pd.DataFrame({"n": [str(2**63 - 1)]}), "n", "t.csv").tolist() == [2**63 - 1]


@pytest.mark.parametrize(
    ("codes", "rij", "waarde", "fragment"),
    [
        (["GM0014", "gm0363"], 3, "gm0363", "verwacht 'GM' gevolgd door 4 cijfers"),
        (["GM0014", "GM٠٣٦٣"], 3, "GM٠٣٦٣", "ongeldige gemeentecode"),
        (["GM0014", "GM0014\n"], 3, "GM0014", "komt ook voor in rij 2"),
        (["GM0014", "GM00141"], 3, "GM00141", "ongeldige gemeentecode"),
        # checked row by row: the duplicate in row 3 comes before the bad code in row 4
        (["GM0014", "GM0014", "GM3"], 3, "GM0014", "elke gemeente mag één keer voorkomen"),
        (["GM0014", None], 3, None, "lege cel"),
    ],
)
def test_gemeentecodes(codes: list[object], rij: int, waarde: object, fragment: str) -> None:
    with pytest.raises(InvoerFout, match=fragment) as e:
        k.gemeentecodes(pd.DataFrame({"code": codes}), "code", "g.csv")
    assert (e.value.bestand, e.value.rij, e.value.kolom, e.value.waarde) == (
        "g.csv",
        rij,
        "code",
        waarde,
    )
