"""`allocatie.reports.uitvoer.schrijf_uitvoer`: everything of a round in one folder, at once.

The folder holds the round archive ``ronde.gpkg`` next to the tables, the
workbook, the map and the report; it appears whole or not at all (a writer that
fails, or an interruption, leaves nothing behind and an existing folder as it
was); it gets the permissions ``mkdir`` would give it; and each writer is a
progress phase.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

from allocatie.invoer.laden import laad_ronde
from allocatie.io.atomisch import atomische_map
from allocatie.io.uitvoermap import MERK
from allocatie.kern.errors import InvoerFout
from allocatie.kern.voortgang import Melding
from allocatie.reports import uitvoer
from allocatie.reports.archief import LAGEN, lees_archief
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance
from allocatie.strategie.oplossen import los_op

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"

#: Every file of an output folder.
BESTANDEN = {
    "per_gemeente.csv",
    "plaatsingen.csv",
    "onbediend.csv",
    "onhaalbaar.csv",
    "per_optie.csv",
    "niveaus.csv",
    "verklaring.csv",
    "verklaring_gemeenten.csv",
    "allocatie.xlsx",
    "samenvatting.json",
    "kaart.png",
    "rapport.html",
    "rapport-bijlage.html",
    "ronde.gpkg",
}


@pytest.fixture(scope="module")
def voorbeeld() -> tuple[Instance, AllocationResult]:
    inst = laad_ronde(VOORBEELD)
    return inst, los_op(inst)


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that sets it."""
    oud = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(oud)


def _alles(map_: Path) -> list[str]:
    """Every entry of a folder, hidden ones included."""
    return sorted(p.name for p in map_.iterdir())


def test_rondearchief_in_de_uitvoermap(
    voorbeeld: tuple[Instance, AllocationResult], tmp_path: Path
) -> None:
    inst, res = voorbeeld
    uit = uitvoer.schrijf_uitvoer(inst, res, tmp_path / "uit")
    assert set(_alles(uit)) == BESTANDEN | {MERK}  # and no temporary files
    pad = uit / uitvoer.ARCHIEF
    for laag in LAGEN:  # every layer opens with geopandas
        df = gpd.read_file(pad, layer=laag)
        assert len(df.columns) > 0, laag
    g = gpd.read_file(pad, layer="resultaat_gemeenten")
    per_g = pd.read_csv(uit / "per_gemeente.csv", dtype={"gemeente_code": str})
    assert g["gemeente_code"].tolist() == per_g["gemeente_code"].tolist()
    assert g["geplaatst"].tolist() == per_g["geplaatst"].tolist()
    assert g.crs is not None and g.crs.to_epsg() == 28992
    pl = gpd.read_file(pad, layer="resultaat_plaatsingen")
    assert sorted(pl["huishouden_id"]) == sorted(res.plaatsingen["huishouden_id"])
    a = lees_archief(pad)
    assert a.periode == inst.periode.label and a.status == res.status.value


def test_gestart_en_klaar_in_het_archief(
    voorbeeld: tuple[Instance, AllocationResult], tmp_path: Path
) -> None:
    inst, res = voorbeeld
    gestart = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    klaar = dt.datetime(2025, 3, 1, 9, 5, tzinfo=dt.UTC)
    uit = uitvoer.schrijf_uitvoer(inst, res, tmp_path / "uit", gestart=gestart, klaar=klaar)
    meta = lees_archief(uit / uitvoer.ARCHIEF).metadata
    assert meta["tijd.gestart"] == "2025-03-01T09:00:00+00:00"
    assert meta["tijd.klaar"] == "2025-03-01T09:05:00+00:00"


SCHRIJVERS = [
    "schrijf_werkboek",
    "schrijf_json",
    "teken_kaart",
    "schrijf_rapport",
    "schrijf_archief",
]


@pytest.mark.parametrize("fout", [OSError("schijf vol"), KeyboardInterrupt()], ids=repr)
@pytest.mark.parametrize("schrijver", SCHRIJVERS)
@pytest.mark.parametrize("bestaand", [False, True], ids=["nieuw", "bestaand"])
def test_onderbroken_uitvoer_laat_niets_achter(
    voorbeeld: tuple[Instance, AllocationResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    schrijver: str,
    fout: BaseException,
    bestaand: bool,
) -> None:
    """A writer that fails half-way: no folder appears, an existing one is untouched."""
    inst, res = voorbeeld
    doel = tmp_path / "uit"
    if bestaand:  # an earlier output folder (--overschrijf replaces only allocatie's own)
        with atomische_map(doel) as tmp:
            (tmp / "oud.txt").write_text("vorige ronde", encoding="utf-8")
    echt = getattr(uitvoer, schrijver)
    geroepen: list[Path] = []

    def halverwege(*args: Any, **kwargs: Any) -> Any:
        echt(*args, **kwargs)  # the file is written ...
        geroepen.append(Path(args[2] if schrijver != "schrijf_json" else args[1]))
        raise fout  # ... and then the run is interrupted

    monkeypatch.setattr(uitvoer, schrijver, halverwege)
    with pytest.raises(type(fout)):
        uitvoer.schrijf_uitvoer(inst, res, doel, overschrijf=True)
    assert geroepen, "the writer was not called"
    assert not geroepen[0].exists()  # written into the temporary folder, which is gone
    assert _alles(tmp_path) == (["uit"] if bestaand else [])
    if bestaand:
        assert _alles(doel) == [MERK, "oud.txt"]
        assert (doel / "oud.txt").read_text(encoding="utf-8") == "vorige ronde"


def test_bestaande_map_niet_stil_overschreven(
    voorbeeld: tuple[Instance, AllocationResult], tmp_path: Path
) -> None:
    inst, res = voorbeeld
    doel = tmp_path / "uit"
    doel.mkdir()
    (doel / "oud.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvoerFout, match="--overschrijf"):
        uitvoer.schrijf_uitvoer(inst, res, doel)
    assert _alles(doel) == ["oud.txt"]
    assert _alles(tmp_path) == ["uit"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX-rechten")
@pytest.mark.parametrize(
    ("masker", "map_modus", "bestand_modus"),
    [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)],
    ids=["umask-022", "umask-027"],
)
@pytest.mark.usefixtures("umask")
def test_rechten_volgen_de_umask(
    voorbeeld: tuple[Instance, AllocationResult],
    tmp_path: Path,
    masker: int,
    map_modus: int,
    bestand_modus: int,
) -> None:
    """The folder as ``mkdir`` makes it (not mkdtemp's 0700), every file as ``open`` would."""
    inst, res = voorbeeld
    os.umask(masker)
    uit = uitvoer.schrijf_uitvoer(inst, res, tmp_path / "uit")
    assert stat.S_IMODE(uit.stat().st_mode) == map_modus
    modi = {p.name: stat.S_IMODE(p.stat().st_mode) for p in uit.iterdir()}
    assert set(modi) == BESTANDEN | {MERK}
    assert modi == dict.fromkeys(BESTANDEN | {MERK}, bestand_modus)


def test_voortgang_per_schrijver(
    voorbeeld: tuple[Instance, AllocationResult], tmp_path: Path
) -> None:
    inst, res = voorbeeld
    meldingen: list[Melding] = []
    uitvoer.schrijf_uitvoer(inst, res, tmp_path / "uit", voortgang=meldingen.append)
    verloop = [(m.fase, m.klaar) for m in meldingen]
    onderdelen = ["verklaring", "tabellen", "werkboek", "json", "kaart", "rapport", "archief"]
    assert verloop == [
        ("uitvoer", False),
        *(stap for o in onderdelen for stap in ((f"uitvoer:{o}", False), (f"uitvoer:{o}", True))),
        ("uitvoer", True),
    ]
    klaar = [m for m in meldingen if m.klaar]
    assert all(m.duur_s is not None and m.duur_s >= 0 for m in klaar)
    assert klaar[-1].details == f"14 bestanden in {tmp_path / 'uit'}"
    # The outer phase lasts at least as long as its parts together.
    binnen = sum(m.duur_s or 0 for m in klaar[:-1])
    assert (klaar[-1].duur_s or 0) >= binnen

    # Explanations computed beforehand are not computed again.
    meldingen.clear()
    uitvoer.schrijf_uitvoer(
        inst,
        res,
        tmp_path / "uit2",
        verklaring=uitvoer.verklaringen(inst, res),
        voortgang=meldingen.append,
    )
    assert "uitvoer:verklaring" not in {m.fase for m in meldingen}
    assert (tmp_path / "uit2" / "verklaring.csv").read_bytes() == (
        tmp_path / "uit" / "verklaring.csv"
    ).read_bytes()
