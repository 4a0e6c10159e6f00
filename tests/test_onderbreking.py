"""Issue 17, findings 3 and 5: interrupted and concurrent runs.

Real processes: ``allocatie ronde`` started with ``python -c`` (the solve replaced by the
example's pickled result, the writer paused at a known point by a file handshake), then
killed (SIGKILL, SIGTERM, SIGHUP, SIGINT) or raced by a second run. No wall-clock
asserts: the tests wait for files, with generous limits only against hanging.
"""

from __future__ import annotations

import os
import pickle
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import allocatie
from allocatie.cli import app
from allocatie.io.atomisch import atomisch_pad, atomische_map
from allocatie.io.uitvoermap import MERK, ruim_resten, slotbestand
from allocatie.kern.errors import Onderbreking

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX-signalen en -rechten")

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()

#: ``allocatie ronde`` in a child process: argv = result pickle, pause point, "paused"
#: file, "go on" file, then the command's arguments.
_RONDE = r"""
import os, pickle, sys, time
from pathlib import Path
import allocatie.cli.ronde as ronde
import allocatie.reports.uitvoer as uitvoer

opgelost, punt, sein, verder = sys.argv[1:5]
with open(opgelost, "rb") as f:
    res = pickle.load(f)
ronde.los_op = lambda inst, **kw: res


def pauze():
    Path(sein).write_text(str(os.getpid()))
    while not Path(verder).exists():
        time.sleep(0.01)


if punt == "rekenen":  # holding the output folder, solving
    ronde.los_op = lambda inst, **kw: (pauze(), res)[1]
elif punt == "schrijven":  # the tables (plaatsingen.csv) are in the temporary folder
    werkboek = uitvoer.schrijf_werkboek

    def traag(*a, **k):
        pauze()
        return werkboek(*a, **k)

    uitvoer.schrijf_werkboek = traag
elif punt == "weggezet":  # the old output was just moved aside, the new not yet in place
    replace = os.replace

    def langzaam(a, b, *r, **k):
        replace(a, b, *r, **k)
        if str(b).endswith(".oud"):
            pauze()

    os.replace = langzaam
from allocatie.cli import app

app(sys.argv[5:], prog_name="allocatie")
"""


@pytest.fixture(scope="module")
def resultaat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example round's solved result, pickled for the child processes."""
    inst = allocatie.laad_ronde(VOORBEELD)
    pad = tmp_path_factory.mktemp("opgelost") / "res.pkl"
    pad.write_bytes(pickle.dumps(allocatie.los_op(inst)))
    return pad


class Kind:
    """A child ``allocatie ronde`` paused at ``punt``."""

    def __init__(self, resultaat: Path, werk: Path, punt: str, *args: str) -> None:
        self.sein, self.verder = werk / f"sein-{punt}", werk / f"verder-{punt}"
        self.proces = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _RONDE,
                str(resultaat),
                punt,
                str(self.sein),
                str(self.verder),
                "ronde",
                str(VOORBEELD),
                "--stil",
                *args,
            ],
            cwd=werk,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def wacht_op_pauze(self) -> None:
        for _ in range(30_000):
            if self.sein.exists():
                return
            try:
                _, fout = self.proces.communicate(timeout=0.01)
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"stopte voor de pauze ({self.proces.returncode}): {fout!r}")
        raise AssertionError("de pauze kwam niet")  # pragma: no cover

    def ga_door(self) -> tuple[int, str]:
        self.verder.write_text("")
        return self.einde()

    def einde(self) -> tuple[int, str]:
        _, fout = self.proces.communicate(timeout=300)
        return self.proces.returncode, fout.decode("utf-8")


def _alles(map_: Path) -> list[str]:
    return sorted(p.name for p in map_.iterdir())


def _eerdere_uitvoer(uit: Path) -> dict[str, bytes]:
    with atomische_map(uit) as tmp:
        (tmp / "oud.txt").write_text("de vorige ronde", encoding="utf-8")
    return {p.name: p.read_bytes() for p in uit.iterdir()}


# --------------------------------------------------------------------------- real processes


@pytest.mark.parametrize(
    ("signaal", "code"),
    [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)],
    ids=["SIGTERM", "SIGHUP", "SIGINT"],
)
def test_signaal_tijdens_het_schrijven_laat_niets_achter(
    resultaat: Path, tmp_path: Path, signaal: int, code: int
) -> None:
    """Finding 5: SIGTERM during writing left a hidden ``.…tmp`` folder with
    plaatsingen.csv (household ids). Now: nothing is left, exit 128 + signal, Dutch."""
    kind = Kind(resultaat, tmp_path, "schrijven", "--uitvoer", "uit")
    kind.wacht_op_pauze()
    tijdelijk = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(tijdelijk) == 1 and (tijdelijk[0] / "plaatsingen.csv").is_file()
    os.kill(kind.proces.pid, signaal)
    rc, fout = kind.einde()
    assert rc == code, fout
    assert "Afgebroken" in fout and "Traceback" not in fout
    assert _alles(tmp_path) == [kind.sein.name]  # no output, no .tmp, no lock file


@pytest.mark.parametrize("signaal", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signaal_tijdens_het_rekenen_stopt_meteen_en_ruimt_het_slot_op(
    resultaat: Path, tmp_path: Path, signaal: int
) -> None:
    """While solving (solver threads may run) the run stops at once, as without a handler,
    and removes its lock file; nothing was written yet."""
    kind = Kind(resultaat, tmp_path, "rekenen", "--uitvoer", "uit")
    kind.wacht_op_pauze()
    assert slotbestand((tmp_path / "uit").resolve()).exists()
    os.kill(kind.proces.pid, signaal)
    rc, fout = kind.einde()
    assert rc == -signaal, fout
    assert _alles(tmp_path) == [kind.sein.name]


def test_sigterm_bij_overschrijven_laat_de_vorige_uitvoer_staan(
    resultaat: Path, tmp_path: Path
) -> None:
    voor = _eerdere_uitvoer(tmp_path / "uit")
    kind = Kind(resultaat, tmp_path, "schrijven", "--uitvoer", "uit", "--overschrijf")
    kind.wacht_op_pauze()
    kind.proces.terminate()
    rc, fout = kind.einde()
    assert rc == 143, fout
    assert {p.name: p.read_bytes() for p in (tmp_path / "uit").iterdir()} == voor
    assert _alles(tmp_path) == [kind.sein.name, "uit"]


def test_kill_9_tijdens_het_schrijven_resten_afgeschermd_en_daarna_opgeruimd(
    resultaat: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 5: kill -9 cannot be caught. Its temporary folder is readable by the owner
    only, and the next run into the same place removes it (and takes over the lock)."""
    kind = Kind(resultaat, tmp_path, "schrijven", "--uitvoer", "uit")
    kind.wacht_op_pauze()
    kind.proces.kill()
    assert kind.einde()[0] == -signal.SIGKILL
    tijdelijk = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(tijdelijk) == 1 and (tijdelijk[0] / "plaatsingen.csv").is_file()
    assert stat.S_IMODE(tijdelijk[0].stat().st_mode) == 0o700
    assert slotbestand((tmp_path / "uit").resolve()).exists()
    res = pickle.loads(resultaat.read_bytes())
    monkeypatch.setattr("allocatie.cli.ronde.los_op", lambda *a, **k: res)
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "--uitvoer", "uit"])
    assert r.exit_code == 0, r.output
    assert _alles(tmp_path) == [kind.sein.name, "uit"]
    assert (tmp_path / "uit" / MERK).is_file()


def test_kill_9_na_het_wegzetten_van_de_oude_uitvoer_zet_die_terug(
    resultaat: Path, tmp_path: Path
) -> None:
    """Finding 5: a kill right after the old result was moved aside left no ``--uitvoer``
    at all. The next run into the same place puts the old result back (and then, without
    --overschrijf, refuses to replace it)."""
    voor = _eerdere_uitvoer(tmp_path / "uit")
    kind = Kind(resultaat, tmp_path, "weggezet", "--uitvoer", "uit", "--overschrijf")
    kind.wacht_op_pauze()
    kind.proces.kill()
    kind.einde()
    assert not (tmp_path / "uit").exists()
    assert [p.name for p in tmp_path.glob(".uit.*.oud")]
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--stil", "--uitvoer", str(tmp_path / "uit")])
    assert r.exit_code == 2, r.output
    assert {p.name: p.read_bytes() for p in (tmp_path / "uit").iterdir()} == voor
    assert _alles(tmp_path) == [kind.sein.name, "uit"]


def test_twee_runs_tegelijk_in_dezelfde_map(resultaat: Path, tmp_path: Path) -> None:
    """Finding 3: two runs into the same new folder both exited 0 and one silently replaced
    the other. Now the second refuses (exit 2, naming the first's pid); the first writes."""
    eerste = Kind(resultaat, tmp_path, "schrijven", "--uitvoer", "uit", "--json", "een.json")
    eerste.wacht_op_pauze()
    tweede = Kind(resultaat, tmp_path, "geen", "--uitvoer", "uit", "--json", "twee.json")
    rc, fout = tweede.einde()
    assert rc == 2, fout
    assert f"proces {eerste.proces.pid}" in fout and "andere allocatie-run" in fout
    rc, fout = eerste.ga_door()
    assert rc == 0, fout
    assert (tmp_path / "een.json").is_file() and not (tmp_path / "twee.json").exists()
    assert (tmp_path / "uit" / MERK).is_file()
    assert _alles(tmp_path) == sorted(["een.json", eerste.sein.name, eerste.verder.name, "uit"])


# --------------------------------------------------------------------------- in this process


def test_sigterm_in_dit_proces_ruimt_de_tijdelijke_map_op(tmp_path: Path) -> None:
    """SIGTERM inside `atomische_map` raises `Onderbreking` and the clean-up runs."""
    with pytest.raises(Onderbreking) as e, atomische_map(tmp_path / "uit") as tmp:
        (tmp / "plaatsingen.csv").write_text("huishouden_id\nH1\n", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGTERM)
    assert e.value.signaal == signal.SIGTERM
    assert _alles(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handler restored


def test_tijdelijke_map_en_bestand_alleen_voor_de_eigenaar(tmp_path: Path) -> None:
    """Finding 5: temporary data with household ids was readable for others (umask)."""
    with atomische_map(tmp_path / "uit") as tmp:
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o700
    with atomisch_pad(tmp_path / "plaatsingen.csv") as tmp:
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
        tmp.write_text("huishouden_id\n", encoding="utf-8")
    oud = os.umask(0o022)
    os.umask(oud)
    assert stat.S_IMODE((tmp_path / "uit").stat().st_mode) == 0o777 & ~oud
    assert stat.S_IMODE((tmp_path / "plaatsingen.csv").stat().st_mode) == 0o666 & ~oud


def test_achtergebleven_tmp_wordt_opgeruimd_andere_namen_niet(tmp_path: Path) -> None:
    doel = tmp_path / "uit"
    (tmp_path / ".uit.0123456789ab.tmp").mkdir()
    (tmp_path / ".uit.0123456789ab.tmp" / "plaatsingen.csv").write_text("x", encoding="utf-8")
    (tmp_path / ".uitje.0123456789ab.tmp").mkdir()  # another folder's: not ours
    (tmp_path / ".uit.0123456789ab.tmp.bak").write_text("x", encoding="utf-8")
    meldingen = ruim_resten(doel)
    assert len(meldingen) == 1 and "opgeruimd" in meldingen[0]
    assert _alles(tmp_path) == [".uit.0123456789ab.tmp.bak", ".uitje.0123456789ab.tmp"]


def test_achtergebleven_oud_naast_nieuwe_uitvoer_wordt_opgeruimd(tmp_path: Path) -> None:
    """Killed after the new output arrived but before the old was removed."""
    doel = tmp_path / "uit"
    _eerdere_uitvoer(doel)
    _eerdere_uitvoer(tmp_path / "x")
    (tmp_path / "x").rename(tmp_path / ".uit.4242.oud")
    with atomische_map(doel, overschrijf=True) as tmp:
        (tmp / "nieuw.txt").write_text("nieuw", encoding="utf-8")
    assert _alles(tmp_path) == ["uit"]
    assert _alles(doel) == [MERK, "nieuw.txt"]


def test_van_meerdere_oud_mappen_komt_de_nieuwste_terug(tmp_path: Path) -> None:
    doel = tmp_path / "uit"
    for i, pid in enumerate((111, 222)):
        with atomische_map(tmp_path / f"x{pid}") as tmp:
            (tmp / "wie.txt").write_text(str(pid), encoding="utf-8")
        p = (tmp_path / f"x{pid}").rename(tmp_path / f".uit.{pid}.oud")
        os.utime(p, ns=(10**18 + i, 10**18 + i))
    ruim_resten(doel)
    assert _alles(tmp_path) == ["uit"]
    assert (doel / "wie.txt").read_text(encoding="utf-8") == "222"


def test_keyboardinterrupt_bij_het_wisselen_zet_de_oude_map_terug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C between moving the old folder aside and moving the new one in."""
    import allocatie.io.atomisch as atomisch

    doel = tmp_path / "uit"
    voor = _eerdere_uitvoer(doel)
    echt = os.replace

    def onderbroken(a: Any, b: Any) -> None:
        echt(a, b)
        if str(b).endswith(".oud"):
            raise KeyboardInterrupt

    monkeypatch.setattr(atomisch.os, "replace", onderbroken)
    with pytest.raises(KeyboardInterrupt), atomische_map(doel, overschrijf=True) as tmp:
        (tmp / "nieuw.txt").write_text("nieuw", encoding="utf-8")
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in doel.iterdir()} == voor
    assert _alles(tmp_path) == ["uit"]


def test_bestand_dat_tijdens_het_schrijven_in_de_oude_map_kwam_blijft_bewaard(
    tmp_path: Path,
) -> None:
    """Someone saves a file in the old output folder after the check, while the new output
    is written: the old folder is not deleted but kept visibly as ``uit.vorige``."""
    doel = tmp_path / "uit"
    _eerdere_uitvoer(doel)
    with atomische_map(doel, overschrijf=True) as tmp:
        (doel / "nagekomen.txt").write_text("belangrijk", encoding="utf-8")
        (tmp / "nieuw.txt").write_text("nieuw", encoding="utf-8")
    assert _alles(tmp_path) == ["uit", "uit.vorige"]
    assert _alles(doel) == [MERK, "nieuw.txt"]
    assert (tmp_path / "uit.vorige" / "nagekomen.txt").read_text(encoding="utf-8") == "belangrijk"


def test_oud_zonder_merk_naast_nieuwe_uitvoer_wordt_niet_gewist(tmp_path: Path) -> None:
    """A leftover ``.oud`` with files allocatie did not write is kept visibly, not deleted."""
    doel = tmp_path / "uit"
    _eerdere_uitvoer(doel)
    (tmp_path / ".uit.4242.oud").mkdir()
    (tmp_path / ".uit.4242.oud" / "brief.txt").write_text("x", encoding="utf-8")
    meldingen = ruim_resten(doel)
    assert "uit.vorige" in meldingen[0]
    assert _alles(tmp_path) == ["uit", "uit.vorige"]
    assert _alles(tmp_path / "uit.vorige") == ["brief.txt"]
