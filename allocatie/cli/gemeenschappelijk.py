"""Helpers shared by the sub-commands: Dutch number formatting and error reporting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.markup import escape

from allocatie.errors import AllocatieFout, VerificatieFout
from allocatie.taal import huishoudens, nl_getal, personen

__all__ = ["EXIT_INVOER", "EXIT_VERIFICATIE", "huishoudens", "meld_fouten", "nl_getal", "personen"]

#: Exit codes: 2 = bad input or configuration, 3 = a result failed verification.
EXIT_INVOER = 2
EXIT_VERIFICATIE = 3


@contextlib.contextmanager
def meld_fouten() -> Iterator[None]:
    """Turn allocatie's errors into a red Dutch message on stderr and an exit code."""
    try:
        yield
    except VerificatieFout as exc:
        Console(stderr=True).print(
            "[bold red]Resultaat geweigerd:[/bold red] " + escape(str(exc)), soft_wrap=True
        )
        raise typer.Exit(code=EXIT_VERIFICATIE) from None
    except AllocatieFout as exc:
        Console(stderr=True).print("[bold red]Fout:[/bold red] " + escape(str(exc)), soft_wrap=True)
        raise typer.Exit(code=EXIT_INVOER) from None
