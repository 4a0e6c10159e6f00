"""Boundaries, memberships by largest overlap, the base table and ``allocatie basis``.

Synthetic cases use 10 km boxes near RD (100 km, 400 km), where every share can be
read off the coordinates. The real-data tests use the CBS/PDOK 2024 boundaries in
``../shared/data/nl2024`` and skip when that folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Polygon, box, mapping
from typer.testing import CliRunner

from allocatie.cli import app
from allocatie.invoer.laden import maak_instance
from allocatie.io.lezen import lees_tabel
from allocatie.io.schema import HUISHOUDEN_KOLOMMEN
from allocatie.kern.errors import InvoerFout
from allocatie.spatial import (
    COA_REGIO_PER_PROVINCIE,
    GeografieWaarschuwing,
    GrensBron,
    bouw_basis,
    bouw_basistabel,
    lees_grenzen,
    wijs_toe,
)
from allocatie.spatial.lidmaatschap import BASIS_KOLOMMEN, schrijf_basistabel

NL2024 = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nl2024"
GPKG = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
INWONERS = NL2024 / "cbs_inwoners_2024.csv"
LAGEN = {
    "gemeenten": "gemeente_gegeneraliseerd",
    "provincies": "provincie_gegeneraliseerd",
    "arbeidsmarktregios": "arbeidsmarktregio_gegeneraliseerd",
}
RD = "EPSG:28992"
KM = 1_000.0
X0, Y0 = 100_000.0, 400_000.0


def _vak(x0: float, x1: float, y0: float = 0.0, y1: float = 10.0) -> Polygon:
    """A box given in km relative to (X0, Y0)."""
    return box(X0 + x0 * KM, Y0 + y0 * KM, X0 + x1 * KM, Y0 + y1 * KM)


def _laag(codes: list[str], vormen: list[Polygon], crs: str | None = RD) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"statcode": codes, "statnaam": [f"Naam {c}" for c in codes]}, geometry=vormen, crs=crs
    )


# Three gemeenten of 10 x 10 km in a row. PV20 takes GM0001 and 70 % of GM0002; PV21 the
# rest. One arbeidsmarktregio covers all three.
GEMEENTEN = _laag(["GM0001", "GM0002", "GM0003"], [_vak(0, 10), _vak(10, 20), _vak(20, 30)])
PROVINCIES = _laag(["PV20", "PV21"], [_vak(-10, 17, -10, 20), _vak(17, 40, -10, 20)])
AMR = _laag(["AM01"], [_vak(-10, 40, -10, 20)])


def _inwoners(pad: Path, codes: list[str]) -> Path:
    regels = ["gemeente_code,gemeente_naam,inwoners"]
    regels += [f"{c},Gemeente {c[-1]},{1000 * (i + 1)}" for i, c in enumerate(codes)]
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8")
    return pad


@pytest.fixture
def kaart(tmp_path: Path) -> tuple[Path, Path]:
    """A GeoPackage with the three PDOK-named layers, and a population CSV."""
    pad = tmp_path / "kaart.gpkg"
    for laag, gdf in zip(LAGEN.values(), (GEMEENTEN, PROVINCIES, AMR), strict=True):
        gdf.to_file(pad, layer=laag, driver="GPKG")
    return pad, _inwoners(tmp_path / "inwoners.csv", ["GM0001", "GM0002", "GM0003"])


def _bouw(pad: Path, inwoners: Path, **kw: object):
    with pytest.warns(GeografieWaarschuwing, match="GM0002"):
        return bouw_basis(pad, pad, pad, inwoners, **kw)


# --------------------------------------------------------------------------- synthetic


def test_grootste_overlap_en_twijfel(kaart: tuple[Path, Path]) -> None:
    basis = _bouw(*kaart)
    t = basis.tabel
    assert list(t.columns) == [*BASIS_KOLOMMEN, "geometry"]
    assert t["provincie_code"].tolist() == ["PV20", "PV20", "PV21"]
    assert t["provincie_naam"].tolist() == ["Naam PV20", "Naam PV20", "Naam PV21"]
    assert t["coa_regio"].tolist() == ["Noord", "Noord", "Noord"]
    assert t["arbeidsmarktregio_code"].tolist() == ["AM01"] * 3
    np.testing.assert_allclose(t["overlap_provincie"], [1.0, 0.7, 1.0])
    np.testing.assert_allclose(t["overlap_arbeidsmarktregio"], [1.0, 1.0, 1.0])
    assert t["inwoners"].tolist() == [1000, 2000, 3000]
    assert t.crs.to_epsg() == 28992
    # The representative point lies inside its gemeente.
    punten = gpd.GeoSeries(gpd.points_from_xy(t["x"], t["y"]), index=t.index, crs=RD)
    assert t.geometry.contains(punten).all()
    # Exactly one twijfelgeval: GM0002, 70 % in PV20, runner-up PV21 with 30 %.
    tw = basis.twijfel
    assert len(tw) == 1
    r = tw.iloc[0]
    assert (r.soort, r.gemeente_code, r.regio_code, r.tweede_code) == (
        "provincie",
        "GM0002",
        "PV20",
        "PV21",
    )
    assert r.aandeel == pytest.approx(0.7) and r.tweede_aandeel == pytest.approx(0.3)
    assert r.buiten_aandeel == pytest.approx(0.0, abs=1e-12)


def test_twijfelmelding_noemt_aandelen(kaart: tuple[Path, Path]) -> None:
    with pytest.warns(GeografieWaarschuwing) as meldingen:
        bouw_basistabel(*([kaart[0]] * 3), kaart[1])
    tekst = str(meldingen[0].message)
    assert "GM0002" in tekst and "70% in PV20" in tekst and "30% in PV21" in tekst


def test_geen_twijfel_onder_lagere_drempel(kaart: tuple[Path, Path]) -> None:
    basis = bouw_basis(*([kaart[0]] * 3), kaart[1], drempel=0.6)  # no warning at all
    assert basis.twijfel.empty


def test_gelijke_overlap_kiest_laagste_code() -> None:
    regios = lees_vorm(["PV21", "PV20"], [_vak(5, 20, -5, 15), _vak(-5, 5, -5, 15)])
    gem = lees_vorm(["GM0001"], [_vak(0, 10)])
    t = wijs_toe(gem, regios, soort="provincie", drempel=0.4).tabel
    assert t["regio_code"].tolist() == ["PV20"] and t["tweede_code"].tolist() == ["PV21"]


def lees_vorm(codes: list[str], vormen: list[Polygon]) -> gpd.GeoDataFrame:
    """A gemeenten frame as `lees_grenzen` returns it."""
    return gpd.GeoDataFrame({"code": codes, "naam": codes}, geometry=vormen, crs=RD)


def test_buiten_aandeel_telt_niet_als_tweede() -> None:
    regios = lees_vorm(["AM01"], [_vak(0, 10, 0, 8)])
    t = wijs_toe(lees_vorm(["GM0001"], [_vak(0, 10)]), regios, soort="arbeidsmarktregio").tabel
    assert t["aandeel"].iloc[0] == pytest.approx(0.8)
    assert t["buiten_aandeel"].iloc[0] == pytest.approx(0.2)
    assert t["tweede_code"].iloc[0] == ""


def test_gemeente_zonder_overlap_is_fout(tmp_path: Path) -> None:
    pad = tmp_path / "kaart.gpkg"
    GEMEENTEN.to_file(pad, layer=LAGEN["gemeenten"], driver="GPKG")
    PROVINCIES.to_file(pad, layer=LAGEN["provincies"], driver="GPKG")
    _laag(["AM01"], [_vak(-10, 15, -10, 20)]).to_file(  # GM0003 outside every region
        pad, layer=LAGEN["arbeidsmarktregios"], driver="GPKG"
    )
    inwoners = _inwoners(tmp_path / "i.csv", ["GM0001", "GM0002", "GM0003"])
    with pytest.raises(InvoerFout) as e:
        bouw_basis(pad, pad, pad, inwoners, waarschuw=False)
    fout = e.value
    assert "overlappen met geen enkele arbeidsmarktregio" in str(fout)
    assert (fout.rij, fout.kolom, fout.waarde) == (4, "geometry", "GM0003")
    assert fout.bestand is not None and fout.bestand.endswith("kaart.gpkg:gemeente_gegeneraliseerd")


def test_aanraken_is_geen_overlap() -> None:
    """A region that only shares an edge with the gemeente does not count."""
    regios = lees_vorm(["PV20", "PV21"], [_vak(10, 20), _vak(-5, 10, -5, 15)])
    t = wijs_toe(lees_vorm(["GM0001"], [_vak(0, 10)]), regios, soort="provincie").tabel
    assert t["regio_code"].tolist() == ["PV21"] and t["tweede_code"].tolist() == [""]


@pytest.mark.parametrize(
    ("codes", "fragment"),
    [
        (["GM0001", "GM0002"], "1 alleen in de grenzen: GM0003"),
        (["GM0001", "GM0002", "GM0003", "GM0004"], "1 alleen in de inwoners: GM0004"),
    ],
)
def test_gemeenten_en_inwoners_verschillen(
    kaart: tuple[Path, Path], tmp_path: Path, codes: list[str], fragment: str
) -> None:
    inwoners = _inwoners(tmp_path / "ander.csv", codes)
    with pytest.raises(InvoerFout) as e:
        bouw_basis(*([kaart[0]] * 3), inwoners)
    assert fragment in str(e.value) and "herindeling" in str(e.value)
    assert e.value.bestand == str(inwoners) and e.value.kolom == "gemeente_code"


def test_onbekende_provincie_heeft_geen_coa_regio(kaart: tuple[Path, Path]) -> None:
    with pytest.raises(InvoerFout, match=r"geen COA-regio bekend voor provincie.*PV21"):
        bouw_basis(*([kaart[0]] * 3), kaart[1], coa_regios={"PV20": "Noord"}, waarschuw=False)


def test_coa_regios_volgen_de_echte_provinciecodes() -> None:
    assert sorted(COA_REGIO_PER_PROVINCIE) == [f"PV{n}" for n in range(20, 32)]
    assert sorted(set(COA_REGIO_PER_PROVINCIE.values())) == [
        "Midden",
        "Noord",
        "Oost",
        "Zuid",
        "Zuidwest",
    ]


# --------------------------------------------------------------------------- reading


def test_grensbron_parse() -> None:
    b = GrensBron.parse("a/b.gpkg:laag", code_kolom="code", naam_kolom=None)
    assert (b.pad, b.laag, b.code_kolom, b.naam_kolom) == (Path("a/b.gpkg"), "laag", "code", None)
    assert str(b) == "a/b.gpkg:laag"
    assert GrensBron.parse(b) is b
    assert GrensBron.parse(r"C:\kaart.gpkg").laag is None  # a drive letter is no layer


def test_laag_kiezen(kaart: tuple[Path, Path]) -> None:
    pad = kaart[0]
    assert lees_grenzen(f"{pad}:{LAGEN['provincies']}")["code"].tolist() == ["PV20", "PV21"]
    with pytest.raises(InvoerFout, match="3 lagen; kies er één met BESTAND:LAAG"):
        lees_grenzen(pad)
    with pytest.raises(InvoerFout, match="laag 'gemeenten' bestaat niet; beschikbare lagen"):
        lees_grenzen(f"{pad}:gemeenten")


def test_kolomnamen_instelbaar(tmp_path: Path) -> None:
    pad = tmp_path / "g.geojson"
    GEMEENTEN.rename(columns={"statcode": "GM_CODE", "statnaam": "GM_NAAM"}).to_file(pad)
    with pytest.raises(InvoerFout) as e:
        lees_grenzen(pad)
    assert (e.value.kolom, e.value.rij) == ("statcode", 1) and "GM_CODE" in str(e.value)
    g = lees_grenzen(GrensBron(pad, code_kolom="GM_CODE", naam_kolom="GM_NAAM"))
    assert g["code"].tolist() == ["GM0001", "GM0002", "GM0003"]
    assert g["naam"].tolist()[0] == "Naam GM0001"


def test_dubbele_code_is_fout(tmp_path: Path) -> None:
    pad = tmp_path / "g.geojson"
    dubbel = GEMEENTEN.assign(statcode=["GM0001", "GM0002", "GM0001"])
    dubbel.to_file(pad)
    with pytest.raises(InvoerFout) as e:
        lees_grenzen(pad)
    assert (e.value.rij, e.value.kolom, e.value.waarde) == (4, "statcode", "GM0001")


def test_geopackage_zonder_crs(tmp_path: Path) -> None:
    pad = tmp_path / "g.gpkg"
    with pytest.warns(UserWarning, match="crs"):  # geopandas warns when writing it
        _laag(["GM0001"], [_vak(0, 10)], crs=None).to_file(pad, driver="GPKG")
    assert pyogrio.read_info(pad)["crs"] is None
    with pytest.raises(InvoerFout, match=r"geen coördinatenstelsel \(CRS\)") as e:
        lees_grenzen(pad)
    assert e.value.kolom == "geometry"


def test_shapefile_zonder_prj(tmp_path: Path) -> None:
    pad = tmp_path / "g.shp"
    GEMEENTEN.to_file(pad)
    pad.with_suffix(".prj").unlink()
    with pytest.raises(InvoerFout, match="geen coördinatenstelsel"):
        lees_grenzen(pad)


def _geojson_met_hand(pad: Path, gdf: gpd.GeoDataFrame) -> None:
    """A GeoJSON without "crs" member, coordinates as given."""
    features = [
        {"type": "Feature", "properties": {"statcode": c, "statnaam": n}, "geometry": mapping(g)}
        for c, n, g in zip(gdf["statcode"], gdf["statnaam"], gdf.geometry, strict=True)
    ]
    pad.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def test_geojson_zonder_crs_geldt_als_wgs84(tmp_path: Path) -> None:
    pad = tmp_path / "g.geojson"
    _geojson_met_hand(pad, GEMEENTEN.to_crs("EPSG:4326"))
    assert "crs" not in json.loads(pad.read_text())
    assert pyogrio.read_info(pad)["crs"] == "EPSG:4326"  # what pyogrio reports
    g = lees_grenzen(pad)
    assert g.crs.to_epsg() == 28992
    assert g.geometry.iloc[0].symmetric_difference(_vak(0, 10)).area < 1e-6 * 1e8


def test_rd_meters_in_graden_crs_is_fout(tmp_path: Path) -> None:
    pad = tmp_path / "g.geojson"
    _geojson_met_hand(pad, GEMEENTEN)  # RD metres, but no crs member: WGS84 by RFC 7946
    with pytest.raises(InvoerFout) as e:
        lees_grenzen(pad)
    assert (e.value.rij, e.value.kolom) == (2, "geometry")
    assert "lijken meters" in str(e.value) and "WGS84" in str(e.value)


def test_graden_in_rd_bestand_is_fout(tmp_path: Path) -> None:
    pad = tmp_path / "g.gpkg"
    graden = GEMEENTEN.to_crs("EPSG:4326").set_crs(RD, allow_override=True)
    graden.to_file(pad, driver="GPKG")
    with pytest.raises(InvoerFout) as e:
        lees_grenzen(pad)
    assert (e.value.rij, e.value.kolom) == (2, "geometry")
    assert "niet in Nederland" in str(e.value) and "lengte- en breedtegraden" in str(e.value)


def test_buiten_nederland_noemt_de_rij(tmp_path: Path) -> None:
    pad = tmp_path / "g.geojson"
    verschoven = GEMEENTEN.copy()
    verschoven.loc[2, "geometry"] = _vak(300, 310)  # x up to 410 km: east of the Netherlands
    verschoven.to_file(pad)
    with pytest.raises(InvoerFout) as e:
        lees_grenzen(pad)
    assert (e.value.rij, e.value.kolom) == (4, "geometry")
    assert e.value.waarde == (400_000, 400_000, 410_000, 410_000)


def _topojson(pad: Path, gdf: gpd.GeoDataFrame, object_naam: str = "gebieden") -> None:
    """Write a TopoJSON by hand (GDAL cannot): one arc per ring, no quantisation."""
    arcs: list[list[list[float]]] = []
    geometrieen = []
    for code, naam, vorm in zip(gdf["statcode"], gdf["statnaam"], gdf.geometry, strict=True):
        delen = []
        for p in vorm.geoms if isinstance(vorm, MultiPolygon) else [vorm]:
            ringen = []
            for ring in [p.exterior, *p.interiors]:
                arcs.append([list(c) for c in ring.coords])
                ringen.append([len(arcs) - 1])
            delen.append(ringen)
        geometrieen.append(
            {
                "type": "MultiPolygon",
                "arcs": delen,
                "properties": {"statcode": code, "statnaam": naam},
            }
        )
    topo = {
        "type": "Topology",
        "objects": {object_naam: {"type": "GeometryCollection", "geometries": geometrieen}},
        "arcs": arcs,
    }
    pad.write_text(json.dumps(topo))


def test_topojson_is_wgs84(tmp_path: Path) -> None:
    pad = tmp_path / "g.topojson"
    _topojson(pad, GEMEENTEN.to_crs("EPSG:4326"))
    info = pyogrio.read_info(pad)
    assert info["driver"] == "TopoJSON" and info["crs"] is None  # pyogrio reports no CRS
    g = lees_grenzen(pad)
    assert g.crs.to_epsg() == 28992
    assert g["code"].tolist() == ["GM0001", "GM0002", "GM0003"]
    assert g.geometry.iloc[1].symmetric_difference(_vak(10, 20)).area < 1e-6 * 1e8


def test_topojson_in_rd_is_fout(tmp_path: Path) -> None:
    pad = tmp_path / "g.topojson"
    _topojson(pad, GEMEENTEN)
    with pytest.raises(InvoerFout, match=r"lijken meters.*TopoJSON"):
        lees_grenzen(pad)


def test_ongeldige_geometrie_wordt_hersteld_en_gemeld(tmp_path: Path) -> None:
    vlinder = Polygon(  # a bow-tie: self-intersecting at its centre
        [(X0, Y0), (X0 + 10 * KM, Y0 + 10 * KM), (X0 + 10 * KM, Y0), (X0, Y0 + 10 * KM)]
    )
    assert not vlinder.is_valid
    pad = tmp_path / "g.gpkg"
    _laag(["GM0001", "GM0002"], [_vak(20, 30), vlinder]).to_file(pad, driver="GPKG")
    with pytest.warns(GeografieWaarschuwing, match=r"1 ongeldige geometrie.*rij 3 \(GM0002\)"):
        g = lees_grenzen(pad)
    assert len(g) == 2 and g.geometry.is_valid.all()
    assert g.geometry.iloc[1].area == pytest.approx(50 * KM * KM)  # both triangles kept


@pytest.mark.parametrize(
    ("vorm", "fragment"),
    [(None, "lege geometrie"), (box(0, 0, 1, 1).exterior, r"geen \(multi\)polygoon")],
)
def test_lege_of_verkeerde_geometrie(tmp_path: Path, vorm: object, fragment: str) -> None:
    gdf = GEMEENTEN.copy()
    gdf.loc[1, "geometry"] = vorm
    pad = tmp_path / "g.gpkg"
    gdf.to_file(pad, driver="GPKG")
    with pytest.raises(InvoerFout, match=fragment) as e:
        lees_grenzen(pad)
    assert (e.value.rij, e.value.kolom) == (3, "geometry")


# --------------------------------------------------------------------------- writing, CLI


@pytest.mark.parametrize("naam", ["basis.gpkg", "basis.geojson"])
def test_uitvoer_is_een_gemeententabel(kaart: tuple[Path, Path], tmp_path: Path, naam: str) -> None:
    basis = bouw_basis(*([kaart[0]] * 3), kaart[1], waarschuw=False)
    pad = schrijf_basistabel(basis.tabel, tmp_path / naam)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    if naam.endswith(".gpkg"):
        assert [str(n) for n, _ in pyogrio.list_layers(pad)] == ["gemeenten"]
    gelezen = lees_tabel(pad, naam="gemeenten")
    assert gelezen.crs.to_epsg() == 28992
    inst = _instance(gelezen)
    assert inst.gemeenten["gemeente_code"].tolist() == ["GM0001", "GM0002", "GM0003"]
    assert inst.gemeenten["provincie_code"].tolist() == ["PV20", "PV20", "PV21"]
    np.testing.assert_allclose(inst.gemeenten["x"], basis.tabel["x"])


def _instance(gemeenten: gpd.GeoDataFrame):
    """A round with only this gemeenten table (task 0, nobody waiting)."""
    return maak_instance(
        gemeenten=gemeenten,
        taakstelling=pd.DataFrame(
            {"gemeente_code": gemeenten["gemeente_code"], "taakstelling": "0"}
        ),
        huishoudens=pd.DataFrame(columns=list(HUISHOUDEN_KOLOMMEN)),
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


def test_onbekend_uitvoerformaat(kaart: tuple[Path, Path], tmp_path: Path) -> None:
    basis = bouw_basis(*([kaart[0]] * 3), kaart[1], waarschuw=False)
    with pytest.raises(InvoerFout, match="onbekend uitvoerformaat"):
        schrijf_basistabel(basis.tabel, tmp_path / "basis.csv")


def _cli(pad: Path, inwoners: Path, uitvoer: Path, *extra: str):
    return CliRunner().invoke(
        app,
        [
            "basis",
            "--gemeenten",
            str(pad),
            "--provincies",
            str(pad),
            "--arbeidsmarktregios",
            str(pad),
            "--inwoners",
            str(inwoners),
            "--uitvoer",
            str(uitvoer),
            *extra,
        ],
        env={"COLUMNS": "120"},
    )


def test_cli_basis(kaart: tuple[Path, Path], tmp_path: Path) -> None:
    uitvoer = tmp_path / "basis.gpkg"
    res = _cli(*kaart, uitvoer)
    assert res.exit_code == 0, res.output
    assert "Basistabel: 3 gemeenten, 2 provincies, 1 arbeidsmarktregio's" in res.output
    assert "6.000 inwoners" in res.output
    assert "Twijfelgevallen" in res.output and "GM0002" in res.output and "70,0%" in res.output
    assert "30,0% in PV21" in res.output
    assert gpd.read_file(uitvoer, layer="gemeenten")["coa_regio"].tolist() == ["Noord"] * 3


def test_cli_basis_stil_en_voortgang(kaart: tuple[Path, Path], tmp_path: Path) -> None:
    """Progress on stderr, the overview on stdout; --stil leaves neither."""
    res = _cli(*kaart, tmp_path / "a.gpkg", "--drempel", "0.6")
    assert res.exit_code == 0, res.output
    fasen = [r.split("  ")[0] for r in res.stderr.splitlines() if r.startswith("✓ ")]
    assert fasen == [
        "✓ Grenzen en inwoners inlezen",
        "✓ Regio's bepalen (grootste overlap)",
        "✓ Basistabel schrijven",
    ]
    assert "Basistabel:" in res.stdout and "✓" not in res.stdout
    res = _cli(*kaart, tmp_path / "b.gpkg", "--drempel", "0.6", "--stil")
    assert res.exit_code == 0, res.output
    assert res.stdout == "" and res.stderr == ""
    assert (tmp_path / "b.gpkg").read_bytes()[:16] == b"SQLite format 3\x00"


def test_cli_basis_zonder_twijfel(kaart: tuple[Path, Path], tmp_path: Path) -> None:
    res = _cli(*kaart, tmp_path / "basis.geojson", "--drempel", "0.6")
    assert res.exit_code == 0, res.output
    assert "Geen twijfelgevallen" in res.output and "60%" in res.output
    assert (tmp_path / "basis.geojson").exists()


def test_cli_basis_fout(kaart: tuple[Path, Path], tmp_path: Path) -> None:
    inwoners = _inwoners(tmp_path / "ander.csv", ["GM0001", "GM0002"])
    uitvoer = tmp_path / "basis.gpkg"
    res = _cli(kaart[0], inwoners, uitvoer)
    assert res.exit_code == 2
    assert "Fout:" in res.output and "alleen in de grenzen: GM0003" in res.output
    assert not uitvoer.exists()


def test_cli_weigert_invoer_te_overschrijven(kaart: tuple[Path, Path]) -> None:
    res = _cli(*kaart, kaart[0])
    assert res.exit_code == 2 and "invoerbestand overschrijven" in res.output


def test_cli_kolomnamen(tmp_path: Path) -> None:
    pad = tmp_path / "k.gpkg"
    for laag, gdf in zip(LAGEN.values(), (GEMEENTEN, PROVINCIES, AMR), strict=True):
        gdf.rename(columns={"statcode": "code", "statnaam": "naam"}).to_file(pad, layer=laag)
    inwoners = _inwoners(tmp_path / "i.csv", ["GM0001", "GM0002", "GM0003"])
    res = _cli(pad, inwoners, tmp_path / "b.gpkg", "--code-kolom", "code", "--naam-kolom", "naam")
    assert res.exit_code == 0, res.output


# --------------------------------------------------------------------------- real data 2024

echte_data = pytest.mark.skipif(not GPKG.exists(), reason=f"echte data ontbreekt: {NL2024}")


@pytest.fixture(scope="module")
def echt() -> gpd.GeoDataFrame:
    if not GPKG.exists():
        pytest.skip(f"echte data ontbreekt: {NL2024}")
    with pytest.warns(GeografieWaarschuwing, match="GM0928 Kerkrade"):
        return bouw_basistabel(GPKG, GPKG, GPKG, INWONERS)


@echte_data
def test_echte_basistabel(echt: gpd.GeoDataFrame) -> None:
    t = echt
    assert len(t) == 342 and t["gemeente_code"].is_unique
    assert t["provincie_code"].nunique() == 12
    assert t["arbeidsmarktregio_code"].nunique() == 35
    assert t["coa_regio"].nunique() == 5
    assert int(t["inwoners"].sum()) == 17_942_942
    assert t[list(BASIS_KOLOMMEN)].notna().all().all()
    rij = t.set_index("gemeente_code")
    assert rij.loc["GM0363", ["provincie_code", "provincie_naam", "coa_regio"]].tolist() == [
        "PV27",
        "Noord-Holland",
        "Midden",
    ]
    assert rij.loc["GM0363", "arbeidsmarktregio_code"] == "AM18"  # Groot Amsterdam
    assert rij.loc["GM0014", "provincie_code"] == "PV20"
    assert rij.loc["GM0344", "provincie_code"] == "PV26"
    assert rij.loc["GM0344", "arbeidsmarktregio_naam"] == "Midden-Utrecht"
    # Every provincie code maps to its PDOK name as in the mapping's comments.
    namen = dict(zip(t["provincie_code"], t["provincie_naam"], strict=False))
    assert namen["PV21"] == "Fryslân" and namen["PV31"] == "Limburg"
    # Overlap figures (reported): the worst case is Kerkrade, partly outside the region layers.
    assert (t["overlap_provincie"] < 0.9).sum() == 1
    assert (t["overlap_arbeidsmarktregio"] < 0.9).sum() == 1
    assert rij["overlap_provincie"].idxmin() == "GM0928"
    assert rij.loc["GM0928", "overlap_provincie"] == pytest.approx(0.884, abs=1e-3)
    # Representative points lie inside their gemeente.
    punten = gpd.points_from_xy(t["x"], t["y"], crs=RD)
    assert t.geometry.contains(gpd.GeoSeries(punten, index=t.index)).all()


def test_toewijzing_snijdt_alleen_kandidaatparen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The overlap is computed for the pairs the spatial index proposes, not all pairs.

    A work count instead of a stopwatch (timing belongs in benchmarks/): 400
    gemeenten of 1 x 1 km on a grid, 16 regions of 5 x 5 km. All pairs would be
    6,400 intersections; a gemeente meets at most 4 regions (touching included).
    """
    import shapely

    from allocatie.spatial.lidmaatschap import wijs_toe

    gemeenten = lees_vorm(
        [f"GM{i:04d}" for i in range(400)],
        [_vak(x, x + 1, y, y + 1) for y in range(20) for x in range(20)],
    )
    regios = lees_vorm(
        [f"R{i:02d}" for i in range(16)],
        [_vak(x, x + 5, y, y + 5) for y in range(0, 20, 5) for x in range(0, 20, 5)],
    )
    paren: list[int] = []
    echt_snijden = shapely.intersection

    def tel(a, b, *args, **kw):
        paren.append(int(np.size(a)))
        return echt_snijden(a, b, *args, **kw)

    monkeypatch.setattr(shapely, "intersection", tel)
    t = wijs_toe(gemeenten, regios, soort="regio").tabel
    assert len(t) == 400
    assert t["regio_code"].iloc[0] == "R00" and t["regio_code"].iloc[-1] == "R15"
    assert 0 < sum(paren) <= 4 * 400


def _schrijf_lagen(map_: Path, formaat: str) -> dict[str, str]:
    """Write the three real layers in ``formaat``; return the ``FILE[:LAYER]`` specs."""
    specs = {}
    for soort, laag in LAGEN.items():
        gdf = gpd.read_file(GPKG, layer=laag)[["statcode", "statnaam", "geometry"]]
        if formaat == "topojson":
            pad = map_ / f"{soort}.topojson"
            _topojson(pad, gdf.to_crs("EPSG:4326"), object_naam=laag)
        elif formaat == "geojson_wgs84":
            pad = map_ / f"{soort}.geojson"
            _geojson_met_hand(pad, gdf.to_crs("EPSG:4326"))
        else:
            pad = map_ / f"{soort}.{formaat}"
            gdf.to_file(pad, driver={"geojson": "GeoJSON", "fgb": "FlatGeobuf"}.get(formaat))
        specs[soort] = str(pad)
    return specs


@echte_data
@pytest.mark.parametrize("formaat", ["geojson", "geojson_wgs84", "fgb", "shp", "topojson"])
def test_echte_data_zelfde_uitkomst_in_ander_formaat(
    echt: gpd.GeoDataFrame, tmp_path: Path, formaat: str
) -> None:
    specs = _schrijf_lagen(tmp_path, formaat)
    with pytest.warns(GeografieWaarschuwing, match="GM0928 Kerkrade"):
        t = bouw_basistabel(
            specs["gemeenten"], specs["provincies"], specs["arbeidsmarktregios"], INWONERS
        )
    tekst = [c for c in BASIS_KOLOMMEN if t[c].dtype.kind not in "fi"]
    pd.testing.assert_frame_equal(t[tekst], echt[tekst], check_dtype=False, check_index_type=False)
    assert t["inwoners"].tolist() == echt["inwoners"].tolist()
    # Through WGS84 and back the polygons move by far less than a millimetre.
    tol = 1e-7 if formaat in ("geojson_wgs84", "topojson") else 1e-9
    for kolom in ("overlap_provincie", "overlap_arbeidsmarktregio"):
        np.testing.assert_allclose(t[kolom], echt[kolom], rtol=0, atol=tol)
    np.testing.assert_allclose(t.geometry.area, echt.geometry.area, rtol=1e-7)


def test_wijs_toe_weigert_ongeldige_geometrie() -> None:
    vlinder = Polygon([(X0, Y0), (X0 + KM, Y0 + KM), (X0 + KM, Y0), (X0, Y0 + KM)])
    gem = lees_vorm(["GM0001", "GM0002"], [_vak(0, 10), vlinder])
    with pytest.raises(InvoerFout, match="ongeldige of lege geometrie") as e:
        wijs_toe(gem, lees_vorm(["PV20"], [_vak(-5, 20)]), soort="provincie")
    assert (e.value.rij, e.value.waarde) == (3, "GM0002")


@echte_data
def test_echte_cli_uitvoer_is_bruikbaar_in_een_ronde(tmp_path: Path) -> None:
    uitvoer = tmp_path / "basis.gpkg"
    res = _cli(GPKG, INWONERS, uitvoer)
    assert res.exit_code == 0, res.output
    assert "342 gemeenten, 12 provincies, 35 arbeidsmarktregio's, 5 COA-regio's" in res.output
    assert "17.942.942 inwoners" in res.output and "GM0928 Kerkrade" in res.output
    inst = _instance(lees_tabel(f"{uitvoer}:gemeenten", naam="gemeenten"))
    assert len(inst.gemeenten) == 342 and inst.grenzen is not None
    assert int(inst.gemeenten["inwoners"].sum()) == 17_942_942
