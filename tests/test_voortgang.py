"""Progress in the terminal, ``--stil`` and ``--json -`` for scripts.

Progress goes to stderr (a line per finished phase with its duration; a live
spinner only on a terminal), the overview to stdout; ``--stil`` leaves only
errors, and ``--json -`` puts the JSON summary on stdout, equal to
``samenvatting.json``.
"""

from __future__ import annotations

import doctest
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bouwers import gemeente, huishouden, ronde, woning
from rich.console import Console
from typer.testing import CliRunner

import allocatie
import allocatie.kern.voortgang
from allocatie.cli import app
from allocatie.cli import voortgang as cli_voortgang
from allocatie.cli.voortgang import TerminalVoortgang, duur_tekst
from allocatie.invoer.laden import laad_ronde
from allocatie.kern.sweep import veeg
from allocatie.kern.voortgang import Melding, fase

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"
runner = CliRunner()
#: A finished phase on stderr: indent, tick, text, duration in Dutch, details.
REGEL = re.compile(r"^(?P<in> *)✓ (?P<tekst>.+?) +(?P<duur>\d+(,\d+)? s|\d+ min \d\d s)(  .*)?$")


@pytest.fixture(autouse=True)
def geen_kleur(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich must see the captured streams as what they are: not a terminal."""
    for naam in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(naam, raising=False)


def _fasen(stderr: str) -> list[tuple[int, str]]:
    """(indent, text) of every finished-phase line on stderr."""
    uit = []
    for regel in stderr.splitlines():
        m = REGEL.match(regel)
        if m:
            uit.append((len(m["in"]) // 2, m["tekst"]))
    return uit


def test_doctests() -> None:
    assert doctest.testmod(cli_voortgang).failed == 0
    assert doctest.testmod(allocatie.kern.voortgang).failed == 0


# --------------------------------------------------------------------------- allocatie ronde


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    uit = tmp_path_factory.mktemp("ronde") / "uit"
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit)])
    assert r.exit_code == 0, r.output
    return uit, r.stdout, r.stderr


def test_voortgang_in_volgorde_op_stderr(run: tuple[Path, str, str]) -> None:
    _, stdout, stderr = run
    # Without a previous outcome the level "stabiliteit" is skipped.
    niveaus = [n for n in allocatie.laad_preset("standaard").doel.volgorde if n != "stabiliteit"]
    verwacht = [
        (0, "Invoer inlezen"),
        (0, "Invoer controleren"),
        (0, "Model bouwen"),
        *((0, f"Niveau {n} oplossen") for n in niveaus),
        (0, "Onafhankelijke controle (verify)"),
        (0, "Verklaringen opstellen"),
        (1, "Tabellen (CSV)"),
        (1, "Werkboek (allocatie.xlsx)"),
        (1, "Samenvatting (samenvatting.json)"),
        (1, "Kaart (kaart.png)"),
        (1, "Rapport (rapport.html)"),
        (1, "Rondearchief (ronde.gpkg)"),
        (0, "Uitvoer schrijven"),
    ]
    assert _fasen(stderr) == verwacht
    # Every line of stderr is a phase line: no spinner, no cursor control off a terminal.
    assert len(stderr.splitlines()) == len(verwacht)
    assert "\x1b" not in stderr
    assert "12 gemeenten, 150 huishoudens, 36 woonopties" in stderr
    # The overview is on stdout, the progress is not.
    assert "Doelniveaus" in stdout and "✓" not in stdout


def test_stil_zonder_json_schrijft_niets(tmp_path: Path) -> None:
    uit = tmp_path / "uit"
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit), "--stil"])
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and r.stderr == ""
    assert (uit / "ronde.gpkg").exists() and (uit / "rapport.html").exists()


def test_stil_json_naar_stdout(tmp_path: Path) -> None:
    uit = tmp_path / "uit"
    r = runner.invoke(
        app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit), "--stil", "--json", "-"]
    )
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    data = json.loads(r.stdout)  # stdout holds the JSON and nothing else
    assert data == json.loads((uit / "samenvatting.json").read_text(encoding="utf-8"))
    assert r.stdout == (uit / "samenvatting.json").read_text(encoding="utf-8")
    assert data["status"] == "optimaal"
    assert not (tmp_path / "-").exists()


def test_json_naar_stdout_zet_overzicht_op_stderr(tmp_path: Path) -> None:
    uit = tmp_path / "uit"
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit), "--json", "-"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["ronde"] == "Voorbeeldprovincie 2025-I"
    assert "Doelniveaus" in r.stderr and "✓ Model bouwen" in r.stderr


def test_stil_bij_fout_alleen_de_foutmelding(tmp_path: Path) -> None:
    ronde = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, ronde)
    toml = ronde / "ronde.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('model = "standaard"', 'model = "bestaat-niet"'),
        encoding="utf-8",
    )
    r = runner.invoke(
        app, ["ronde", str(ronde), "--uitvoer", str(tmp_path / "uit"), "--stil", "--json", "-"]
    )
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("Fout:") and "bestaat-niet" in r.stderr
    assert not (tmp_path / "uit").exists()


def test_onderbroken_fase_wordt_gemeld(tmp_path: Path) -> None:
    """Without --stil a failing phase shows as 'afgebroken' before the error message."""
    ronde = tmp_path / "ronde"
    shutil.copytree(VOORBEELD, ronde)
    hh = ronde / "huishoudens.csv"
    regels = hh.read_text(encoding="utf-8").splitlines()
    kop = regels[0].split(",")
    velden = regels[1].split(",")
    velden[kop.index("personen")] = "nul"
    regels[1] = ",".join(velden)
    hh.write_text("\n".join(regels) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["ronde", str(ronde), "--uitvoer", str(tmp_path / "uit")])
    assert r.exit_code == 2
    regels = r.stderr.splitlines()
    afgebroken = [i for i, t in enumerate(regels) if t.startswith("✗ ")]
    fout = [i for i, t in enumerate(regels) if t.startswith("Fout:")]
    assert len(afgebroken) == 1 and "afgebroken" in regels[afgebroken[0]]
    assert fout and afgebroken[0] < fout[0]
    assert r.stdout == ""


def test_bestaande_uitvoermap_geweigerd_voor_het_rekenen(tmp_path: Path) -> None:
    uit = tmp_path / "uit"
    uit.mkdir()
    (uit / "oud.txt").write_text("x", encoding="utf-8")
    r = runner.invoke(app, ["ronde", str(VOORBEELD), "--uitvoer", str(uit)])
    assert r.exit_code == 2
    assert "--overschrijf" in r.stderr
    assert "Model bouwen" not in r.stderr  # refused before the work
    assert [p.name for p in uit.iterdir()] == ["oud.txt"]


def test_json_pad_vooraf_gecontroleerd(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "ronde",
            str(VOORBEELD),
            "--uitvoer",
            str(tmp_path / "uit"),
            "--json",
            str(tmp_path / "weg" / "s.json"),
        ],
    )
    assert r.exit_code == 2
    assert "bestaat niet" in r.stderr and "Model bouwen" not in r.stderr
    assert not (tmp_path / "uit").exists()


# --------------------------------------------------------------------------- other commands


def test_genereer_stil_en_met_voortgang(tmp_path: Path) -> None:
    args = ["genereer", "--gemeenten", "4", "--huishoudens", "20", "--seed", "3"]
    r = runner.invoke(app, [*args, "--uitvoer", str(tmp_path / "a"), "--stil"])
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and r.stderr == ""
    assert (tmp_path / "a" / "ronde.toml").exists()
    r = runner.invoke(app, [*args, "--uitvoer", str(tmp_path / "b")])
    assert r.exit_code == 0, r.output
    assert [t for _, t in _fasen(r.stderr)] == ["Ronde genereren", "Rondemap schrijven"]
    assert "Ronde geschreven naar" in r.stdout
    assert (tmp_path / "a" / "huishoudens.csv").read_bytes() == (
        tmp_path / "b" / "huishoudens.csv"
    ).read_bytes()


def test_taakstelling_stil(tmp_path: Path) -> None:
    inwoners = tmp_path / "inwoners.csv"
    inwoners.write_text(
        "gemeente_code,gemeente_naam,inwoners\nGM0001,A,1000\nGM0002,B,3000\n", encoding="utf-8"
    )
    uit = tmp_path / "taak.csv"
    args = ["taakstelling", "--vg", "40", "--inwoners", str(inwoners), "--uitvoer", str(uit)]
    r = runner.invoke(app, [*args, "--stil"])
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and r.stderr == ""
    assert uit.read_text(encoding="utf-8") == "gemeente_code,taakstelling\nGM0001,10\nGM0002,30\n"


# --------------------------------------------------------------------------- the library


def test_laad_ronde_meldt_laden_en_valideren() -> None:
    meldingen: list[Melding] = []
    inst = laad_ronde(VOORBEELD, voortgang=meldingen.append)
    assert [(m.fase, m.klaar) for m in meldingen] == [
        ("laden", False),
        ("laden", True),
        ("valideren", False),
        ("valideren", True),
    ]
    assert meldingen[1].details == "5 bestanden"
    assert meldingen[3].details == (
        f"{len(inst.gemeenten)} gemeenten, 150 huishoudens, {len(inst.opties)} woonopties"
    )


def test_maak_instance_meldt_valideren() -> None:
    meldingen: list[Melding] = []
    inst = ronde(
        [gemeente(1)], {1: 1}, [huishouden("H1")], [woning("W1", 1)], voortgang=meldingen.append
    )
    assert [(m.fase, m.klaar) for m in meldingen] == [("valideren", False), ("valideren", True)]
    assert meldingen[1].details == "1 gemeente, 1 huishouden, 1 woonoptie"
    assert inst.n_huishoudens == 1


# --------------------------------------------------------------------------- the renderer


def test_afgebroken_fasen_bij_een_fout() -> None:
    uit = io.StringIO()
    with pytest.raises(RuntimeError):
        with TerminalVoortgang(Console(file=uit, width=100)) as v:
            with fase(v, "uitvoer", "Uitvoer schrijven"):
                with fase(v, "uitvoer:kaart", "Kaart (kaart.png)") as details:
                    details.append("nooit getoond")
                with fase(v, "uitvoer:rapport", "Rapport (rapport.html)"):
                    raise RuntimeError("schijf vol")
    regels = uit.getvalue().splitlines()
    assert regels[0].startswith("  ✓ Kaart (kaart.png)") and "nooit getoond" in regels[0]
    assert regels[1].startswith("  ✗ Rapport (rapport.html)") and "afgebroken" in regels[1]
    assert regels[2].startswith("✗ Uitvoer schrijven") and "afgebroken" in regels[2]
    assert len(regels) == 3


def test_live_op_een_terminal() -> None:
    """On a terminal a spinner runs while a phase runs; the finished lines remain."""
    uit = io.StringIO()
    console = Console(file=uit, width=100, force_terminal=True, color_system=None)
    with TerminalVoortgang(console) as v:
        assert v.live
        with fase(v, "bouwen", "Model bouwen") as details:
            details.append("12 variabelen")
            assert v._progress is not None and v._progress.live.is_started
        assert v._progress is None  # stopped between phases: stdout may print freely
    tekst = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", uit.getvalue())
    assert "✓ Model bouwen" in tekst and "12 variabelen" in tekst
    assert not TerminalVoortgang(Console(file=io.StringIO())).live


def test_tussenstanden_niet_in_een_log() -> None:
    """Off a terminal a sweep's interim events write nothing: one line for the sweep."""
    uit = io.StringIO()
    with TerminalVoortgang(Console(file=uit, width=100)) as v:
        assert veeg(abs, [-1, 2, -3], workers=1, voortgang=v) == [1, 2, 3]
    regels = uit.getvalue().splitlines()
    assert len(regels) == 1
    assert REGEL.match(regels[0]) and regels[0].startswith("✓ Sweep ")
    assert regels[0].endswith("3 taken, serieel")


def test_tussenstand_wordt_de_tekst_van_de_spinner() -> None:
    """On a terminal an interim event updates its phase's spinner; it starts no phase."""
    uit = io.StringIO()
    console = Console(file=uit, width=100, force_terminal=True, color_system=None)
    with TerminalVoortgang(console) as v:
        v(Melding("ronde", "Ronde"))
        v(Melding("sweep", "Sweep"))
        v(Melding("sweep", "Sweep: 1/3 klaar", gedaan=1, totaal=3))
        assert v._progress is not None
        assert [t.description for t in v._progress.tasks] == ["Ronde", "  Sweep: 1/3 klaar"]
        v(Melding("elders", "Elders: 1/2 klaar", gedaan=1, totaal=2))  # no such phase: dropped
        assert len(v._progress.tasks) == 2 and len(v._open) == 2
        v(Melding("sweep", "Sweep", True, 0.5, "3 taken"))
        v(Melding("ronde", "Ronde", True, 1.0))
        assert v._progress is None
    tekst = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", uit.getvalue())
    assert "  ✓ Sweep " in tekst and "3 taken" in tekst and "✓ Ronde " in tekst
    assert "✓ Sweep:" not in tekst and "Elders" not in tekst  # a finished line keeps the start text


@pytest.mark.parametrize(
    ("seconden", "tekst"),
    [(0, "0,00 s"), (0.004, "0,00 s"), (9.994, "9,99 s"), (10, "10,0 s"), (59.9, "59,9 s"),
     (60, "1 min 00 s"), (3599, "59 min 59 s")],
)  # fmt: skip
def test_duur_tekst(seconden: float, tekst: str) -> None:
    assert duur_tekst(seconden) == tekst


@pytest.mark.parametrize("stil", [False, True])
def test_stil_houdt_ook_logwaarschuwingen_van_stderr(stil: bool, tmp_path: Path) -> None:
    """A warning allocatie logs during the round reaches stderr through Python's last-resort
    handler (the CLI configures no logging): shown without ``--stil``, not with it. In a
    separate process: under pytest its own log handlers would catch the warning."""
    bericht = "Tijdslimiet bereikt vóór niveau kosten"
    script = (
        "import logging, sys\n"
        "import allocatie.cli.ronde as r\n"
        "echt = r.los_op\n"
        "def los_op(*a, **k):\n"
        f"    logging.getLogger('allocatie.strategie.oplossen').warning({bericht!r})\n"
        "    return echt(*a, **k)\n"
        "r.los_op = los_op\n"
        "from allocatie.cli import app\n"
        "app(sys.argv[1:], prog_name='allocatie')\n"
    )
    args = ["ronde", str(VOORBEELD), "--uitvoer", str(tmp_path / "uit")]
    p = subprocess.run(
        [sys.executable, "-c", script, *args, *(["--stil"] if stil else [])],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert p.returncode == 0, p.stderr
    assert (bericht in p.stderr) is not stil
    if stil:
        assert p.stderr == "" and p.stdout == ""
