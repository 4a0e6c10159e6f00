"""Where jobs beside the main line of a solve run: one worker thread, or none.

The strategy waits for every job it submits and decides by what each job found,
never by which finished first, so `Direct` (``threads`` = 1, strictly
sequential) and a worker thread give the same outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from allocatie.solvers.base import SolverOpties

log = logging.getLogger(__name__)


class Direct(Executor):
    """An executor that runs each job at once on the calling thread (``threads`` = 1).

    The strategy waits for every job it submits and never reads which finished
    first, so this gives the same outcome as a worker thread, strictly sequential.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        toekomst: Future[Any] = Future()
        try:
            toekomst.set_result(fn(*args, **kwargs))
        except BaseException as fout:  # handed over like a pool does
            toekomst.set_exception(fout)
        return toekomst


def maak_uitvoerder(opties: SolverOpties, naam: str) -> Executor:
    """Where jobs beside the main one run: one worker thread, or `Direct` for ``threads`` = 1."""
    if opties.threads == 1:
        return Direct()
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=naam)
