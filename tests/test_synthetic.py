"""Tests for the synthetic round generator, the round-folder writer and `allocatie genereer`."""

from __future__ import annotations

import doctest
import re
import shlex
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

import allocatie.io.rondemap as rondemap_mod
import allocatie.synthetic as synthetic_mod
from allocatie.cli import app
from allocatie.io.rondemap import SOLVER_SLEUTELS, schrijf_rondemap
from allocatie.io.uitvoermap import MERK
from allocatie.kern.errors import ConfiguratieFout, InvoerFout
from allocatie.ronde.taakstelling import bereken_taakstelling
from allocatie.synthetic import genereer_ronde, kerncijfers, personencapaciteit
from allocatie.synthetic.gebied import NL_GRENZEN, buren
from allocatie.synthetic.taak import INWONERS_NL, genereer_taakstelling

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"

KOLOMMEN = {
    "gemeenten": [
        "gemeente_code", "gemeente_naam", "provincie_code", "arbeidsmarktregio_code",
        "coa_regio", "inwoners", "geometry",
    ],
    "taakstelling": ["gemeente_code", "taakstelling", "achterstand", "voorsprong", "gerealiseerd"],
    "huishoudens": [
        "huishouden_id", "personen", "nareizigers", "azc_gemeente", "gereed_datum",
        "werk_gemeente", "studie_gemeente", "familie_gemeente", "zorg_gemeente",
    ],
    "woningaanbod": [
        "aanbod_id", "gemeente_code", "min_personen", "max_personen", "woningen",
        "beschikbaar_vanaf", "max_per_woning",
    ],
    "flexlocaties": [
        "aanbod_id", "naam", "gemeente_code", "x", "y", "eenheden", "capaciteit_personen",
        "max_aandeel_vh", "min_personen", "max_personen", "max_per_eenheid", "beschikbaar_vanaf",
        "beschikbaar_tot",
    ],
}  # fmt: skip
GEHEEL = {
    "inwoners", "taakstelling", "achterstand", "voorsprong", "gerealiseerd", "personen",
    "nareizigers", "min_personen", "max_personen", "woningen", "max_per_woning", "eenheden",
    "capaciteit_personen", "max_per_eenheid",
}  # fmt: skip
DATUM = {"gereed_datum", "beschikbaar_vanaf", "beschikbaar_tot"}
CODEKOLOMMEN = ["werk_gemeente", "studie_gemeente", "familie_gemeente", "zorg_gemeente"]
CSV_TABELLEN = ["taakstelling", "huishoudens", "woningaanbod", "flexlocaties", "regiocapaciteit"]


@pytest.fixture(scope="module")
def klein():
    return genereer_ronde(12, 150, 4, seed=7, regiocapaciteit=0.9)


@pytest.fixture(scope="module")
def groot():
    return genereer_ronde(342, 8000, 150, seed=11)


def _gelijk(a, b) -> None:
    for naam in ["taakstelling", "huishoudens", "woningaanbod", "flexlocaties", "regiocapaciteit"]:
        x, y = getattr(a, naam), getattr(b, naam)
        if x is None or y is None:
            assert x is None and y is None
        else:
            pd.testing.assert_frame_equal(x, y, check_exact=True)
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.gemeenten.drop(columns="geometry")),
        pd.DataFrame(b.gemeenten.drop(columns="geometry")),
    )
    assert list(shapely.to_wkb(a.gemeenten.geometry.values)) == list(
        shapely.to_wkb(b.gemeenten.geometry.values)
    )


# --------------------------------------------------------------------------- generator


def test_doctests() -> None:
    for module in (synthetic_mod, rondemap_mod):
        assert doctest.testmod(module).failed == 0


def test_zelfde_seed_zelfde_ronde(klein) -> None:
    _gelijk(klein, genereer_ronde(12, 150, 4, seed=7, regiocapaciteit=0.9))


def test_andere_seed_andere_ronde(klein) -> None:
    ander = genereer_ronde(12, 150, 4, seed=8, regiocapaciteit=0.9)
    with pytest.raises(AssertionError):
        _gelijk(klein, ander)
    assert not klein.huishoudens.equals(ander.huishoudens)
    assert not klein.gemeenten.geometry.geom_equals(ander.gemeenten.geometry).all()


def test_gebied_hangt_niet_af_van_huishoudens() -> None:
    a, b = genereer_ronde(8, 20, seed=3), genereer_ronde(8, 300, seed=3)
    assert a.gemeenten.equals(b.gemeenten)


def test_aantallen_en_codes(klein) -> None:
    g, h, w, f = klein.gemeenten, klein.huishoudens, klein.woningaanbod, klein.flexlocaties
    assert len(g) == 12 and len(h) == 150 and len(f) == 4
    assert g["gemeente_code"].tolist() == [f"GM{9001 + i}" for i in range(12)]
    assert g["gemeente_naam"].is_unique and (g["provincie_code"] == "PV99").all()
    assert h["huishouden_id"].str.fullmatch(r"HH-\d{6}").all() and h["huishouden_id"].is_unique
    assert w["aanbod_id"].str.fullmatch(r"W-GM\d{4}-\d+").all()
    assert f["aanbod_id"].tolist() == ["F-001", "F-002", "F-003", "F-004"]
    assert pd.concat([w["aanbod_id"], f["aanbod_id"]]).is_unique
    assert len(genereer_ronde(12, 10, seed=1).flexlocaties) == 3  # default: a quarter
    assert genereer_ronde(5, 10, 0, seed=1).flexlocaties is None
    assert genereer_ronde(5, 10, seed=1).regiocapaciteit is None
    r = klein.regiocapaciteit
    assert r["regio_soort"].tolist() == ["arbeidsmarktregio"] and r["max_personen"].iloc[0] > 0


@pytest.mark.parametrize("tabel", sorted(KOLOMMEN))
def test_schema_kolommen_en_types(klein, tabel: str) -> None:
    df = getattr(klein, tabel)
    assert list(df.columns) == KOLOMMEN[tabel]
    for kolom in df.columns:
        if kolom in GEHEEL:
            assert df[kolom].dtype == np.int64, kolom
            assert (df[kolom] >= 0).all(), kolom
        elif kolom in DATUM:
            assert pd.api.types.is_datetime64_any_dtype(df[kolom]), kolom
        elif kolom in {"x", "y", "max_aandeel_vh"}:
            assert df[kolom].dtype == np.float64, kolom
        elif kolom != "geometry":
            assert pd.api.types.is_string_dtype(df[kolom]), kolom
    codes = set(klein.gemeenten["gemeente_code"])
    for kolom in ("gemeente_code", "azc_gemeente", *CODEKOLOMMEN):
        if kolom in df.columns:
            assert set(df[kolom].dropna()) <= codes


def test_geen_beschermde_kenmerken(klein) -> None:
    verboden = re.compile(r"nation|geboorte|etni|relig|geslacht|sekse|gender|land")
    assert not [k for k in klein.huishoudens.columns if verboden.search(k)]


def test_samenstelling_huishoudens(groot) -> None:
    h = groot.huishoudens
    alleen = h["personen"] == 1
    assert 0.70 <= alleen.mean() <= 0.85
    assert h["personen"].max() <= 8
    frequentie = h.loc[~alleen, "personen"].value_counts().reindex(range(2, 9), fill_value=0)
    assert frequentie.is_monotonic_decreasing
    assert (h.loc[~alleen, "nareizigers"] == 0).all()
    assert 0.12 <= (h.loc[alleen, "nareizigers"] > 0).mean() <= 0.18
    assert h["nareizigers"].between(0, 4).all()
    for kolom, aandeel in zip(CODEKOLOMMEN, [0.10, 0.03, 0.07, 0.03], strict=True):
        assert abs(h[kolom].notna().mean() - aandeel) < 0.015, kolom
    assert h["azc_gemeente"].nunique() <= 43


def test_datums_in_de_periode() -> None:
    t = genereer_ronde(10, 200, 5, seed=4, periode="2026-II")
    h, w, f = t.huishoudens, t.woningaanbod, t.flexlocaties
    begin, eind = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-12-31")
    assert h["gereed_datum"].between(begin, eind).all()
    assert w["beschikbaar_vanaf"].between(begin, eind).all()
    assert f["beschikbaar_vanaf"].between(begin, eind).all()
    tot = f["beschikbaar_tot"].dropna()
    assert (tot > f.loc[tot.index, "beschikbaar_vanaf"]).all()


def test_polygonen_geldig_en_sluitend(groot) -> None:
    g = groot.gemeenten
    assert g.crs.to_epsg() == 28992
    geometrie = np.asarray(g.geometry.values)
    assert shapely.is_valid(geometrie).all()
    oppervlak = shapely.area(geometrie)
    assert 10e6 < oppervlak.min() and oppervlak.max() < 900e6  # 5-30 km across
    i, j = shapely.STRtree(geometrie).query(geometrie, predicate="intersects")
    houd = i < j
    overlap = shapely.area(shapely.intersection(geometrie[i[houd]], geometrie[j[houd]])).sum()
    assert overlap < 1e-6 * oppervlak.sum()
    assert shapely.union_all(geometrie).area == pytest.approx(oppervlak.sum(), rel=1e-9)
    xmin, ymin, xmax, ymax = g.total_bounds
    assert NL_GRENZEN[0] <= xmin and xmax <= NL_GRENZEN[2]
    assert NL_GRENZEN[1] <= ymin and ymax <= NL_GRENZEN[3]


def _aaneengesloten(g: gpd.GeoDataFrame, kolom: str) -> bool:
    i, j = buren(np.asarray(g.geometry.values))
    labels = g[kolom].to_numpy()
    for groep in np.unique(labels):
        leden = set(np.flatnonzero(labels == groep).tolist())
        gezien, rand = {min(leden)}, [min(leden)]
        while rand:
            k = rand.pop()
            for a, b in zip(i, j, strict=True):
                for x, y in ((a, b), (b, a)):
                    if x == k and y in leden and y not in gezien:
                        gezien.add(y)
                        rand.append(y)
        if gezien != leden:
            return False
    return True


def test_regio_indeling(groot) -> None:
    g = groot.gemeenten
    per_provincie = g["provincie_code"].value_counts()
    assert len(per_provincie) == 11 and per_provincie.between(20, 40).all()
    assert g["provincie_code"].str.fullmatch(r"PV\d{2}").all()
    assert g["arbeidsmarktregio_code"].str.fullmatch(r"AM\d{2}").all()
    assert g["arbeidsmarktregio_code"].value_counts().between(6, 13).all()
    assert (g.groupby("arbeidsmarktregio_code")["provincie_code"].nunique() == 1).all()
    assert (g.groupby("provincie_code")["coa_regio"].nunique() == 1).all()
    assert set(g["coa_regio"]) == {"Noord", "Oost", "Midden", "Zuidwest", "Zuid"}
    assert _aaneengesloten(g, "provincie_code")
    assert _aaneengesloten(g, "arbeidsmarktregio_code")


def test_flexlocaties_binnen_hun_gemeente(groot) -> None:
    t = groot
    f = t.flexlocaties
    grens = t.gemeenten.set_index("gemeente_code").geometry.loc[f["gemeente_code"]]
    assert shapely.contains_xy(np.asarray(grens.values), f["x"], f["y"]).all()
    assert f["eenheden"].between(20, 300).all()
    assert set(f["max_aandeel_vh"]) <= {0.33, 0.5, 1.0}
    assert f["max_per_eenheid"].between(1, 2).all()
    assert (f["max_personen"] >= f["min_personen"]).all()
    vh = np.floor(f["max_aandeel_vh"] * f["eenheden"] + 1e-9)
    per_eenheid = np.maximum(f["max_personen"], f["max_per_eenheid"])
    assert (f["capaciteit_personen"] <= vh * per_eenheid).all()


def test_taakstelling_volgens_formule() -> None:
    rng = np.random.default_rng(5)
    codes = np.array([f"GM{9001 + i}" for i in range(20)], dtype=object)
    inwoners = rng.integers(5_000, 200_000, 20)
    tabel, vg = genereer_taakstelling(rng, codes, [f"G{i}" for i in range(20)], inwoners, 500)
    invoer = pd.DataFrame({"gemeente_code": codes, "gemeente_naam": "x", "inwoners": inwoners})
    verwacht = bereken_taakstelling(invoer, vg, inwoners_nl=INWONERS_NL).tabel["taakstelling"]
    assert tabel["taakstelling"].tolist() == verwacht.tolist()
    assert abs(int(tabel["taakstelling"].sum()) - 500) <= 1


def test_taakstelling_en_overloop(groot) -> None:
    t = groot
    taak, h = t.taakstelling, t.huishoudens
    assert abs(int(taak["taakstelling"].sum()) - int(h["personen"].sum())) <= 1
    assert not ((taak["achterstand"] > 0) & (taak["voorsprong"] > 0)).any()
    assert 0.30 <= (taak["achterstand"] > 0).mean() <= 0.50
    assert 0.04 <= (taak["voorsprong"] > 0).mean() <= 0.16
    assert (taak["gerealiseerd"] > 0).any()


def test_woningaanbod(groot) -> None:
    t = groot
    w, h = t.woningaanbod, t.huishoudens
    assert (w["woningen"] > 0).all() and (w["min_personen"] <= w["max_personen"]).all()
    ruimte = h["personen"] + h["nareizigers"]
    capaciteit = personencapaciteit(w["woningen"], w["max_personen"], w["max_per_woning"])
    assert 0.8 <= capaciteit.sum() / ruimte.sum() <= 1.1
    klein_aanbod = w.loc[w["max_personen"] <= 2, "woningen"].sum()
    assert klein_aanbod < 0.8 * (ruimte <= 2).sum()  # small homes are scarce
    assert set(w.loc[w["max_per_woning"] == 2, "max_personen"]) == {1}
    grootste = t.gemeenten.nlargest(10, "inwoners")["gemeente_code"]
    kleinste = t.gemeenten.nsmallest(10, "inwoners")["gemeente_code"]
    per_gemeente = w.groupby("gemeente_code")["woningen"].sum()
    assert (
        per_gemeente.reindex(grootste, fill_value=0).sum()
        > 3 * per_gemeente.reindex(kleinste, fill_value=0).sum()
    )


def test_grote_ronde(groot) -> None:
    """A national-size round comes out whole (its generation time is a benchmark matter)."""
    t = groot
    assert len(t.gemeenten) == 342 and len(t.huishoudens) == 8000 and len(t.flexlocaties) == 150
    assert t.huishoudens["huishouden_id"].is_unique and t.gemeenten["gemeente_code"].is_unique


def test_kleine_en_randgevallen() -> None:
    for n in (1, 2, 3, 45):
        t = genereer_ronde(n, 5, seed=n)
        assert len(t.gemeenten) == n and t.gemeenten.is_valid.all()
    assert genereer_ronde(45, 5, seed=1).gemeenten["provincie_code"].nunique() == 2


@pytest.mark.parametrize(
    ("argumenten", "fout"),
    [
        ({"n_gemeenten": 0, "n_huishoudens": 5}, InvoerFout),
        ({"n_gemeenten": 1000, "n_huishoudens": 5}, InvoerFout),
        ({"n_gemeenten": 3, "n_huishoudens": 0}, InvoerFout),
        ({"n_gemeenten": 3, "n_huishoudens": 5, "n_flex": -1}, InvoerFout),
        ({"n_gemeenten": 3, "n_huishoudens": 5, "aandeel_alleenstaand": 1.5}, InvoerFout),
        ({"n_gemeenten": 3, "n_huishoudens": 5, "periode": "2025-III"}, ConfiguratieFout),
    ],
)
def test_ongeldige_parameters(argumenten: dict, fout: type[Exception]) -> None:
    with pytest.raises(fout):
        genereer_ronde(**argumenten)


def test_kerncijfers(klein) -> None:
    k = kerncijfers(klein)
    assert k["huishoudens"] == 150 and k["gemeenten"] == 12 and k["flexlocaties"] == 4
    assert k["personen"] == klein.huishoudens["personen"].sum()
    assert k["taakstelling"] == klein.taakstelling["taakstelling"].sum()


# --------------------------------------------------------------------------- writer


def _lees_terug(map_: Path) -> dict[str, pd.DataFrame]:
    terug: dict[str, pd.DataFrame] = {"gemeenten": gpd.read_file(map_ / "gemeenten.geojson")}
    for naam in CSV_TABELLEN:
        pad = map_ / f"{naam}.csv"
        if pad.exists():
            kop = pd.read_csv(pad, nrows=0).columns
            terug[naam] = pd.read_csv(pad, parse_dates=[k for k in kop if k in DATUM])
    return terug


def _normaliseer(df: pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
    for kolom in df.columns:
        if kolom in DATUM:
            df[kolom] = pd.to_datetime(df[kolom]).astype("datetime64[s]")
        elif kolom in GEHEEL:
            df[kolom] = df[kolom].astype(np.int64)
        elif kolom in CODEKOLOMMEN:
            df[kolom] = df[kolom].astype("str")
    return df


def test_schrijven_en_teruglezen(klein, tmp_path: Path) -> None:
    map_ = schrijf_rondemap(
        klein, tmp_path / "ronde", naam="Proef", periode="2025-I", solver={"backend": "highs"}
    )
    terug = _lees_terug(map_)
    assert set(terug) == {*CSV_TABELLEN, "gemeenten"}
    assert terug["gemeenten"].crs.to_epsg() == 28992
    assert terug["gemeenten"].geometry.geom_equals_exact(klein.gemeenten.geometry, 0.0).all()
    for naam, df in terug.items():
        pd.testing.assert_frame_equal(_normaliseer(df), _normaliseer(getattr(klein, naam)))
    # integers are written without ".0", missing values as empty cells
    tekst = pd.read_csv(map_ / "flexlocaties.csv", dtype=str, keep_default_na=False)
    for kolom in GEHEEL & set(tekst.columns):
        assert tekst[kolom].str.fullmatch(r"\d+").all(), kolom
    assert (tekst["beschikbaar_tot"].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?")).all()
    config = tomllib.loads((map_ / "ronde.toml").read_text(encoding="utf-8"))
    assert config["ronde"] == {"naam": "Proef", "periode": "2025-I", "model": "standaard"}
    assert config["bestanden"]["gemeenten"] == "gemeenten.geojson"
    assert config["solver"] == {"backend": "highs"}


def test_geschreven_ronde_laadt(klein, tmp_path: Path) -> None:
    from allocatie.invoer.laden import laad_ronde

    inst = laad_ronde(schrijf_rondemap(klein, tmp_path / "r", naam="Proef", periode="2025-I"))
    assert len(inst.huishoudens) == 150 and len(inst.gemeenten) == 12


def test_gehele_kolom_met_lege_cellen(klein, tmp_path: Path) -> None:
    taak = klein.taakstelling.copy()
    taak["achterstand"] = taak["achterstand"].astype(float)
    taak.loc[0, "achterstand"] = np.nan
    tabellen = type(klein)(**{**klein.__dict__, "taakstelling": taak})
    map_ = schrijf_rondemap(tabellen, tmp_path / "r", naam="Proef", periode="2025-I")
    tekst = pd.read_csv(map_ / "taakstelling.csv", dtype=str, keep_default_na=False)
    assert tekst["achterstand"].iloc[0] == ""
    assert tekst["achterstand"].iloc[1:].str.fullmatch(r"\d+").all()


def test_toml_tekst_en_solver(klein, tmp_path: Path) -> None:
    naam = 'Ronde "zuid" \\ test – é\nregel 2'
    solver = {"backend": "cbc", "tijdslimiet_s": 30, "gap_relatief": 1e-4, "threads": 0, "seed": 3}
    map_ = schrijf_rondemap(klein, tmp_path / "r", naam=naam, periode="2025-II", solver=solver)
    config = tomllib.loads((map_ / "ronde.toml").read_text(encoding="utf-8"))
    assert config["ronde"]["naam"] == naam and config["solver"] == solver
    assert set(SOLVER_SLEUTELS) == set(solver)


def test_solver_sleutels_zoals_de_lezer() -> None:
    from allocatie.io.lezen import SOLVER_SLEUTELS as LEZER

    assert set(SOLVER_SLEUTELS) == set(LEZER)


@pytest.mark.parametrize(
    "argumenten",
    [{"periode": "2025-3"}, {"naam": " "}, {"solver": {"tijd": 5}}, {"solver": {"seed": [1]}}],
)
def test_ongeldige_configuratie(klein, tmp_path: Path, argumenten: dict) -> None:
    opties = {"naam": "Proef", "periode": "2025-I", **argumenten}
    with pytest.raises(ConfiguratieFout):
        schrijf_rondemap(klein, tmp_path / "r", **opties)
    assert not list(tmp_path.iterdir())  # nothing left behind


def test_niet_overschrijven_zonder_toestemming(klein, tmp_path: Path) -> None:
    doel = tmp_path / "r"
    schrijf_rondemap(klein, doel, naam="Eerste", periode="2025-I")
    voor = {p.name: p.read_bytes() for p in doel.iterdir()}
    ander = genereer_ronde(5, 10, 0, seed=1)
    with pytest.raises(InvoerFout, match="bestaat al"):
        schrijf_rondemap(ander, doel, naam="Tweede", periode="2025-I")
    assert {p.name: p.read_bytes() for p in doel.iterdir()} == voor
    schrijf_rondemap(ander, doel, naam="Tweede", periode="2025-I", overschrijf=True)
    assert not (doel / "flexlocaties.csv").exists()  # the old folder is gone, not merged
    assert 'naam = "Tweede"' in (doel / "ronde.toml").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary folders left


def test_lege_map_en_vreemde_map(klein, tmp_path: Path) -> None:
    leeg = tmp_path / "leeg"
    leeg.mkdir()
    schrijf_rondemap(klein, leeg, naam="Proef", periode="2025-I")
    assert (leeg / "ronde.toml").exists()
    vreemd = tmp_path / "vreemd"
    vreemd.mkdir()
    (vreemd / "belangrijk.txt").write_text("niet weggooien")
    with pytest.raises(InvoerFout, match=r"geen ronde\.toml"):
        schrijf_rondemap(klein, vreemd, naam="Proef", periode="2025-I", overschrijf=True)
    assert (vreemd / "belangrijk.txt").read_text() == "niet weggooien"
    bestand = tmp_path / "bestand"
    bestand.write_text("x")
    with pytest.raises(InvoerFout, match="bestand, geen map"):
        schrijf_rondemap(klein, bestand, naam="Proef", periode="2025-I", overschrijf=True)


def test_mislukt_schrijven_laat_bestaande_map_staan(klein, tmp_path: Path) -> None:
    doel = tmp_path / "r"
    schrijf_rondemap(klein, doel, naam="Eerste", periode="2025-I")
    voor = {p.name: p.read_bytes() for p in doel.iterdir()}
    zonder_crs = klein.gemeenten.set_crs(None, allow_override=True)
    kapot = type(klein)(**{**klein.__dict__, "gemeenten": zonder_crs})
    with pytest.raises(InvoerFout, match="geen CRS"):
        schrijf_rondemap(kapot, doel, naam="Tweede", periode="2025-I", overschrijf=True)
    assert {p.name: p.read_bytes() for p in doel.iterdir()} == voor
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_ander_crs_wordt_rd(klein, tmp_path: Path) -> None:
    wgs = type(klein)(**{**klein.__dict__, "gemeenten": klein.gemeenten.to_crs(4326)})
    map_ = schrijf_rondemap(wgs, tmp_path / "r", naam="Proef", periode="2025-I")
    terug = gpd.read_file(map_ / "gemeenten.geojson")
    assert terug.crs.to_epsg() == 28992
    assert (
        shapely.hausdorff_distance(
            np.asarray(terug.geometry.values), np.asarray(klein.gemeenten.geometry.values)
        ).max()
        < 0.01
    )


# --------------------------------------------------------------------------- CLI and example


def test_cli_genereer(tmp_path: Path) -> None:
    runner = CliRunner()
    doel = tmp_path / "ronde"
    args = ["genereer", "--gemeenten", "6", "--huishoudens", "40", "--seed", "3", "--uitvoer"]
    uitkomst = runner.invoke(app, [*args, str(doel)])
    assert uitkomst.exit_code == 0, uitkomst.output
    assert "Huishoudens" in uitkomst.stdout and "40" in uitkomst.stdout
    config = tomllib.loads((doel / "ronde.toml").read_text(encoding="utf-8"))
    assert config["solver"] == {"backend": "highs", "tijdslimiet_s": 60}
    assert config["ronde"]["naam"] == "Synthetische ronde 2025-I (seed 3)"
    nogmaals = runner.invoke(app, [*args, str(doel)])
    assert nogmaals.exit_code == 2 and "bestaat al" in nogmaals.stderr
    assert runner.invoke(app, [*args, str(doel), "--overschrijf"]).exit_code == 0
    fout = runner.invoke(app, [*args, str(tmp_path / "x"), "--periode", "2025-3"])
    assert fout.exit_code == 2 and "ongeldige periode" in fout.stderr
    fout = runner.invoke(app, ["genereer", "--gemeenten", "0", "--uitvoer", str(tmp_path / "y")])
    assert fout.exit_code == 2 and "Fout" in fout.stderr


def _gedocumenteerde_opdracht() -> list[str]:
    leesmij = (VOORBEELD / "LEESMIJ.md").read_text(encoding="utf-8")
    blok = re.search(r"```console\n(.*?)```", leesmij, re.DOTALL)
    assert blok, "LEESMIJ.md mist het codeblok met de opdracht"
    regel = blok.group(1).replace("\\\n", " ").splitlines()[0]
    delen = shlex.split(regel)
    assert delen[:2] == ["allocatie", "genereer"]
    return delen[1:]


def test_voorbeeld_is_wat_de_generator_maakt(tmp_path: Path) -> None:
    args = _gedocumenteerde_opdracht()
    doel = tmp_path / "voorbeeld"
    args[args.index("--uitvoer") + 1] = str(doel)
    uitkomst = CliRunner().invoke(app, args)
    assert uitkomst.exit_code == 0, uitkomst.output
    gemaakt = sorted(p.name for p in doel.iterdir() if p.name != MERK)  # the output marker
    assert sorted(p.name for p in VOORBEELD.iterdir()) == sorted([*gemaakt, "LEESMIJ.md"])
    for naam in gemaakt:
        if naam.endswith(".geojson"):
            a, b = gpd.read_file(doel / naam), gpd.read_file(VOORBEELD / naam)
            assert a.crs == b.crs and a.crs.to_epsg() == 28992
            pd.testing.assert_frame_equal(
                pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
            )
            assert a.geometry.geom_equals_exact(b.geometry, 0.0).all()
        else:
            assert (doel / naam).read_bytes() == (VOORBEELD / naam).read_bytes(), naam


def test_voorbeeld_is_interessant() -> None:
    config = tomllib.loads((VOORBEELD / "ronde.toml").read_text(encoding="utf-8"))
    assert config["solver"] == {"backend": "highs", "tijdslimiet_s": 60}
    h = pd.read_csv(VOORBEELD / "huishoudens.csv")
    g = gpd.read_file(VOORBEELD / "gemeenten.geojson")
    assert len(g) == 12 and 140 <= len(h) <= 160
    for kolom in CODEKOLOMMEN:
        assert h[kolom].notna().any(), kolom
    assert ((h["personen"] >= 7) & h[CODEKOLOMMEN].notna().any(axis=1)).any()
    assert 3 <= len(pd.read_csv(VOORBEELD / "flexlocaties.csv")) <= 4


def test_flexlocaties_als_puntenlaag(klein, tmp_path: Path) -> None:
    f = klein.flexlocaties
    punten = gpd.GeoDataFrame(
        f.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(f["x"], f["y"]), crs=28992
    ).to_crs(4326)
    tabellen = type(klein)(**{**klein.__dict__, "flexlocaties": punten})
    map_ = schrijf_rondemap(tabellen, tmp_path / "r", naam="Proef", periode="2025-I")
    terug = pd.read_csv(map_ / "flexlocaties.csv")
    assert np.allclose(terug[["x", "y"]], f[["x", "y"]], atol=0.01)
