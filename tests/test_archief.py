"""The round archive (`allocatie.reports.archief`): layers, figures, metadata, atomic
writes, and the carry-over of achterstand / voorsprong over three rounds.

The example round is solved once (HiGHS, about 0.3 s); every figure in its
archive is compared with the in-memory result and the input files, never with
numbers copied from a run. The three-round chain is derived by hand in
`test_drie_rondes_overloop`.
"""

from __future__ import annotations

import datetime as dt
import doctest
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from bouwers import gemeente, huishouden, los, ronde, woning
from typer.testing import CliRunner

import allocatie
from allocatie.cli import app
from allocatie.invoer.laden import laad_ronde
from allocatie.io.schema import HUISHOUDEN_KOLOMMEN
from allocatie.kern.errors import InvoerFout
from allocatie.reports import archief as archief_mod
from allocatie.reports import archiefformaat, archieflagen, archieflezen
from allocatie.reports.archief import (
    LAGEN,
    lees_archief,
    lees_vorige_periode,
    schrijf_archief,
    volgende_periode,
    vorige_uit_archief,
)
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance
from allocatie.ronde.taakstelling import lees_vorige, pas_overloop_toe
from allocatie.strategie.oplossen import los_op

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()

RUIMTELIJK = {
    "invoer_gemeenten": "MultiPolygon",
    "invoer_flexlocaties": "Point",
    "resultaat_gemeenten": "MultiPolygon",
    "resultaat_flexlocaties": "Point",
    "resultaat_plaatsingen": "LineString",
}


@pytest.fixture(scope="module")
def voorbeeld(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Instance, AllocationResult, Path]:
    """The example round, solved and archived once."""
    inst = laad_ronde(VOORBEELD)
    res = los_op(inst)
    pad = schrijf_archief(inst, res, tmp_path_factory.mktemp("archief") / "ronde.gpkg")
    return inst, res, pad


def _bestanden(map_: Path) -> list[str]:
    """Every entry of a folder, hidden ones included."""
    return sorted(p.name for p in map_.iterdir())


# --------------------------------------------------------------------------- layers and figures


def test_lagen_geometrie_en_crs(voorbeeld: tuple[Instance, AllocationResult, Path]) -> None:
    _, _, pad = voorbeeld
    lagen = {str(n): (None if t is None else str(t)) for n, t in pyogrio.list_layers(pad)}
    # Plus QGIS's own table of layer styles (tests/test_qgisstijl.py).
    assert set(lagen) == set(LAGEN) | {"layer_styles"}
    del lagen["layer_styles"]
    for naam, soort in lagen.items():
        assert soort == RUIMTELIJK.get(naam), naam
        if soort is not None:
            assert pyogrio.read_info(pad, layer=naam)["crs"] == "EPSG:28992"
    # Titles and descriptions for QGIS, in gpkg_contents.
    with sqlite3.connect(pad) as db:
        titels = dict(db.execute("SELECT table_name, identifier FROM gpkg_contents").fetchall())
    assert titels == {naam: titel for naam, (titel, _) in LAGEN.items()} | {
        "layer_styles": "Kaartstijlen (QGIS)"
    }


def test_gemeenten_in_archief_gelijk_aan_resultaat(
    voorbeeld: tuple[Instance, AllocationResult, Path],
) -> None:
    inst, res, pad = voorbeeld
    g = gpd.read_file(pad, layer="resultaat_gemeenten").set_index("gemeente_code")
    verwacht = res.per_gemeente.set_index("gemeente_code")
    assert sorted(g.index) == sorted(verwacht.index)
    for kolom in ("opgave", "geplaatst", "huishoudens", "tekort", "overvulling", "saldo"):
        assert g.loc[verwacht.index, kolom].tolist() == verwacht[kolom].tolist(), kolom
    # Status against the task and the carry-over follow the saldo.
    saldo = g["saldo"]
    assert (g.loc[saldo > 0, "taakstatus"] == "achterstand").all()
    assert (g.loc[saldo < 0, "taakstatus"] == "voorsprong").all()
    assert (g.loc[saldo == 0, "taakstatus"] == "op taak").all()
    assert (g["achterstand_na_ronde"] == g["tekort"]).all()  # tekort becomes achterstand
    assert (g["achterstand_na_ronde"] - g["voorsprong_na_ronde"] == saldo).all()
    # The boundaries are the input's (one polygon per gemeente, same area).
    grenzen = inst.grenzen
    assert grenzen is not None
    codes = inst.gemeenten["gemeente_code"].tolist()
    assert np.allclose(g.loc[codes].geometry.area.to_numpy(), grenzen.area.to_numpy())


def test_plaatsingen_en_flexlocaties_gelijk_aan_resultaat(
    voorbeeld: tuple[Instance, AllocationResult, Path],
) -> None:
    inst, res, pad = voorbeeld
    pl = gpd.read_file(pad, layer="resultaat_plaatsingen")
    assert len(pl) == len(res.plaatsingen) > 0
    assert sorted(pl["huishouden_id"]) == sorted(res.plaatsingen["huishouden_id"])
    # Each line runs from the azc gemeente's representative point to the destination.
    gem = inst.gemeenten.set_index("gemeente_code")
    opt = inst.opties.set_index("aanbod_id")
    begin = shapely.get_point(pl.geometry.to_numpy(), 0)
    eind = shapely.get_point(pl.geometry.to_numpy(), -1)
    assert np.allclose(shapely.get_x(begin), gem.loc[pl["azc_gemeente"], "x"])
    assert np.allclose(shapely.get_y(begin), gem.loc[pl["azc_gemeente"], "y"])
    assert np.allclose(shapely.get_x(eind), opt.loc[pl["aanbod_id"], "x"])
    assert np.allclose(shapely.get_y(eind), opt.loc[pl["aanbod_id"], "y"])
    # The archive agrees with itself: placed persons per gemeente from the lines.
    g = gpd.read_file(pad, layer="resultaat_gemeenten").set_index("gemeente_code")
    per_g = pl.groupby("gemeente_code")["personen"].sum()
    assert (g["geplaatst"] == per_g.reindex(g.index, fill_value=0)).all()

    fl = gpd.read_file(pad, layer="resultaat_flexlocaties").set_index("aanbod_id")
    verwacht = res.per_optie[res.per_optie["soort"] == "flex"].set_index("aanbod_id")
    assert sorted(fl.index) == sorted(verwacht.index) and len(fl) == 3
    for kolom in ("eenheden_gebruikt", "huishoudens", "personen"):
        assert fl.loc[verwacht.index, kolom].tolist() == verwacht[kolom].tolist(), kolom
    assert fl["huishoudens"].sum() > 0  # the example uses its flex sites
    assert np.allclose(fl["bezetting"], fl["eenheden_gebruikt"] / fl["eenheden_vh"])
    assert np.allclose(fl["aandeel_vh"], fl["eenheden_gebruikt"] / fl["eenheden_totaal"])
    assert (fl["aandeel_vh"] <= fl["max_aandeel_vh"] + 1e-9).all()
    assert np.allclose(fl.geometry.x, opt.loc[fl.index, "x"])
    n_flex = pl[pl["soort"] == "flex"].groupby("aanbod_id").size()
    assert (fl["huishoudens"] == n_flex.reindex(fl.index, fill_value=0)).all()


def test_huishoudens_alleen_pseudoniem_en_plaatsingsvelden(
    voorbeeld: tuple[Instance, AllocationResult, Path],
) -> None:
    _, _, pad = voorbeeld
    hh = pyogrio.read_dataframe(pad, layer="invoer_huishoudens")
    assert list(hh.columns) == list(HUISHOUDEN_KOLOMMEN)
    bron = pd.read_csv(VOORBEELD / "huishoudens.csv", dtype=str, keep_default_na=False)
    assert hh["huishouden_id"].tolist() == bron["huishouden_id"].tolist()
    assert hh["gereed_datum"].tolist() == bron["gereed_datum"].tolist()
    assert hh["personen"].tolist() == bron["personen"].astype(int).tolist()
    vast = pyogrio.read_dataframe(pad, layer="invoer_vastleggingen")
    assert "toelichting" not in vast.columns  # free text stays out of the archive


def test_invoerlagen_reproduceren_de_ronde(
    voorbeeld: tuple[Instance, AllocationResult, Path], tmp_path: Path
) -> None:
    """The input layers follow data/SCHEMA.md: a ronde.toml pointing at them solves the same."""
    inst, res, pad = voorbeeld
    gem = gpd.read_file(pad, layer="invoer_gemeenten")
    cijfers = ["gemeente_code", "taakstelling", "achterstand", "voorsprong", "gerealiseerd"]
    taak = pd.read_csv(VOORBEELD / "taakstelling.csv", dtype={"gemeente_code": str})
    assert gem[cijfers].to_dict("list") == taak[cijfers].to_dict("list")
    (tmp_path / "ronde.gpkg").write_bytes(pad.read_bytes())
    (tmp_path / "ronde.toml").write_text(
        f'[ronde]\nnaam = "{inst.naam}"\nperiode = "{inst.periode.label}"\n\n[bestanden]\n'
        + "".join(
            f'{tabel} = "ronde.gpkg:{laag}"\n'
            for tabel, laag in [
                ("gemeenten", "invoer_gemeenten"),
                ("taakstelling", "invoer_gemeenten"),
                ("huishoudens", "invoer_huishoudens"),
                ("woningaanbod", "invoer_woningaanbod"),
                ("flexlocaties", "invoer_flexlocaties"),
            ]
        ),
        encoding="utf-8",
    )
    herbouwd = laad_ronde(tmp_path)
    assert herbouwd.huishoudens.equals(inst.huishoudens)
    res2 = los_op(herbouwd)
    kol = ["huishouden_id", "aanbod_id"]
    pd.testing.assert_frame_equal(res2.plaatsingen[kol], res.plaatsingen[kol])


def test_metadata(voorbeeld: tuple[Instance, AllocationResult, Path]) -> None:
    inst, res, pad = voorbeeld
    a = lees_archief(pad)
    m = a.metadata
    assert (a.naam, a.periode, a.status) == (inst.naam, "2025-I", res.status.value)
    assert m["model.preset"] == "standaard"
    assert m["model.doel.volgorde"] == ", ".join(inst.preset.doel.volgorde)
    assert m["model.limieten.termijn_weken"] == str(inst.preset.limieten.termijn_weken)
    assert m["model.criteria.werk"] == "true"
    assert m["solver.backend"] == "highs" and m["solver.naam"] == res.solver
    assert m["solver.tijdslimiet_s"] == str(inst.solver.tijdslimiet_s)
    assert float(m["resultaat.gap"] or "nan") == res.gap
    for i, n in enumerate(res.niveaus, start=1):
        assert m[f"niveau.{i}.naam"] == n.naam
        assert m[f"niveau.{i}.status"] == n.status.value
        assert float(m[f"niveau.{i}.gap"] or "nan") == n.gap
    assert f"niveau.{len(res.niveaus) + 1}.naam" not in m
    # Input hashes: the instance's, and really the files' SHA-256.
    for naam, bestand in [
        ("gemeenten", "gemeenten.geojson"),
        ("taakstelling", "taakstelling.csv"),
        ("huishoudens", "huishoudens.csv"),
        ("woningaanbod", "woningaanbod.csv"),
        ("flexlocaties", "flexlocaties.csv"),
    ]:
        digest = hashlib.sha256((VOORBEELD / bestand).read_bytes()).hexdigest()
        assert m[f"invoer.{naam}.sha256"] == inst.hashes[naam] == digest
    assert m["software.allocatie"] == allocatie.__version__
    assert m["gemeenten.geometrie"] == "grenzen"
    gestart, klaar = (dt.datetime.fromisoformat(str(m[k])) for k in ("tijd.gestart", "tijd.klaar"))
    assert gestart.tzinfo is not None and gestart <= klaar
    assert int(m["aantal.huishoudens_geplaatst"] or -1) == len(res.plaatsingen)


def test_opgegeven_tijden(
    voorbeeld: tuple[Instance, AllocationResult, Path], tmp_path: Path
) -> None:
    inst, res, _ = voorbeeld
    tz = dt.timezone(dt.timedelta(hours=1))
    begin, eind = dt.datetime(2025, 3, 1, 9, 0, tzinfo=tz), dt.datetime(2025, 3, 1, 9, 2, tzinfo=tz)
    pad = schrijf_archief(inst, res, tmp_path / "r.gpkg", gestart=begin, klaar=eind)
    m = lees_archief(pad).metadata
    assert (m["tijd.gestart"], m["tijd.klaar"]) == (begin.isoformat(), eind.isoformat())


# --------------------------------------------------------------------------- writing safely


def test_overschrijven_alleen_op_verzoek(
    voorbeeld: tuple[Instance, AllocationResult, Path], tmp_path: Path
) -> None:
    inst, res, _ = voorbeeld
    pad = tmp_path / "ronde.gpkg"
    schrijf_archief(inst, res, pad, klaar=dt.datetime(2025, 1, 1).astimezone())
    oud = pad.read_bytes()
    with pytest.raises(InvoerFout, match="bestaat al") as fout:
        schrijf_archief(inst, res, pad)
    assert "ronde.gpkg" in str(fout.value)
    assert pad.read_bytes() == oud
    schrijf_archief(inst, res, pad, overschrijf=True, klaar=dt.datetime(2025, 2, 1).astimezone())
    assert lees_archief(pad).metadata["tijd.klaar"] != "2025-01-01T00:00:00+00:00"
    assert pad.read_bytes() != oud
    assert _bestanden(tmp_path) == ["ronde.gpkg"]
    with pytest.raises(InvoerFout, match=r"eindigt op \.gpkg"):
        schrijf_archief(inst, res, tmp_path / "ronde.csv")
    with pytest.raises(InvoerFout, match="bestaat niet"):
        schrijf_archief(inst, res, tmp_path / "weg" / "ronde.gpkg")


@pytest.mark.parametrize("fout", [RuntimeError("schijf vol"), KeyboardInterrupt()])
@pytest.mark.parametrize("bestaand", [False, True])
def test_onderbreking_laat_niets_achter(
    voorbeeld: tuple[Instance, AllocationResult, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fout: BaseException,
    bestaand: bool,
) -> None:
    inst, res, _ = voorbeeld
    pad = tmp_path / "ronde.gpkg"
    if bestaand:
        schrijf_archief(inst, res, pad)
    oud = pad.read_bytes() if bestaand else None
    echt = pyogrio.write_dataframe
    lagen: list[str] = []

    def halverwege(df: pd.DataFrame, pad_: Any, **kw: Any) -> None:
        if len(lagen) == 4:  # four layers written, then the disk is full
            raise fout
        lagen.append(kw["layer"])
        echt(df, pad_, **kw)

    monkeypatch.setattr(pyogrio, "write_dataframe", halverwege)
    with pytest.raises(type(fout)):
        schrijf_archief(inst, res, pad, overschrijf=True)
    assert len(lagen) == 4
    assert _bestanden(tmp_path) == (["ronde.gpkg"] if bestaand else [])
    if bestaand:
        assert pad.read_bytes() == oud


# --------------------------------------------------------------------------- reading


def test_lees_archief_fouten(
    voorbeeld: tuple[Instance, AllocationResult, Path], tmp_path: Path
) -> None:
    with pytest.raises(InvoerFout, match="bestaat niet"):
        lees_archief(tmp_path / "weg.gpkg")
    csv = tmp_path / "taak.csv"
    csv.write_text("gemeente_code,taakstelling\nGM0001,3\n", encoding="utf-8")
    with pytest.raises(InvoerFout, match="geen GeoPackage"):
        lees_archief(csv)
    ander = tmp_path / "ander.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"a": [1]}), ander, layer="iets", driver="GPKG")
    with pytest.raises(InvoerFout, match="laag 'invoer_gemeenten' ontbreekt"):
        lees_archief(ander)
    _, _, pad = voorbeeld
    kopie = tmp_path / "kopie.gpkg"
    kopie.write_bytes(pad.read_bytes())
    _sql(kopie, "UPDATE ronde_metadata SET waarde = '99' WHERE sleutel = 'archief_versie'")
    with pytest.raises(InvoerFout, match="archiefversie") as e:
        lees_archief(kopie)
    assert "kopie.gpkg:ronde_metadata" in str(e.value) and "'99'" in str(e.value)


def _sql(pad: Path, opdracht: str) -> None:
    """Edit an attribute in a GeoPackage, as a hand edit in QGIS would.

    GDAL's R-tree triggers name SpatiaLite functions even when only an attribute
    changes; plain SQLite needs them declared (they do not fire then).
    """
    with sqlite3.connect(pad) as db:
        db.create_function("ST_IsEmpty", 1, lambda _: 0)
        for naam in ("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
            db.create_function(naam, 1, lambda _: None)
        db.execute(opdracht)


def test_overloop_weigert_handmatig_gewijzigde_afgeleide_kolom(
    voorbeeld: tuple[Instance, AllocationResult, Path], tmp_path: Path
) -> None:
    _, _, pad = voorbeeld
    kopie = tmp_path / "kopie.gpkg"
    kopie.write_bytes(pad.read_bytes())
    _sql(kopie, "UPDATE resultaat_gemeenten SET achterstand_na_ronde = 99 WHERE fid = 2")
    with pytest.raises(InvoerFout) as e:
        vorige_uit_archief(kopie)
    bericht = str(e.value)
    for deel in ("kopie.gpkg:resultaat_gemeenten", "rij 3", "'achterstand_na_ronde'", "99"):
        assert deel in bericht
    _sql(kopie, "UPDATE ronde_metadata SET waarde = 'geen_oplossing' "
         "WHERE sleutel = 'resultaat.status'")  # fmt: skip
    with pytest.raises(InvoerFout, match="geen oplossing"):
        vorige_uit_archief(kopie)


def test_lees_vorige_periode_kiest_archief_of_csv(
    voorbeeld: tuple[Instance, AllocationResult, Path], tmp_path: Path
) -> None:
    _, res, pad = voorbeeld
    vorige = lees_vorige_periode(pad)
    g = res.per_gemeente
    assert vorige["gerealiseerd"].tolist() == (g["gerealiseerd"] + g["geplaatst"]).tolist()
    csv = tmp_path / "vorige.csv"
    csv.write_text("gemeente_code,taakstelling\nGM0001,3\n", encoding="utf-8")
    assert lees_vorige_periode(csv).to_dict("list") == lees_vorige(csv).to_dict("list")
    nep = tmp_path / "nep.gpkg"
    nep.write_bytes(csv.read_bytes())
    with pytest.raises(InvoerFout, match="geen GeoPackage"):
        lees_vorige_periode(nep)
    with pytest.raises(InvoerFout, match="rondearchief bestaat niet"):
        lees_vorige_periode(tmp_path / "weg.gpkg")


# --------------------------------------------------------------------------- carry-over


def _taak(pad: Path) -> dict[int, dict[str, int]]:
    """A taakstelling CSV as the ``taak`` argument of `bouwers.ronde`."""
    df = lees_vorige(pad)
    return {
        int(r.pop("gemeente_code")[2:]): {k: int(v) for k, v in r.items()}
        for r in df.to_dict("records")
    }


def _taakstelling_cli(
    tmp: Path, naam: str, vg: int, inwoners: tuple[int, int], vorige: Path
) -> Path:
    inw = tmp / f"inwoners_{naam}.csv"
    inw.write_text(
        "gemeente_code,gemeente_naam,inwoners\n"
        f"GM0001,Gemeente 1,{inwoners[0]}\nGM0002,Gemeente 2,{inwoners[1]}\n",
        encoding="utf-8",
    )
    uit = tmp / f"taak_{naam}.csv"
    r = runner.invoke(
        app,
        ["taakstelling", "--vg", str(vg), "--inwoners", str(inw), "--vorige", str(vorige),
         "--uitvoer", str(uit)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    return uit


def _kolom(pad: Path, kolom: str) -> list[Any]:
    g = gpd.read_file(pad, layer="resultaat_gemeenten").set_index("gemeente_code")
    return g.loc[["GM0001", "GM0002"], kolom].tolist()


def test_drie_rondes_overloop(tmp_path: Path) -> None:
    """Three half-years, two gemeenten (A = GM0001, B = GM0002), single persons only.

    Round 1 (2025-I): task A 3, B 1; five waiting, homes A 1, B 4. Everyone is
    housed (level 1), so A gets 1 and B 4: A is short 2, B over by 3.
    Saldo A 3-1 = 2 (achterstand), B 1-4 = -3 (voorsprong).

    Round 2 (2025-II): vg 2 over 100 + 100 inhabitants gives A 1, B 1; the
    archive adds achterstand A 2 and voorsprong B 3: corrected A 3, B -2
    (need 0). Four waiting, homes A 2, B 5: A gets 2 (least shortfall), B 2.
    Saldo A 3-2 = 1, B -2-2 = -4: an unused voorsprong carries on, and what B
    houses on top of it is credited too.

    Round 3 (2026-I): vg 4 over 300 + 100 gives A 3, B 1; carry-over A +1,
    B -4: corrected A 4, B -3. A already realised 1 this period. Two waiting,
    homes in A only: A gets 2. Saldo A 4-1-2 = 1, B -3. So the fourth period
    starts with achterstand A 1 and voorsprong B 3.
    """
    gem = [gemeente(1, 0), gemeente(2, 10)]

    def hh(n: int, ronde_nr: int) -> list[dict[str, Any]]:
        return [huishouden(f"R{ronde_nr}-H{i}", azc=1) for i in range(1, n + 1)]

    def woningen(a: int, b: int) -> list[dict[str, Any]]:
        rijen = [woning("WA", 1, woningen=a, max_p=1)] if a else []
        return rijen + ([woning("WB", 2, woningen=b, max_p=1)] if b else [])

    # Round 1
    inst1 = ronde(gem, {1: 3, 2: 1}, hh(5, 1), woningen(1, 4), periode="2025-I")
    r1 = schrijf_archief(inst1, los(inst1), tmp_path / "2025-I.gpkg")
    assert _kolom(r1, "geplaatst") == [1, 4]
    assert _kolom(r1, "tekort") == [2, 0]
    assert _kolom(r1, "taakstatus") == ["achterstand", "voorsprong"]
    assert _kolom(r1, "achterstand_na_ronde") == [2, 0]
    assert _kolom(r1, "voorsprong_na_ronde") == [0, 3]

    # Round 2: taakstelling with carry-over from the archive, through the CLI.
    taak2 = _taakstelling_cli(tmp_path, "2025-II", 2, (100, 100), r1)
    assert lees_vorige(taak2).to_dict("list") == {
        "gemeente_code": ["GM0001", "GM0002"],
        "taakstelling": [1, 1],
        "achterstand": [2, 0],
        "voorsprong": [0, 3],
        "gerealiseerd": [0, 0],
    }
    inst2 = ronde(gem, _taak(taak2), hh(4, 2), woningen(2, 5), periode="2025-II")
    assert inst2.gemeenten["opgave"].tolist() == [3, 0]
    r2 = schrijf_archief(inst2, los(inst2), tmp_path / "2025-II.gpkg")
    assert _kolom(r2, "geplaatst") == [2, 2]
    assert _kolom(r2, "tekort") == [1, 0]
    assert _kolom(r2, "saldo") == [1, -4]

    # Round 3: the period check holds for the API, then the CLI again.
    assert vorige_uit_archief(r2, periode="2026-I")["gerealiseerd"].tolist() == [2, 2]
    with pytest.raises(InvoerFout, match="periode 2025-II"):
        vorige_uit_archief(r2, periode="2025-II")
    taak3 = _taakstelling_cli(tmp_path, "2026-I", 4, (300, 100), r2)
    taak = _taak(taak3)
    assert taak == {
        1: {"taakstelling": 3, "achterstand": 1, "voorsprong": 0, "gerealiseerd": 0},
        2: {"taakstelling": 1, "achterstand": 0, "voorsprong": 4, "gerealiseerd": 0},
    }
    taak[1]["gerealiseerd"] = 1  # housed earlier this period, outside the rounds
    inst3 = ronde(gem, taak, hh(2, 3), woningen(5, 0), periode="2026-I")
    r3 = schrijf_archief(inst3, los(inst3), tmp_path / "2026-I.gpkg")
    assert _kolom(r3, "geplaatst") == [2, 0]
    assert _kolom(r3, "saldo") == [1, -3]

    vierde = pas_overloop_toe(
        pd.DataFrame({"gemeente_code": ["GM0001", "GM0002"], "taakstelling": [5, 5]}),
        vorige_uit_archief(r3),
    )
    assert vierde["achterstand"].tolist() == [1, 0]
    assert vierde["voorsprong"].tolist() == [0, 3]
    # Gemeenten from a CSV (no boundaries) are points at their x/y.
    assert lees_archief(r3).metadata["gemeenten.geometrie"] == "punten"
    pt = gpd.read_file(r3, layer="resultaat_gemeenten")
    assert set(pt.geom_type) == {"Point"}
    assert np.allclose(pt.geometry.x, inst3.gemeenten["x"])


@pytest.mark.parametrize(
    "module", [archief_mod, archiefformaat, archieflagen, archieflezen], ids=lambda m: m.__name__
)
def test_doctests(module: Any) -> None:
    assert doctest.testmod(module).failed == 0


def test_publieke_namen_blijven_importeerbaar() -> None:
    """The archive is split over four modules; everything public still comes from `archief`."""
    for naam in archief_mod.__all__:
        assert hasattr(archief_mod, naam), naam
    assert archief_mod.lees_archief is archieflezen.lees_archief
    assert archief_mod.archief_lagen is archieflagen.archief_lagen


def test_randgevallen_leeg_en_zonder_grenzen(tmp_path: Path) -> None:
    """Nobody placed, no flex sites, a region capacity and a ban with a remark."""
    vast = pd.DataFrame(
        {
            "huishouden_id": ["H1"],
            "aanbod_id": [""],
            "gemeente_code": ["GM0002"],
            "soort": ["verbod"],
            "toelichting": ["persoonlijke reden"],
        }
    )
    inst = ronde(
        [gemeente(1, 0), gemeente(2, 10)],
        {1: 2, 2: 0},
        [huishouden("H1", 5)],
        [woning("W1", 1, max_p=1)],
        regio=[{"regio_soort": "provincie", "regio_code": "PV20", "max_personen": 9}],
        vastleggingen=vast,
    )
    res = los(inst)
    assert res.plaatsingen.empty
    pad = schrijf_archief(inst, res, tmp_path / "leeg.gpkg")
    lagen = {str(n): (None if t is None else str(t)) for n, t in pyogrio.list_layers(pad)}
    assert lagen["resultaat_plaatsingen"] == "LineString"
    assert lagen["resultaat_flexlocaties"] == lagen["invoer_flexlocaties"] == "Point"
    assert lagen["resultaat_gemeenten"] == lagen["invoer_gemeenten"] == "Point"
    a = lees_archief(pad)
    assert len(a.lagen["resultaat_plaatsingen"]) == len(a.lagen["resultaat_flexlocaties"]) == 0
    assert a.lagen["invoer_regiocapaciteit"]["max_personen"].tolist() == [9]
    v = a.lagen["invoer_vastleggingen"]
    assert v["soort"].tolist() == ["verbod"] and "toelichting" not in v.columns
    assert a.lagen["resultaat_onbediend"]["huishouden_id"].tolist() == ["H1"]
    assert vorige_uit_archief(a)["gerealiseerd"].tolist() == [0, 0]
    assert _kolom(pad, "taakstatus") == ["achterstand", "op taak"]


def test_volgende_periode() -> None:
    assert volgende_periode("2025-I") == "2025-II"
    assert volgende_periode("2025-II") == "2026-I"
    with pytest.raises(InvoerFout):
        volgende_periode("2025-III")


# --------------------------------------------------------------------------- CLI


def test_cli_ronde_schrijft_archief(tmp_path: Path) -> None:
    uit, archief = tmp_path / "uit", tmp_path / "archief" / "2025-I.gpkg"
    archief.parent.mkdir()
    r = runner.invoke(
        app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit), "--archief", str(archief)]
    )
    assert r.exit_code == 0, r.output
    assert "Rondearchief gekopieerd" in r.output
    # The copy is the archive of the output folder, byte for byte.
    assert archief.read_bytes() == (uit / "ronde.gpkg").read_bytes()
    assert _bestanden(archief.parent) == ["2025-I.gpkg"]
    a = lees_archief(archief)
    assert a.periode == "2025-I" and a.status == "optimaal"
    gestart = dt.datetime.fromisoformat(str(a.metadata["tijd.gestart"]))
    klaar = dt.datetime.fromisoformat(str(a.metadata["tijd.klaar"]))
    assert gestart <= klaar
    per_g = pd.read_csv(uit / "per_gemeente.csv", dtype={"gemeente_code": str})
    g = a.lagen["resultaat_gemeenten"]
    assert g["geplaatst"].tolist() == per_g["geplaatst"].tolist()
    # An existing archive is refused before solving, and left as it was.
    oud = archief.read_bytes()
    r = runner.invoke(
        app, ["ronde", str(VOORBEELD), "--uitvoer", str(tmp_path / "uit2"), "--archief",
              str(archief)],
    )  # fmt: skip
    assert r.exit_code == 2
    assert "bestaat al" in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "uit2").exists()
    assert archief.read_bytes() == oud
