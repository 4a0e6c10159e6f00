"""The built wheel works outside the checkout (issue 18).

Builds the wheel from a copy of the sources, installs it with pip in a new
virtual environment outside the checkout, removes the copy, and runs
``allocatie --version``, ``allocatie voorbeeld`` and ``allocatie ronde`` from a
temporary folder: the presets and the examples must come from the installed
package. The new environment borrows the dependencies (numpy, pandas, highspy,
...) of the running one through a ``.pth`` path entry, so the test needs no
download of them; ``.ci/run`` does the same with a fully fresh install.

Building needs setuptools>=77 from the package index (pip's isolated build);
without an index the test is skipped, with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from allocatie.kern.versie import VERSIE

REPO = Path(__file__).resolve().parents[1]
#: The folders the build reads: the package and the folders mapped into it. The
#: top-level files (pyproject.toml, setup.py, README.md, a licence) are copied too.
BRONMAPPEN = ("allocatie", "models", "data")


def _draai(args: list[str], *, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    omgeving = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        args, cwd=cwd, env=omgeving, capture_output=True, text=True, timeout=timeout, check=False
    )


def _kopieer_bronnen(doel: Path) -> None:
    negeer = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*_cache")
    for naam in BRONMAPPEN:
        shutil.copytree(REPO / naam, doel / naam, ignore=negeer)
    for bestand in REPO.iterdir():
        if bestand.is_file() and not bestand.name.startswith("."):
            shutil.copy2(bestand, doel / bestand.name)


def test_wiel_werkt_buiten_de_checkout(tmp_path: Path) -> None:
    werk = tmp_path / "werk"
    werk.mkdir()
    # The build backend must be reachable (PyPI or PIP_FIND_LINKS); else skip.
    index = _draai(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "-d",
            str(tmp_path / "bouwhulp"),
            "setuptools>=77",
        ],
        cwd=werk,
    )
    if index.returncode != 0:
        pytest.skip(
            "geen pakketindex bereikbaar voor het bouwen van het wiel (setuptools>=77): "
            + (index.stderr.strip().splitlines() or ["onbekende fout"])[-1]
        )

    bron = tmp_path / "bron"
    _kopieer_bronnen(bron)
    wielen = tmp_path / "wielen"
    bouw = _draai(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wielen), str(bron)],
        cwd=werk,
    )
    assert bouw.returncode == 0, bouw.stdout + bouw.stderr
    assert "warning" not in (bouw.stdout + bouw.stderr).lower(), bouw.stdout + bouw.stderr
    (wiel,) = wielen.glob("allocatie-*.whl")
    shutil.rmtree(bron)  # nothing may reach the sources any more

    venv = tmp_path / "venv"
    assert _draai([sys.executable, "-m", "venv", str(venv)], cwd=werk).returncode == 0
    python = venv / "bin" / "python"
    eigen = Path(
        _draai(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=werk,
        ).stdout.strip()
    )
    # The dependencies of the running environment, as a plain path entry (its own
    # .pth files, such as an editable install's finder, are not processed).
    (eigen / "_allocatie_afhankelijkheden.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    installeer = _draai(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--force-reinstall",
            "-q",
            str(wiel),
        ],
        cwd=werk,
    )
    assert installeer.returncode == 0, installeer.stdout + installeer.stderr

    allocatie = str(venv / "bin" / "allocatie")
    versie = _draai([allocatie, "--version"], cwd=werk)
    assert versie.stdout == f"allocatie {VERSIE}\n", versie.stdout + versie.stderr

    # The package, its presets and examples are those of the new environment.
    waar = _draai(
        [
            str(python),
            "-c",
            "import allocatie, allocatie.ronde.presets as p, allocatie.kern.meegeleverd as m; "
            "print(allocatie.__file__); print(p.MODELS_MAP); print(m.voorbeeld_map()); "
            "print(','.join(p.beschikbare_presets())); print(p.laad_preset('standaard').naam)",
        ],
        cwd=werk,
    )
    assert waar.returncode == 0, waar.stderr
    pakket, modellen, voorbeeld, presets, standaard = waar.stdout.split()
    for pad in (pakket, modellen, voorbeeld):
        assert Path(pad).is_relative_to(eigen / "allocatie"), pad
    assert {"standaard", "werk-eerst", "ruil"} <= set(presets.split(","))
    assert standaard == "standaard"

    vb = _draai([allocatie, "voorbeeld", "vb"], cwd=werk)
    assert vb.returncode == 0, vb.stdout + vb.stderr
    assert "allocatie ronde vb" in vb.stdout
    assert (werk / "vb" / "ronde.toml").is_file()
    assert (werk / "vb" / "plan" / "plan.toml").is_file()

    ronde = _draai([allocatie, "ronde", "vb", "--stil", "--uitvoer", "uit"], cwd=werk)
    assert ronde.returncode == 0, ronde.stdout + ronde.stderr
    for naam in ("plaatsingen.csv", "rapport.html", "allocatie.xlsx", "samenvatting.json"):
        assert (werk / "uit" / naam).is_file(), naam

    # Without an argument, `ronde` runs the example shipped in the package.
    standaardronde = _draai([allocatie, "ronde", "--stil", "--uitvoer", "uit2"], cwd=werk)
    assert standaardronde.returncode == 0, standaardronde.stdout + standaardronde.stderr
