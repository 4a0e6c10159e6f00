"""Tests for allocatie.ronde.taakstelling and the `allocatie taakstelling` command."""

from __future__ import annotations

import doctest
import math
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import allocatie.ronde.taakstelling as taakstelling_mod
from allocatie.cli import app
from allocatie.kern.errors import InvoerFout
from allocatie.ronde.taakstelling import (
    KOLOMMEN_TAAKSTELLING,
    bereken_taakstelling,
    gecorrigeerde_taakstelling,
    lees_inwoners,
    lees_vorige,
    pas_overloop_toe,
)

KOP = "gemeente_code,gemeente_naam,inwoners\n"
NL2024 = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "nl2024"


def _tabel(*inwoners: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gemeente_code": [f"GM{i:04d}" for i in range(1, len(inwoners) + 1)],
            "gemeente_naam": [f"Gemeente {i}" for i in range(1, len(inwoners) + 1)],
            "inwoners": list(inwoners),
        }
    )


def _schrijf(map_: Path, naam: str, tekst: str) -> Path:
    pad = map_ / naam
    pad.write_text(tekst, encoding="utf-8")
    return pad


def _plafond(teller: int, noemer: int) -> int:
    """Reference ceiling via Fraction (independent of the implementation)."""
    return math.ceil(Fraction(teller, noemer))


def test_doctests() -> None:
    assert doctest.testmod(taakstelling_mod).failed == 0


# --------------------------------------------------------------------------- berekening


def test_klein_voorbeeld_met_de_hand() -> None:
    # 15*100/1000 = 1.5 -> 2; 15*200/1000 = 3 -> 3; 15*700/1000 = 10.5 -> 11; sum 16 = 15 + 1.
    u = bereken_taakstelling(_tabel(100, 200, 700), vg=15)
    assert u.tabel["taakstelling"].tolist() == [2, 3, 11]
    assert list(u.tabel.columns) == ["gemeente_code", "gemeente_naam", "inwoners", "taakstelling"]
    assert (u.vg, u.inwoners_nl, u.totaal) == (15, 1000, 16)
    assert u.overschot == 1 and isinstance(u.overschot, Fraction)
    assert u.exact_aandeel == 15
    assert u.landelijk


def test_deelgebied_met_landelijk_inwonertal() -> None:
    # 15 * (100, 200, 700) / 3000 = 0.5, 1, 3.5 -> 1, 1, 4; exact share 5, surplus 1.
    u = bereken_taakstelling(_tabel(100, 200, 700), vg=15, inwoners_nl=3000)
    assert u.tabel["taakstelling"].tolist() == [1, 1, 4]
    assert u.exact_aandeel == 5 and u.overschot == 1 and not u.landelijk
    # A fractional surplus: 10 * (100, 200) / 700 = 10/7, 20/7 -> 2, 3; exact 30/7.
    u = bereken_taakstelling(_tabel(100, 200), vg=10, inwoners_nl=700)
    assert u.tabel["taakstelling"].tolist() == [2, 3]
    assert u.overschot == Fraction(5) - Fraction(30, 7) == Fraction(5, 7)


def test_vg_nul_geeft_nul() -> None:
    u = bereken_taakstelling(_tabel(5, 7), vg=0)
    assert u.tabel["taakstelling"].tolist() == [0, 0]
    assert u.totaal == 0 and u.overschot == 0


def test_exact_waar_float_afronden_misgaat() -> None:
    # 7 of 100 inhabitants, vg = 100: the share is exactly 7, but the usual float
    # computation vg * (inwoners / totaal) gives 7.000000000000001 and ceil makes it 8.
    assert math.ceil(100 * (7 / 100)) == 8
    u = bereken_taakstelling(_tabel(7, 93), vg=100)
    assert u.tabel["taakstelling"].tolist() == [7, 93]
    assert u.overschot == 0

    # Beyond 2**53 even correctly rounded true division slips: the exact value is
    # 2**53 + 1/3, the float is 2**53, so float ceil gives 2**53 instead of 2**53 + 1.
    vg = 3 * 2**53 + 1
    assert math.ceil(vg * 1 / 3) == 2**53
    u = bereken_taakstelling(_tabel(1, 2), vg=vg)
    assert u.tabel["taakstelling"].tolist() == [2**53 + 1, 2 * 2**53 + 1]
    assert u.totaal - vg == 1 == u.overschot


@settings(max_examples=300, deadline=None)
@given(
    inwoners=st.lists(
        st.one_of(st.integers(1, 10**6), st.integers(1, 10**30)), min_size=1, max_size=25
    ),
    vg=st.one_of(st.integers(0, 30_000), st.integers(0, 10**25)),
    extra=st.one_of(st.just(0), st.integers(0, 10**31)),
)
def test_exact_gelijk_aan_fraction_plafond(inwoners: list[int], vg: int, extra: int) -> None:
    som = sum(inwoners)
    nl = som + extra
    u = bereken_taakstelling(_tabel(*inwoners), vg=vg, inwoners_nl=nl if extra else None)
    taken = [int(t) for t in u.tabel["taakstelling"]]
    assert taken == [_plafond(vg * n, nl) for n in inwoners]
    assert u.inwoners_nl == nl and u.totaal == sum(taken)
    assert u.exact_aandeel == Fraction(vg * som, nl)
    assert u.overschot == sum(taken) - Fraction(vg * som, nl)
    assert 0 <= u.overschot < len(inwoners)  # each gemeente rounds up by less than 1
    if not extra:
        assert u.overschot == u.totaal - vg


@pytest.mark.parametrize(
    ("vg", "nl", "fragment"),
    [
        (-1, None, "vg moet minstens 0"),
        (15.0, None, "vg moet een geheel getal"),
        (True, None, "vg moet een geheel getal"),
        (15, 999, "kleiner dan de som"),
        (15, 0, "inwoners_nl moet minstens 1"),
        (15, 1000.0, "inwoners_nl moet een geheel getal"),
    ],
)
def test_ongeldige_argumenten(vg: object, nl: object, fragment: str) -> None:
    with pytest.raises(InvoerFout, match=fragment):
        bereken_taakstelling(_tabel(100, 200, 700), vg=vg, inwoners_nl=nl)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("wijzig", "fragment", "rij", "kolom"),
    [
        (lambda df: df.assign(inwoners=[100.0, 200.0, 700.0]), "geen geheel getal", 2, "inwoners"),
        (lambda df: df.assign(inwoners=[100, 0, 700]), "moet minstens 1 zijn", 3, "inwoners"),
        (lambda df: df.assign(inwoners=[100, None, 700]), "type float", 2, "inwoners"),
        (
            lambda df: df.assign(inwoners=pd.Series([100, None, 700], dtype=object)),
            "lege cel",
            3,
            "inwoners",
        ),
        (
            lambda df: df.assign(inwoners=pd.array([100, None, 700], dtype="Int64")),
            "lege cel",
            3,
            "inwoners",
        ),
        (lambda df: df.assign(inwoners=[100, True, 700]), "type bool", 3, "inwoners"),
        (lambda df: df.assign(gemeente_code=["GM0001", "GM1", "GM0003"]), "GM' gevolgd", 3, None),
        (
            lambda df: df.assign(gemeente_code=["GM0001", "GM0001", "GM3"]),
            "komt ook voor in rij 2",
            3,
            None,
        ),
        # the header counts as row 1, as if the table were saved as CSV
        (lambda df: df.drop(columns="inwoners"), "verplichte kolom ontbreekt", 1, "inwoners"),
        (lambda df: df.iloc[:0], "geen gemeenten", None, None),
    ],
)
def test_ongeldige_dataframe(wijzig, fragment: str, rij: int | None, kolom: str | None) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvoerFout, match=fragment) as e:
        bereken_taakstelling(wijzig(_tabel(100, 200, 700)), vg=15)
    assert e.value.rij == rij
    if kolom is not None:
        assert e.value.kolom == kolom


# --------------------------------------------------------------------------- CSV inwoners


def test_lees_inwoners_geldig(tmp_path: Path) -> None:
    # BOM, spaces, an extra column of the gemeenten schema (an unknown one is an error:
    # tests/test_invoer_corpus.py), a quoted name with a comma and blank rows at the end
    # are fine (a blank row between data rows is not: see test_lees_inwoners_bestandsfouten).
    tekst = (
        "\ufeffgemeente_code , gemeente_naam,inwoners,provincie_code\n"
        "GM0014, Groningen ,243768,PV20\n"
        'GM0034,"Almere, stad",226500,PV24\n'
        ",,,\n"
        "\n"
    )
    df = lees_inwoners(_schrijf(tmp_path, "inw.csv", tekst))
    assert df.to_dict("list") == {
        "gemeente_code": ["GM0014", "GM0034"],
        "gemeente_naam": ["Groningen", "Almere, stad"],
        "inwoners": [243768, 226500],
    }
    assert df["inwoners"].dtype == "int64"
    assert df.attrs["bestand"].endswith("inw.csv")


def test_lees_inwoners_crlf(tmp_path: Path) -> None:
    pad = tmp_path / "crlf.csv"
    pad.write_bytes(b"gemeente_code,gemeente_naam,inwoners\r\nGM0014,Groningen,243768\r\n")
    assert lees_inwoners(pad)["inwoners"].tolist() == [243768]


def test_lees_inwoners_groter_dan_int64_blijft_exact(tmp_path: Path) -> None:
    groot = 10**30 + 7
    pad = _schrijf(tmp_path, "inw.csv", KOP + f"GM0001,A,{groot}\nGM0002,B,3\n")
    df = lees_inwoners(pad)
    assert df["inwoners"].dtype == object and df["inwoners"].tolist() == [groot, 3]
    u = bereken_taakstelling(df, vg=10**20)
    assert u.tabel["taakstelling"].tolist() == [_plafond(10**20 * n, groot + 3) for n in (groot, 3)]


# (file content after the header, row, column, value, fragment of the message)
FOUTGEVALLEN = [
    ("GM0014,Groningen,12.5\n", 2, "inwoners", "12.5", "geen geheel getal"),
    ("GM0014,Groningen,1e3\n", 2, "inwoners", "1e3", "geen geheel getal"),
    ("GM0014,Groningen,243.768\n", 2, "inwoners", "243.768", "scheidingstekens"),
    ("GM0014,Groningen,abc\n", 2, "inwoners", "abc", "geen geheel getal"),
    ("GM0014,Groningen,0\n", 2, "inwoners", "0", "moet minstens 1 zijn"),
    ("GM0014,Groningen,-5\n", 2, "inwoners", "-5", "moet minstens 1 zijn"),
    ("GM0014,Groningen,1\nGM0034,Almere,\n", 3, "inwoners", None, "lege cel"),
    ("GM0014,Groningen,1\nGM0014,Almere,2\n", 3, "gemeente_code", "GM0014", "rij 2"),
    ("G0014,Groningen,1\n", 2, "gemeente_code", "G0014", "GM' gevolgd door 4 cijfers"),
    ("gm0014,Groningen,1\n", 2, "gemeente_code", "gm0014", "GM' gevolgd door 4 cijfers"),
    ("GM00141,Groningen,1\n", 2, "gemeente_code", "GM00141", "GM' gevolgd door 4 cijfers"),
    ("GM0014,,1\n", 2, "gemeente_naam", None, "lege cel; waarde verplicht"),
    # a quoted line break stays inside one spreadsheet row
    ('GM0014,"Gron\ningen",1\nGM0034,Almere,x\n', 3, "inwoners", "x", "geen geheel getal"),
    # blank rows at the end are dropped without shifting anything
    ("GM0014,Groningen,1\nGM0034,Almere,x\n,,\n\n", 3, "inwoners", "x", "geen geheel getal"),
]


@pytest.mark.parametrize(("inhoud", "rij", "kolom", "waarde", "fragment"), FOUTGEVALLEN)
def test_lees_inwoners_fouten(
    tmp_path: Path, inhoud: str, rij: int, kolom: str, waarde: str | None, fragment: str
) -> None:
    pad = _schrijf(tmp_path, "inwoners_fout.csv", KOP + inhoud)
    with pytest.raises(InvoerFout) as e:
        lees_inwoners(pad)
    bericht = str(e.value)
    assert "inwoners_fout.csv" in bericht
    assert f"rij {rij}" in bericht
    assert f"kolom '{kolom}'" in bericht
    if waarde is not None:
        assert repr(waarde) in bericht
    assert fragment in bericht
    assert (e.value.rij, e.value.kolom, e.value.waarde) == (rij, kolom, waarde)


@pytest.mark.parametrize(
    ("tekst", "rij", "kolom", "fragment"),
    [
        (
            "gemeente_code,gemeente_naam\nGM0014,Groningen\n",
            1,
            "inwoners",
            "verplichte kolom ontbreekt",
        ),
        ("gemeente_code;gemeente_naam,inwoners\nGM0014;Groningen;1\n", 1, None, "puntkomma"),
        (KOP.strip() + ",inwoners\nGM0014,Groningen,1,2\n", 1, "inwoners", "twee keer"),
        (KOP + "GM0014,Groningen,1,2\n", 2, None, "4 velden"),
        (KOP, None, None, "geen gemeenten"),
        ("", None, None, "geen kopregel"),
        (KOP + 'GM0014,"Groningen,1\n', 2, None, "aanhalingstekens"),
        # a blank line between data rows would shift the row numbers: named, not skipped
        (KOP + "GM0014,Groningen,1\n\nGM0034,Almere,x\n", 3, None, "lege rij"),
        (KOP + "GM0014,Groningen,1\n,,\nGM0034,Almere,2\n", 3, None, "lege rij"),
    ],
)
def test_lees_inwoners_bestandsfouten(
    tmp_path: Path, tekst: str, rij: int | None, kolom: str | None, fragment: str
) -> None:
    pad = _schrijf(tmp_path, "inw.csv", tekst)
    with pytest.raises(InvoerFout, match=fragment) as e:
        lees_inwoners(pad)
    assert "inw.csv" in str(e.value)
    if rij is not None:
        assert e.value.rij == rij and f"rij {rij}" in str(e.value)
    if kolom is not None:
        assert e.value.kolom == kolom


def test_lees_inwoners_ontbrekend_of_geen_utf8(tmp_path: Path) -> None:
    with pytest.raises(InvoerFout, match="bestaat niet"):
        lees_inwoners(tmp_path / "nergens.csv")
    pad = tmp_path / "latin1.csv"
    pad.write_bytes((KOP + "GM0014,Súdwest-Fryslân,1\n").encode("latin-1"))
    with pytest.raises(InvoerFout, match="UTF-8"):
        lees_inwoners(pad)
    with pytest.raises(InvoerFout, match="map"):
        lees_inwoners(tmp_path)


# --------------------------------------------------------------------------- overloop


def _taak(*taken: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"gemeente_code": [f"GM{i:04d}" for i in range(1, len(taken) + 1)], "taakstelling": taken}
    )


def test_overloop_achterstand_voorsprong_en_nul() -> None:
    vorige = pd.DataFrame(
        {
            "gemeente_code": ["GM0001", "GM0002", "GM0003", "GM0004"],
            "taakstelling": [10, 10, 10, 10],
            "achterstand": [5, 0, 0, 0],
            "voorsprong": [0, 0, 4, 0],
            "gerealiseerd": [12, 14, 3, 10],
        }
    )
    uit = pas_overloop_toe(_taak(20, 20, 20, 20, 20), vorige)
    assert list(uit.columns) == list(KOLOMMEN_TAAKSTELLING)
    # GM0001: 10+5-0-12 = 3 behind; GM0002: 10-14 = -4 ahead; GM0003: 10-4-3 = 3 behind;
    # GM0004: exactly done; GM0005: not in vorige -> no carry-over.
    assert uit["achterstand"].tolist() == [3, 0, 3, 0, 0]
    assert uit["voorsprong"].tolist() == [0, 4, 0, 0, 0]
    assert uit["gerealiseerd"].tolist() == [0] * 5
    assert uit["taakstelling"].tolist() == [20] * 5
    assert gecorrigeerde_taakstelling(uit).tolist() == [23, 16, 23, 20, 20]
    assert not ((uit["achterstand"] > 0) & (uit["voorsprong"] > 0)).any()


def test_overloop_ontbrekende_optionele_kolommen_tellen_als_nul() -> None:
    vorige = pd.DataFrame({"gemeente_code": ["GM0002"], "taakstelling": [7]})
    uit = pas_overloop_toe(_taak(1, 2), vorige)
    assert uit["achterstand"].tolist() == [0, 7]


def test_overloop_herindeling_is_fout() -> None:
    vorige = pd.DataFrame({"gemeente_code": ["GM0001", "GM0099"], "taakstelling": [5, 3]})
    with pytest.raises(InvoerFout, match="herindeling") as e:
        pas_overloop_toe(_taak(1, 2), vorige)
    assert "GM0099" in str(e.value)
    assert (e.value.rij, e.value.kolom, e.value.waarde) == (3, "gemeente_code", "GM0099")


def test_overloop_achterstand_en_voorsprong_tegelijk_is_fout() -> None:
    vorige = pd.DataFrame(
        {"gemeente_code": ["GM0001"], "taakstelling": [5], "achterstand": [1], "voorsprong": [1]}
    )
    with pytest.raises(InvoerFout, match="niet tegelijk"):
        pas_overloop_toe(_taak(1), vorige)


def test_overloop_weigert_taak_met_bestaande_overloop() -> None:
    taak = _taak(1, 2).assign(achterstand=[0, 4])
    with pytest.raises(InvoerFout, match="al waarden"):
        pas_overloop_toe(taak, _taak(1, 2))


def test_lees_vorige(tmp_path: Path) -> None:
    pad = _schrijf(
        tmp_path, "vorige.csv", "gemeente_code,taakstelling,gerealiseerd\nGM0001,5,2\nGM0002,3,4\n"
    )
    df = lees_vorige(pad)
    assert list(df.columns) == list(KOLOMMEN_TAAKSTELLING)
    assert df["achterstand"].tolist() == [0, 0] and df["gerealiseerd"].tolist() == [2, 4]
    uit = pas_overloop_toe(_taak(10, 10), df)
    assert uit["achterstand"].tolist() == [3, 0] and uit["voorsprong"].tolist() == [0, 1]


@pytest.mark.parametrize(
    ("inhoud", "rij", "kolom", "waarde", "fragment"),
    [
        ("GM0001,5,-1,0,0\n", 2, "achterstand", "-1", "moet minstens 0 zijn"),
        ("GM0001,5,0,0,2.0\n", 2, "gerealiseerd", "2.0", "geen geheel getal"),
        ("GM0001,5,0,,0\n", 2, "voorsprong", None, "lege cel"),
        ("GM0001,5,1,2,0\n", 2, "voorsprong", "2", "niet tegelijk"),
        (
            "GM0001,5,0,0,0\nGM0001,5,0,0,0\n",
            3,
            "gemeente_code",
            "GM0001",
            "komt ook voor in rij 2",
        ),
    ],
)
def test_lees_vorige_fouten(
    tmp_path: Path, inhoud: str, rij: int, kolom: str, waarde: str | None, fragment: str
) -> None:
    kop = ",".join(KOLOMMEN_TAAKSTELLING) + "\n"
    pad = _schrijf(tmp_path, "vorige_fout.csv", kop + inhoud)
    with pytest.raises(InvoerFout, match=fragment) as e:
        lees_vorige(pad)
    bericht = str(e.value)
    assert (
        "vorige_fout.csv" in bericht and f"rij {rij}" in bericht and f"kolom '{kolom}'" in bericht
    )
    if waarde is not None:
        assert repr(waarde) in bericht


# --------------------------------------------------------------------------- echte data


def test_echte_cbs_data_2024() -> None:
    pad = NL2024 / "cbs_inwoners_2024.csv"
    if not pad.exists():
        pytest.skip(f"{pad} ontbreekt")
    df = lees_inwoners(pad)
    assert len(df) == 342
    totaal = int(df["inwoners"].sum())
    assert totaal == 17_942_942
    u = bereken_taakstelling(df, vg=15_000)
    assert u.inwoners_nl == totaal and u.landelijk
    for n, t in zip(u.tabel["inwoners"], u.tabel["taakstelling"], strict=True):
        assert t == _plafond(15_000 * int(n), totaal)
    assert u.totaal - 15_000 == u.overschot
    assert 0 <= u.overschot < 342


# --------------------------------------------------------------------------- CLI

runner = CliRunner()


def _roep(*args: str):  # type: ignore[no-untyped-def]
    """Invoke `allocatie taakstelling ...`.

    While `taakstelling` is the only registered command (the other sub-command
    modules are still stubs) Typer runs it as the app itself, without the name.
    """
    groep = hasattr(typer.main.get_command(app), "commands")
    return runner.invoke(app, ["taakstelling", *args] if groep else list(args))


def test_cli_schrijft_taakstelling(tmp_path: Path) -> None:
    inw = _schrijf(tmp_path, "inw.csv", KOP + "GM0001,A,100\nGM0002,B,200\nGM0003,C,700\n")
    uit = tmp_path / "taak.csv"
    r = _roep("--vg", "15", "--inwoners", str(inw), "--uitvoer", str(uit))
    assert r.exit_code == 0, r.output
    assert uit.read_text(encoding="utf-8") == (
        "gemeente_code,taakstelling\nGM0001,2\nGM0002,3\nGM0003,11\n"
    )
    assert "3 gemeenten" in r.stdout
    assert "overschot door afronding naar boven: 1 personen" in r.stdout.lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inw.csv", "taak.csv"]


def test_cli_met_vorige_en_inwoners_nl(tmp_path: Path) -> None:
    inw = _schrijf(tmp_path, "inw.csv", KOP + "GM0001,A,100\nGM0002,B,200\nGM0003,C,700\n")
    vorige = _schrijf(
        tmp_path,
        "vorige.csv",
        "gemeente_code,taakstelling,achterstand,voorsprong,gerealiseerd\n"
        "GM0001,4,1,0,2\nGM0003,5,0,0,9\n",
    )
    uit = tmp_path / "taak.csv"
    r = _roep(
        "--vg", "15", "--inwoners", str(inw), "--uitvoer", str(uit),
        "--inwoners-nl", "3000", "--vorige", str(vorige),
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    df = lees_vorige(uit)  # the output is a valid taakstelling table
    assert df.to_dict("list") == {
        "gemeente_code": ["GM0001", "GM0002", "GM0003"],
        "taakstelling": [1, 1, 4],
        "achterstand": [3, 0, 0],
        "voorsprong": [0, 0, 4],
        "gerealiseerd": [0, 0, 0],
    }
    assert "exacte aandeel" in r.stdout and "Gecorrigeerd" in r.stdout


@pytest.mark.parametrize(
    ("inhoud", "extra", "fragment"),
    [
        ("GM0001,A,12.5\n", [], "geen geheel getal"),
        ("GM0001,A,100\n", ["--vg", "-3"], "vg moet minstens 0"),
        ("GM0001,A,100\n", ["--inwoners-nl", "5"], "kleiner dan de som"),
    ],
)
def test_cli_foute_invoer_geeft_code_2(
    tmp_path: Path, inhoud: str, extra: list[str], fragment: str
) -> None:
    inw = _schrijf(tmp_path, "inw.csv", KOP + inhoud)
    uit = _schrijf(tmp_path, "taak.csv", "oud\n")
    vg = [] if "--vg" in extra else ["--vg", "15"]
    r = _roep(*vg, "--inwoners", str(inw), "--uitvoer", str(uit), *extra)
    assert r.exit_code == 2
    assert fragment in r.stderr and "Fout:" in r.stderr
    assert "Traceback" not in r.output
    assert uit.read_text(encoding="utf-8") == "oud\n"  # an existing output is left alone


def test_cli_foutmelding_noemt_bestand_rij_kolom_waarde(tmp_path: Path) -> None:
    inw = _schrijf(tmp_path, "inw.csv", KOP + "GM0001,A,100\nGM0002,B,1e3\n")
    r = _roep("--vg", "15", "--inwoners", str(inw), "--uitvoer", str(tmp_path / "t.csv"))
    assert r.exit_code == 2
    for deel in ("inw.csv", "rij 3", "kolom 'inwoners'", "'1e3'"):
        assert deel in r.stderr
    assert not (tmp_path / "t.csv").exists()


def test_cli_uitvoer_map_ontbreekt_of_overschrijft_invoer(tmp_path: Path) -> None:
    inw = _schrijf(tmp_path, "inw.csv", KOP + "GM0001,A,100\n")
    r = _roep("--vg", "15", "--inwoners", str(inw), "--uitvoer", str(tmp_path / "x" / "t.csv"))
    assert r.exit_code == 2 and "bestaat niet" in r.stderr
    r = _roep("--vg", "15", "--inwoners", str(inw), "--uitvoer", str(inw))
    assert r.exit_code == 2 and "overschrijven" in r.stderr
    assert inw.read_text(encoding="utf-8") == KOP + "GM0001,A,100\n"


def test_cli_ontbrekend_invoerbestand(tmp_path: Path) -> None:
    r = _roep("--vg", "15", "--inwoners", str(tmp_path / "weg.csv"), "--uitvoer", "t.csv")
    assert r.exit_code == 2 and "bestaat niet" in r.stderr
