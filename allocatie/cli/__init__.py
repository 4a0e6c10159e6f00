"""Command-line interface (Dutch). Each sub-command lives in its own module."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="allocatie",
    help="Verdeel vergunninghouders eerlijk en uitlegbaar over gemeenten en flexwoningen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _hoofd() -> None:
    """Verdeel vergunninghouders eerlijk en uitlegbaar over gemeenten en flexwoningen."""


# Sub-commands register themselves on `app` when imported.
from allocatie.cli import basis as _basis  # noqa: E402,F401
from allocatie.cli import genereer as _genereer  # noqa: E402,F401
from allocatie.cli import plan as _plan  # noqa: E402,F401
from allocatie.cli import regietafel as _regietafel  # noqa: E402,F401
from allocatie.cli import ronde as _ronde  # noqa: E402,F401
from allocatie.cli import schrijf as _schrijf  # noqa: E402,F401
from allocatie.cli import taakstelling as _taakstelling  # noqa: E402,F401

__all__ = ["app"]
