"""Shared test setup: the helper modules next to the tests.

The builders that several test files use live in plain helper modules, never in
a test file (no test file imports another; ``test_huisregels`` checks it):

- ``bouwers``: tiny hand-made rounds (`bouwers.ronde` and its row builders),
  generated rounds (`bouwers.uit_synthetisch`), plain solves and checks
  (`bouwers.los`, `bouwers.los_niveaus`, `bouwers.haalbaar`) and a two-gemeente
  min-max problem (`bouwers.twee_gemeenten`);
- ``gevallen``: the model's small cases (``geval_*``, `gevallen.GEVALLEN`);
- ``planbouwers``: small planning instances;
- ``sweeptaken``: task functions for the sweep tests (picklable, so a module).

This folder is put on ``sys.path`` here, so ``from bouwers import ...`` works
whatever import mode pytest runs in.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HIER = str(Path(__file__).resolve().parent)
if _HIER not in sys.path:
    sys.path.insert(0, _HIER)
