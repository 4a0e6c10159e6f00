"""Synthetic rounds on the real 2024 geography (``genereer_ronde(basis=...)``, ``--basis``).

The tests build the base table from the CBS/PDOK 2024 files in ``../shared/data/nl2024``
and skip when that folder is absent. They use 1,500 households (not a full national
round of 8,000) to stay fast; nothing here solves a round.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from allocatie import laad_ronde
from allocatie.cli import app
from allocatie.io.rondemap import schrijf_rondemap
from allocatie.kern.errors import InvoerFout
from allocatie.ronde.taakstelling import bereken_taakstelling
from allocatie.spatial import GeografieWaarschuwing, bouw_basistabel
from allocatie.synthetic import genereer_ronde, kerncijfers, lees_basis
from allocatie.synthetic.echt import (
    AZC_LOCATIES,
    GEMEENTE_KOLOMMEN,
    STUDIESTEDEN,
    ZORGSTEDEN,
    gemeenten_uit_basis,
)

NL2024 = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nl2024"
GPKG = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
INWONERS = NL2024 / "cbs_inwoners_2024.csv"
INWONERS_NL_2024 = 17_942_942

KOPPELKOLOMMEN = ["werk_gemeente", "studie_gemeente", "familie_gemeente", "zorg_gemeente"]


def _bouw_basis() -> gpd.GeoDataFrame:
    with warnings.catch_warnings():  # twijfelgevallen (Kerkrade) are tested elsewhere
        warnings.simplefilter("ignore", GeografieWaarschuwing)
        return bouw_basistabel(GPKG, GPKG, GPKG, INWONERS)


@pytest.fixture(scope="module")
def basis() -> gpd.GeoDataFrame:
    """The real base table; every test that needs the real data asks for it (or skips)."""
    if not (GPKG.exists() and INWONERS.exists()):
        pytest.skip(f"echte data ontbreekt: {NL2024}")
    return _bouw_basis()


@pytest.fixture(scope="module")
def ronde(basis: gpd.GeoDataFrame):
    return genereer_ronde(None, 1500, 40, seed=1, periode="2025-I", basis=basis, vg=15_000)


def _gelijk(a, b) -> None:
    for naam in ("taakstelling", "huishoudens", "woningaanbod", "flexlocaties"):
        pd.testing.assert_frame_equal(getattr(a, naam), getattr(b, naam), check_exact=True)


# --------------------------------------------------------------------------- the lists


def test_lijsten_bestaan_in_2024(basis: gpd.GeoDataFrame) -> None:
    rij = basis.set_index("gemeente_code")
    azc = [c for c, _, _ in AZC_LOCATIES]
    for lijst in (azc, STUDIESTEDEN, ZORGSTEDEN):
        assert len(set(lijst)) == len(lijst)
        assert set(lijst) <= set(rij.index)
    assert rij.loc["GM1950", "gemeente_naam"] == "Westerwolde"  # Ter Apel
    assert rij.loc["GM1706", "gemeente_naam"] == "Cranendonck"  # Budel
    assert rij.loc["GM0355", "gemeente_naam"] == "Zeist"
    assert 30 <= len(azc) <= 60
    assert set(rij.loc[azc, "coa_regio"]) == set(basis["coa_regio"])  # every COA-regio


# --------------------------------------------------------------------------- the round


def test_gemeenten_zijn_de_echte(ronde, basis: gpd.GeoDataFrame) -> None:
    g = ronde.gemeenten
    # The region names of the base table travel along (names beside codes in the reports).
    namen = ["provincie_naam", "arbeidsmarktregio_naam"]
    assert list(g.columns) == [*GEMEENTE_KOLOMMEN, "geometry", *namen]
    assert len(g) == 342 and g.crs.to_epsg() == 28992
    assert g["gemeente_code"].tolist() == sorted(basis["gemeente_code"])
    per_code = basis.set_index("gemeente_code")
    for kolom in namen:
        assert g[kolom].tolist() == per_code.loc[g["gemeente_code"], kolom].astype(str).tolist()
    assert int(g["inwoners"].sum()) == INWONERS_NL_2024
    assert g.geometry.geom_equals(basis.geometry).all()
    k = kerncijfers(ronde)
    assert (k["gemeenten"], k["provincies"], k["arbeidsmarktregios"]) == (342, 12, 35)
    assert (k["huishoudens"], k["flexlocaties"]) == (1500, 40)


def test_zelfde_seed_zelfde_ronde(ronde, basis: gpd.GeoDataFrame) -> None:
    _gelijk(ronde, genereer_ronde(None, 1500, 40, seed=1, basis=basis, vg=15_000))
    # The order of the base table does not matter: the gemeenten are sorted by code.
    geschud = basis.sample(frac=1.0, random_state=np.random.default_rng(5)).reset_index(drop=True)
    _gelijk(ronde, genereer_ronde(len(basis), 1500, 40, seed=1, basis=geschud, vg=15_000))
    ander = genereer_ronde(None, 1500, 40, seed=2, basis=basis, vg=15_000)
    assert not ander.huishoudens.equals(ronde.huishoudens)
    assert not ander.flexlocaties.equals(ronde.flexlocaties)


def test_taakstelling_op_echte_inwoners(ronde, basis: gpd.GeoDataFrame) -> None:
    verwacht = bereken_taakstelling(basis[["gemeente_code", "gemeente_naam", "inwoners"]], 15_000)
    assert verwacht.inwoners_nl == INWONERS_NL_2024
    t = ronde.taakstelling
    assert t["gemeente_code"].tolist() == verwacht.tabel["gemeente_code"].tolist()
    assert t["taakstelling"].tolist() == verwacht.tabel["taakstelling"].tolist()
    assert int(t["taakstelling"].sum()) == verwacht.totaal
    assert 15_000 < verwacht.totaal < 15_000 + 342  # rounding up adds less than one each
    amsterdam = t.set_index("gemeente_code").loc["GM0363", "taakstelling"]
    assert amsterdam == -(-15_000 * 931_298 // INWONERS_NL_2024)  # 779


def test_taakstelling_zonder_vg_volgt_de_wachtenden(basis: gpd.GeoDataFrame) -> None:
    r = genereer_ronde(None, 1500, 0, seed=3, basis=basis)
    personen = int(r.huishoudens["personen"].sum())
    assert abs(int(r.taakstelling["taakstelling"].sum()) - personen) <= 2
    assert r.flexlocaties is None


def test_azc_en_coa_regio(ronde) -> None:
    h, g = ronde.huishoudens, ronde.gemeenten.set_index("gemeente_code")
    assert set(h["azc_gemeente"]) <= {c for c, _, _ in AZC_LOCATIES}
    assert h["azc_gemeente"].nunique() >= 30
    # Households per COA-regio roughly in proportion to population.
    coa_azc = g.loc[h["azc_gemeente"], "coa_regio"].to_numpy()
    aandeel = pd.Series(coa_azc).value_counts(normalize=True)
    inwoners = g.groupby("coa_regio")["inwoners"].sum() / g["inwoners"].sum()
    assert (aandeel.reindex(inwoners.index) - inwoners).abs().max() < 0.07
    # Hard criteria mostly within the COA-regio of the azc.
    binnen, totaal = 0, 0
    for kolom in KOPPELKOLOMMEN:
        m = h[kolom].notna().to_numpy()
        assert m.sum() > 0, kolom
        zelfde = g.loc[h.loc[m, kolom], "coa_regio"].to_numpy() == coa_azc[m]
        assert zelfde.mean() > 0.6, kolom
        binnen, totaal = binnen + zelfde.sum(), totaal + m.sum()
    assert binnen / totaal > 0.75


def test_koppelingen_naar_inwoners_en_in_de_buurt(ronde) -> None:
    h, g = ronde.huishoudens, ronde.gemeenten.set_index("gemeente_code")
    assert set(h["studie_gemeente"].dropna()) <= set(STUDIESTEDEN)
    assert set(h["zorg_gemeente"].dropna()) <= set(ZORGSTEDEN)
    punt = shapely.point_on_surface(g.geometry.to_numpy())
    xy = pd.DataFrame(shapely.get_coordinates(punt), index=g.index, columns=["x", "y"])
    werk = h.dropna(subset=["werk_gemeente"])
    afstand = np.hypot(
        *(xy.loc[werk["werk_gemeente"]].to_numpy() - xy.loc[werk["azc_gemeente"]].to_numpy()).T
    )
    zelfde_am = (
        g.loc[werk["werk_gemeente"], "arbeidsmarktregio_code"].to_numpy()
        == g.loc[werk["azc_gemeente"], "arbeidsmarktregio_code"].to_numpy()
    )
    assert (zelfde_am | (afstand < 40_000)).mean() > 0.6
    # Population-weighted: work and family go to larger gemeenten than average.
    for kolom in ("werk_gemeente", "familie_gemeente"):
        assert g.loc[h[kolom].dropna(), "inwoners"].mean() > 1.5 * g["inwoners"].mean()


def test_flexlocaties_in_hun_echte_gemeente(ronde) -> None:
    f, g = ronde.flexlocaties, ronde.gemeenten.set_index("gemeente_code")
    assert f["gemeente_code"].is_unique  # 40 of 342: drawn without replacement
    vlak = g.loc[f["gemeente_code"]].geometry.to_numpy()
    assert shapely.contains_xy(vlak, f["x"].to_numpy(), f["y"].to_numpy()).all()
    assert g.loc[f["gemeente_code"], "inwoners"].mean() > 1.5 * g["inwoners"].mean()
    assert f["naam"].is_unique


def test_woningaanbod_naar_inwoners(ronde) -> None:
    w, g = ronde.woningaanbod, ronde.gemeenten
    per = w.groupby("gemeente_code")["woningen"].sum().reindex(g["gemeente_code"], fill_value=0)
    assert np.corrcoef(per.to_numpy(), g["inwoners"].to_numpy())[0, 1] > 0.8
    assert per.loc["GM0363"] == per.max()  # Amsterdam


def test_geschreven_ronde_laadt(ronde, tmp_path: Path) -> None:
    map_ = schrijf_rondemap(ronde, tmp_path / "r", naam="Echt", periode="2025-I")
    inst = laad_ronde(map_)
    assert len(inst.gemeenten) == 342
    assert int(inst.gemeenten["inwoners"].sum()) == INWONERS_NL_2024


# --------------------------------------------------------------------------- subsets, errors


def test_deel_van_het_land(basis: gpd.GeoDataFrame, tmp_path: Path) -> None:
    zeeland = basis[basis["provincie_code"] == "PV29"]
    r = genereer_ronde(None, 120, 3, seed=4, basis=zeeland, vg=15_000, inwoners_nl=INWONERS_NL_2024)
    assert set(r.huishoudens["azc_gemeente"]) == {"GM0687"}  # Middelburg: the only listed azc
    verwacht = bereken_taakstelling(
        zeeland[["gemeente_code", "gemeente_naam", "inwoners"]], 15_000, INWONERS_NL_2024
    )
    assert int(r.taakstelling["taakstelling"].sum()) == verwacht.totaal
    laad_ronde(schrijf_rondemap(r, tmp_path / "z", naam="Zeeland", periode="2025-I"))
    # Without inwoners_nl the subset counts as the whole country.
    alleen = genereer_ronde(None, 120, 3, seed=4, basis=zeeland, vg=15_000)
    assert int(alleen.taakstelling["taakstelling"].sum()) >= 15_000
    # No listed azc, university or hospital: population-weighted fallbacks.
    zonder = basis[basis["gemeente_code"].isin(["GM0664", "GM0677", "GM0678", "GM1676"])]
    r = genereer_ronde(None, 60, 2, seed=4, basis=zonder, vg=15_000)
    assert set(r.huishoudens["azc_gemeente"]) <= set(zonder["gemeente_code"])
    for kolom in KOPPELKOLOMMEN:
        assert set(r.huishoudens[kolom].dropna()) <= set(zonder["gemeente_code"])


def test_ongeldige_basis(basis: gpd.GeoDataFrame) -> None:
    with pytest.raises(InvoerFout, match="alle 342 gemeenten"):
        genereer_ronde(12, 100, basis=basis)
    with pytest.raises(InvoerFout, match="aantal gemeenten of een basistabel"):
        genereer_ronde(None, 100)
    with pytest.raises(InvoerFout, match="coa_regio"):
        genereer_ronde(None, 100, basis=basis.drop(columns="coa_regio"))
    with pytest.raises(InvoerFout, match="geen CRS"):
        genereer_ronde(None, 100, basis=basis.set_crs(None, allow_override=True))
    dubbel = pd.concat([basis, basis.iloc[[0]]], ignore_index=True)
    with pytest.raises(InvoerFout, match="dubbel"):
        gemeenten_uit_basis(dubbel)
    nul = basis.copy()
    nul.loc[3, "inwoners"] = 0
    with pytest.raises(InvoerFout, match="geheel getal > 0"):
        gemeenten_uit_basis(nul)
    with pytest.raises(InvoerFout, match="vg"):
        genereer_ronde(None, 100, basis=basis, vg=-1)
    # Another CRS is projected to RD.
    wgs = gemeenten_uit_basis(basis.to_crs(4326))
    assert wgs.crs.to_epsg() == 28992
    assert np.allclose(wgs.geometry.area, basis.geometry.area, rtol=1e-6)


def test_lees_basis(basis: gpd.GeoDataFrame, tmp_path: Path) -> None:
    pad = tmp_path / "b.geojson"
    basis.to_file(pad, driver="GeoJSON")
    terug = lees_basis(pad)
    assert terug["gemeente_code"].tolist() == basis["gemeente_code"].tolist()
    assert terug["inwoners"].tolist() == basis["inwoners"].tolist()
    csv = tmp_path / "b.csv"
    pd.DataFrame(basis.drop(columns="geometry")).to_csv(csv, index=False)
    with pytest.raises(InvoerFout, match="geobestand"):
        lees_basis(csv)
    with pytest.raises(InvoerFout, match="bestaat niet"):
        lees_basis(tmp_path / "weg.gpkg")


# --------------------------------------------------------------------------- CLI


def test_cli_basis_en_genereer(tmp_path: Path, basis: gpd.GeoDataFrame) -> None:
    runner = CliRunner()
    pad = tmp_path / "basis.gpkg"
    uit = runner.invoke(
        app,
        [
            "basis",
            *("--gemeenten", str(GPKG), "--provincies", str(GPKG)),
            *("--arbeidsmarktregios", str(GPKG), "--inwoners", str(INWONERS)),
            *("--uitvoer", str(pad)),
        ],
    )
    assert uit.exit_code == 0, uit.output
    doel = tmp_path / "ronde"
    argumenten = [
        "genereer",
        *("--basis", str(pad), "--huishoudens", "1500", "--flex", "40", "--vg", "15000"),
        *("--seed", "1", "--periode", "2025-I", "--uitvoer", str(doel)),
    ]
    uit = runner.invoke(app, argumenten)
    assert uit.exit_code == 0, uit.output
    assert "342" in uit.stdout and "1.500" in uit.stdout
    inst = laad_ronde(doel)
    assert len(inst.gemeenten) == 342
    verwacht = bereken_taakstelling(basis[["gemeente_code", "gemeente_naam", "inwoners"]], 15_000)
    taak = pd.read_csv(doel / "taakstelling.csv")
    assert int(taak["taakstelling"].sum()) == verwacht.totaal
    assert "op echte gemeenten" in (doel / "ronde.toml").read_text(encoding="utf-8")
    # The same as the API with the table built in memory.
    h = pd.read_csv(doel / "huishoudens.csv", dtype=str, keep_default_na=False)
    api = genereer_ronde(None, 1500, 40, seed=1, basis=basis, vg=15_000).huishoudens
    assert h["azc_gemeente"].tolist() == api["azc_gemeente"].tolist()
    assert h["werk_gemeente"].tolist() == api["werk_gemeente"].fillna("").tolist()

    fout = runner.invoke(
        app,
        ["genereer", "--basis", str(pad), "--gemeenten", "12", "--uitvoer", str(tmp_path / "x")],
    )
    assert fout.exit_code == 2 and "gaan niet samen" in fout.stderr
    fout = runner.invoke(
        app, ["genereer", "--basis", str(tmp_path / "weg.gpkg"), "--uitvoer", str(tmp_path / "y")]
    )
    assert fout.exit_code == 2 and "bestaat niet" in fout.stderr
    fout = runner.invoke(
        app, ["genereer", "--basis", str(pad), "--vg", "-5", "--uitvoer", str(tmp_path / "z")]
    )
    assert fout.exit_code == 2


def test_cli_vg_zonder_basis(tmp_path: Path) -> None:
    uit = CliRunner().invoke(
        app, ["genereer", "--gemeenten", "6", "--huishoudens", "30", "--vg", "15000", "--uitvoer",
              str(tmp_path / "r")],
    )  # fmt: skip
    assert uit.exit_code == 0, uit.output
    laad_ronde(tmp_path / "r")
