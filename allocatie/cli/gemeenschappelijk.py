"""Helpers shared by the sub-commands: Dutch number formatting, consoles and error reporting."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from allocatie.kern.errors import AllocatieFout, Onderbreking, SchrijfFout, VerificatieFout
from allocatie.kern.taal import huishoudens, nl_getal, personen

#: The ``--json PAD|-`` option shared by the commands that write a JSON summary.
JsonOptie = Annotated[
    str | None,
    typer.Option(
        "--json",
        metavar="PAD",
        help="Schrijf de samenvatting (zoals samenvatting.json) ook als JSON naar PAD; met "
        "'-' naar stdout, en het overzicht dan naar stderr (met --stil bevat stdout alleen "
        "de JSON).",
        show_default=False,
    ),
]

#: The ``--stil`` option shared by the commands that report progress and an overview.
StilOptie = Annotated[
    bool,
    typer.Option(
        "--stil",
        help="Geen voortgang en geen overzicht; alleen foutmeldingen (stderr). Uitvoer en "
        "exitcodes blijven gelijk.",
    ),
]

__all__ = [
    "EXIT_INVOER",
    "EXIT_SCHRIJVEN",
    "EXIT_VERIFICATIE",
    "STDOUT",
    "huishoudens",
    "maak_console",
    "meld_fouten",
    "naar_stdout",
    "nl_getal",
    "personen",
]

#: Exit codes: 2 = bad input or configuration (also an output folder that may not be
#: written), 3 = a result failed verification, 4 = a verified result whose output could
#: not be written (it is kept in a recovery folder, see `allocatie.io.herstel`); an
#: interrupted run exits with 128 + the signal number (Ctrl-C 130, SIGTERM 143).
EXIT_INVOER = 2
EXIT_VERIFICATIE = 3
EXIT_SCHRIJVEN = 4

#: ``--json -``: the JSON summary goes to stdout.
STDOUT = "-"


def naar_stdout(tekst: str) -> None:
    """Write ``tekst`` to stdout as UTF-8, whatever the terminal's encoding.

    Used for ``--json -``, so that the JSON on stdout is UTF-8 even where the
    console's encoding is not (Windows).

    Parameters
    ----------
    tekst
        The text, written as is (no newline is added).
    """
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # pragma: no cover - a text-only stream
        sys.stdout.write(tekst)
        sys.stdout.flush()
        return
    buffer.write(tekst.encode("utf-8"))
    buffer.flush()


def maak_console(*, stderr: bool, stil: bool) -> Console:
    """The console of a sub-command's human-readable overview.

    Parameters
    ----------
    stderr
        Print on stderr instead of stdout (with ``--json -``, stdout carries
        the JSON).
    stil
        Print nothing (``--stil``).

    Returns
    -------
    Console
        A soft-wrapping console; when the output is not a terminal (piped, in
        CI) it is 120 columns wide rather than rich's default of 80.
    """
    console = Console(soft_wrap=True, stderr=stderr, quiet=stil)
    if not console.is_terminal:  # piped or in CI: rich would assume 80 columns
        console = Console(soft_wrap=True, width=120, stderr=stderr, quiet=stil)
    return console


@contextlib.contextmanager
def stille_meldingen(stil: bool) -> Iterator[None]:
    """With ``--stil``: allocatie's log warnings (e.g. "Tijdslimiet bereikt vóór niveau
    kosten") do not reach stderr either.

    The CLI configures no logging, so Python prints such warnings through its
    last-resort handler; a `logging.NullHandler` on the package logger keeps
    them off stderr for the duration of the command (handlers further up, such
    as a caller's or pytest's, still receive them). Errors still end the
    command through `meld_fouten`.
    """
    if not stil:
        yield
        return
    logger = logging.getLogger("allocatie")
    stilte = logging.NullHandler()
    logger.addHandler(stilte)
    try:
        yield
    finally:
        logger.removeHandler(stilte)


@contextlib.contextmanager
def meld_fouten() -> Iterator[None]:
    """Turn allocatie's errors into a red Dutch message on stderr and an exit code."""
    try:
        yield
    except KeyboardInterrupt as exc:
        signaal = exc.signaal if isinstance(exc, Onderbreking) else signal.SIGINT
        naam = signal.Signals(signaal).name if signaal in set(signal.Signals) else str(signaal)
        Console(stderr=True).print(
            f"[bold red]Afgebroken[/bold red] ({naam}); wat half geschreven was is opgeruimd, "
            "een bestaande uitvoermap blijft zoals hij was.",
            soft_wrap=True,
        )
        raise typer.Exit(code=128 + int(signaal)) from None
    except SchrijfFout as exc:
        Console(stderr=True).print(
            "[bold red]Uitvoer niet geschreven:[/bold red] " + escape(str(exc)), soft_wrap=True
        )
        raise typer.Exit(code=EXIT_SCHRIJVEN) from None
    except VerificatieFout as exc:
        Console(stderr=True).print(
            "[bold red]Resultaat geweigerd:[/bold red] " + escape(str(exc)), soft_wrap=True
        )
        raise typer.Exit(code=EXIT_VERIFICATIE) from None
    except AllocatieFout as exc:
        Console(stderr=True).print("[bold red]Fout:[/bold red] " + escape(str(exc)), soft_wrap=True)
        raise typer.Exit(code=EXIT_INVOER) from None
