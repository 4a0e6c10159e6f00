"""Shared test setup: the helper modules next to the tests.

The builders that several test files use live in plain helper modules, never in
a test file (no test file imports another; ``test_huisregels`` checks it):

- ``bouwers``: tiny hand-made rounds (`bouwers.ronde` and its row builders),
  generated rounds (`bouwers.uit_synthetisch`), plain solves and checks
  (`bouwers.los`, `bouwers.los_niveaus`, `bouwers.haalbaar`) and a two-gemeente
  min-max problem (`bouwers.twee_gemeenten`);
- ``gevallen``: the model's small cases (``geval_*``, `gevallen.GEVALLEN`);
- ``planbouwers``: small planning instances;
- ``sweeptaken``: task functions for the sweep tests (picklable, so a module);
- ``appbouwers``: the web application tests (logged-in client, upload, waiting for a run).

This folder is put on ``sys.path`` here, so ``from bouwers import ...`` works
whatever import mode pytest runs in.

Shared fixtures: ``cluster`` (a real local Dask cluster per test module),
``opgelost`` (the example round solved once per test module) and
``zonder_rekenen`` (``allocatie ronde`` gets that result without solving; the list
counts the calls), for the tests of output folders and recovery.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_HIER = str(Path(__file__).resolve().parent)
if _HIER not in sys.path:
    sys.path.insert(0, _HIER)


@pytest.fixture(scope="module")
def opgelost() -> tuple[Any, Any]:
    """The example round (data/voorbeeld) and its solved result, once per module."""
    import allocatie

    inst = allocatie.laad_ronde(Path(_HIER).parent / "data" / "voorbeeld")
    return inst, allocatie.los_op(inst)


@pytest.fixture
def zonder_rekenen(opgelost: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """``allocatie ronde`` gets the example's result without solving; counts the calls."""
    geroepen: list[int] = []

    def los_op(inst: Any, **_: Any) -> Any:
        geroepen.append(1)
        return opgelost[1]

    monkeypatch.setattr("allocatie.cli.ronde.los_op", los_op)
    return geroepen


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a real local Dask cluster: two single-threaded worker processes
    on loopback, once per test module."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,  # no dashboard: never clash with another cluster's port
    ) as c:
        yield c.scheduler_address
