"""Helpers shared by the sub-commands: Dutch number formatting and error reporting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.markup import escape

from allocatie.errors import AllocatieFout, VerificatieFout

#: Exit codes: 2 = bad input or configuration, 3 = a result failed verification.
EXIT_INVOER = 2
EXIT_VERIFICATIE = 3


def nl_getal(getal: float, decimalen: int = 0) -> str:
    """Dutch notation: 17942942 -> '17.942.942', 0.25 (2) -> '0,25'.

    Examples
    --------
    >>> nl_getal(17942942)
    '17.942.942'
    >>> nl_getal(1234.5, 1)
    '1.234,5'
    """
    tekst = f"{getal:,.{decimalen}f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def personen(n: int) -> str:
    """'1 persoon', '3 personen'."""
    return f"{nl_getal(n)} {'persoon' if n == 1 else 'personen'}"


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
