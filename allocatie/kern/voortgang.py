"""Progress events of long work (loading, building, each objective level, reports).

The library never prints; it calls a `Voortgang` callback with a `Melding` at
the start and end of each phase. The CLI renders them (elapsed time, a spinner)
and ``--stil`` drops them; an analyst can pass any callable, e.g. ``print``.

A long phase made of countable units (the tasks of a sweep, `allocatie.kern.sweep`)
may send *interim* events between its start and end: not ``klaar`` and with
``gedaan`` set (`Melding.tussenstand`). They start no phase; a receiver updates
the running phase of the same name with them (the terminal renderer changes the
spinner's text to the interim ``tekst``) or drops them, so a log gets no line
per unit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Melding:
    """One progress event.

    Attributes
    ----------
    fase
        Machine name of the phase: ``laden``, ``valideren``, ``bouwen``,
        ``niveau:<naam>``, ``controle``, ``uitvoer`` and ``uitvoer:<onderdeel>``,
        ``sweep`` (or the name given to `allocatie.kern.sweep.veeg`), ...
    tekst
        Dutch description for the terminal (``"Niveau tekort oplossen"``).
    klaar
        False at the start of the phase (and on its interim events), True at its end.
    duur_s
        Duration of the phase in seconds (only when ``klaar``).
    details
        Dutch one-line result of the phase (``"optimaal, waarde 38"``), when done.
    gedaan
        Units of the phase done so far; set (with ``klaar`` False) only on an
        interim event of a running phase, see `tussenstand`.
    totaal
        Units of the phase in all, with ``gedaan`` (None: not known).

    Examples
    --------
    >>> Melding("sweep", "Sweep").tussenstand
    False
    >>> Melding("sweep", "Sweep: 3/200 klaar", gedaan=3, totaal=200).tussenstand
    True
    """

    fase: str
    tekst: str
    klaar: bool = False
    duur_s: float | None = None
    details: str = ""
    gedaan: int | None = None
    totaal: int | None = None

    @property
    def tussenstand(self) -> bool:
        """True for an interim event: it updates the running phase ``fase``, starts none."""
        return not self.klaar and self.gedaan is not None


Voortgang = Callable[[Melding], None]
"""A receiver of progress events."""


def stil(_: Melding) -> None:
    """The receiver that drops every event."""


@contextmanager
def fase(voortgang: Voortgang | None, naam: str, tekst: str) -> Iterator[list[str]]:
    """Report the start and end of one phase to ``voortgang`` (None: nothing).

    The body may append a Dutch result line to the yielded list; it is sent as
    ``details`` with the end event. On an exception no end event is sent.
    """
    details: list[str] = []
    if voortgang is None:
        yield details
        return
    voortgang(Melding(naam, tekst))
    t0 = time.perf_counter()
    yield details
    voortgang(Melding(naam, tekst, True, time.perf_counter() - t0, "; ".join(details)))
