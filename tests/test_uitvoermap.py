"""Issue 17: output folders. Whose folder ``--overschrijf`` may replace, one writer at a
time, symlinks, and the checks before solving.

Each test is one fault scenario; its name says the defect and the expected outcome. The
CLI tests solve the example round once (module fixture) and hand that result to the
command instead of solving again (``los_op`` is replaced); a test in which the command
must refuse before solving replaces it by a function that fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import allocatie.io.slot as slot
import allocatie.io.uitvoermap as uitvoermap
from allocatie.cli import app
from allocatie.io.atomisch import atomische_map
from allocatie.io.uitvoermap import MERK, controleer_uitvoermap, slotbestand, vergrendel
from allocatie.kern.errors import InvoerFout
from allocatie.resultaat.result import AllocationResult

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()


def _inhoud(map_: Path) -> dict[str, bytes]:
    """Every file under ``map_`` (relative path -> bytes)."""
    return {
        p.relative_to(map_).as_posix(): p.read_bytes()
        for p in sorted(map_.rglob("*"))
        if p.is_file()
    }


def _alles(map_: Path) -> list[str]:
    return sorted(p.name for p in map_.iterdir())


@pytest.fixture
def nooit_rekenen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command must refuse before it solves."""

    def los_op(*_: Any, **__: Any) -> AllocationResult:
        raise AssertionError("er is gerekend, maar de run had vooraf moeten weigeren")

    monkeypatch.setattr("allocatie.cli.ronde.los_op", los_op)


def _ronde(*args: str) -> Any:
    return runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", *args])


@pytest.fixture
def eigen_uitvoer(tmp_path: Path, zonder_rekenen: list[int]) -> Path:
    """An output folder written by ``allocatie ronde``."""
    uit = tmp_path / "uit"
    r = _ronde("--uitvoer", str(uit))
    assert r.exit_code == 0, r.output
    return uit


# --------------------------------------------------------------------------- finding 1


@pytest.mark.usefixtures("nooit_rekenen")
def test_overschrijf_weigert_de_eigen_invoermap_en_laat_invoer_staan(tmp_path: Path) -> None:
    """Finding 1: ``ronde rr --uitvoer rr --overschrijf`` deleted ronde.toml and every input."""
    rr = tmp_path / "rr"
    shutil.copytree(VOORBEELD, rr)
    voor = _inhoud(rr)
    r = runner.invoke(app, ["ronde", str(rr), "--uitvoer", str(rr), "--overschrijf"])
    assert r.exit_code == 2, r.output
    assert "invoermap" in r.output and "niets verwijderd" in r.output
    assert _inhoud(rr) == voor


@pytest.mark.usefixtures("nooit_rekenen")
def test_overschrijf_weigert_een_map_die_de_invoer_bevat(tmp_path: Path) -> None:
    """The parent of the round folder holds the inputs: refused, nothing deleted."""
    rr = tmp_path / "werk" / "rr"
    shutil.copytree(VOORBEELD, rr)
    voor = _inhoud(tmp_path / "werk")
    r = runner.invoke(app, ["ronde", str(rr), "--uitvoer", str(tmp_path / "werk"), "--overschrijf"])
    assert r.exit_code == 2, r.output
    assert "bevat de invoer" in r.output
    assert _inhoud(tmp_path / "werk") == voor


def test_overschrijf_weigert_de_map_van_de_vorige_uitkomst(
    eigen_uitvoer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-run may not replace the previous outcome it reads (an input of the run)."""
    voor = _inhoud(eigen_uitvoer)
    monkeypatch.setattr("allocatie.cli.ronde.los_op", lambda *a, **k: pytest.fail("gerekend"))
    r = _ronde("--vorige-uitkomst", str(eigen_uitvoer), "--uitvoer", str(eigen_uitvoer))
    r = _ronde(
        "--vorige-uitkomst", str(eigen_uitvoer), "--uitvoer", str(eigen_uitvoer), "--overschrijf"
    )
    assert r.exit_code == 2, r.output
    assert "invoer" in r.output
    assert _inhoud(eigen_uitvoer) == voor


@pytest.mark.usefixtures("nooit_rekenen")
def test_overschrijf_weigert_een_map_met_andere_documenten_en_submappen(tmp_path: Path) -> None:
    """Finding 1: a folder of unrelated documents (with subfolders) was wiped."""
    docs = tmp_path / "documenten"
    (docs / "sub" / "dieper").mkdir(parents=True)
    (docs / "notulen.docx").write_bytes(b"notulen")
    (docs / "sub" / "begroting.xlsx").write_bytes(b"begroting")
    (docs / "sub" / "dieper" / "brief.txt").write_text("brief", encoding="utf-8")
    voor = _inhoud(docs)
    r = _ronde("--uitvoer", str(docs), "--overschrijf")
    assert r.exit_code == 2, r.output
    for naam in ("notulen.docx", "sub/begroting.xlsx", "sub/dieper/brief.txt", MERK):
        assert naam in r.output
    assert _inhoud(docs) == voor


def test_overschrijf_weigert_eigen_uitvoer_met_een_toegevoegd_bestand(
    eigen_uitvoer: Path,
) -> None:
    """A regisseur saved a file of her own in the output folder: it is named, nothing lost."""
    (eigen_uitvoer / "mijn aantekeningen.txt").write_text("belangrijk", encoding="utf-8")
    voor = _inhoud(eigen_uitvoer)
    r = _ronde("--uitvoer", str(eigen_uitvoer), "--overschrijf")
    assert r.exit_code == 2, r.output
    assert "niet door allocatie geschreven" in r.output
    assert "mijn aantekeningen.txt" in r.output
    assert _inhoud(eigen_uitvoer) == voor


def test_overschrijf_weigert_eigen_uitvoer_met_een_gewijzigd_bestand(eigen_uitvoer: Path) -> None:
    """An output file edited after the run (hash differs): refused, named."""
    pad = eigen_uitvoer / "plaatsingen.csv"
    pad.write_text(pad.read_text(encoding="utf-8") + "# nagekeken\n", encoding="utf-8")
    voor = _inhoud(eigen_uitvoer)
    r = _ronde("--uitvoer", str(eigen_uitvoer), "--overschrijf")
    assert r.exit_code == 2, r.output
    assert "gewijzigd nadat allocatie ze schreef" in r.output and "plaatsingen.csv" in r.output
    assert _inhoud(eigen_uitvoer) == voor


@pytest.mark.parametrize(
    "merk", ["geen json", '{"programma": "iets anders", "bestanden": {}}', "[]"], ids=repr
)
def test_overschrijf_weigert_een_onbruikbaar_merkbestand(eigen_uitvoer: Path, merk: str) -> None:
    """A damaged or foreign marker file counts as no marker: refused."""
    (eigen_uitvoer / MERK).write_text(merk, encoding="utf-8")
    voor = _inhoud(eigen_uitvoer)
    r = _ronde("--uitvoer", str(eigen_uitvoer), "--overschrijf")
    assert r.exit_code == 2, r.output
    assert "merkbestand" in r.output
    assert _inhoud(eigen_uitvoer) == voor


def test_overschrijf_vervangt_eigen_uitvoer_ook_als_er_een_bestand_weg_is(
    eigen_uitvoer: Path, zonder_rekenen: list[int]
) -> None:
    """Deleting an output file loses nothing: the folder may still be replaced."""
    (eigen_uitvoer / "kaart.png").unlink()
    r = _ronde("--uitvoer", str(eigen_uitvoer), "--overschrijf")
    assert r.exit_code == 0, r.output
    assert (eigen_uitvoer / "kaart.png").is_file()
    assert len(zonder_rekenen) == 2
    lijst = json.loads((eigen_uitvoer / MERK).read_text(encoding="utf-8"))["bestanden"]
    assert set(lijst) == set(_alles(eigen_uitvoer)) - {MERK}


def test_merkbestand_noemt_elk_bestand_met_zijn_hash(eigen_uitvoer: Path) -> None:
    import hashlib

    data = json.loads((eigen_uitvoer / MERK).read_text(encoding="utf-8"))
    assert data["programma"] == "allocatie"
    assert {"plaatsingen.csv", "allocatie.xlsx", "ronde.gpkg"} <= set(data["bestanden"])
    for naam, sha in data["bestanden"].items():
        assert hashlib.sha256((eigen_uitvoer / naam).read_bytes()).hexdigest() == sha


@pytest.mark.parametrize("optie", ["--json", "--archief"])
def test_json_of_archief_in_de_uitvoermap_geweigerd(
    eigen_uitvoer: Path, monkeypatch: pytest.MonkeyPatch, optie: str
) -> None:
    """A file the run writes *next to* the folder may not lie inside it (it would be lost
    with the folder, or block the next --overschrijf)."""
    monkeypatch.setattr("allocatie.cli.ronde.los_op", lambda *a, **k: pytest.fail("gerekend"))
    voor = _inhoud(eigen_uitvoer)
    naam = "s.json" if optie == "--json" else "a.gpkg"
    r = _ronde("--uitvoer", str(eigen_uitvoer), "--overschrijf", optie, str(eigen_uitvoer / naam))
    assert r.exit_code == 2, r.output
    assert "ligt in de uitvoermap" in r.output
    assert _inhoud(eigen_uitvoer) == voor


def test_plan_overschrijf_weigert_de_invoermap(tmp_path: Path) -> None:
    """The same rule for ``allocatie plan``: its own folder (plan.toml) is refused."""
    plan = tmp_path / "plan"
    shutil.copytree(VOORBEELD.parent / "plan", plan)
    voor = _inhoud(plan)
    r = runner.invoke(
        app, ["plan", str(plan / "plan.toml"), "--uitvoer", str(plan), "--overschrijf", "--stil"]
    )
    assert r.exit_code == 2, r.output
    assert "invoermap" in r.output
    assert _inhoud(plan) == voor


def test_plan_overschrijf_weigert_een_vreemde_map(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("a", encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "plan",
            str(VOORBEELD.parent / "plan" / "plan.toml"),
            "--uitvoer",
            str(docs),
            "--overschrijf",
            "--stil",
        ],
    )
    assert r.exit_code == 2, r.output
    assert "'a.txt'" in r.output
    assert _alles(docs) == ["a.txt"]


def test_genereer_overschrijf_weigert_een_gewijzigde_rondemap(tmp_path: Path) -> None:
    """``genereer --overschrijf``: the same rule; an edited round folder is kept."""
    args = ["genereer", "--gemeenten", "4", "--huishoudens", "10", "--stil", "--uitvoer"]
    doel = tmp_path / "ronde"
    assert runner.invoke(app, [*args, str(doel)]).exit_code == 0
    assert runner.invoke(app, [*args, str(doel), "--overschrijf"]).exit_code == 0
    hh = doel / "huishoudens.csv"
    hh.write_text(hh.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    voor = _inhoud(doel)
    r = runner.invoke(app, [*args, str(doel), "--overschrijf"])
    assert r.exit_code == 2, r.output
    assert "huishoudens.csv" in r.stderr
    assert _inhoud(doel) == voor


# --------------------------------------------------------------------------- finding 3: lock


_HOUD_SLOT = r"""
import sys, time
from pathlib import Path
from allocatie.io.uitvoermap import vergrendel
with vergrendel(Path(sys.argv[1])):
    Path(sys.argv[2]).write_text("vast")
    while not Path(sys.argv[3]).exists():
        time.sleep(0.02)
"""


def _wacht_op(pad: Path, proces: subprocess.Popen[bytes]) -> None:
    """Wait until ``proces`` creates ``pad`` (fail if it ends first)."""
    try:
        proces.wait(timeout=0)
    except subprocess.TimeoutExpired:
        pass
    for _ in range(6000):
        if pad.exists():
            return
        if proces.poll() is not None:
            raise AssertionError(f"het proces stopte voortijdig ({proces.returncode})")
        try:
            proces.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            pass
    raise AssertionError(f"{pad} verscheen niet")  # pragma: no cover


@pytest.fixture
def slot_elders(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """Another process holds the lock of ``tmp_path / 'uit'``; yields folder and pid."""
    doel = (tmp_path / "uit").resolve()
    vast, los = tmp_path / "vast", tmp_path / "los"
    p = subprocess.Popen([sys.executable, "-c", _HOUD_SLOT, str(doel), str(vast), str(los)])
    try:
        _wacht_op(vast, p)
        yield doel, p.pid
    finally:
        los.write_text("los")
        p.wait(timeout=120)


def test_slot_van_een_ander_proces_weigert_met_zijn_pid(slot_elders: tuple[Path, int]) -> None:
    """Finding 3: a second writer into the same folder refuses, naming the other pid."""
    doel, pid = slot_elders
    with pytest.raises(InvoerFout, match=f"proces {pid}"), atomische_map(doel):
        pass  # pragma: no cover
    assert not doel.exists()


@pytest.mark.usefixtures("nooit_rekenen")
def test_ronde_weigert_voor_het_rekenen_als_een_ander_in_de_map_schrijft(
    slot_elders: tuple[Path, int],
) -> None:
    doel, pid = slot_elders
    r = _ronde("--uitvoer", str(doel))
    assert r.exit_code == 2, r.output
    assert f"proces {pid}" in r.output and "andere allocatie-run" in r.output


def test_slot_is_herintreedbaar_en_wordt_opgeruimd(tmp_path: Path) -> None:
    """The CLI holds the lock for the run and the writer takes it again: no self-refusal."""
    doel = (tmp_path / "uit").resolve()
    with vergrendel(doel), atomische_map(doel) as tmp:
        (tmp / "a.txt").write_text("a", encoding="utf-8")
        assert slotbestand(doel).read_text(encoding="ascii").strip() == str(os.getpid())
    assert _alles(tmp_path) == ["uit"]  # lock file gone


def _dode_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_achtergebleven_slot_van_een_gestopt_proces_wordt_overgenomen(tmp_path: Path) -> None:
    """A lock file left by a killed run does not block the next run (flock died with it)."""
    doel = (tmp_path / "uit").resolve()
    slotbestand(doel).write_text(f"{_dode_pid()}\n", encoding="ascii")
    with atomische_map(doel) as tmp:
        (tmp / "a.txt").write_text("a", encoding="utf-8")
    assert _alles(tmp_path) == ["uit"]


def test_zonder_fcntl_verlopen_slot_op_pid_herkend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fallback without ``fcntl`` (exclusive create): a dead pid's lock is stale."""
    monkeypatch.setattr(slot, "fcntl", None)
    doel = (tmp_path / "uit").resolve()
    slotbestand(doel).write_text(f"{_dode_pid()}\n", encoding="ascii")
    with atomische_map(doel) as tmp:
        (tmp / "a.txt").write_text("a", encoding="utf-8")
    assert _alles(tmp_path) == ["uit"]


def test_zonder_fcntl_slot_van_een_levend_proces_weigert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slot, "fcntl", None)
    doel = (tmp_path / "uit").resolve()
    p = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        slotbestand(doel).write_text(f"{p.pid}\n", encoding="ascii")
        with pytest.raises(InvoerFout, match=f"proces {p.pid}"), atomische_map(doel):
            pass  # pragma: no cover
    finally:
        assert p.stdin is not None
        p.stdin.close()
        p.wait(timeout=60)
    assert slotbestand(doel).exists() and not doel.exists()


# --------------------------------------------------------------------------- finding 3: symlinks


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlink_wordt_doorgeschreven_naar_het_doel(
    tmp_path: Path, zonder_rekenen: list[int]
) -> None:
    """Finding 3: the link was replaced by a local folder. Now: the link stays, its target
    gets the result."""
    doelmap = tmp_path / "gedeeld" / "uit"
    doelmap.mkdir(parents=True)
    link = tmp_path / "uit"
    link.symlink_to(doelmap, target_is_directory=True)
    r = _ronde("--uitvoer", str(link))
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and link.resolve() == doelmap.resolve()
    assert (doelmap / "plaatsingen.csv").is_file() and (doelmap / MERK).is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlink_met_overschrijf_vervangt_het_doel_en_niet_de_link(tmp_path: Path) -> None:
    """Finding 3: with --overschrijf the target kept the old result while the run reported
    success. Now the target holds the new result."""
    doelmap = tmp_path / "gedeeld" / "uit"
    with atomische_map(doelmap) as tmp:
        (tmp / "oud.txt").write_text("oud", encoding="utf-8")
    link = tmp_path / "uit"
    link.symlink_to(doelmap, target_is_directory=True)
    with atomische_map(link, overschrijf=True) as tmp:
        (tmp / "nieuw.txt").write_text("nieuw", encoding="utf-8")
    assert link.is_symlink()
    assert _alles(doelmap) == [MERK, "nieuw.txt"]
    assert _alles(tmp_path / "gedeeld") == ["uit"]
    assert _alles(tmp_path) == ["gedeeld", "uit"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlink_naar_niets_geweigerd(tmp_path: Path) -> None:
    link = tmp_path / "uit"
    link.symlink_to(tmp_path / "bestaat-niet")
    with pytest.raises(InvoerFout, match="koppeling"):
        controleer_uitvoermap(link)
    with pytest.raises(InvoerFout, match="koppeling"), atomische_map(link):
        pass  # pragma: no cover
    assert link.is_symlink() and not (tmp_path / "bestaat-niet").exists()


# --------------------------------------------------------------------------- finding 4: checks


def _alleen_lezen(tmp_path: Path) -> Path:
    """A place where this process cannot create anything (also as root: /sys)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        plek = Path("/sys/allocatie-test")
        try:
            plek.mkdir()
        except OSError:
            return plek / "uit"
        plek.rmdir()  # pragma: no cover
        pytest.skip("geen alleen-lezen plek voor root")  # pragma: no cover
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    return ro / "uit"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX-rechten")
@pytest.mark.usefixtures("nooit_rekenen")
def test_alleen_lezen_plek_geweigerd_voor_het_rekenen(tmp_path: Path) -> None:
    """Finding 4: a read-only output location gave a traceback after the solve."""
    uit = _alleen_lezen(tmp_path)
    try:
        r = _ronde("--uitvoer", str(uit))
    finally:
        if uit.parent.parent == tmp_path:
            uit.parent.chmod(0o755)
    assert r.exit_code == 2, r.output
    assert "kan niet schrijven op de plek van de uitvoermap" in r.output
    assert "Traceback" not in r.output


@pytest.mark.usefixtures("nooit_rekenen")
def test_te_weinig_schijfruimte_geweigerd_voor_het_rekenen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 4: a full disk (ENOSPC/EFBIG) was only found after the solve."""
    echt: Callable[..., Any] = shutil.disk_usage

    def vol(pad: Any) -> Any:
        return echt(pad)._replace(free=1_000)

    monkeypatch.setattr(uitvoermap.shutil, "disk_usage", vol)
    r = _ronde("--uitvoer", str(tmp_path / "uit"))
    assert r.exit_code == 2, r.output
    assert "te weinig vrije schijfruimte" in r.output
    assert not (tmp_path / "uit").exists() and _alles(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="ulimit")
def test_grens_op_bestandsgrootte_geweigerd_voor_het_rekenen(tmp_path: Path) -> None:
    """``ulimit -f`` (EFBIG): refused before solving, in a real process with the limit."""
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))\n"
        "import allocatie.cli.ronde as r\n"
        "r.los_op = lambda *a, **k: sys.exit(99)\n"
        "from allocatie.cli import app\n"
        "app(sys.argv[1:], prog_name='allocatie')\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code, "ronde", str(VOORBEELD), "--stil", "--uitvoer", "uit"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 2, p.stderr
    assert "ulimit -f" in p.stderr
    assert _alles(tmp_path) == []


def test_een_bestand_als_uitvoermap_geweigerd(tmp_path: Path) -> None:
    (tmp_path / "uit").write_text("x", encoding="utf-8")
    with pytest.raises(InvoerFout, match="is een bestand"):
        controleer_uitvoermap(tmp_path / "uit", overschrijf=True)
    assert (tmp_path / "uit").read_text(encoding="utf-8") == "x"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_overschrijf_weigert_een_symlink_in_de_uitvoermap(tmp_path: Path) -> None:
    """A listed file replaced by a symlink (to a document elsewhere) is not allocatie's:
    refused, and the link's target is never read as output nor deleted."""
    doel = tmp_path / "uit"
    with atomische_map(doel) as tmp:
        (tmp / "a.txt").write_text("a", encoding="utf-8")
    elders = tmp_path / "belangrijk.txt"
    elders.write_text("niet weggooien", encoding="utf-8")
    (doel / "a.txt").unlink()
    (doel / "a.txt").symlink_to(elders)
    with pytest.raises(InvoerFout, match=r"niet door allocatie geschreven: 'a\.txt'"):
        controleer_uitvoermap(doel, overschrijf=True)
    assert (doel / "a.txt").is_symlink()
    assert elders.read_text(encoding="utf-8") == "niet weggooien"
