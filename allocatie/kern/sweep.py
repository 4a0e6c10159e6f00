"""Run many independent tasks in parallel: local processes, or a Dask cluster.

A *sweep* applies one function to every task of a list (scenario batches,
sensitivity variants over costs and lead times, seeds, the evaluation of a
capacity plan per scenario) and returns the results **in task order**, whatever
order the tasks finish in. Three paths, one code path: each is a
`concurrent.futures.Executor` that the same loop feeds (``submit``) and drains
(``wait`` for the first done); only `_uitvoerder` knows which one runs.

``serieel``
    ``workers=1`` and no scheduler: every task in this process and its main
    thread, one after the other, without a pool; the function need not be
    picklable. For tests and debugging (breakpoints, profilers).
``processen``
    The default: a `concurrent.futures.ProcessPoolExecutor` of ``workers``
    processes (default: the CPUs this process may use), started with "spawn",
    never "fork" (the parent may hold solver threads, which fork would copy in
    an undefined state).
``dask``
    A scheduler address (``scheduler="tcp://host:8786"``, or the environment
    variable ``ALLOCATIE_SCHEDULER`` when ``scheduler`` is None): a
    `distributed.Client` and its executor. The cluster decides how many tasks
    run at once (``workers`` is ignored); the client is closed afterwards.

Functions and tasks travel by pickle: on the parallel paths the function must
be importable by the workers (a module-level function or a picklable callable
of an installed module; on a Dask cluster every worker needs the same version
of allocatie and of the module). Results come back the same way. Spawned
processes import the main module again, so a script must start its sweep
under ``if __name__ == "__main__":``. Each local sweep starts its own processes
(about half a second to a second before the first task runs); a sweep pays off
for tasks of seconds or more.

A failing task raises `allocatie.kern.errors.SweepFout` naming the task (its index
and a shortened repr) with the task's exception chained. The tasks not yet
started are cancelled; tasks already running on local processes finish first
(so no process is left behind), on a Dask cluster they are released.

Determinism: the engine hands each task to the function unchanged and puts the
results in task order, so a result can depend on nothing but its task. A task
that draws random numbers must therefore carry its own seed, derived from the
sweep's seed and the task's index, never from a worker or from time;
`taak_seeds` derives such seeds. Then the results are the same on every path,
for every worker count and every completion order.

Progress (`allocatie.kern.voortgang`): one phase ``naam`` with a start event, an
interim event (`Melding.tussenstand`, ``"Sweep: 3/200 klaar"``) at the start
and after each finished task, and an end event whose details name the number of
tasks and the path. The terminal renderer shows the interim events as the text
of the running spinner and writes nothing for them in a log.

Examples
--------
>>> import math
>>> veeg(math.factorial, [3, 4, 5], workers=1)
[6, 24, 120]
>>> meldingen = []
>>> uitkomst = veeg_uitkomst(math.factorial, [3, 4], workers=1, voortgang=meldingen.append)
>>> uitkomst.resultaten, uitkomst.pad, uitkomst.workers, len(uitkomst.taak_s)
([6, 24], 'serieel', 1, 2)
>>> [m.tekst for m in meldingen]
['Sweep', 'Sweep: 0/2 klaar', 'Sweep: 1/2 klaar', 'Sweep: 2/2 klaar', 'Sweep']
>>> meldingen[-1].details
'2 taken, serieel'
"""

from __future__ import annotations

import logging
import os
import pickle
import reprlib
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from typing import Any, Generic, Literal, TypeVar

import numpy as np

from allocatie.kern.errors import SweepFout
from allocatie.kern.voortgang import Melding, Voortgang, fase

__all__ = ["SCHEDULER_VARIABELE", "Pad", "Sweepuitkomst", "taak_seeds", "veeg", "veeg_uitkomst"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
U = TypeVar("U")

#: Environment variable with a Dask scheduler address, used when ``scheduler`` is None.
SCHEDULER_VARIABELE = "ALLOCATIE_SCHEDULER"

Pad = Literal["serieel", "processen", "dask"]
"""How a sweep ran: in this process, on local processes, or on a Dask cluster."""

_kort = reprlib.Repr()
_kort.maxstring = 80
_kort.maxother = 120
_kort.maxlist = _kort.maxtuple = _kort.maxdict = _kort.maxset = 6


@dataclass(frozen=True)
class Sweepuitkomst(Generic[U]):
    """The results of a sweep with its timing.

    Attributes
    ----------
    resultaten
        One result per task, in task order.
    wall_s
        Wall-clock seconds of the whole sweep, start-up of the pool or the
        connection to the cluster included.
    taak_s
        Seconds each task took where it ran, in task order.
    workers
        Tasks that could run at once: 1 (serial), the local processes, or the
        threads of the Dask cluster's workers when the sweep started.
    pad
        ``"serieel"``, ``"processen"`` or ``"dask"``.

    Examples
    --------
    >>> u = Sweepuitkomst([1, 4], wall_s=2.0, taak_s=[1.5, 1.5], workers=2, pad="processen")
    >>> u.versnelling
    1.5
    """

    resultaten: list[U]
    wall_s: float
    taak_s: list[float]
    workers: int
    pad: Pad

    @property
    def versnelling(self) -> float:
        """Speed-up over running the tasks back to back: total task time / wall time."""
        return sum(self.taak_s) / self.wall_s if self.wall_s > 0 else 1.0


def taak_seeds(seed: int, n: int) -> list[int]:
    """Independent seeds for ``n`` tasks, derived from one sweep ``seed``.

    Task ``i`` gets the state of child ``i`` of ``numpy.random.SeedSequence(seed)``
    (`~numpy.random.SeedSequence.spawn`): statistically independent streams, the
    same on every machine, and a task keeps its seed when tasks are added at the
    end. Pass a seed to ``numpy.random.default_rng`` inside the task.

    Examples
    --------
    >>> seeds = taak_seeds(2025, 4)
    >>> seeds == taak_seeds(2025, 4) and len(set(seeds)) == 4
    True
    >>> taak_seeds(2025, 2) == seeds[:2]
    True
    >>> [float(np.random.default_rng(s).integers(100)) for s in seeds] == [
    ...     float(np.random.default_rng(s).integers(100)) for s in taak_seeds(2025, 4)
    ... ]
    True
    """
    if n < 0:
        raise ValueError(f"het aantal taken moet minstens 0 zijn, niet {n}")
    kinderen = np.random.SeedSequence(seed).spawn(n)
    return [int(k.generate_state(1, dtype=np.uint64)[0]) for k in kinderen]


def veeg(
    functie: Callable[[T], U],
    taken: Sequence[T],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    voortgang: Voortgang | None = None,
    naam: str = "sweep",
    tekst: str = "Sweep",
) -> list[U]:
    """Apply ``functie`` to every task, in parallel; the results in task order.

    Parameters
    ----------
    functie
        Called once per task with the task as its only argument. On the
        parallel paths it must be picklable by reference (module level).
    taken
        The tasks; each carries everything its result depends on (seeds too,
        see `taak_seeds`).
    workers
        Local processes; None: the CPUs this process may use; 1: serially in
        this process, without a pool. Ignored when a scheduler is used.
    scheduler
        Address of a Dask scheduler (``"tcp://host:8786"``). None: the
        environment variable ``ALLOCATIE_SCHEDULER`` if it is set and not empty,
        else local. An empty string: local, whatever the environment says.
    voortgang
        Receiver of progress events (`allocatie.kern.voortgang`), or None.
    naam, tekst
        Machine name and Dutch text of the sweep's progress phase.

    Returns
    -------
    list
        ``[functie(t) for t in taken]``, computed in parallel.

    Raises
    ------
    SweepFout
        A task raised (index, task and cause in the error), or the Dask
        scheduler could not be reached.
    """
    return veeg_uitkomst(
        functie,
        taken,
        workers=workers,
        scheduler=scheduler,
        voortgang=voortgang,
        naam=naam,
        tekst=tekst,
    ).resultaten


def veeg_uitkomst(
    functie: Callable[[T], U],
    taken: Sequence[T],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    voortgang: Voortgang | None = None,
    naam: str = "sweep",
    tekst: str = "Sweep",
) -> Sweepuitkomst[U]:
    """`veeg` with timing: the results, wall and task seconds, workers and path.

    The parameters and errors are those of `veeg`.
    """
    taken = list(taken)
    n = len(taken)
    if workers is not None and workers < 1:
        raise ValueError(f"workers moet minstens 1 zijn, niet {workers}")
    adres = scheduler if scheduler is not None else os.environ.get(SCHEDULER_VARIABELE)
    klaar: dict[int, tuple[U, float]] = {}
    t0 = time.perf_counter()
    with fase(voortgang, naam, tekst) as details:
        with _uitvoerder(workers or _cpus(), n, adres) as u:
            logger.info("sweep %r: %d taken, %s, %d tegelijk", naam, n, u.pad, u.gelijktijdig)
            _meld(voortgang, naam, tekst, 0, n)
            for i, future in _afgerond(u.uitvoerder, u.vooruit, functie, taken):
                try:
                    klaar[i] = future.result()
                except Exception as fout:
                    raise _taakfout(naam, taken, i, fout) from fout
                _meld(voortgang, naam, tekst, len(klaar), n)
        details.append(f"{n} {'taak' if n == 1 else 'taken'}, {_pad_tekst(u.pad, u.gelijktijdig)}")
    return Sweepuitkomst(
        resultaten=[klaar[i][0] for i in range(n)],
        wall_s=time.perf_counter() - t0,
        taak_s=[klaar[i][1] for i in range(n)],
        workers=u.gelijktijdig,
        pad=u.pad,
    )


def _getimed(functie: Callable[[T], U], taak: T) -> tuple[U, float]:
    """Run one task where it is sent; its result and its duration in seconds."""
    t0 = time.perf_counter()
    resultaat = functie(taak)
    return resultaat, time.perf_counter() - t0


def _afgerond(
    uitvoerder: Executor, vooruit: int, functie: Callable[[T], U], taken: list[T]
) -> Iterator[tuple[int, Future[tuple[U, float]]]]:
    """Submit the tasks, at most ``vooruit`` not yet done; yield (index, future) as each is done."""
    volgende = iter(enumerate(taken))
    lopend: dict[Future[tuple[U, float]], int] = {}
    while True:
        for i, taak in islice(volgende, vooruit - len(lopend)):
            lopend[uitvoerder.submit(_getimed, functie, taak)] = i
        if not lopend:
            return
        gedaan, _ = wait(lopend, return_when=FIRST_COMPLETED)
        for future in sorted(gedaan, key=lopend.__getitem__):  # the first failure first
            yield lopend.pop(future), future


@dataclass(frozen=True)
class _Uitvoering:
    """An executor with what the sweep needs to know about it.

    Attributes
    ----------
    uitvoerder
        Runs the tasks (``submit``).
    pad
        Which path it is.
    gelijktijdig
        How many tasks it runs at once.
    vooruit
        How many tasks to hand it before they are done: 1 for the serial path
        (a task runs when it is submitted, so progress is reported after each);
        twice the processes for a local pool (each process always finds a next
        task; the rest stay in the task list, to be cancelled cheaply on a
        failure); every task for Dask (its scheduler balances the tasks and an
        adaptive cluster grows with the tasks waiting).
    """

    uitvoerder: Executor
    pad: Pad
    gelijktijdig: int
    vooruit: int


@contextmanager
def _uitvoerder(workers: int, n: int, adres: str | None) -> Iterator[_Uitvoering]:
    """The executor of a sweep of ``n`` tasks: Dask, serial or local processes.

    ``workers`` is the number of local processes asked for (1: serial; never
    more than ``n`` are started), ``adres`` a Dask scheduler address (empty or
    None: local). Leaving the block shuts the executor down. When it is left by
    an exception, the tasks not yet started are cancelled first: on local
    processes the running tasks finish (no process is left behind), on Dask
    they are released; then the client is closed.
    """
    if adres:
        try:
            from distributed import Client  # import cost only for the Dask path
        except ImportError as fout:
            raise SweepFout(
                f"Rekenen op de Dask-scheduler {adres!r} vraagt het pakket 'distributed', dat "
                "hier niet geïnstalleerd is. Installeer het met: pip install 'allocatie[dask]'; "
                f"of reken lokaal: laat 'scheduler' weg en maak de omgevingsvariabele "
                f"{SCHEDULER_VARIABELE} leeg."
            ) from fout

        try:
            client = Client(adres, set_as_default=False)
        except (OSError, ValueError) as fout:
            raise SweepFout(
                f"Geen verbinding met de Dask-scheduler {adres!r} ({fout}). Start er een met "
                f"'dask scheduler' en 'dask worker {adres}', of reken lokaal: laat 'scheduler' "
                f"weg en maak de omgevingsvariabele {SCHEDULER_VARIABELE} leeg."
            ) from fout
        with client:
            dask = client.get_executor(pure=False)  # pure=False: equal tasks all run
            try:
                yield _Uitvoering(dask, "dask", sum(client.nthreads().values()), n)
            except BaseException:
                dask.shutdown(wait=False)  # cancels its unfinished futures
                raise
    elif workers == 1:
        yield _Uitvoering(_Serieel(), "serieel", 1, 1)
    else:
        lokaal = min(workers, max(n, 1))
        pool = ProcessPoolExecutor(lokaal, mp_context=get_context("spawn"))
        try:
            yield _Uitvoering(_Ingepakt(pool), "processen", lokaal, 2 * lokaal)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


class _Serieel(Executor):
    """An executor without a pool: it runs each task in this process when it is submitted."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as fout:
            future.set_exception(fout)
        return future


class _Ingepakt(Executor):
    """Submits to a process pool each call pickled beforehand, in the submitting thread.

    A call that cannot be pickled (a lambda, a local function, a task holding a
    lock) then fails as its own task's future. Left to the pool, it fails in the
    pool's feeder thread, after which Python 3.11's `ProcessPoolExecutor` can
    hang in ``shutdown``.
    """

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self._pool = pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        try:
            pakket = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as fout:
            uitleg = pickle.PicklingError(
                f"{fout} (een functie of taak voor andere processen moet picklebaar zijn: een "
                "functie op moduleniveau van een importeerbare module; workers=1 rekent zonder)"
            )
            uitleg.__cause__ = fout
            future: Future[Any] = Future()
            future.set_exception(uitleg)
            return future
        return self._pool.submit(_uitgepakt, pakket)


def _uitgepakt(pakket: bytes) -> Any:
    """Unpickle a call made by `_Ingepakt` and make it (in a worker process)."""
    fn, args, kwargs = pickle.loads(pakket)
    return fn(*args, **kwargs)


def _cpus() -> int:
    """The CPUs this process may run on (its affinity where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _meld(voortgang: Voortgang | None, naam: str, tekst: str, gedaan: int, totaal: int) -> None:
    """Send an interim event ``"<tekst>: <gedaan>/<totaal> klaar"``."""
    if voortgang is not None:
        voortgang(Melding(naam, f"{tekst}: {gedaan}/{totaal} klaar", gedaan=gedaan, totaal=totaal))


def _taakfout(naam: str, taken: list[Any], i: int, fout: Exception) -> SweepFout:
    """The error for task ``i`` that raised ``fout``, in Dutch."""
    taak = _kort.repr(taken[i])
    oorzaak = str(fout) if len(str(fout)) <= 300 else str(fout)[:299] + "…"
    return SweepFout(
        f"Sweep '{naam}': taken[{i}] (van {len(taken)}) is mislukt met "
        f"{type(fout).__name__}: {oorzaak}; taken[{i}] = {taak}",
        index=i,
        taak=taak,
    )


def _pad_tekst(pad: Pad, gelijktijdig: int) -> str:
    """The path of a sweep in Dutch, for the end event of its phase."""
    if pad == "serieel":
        return "serieel"
    if pad == "processen":
        return f"{gelijktijdig} {'proces' if gelijktijdig == 1 else 'processen'}"
    return f"Dask-cluster, {gelijktijdig} {'thread' if gelijktijdig == 1 else 'threads'}"
