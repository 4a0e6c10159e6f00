"""House rules of the test suite (issue 21): helpers live in helper modules.

A test file that imports another test file runs that file's module-level code
and ties the two together; shared builders belong in ``bouwers``, ``gevallen``,
``planbouwers``, ``sweeptaken`` or ``appbouwers`` (see ``conftest.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

HIER = Path(__file__).resolve().parent


def _geimporteerd(pad: Path) -> set[str]:
    namen: set[str] = set()
    for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"))):
        if isinstance(knoop, ast.Import):
            namen.update(a.name.split(".")[0] for a in knoop.names)
        elif isinstance(knoop, ast.ImportFrom) and knoop.module and knoop.level == 0:
            namen.add(knoop.module.split(".")[0])
    return namen


def test_geen_testbestand_importeert_een_ander() -> None:
    testbestanden = {p.stem for p in HIER.glob("test_*.py")}
    fout = {
        p.name: sorted(_geimporteerd(p) & testbestanden)
        for p in sorted(HIER.glob("*.py"))
        if _geimporteerd(p) & testbestanden
    }
    assert fout == {}
