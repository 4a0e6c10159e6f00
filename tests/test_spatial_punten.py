"""Points: reading (CSV in RD or lon/lat, point files) and linking them to gemeenten.

Synthetic gemeenten are 10 km boxes near RD (100 km, 400 km): GM0001 spans x 100-110 km,
GM0002 110-120 km, GM0003 120-130 km, all y 400-410 km.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from allocatie.kern.errors import InvoerFout
from allocatie.spatial import RD, koppel_aan_gemeenten, lees_grenzen, lees_punten

NL2024 = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nl2024"
GPKG = NL2024 / "cbsgebiedsindelingen_2024.gpkg"
X0, Y0, KM = 100_000.0, 400_000.0, 1_000.0

GEMEENTEN = gpd.GeoDataFrame(
    {"gemeente_code": ["GM0001", "GM0002", "GM0003"], "gemeente_naam": ["Aa", "Bee", "Cee"]},
    geometry=[box(X0 + a * KM, Y0, X0 + (a + 10) * KM, Y0 + 10 * KM) for a in (0, 10, 20)],
    crs=RD,
)


def _csv(pad: Path, kop: str, *rijen: str) -> Path:
    pad.write_text("\n".join([kop, *rijen]) + "\n", encoding="utf-8")
    return pad


def _rd(x_km: float, y_km: float = 5.0) -> str:
    return f"{X0 + x_km * KM:.0f},{Y0 + y_km * KM:.0f}"


def _punten(tmp_path: Path, *rijen: tuple[str, str, str]) -> gpd.GeoDataFrame:
    """Points from (aanbod_id, gemeente_code, "x,y") rows, read from a CSV."""
    pad = _csv(
        tmp_path / "flex.csv",
        "aanbod_id,gemeente_code,x,y",
        *(f"{i},{g},{xy}" for i, g, xy in rijen),
    )
    return lees_punten(pad, id_kolom="aanbod_id")


# --------------------------------------------------------------------------- reading


def test_lees_csv_in_rd(tmp_path: Path) -> None:
    p = _punten(tmp_path, ("F1", "GM0001", _rd(5)), ("F2", "GM0002", _rd(15)))
    assert p.crs.to_epsg() == 28992
    assert p.geometry.x.tolist() == [105_000.0, 115_000.0]
    assert p["aanbod_id"].tolist() == ["F1", "F2"]  # the table's columns stay, as text
    assert p.attrs["bestand"].endswith("flex.csv")


def test_lees_csv_in_lengte_breedte(tmp_path: Path) -> None:
    pad = _csv(tmp_path / "p.csv", "id,lon,lat", "dam,4.8932,52.3731")
    p = lees_punten(pad, x_kolom="lon", y_kolom="lat", crs="EPSG:4326")
    assert p.crs.to_epsg() == 28992
    assert p.geometry.iloc[0].distance(Point(121_359, 487_362)) < 2.0


def test_lengte_breedte_zonder_crs_krijgt_een_hint(tmp_path: Path) -> None:
    pad = _csv(tmp_path / "p.csv", "id,x,y", "a,155000,463000", "dam,4.8932,52.3731")
    with pytest.raises(InvoerFout) as e:
        lees_punten(pad)
    assert (e.value.rij, e.value.kolom) == (3, "y")  # x = 4.9 m lies within the RD x range
    assert "lengte- en breedtegraden" in str(e.value) and "EPSG:4326" in str(e.value)


def test_meters_met_graden_crs_is_fout(tmp_path: Path) -> None:
    pad = _csv(tmp_path / "p.csv", "id,x,y", "a,155000,463000")
    with pytest.raises(InvoerFout, match="lijken meters") as e:
        lees_punten(pad, crs="EPSG:4326")
    assert (e.value.rij, e.value.kolom) == (2, "x")


@pytest.mark.parametrize(
    ("rij", "kolom", "fragment"),
    [("a,155000m,463000", "x", "verwacht een getal"), ("a,155000,", "y", "lege cel")],
)
def test_ongeldig_getal(tmp_path: Path, rij: str, kolom: str, fragment: str) -> None:
    pad = _csv(tmp_path / "p.csv", "id,x,y", "b,155000,463000", rij)
    with pytest.raises(InvoerFout, match=fragment) as e:
        lees_punten(pad)
    assert (e.value.rij, e.value.kolom) == (3, kolom)


def test_dubbel_id(tmp_path: Path) -> None:
    with pytest.raises(InvoerFout, match="dubbele waarde") as e:
        _punten(tmp_path, ("F1", "GM0001", _rd(5)), ("F1", "GM0002", _rd(15)))
    assert (e.value.rij, e.value.kolom) == (3, "aanbod_id")


def test_lees_puntenbestand(tmp_path: Path) -> None:
    pad = tmp_path / "p.geojson"
    gdf = gpd.GeoDataFrame({"naam": ["a"]}, geometry=[Point(105_000, 405_000)], crs=RD)
    gdf.to_crs("EPSG:4326").to_file(pad)
    p = lees_punten(pad)
    assert p.crs.to_epsg() == 28992 and p.geometry.iloc[0].distance(Point(105_000, 405_000)) < 0.01


def test_puntenbestand_met_vlak_is_fout(tmp_path: Path) -> None:
    pad = tmp_path / "p.gpkg"
    GEMEENTEN.to_file(pad, driver="GPKG")
    with pytest.raises(InvoerFout, match="geen punt") as e:
        lees_punten(pad)
    assert (e.value.rij, e.value.kolom, e.value.waarde) == (2, "geometry", "Polygon")


def test_puntenbestand_zonder_crs_is_fout(tmp_path: Path) -> None:
    pad = tmp_path / "p.shp"
    gpd.GeoDataFrame({"naam": ["a"]}, geometry=[Point(105_000, 405_000)], crs=RD).to_file(pad)
    pad.with_suffix(".prj").unlink()
    with pytest.raises(InvoerFout, match="geen coördinatenstelsel"):
        lees_punten(pad)


# --------------------------------------------------------------------------- linking


def test_koppel_bevestigt_claim_en_vult_lege_claim(tmp_path: Path) -> None:
    p = _punten(tmp_path, ("F1", "GM0001", _rd(5)), ("F2", "", _rd(25)))
    uit = koppel_aan_gemeenten(p, GEMEENTEN)
    assert uit["gemeente_code"].tolist() == ["GM0001", "GM0003"]
    assert uit["afstand_gemeente_m"].tolist() == [0.0, 0.0]
    assert p["gemeente_code"].tolist() == ["GM0001", ""]  # input untouched


def test_koppel_zonder_claimkolom(tmp_path: Path) -> None:
    pad = _csv(tmp_path / "p.csv", "id,x,y", f"a,{_rd(15)}")
    uit = koppel_aan_gemeenten(lees_punten(pad), GEMEENTEN, claim_kolom=None)
    assert uit["gemeente_code"].tolist() == ["GM0002"]


def test_punt_buiten_elke_gemeente(tmp_path: Path) -> None:
    p = _punten(tmp_path, ("F1", "GM0001", _rd(5)), ("F2", "GM0003", _rd(35)))
    with pytest.raises(InvoerFout) as e:
        koppel_aan_gemeenten(p, GEMEENTEN, id_kolom="aanbod_id")
    fout = e.value
    assert (fout.rij, fout.kolom) == (3, "geometry")
    assert fout.bestand is not None and fout.bestand.endswith("flex.csv")
    assert "rij 3 (aanbod_id F2): ligt in geen enkele gemeente (x=135000, y=405000)" in str(fout)


def test_punt_in_andere_gemeente_dan_geclaimd(tmp_path: Path) -> None:
    p = _punten(tmp_path, ("F1", "GM0001", _rd(5)), ("F2", "GM0001", _rd(12.5)))
    with pytest.raises(InvoerFout) as e:
        koppel_aan_gemeenten(p, GEMEENTEN)
    fout = e.value
    assert (fout.rij, fout.kolom, fout.waarde) == (3, "gemeente_code", "GM0001")
    assert "claimt GM0001 maar ligt in GM0002 (Bee), 2.500 m buiten GM0001" in str(fout)


def test_onbekende_claim(tmp_path: Path) -> None:
    p = _punten(tmp_path, ("F1", "GM0999", _rd(5)))
    with pytest.raises(InvoerFout, match="claimt onbekende gemeente GM0999") as e:
        koppel_aan_gemeenten(p, GEMEENTEN)
    assert (e.value.rij, e.value.kolom) == (2, "gemeente_code")


def test_alle_problemen_in_een_fout(tmp_path: Path) -> None:
    rijen = [(f"F{i}", "GM0003", _rd(5)) for i in range(12)]  # all in GM0001, all claim GM0003
    p = _punten(tmp_path, ("OK", "GM0001", _rd(1)), *rijen)
    with pytest.raises(InvoerFout) as e:
        koppel_aan_gemeenten(p, GEMEENTEN)
    tekst = str(e.value)
    assert tekst.count("claimt GM0003 maar ligt in GM0001") == 10
    assert "12 locatie(s)" in tekst and "en 2 meer" in tekst
    assert e.value.rij == 3  # the first wrong row; row 2 is fine


def test_punt_op_de_grens(tmp_path: Path) -> None:
    """On the GM0001/GM0002 border: the claim holds; without claim the lowest code."""
    p = _punten(tmp_path, ("F1", "GM0002", _rd(10)), ("F2", "GM0001", _rd(10)), ("F3", "", _rd(10)))
    uit = koppel_aan_gemeenten(p, GEMEENTEN)
    assert uit["gemeente_code"].tolist() == ["GM0002", "GM0001", "GM0001"]
    # Independent of the order of the gemeenten.
    omgekeerd = GEMEENTEN.iloc[::-1].reset_index(drop=True)
    assert koppel_aan_gemeenten(p, omgekeerd)["gemeente_code"].tolist() == [
        "GM0002",
        "GM0001",
        "GM0001",
    ]


def test_tolerantie(tmp_path: Path) -> None:
    """Within 100 m of the claimed gemeente, or outside all but near one: accepted."""
    p = _punten(tmp_path, ("F1", "GM0001", _rd(10.05)), ("F2", "", _rd(30.08)))
    with pytest.raises(InvoerFout):
        koppel_aan_gemeenten(p, GEMEENTEN)
    uit = koppel_aan_gemeenten(p, GEMEENTEN, tolerantie_m=100)
    assert uit["gemeente_code"].tolist() == ["GM0001", "GM0003"]
    assert uit["afstand_gemeente_m"].round(6).tolist() == [50.0, 80.0]


def test_punten_in_andere_crs_worden_omgerekend(tmp_path: Path) -> None:
    p = _punten(tmp_path, ("F1", "GM0002", _rd(15))).to_crs("EPSG:4326")
    uit = koppel_aan_gemeenten(p, GEMEENTEN.to_crs("EPSG:3035"))
    assert uit["gemeente_code"].tolist() == ["GM0002"] and uit.crs.to_epsg() == 28992


# --------------------------------------------------------------------------- real data 2024


@pytest.mark.skipif(not GPKG.exists(), reason=f"echte data ontbreekt: {NL2024}")
def test_echte_gemeenten(tmp_path: Path) -> None:
    gemeenten = lees_grenzen(f"{GPKG}:gemeente_gegeneraliseerd")
    pad = _csv(
        tmp_path / "plekken.csv",
        "plek,gemeente_code,lon,lat",
        "Dam,GM0363,4.8932,52.3731",
        "Domtoren,,5.1213,52.0906",
        "Martinitoren,GM0014,6.5683,53.2194",
    )
    p = lees_punten(pad, x_kolom="lon", y_kolom="lat", id_kolom="plek", crs="EPSG:4326")
    uit = koppel_aan_gemeenten(p, gemeenten, code_kolom="code", naam_kolom="naam")
    assert uit["gemeente_code"].tolist() == ["GM0363", "GM0344", "GM0014"]
    verkeerd = p.assign(gemeente_code=["GM0344", "", ""])
    with pytest.raises(InvoerFout, match=r"claimt GM0344 maar ligt in GM0363 \(Amsterdam\)"):
        koppel_aan_gemeenten(verkeerd, gemeenten, code_kolom="code", naam_kolom="naam")


def test_onbekend_crs(tmp_path: Path) -> None:
    pad = _csv(tmp_path / "p.csv", "id,x,y", "a,155000,463000")
    with pytest.raises(InvoerFout, match="onbekend coördinatenstelsel"):
        lees_punten(pad, crs="EPSG:999999")
