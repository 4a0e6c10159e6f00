"""Where jobs beside the main line of a solve run: one worker thread, or none.

The strategy decides by what each job found, never by which finished first, so
`Direct` (``threads`` = 1, strictly sequential) and a worker thread give the
same outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from allocatie.solvers.base import SolverOpties

log = logging.getLogger(__name__)


class _Later(Future[Any]):
    """A future whose job runs on the calling thread when its result is first asked for."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]):
        super().__init__()
        self._taak: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None = (
            fn,
            args,
            kwargs,
        )

    def _draai(self) -> None:
        if self._taak is None:
            return
        fn, args, kwargs = self._taak
        self._taak = None
        try:
            self.set_result(fn(*args, **kwargs))
        except BaseException as fout:  # handed over like a pool does
            self.set_exception(fout)

    def result(self, timeout: float | None = None) -> Any:
        self._draai()
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        self._draai()
        return super().exception(timeout)


class Direct(Executor):
    """An executor that runs each job on the calling thread (``threads`` = 1), when its
    result is first asked for.

    The strategy decides by what each job found, never by which finished first, so
    this gives the same outcome as a worker thread, strictly sequential. Deferred,
    not at once: a job may wait for the main line's result (the min-max descent for
    the sub-MIP beside it, `minmax_haalbaar`), which with a thread runs meanwhile;
    and a job stopped before anyone asked for its result never runs.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return _Later(fn, args, kwargs)


def maak_uitvoerder(opties: SolverOpties, naam: str) -> Executor:
    """Where jobs beside the main one run: one worker thread, or `Direct` for ``threads`` = 1."""
    if opties.threads == 1:
        return Direct()
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=naam)
