"""Task functions for the sweep tests (a plain module: ``from sweeptaken import ...``).

Workers unpickle a task function by importing its module, so these live here,
at module level, and not in a test module: spawned local processes and the
processes of a local Dask cluster inherit this directory on ``sys.path`` from
the test process.
"""

from __future__ import annotations

import time

import numpy as np


def wacht_en_geef(taak: tuple[float, int]) -> tuple[int, float]:
    """Sleep ``taak[0]`` seconds, then return ``taak[1]`` and the time it finished.

    Different sleeps make tasks finish out of order; the finishing times
    (`time.time`, comparable between processes on one machine) show they did.
    """
    seconden, waarde = taak
    time.sleep(seconden)
    return waarde, time.time()


def trek(seed: int) -> list[float]:
    """Five normal draws from a generator seeded with ``seed`` (the result a seed determines)."""
    return np.random.default_rng(seed).normal(size=5).tolist()


def deel(taak: tuple[int, int]) -> float:
    """``taak[0] / taak[1]``: raises ZeroDivisionError for a zero divisor."""
    teller, noemer = taak
    return teller / noemer
