"""Command-line interface (Dutch). Each sub-command lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from allocatie.cli.taal import NederlandseTyper
from allocatie.kern.versie import VERSIE

app = NederlandseTyper(
    name="allocatie",
    help="Verdeel vergunninghouders eerlijk en uitlegbaar over gemeenten en flexwoningen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _toon_versie(waarde: bool) -> None:
    if waarde:
        typer.echo(f"allocatie {VERSIE}")
        raise typer.Exit()


@app.callback()
def _hoofd(
    versie: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Toon de versie van allocatie en stop.",
            callback=_toon_versie,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Verdeel vergunninghouders eerlijk en uitlegbaar over gemeenten en flexwoningen."""


# Sub-commands register themselves on `app` when imported.
from allocatie.cli import basis as _basis  # noqa: E402,F401
from allocatie.cli import genereer as _genereer  # noqa: E402,F401
from allocatie.cli import locaties as _locaties  # noqa: E402,F401
from allocatie.cli import plan as _plan  # noqa: E402,F401
from allocatie.cli import regietafel as _regietafel  # noqa: E402,F401
from allocatie.cli import ronde as _ronde  # noqa: E402,F401
from allocatie.cli import schrijf as _schrijf  # noqa: E402,F401
from allocatie.cli import sjabloon as _sjabloon  # noqa: E402,F401
from allocatie.cli import taakstelling as _taakstelling  # noqa: E402,F401
from allocatie.cli import toezicht as _toezicht  # noqa: E402,F401
from allocatie.cli import voorbeeld as _voorbeeld  # noqa: E402,F401

__all__ = ["app"]
