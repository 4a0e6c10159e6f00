"""Toezicht over half-years (`allocatie.toezicht`, ``docs/toezicht.md``).

Every rule has a tiny example whose figures are derived by hand in the test:
peildata, the count of consecutive half-years behind and the ladder rung,
the nareizigers credit, the excusable part of the achterstand, a revision of
the national number, the population-year check and the merger mapping. The
example folder ``data/toezicht`` is run through ``allocatie toezicht`` and its
tables compared with the tables documented in ``docs/toezicht.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from allocatie.cli import app
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.kern.periode import Periode
from allocatie.toezicht import (
    STANDAARD_LADDER,
    Halfjaar,
    Herindelingen,
    Ladder,
    Trede,
    bereken_dossier,
    controleer_peiljaar,
    inwoners_voor_periode,
    laad_dossier,
    lees_toezicht,
    taakstelling_met_herziening,
)
from allocatie.toezicht.dossier import (
    DOSSIER_KOLOMMEN,
    PERIODE_KOLOMMEN,
    aanbodgrens,
    peildatum,
    realisaties,
)
from allocatie.toezicht.uitvoer import BLADEN, UITLEG
from allocatie.toezicht.wettelijk import PeiljaarWaarschuwing

WORTEL = Path(__file__).resolve().parents[1]
VOORBEELD = WORTEL / "data" / "toezicht"
DOCS = WORTEL / "docs" / "toezicht.md"
runner = CliRunner()
D = dt.date


# --------------------------------------------------------------------------- builders


def taak(rijen: dict[str, int], oorspronkelijk: dict[str, int] | None = None) -> pd.DataFrame:
    """A half-year's taakstelling table: code -> taakstelling (no revision unless given)."""
    oorspr = oorspronkelijk or rijen
    return pd.DataFrame(
        {
            "gemeente_code": list(rijen),
            "gemeente_naam": [f"Gemeente {c[-2:]}" for c in rijen],
            "inwoners": [1000] * len(rijen),
            "inwoners_bron": ["CBS"] * len(rijen),
            "taakstelling_oorspronkelijk": [oorspr[c] for c in rijen],
            "taakstelling": list(rijen.values()),
            "herziening": [rijen[c] - oorspr[c] for c in rijen],
        }
    )


def huisvest(*rijen: tuple[str, str, dt.date, int]) -> pd.DataFrame:
    """Households housed: (id, gemeente, date, persons)."""
    return pd.DataFrame(rijen, columns=["huishouden_id", "gemeente_code", "datum", "personen"])


def koppel(*rijen: tuple[str, dt.date, int]) -> pd.DataFrame:
    """COA koppelingen: (gemeente, date, persons)."""
    return pd.DataFrame(rijen, columns=["gemeente_code", "koppeldatum", "personen"])


def halfjaren(*labels_taken: tuple[str, dict[str, int]]) -> list[Halfjaar]:
    return [Halfjaar(Periode.parse(p), taak(t)) for p, t in labels_taken]


def rij(df: pd.DataFrame, periode: str, code: str) -> pd.Series:
    sel = df[(df["periode"] == periode) & (df["gemeente_code"] == code)]
    assert len(sel) == 1, (periode, code, sel)
    return sel.iloc[0]


# --------------------------------------------------------------------------- peildata


def test_peildata_en_aanbodgrens() -> None:
    assert peildatum(Periode.parse("2025-I")) == D(2025, 7, 1)
    assert peildatum(Periode.parse("2025-II")) == D(2026, 1, 1)
    assert aanbodgrens(Periode.parse("2025-I")) == D(2025, 4, 1)
    assert aanbodgrens(Periode.parse("2025-II")) == D(2025, 10, 1)


def test_realisatie_telt_tot_de_peildatum() -> None:
    """Task 5 in both half-years. Housed: 2 on 30 June (counts for 2025-I, before the
    peildatum of 1 July), 3 on 1 July (2025-II), 4 on 31 December (2025-II).
    2025-I: opgave 5, realised 2 -> achterstand 3. 2025-II: opgave 5 + 3 = 8,
    realised 3 + 4 = 7 -> achterstand 1. Quarterly snapshot on 1 October 2025:
    realised 3 of a pro-rata ceil(8 * 3/6) = 4 -> 1 behind schedule."""
    d = bereken_dossier(
        halfjaren(("2025-I", {"GM0001": 5}), ("2025-II", {"GM0001": 5})),
        huisvestingen=huisvest(
            ("H1", "GM0001", D(2025, 6, 30), 2),
            ("H2", "GM0001", D(2025, 7, 1), 3),
            ("H3", "GM0001", D(2025, 12, 31), 4),
        ),
    )
    i, ii = rij(d.dossier, "2025-I", "GM0001"), rij(d.dossier, "2025-II", "GM0001")
    assert (i["gerealiseerd"], i["achterstand_eind"], i["peildatum"]) == (2, 3, D(2025, 7, 1))
    assert (ii["achterstand_begin"], ii["opgave"], ii["gerealiseerd"]) == (3, 8, 7)
    assert ii["achterstand_eind"] == 1
    m = d.momentopnamen
    kw = m[(m["periode"] == "2025-II") & (m["soort"] == "kwartaal")].iloc[0]
    assert (kw["peildatum"], kw["gerealiseerd_tot"], kw["verwacht_naar_rato"]) == (
        D(2025, 10, 1),
        3,
        4,
    )
    assert kw["achter_op_schema"] == 1
    eind = m[(m["periode"] == "2025-II") & (m["soort"] == "peildatum")].iloc[0]
    assert eind["gerealiseerd_tot"] == ii["gerealiseerd"]


def test_zonder_kwartaal_alleen_de_peildatum() -> None:
    d = bereken_dossier(
        halfjaren(("2025-I", {"GM0001": 1})),
        huisvestingen=huisvest(("H1", "GM0001", D(2025, 2, 1), 1)),
        kwartaal=False,
    )
    assert d.momentopnamen["soort"].tolist() == ["peildatum"]


# --------------------------------------------------------------------------- ladder


def test_halfjaren_achter_en_trede() -> None:
    """Task 10 every half-year, realised 8, 8, 14, 9, 9, 10 (2025-I ... 2027-II).
    Balances: +2, +4 (2 carried over + 10 - 8), 0 (4 + 10 - 14), +1, +2, +2.
    Behind (own arrears > 0): yes, yes, no, yes, yes, yes -> counts 1, 2, 0, 1, 2, 3.
    Ladder: signaal at 1, waarschuwing at 3 -> signaal, signaal, geen, signaal,
    signaal, waarschuwing."""
    labels = ["2025-I", "2025-II", "2026-I", "2026-II", "2027-I", "2027-II"]
    real = [8, 8, 14, 9, 9, 10]
    hv = huisvest(
        *(
            (f"H{i}", "GM0001", Periode.parse(p).start + dt.timedelta(days=10), n)
            for i, (p, n) in enumerate(zip(labels, real, strict=True))
        )
    )
    ladder = Ladder((Trede("signaal", 1), Trede("waarschuwing", 3)))
    d = bereken_dossier(
        halfjaren(*((p, {"GM0001": 10}) for p in labels)), huisvestingen=hv, ladder=ladder
    )
    r = d.dossier.set_index("periode")
    assert r["saldo"].tolist() == [2, 4, 0, 1, 2, 2]
    assert r["halfjaren_achter"].tolist() == [1, 2, 0, 1, 2, 3]
    assert r["trede"].tolist() == [
        "signaal",
        "signaal",
        "geen",
        "signaal",
        "signaal",
        "waarschuwing",
    ]
    assert r["trend"].tolist() == ["", "oplopend", "dalend", "oplopend", "oplopend", "gelijk"]


def test_standaardladder_en_marge() -> None:
    assert [STANDAARD_LADDER.trede(n) for n in range(6)] == [
        "geen",
        "signaal",
        "waarschuwing",
        "plan van aanpak",
        "indeplaatsstelling",
        "indeplaatsstelling",
    ]
    # Margin: 3 persons and 10% of the task. Task 40: 4 is above both (3 and 4.0)? No: 4 is
    # not above 4.0. 5 is.
    ladder = Ladder(STANDAARD_LADDER.treden, marge_personen=3, marge_aandeel=0.1)
    assert not ladder.is_achter(4, 40)
    assert ladder.is_achter(5, 40)
    assert not ladder.is_achter(3, 10)  # above 10% (1.0) but not above 3 persons


# --------------------------------------------------------------------------- nareizigers


def nareizigers(*rijen: tuple[str, str, int, dt.date, str]) -> pd.DataFrame:
    return pd.DataFrame(
        rijen, columns=["groep_id", "referent_id", "personen", "aankomstdatum", "gemeente_code"]
    )


def test_nareizigers_tellen_bij_huisvesting_voor_de_gemeente_van_de_referent() -> None:
    """Sponsor H1 (1 person) housed in GM0001 on 1 March 2025. Group N1 (3) arrived
    10 January: moves in with the sponsor, counts on 1 March (2025-I). Group N2 (2)
    arrives 5 August: joins the housed sponsor, counts on 5 August (2025-II), for GM0001,
    without a home. Group N3 (4) joins a sponsor housed before the data in GM0002 on
    20 June: counts in 2025-I for GM0002.
    2025-I: GM0001 realised 1 + 3 = 4 (waarvan nareizigers 3); GM0002 4 (4).
    2025-II: GM0001 2 (2)."""
    d = bereken_dossier(
        halfjaren(("2025-I", {"GM0001": 4, "GM0002": 4}), ("2025-II", {"GM0001": 2, "GM0002": 0})),
        huisvestingen=huisvest(("H1", "GM0001", D(2025, 3, 1), 1)),
        nareizigers=nareizigers(
            ("N1", "H1", 3, D(2025, 1, 10), ""),
            ("N2", "H1", 2, D(2025, 8, 5), ""),
            ("N3", "R9", 4, D(2025, 6, 20), "GM0002"),
        ),
    )
    p = d.perioden
    assert rij(p, "2025-I", "GM0001")[["gerealiseerd", "waarvan_nareizigers"]].tolist() == [4, 3]
    assert rij(p, "2025-I", "GM0002")[["gerealiseerd", "waarvan_nareizigers"]].tolist() == [4, 4]
    assert rij(p, "2025-II", "GM0001")[["gerealiseerd", "waarvan_nareizigers"]].tolist() == [2, 2]
    r = d.realisaties.set_index("id")
    assert r.loc["N1", "datum"] == D(2025, 3, 1)
    assert r.loc["N2", "datum"] == D(2025, 8, 5)
    assert (d.dossier["saldo"] == 0).all()


def test_nareizigers_fouten() -> None:
    hv = huisvest(("H1", "GM0001", D(2025, 3, 1), 1))
    with pytest.raises(InvoerFout, match=r"referent_id.*staat niet in"):
        realisaties(hv, nareizigers(("N1", "R9", 2, D(2025, 4, 1), "")))
    with pytest.raises(InvoerFout, match=r"gemeente_code.*gemeente van de referent"):
        realisaties(hv, nareizigers(("N1", "H1", 2, D(2025, 4, 1), "GM0002")))


# --------------------------------------------------------------------------- excusable


def test_tekort_door_aanbod() -> None:
    """2025-I, task 20 each, realised 10 each, no nareizigers.
    GM0001: COA linked 12 before 1 April -> it could house at most 12 of 20: 8 of the
    achterstand of 10 is excusable, 2 its own (it housed only 10 of the 12 linked).
    GM0002: linked 25 before 1 April (5 more on 1 April, which count for 2025-II):
    excusable max(0, 20 - 25) = 0; the achterstand of 10 is its own lack of homes.
    GM0003: linked 2 -> excusable min(10, 18) = 10, own 0, not behind."""
    d = bereken_dossier(
        halfjaren(("2025-I", {"GM0001": 20, "GM0002": 20, "GM0003": 20})),
        huisvestingen=huisvest(
            ("H1", "GM0001", D(2025, 5, 1), 10),
            ("H2", "GM0002", D(2025, 5, 1), 10),
            ("H3", "GM0003", D(2025, 5, 1), 10),
        ),
        koppelingen=koppel(
            ("GM0001", D(2024, 10, 1), 7),  # first day of the window
            ("GM0001", D(2025, 3, 31), 5),
            ("GM0001", D(2024, 9, 30), 50),  # before the window: 2024-II's offer
            ("GM0002", D(2025, 2, 1), 25),
            ("GM0002", D(2025, 4, 1), 5),  # on the boundary: 2025-II's offer
            ("GM0003", D(2025, 1, 15), 2),
        ),
    )
    g = d.dossier.set_index("gemeente_code")
    assert g["gekoppeld_tijdig"].tolist() == [12, 25, 2]
    assert g["achterstand_eind"].tolist() == [10, 10, 10]
    assert g["tekort_door_aanbod"].tolist() == [8, 0, 10]
    assert g["achterstand_eigen"].tolist() == [2, 10, 0]
    assert g["trede"].tolist() == ["signaal", "signaal", "geen"]


def test_nareizigers_verlagen_wat_het_coa_moest_koppelen() -> None:
    """Task 10, linked 4, nareizigers 3 (no COA link needed), other housed 4: realised 7,
    achterstand 3; excusable min(3, max(0, 10 - 4 - 3)) = 3."""
    d = bereken_dossier(
        halfjaren(("2025-I", {"GM0001": 10})),
        huisvestingen=huisvest(("H1", "GM0001", D(2025, 2, 1), 4)),
        nareizigers=nareizigers(("N1", "H1", 3, D(2025, 3, 1), "")),
        koppelingen=koppel(("GM0001", D(2025, 1, 5), 4)),
    )
    r = d.dossier.iloc[0]
    assert (r["gerealiseerd"], r["tekort_door_aanbod"], r["achterstand_eigen"]) == (7, 3, 0)


def test_zonder_koppelingen_geen_verschoonbaar_deel() -> None:
    d = bereken_dossier(
        halfjaren(("2025-I", {"GM0001": 10})),
        huisvestingen=huisvest(("H1", "GM0001", D(2025, 2, 1), 4)),
    )
    r = d.dossier.iloc[0]
    assert pd.isna(r["tekort_door_aanbod"]) and pd.isna(r["gekoppeld_tijdig"])
    assert r["achterstand_eigen"] == 6


# --------------------------------------------------------------------------- revision


def test_herziening_van_het_landelijke_aantal() -> None:
    """2025-I: 17,700 cut to 15,000; a gemeente with 1% of 100,000 inhabitants:
    ceil(177) = 177 -> ceil(150) = 150 (herziening -27); the other 99%: 17,523 -> 14,850.
    Realised 160 by the first: under the original number an achterstand of 17, under the
    revised one a voorsprong of 10 that carries over: 2025-II's opgave is its task - 10."""
    inw = pd.DataFrame(
        {
            "gemeente_code": ["GM0001", "GM0002"],
            "gemeente_naam": ["A", "B"],
            "inwoners": [1_000, 99_000],
        }
    )
    t = taakstelling_met_herziening(inw, 17_700, 15_000, None)
    assert t["taakstelling_oorspronkelijk"].tolist() == [177, 17_523]
    assert t["taakstelling"].tolist() == [150, 14_850]
    assert t["herziening"].tolist() == [-27, -2_673]
    t["inwoners_bron"] = "CBS"
    d = bereken_dossier(
        [
            Halfjaar(Periode.parse("2025-I"), t),
            Halfjaar(Periode.parse("2025-II"), taak({"GM0001": 100, "GM0002": 10_000})),
        ],
        huisvestingen=huisvest(
            ("H1", "GM0001", D(2025, 5, 1), 160), ("H2", "GM0002", D(2025, 5, 1), 14_850)
        ),
    )
    i = rij(d.dossier, "2025-I", "GM0001")
    assert (i["herziening"], i["saldo"], i["voorsprong_eind"]) == (-27, -10, 10)
    assert i["saldo"] - i["herziening"] == 177 - 160  # the saldo without the cut
    ii = rij(d.dossier, "2025-II", "GM0001")
    assert (ii["voorsprong_begin"], ii["opgave"]) == (10, 90)


# --------------------------------------------------------------------------- population year


def test_peiljaar() -> None:
    controleer_peiljaar("2025-II", D(2024, 1, 1))
    with pytest.raises(InvoerFout, match="verwacht 01-01-2024"):
        controleer_peiljaar("2025-I", D(2025, 1, 1))
    with pytest.raises(InvoerFout, match="verwacht 01-01-2025"):
        controleer_peiljaar("2026-II", D(2024, 1, 1))
    with pytest.warns(PeiljaarWaarschuwing, match="reden: CBS 2024 ontbreekt"):
        controleer_peiljaar("2025-I", D(2023, 1, 1), afwijking="CBS 2024 ontbreekt")


def test_taakstelling_cli_weigert_verkeerd_peiljaar(tmp_path: Path) -> None:
    inw = VOORBEELD / "inwoners_2024.csv"
    uit = tmp_path / "t.csv"
    basis = ["taakstelling", "--vg", "15000", "--inwoners", str(inw), "--uitvoer", str(uit)]
    basis += ["--inwoners-nl", "17942942", "--periode", "2025-I"]
    r = runner.invoke(app, [*basis, "--inwoners-peildatum", "2025-01-01"])
    assert r.exit_code == 2 and not uit.exists()
    assert "verwacht 01-01-2024" in r.output
    r = runner.invoke(app, basis)
    assert r.exit_code == 2 and "--inwoners-peildatum" in r.output
    r = runner.invoke(app, [*basis, "--inwoners-peildatum", "2024-01-01", "--stil"])
    assert r.exit_code == 0, r.output
    assert pd.read_csv(uit)["taakstelling"].tolist() == [21, 6, 31, 16, 11]
    r = runner.invoke(
        app, [*basis, "--inwoners-peildatum", "2025-01-01", "--afwijkend-peiljaar", "proef"]
    )
    assert r.exit_code == 0, r.output
    assert "reden: proef" in r.output


def test_toezicht_weigert_verkeerd_peiljaar(tmp_path: Path) -> None:
    map_ = kopie(tmp_path)
    toml = map_ / "toezicht.toml"
    tekst = toml.read_text(encoding="utf-8")
    toml.write_text(
        tekst.replace("inwoners_peildatum = 2025-01-01", "inwoners_peildatum = 2024-01-01", 1),
        encoding="utf-8",
    )
    with pytest.raises(InvoerFout, match=r"2026-I.*verwacht 01-01-2025"):
        laad_dossier(toml)


# --------------------------------------------------------------------------- mergers


def herindeling(*rijen: tuple[dt.date, str, str]) -> Herindelingen:
    return Herindelingen.maak(
        pd.DataFrame(
            [(d, o, n, f"Naam {n}") for d, o, n in rijen],
            columns=["ingangsdatum", "oude_code", "nieuwe_code", "nieuwe_naam"],
        )
    )


def test_herindelingen_volgen_een_keten() -> None:
    h = herindeling(
        (D(2026, 1, 1), "GM0001", "GM0100"),
        (D(2026, 1, 1), "GM0002", "GM0100"),
        (D(2028, 1, 1), "GM0100", "GM0200"),
    )
    assert h.code("GM0001", D(2025, 12, 31)) == "GM0001"
    assert h.code("GM0001", D(2026, 1, 1)) == "GM0100"
    assert h.code("GM0002", D(2028, 1, 1)) == "GM0200"
    assert h.voorgangers("GM0200") == ["GM0001", "GM0002", "GM0100"]


def test_herindelingen_fouten() -> None:
    with pytest.raises(InvoerFout, match="begin van een halfjaar"):
        herindeling((D(2026, 3, 1), "GM0001", "GM0100"))
    with pytest.raises(InvoerFout, match="splitsen"):
        herindeling((D(2026, 1, 1), "GM0001", "GM0100"), (D(2026, 1, 1), "GM0001", "GM0101"))
    with pytest.raises(InvoerFout, match="kring"):
        herindeling((D(2026, 1, 1), "GM0001", "GM0100"), (D(2027, 1, 1), "GM0100", "GM0001"))


def test_inwoners_na_herindeling_en_art30() -> None:
    """CBS on 1 January 2025 still has A (100) and B (200); they merge on 1 January 2026.
    2026-I: without art. 30 the successor has 100 + 200 = 300; the province set 330."""
    h = herindeling((D(2026, 1, 1), "GM0001", "GM0100"), (D(2026, 1, 1), "GM0002", "GM0100"))
    cbs = pd.DataFrame(
        {
            "gemeente_code": ["GM0001", "GM0002", "GM0003"],
            "gemeente_naam": ["A", "B", "C"],
            "inwoners": [100, 200, 700],
        }
    )
    p = Periode.parse("2026-I")
    som = inwoners_voor_periode(cbs, p, h).set_index("gemeente_code")
    assert som.loc["GM0100", ["inwoners", "inwoners_bron"]].tolist() == [300, "som voorgangers"]
    art30 = pd.DataFrame({"gemeente_code": ["GM0100"], "gemeente_naam": ["AB"], "inwoners": [330]})
    vast = inwoners_voor_periode(cbs, p, h, art30).set_index("gemeente_code")
    assert vast.loc["GM0100", ["gemeente_naam", "inwoners", "inwoners_bron"]].tolist() == [
        "AB",
        330,
        "art. 30",
    ]
    assert vast.loc["GM0003", "inwoners_bron"] == "CBS"
    # In 2025-II nothing has merged yet.
    assert inwoners_voor_periode(cbs, Periode.parse("2025-II"), h)["gemeente_code"].tolist() == [
        "GM0001",
        "GM0002",
        "GM0003",
    ]
    with pytest.raises(InvoerFout, match="bestaat niet in 2025-II"):
        inwoners_voor_periode(cbs, Periode.parse("2025-II"), h, art30)


def test_dossier_volgt_een_gemeente_door_de_herindeling() -> None:
    """A (task 5, realised 2: achterstand 3) and B (task 5, realised 6: voorsprong 1)
    merge into C on 1 January 2026. C's 2026-I opening balance is 3 - 1 = achterstand 2;
    task 10, realised 12 (one household still registered under A's old code) -> saldo 0.
    C's dossier row for 2025-II adds A and B up: saldo +2, behind 1 half-year."""
    h = herindeling((D(2026, 1, 1), "GM0001", "GM0100"), (D(2026, 1, 1), "GM0002", "GM0100"))
    d = bereken_dossier(
        halfjaren(("2025-II", {"GM0001": 5, "GM0002": 5}), ("2026-I", {"GM0100": 10})),
        huisvestingen=huisvest(
            ("H1", "GM0001", D(2025, 8, 1), 2),
            ("H2", "GM0002", D(2025, 8, 1), 6),
            ("H3", "GM0100", D(2026, 2, 1), 7),
            ("H4", "GM0001", D(2026, 3, 1), 5),
        ),
        herindelingen=h,
    )
    p = d.perioden
    assert rij(p, "2025-II", "GM0001")["achterstand_eind"] == 3
    assert rij(p, "2025-II", "GM0002")["voorsprong_eind"] == 1
    c = rij(p, "2026-I", "GM0100")
    assert (c["achterstand_begin"], c["opgave"], c["gerealiseerd"], c["saldo"]) == (2, 12, 12, 0)
    oud = rij(d.dossier, "2025-II", "GM0100")
    assert oud["codes_in_periode"] == "GM0001, GM0002"
    assert (oud["taakstelling"], oud["gerealiseerd"], oud["saldo"]) == (10, 8, 2)
    assert (oud["achterstand_eind"], oud["voorsprong_eind"], oud["halfjaren_achter"]) == (2, 0, 1)
    assert set(d.dossier["gemeente_code"]) == {"GM0100"}


def test_onbekende_gemeente_in_realisatie() -> None:
    with pytest.raises(InvoerFout, match="bestaat niet in 2025-I") as fout:
        bereken_dossier(
            halfjaren(("2025-I", {"GM0001": 1})),
            huisvestingen=huisvest(
                ("H1", "GM0001", D(2025, 2, 1), 1), ("H2", "GM0009", D(2025, 2, 1), 1)
            ),
        )
    assert fout.value.rij == 3 and fout.value.waarde == "GM0009"


# --------------------------------------------------------------------------- configuration


def kopie(tmp_path: Path) -> Path:
    doel = tmp_path / "toezicht"
    shutil.copytree(VOORBEELD, doel)
    return doel


@pytest.mark.parametrize(
    ("oud", "nieuw", "fout"),
    [
        ("kwartaal = true", "kwartal = true", "bedoelde u `kwartaal`"),
        ('periode = "2025-II"', 'periode = "2026-II"', "aansluiten"),
        ("vg = 13000", 'vg = "13000"', "geheel getal"),
        ("inwoners_peildatum = 2024-01-01", 'inwoners_peildatum = "2024"', "datum"),
        ("herzien_op = 2025-02-14", "herzien_op = 2026-02-14", "herziening valt niet"),
        ("[bestanden]", "[bestanden]\nnationaliteit = 'x.csv'", "beschermd kenmerk"),
    ],
)
def test_configuratiefouten(tmp_path: Path, oud: str, nieuw: str, fout: str) -> None:
    toml = kopie(tmp_path) / "toezicht.toml"
    tekst = toml.read_text(encoding="utf-8")
    assert oud in tekst
    toml.write_text(tekst.replace(oud, nieuw, 1), encoding="utf-8")
    with pytest.raises(ConfiguratieFout, match=fout):
        lees_toezicht(toml)


def test_ladder_moet_oplopen(tmp_path: Path) -> None:
    ladder = kopie(tmp_path) / "ladder.toml"
    ladder.write_text(
        ladder.read_text(encoding="utf-8").replace("halfjaren = 3", "halfjaren = 2"),
        encoding="utf-8",
    )
    with pytest.raises(ConfiguratieFout, match="moeten oplopen"):
        lees_toezicht(ladder.parent / "toezicht.toml")


def test_onbekende_kolom_in_realisatie(tmp_path: Path) -> None:
    map_ = kopie(tmp_path)
    pad = map_ / "huisvestingen.csv"
    regels = pad.read_text(encoding="utf-8").splitlines()
    regels = [regels[0] + ",persoonen"] + [r + ",1" for r in regels[1:]]
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    with pytest.raises(InvoerFout, match=r"persoonen.*bedoelde u `personen`"):
        laad_dossier(map_ / "toezicht.toml")


# --------------------------------------------------------------------------- the example


def gedocumenteerde_tabel(kop: str) -> pd.DataFrame:
    """The Markdown table under the heading ``kop`` in docs/toezicht.md, as text."""
    tekst = DOCS.read_text(encoding="utf-8")
    deel = tekst.split(kop, 1)[1]
    regels = [r for r in deel.splitlines() if r.startswith("|")]
    eerst = deel.splitlines()
    begin = next(i for i, r in enumerate(eerst) if r.startswith("|"))
    regels = []
    for r in eerst[begin:]:
        if not r.startswith("|"):
            break
        regels.append([c.strip() for c in r.strip("|").split("|")])
    return pd.DataFrame(regels[2:], columns=regels[0])


def test_voorbeeld_via_de_cli(tmp_path: Path) -> None:
    uit = tmp_path / "uit"
    r = runner.invoke(app, ["toezicht", str(VOORBEELD / "toezicht.toml"), "--uitvoer", str(uit)])
    assert r.exit_code == 0, r.output
    namen = {p.name for p in uit.iterdir()}
    assert {
        "toezicht_voorbeeldprovincie.xlsx",
        "toezicht_voorbeeldprovincie.html",
        "dossier.csv",
        "halfjaren.csv",
        "overzicht.csv",
        "momentopnamen.csv",
    } <= namen
    overzicht = pd.read_csv(uit / "overzicht.csv", dtype=str, keep_default_na=False)
    gedocumenteerd = gedocumenteerde_tabel("### Stand op 1 januari 2027")
    kolommen = list(gedocumenteerd.columns)
    assert (
        overzicht.set_index("gemeente_code")
        .loc[gedocumenteerd["gemeente_code"]]
        .reset_index()[kolommen]
        .values.tolist()
        == gedocumenteerd.values.tolist()
    )
    dossier = pd.read_csv(uit / "dossier.csv", dtype=str, keep_default_na=False)
    gedocumenteerd = gedocumenteerde_tabel("### Dossier van Deeburg")
    deeburg = dossier[dossier["gemeente_code"] == "GM9004"][list(gedocumenteerd.columns)]
    assert deeburg.values.tolist() == gedocumenteerd.values.tolist()
    # Again, without --overschrijf: refused; with it: replaced.
    r = runner.invoke(app, ["toezicht", str(VOORBEELD), "--uitvoer", str(uit)])
    assert r.exit_code == 2
    r = runner.invoke(
        app,
        [
            "toezicht",
            str(VOORBEELD),
            "--uitvoer",
            str(uit),
            "--overschrijf",
            "--halfjaren",
            "2",
            "--stil",
        ],
    )
    assert r.exit_code == 0 and r.output == ""
    wb = openpyxl.load_workbook(uit / "toezicht_voorbeeldprovincie.xlsx")
    assert wb.sheetnames == list(BLADEN.values())
    assert {c.value for c in wb["Dossier"]["C"][1:]} == {"2026-I", "2026-II"}


def test_voorbeeld_met_de_hand() -> None:
    """Figures of data/toezicht derived by hand (docs/toezicht.md, "Het voorbeeld")."""
    d = laad_dossier(VOORBEELD / "toezicht.toml")
    p = d.perioden
    # Revision 2025-I: Aastad 24,000 of 17,942,942 inhabitants: ceil(17,700 * 24,000 /
    # 17,942,942) = ceil(23.68) = 24, ceil(15,000 * 24,000 / 17,942,942) = ceil(20.06) = 21.
    assert rij(p, "2025-I", "GM9001")[
        ["taakstelling_oorspronkelijk", "taakstelling", "herziening"]
    ].tolist() == [24, 21, -3]
    # Art. 30: Aabee 31,600 (not 24,200 + 6,050 = 30,250): ceil(12,000 * 31,600 / 18,044,027)
    # = ceil(21.02) = 22 (with 30,250 it would be ceil(20.12) = 21).
    aabee = rij(p, "2026-I", "GM9010")
    assert aabee[["inwoners", "inwoners_bron", "taakstelling"]].tolist() == [31_600, "art. 30", 22]
    # Carry-over through the merger: Aastad achterstand 1, Beedorp 0 -> Aabee 1.
    assert aabee["achterstand_begin"] == 1
    # Nareizigers N04 (3) join a Beedorp sponsor on 1 February 2026: Aabee's realisation.
    assert aabee["waarvan_nareizigers"] == 3
    # A koppeling under Aastad's old code (15 November 2025) counts for Aabee in 2026-I.
    assert aabee["gekoppeld_tijdig"] == 4 + 3 + 16
    # Deeburg: own arrears four half-years in a row -> indeplaatsstelling.
    deeburg = d.dossier[d.dossier["gemeente_code"] == "GM9004"]
    assert deeburg["halfjaren_achter"].tolist() == [1, 2, 3, 4]
    assert deeburg["trede"].iloc[-1] == "indeplaatsstelling"
    # Eewijk: COA linked 6 before 1 April 2025 for an opgave of 11: 5 excusable.
    eewijk = rij(d.dossier, "2025-I", "GM9005")
    assert eewijk[["achterstand_eind", "tekort_door_aanbod", "achter"]].tolist() == [5, 5, False]


def test_api_kolommen_en_documentatie() -> None:
    d = laad_dossier(VOORBEELD)
    assert list(d.dossier.columns) == list(DOSSIER_KOLOMMEN)
    assert list(d.perioden.columns) == list(PERIODE_KOLOMMEN)
    tekst = DOCS.read_text(encoding="utf-8")
    for kolom in {*DOSSIER_KOLOMMEN, *PERIODE_KOLOMMEN, *d.momentopnamen.columns, *UITLEG}:
        assert f"`{kolom}`" in tekst, kolom
    for bron in ("art. 28", "art. 29", "art. 30", "Gemeentewet", "revitalisering"):
        assert bron in tekst


def test_rapportpagina(tmp_path: Path) -> None:
    uit = tmp_path / "uit"
    r = runner.invoke(app, ["toezicht", str(VOORBEELD), "--uitvoer", str(uit), "--stil"])
    assert r.exit_code == 0, r.output
    html = (uit / "toezicht_voorbeeldprovincie.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    assert not re.search(r"(src|href)=\"https?:", html)
    assert 'id="GM9004"' not in html  # rows are not ids; figures carry data-w
    assert "indeplaatsstelling" in html and "Deeburg" in html


# --------------------------------------------------------------------------- archive


@pytest.fixture(scope="module")
def archief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example round (2025-I) solved and archived once (HiGHS, well under a second)."""
    from allocatie.invoer.laden import laad_ronde
    from allocatie.reports.archief import schrijf_archief
    from allocatie.strategie.oplossen import los_op

    inst = laad_ronde(WORTEL / "data" / "voorbeeld")
    return schrijf_archief(inst, los_op(inst), tmp_path_factory.mktemp("a") / "ronde.gpkg")


def test_halfjaar_uit_rondearchief(tmp_path: Path, archief: Path) -> None:
    """A half-year taken from a round archive: its taakstelling, opening balance and
    realisation (realised before the round plus placed) are the archive's; the next
    half-year carries over its balance."""
    from allocatie.archief.lezen import vorige_uit_archief

    cijfers = vorige_uit_archief(archief)
    codes = cijfers["gemeente_code"].tolist()
    toml = tmp_path / "toezicht.toml"
    hv = tmp_path / "huisvestingen.csv"
    hv.write_text(
        f"huishouden_id,gemeente_code,datum,personen\nX1,{codes[0]},2025-08-01,3\n",
        encoding="utf-8",
    )
    inw = tmp_path / "inwoners.csv"
    inw.write_text(
        "gemeente_code,gemeente_naam,inwoners\n"
        + "".join(f"{c},G{c},{1000 + i}\n" for i, c in enumerate(codes)),
        encoding="utf-8",
    )
    toml.write_text(
        f"""[bestanden]
huisvestingen = "huisvestingen.csv"
[[periode]]
periode = "2025-I"
archief = "{archief.as_posix()}"
[[periode]]
periode = "2025-II"
vg = 100
inwoners = "inwoners.csv"
inwoners_peildatum = 2024-01-01
""",
        encoding="utf-8",
    )
    d = laad_dossier(toml)
    i = d.perioden[d.perioden["periode"] == "2025-I"].set_index("gemeente_code").loc[codes]
    assert i["taakstelling"].tolist() == cijfers["taakstelling"].tolist()
    assert i["gerealiseerd"].tolist() == cijfers["gerealiseerd"].tolist()
    saldo = cijfers["taakstelling"] + cijfers["achterstand"] - cijfers["voorsprong"]
    saldo -= cijfers["gerealiseerd"]
    assert i["saldo"].tolist() == saldo.tolist()
    assert set(i["bron"]) == {"rondearchief"}
    ii = d.perioden[d.perioden["periode"] == "2025-II"].set_index("gemeente_code").loc[codes]
    assert (ii["achterstand_begin"] - ii["voorsprong_begin"]).tolist() == saldo.tolist()
    # Realisation dated inside the archive's half-year would count twice: refused.
    hv.write_text(
        f"huishouden_id,gemeente_code,datum,personen\nX1,{codes[0]},2025-03-01,3\n",
        encoding="utf-8",
    )
    with pytest.raises(InvoerFout, match="dubbel"):
        laad_dossier(toml)


def test_uitvoer_zonder_koppelingen_en_met_twee_provincies(tmp_path: Path) -> None:
    """Without koppelingen the excusable column stays empty ('–' on the page, blank in the
    workbook); a provincie table splits the output in one workbook and page each."""
    from allocatie.toezicht.uitvoer import schrijf_toezicht

    d = bereken_dossier(
        halfjaren(("2025-I", {"GM0001": 10, "GM0002": 3})),
        huisvestingen=huisvest(("H1", "GM0001", D(2025, 2, 1), 4)),
    )
    provincies = pd.DataFrame(
        {
            "gemeente_code": ["GM0001", "GM0002"],
            "provincie_code": ["PV20", "PV21"],
            "provincie_naam": ["Groningen", "Fryslân"],
        }
    )
    geschreven = schrijf_toezicht(d, tmp_path, titel="Proef", provincies=provincies)
    namen = sorted(p.name for p in geschreven if p.suffix in {".xlsx", ".html"})
    assert namen == [
        "toezicht_frysl_n.html",
        "toezicht_frysl_n.xlsx",
        "toezicht_groningen.html",
        "toezicht_groningen.xlsx",
    ]
    wb = openpyxl.load_workbook(tmp_path / "toezicht_groningen.xlsx")
    ws = wb["Overzicht"]
    kop = [c.value for c in ws[1]]
    rij2 = dict(zip(kop, [c.value for c in ws[2]], strict=True))
    assert rij2["Code"] == "GM0001" and rij2["Achterstand eigen"] == 6
    assert rij2["Tekort door aanbod (verschoonbaar)"] is None
    assert ws.max_row == 2  # only Groningen's gemeente
    html = (tmp_path / "toezicht_groningen.html").read_text(encoding="utf-8")
    assert "GM0002" not in html and "signaal" in html


def test_afwijkend_peiljaar_in_toezicht_toml(tmp_path: Path) -> None:
    toml = kopie(tmp_path) / "toezicht.toml"
    tekst = toml.read_text(encoding="utf-8").replace(
        "inwoners_peildatum = 2025-01-01",
        'inwoners_peildatum = 2024-01-01\nafwijkend_peiljaar = "CBS 2025 nog voorlopig"',
        1,
    )
    toml.write_text(tekst, encoding="utf-8")
    d = laad_dossier(toml)
    assert len(d.waarschuwingen) == 1
    assert "2026-I" in d.waarschuwingen[0] and "CBS 2025 nog voorlopig" in d.waarschuwingen[0]
    r = runner.invoke(app, ["toezicht", str(toml), "--uitvoer", str(tmp_path / "uit")])
    assert r.exit_code == 0, r.output
    assert "Let op" in r.output
    html = next((tmp_path / "uit").glob("*.html")).read_text(encoding="utf-8")
    assert "CBS 2025 nog voorlopig" in html
