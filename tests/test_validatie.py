"""Tests for loading and validating a round.

Covers `allocatie.io.lezen` (ronde.toml and tables), `allocatie.io.kolommen` (strict
column parsers), `allocatie.invoer.validate` (the frozen `Instance`) and `allocatie.invoer.laden`.

A fixture writes a tiny valid round folder; each error test rewrites ONE file with ONE
defect and checks that the raised `InvoerFout` names the file, the spreadsheet row
(header = 1, first data row = 2), the column and the value, in Dutch.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.affinity import translate
from shapely.geometry import Point, box, mapping
from shapely.ops import unary_union

from allocatie.invoer.laden import laad_ronde, maak_instance
from allocatie.io.lezen import lees_config, lees_tabel
from allocatie.kern.errors import ConfiguratieFout, InvoerFout, InvoerFouten
from allocatie.ronde.instance import Instance

# --------------------------------------------------------------------------------------
# A tiny valid round
# --------------------------------------------------------------------------------------

#: GM0003 is an L-shape whose centroid lies outside it (representative point must not).
GM3_VORM = unary_union(
    [box(150_000, 430_000, 170_000, 435_000), box(165_000, 435_000, 170_000, 450_000)]
)
GEMEENTEN: list[dict[str, Any]] = [
    {
        "gemeente_code": "GM0001",
        "gemeente_naam": "Aadorp",
        "provincie_code": "PV21",
        "arbeidsmarktregio_code": "AM01",
        "coa_regio": "Noord",
        "inwoners": 12_000,
        "geometry": box(150_000, 450_000, 160_000, 460_000),
    },
    {
        "gemeente_code": "GM0002",
        "gemeente_naam": "Beekdal",
        "provincie_code": "PV21",
        "arbeidsmarktregio_code": "AM01",
        "coa_regio": "Noord",
        "inwoners": 30_000,
        "geometry": box(160_000, 450_000, 170_000, 460_000),
    },
    {
        "gemeente_code": "GM0003",
        "gemeente_naam": "Cranendonk",
        "provincie_code": "PV22",
        "arbeidsmarktregio_code": "AM02",
        "coa_regio": "Zuid",
        "inwoners": 8_000,
        "geometry": GM3_VORM,
    },
]

# Rows deliberately in another order than the gemeenten (GM0002, GM0003, GM0001).
TAAKSTELLING = (
    ["gemeente_code", "taakstelling", "achterstand", "voorsprong", "gerealiseerd"],
    [
        ["GM0002", "30", "0", "4", "40"],  # gecorrigeerd 26, opgave max(0, 26 - 40) = 0
        ["GM0003", "10", "", "", ""],  # optional columns empty -> 0; opgave 10
        ["GM0001", "20", "5", "0", "3"],  # gecorrigeerd 25, opgave 22
    ],
)
HUISHOUDENS = (
    [
        "huishouden_id",
        "personen",
        "nareizigers",
        "azc_gemeente",
        "gereed_datum",
        "werk_gemeente",
        "studie_gemeente",
        "familie_gemeente",
        "zorg_gemeente",
    ],
    [
        ["007", "1", "0", "GM0001", "2025-01-15", "GM0002", "", "", ""],
        ["H002", "4", "2", "GM0002", "2025-02-01", "", "", "GM0003", ""],
        ["H003", "2", "", "GM0003", "2025-03-01", "", "GM0001", "", "GM0002"],
        ["NA", "3", "1", "GM0001", "2025-04-01", "", "", "", ""],
    ],
)
WONINGAANBOD = (
    [
        "aanbod_id",
        "gemeente_code",
        "min_personen",
        "max_personen",
        "woningen",
        "beschikbaar_vanaf",
        "max_per_woning",
    ],
    [
        ["007", "GM0001", "1", "2", "3", "2025-01-01", "2"],
        ["W2", "GM0002", "3", "6", "1", "2025-02-01", ""],
        ["W3", "GM0003", "1", "4", "0", "2025-02-01", "1"],
    ],
)
FLEXLOCATIES = (
    [
        "aanbod_id",
        "naam",
        "gemeente_code",
        "x",
        "y",
        "eenheden",
        "capaciteit_personen",
        "max_aandeel_vh",
        "min_personen",
        "max_personen",
        "max_per_eenheid",
        "beschikbaar_vanaf",
        "beschikbaar_tot",
    ],
    [
        [
            "F1",
            "Paviljoen",
            "GM0001",
            "155000",
            "455000",
            "283",
            "200",
            "0.5",
            "1",
            "4",
            "2",
            "2025-01-01",
            "2030-01-01",
        ],
        [
            "F2",
            "",
            "GM0003",
            "168000.5",
            "440000",
            "100",
            "50",
            "0.29",
            "",
            "2",
            "",
            "2025-03-01",
            "",
        ],
    ],
)
REGIOCAPACITEIT = (
    ["regio_soort", "regio_code", "max_personen"],
    [
        ["provincie", "PV21", "50"],
        ["arbeidsmarktregio", "AM02", "20"],
        ["coa_regio", "Noord", "40"],
    ],
)
CSV_TABELLEN = {
    "taakstelling.csv": TAAKSTELLING,
    "huishoudens.csv": HUISHOUDENS,
    "woningaanbod.csv": WONINGAANBOD,
    "flexlocaties.csv": FLEXLOCATIES,
    "regiocapaciteit.csv": REGIOCAPACITEIT,
}
RONDE_TOML = """\
[ronde]
naam = "Testprovincie 2025-I"
periode = "2025-I"
model = "standaard"

[bestanden]
gemeenten = "gemeenten.geojson"
taakstelling = "taakstelling.csv"
huishoudens = "huishoudens.csv"
woningaanbod = "woningaanbod.csv"
flexlocaties = "flexlocaties.csv"
regiocapaciteit = "regiocapaciteit.csv"

[solver]
backend = "highs"
tijdslimiet_s = 30
gap_relatief = 0.001
threads = 1
seed = 7
"""


def gemeenten_gdf(crs: str | None = "EPSG:28992") -> gpd.GeoDataFrame:
    """The valid gemeenten as a GeoDataFrame (a fresh copy each call)."""
    return gpd.GeoDataFrame([dict(g) for g in GEMEENTEN], geometry="geometry", crs=crs)


@dataclass
class Ronde:
    """A round folder in tmp_path with helpers to damage one file."""

    map: Path

    def pad(self, bestand: str) -> Path:
        return self.map / bestand

    def laad(self, **solver: Any) -> Instance:
        return laad_ronde(self.map, **solver)

    # CSV -------------------------------------------------------------------------------
    def lees(self, bestand: str) -> tuple[list[str], list[list[str]]]:
        with open(self.pad(bestand), encoding="utf-8", newline="") as f:
            rijen = list(csv.reader(f))
        return rijen[0], rijen[1:]

    def schrijf(self, bestand: str, kop: list[str], rijen: list[list[str]]) -> None:
        with open(self.pad(bestand), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(kop)
            w.writerows(rijen)

    def zet(self, bestand: str, rij: int, kolom: str, waarde: str) -> None:
        """Set one cell; ``rij`` counts like a spreadsheet (first data row = 2)."""
        kop, rijen = self.lees(bestand)
        rijen[rij - 2][kop.index(kolom)] = waarde
        self.schrijf(bestand, kop, rijen)

    def vervang(self, bestand: str, oud: str, nieuw: str) -> None:
        """Replace a text that occurs exactly once in the file."""
        tekst = self.pad(bestand).read_text(encoding="utf-8")
        assert tekst.count(oud) == 1, oud
        self.pad(bestand).write_text(tekst.replace(oud, nieuw), encoding="utf-8")

    def zonder_kolom(self, bestand: str, kolom: str) -> None:
        kop, rijen = self.lees(bestand)
        j = kop.index(kolom)
        self.schrijf(bestand, kop[:j] + kop[j + 1 :], [r[:j] + r[j + 1 :] for r in rijen])

    def met_kolom(self, bestand: str, kolom: str, waarde: str = "x") -> None:
        kop, rijen = self.lees(bestand)
        self.schrijf(bestand, [*kop, kolom], [[*r, waarde] for r in rijen])

    def voeg_toe(self, bestand: str, rij: list[str]) -> None:
        kop, rijen = self.lees(bestand)
        self.schrijf(bestand, kop, [*rijen, rij])

    # Geo and TOML ----------------------------------------------------------------------
    def schrijf_gemeenten(self, gdf: gpd.GeoDataFrame, bestand: str = "gemeenten.geojson") -> None:
        pad = self.pad(bestand)
        pad.unlink(missing_ok=True)
        gdf.to_file(pad, driver="GeoJSON")
        if bestand != "gemeenten.geojson":
            self.vervang_toml('gemeenten = "gemeenten.geojson"', f'gemeenten = "{bestand}"')

    def vervang_toml(self, oud: str, nieuw: str) -> None:
        pad = self.pad("ronde.toml")
        tekst = pad.read_text(encoding="utf-8")
        assert tekst.count(oud) == 1, oud
        pad.write_text(tekst.replace(oud, nieuw), encoding="utf-8")


def schrijf_ronde(map_: Path) -> Ronde:
    """Write the valid round to ``map_``."""
    map_.mkdir(parents=True, exist_ok=True)
    ronde = Ronde(map_)
    (map_ / "ronde.toml").write_text(RONDE_TOML, encoding="utf-8")
    ronde.schrijf_gemeenten(gemeenten_gdf())
    for bestand, (kop, rijen) in CSV_TABELLEN.items():
        ronde.schrijf(bestand, kop, [list(r) for r in rijen])
    return ronde


@pytest.fixture
def ronde(tmp_path: Path) -> Ronde:
    return schrijf_ronde(tmp_path / "ronde")


@pytest.fixture
def inst(ronde: Ronde) -> Instance:
    return ronde.laad()


def controleer_fout(
    exc: InvoerFout,
    bestand: str,
    rij: int | None,
    kolom: str | None,
    waarde: object,
    tekst: str,
) -> None:
    """The error names file, row, column and value, and its Dutch message says them."""
    assert exc.bestand is not None, str(exc)
    assert exc.bestand.endswith(bestand), exc.bestand
    assert (exc.rij, exc.kolom) == (rij, kolom), str(exc)
    if isinstance(waarde, tuple):
        assert exc.waarde == pytest.approx(waarde), str(exc)
    else:
        assert exc.waarde == waarde, str(exc)
    s = str(exc)
    assert f"bestand '{exc.bestand}'" in s
    assert (f"rij {rij}" in s) == (rij is not None), s
    assert (f"kolom '{kolom}'" in s) == (kolom is not None), s
    if waarde is not None:
        assert f"waarde {exc.waarde!r}" in s, s
    assert tekst in s, s


# --------------------------------------------------------------------------------------
# The valid round
# --------------------------------------------------------------------------------------


def test_geldige_ronde_laadt(inst: Instance, ronde: Ronde) -> None:
    assert inst.naam == "Testprovincie 2025-I"
    assert inst.periode.label == "2025-I"
    assert str(inst.periode.start) == "2025-01-01" and str(inst.periode.eind) == "2025-06-30"
    assert inst.preset.naam == "standaard"
    assert inst.solver.backend == "highs"
    assert (inst.solver.tijdslimiet_s, inst.solver.gap_relatief) == (30, 0.001)
    assert (inst.solver.threads, inst.solver.seed) == (1, 7)
    assert inst.n_huishoudens == 4
    assert len(inst.opties) == 5
    assert (
        set(inst.bronnen)
        == set(inst.hashes)
        == {
            "gemeenten",
            "taakstelling",
            "huishoudens",
            "woningaanbod",
            "flexlocaties",
            "regiocapaciteit",
        }
    )
    pad = ronde.pad("huishoudens.csv")
    assert inst.hashes["huishoudens"] == hashlib.sha256(pad.read_bytes()).hexdigest()
    assert Path(inst.bronnen["huishoudens"]).name == "huishoudens.csv"


def test_ronde_laadt_ook_via_pad_naar_toml(ronde: Ronde) -> None:
    assert laad_ronde(ronde.pad("ronde.toml")).naam == "Testprovincie 2025-I"


def test_gemeenten_en_opgave(inst: Instance) -> None:
    g = inst.gemeenten.set_index("gemeente_code")
    assert list(inst.gemeenten["gemeente_code"]) == ["GM0001", "GM0002", "GM0003"]
    assert g.loc["GM0002", "gemeente_naam"] == "Beekdal"
    assert g.loc["GM0003", "coa_regio"] == "Zuid"
    assert g["inwoners"].tolist() == [12_000, 30_000, 8_000]
    # taakstelling.csv lists the gemeenten in another order: values must follow the code.
    assert g["taakstelling"].tolist() == [20, 30, 10]
    assert g["achterstand"].tolist() == [5, 0, 0]
    assert g["voorsprong"].tolist() == [0, 4, 0]
    assert g["gerealiseerd"].tolist() == [3, 40, 0]
    assert g["gecorrigeerd"].tolist() == [25, 26, 10]
    assert g["opgave"].tolist() == [22, 0, 10]
    for _, r in g.iterrows():
        verwacht = max(0, r.taakstelling + r.achterstand - r.voorsprong - r.gerealiseerd)
        assert r.opgave == verwacht


def test_representatief_punt_ligt_binnen_de_grens(inst: Instance) -> None:
    assert inst.grenzen is not None
    assert inst.grenzen.crs.to_epsg() == 28992
    assert len(inst.grenzen) == 3
    for i, vorm in enumerate(inst.grenzen):
        punt = Point(inst.gemeenten["x"].iloc[i], inst.gemeenten["y"].iloc[i])
        assert vorm.contains(punt)
        assert vorm.equals(GEMEENTEN[i]["geometry"])
    # The L-shaped GM0003 has its centroid outside: the point is not the centroid.
    assert not GM3_VORM.contains(GM3_VORM.centroid)


def test_crs_4326_wordt_omgerekend_naar_rd(ronde: Ronde) -> None:
    rd = gemeenten_gdf()
    ronde.schrijf_gemeenten(rd.to_crs("EPSG:4326"))
    assert gpd.read_file(ronde.pad("gemeenten.geojson")).crs.to_epsg() == 4326
    inst = ronde.laad()
    assert inst.grenzen is not None and inst.grenzen.crs.to_epsg() == 28992
    for i, vorm in enumerate(inst.grenzen):
        x, y = inst.gemeenten["x"].iloc[i], inst.gemeenten["y"].iloc[i]
        assert 150_000 - 1 < x < 170_000 + 1 and 430_000 - 1 < y < 460_000 + 1
        assert vorm.contains(Point(x, y))
        # Back in RD, the polygon is (up to transformation noise) the original one.
        assert vorm.symmetric_difference(rd.geometry.iloc[i]).area < 1e-3 * vorm.area


def test_gemeenten_als_csv_met_xy(ronde: Ronde) -> None:
    kop = [c for c in GEMEENTEN[0] if c != "geometry"] + ["x", "y"]
    rijen = [[str(g[c]) for c in kop[:-2]] + ["155000", "455000"] for g in GEMEENTEN]
    ronde.schrijf("gemeenten.csv", kop, rijen)
    ronde.vervang_toml('gemeenten = "gemeenten.geojson"', 'gemeenten = "gemeenten.csv"')
    inst = ronde.laad()
    assert inst.grenzen is None
    assert inst.gemeenten["x"].tolist() == [155_000.0] * 3


def test_gemeenten_uit_geopackage_laag(ronde: Ronde) -> None:
    gemeenten_gdf().to_file(ronde.pad("kaart.gpkg"), layer="gemeenten_2025", driver="GPKG")
    ronde.vervang_toml('gemeenten = "gemeenten.geojson"', 'gemeenten = "kaart.gpkg:gemeenten_2025"')
    assert ronde.laad().gemeenten["gemeente_code"].tolist() == ["GM0001", "GM0002", "GM0003"]


def test_huishoudens(inst: Instance) -> None:
    h = inst.huishoudens
    assert h["huishouden_id"].tolist() == ["007", "H002", "H003", "NA"]
    assert h["personen"].tolist() == [1, 4, 2, 3]
    assert h["nareizigers"].tolist() == [0, 2, 0, 1]
    assert h["ruimte"].tolist() == [1, 6, 2, 4]
    assert (h["ruimte"] == h["personen"] + h["nareizigers"]).all()
    assert h["azc_gemeente"].tolist() == ["GM0001", "GM0002", "GM0003", "GM0001"]
    assert h["werk_gemeente"].tolist() == ["GM0002", "", "", ""]
    assert h["studie_gemeente"].tolist() == ["", "", "GM0001", ""]
    assert h["familie_gemeente"].tolist() == ["", "GM0003", "", ""]
    assert h["zorg_gemeente"].tolist() == ["", "", "GM0002", ""]
    assert h["gereed_datum"].to_numpy(dtype="datetime64[D]")[0] == np.datetime64("2025-01-15")


def test_opties_regulier_en_flex(inst: Instance) -> None:
    o = inst.opties.set_index("aanbod_id")
    assert o.index.tolist() == ["007", "W2", "W3", "F1", "F2"]
    assert o["soort"].tolist() == ["regulier"] * 3 + ["flex"] * 2
    g = inst.gemeenten.set_index("gemeente_code")
    # Regular homes sit at their gemeente's representative point.
    assert (o.loc["W2", "x"], o.loc["W2", "y"]) == (g.loc["GM0002", "x"], g.loc["GM0002", "y"])
    assert o.loc["007", "eenheden"] == o.loc["007", "eenheden_totaal"] == 3
    assert o.loc["007", "max_per_eenheid"] == 2
    assert o.loc["W2", "max_per_eenheid"] == 1  # empty cell -> default 1
    assert o.loc["W3", "eenheden"] == 0
    # Flex: units for vergunninghouders = floor(max_aandeel_vh x eenheden).
    assert o.loc["F1", "eenheden_totaal"] == 283
    assert o.loc["F1", "eenheden"] == 141  # floor(0.5 x 283)
    assert o.loc["F2", "eenheden"] == 29  # floor(0.29 x 100): 0.29 * 100 == 28.999999999999996
    assert o.loc["F1", "capaciteit_personen"] == 200
    assert (o.loc["F2", "x"], o.loc["F2", "y"]) == (168_000.5, 440_000.0)
    assert o.loc["F2", "min_personen"] == 1 and o.loc["F2", "max_per_eenheid"] == 1
    assert o.loc["F1", "naam"] == "Paviljoen" and o.loc["F2", "naam"] == ""
    tot = o["beschikbaar_tot"].to_numpy(dtype="datetime64[D]")
    assert tot[3] == np.datetime64("2030-01-01")
    assert np.isnat(tot[4]) and np.isnat(tot[:3]).all()


@pytest.mark.parametrize(
    ("aandeel", "eenheden", "verwacht"),
    [
        ("0.5", "283", 141),
        ("0.5", "282", 141),
        ("0.3", "10", 3),
        ("0.7", "10", 7),
        ("1", "5", 5),
        ("0.01", "99", 0),
        ("0.57", "100", 57),
    ],
)
def test_flex_eenheden_naar_beneden_afgerond(
    ronde: Ronde, aandeel: str, eenheden: str, verwacht: int
) -> None:
    ronde.zet("flexlocaties.csv", 2, "max_aandeel_vh", aandeel)
    ronde.zet("flexlocaties.csv", 2, "eenheden", eenheden)
    assert ronde.laad().opties.set_index("aanbod_id").loc["F1", "eenheden"] == verwacht
    assert verwacht == math.floor(float(aandeel) * int(eenheden) + 1e-9)


def test_regiocapaciteit(inst: Instance) -> None:
    r = inst.regiocapaciteit
    assert r["regio_soort"].tolist() == ["provincie", "arbeidsmarktregio", "coa_regio"]
    assert r["regio_code"].tolist() == ["PV21", "AM02", "Noord"]
    assert r["max_personen"].tolist() == [50, 20, 40]


def test_optionele_tabellen_mogen_ontbreken(ronde: Ronde) -> None:
    ronde.vervang_toml('flexlocaties = "flexlocaties.csv"\n', "")
    ronde.vervang_toml('regiocapaciteit = "regiocapaciteit.csv"\n', "")
    inst = ronde.laad()
    assert inst.opties["soort"].tolist() == ["regulier"] * 3
    assert len(inst.regiocapaciteit) == 0
    assert set(inst.bronnen) == {"gemeenten", "taakstelling", "huishoudens", "woningaanbod"}


def test_leeg_woningaanbod_alleen_kop_mag(ronde: Ronde) -> None:
    kop, _ = ronde.lees("woningaanbod.csv")
    ronde.schrijf("woningaanbod.csv", kop, [])
    inst = ronde.laad()
    assert inst.opties["aanbod_id"].tolist() == ["F1", "F2"]
    assert inst.opties["soort"].tolist() == ["flex", "flex"]


def test_leeg_woningaanbod_zonder_flex(ronde: Ronde) -> None:
    kop, _ = ronde.lees("woningaanbod.csv")
    ronde.schrijf("woningaanbod.csv", kop, [])
    ronde.vervang_toml('flexlocaties = "flexlocaties.csv"\n', "")
    assert len(ronde.laad().opties) == 0


def test_zonder_solversectie_gelden_standaarden(ronde: Ronde) -> None:
    tekst = ronde.pad("ronde.toml").read_text(encoding="utf-8")
    ronde.pad("ronde.toml").write_text(tekst.split("[solver]")[0], encoding="utf-8")
    inst = ronde.laad()
    assert (inst.solver.backend, inst.solver.tijdslimiet_s, inst.solver.seed) == ("highs", 60.0, 0)


def test_solver_overschrijving(ronde: Ronde) -> None:
    inst = ronde.laad(tijdslimiet_s=5, backend="cbc", seed=None)
    assert (inst.solver.tijdslimiet_s, inst.solver.backend, inst.solver.seed) == (5, "cbc", 7)
    with pytest.raises(ConfiguratieFout) as e:
        ronde.laad(backend="gurobi")
    assert (e.value.kolom, e.value.waarde) == ("solver.backend", "gurobi")
    assert "onbekende solver" in str(e.value)


def test_csv_met_bom_van_excel(ronde: Ronde) -> None:
    pad = ronde.pad("huishoudens.csv")
    pad.write_bytes(b"\xef\xbb\xbf" + pad.read_bytes())
    assert ronde.laad().huishoudens["huishouden_id"].tolist()[0] == "007"


def test_maak_instance_uit_dataframes_geeft_hetzelfde(inst: Instance, ronde: Ronde) -> None:
    tabellen = {
        naam: pd.read_csv(ronde.pad(f"{naam}.csv"), dtype=str, keep_default_na=False)
        for naam in (
            "taakstelling",
            "huishoudens",
            "woningaanbod",
            "flexlocaties",
            "regiocapaciteit",
        )
    }
    api = maak_instance(gemeenten=gemeenten_gdf(), naam="x", periode="2025-I", **tabellen)
    for veld in ("gemeenten", "huishoudens", "opties", "regiocapaciteit"):
        pd.testing.assert_frame_equal(getattr(api, veld), getattr(inst, veld))
    # Without files, messages name the table.
    tabellen["huishoudens"].loc[1, "personen"] = "0"
    with pytest.raises(InvoerFout) as e:
        maak_instance(gemeenten=gemeenten_gdf(), **tabellen)
    controleer_fout(e.value, "huishoudens", 3, "personen", "0", "moet minstens 1 zijn")


def test_maak_instance_met_getypte_kolommen() -> None:
    """Typed DataFrame columns (ints, floats that are whole, dates) are accepted as is."""
    inst = maak_instance(
        gemeenten=gemeenten_gdf(),
        taakstelling=pd.DataFrame(
            {"gemeente_code": ["GM0001", "GM0002", "GM0003"], "taakstelling": [1, 2.0, np.int64(3)]}
        ),
        huishoudens=pd.DataFrame(
            {
                "huishouden_id": ["a"],
                "personen": [2],
                "azc_gemeente": ["GM0001"],
                "gereed_datum": [pd.Timestamp("2025-02-03")],
            }
        ),
        woningaanbod=pd.DataFrame(
            columns=[
                "aanbod_id",
                "gemeente_code",
                "min_personen",
                "max_personen",
                "woningen",
                "beschikbaar_vanaf",
            ]
        ),
    )
    assert inst.gemeenten["taakstelling"].tolist() == [1, 2, 3]
    assert inst.huishoudens["gereed_datum"].to_numpy(dtype="datetime64[D]")[0] == np.datetime64(
        "2025-02-03"
    )
    with pytest.raises(InvoerFout, match="verwacht een geheel getal"):
        maak_instance(
            gemeenten=gemeenten_gdf(),
            taakstelling=pd.DataFrame(
                {"gemeente_code": ["GM0001", "GM0002", "GM0003"], "taakstelling": [1, 2.5, 3]}
            ),
            huishoudens=pd.DataFrame(columns=HUISHOUDENS[0]),
            woningaanbod=pd.DataFrame(columns=WONINGAANBOD[0]),
        )


# --------------------------------------------------------------------------------------
# One defect per file: every validation error
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geval:
    """One malformed round: what to break and what the error must say."""

    defect: Callable[[Ronde], None]
    bestand: str
    rij: int | None
    kolom: str | None
    waarde: object
    tekst: str
    fout: type[InvoerFout] = InvoerFout


def _zet(bestand: str, rij: int, kolom: str, waarde: str) -> Callable[[Ronde], None]:
    return lambda r: r.zet(bestand, rij, kolom, waarde)


def _zonder(bestand: str, kolom: str) -> Callable[[Ronde], None]:
    return lambda r: r.zonder_kolom(bestand, kolom)


def _extra_kolom(bestand: str, kolom: str) -> Callable[[Ronde], None]:
    return lambda r: r.met_kolom(bestand, kolom)


def _gemeente(i: int, **wijziging: Any) -> Callable[[Ronde], None]:
    def defect(r: Ronde) -> None:
        gdf = gemeenten_gdf()
        for kolom, waarde in wijziging.items():
            gdf.loc[i, kolom] = waarde
        r.schrijf_gemeenten(gdf)

    return defect


def _gemeente_zonder(kolom: str) -> Callable[[Ronde], None]:
    return lambda r: r.schrijf_gemeenten(gemeenten_gdf().drop(columns=[kolom]))


def _toml(oud: str, nieuw: str) -> Callable[[Ronde], None]:
    return lambda r: r.vervang_toml(oud, nieuw)


def _beide(*defecten: Callable[[Ronde], None]) -> Callable[[Ronde], None]:
    def defect(r: Ronde) -> None:
        for d in defecten:
            d(r)

    return defect


_buiten = gemeenten_gdf().geometry.iloc[1].representative_point()
BUITEN_NL = (_buiten.x + 200_000, _buiten.y)

GEVALLEN: dict[str, Geval] = {
    # --- missing required columns, one per table ---------------------------------------
    **{
        f"kolom_ontbreekt_gemeenten_{k}": Geval(
            _gemeente_zonder(k), "gemeenten.geojson", 1, k, None, "verplichte kolom ontbreekt"
        )
        for k in (
            "gemeente_code",
            "gemeente_naam",
            "provincie_code",
            "arbeidsmarktregio_code",
            "coa_regio",
            "inwoners",
        )
    },
    **{
        f"kolom_ontbreekt_{b.split('.')[0]}_{k}": Geval(
            _zonder(b, k), b, 1, k, None, "verplichte kolom ontbreekt"
        )
        for b, ks in {
            "taakstelling.csv": ("gemeente_code", "taakstelling"),
            "huishoudens.csv": ("huishouden_id", "personen", "azc_gemeente", "gereed_datum"),
            "woningaanbod.csv": (
                "aanbod_id",
                "gemeente_code",
                "min_personen",
                "max_personen",
                "woningen",
                "beschikbaar_vanaf",
            ),
            "flexlocaties.csv": (
                "aanbod_id",
                "gemeente_code",
                "x",
                "y",
                "eenheden",
                "capaciteit_personen",
                "max_personen",
                "beschikbaar_vanaf",
            ),
            "regiocapaciteit.csv": ("regio_soort", "regio_code", "max_personen"),
        }.items()
        for k in ks
    },
    # --- unknown gemeente codes --------------------------------------------------------
    "onbekende_code_taakstelling": Geval(
        _zet("taakstelling.csv", 3, "gemeente_code", "GM9999"),
        "taakstelling.csv",
        3,
        "gemeente_code",
        "GM9999",
        "onbekende gemeentecode",
    ),
    **{
        f"onbekende_code_huishoudens_{k}": Geval(
            _zet("huishoudens.csv", 4, k, "GM0363"),
            "huishoudens.csv",
            4,
            k,
            "GM0363",
            "onbekende gemeentecode",
        )
        for k in (
            "azc_gemeente",
            "werk_gemeente",
            "studie_gemeente",
            "familie_gemeente",
            "zorg_gemeente",
        )
    },
    "onbekende_code_huishoudens_zonder_gm": Geval(
        _zet("huishoudens.csv", 2, "werk_gemeente", "0002"),
        "huishoudens.csv",
        2,
        "werk_gemeente",
        "0002",
        "onbekende gemeentecode",
    ),
    "onbekende_code_woningaanbod": Geval(
        _zet("woningaanbod.csv", 3, "gemeente_code", "GM0004"),
        "woningaanbod.csv",
        3,
        "gemeente_code",
        "GM0004",
        "onbekende gemeentecode",
    ),
    "onbekende_code_flex": Geval(
        _zet("flexlocaties.csv", 3, "gemeente_code", "GM0004"),
        "flexlocaties.csv",
        3,
        "gemeente_code",
        "GM0004",
        "onbekende gemeentecode",
    ),
    "lege_azc_gemeente": Geval(
        _zet("huishoudens.csv", 3, "azc_gemeente", ""),
        "huishoudens.csv",
        3,
        "azc_gemeente",
        None,
        "lege cel; waarde verplicht",
    ),
    "gemeente_ontbreekt_in_taakstelling": Geval(
        lambda r: r.schrijf(
            "taakstelling.csv",
            TAAKSTELLING[0],
            [list(x) for x in TAAKSTELLING[1] if x[0] != "GM0003"],
        ),
        "taakstelling.csv",
        None,
        "gemeente_code",
        None,
        "ontbreken in de taakstelling (bijv. GM0003)",
    ),
    # --- duplicates ----------------------------------------------------------------------
    "dubbel_huishouden_id": Geval(
        _zet("huishoudens.csv", 5, "huishouden_id", "H002"),
        "huishoudens.csv",
        5,
        "huishouden_id",
        "H002",
        "dubbele waarde; komt ook voor in rij 3",
    ),
    "dubbele_gemeente_code_gemeenten": Geval(
        _gemeente(2, gemeente_code="GM0001"),
        "gemeenten.geojson",
        4,
        "gemeente_code",
        "GM0001",
        "dubbele waarde; komt ook voor in rij 2",
    ),
    "dubbele_gemeente_code_taakstelling": Geval(
        lambda r: r.voeg_toe("taakstelling.csv", ["GM0002", "1", "0", "0", "0"]),
        "taakstelling.csv",
        5,
        "gemeente_code",
        "GM0002",
        "dubbele waarde; komt ook voor in rij 2",
    ),
    "dubbele_aanbod_id_over_tabellen": Geval(
        _zet("flexlocaties.csv", 3, "aanbod_id", "W2"),
        "flexlocaties.csv",
        3,
        "aanbod_id",
        "W2",
        "dubbele aanbod_id",
    ),
    "dubbele_aanbod_id_in_woningaanbod": Geval(
        _zet("woningaanbod.csv", 4, "aanbod_id", "007"),
        "woningaanbod.csv",
        4,
        "aanbod_id",
        "007",
        "dubbele aanbod_id",
    ),
    "dubbele_aanbod_id_in_flex": Geval(
        _zet("flexlocaties.csv", 3, "aanbod_id", "F1"),
        "flexlocaties.csv",
        3,
        "aanbod_id",
        "F1",
        "dubbele aanbod_id",
    ),
    "dubbele_regio": Geval(
        lambda r: r.voeg_toe("regiocapaciteit.csv", ["coa_regio", "Noord", "3"]),
        "regiocapaciteit.csv",
        5,
        "regio_code",
        "coa_regio/Noord",
        "dubbele waarde",
    ),
    # --- personen and other integers -----------------------------------------------------
    **{
        f"personen_{naam}": Geval(
            _zet("huishoudens.csv", 3, "personen", w),
            "huishoudens.csv",
            3,
            "personen",
            w.strip() or None,
            tekst,
        )
        for naam, w, tekst in (
            ("0", "0", "moet minstens 1 zijn"),
            ("min1", "-1", "moet minstens 1 zijn"),
            ("2.5", "2.5", "verwacht een geheel getal"),
            ("twee", "twee", "verwacht een geheel getal"),
            ("1e3", "1e3", "verwacht een geheel getal"),
            ("2.0", "2.0", "verwacht een geheel getal"),
            ("arabisch_indische_cijfers", "٣", "verwacht een geheel getal"),
            ("leeg", "", "lege cel; verwacht een geheel getal"),
            ("spatie", "  ", "lege cel; verwacht een geheel getal"),
        )
    },
    "nareizigers_negatief": Geval(
        _zet("huishoudens.csv", 2, "nareizigers", "-2"),
        "huishoudens.csv",
        2,
        "nareizigers",
        "-2",
        "moet minstens 0 zijn",
    ),
    "woningen_negatief": Geval(
        _zet("woningaanbod.csv", 3, "woningen", "-1"),
        "woningaanbod.csv",
        3,
        "woningen",
        "-1",
        "moet minstens 0 zijn",
    ),
    "max_per_woning_0": Geval(
        _zet("woningaanbod.csv", 2, "max_per_woning", "0"),
        "woningaanbod.csv",
        2,
        "max_per_woning",
        "0",
        "moet minstens 1 zijn",
    ),
    "capaciteit_personen_negatief": Geval(
        _zet("flexlocaties.csv", 2, "capaciteit_personen", "-10"),
        "flexlocaties.csv",
        2,
        "capaciteit_personen",
        "-10",
        "moet minstens 0 zijn",
    ),
    "eenheden_negatief": Geval(
        _zet("flexlocaties.csv", 3, "eenheden", "-3"),
        "flexlocaties.csv",
        3,
        "eenheden",
        "-3",
        "moet minstens 0 zijn",
    ),
    "taakstelling_negatief": Geval(
        _zet("taakstelling.csv", 2, "taakstelling", "-1"),
        "taakstelling.csv",
        2,
        "taakstelling",
        "-1",
        "moet minstens 0 zijn",
    ),
    "gerealiseerd_geen_getal": Geval(
        _zet("taakstelling.csv", 4, "gerealiseerd", "drie"),
        "taakstelling.csv",
        4,
        "gerealiseerd",
        "drie",
        "verwacht een geheel getal",
    ),
    "inwoners_0": Geval(
        _gemeente(1, inwoners=0), "gemeenten.geojson", 3, "inwoners", 0, "moet minstens 1 zijn"
    ),
    "regio_max_personen_negatief": Geval(
        _zet("regiocapaciteit.csv", 3, "max_personen", "-5"),
        "regiocapaciteit.csv",
        3,
        "max_personen",
        "-5",
        "moet minstens 0 zijn",
    ),
    "min_personen_0_woningaanbod": Geval(
        _zet("woningaanbod.csv", 2, "min_personen", "0"),
        "woningaanbod.csv",
        2,
        "min_personen",
        "0",
        "moet minstens 1 zijn",
    ),
    "max_kleiner_dan_min_woningaanbod": Geval(
        _zet("woningaanbod.csv", 3, "max_personen", "2"),
        "woningaanbod.csv",
        3,
        "max_personen",
        2,
        "max_personen is kleiner dan min_personen (3)",
    ),
    "max_kleiner_dan_min_flex": Geval(
        _zet("flexlocaties.csv", 2, "min_personen", "5"),
        "flexlocaties.csv",
        2,
        "max_personen",
        4,
        "max_personen is kleiner dan min_personen (5)",
    ),
    # --- max_aandeel_vh in (0, 1] ----------------------------------------------------
    **{
        f"max_aandeel_vh_{w}": Geval(
            _zet("flexlocaties.csv", 3, "max_aandeel_vh", w),
            "flexlocaties.csv",
            3,
            "max_aandeel_vh",
            w,
            tekst,
        )
        for w, tekst in (
            ("0", "moet > 0.0 en <= 1.0 zijn"),
            ("1.5", "moet > 0.0 en <= 1.0 zijn"),
            ("-0.1", "moet > 0.0 en <= 1.0 zijn"),
            ("0,5", "komma in een getal; verwacht een punt als decimaalteken"),
            ("nan", "verwacht een getal"),
        )
    },
    # --- dates ---------------------------------------------------------------------------
    **{
        f"datum_{naam}": Geval(
            _zet("huishoudens.csv", 4, "gereed_datum", w),
            "huishoudens.csv",
            4,
            "gereed_datum",
            w,
            tekst,
        )
        for naam, w, tekst in (
            ("13e_maand", "2025-13-01", "geen bestaande datum (dag 1, maand 13, jaar 2025)"),
            # day-month-year is valid, but not beside the ISO dates of the other rows
            ("nederlands", "01-03-2025", "gemengde datumnotaties"),
            ("30_februari", "2025-02-30", "geen bestaande datum"),
            ("tekst", "morgen", "geen geldige datum; verwacht JJJJ-MM-DD"),
            ("iso_week", "2025-W10-1", "geen geldige datum; verwacht JJJJ-MM-DD"),
            ("zonder_streepjes", "20250301", "geen geldige datum; verwacht JJJJ-MM-DD"),
        )
    },
    "datum_leeg": Geval(
        _zet("huishoudens.csv", 4, "gereed_datum", ""),
        "huishoudens.csv",
        4,
        "gereed_datum",
        None,
        "lege cel; verwacht een datum",
    ),
    "datum_woningaanbod": Geval(
        _zet("woningaanbod.csv", 2, "beschikbaar_vanaf", "2025/01/01"),
        "woningaanbod.csv",
        2,
        "beschikbaar_vanaf",
        "2025/01/01",
        "geen geldige datum",
    ),
    "datum_flex_tot": Geval(
        _zet("flexlocaties.csv", 2, "beschikbaar_tot", "2030-1-1"),
        "flexlocaties.csv",
        2,
        "beschikbaar_tot",
        "2030-1-1",
        "geen geldige datum",
    ),
    "datums_in_verkeerde_volgorde": Geval(
        _zet("flexlocaties.csv", 2, "beschikbaar_tot", "2024-12-31"),
        "flexlocaties.csv",
        2,
        "beschikbaar_tot",
        "2024-12-31",
        "datums in verkeerde volgorde",
    ),
    "datums_gelijk": Geval(
        _zet("flexlocaties.csv", 2, "beschikbaar_tot", "2025-01-01"),
        "flexlocaties.csv",
        2,
        "beschikbaar_tot",
        "2025-01-01",
        "ligt niet na beschikbaar_vanaf",
    ),
    # --- taakstelling ---------------------------------------------------------------------
    "achterstand_en_voorsprong": Geval(
        _zet("taakstelling.csv", 4, "voorsprong", "2"),
        "taakstelling.csv",
        4,
        "voorsprong",
        2,
        "achterstand óf voorsprong, niet allebei",
    ),
    # --- geography ---------------------------------------------------------------------
    "gemeente_buiten_nederland": Geval(
        _gemeente(1, geometry=translate(GEMEENTEN[1]["geometry"], xoff=200_000)),
        "gemeenten.geojson",
        3,
        "geometry",
        BUITEN_NL,
        "coördinaat ligt niet in Nederland",
    ),
    "flex_x_buiten_nederland": Geval(
        _zet("flexlocaties.csv", 3, "x", "500000"),
        "flexlocaties.csv",
        3,
        "x",
        (500_000.0, 440_000.0),
        "coördinaat ligt niet in Nederland",
    ),
    "flex_y_buiten_nederland": Geval(
        _zet("flexlocaties.csv", 2, "y", "52.1"),
        "flexlocaties.csv",
        2,
        "y",
        (155_000.0, 52.1),
        "coördinaat ligt niet in Nederland",
    ),
    "flex_x_geen_getal": Geval(
        _zet("flexlocaties.csv", 2, "x", "155.000,5"),
        "flexlocaties.csv",
        2,
        "x",
        "155.000,5",
        "dubbelzinnig getal",
    ),
    "gemeentecode_zonder_gm": Geval(
        _gemeente(0, gemeente_code="0363"),
        "gemeenten.geojson",
        2,
        "gemeente_code",
        "0363",
        "ongeldige gemeentecode",
    ),
    "gemeentecode_drie_cijfers": Geval(
        _gemeente(2, gemeente_code="GM363"),
        "gemeenten.geojson",
        4,
        "gemeente_code",
        "GM363",
        "ongeldige gemeentecode",
    ),
    "gemeentecode_andere_cijfers": Geval(
        _gemeente(1, gemeente_code="GM٠٠٠٢"),
        "gemeenten.geojson",
        3,
        "gemeente_code",
        "GM٠٠٠٢",
        "ongeldige gemeentecode",
    ),
    "gemeentecode_kleine_letters": Geval(
        _gemeente(1, gemeente_code="gm0002"),
        "gemeenten.geojson",
        3,
        "gemeente_code",
        "gm0002",
        "verwacht 'GM' gevolgd door 4 cijfers",
    ),
    # --- personal data: protected attributes and data minimisation -----------------------
    **{
        f"beschermd_kenmerk_{k}": Geval(
            _extra_kolom("huishoudens.csv", k), "huishoudens.csv", 1, k, None, "beschermd kenmerk"
        )
        for k in ("nationaliteit", "Geslacht", "religie", "geboorteland", "Etniciteit", "sekse")
    },
    "onbekende_kolom_huishoudens": Geval(
        _extra_kolom("huishoudens.csv", "telefoonnummer"),
        "huishoudens.csv",
        1,
        "telefoonnummer",
        None,
        "dataminimalisatie",
    ),
    "kolomnaam_met_hoofdletter_huishoudens": Geval(
        lambda r: r.schrijf(
            "huishoudens.csv",
            ["Huishouden_id", *HUISHOUDENS[0][1:]],
            [list(x) for x in HUISHOUDENS[1]],
        ),
        "huishoudens.csv",
        1,
        "Huishouden_id",
        None,
        "onbekende kolom `Huishouden_id` in huishoudens.csv; bedoelde u `huishouden_id`?",
    ),
    # --- regiocapaciteit -----------------------------------------------------------------
    "onbekende_regio_soort": Geval(
        _zet("regiocapaciteit.csv", 3, "regio_soort", "gemeente"),
        "regiocapaciteit.csv",
        3,
        "regio_soort",
        "gemeente",
        "onbekende regiosoort",
    ),
    "onbekende_regio_code": Geval(
        _zet("regiocapaciteit.csv", 2, "regio_code", "PV99"),
        "regiocapaciteit.csv",
        2,
        "regio_code",
        "PV99",
        "onbekende regiocode",
    ),
    "regio_code_van_andere_soort": Geval(
        _zet("regiocapaciteit.csv", 3, "regio_code", "PV21"),  # a provincie, not an AM region
        "regiocapaciteit.csv",
        3,
        "regio_code",
        "PV21",
        "geen gemeente ligt in deze arbeidsmarktregio",
    ),
    # --- ronde.toml ----------------------------------------------------------------------
    "toml_onbekende_sectie": Geval(
        _toml("[solver]", "[extra]\nx = 1\n\n[solver]"),
        "ronde.toml",
        None,
        "extra",
        None,
        "onbekende sectie",
        ConfiguratieFout,
    ),
    "toml_onbekende_sleutel_ronde": Geval(
        _toml('model = "standaard"', 'model = "standaard"\njaar = 2025'),
        "ronde.toml",
        None,
        "ronde.jaar",
        None,
        "onbekende sleutel in [ronde]",
        ConfiguratieFout,
    ),
    "toml_onbekende_sleutel_solver": Geval(
        _toml("seed = 7", "seed = 7\ntijdlimiet = 5"),
        "ronde.toml",
        None,
        "solver.tijdlimiet",
        None,
        "onbekende sleutel in [solver]",
        ConfiguratieFout,
    ),
    "toml_onbekende_tabel": Geval(
        _toml(
            'huishoudens = "huishoudens.csv"', 'huishoudens = "huishoudens.csv"\nwoningen = "w.csv"'
        ),
        "ronde.toml",
        None,
        "bestanden.woningen",
        None,
        "onbekende tabel in [bestanden]",
        ConfiguratieFout,
    ),
    "toml_verplicht_bestand_ontbreekt": Geval(
        _toml('huishoudens = "huishoudens.csv"\n', ""),
        "ronde.toml",
        None,
        "bestanden.huishoudens",
        None,
        "verplicht bestand niet opgegeven",
        ConfiguratieFout,
    ),
    "toml_naam_ontbreekt": Geval(
        _toml('naam = "Testprovincie 2025-I"\n', ""),
        "ronde.toml",
        None,
        "ronde.naam",
        None,
        "verplichte sleutel ontbreekt",
        ConfiguratieFout,
    ),
    "toml_pad_geen_tekst": Geval(
        _toml('woningaanbod = "woningaanbod.csv"', "woningaanbod = 3"),
        "ronde.toml",
        None,
        "bestanden.woningaanbod",
        3,
        "verwacht een pad",
        ConfiguratieFout,
    ),
    "toml_ongeldig": Geval(
        _toml("[solver]", "[solver"),
        "ronde.toml",
        None,
        None,
        None,
        "geen geldige TOML",
        ConfiguratieFout,
    ),
    **{
        f"toml_periode_{w}": Geval(
            _toml('periode = "2025-I"', f'periode = "{w}"'),
            "ronde.toml",
            None,
            "ronde.periode",
            w,
            "ongeldige periode; verwacht JJJJ-I of JJJJ-II",
            ConfiguratieFout,
        )
        for w in ("2025-3", "2025-III", "2025", "25-I")
    },
    "toml_onbekende_preset": Geval(
        _toml('model = "standaard"', 'model = "bestaat-niet"'),
        "ronde.toml",
        None,
        "ronde.model",
        "bestaat-niet",
        "onbekende modelpreset; beschikbaar:",
        ConfiguratieFout,
    ),
    "toml_presetbestand_bestaat_niet": Geval(
        _toml('model = "standaard"', 'model = "mijn.toml"'),
        "mijn.toml",
        None,
        None,
        None,
        "presetbestand bestaat niet",
        ConfiguratieFout,
    ),
    "toml_onbekende_backend": Geval(
        _toml('backend = "highs"', 'backend = "gurobi"'),
        "ronde.toml",
        None,
        "solver.backend",
        "gurobi",
        "onbekende solver; kies uit highs, cbc",
        ConfiguratieFout,
    ),
    "toml_negatieve_tijdslimiet": Geval(
        _toml("tijdslimiet_s = 30", "tijdslimiet_s = -5"),
        "ronde.toml",
        None,
        "solver.tijdslimiet_s",
        -5,
        "verwacht een eindig getal >= 0",
        ConfiguratieFout,
    ),
    "toml_tijdslimiet_nul": Geval(
        _toml("tijdslimiet_s = 30", "tijdslimiet_s = 0"),
        "ronde.toml",
        None,
        "solver.tijdslimiet_s",
        0,
        "tijdslimiet moet > 0 zijn",
        ConfiguratieFout,
    ),
    "toml_threads_tekst": Geval(
        _toml("threads = 1", 'threads = "vier"'),
        "ronde.toml",
        None,
        "solver.threads",
        "vier",
        "verwacht een geheel getal >= 0",
        ConfiguratieFout,
    ),
    # --- files ------------------------------------------------------------------------
    "bestand_ontbreekt": Geval(
        lambda r: r.pad("woningaanbod.csv").unlink(),
        "woningaanbod.csv",
        None,
        None,
        None,
        "bestand voor tabel 'woningaanbod' bestaat niet",
    ),
    "geobestand_ontbreekt": Geval(
        lambda r: r.pad("gemeenten.geojson").unlink(),
        "gemeenten.geojson",
        None,
        None,
        None,
        "bestand voor tabel 'gemeenten' bestaat niet",
    ),
    "bestand_leeg": Geval(
        lambda r: r.pad("taakstelling.csv").write_bytes(b""),
        "taakstelling.csv",
        None,
        None,
        None,
        "bestand is leeg",
    ),
    "bestand_geen_utf8": Geval(
        lambda r: r.pad("huishoudens.csv").write_bytes(
            r.pad("huishoudens.csv")
            .read_text(encoding="utf-8")
            .replace("H003", "Curaçao")
            .encode("cp1252")
        ),
        "huishoudens.csv",
        None,
        None,
        None,
        "bestand is geen UTF-8",
    ),
    "bestand_onbekend_type": Geval(
        _beide(
            lambda r: r.pad("woningaanbod.csv").rename(r.pad("woningaanbod.ods")),
            _toml('"woningaanbod.csv"', '"woningaanbod.ods"'),
        ),
        "woningaanbod.ods",
        None,
        None,
        None,
        "onbekend bestandstype",
    ),
    # a CSV renamed to .xlsx is read as a workbook, and refused as one
    "werkboek_geen_xlsx": Geval(
        _beide(
            lambda r: r.pad("woningaanbod.csv").rename(r.pad("woningaanbod.xlsx")),
            _toml('"woningaanbod.csv"', '"woningaanbod.xlsx"'),
        ),
        "woningaanbod.xlsx",
        None,
        None,
        None,
        "kan het werkboek niet lezen",
    ),
    "geobestand_kapot": Geval(
        lambda r: r.pad("gemeenten.geojson").write_text('{"type": "FeatureCol', encoding="utf-8"),
        "gemeenten.geojson",
        None,
        None,
        None,
        "kan geobestand niet lezen",
    ),
    "rij_met_een_veld_te_veel": Geval(
        lambda r: r.vervang("woningaanbod.csv", "2025-02-01,1\n", "2025-02-01,1,x\n"),
        "woningaanbod.csv",
        4,
        None,
        None,
        "deze rij heeft 8 velden, de kopregel heeft er 7 (meer velden dan de kopregel)",
    ),
    "alle_rijen_een_veld_te_veel": Geval(
        # A comma at the end of every data row: pandas would shift every column by one.
        lambda r: r.schrijf(
            "woningaanbod.csv", WONINGAANBOD[0], [[*x, ""] for x in WONINGAANBOD[1]]
        ),
        "woningaanbod.csv",
        2,
        None,
        None,
        "meer velden dan de kopregel; een komma te veel aan het eind?",
    ),
    "lege_rij_tussen_de_gegevens": Geval(
        # pandas skipped it silently, shifting the row number of every later error
        lambda r: r.vervang("woningaanbod.csv", "\nW2,", "\n\nW2,"),
        "woningaanbod.csv",
        3,
        None,
        None,
        "lege rij; verwijder deze rij",
    ),
    "dubbele_kolomnaam": Geval(
        lambda r: r.schrijf(
            "woningaanbod.csv",
            [*WONINGAANBOD[0], "woningen"],
            [[*x, "99"] for x in WONINGAANBOD[1]],
        ),
        "woningaanbod.csv",
        1,
        "woningen",
        None,
        "dubbele kolom",
    ),
    "dubbele_kolomnaam_na_spaties": Geval(
        lambda r: r.schrijf(
            "taakstelling.csv",
            [*TAAKSTELLING[0], " taakstelling "],
            [[*x, "99"] for x in TAAKSTELLING[1]],
        ),
        "taakstelling.csv",
        1,
        "taakstelling",
        None,
        "dubbele kolom",
    ),
}


@pytest.mark.parametrize("geval", list(GEVALLEN.values()), ids=list(GEVALLEN))
def test_fout_noemt_bestand_rij_kolom_waarde(ronde: Ronde, geval: Geval) -> None:
    geval.defect(ronde)
    with pytest.raises(InvoerFout) as e:
        ronde.laad()
    # One defect may have consequences that are errors too (a code typed wrong in the
    # taakstelling also leaves a gemeente without a row): the defect comes first.
    fout = e.value.fouten[0] if isinstance(e.value, InvoerFouten) else e.value
    assert type(fout) is geval.fout, str(e.value)
    controleer_fout(fout, geval.bestand, geval.rij, geval.kolom, geval.waarde, geval.tekst)


def test_elke_fout_is_een_invoerfout_met_nederlandse_tekst() -> None:
    """Sanity check on the table itself: each case expects a Dutch fragment."""
    for naam, geval in GEVALLEN.items():
        assert geval.tekst.strip(), naam
        assert issubclass(geval.fout, InvoerFout)


# --------------------------------------------------------------------------------------
# CRS: missing, implicit WGS84 (GeoJSON), and what catches RD coordinates read as degrees
# --------------------------------------------------------------------------------------


def _geojson_zonder_crs(pad: Path) -> None:
    """A GeoJSON written by hand, RD coordinates, no "crs" member."""
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in g.items() if k != "geometry"},
            "geometry": mapping(g["geometry"]),
        }
        for g in GEMEENTEN
    ]
    tekst = json.dumps({"type": "FeatureCollection", "features": features})
    assert '"crs"' not in tekst
    pad.write_text(tekst, encoding="utf-8")


def test_geojson_zonder_crs_geldt_als_wgs84(tmp_path: Path) -> None:
    """RFC 7946: pyogrio gives a GeoJSON without "crs" member EPSG:4326, never None."""
    pad = tmp_path / "g.geojson"
    _geojson_zonder_crs(pad)
    gdf = lees_tabel(pad, naam="gemeenten")
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326


def test_rd_geojson_zonder_crs_wordt_geweigerd(ronde: Ronde) -> None:
    """RD metres in a file whose CRS says degrees: rejected before any projection, by row."""
    _geojson_zonder_crs(ronde.pad("gemeenten.geojson"))
    with pytest.raises(InvoerFout) as e:
        ronde.laad()
    exc = e.value
    assert exc.bestand is not None and exc.bestand.endswith("gemeenten.geojson")
    assert (exc.rij, exc.kolom) == (2, "geometry")
    assert "lijken meters" in str(exc) and "WGS84" in str(exc)
    assert "EPSG:28992" in str(exc)
    assert isinstance(exc.waarde, tuple) and abs(exc.waarde[0]) > 180


def test_geopackage_zonder_crs_wordt_geweigerd(ronde: Ronde) -> None:
    pad = ronde.pad("gemeenten.gpkg")
    with pytest.warns(UserWarning, match="crs"):
        gemeenten_gdf(crs=None).to_file(pad, driver="GPKG")
    assert gpd.read_file(pad).crs is None  # truly without CRS
    ronde.vervang_toml('"gemeenten.geojson"', '"gemeenten.gpkg"')
    with pytest.raises(InvoerFout) as e:
        ronde.laad()
    controleer_fout(
        e.value, "gemeenten.gpkg", None, "geometry", None, "geen coördinatenstelsel (CRS)"
    )


def test_shapefile_zonder_prj_heeft_geen_crs(tmp_path: Path) -> None:
    """A Shapefile without .prj also reads as CRS None and is refused.

    Only the CRS is tested here: a Shapefile truncates column names to 10 characters
    (``gemeente_code`` -> ``gemeente_c``), so it cannot carry the gemeenten table.
    """
    pad = tmp_path / "g.shp"
    with (
        pytest.warns(UserWarning, match="truncated"),
        pytest.warns(RuntimeWarning, match="gemeente_c"),
    ):
        gemeenten_gdf()[["gemeente_code", "geometry"]].to_file(pad)
    pad.with_suffix(".prj").unlink()
    gdf = lees_tabel(pad, naam="gemeenten")
    assert gdf.crs is None
    assert "gemeente_c" in gdf.columns
    gdf = gdf.rename(columns={"gemeente_c": "gemeente_code"})
    with pytest.raises(InvoerFout) as e:
        maak_instance(
            gemeenten=gdf,
            taakstelling=pd.DataFrame(columns=TAAKSTELLING[0]),
            huishoudens=pd.DataFrame(columns=HUISHOUDENS[0]),
            woningaanbod=pd.DataFrame(columns=WONINGAANBOD[0]),
        )
    controleer_fout(e.value, "gemeenten", None, "geometry", None, "geen coördinatenstelsel")


def test_maak_instance_geodataframe_zonder_crs(ronde: Ronde) -> None:
    tabellen = {
        naam: pd.read_csv(ronde.pad(f"{naam}.csv"), dtype=str, keep_default_na=False)
        for naam in ("taakstelling", "huishoudens", "woningaanbod")
    }
    with pytest.raises(InvoerFout, match="geen coördinatenstelsel"):
        maak_instance(gemeenten=gemeenten_gdf(crs=None), **tabellen)


def test_lege_geometrie_wordt_geweigerd(ronde: Ronde) -> None:
    gdf = gemeenten_gdf()
    gdf.loc[1, "geometry"] = None
    ronde.schrijf_gemeenten(gdf)
    with pytest.raises(InvoerFout) as e:
        ronde.laad()
    controleer_fout(e.value, "gemeenten.geojson", 3, "geometry", None, "lege geometrie")


# --------------------------------------------------------------------------------------
# Nothing silently changed
# --------------------------------------------------------------------------------------


def test_ids_blijven_tekst(inst: Instance) -> None:
    assert inst.huishoudens["huishouden_id"].iloc[0] == "007"  # not 7
    assert inst.huishoudens["huishouden_id"].iloc[3] == "NA"  # not NaN
    assert inst.opties["aanbod_id"].iloc[0] == "007"


def test_gemeentecode_blijft_tekst_in_csv(ronde: Ronde) -> None:
    """A code read from CSV is never turned into a number (no '363' from '0363')."""
    ronde.zet("taakstelling.csv", 2, "gemeente_code", "0002")
    with pytest.raises(InvoerFout) as e:
        ronde.laad()
    assert e.value.waarde == "0002"


def test_1e3_personen_is_fout_niet_duizend(ronde: Ronde) -> None:
    ronde.zet("huishoudens.csv", 2, "personen", "1e3")
    with pytest.raises(InvoerFout, match="verwacht een geheel getal") as e:
        ronde.laad()
    assert e.value.waarde == "1e3"


def test_spaties_rond_waarden_worden_genegeerd(ronde: Ronde) -> None:
    ronde.zet("huishoudens.csv", 3, "personen", " 4 ")
    ronde.zet("huishoudens.csv", 3, "huishouden_id", " H002 ")
    h = ronde.laad().huishoudens
    assert h["personen"].iloc[1] == 4 and h["huishouden_id"].iloc[1] == "H002"


def test_geldige_ronde_wijzigt_geen_bestanden(ronde: Ronde) -> None:
    voor = {p.name: p.read_bytes() for p in ronde.map.iterdir()}
    ronde.laad()
    assert {p.name: p.read_bytes() for p in ronde.map.iterdir()} == voor


def test_preset_als_pad_relatief_aan_de_rondemap(
    ronde: Ronde, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from allocatie.ronde.presets import MODELS_MAP

    tekst = (MODELS_MAP / "werk-eerst.toml").read_text(encoding="utf-8")
    (ronde.map / "presets").mkdir()
    ronde.pad("presets/eigen.toml").write_text(
        tekst.replace('naam = "werk-eerst"', 'naam = "eigen"'), encoding="utf-8"
    )
    ronde.vervang_toml('model = "standaard"', 'model = "presets/eigen.toml"')
    monkeypatch.chdir(tmp_path)  # not the round folder: the path resolves against the round
    inst = ronde.laad()
    assert inst.preset.naam == "eigen"
    assert Path(inst.preset.bron) == ronde.pad("presets/eigen.toml")
    assert inst.preset.doel.volgorde[2] == "kosten"
    # An error in that preset names the preset file, not ronde.toml.
    ronde.pad("presets/eigen.toml").write_text(
        tekst.replace("werk_min = 45.0", "werk_min = -45.0"), encoding="utf-8"
    )
    with pytest.raises(ConfiguratieFout) as e:
        ronde.laad()
    controleer_fout(
        e.value, "eigen.toml", None, "limieten.werk_min", -45.0, "mag niet negatief zijn"
    )


def test_preset_op_naam_in_ronde(ronde: Ronde) -> None:
    ronde.vervang_toml('model = "standaard"', 'model = "werk-eerst"')
    assert ronde.laad().preset.naam == "werk-eerst"


def test_foute_solverwaarde_in_ronde_toml_ook_met_overschrijving(ronde: Ronde) -> None:
    """A typo in ronde.toml stays an error even when the CLI overrides that option."""
    ronde.vervang_toml('backend = "highs"', 'backend = "glpk"')
    with pytest.raises(ConfiguratieFout) as e:
        ronde.laad(backend="highs")
    controleer_fout(e.value, "ronde.toml", None, "solver.backend", "glpk", "onbekende solver")


def test_lees_config(ronde: Ronde) -> None:
    config = lees_config(ronde.map)
    assert config.naam == "Testprovincie 2025-I" and config.model == "standaard"
    assert config.map == ronde.map
    assert config.bestanden["huishoudens"] == ronde.pad("huishoudens.csv")
    assert config.solver["seed"] == 7


def test_rondebestand_bestaat_niet(tmp_path: Path) -> None:
    with pytest.raises(ConfiguratieFout) as e:
        laad_ronde(tmp_path)
    controleer_fout(e.value, "ronde.toml", None, None, None, "rondebestand bestaat niet")


@pytest.mark.parametrize("veld", ["tijdslimiet_s", "gap_relatief"])
@pytest.mark.parametrize("waarde", [float("nan"), float("inf")])
def test_solveropties_weigeren_niet_eindige_getallen(veld: str, waarde: float) -> None:
    from allocatie.kern.errors import ConfiguratieFout
    from allocatie.solvers.base import SolverOpties

    with pytest.raises(ConfiguratieFout, match="eindig getal"):
        SolverOpties(**{veld: waarde})


# --------------------------------------------------------------------------------------
# Every error at once
# --------------------------------------------------------------------------------------


def test_alle_fouten_van_twee_bestanden_tegelijk(ronde: Ronde) -> None:
    """Three bad cells in two files: all three are reported, in file order, with place."""
    ronde.zet("huishoudens.csv", 2, "personen", "twee")
    ronde.zet("huishoudens.csv", 4, "azc_gemeente", "GM9999")
    ronde.zet("woningaanbod.csv", 3, "woningen", "-1")
    with pytest.raises(InvoerFouten) as e:
        ronde.laad()
    plaatsen = [(Path(f.bestand or "").name, f.rij, f.kolom, f.waarde) for f in e.value.fouten]
    assert plaatsen == [
        ("huishoudens.csv", 2, "personen", "twee"),
        ("huishoudens.csv", 4, "azc_gemeente", "GM9999"),
        ("woningaanbod.csv", 3, "woningen", "-1"),
    ]
    assert e.value.aantal == 3 and e.value.meer == 0
    tekst = str(e.value)
    assert tekst.startswith("3 fouten in de invoer:")
    assert "onbekende gemeentecode" in tekst and "moet minstens 0 zijn" in tekst
    # Read as one InvoerFout, it is the first error.
    assert (e.value.rij, e.value.kolom) == (2, "personen")


def test_een_fout_blijft_een_gewone_invoerfout(ronde: Ronde) -> None:
    ronde.zet("huishoudens.csv", 3, "personen", "0")
    with pytest.raises(InvoerFout) as e:
        ronde.laad()
    assert type(e.value) is InvoerFout
    assert (e.value.rij, e.value.kolom) == (3, "personen")


def test_foutenlijst_heeft_een_grens(ronde: Ronde) -> None:
    """Beyond MAX_FOUTEN the errors are counted, not listed."""
    from allocatie.kern.errors import MAX_FOUTEN

    kop, rijen = ronde.lees("huishoudens.csv")
    i = kop.index("personen")
    veel = []
    for n in range(MAX_FOUTEN + 50):
        rij = list(rijen[0])
        rij[0] = f"X{n}"
        rij[i] = "nul"
        veel.append(rij)
    ronde.schrijf("huishoudens.csv", kop, veel)
    with pytest.raises(InvoerFouten) as e:
        ronde.laad()
    assert len(e.value.fouten) == MAX_FOUTEN
    assert e.value.meer == 50 and e.value.aantal == MAX_FOUTEN + 50
    assert "en nog 50 fouten (niet getoond)" in str(e.value)


def test_fout_in_gemeenten_stopt_voor_de_tabellen_die_ernaar_verwijzen(ronde: Ronde) -> None:
    """A bad gemeente code is reported once, not again as unknown in every other table."""
    ronde.vervang("gemeenten.geojson", '"GM0003"', '"GM003"')
    with pytest.raises(InvoerFout) as e:
        ronde.laad()
    assert type(e.value) is InvoerFout, str(e.value)
    assert e.value.waarde == "GM003"
