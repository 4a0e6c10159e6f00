"""Issue 17, finding 4: a failure after the solve never loses the solved result.

The result is kept in a recovery folder (`allocatie.io.herstel`), the message says where,
and ``allocatie schrijf`` writes the output from it without solving again. Each test is
one fault scenario; its name says the defect and the expected outcome.
"""

from __future__ import annotations

import errno
import json
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import allocatie.io.herstel as herstel
from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import EXIT_SCHRIJVEN
from allocatie.io.atomisch import atomische_map
from allocatie.io.herstel import HERSTEL_INFO, HERSTEL_PKL, lees_herstel
from allocatie.io.uitvoermap import MERK
from allocatie.resultaat.result import AllocationResult
from allocatie.ronde.instance import Instance

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
PLAN = VOORBEELD.parent / "plan" / "plan.toml"
runner = CliRunner()


def _kapot(monkeypatch: pytest.MonkeyPatch, module: str, naam: str, fout: Exception) -> None:
    """Let writer ``naam`` of ``module`` write its file and then fail with ``fout``."""
    import importlib

    mod = importlib.import_module(module)
    echt = getattr(mod, naam)

    def halverwege(*args: Any, **kwargs: Any) -> Any:
        echt(*args, **kwargs)
        raise fout

    monkeypatch.setattr(mod, naam, halverwege)


def _herstelmap(uitvoer: str, plek: Path) -> Path:
    maps = sorted(plek.glob("*.herstel*"))
    assert len(maps) == 1, (maps, uitvoer)
    assert f"'{maps[0]}'" in uitvoer.replace("\n", "")
    return maps[0]


def _schrijf(*args: str) -> Any:
    return runner.invoke(app, ["schrijf", *args])


@pytest.mark.parametrize(
    ("naam", "fout", "tekst"),
    [
        ("schrijf_archief", OSError(errno.ENOSPC, "No space left on device"), "de schijf is vol"),
        ("schrijf_werkboek", OSError(errno.EFBIG, "File too large"), "ulimit -f"),
        ("teken_kaart", PermissionError(errno.EACCES, "Permission denied"), "geen schrijfrechten"),
        ("teken_kaart", ValueError("$x$ mathtext"), "ValueError"),
    ],
    ids=["ENOSPC", "EFBIG", "EACCES", "schrijverfout"],
)
def test_mislukt_schrijven_na_het_rekenen_bewaart_het_resultaat(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    zonder_rekenen: list[int],
    naam: str,
    fout: Exception,
    tekst: str,
) -> None:
    """Finding 4: a full disk / size limit / lost rights / writer bug after the solve gave a
    traceback and lost the result. Now: exit 4, the result kept in ``uit.herstel`` (owner
    only), no half folder; ``allocatie schrijf`` writes it without solving again."""
    _kapot(monkeypatch, "allocatie.reports.uitvoer", naam, fout)
    uit = tmp_path / "uit"
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "--uitvoer", str(uit)])
    assert r.exit_code == EXIT_SCHRIJVEN, r.output
    assert "Traceback" not in r.output and tekst in r.output
    assert "Het opgeloste resultaat is bewaard in" in r.output and "allocatie schrijf" in r.output
    h = _herstelmap(r.output, tmp_path)
    assert h.name == "uit.herstel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit.herstel"]  # no half output
    if sys.platform != "win32":
        assert stat.S_IMODE(h.stat().st_mode) == 0o700
        assert stat.S_IMODE((h / HERSTEL_PKL).stat().st_mode) == 0o600
    monkeypatch.undo()
    monkeypatch.setattr("allocatie.cli.ronde.los_op", lambda *a, **k: pytest.fail("gerekend"))
    r = _schrijf(str(h), "--stil")
    assert r.exit_code == 0, r.output
    assert {"plaatsingen.csv", "allocatie.xlsx", "kaart.png", "ronde.gpkg", MERK} <= {
        p.name for p in uit.iterdir()
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit"]  # recovery folder removed
    assert zonder_rekenen == [1]


def test_geschreven_uitvoer_uit_herstel_gelijk_aan_gewone_uitvoer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zonder_rekenen: list[int]
) -> None:
    """The tables written from the recovery folder equal those of an undisturbed run."""
    gewoon = tmp_path / "gewoon"
    assert runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "-u", str(gewoon)]).exit_code == 0
    _kapot(
        monkeypatch, "allocatie.reports.uitvoer", "schrijf_rapport", OSError(errno.ENOSPC, "vol")
    )
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "-u", str(tmp_path / "uit")])
    assert r.exit_code == EXIT_SCHRIJVEN
    monkeypatch.undo()
    assert _schrijf(str(tmp_path / "uit.herstel"), "--stil").exit_code == 0
    for naam in ("plaatsingen.csv", "per_gemeente.csv", "verklaring.csv", "niveaus.csv"):
        assert (tmp_path / "uit" / naam).read_bytes() == (gewoon / naam).read_bytes(), naam


def test_weigering_pas_bij_het_schrijven_bewaart_het_resultaat(
    tmp_path: Path, opgelost: tuple[Instance, AllocationResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """During the solve someone saved a file in the (new) output folder: the writer
    refuses, but the result is kept (exit 4), and the file is untouched."""
    uit = tmp_path / "uit"

    def los_op(inst: Instance, **_: Any) -> AllocationResult:
        uit.mkdir()
        (uit / "van iemand anders.txt").write_text("x", encoding="utf-8")
        return opgelost[1]

    monkeypatch.setattr("allocatie.cli.ronde.los_op", los_op)
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "--uitvoer", str(uit)])
    assert r.exit_code == EXIT_SCHRIJVEN, r.output
    assert "bestaat al" in r.output
    assert sorted(p.name for p in uit.iterdir()) == ["van iemand anders.txt"]
    h = _herstelmap(r.output, tmp_path)
    r = _schrijf(str(h), "--uitvoer", str(tmp_path / "elders"), "--stil")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "elders" / "plaatsingen.csv").is_file()


def test_herstelmap_elders_als_naast_de_uitvoer_niet_kan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zonder_rekenen: list[int]
) -> None:
    """Next to the output folder nothing can be written (disk full): the recovery folder
    goes to the next place (here: a stand-in for the current folder), named in the error."""
    niet = tmp_path / "bestaat-niet" / "ook-niet"
    elders = tmp_path / "elders"
    elders.mkdir()
    monkeypatch.setattr(herstel, "_plekken", lambda doel: [niet, elders])
    _kapot(monkeypatch, "allocatie.reports.uitvoer", "schrijf_json", OSError(errno.ENOSPC, "vol"))
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "--uitvoer", str(tmp_path / "u")])
    assert r.exit_code == EXIT_SCHRIJVEN, r.output
    h = _herstelmap(r.output, elders)
    assert h.name == "allocatie-u.herstel"
    assert lees_herstel(h).doel == (tmp_path / "u").absolute()


def test_resultaat_nergens_te_bewaren_zegt_dat_eerlijk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zonder_rekenen: list[int]
) -> None:
    monkeypatch.setattr(herstel, "_plekken", lambda doel: [tmp_path / "x" / "y"])
    _kapot(monkeypatch, "allocatie.reports.uitvoer", "schrijf_json", OSError(errno.ENOSPC, "vol"))
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "--uitvoer", str(tmp_path / "u")])
    assert r.exit_code == EXIT_SCHRIJVEN, r.output
    assert "kon nergens worden bewaard" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_schrijf_weigert_een_map_die_geen_herstelmap_is(tmp_path: Path) -> None:
    (tmp_path / "iets").mkdir()
    r = _schrijf(str(tmp_path / "iets"), "--uitvoer", str(tmp_path / "uit"))
    assert r.exit_code == 2, r.output
    assert "geen herstelmap" in r.output
    assert not (tmp_path / "uit").exists()


def test_schrijf_weigert_een_gewijzigd_resultaat(
    tmp_path: Path, opgelost: tuple[Instance, AllocationResult]
) -> None:
    """A damaged or swapped ``resultaat.pkl`` (hash in herstel.json) is never loaded."""
    inst, res = opgelost
    h = herstel.bewaar(
        "ronde", {"inst": inst, "res": res}, tmp_path / "uit", overschrijf=False, reden="proef"
    )
    assert h is not None
    data = bytearray((h / HERSTEL_PKL).read_bytes())
    data[-5] ^= 0xFF
    (h / HERSTEL_PKL).write_bytes(bytes(data))
    r = _schrijf(str(h))
    assert r.exit_code == 2, r.output
    assert "beschadigd of gewijzigd" in r.output
    assert not (tmp_path / "uit").exists() and h.exists()


def test_schrijf_weigert_uitvoer_in_de_herstelmap_zelf(
    tmp_path: Path, opgelost: tuple[Instance, AllocationResult]
) -> None:
    inst, res = opgelost
    h = herstel.bewaar(
        "ronde", {"inst": inst, "res": res}, tmp_path / "uit", overschrijf=True, reden="proef"
    )
    assert h is not None
    r = _schrijf(str(h), "--uitvoer", str(h), "--overschrijf")
    assert r.exit_code == 2, r.output
    assert "invoermap" in r.output
    assert (h / HERSTEL_PKL).is_file()


def test_schrijf_dat_weer_mislukt_laat_de_herstelmap_staan(
    tmp_path: Path, opgelost: tuple[Instance, AllocationResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    inst, res = opgelost
    h = herstel.bewaar(
        "ronde", {"inst": inst, "res": res}, tmp_path / "uit", overschrijf=False, reden="proef"
    )
    assert h is not None
    _kapot(monkeypatch, "allocatie.reports.uitvoer", "teken_kaart", OSError(errno.ENOSPC, "vol"))
    r = _schrijf(str(h))
    assert r.exit_code == EXIT_SCHRIJVEN, r.output
    assert "blijft staan" in r.output and "de schijf is vol" in r.output
    assert (h / HERSTEL_PKL).is_file() and not (tmp_path / "uit").exists()
    info = json.loads((h / HERSTEL_INFO).read_text(encoding="utf-8"))
    assert info["soort"] == "ronde" and info["reden"] == "proef"


def test_schrijf_volgt_overschrijf_van_de_run(
    tmp_path: Path, opgelost: tuple[Instance, AllocationResult]
) -> None:
    """The run had --overschrijf for its own earlier output: ``schrijf`` replaces it too."""
    inst, res = opgelost
    uit = tmp_path / "uit"
    with atomische_map(uit) as tmp:
        (tmp / "oud.txt").write_text("oud", encoding="utf-8")
    h = herstel.bewaar("ronde", {"inst": inst, "res": res}, uit, overschrijf=True, reden="proef")
    assert h is not None
    r = _schrijf(str(h), "--stil")
    assert r.exit_code == 0, r.output
    assert not (uit / "oud.txt").exists() and (uit / "plaatsingen.csv").is_file()


def test_plan_bewaart_het_resultaat_als_schrijven_mislukt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for ``allocatie plan``: kept, then written by ``allocatie schrijf``."""
    _kapot(
        monkeypatch,
        "allocatie.planning.uitvoer.schrijf",
        "teken_waaier",
        OSError(errno.EFBIG, "groot"),
    )
    uit = tmp_path / "plan"
    args = ["plan", str(PLAN), "--scenarios", "4", "--zonder-gevoeligheid", "--stil"]
    r = runner.invoke(app, [*args, "--workers", "1", "--uitvoer", str(uit)])
    assert r.exit_code == EXIT_SCHRIJVEN, r.output
    h = _herstelmap(r.output, tmp_path)
    assert not uit.exists()
    monkeypatch.undo()
    monkeypatch.setattr(
        "allocatie.cli.plan.plan_flexcapaciteit", lambda *a, **k: pytest.fail("gerekend")
    )
    r = _schrijf(str(h), "--stil")
    assert r.exit_code == 0, r.output
    assert (uit / "plan.csv").is_file() and (uit / MERK).is_file() and not h.exists()
