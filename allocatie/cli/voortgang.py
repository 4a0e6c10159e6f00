"""Show progress events (`allocatie.kern.voortgang.Melding`) in the terminal, on stderr.

`TerminalVoortgang` is the `Voortgang` receiver of the CLI. On a terminal it
shows a live spinner per running phase with its elapsed seconds (rich), and
when a phase ends a line with its duration and result. When stderr is not a
terminal (a pipe, a CI log, a test) there is no spinner and no cursor control:
only the line per finished phase, so logs stay readable. Interim events of a
running phase (`Melding.tussenstand`, e.g. ``Sweep: 3/200 klaar``) replace the
text of its spinner on a terminal and are dropped otherwise. Stdout is never
touched, so scripts can read a command's output (e.g. ``--json -``) cleanly.

Examples
--------
>>> import io
>>> from rich.console import Console
>>> from allocatie.kern.voortgang import fase
>>> uit = io.StringIO()
>>> with TerminalVoortgang(Console(file=uit, width=100)) as v:
...     with fase(v, "bouwen", "Model bouwen") as details:
...         details.append("12 variabelen")
>>> regel = uit.getvalue()
>>> regel.startswith("✓ Model bouwen") and regel.rstrip().endswith("s  12 variabelen")
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TaskID, TextColumn
from rich.text import Text

from allocatie.kern.taal import nl_getal
from allocatie.kern.voortgang import Melding
from allocatie.reports.tekst import veilige_tekst

__all__ = ["TerminalVoortgang", "duur_tekst"]

#: Width of the phase column in a finished line (longer texts push the rest right).
BREEDTE = 34


def duur_tekst(seconden: float) -> str:
    """A duration in Dutch: ``0,05 s``, ``12,3 s``, ``2 min 05 s``.

    Examples
    --------
    >>> duur_tekst(0.0512), duur_tekst(12.34), duur_tekst(125.4)
    ('0,05 s', '12,3 s', '2 min 05 s')
    """
    if seconden < 10:
        return f"{nl_getal(seconden, 2)} s"
    if seconden < 60:
        return f"{nl_getal(seconden, 1)} s"
    minuten, rest = divmod(round(seconden), 60)
    return f"{minuten} min {rest:02d} s"


class _Verstreken(ProgressColumn):
    """Elapsed time of a running phase, in Dutch (``3,2 s``)."""

    def render(self, task: Task) -> Text:
        return Text(duur_tekst(task.elapsed or 0.0), style="cyan")


@dataclass
class _Open:
    """A phase that has started and not yet ended."""

    melding: Melding
    diepte: int
    begin: float
    taak: TaskID | None


class TerminalVoortgang:
    """Render progress events on a rich console (stderr by default).

    Use it as a context manager: leaving the block stops the live display, and
    when the block ends with an exception every phase still open gets a line
    "afgebroken na ..." (the library sends no end event for a failed phase).

    Parameters
    ----------
    console
        Where to render; default a console on stderr.
    live
        Show a spinner with the elapsed time for running phases. Default: only
        when ``console`` is an interactive terminal.
    """

    def __init__(self, console: Console | None = None, *, live: bool | None = None) -> None:
        self.console = console or Console(stderr=True, soft_wrap=True)
        if live is None:
            live = self.console.is_terminal and not self.console.is_dumb_terminal
        self.live = live
        self._open: list[_Open] = []
        self._progress: Progress | None = None

    def __enter__(self) -> TerminalVoortgang:
        return self

    def __exit__(
        self,
        soort: type[BaseException] | None,
        fout: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        nu = time.perf_counter()
        while self._open:
            o = self._open.pop()
            self._verwijder_taak(o)
            if soort is not None:
                self._regel(o, "✗", "red", nu - o.begin, "afgebroken")
        self._stop()

    def __call__(self, melding: Melding) -> None:
        """Receive one event (the `allocatie.kern.voortgang.Voortgang` protocol)."""
        if melding.tussenstand:
            self._tussenstand(melding)
            return
        if not melding.klaar:
            taak = None
            if self.live:
                if self._progress is None:
                    self._progress = Progress(
                        SpinnerColumn(),
                        TextColumn("{task.description}", markup=False),
                        _Verstreken(),
                        console=self.console,
                        transient=True,
                    )
                    self._progress.start()
                inspringing = "  " * len(self._open)
                taak = self._progress.add_task(
                    inspringing + veilige_tekst(melding.tekst), total=None
                )
            self._open.append(_Open(melding, len(self._open), time.perf_counter(), taak))
            return
        # The end of the most recent open phase of this name (phases nest).
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].melding.fase == melding.fase:
                o = self._open.pop(i)
                break
        else:  # an end without a start: show it anyway
            o = _Open(melding, len(self._open), time.perf_counter(), None)
        self._verwijder_taak(o)
        duur = melding.duur_s if melding.duur_s is not None else time.perf_counter() - o.begin
        self._regel(o, "✓", "green", duur, melding.details)
        if not self._open:
            self._stop()

    def _tussenstand(self, melding: Melding) -> None:
        """Show an interim event as the text of its phase's spinner (nothing off a terminal)."""
        if self._progress is None:
            return
        for o in reversed(self._open):
            if o.melding.fase == melding.fase:
                if o.taak is not None:
                    self._progress.update(
                        o.taak, description="  " * o.diepte + veilige_tekst(melding.tekst)
                    )
                return

    def _regel(self, o: _Open, teken: str, kleur: str, duur: float, details: str) -> None:
        inspringing = "  " * o.diepte
        tekst = veilige_tekst(o.melding.tekst).ljust(max(BREEDTE - len(inspringing), 0))
        regel = Text.assemble(
            inspringing,
            (teken, kleur),
            " ",
            tekst,
            " ",
            (duur_tekst(duur).rjust(9), "cyan"),
        )
        if details:
            regel.append("  " + veilige_tekst(details), style="dim")
        self.console.print(regel, soft_wrap=True, highlight=False)

    def _verwijder_taak(self, o: _Open) -> None:
        if self._progress is not None and o.taak is not None:
            self._progress.remove_task(o.taak)

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
