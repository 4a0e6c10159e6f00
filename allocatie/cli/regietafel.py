"""CLI sub-command ``allocatie app``: the web application (de regietafel) and its accounts.

The module is not called ``app``: that name is the Typer application of the package.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from allocatie.cli import app
from allocatie.cli.gemeenschappelijk import maak_console, meld_fouten
from allocatie.cli.taal import NederlandseTyper

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

appcommando = NederlandseTyper(
    name="app",
    invoke_without_command=True,
    add_completion=False,
)
gebruiker = NederlandseTyper(name="gebruiker", help="Accounts van de regietafel beheren.")
appcommando.add_typer(gebruiker)
app.add_typer(appcommando)

#: Environment variable with the key that signs session cookies (kept across restarts).
GEHEIM_VARIABELE = "ALLOCATIE_APP_GEHEIM"

DatabaseOptie = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="Database-URL (SQLAlchemy), bijv. postgresql+psycopg://gebruiker@server/allocatie. "
        "Standaard: SQLite in de datamap.",
    ),
]
DatamapOptie = Annotated[
    Path,
    typer.Option("--datamap", help="Map voor de database (SQLite) en de uitvoer van de runs."),
]
STANDAARD_DATAMAP = Path("regietafel")


def _vereist_extra() -> None:
    """Stop with a Dutch message when the extra ``allocatie[app]`` is not installed."""
    try:
        import alembic  # noqa: F401
        import argon2  # noqa: F401
        import jinja2  # noqa: F401
        import python_multipart  # noqa: F401
        import sqlalchemy  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as fout:
        maak_console(stderr=True, stil=False).print(
            f"[bold red]Fout:[/bold red] de regietafel vraagt het pakket '{fout.name}', dat hier "
            "niet geïnstalleerd is. Installeer de app-onderdelen met: "
            "pip install 'allocatie\\[app]'",
            soft_wrap=True,
        )
        raise typer.Exit(code=2) from None


def is_lokaal(host: str) -> bool:
    """Is ``host`` an address of this machine only (loopback)?

    >>> is_lokaal("127.0.0.1"), is_lokaal("localhost"), is_lokaal("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _engine(database: str | None, datamap: Path) -> Engine:
    from allocatie.app.db import maak_engine, migreer

    datamap.mkdir(parents=True, exist_ok=True)
    engine = maak_engine(database or f"sqlite:///{datamap / 'app.sqlite'}")
    migreer(engine)
    return engine


@appcommando.callback()
def start(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Adres om op te luisteren. Standaard alleen deze machine; een ander adres "
            "kan alleen als er accounts zijn.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort.")] = 8765,
    database: DatabaseOptie = None,
    datamap: DatamapOptie = STANDAARD_DATAMAP,
    geen_browser: Annotated[
        bool, typer.Option("--geen-browser", help="Open geen browservenster.")
    ] = False,
) -> None:
    """Start de regietafel in de browser: rondes toevoegen, doorrekenen en downloaden.

    Een webapplicatie op deze machine (standaard 127.0.0.1:8765); vraagt de extra 'app'
    van allocatie (pip install 'allocatie\\[app]'). Zie docs/app.md.

    Eerst een account maken: allocatie app gebruiker toevoegen NAAM --rol regisseur
    --provincie PV20. Een ander adres dan deze machine (--host 0.0.0.0) kan alleen met
    accounts; de sessiecookie gaat dan alleen over HTTPS (zet er een HTTPS-proxy voor).
    """
    if ctx.invoked_subcommand is not None:
        return
    _vereist_extra()
    import uvicorn
    from sqlalchemy.orm import Session

    from allocatie.app.beveiliging import aantal_gebruikers
    from allocatie.app.web import Instellingen, maak_app

    console = maak_console(stderr=False, stil=False)
    with meld_fouten():
        engine = _engine(database, datamap)
        with Session(engine) as s:
            n = aantal_gebruikers(s)
        engine.dispose()
        lokaal = is_lokaal(host)
        if not lokaal and n == 0:
            maak_console(stderr=True, stil=False).print(
                f"[bold red]Fout:[/bold red] de regietafel luistert alleen op een ander adres "
                f"({host}) als er accounts zijn. Maak er eerst een met: allocatie app gebruiker "
                "toevoegen NAAM --rol beheerder",
                soft_wrap=True,
            )
            raise typer.Exit(code=2)
        if n == 0:
            console.print(
                "[yellow]Nog geen accounts.[/yellow] Maak er een met: allocatie app gebruiker "
                "toevoegen NAAM --rol regisseur --provincie PV20"
            )
        inst = Instellingen(
            datamap=datamap,
            database_url=database,
            geheim=os.environ.get(GEHEIM_VARIABELE) or None,
            veilige_cookie=not lokaal,
        )
        webapp = maak_app(inst)
        adres = f"http://{host}:{port}/"
        console.print(f"Regietafel op [bold]{adres}[/bold] (stoppen: Ctrl+C).")
        if not geen_browser:
            threading.Timer(1.0, webbrowser.open, args=(adres,)).start()
        uvicorn.run(webapp, host=host, port=port, log_level="warning")


@gebruiker.command("toevoegen")
def toevoegen(
    naam: Annotated[str, typer.Argument(help="Inlognaam.")],
    rol: Annotated[str, typer.Option("--rol", help="regisseur, lezer of beheerder.")],
    provincie: Annotated[
        str | None,
        typer.Option("--provincie", help="Provinciecode (bijv. PV20); niet voor een beheerder."),
    ] = None,
    database: DatabaseOptie = None,
    datamap: DatamapOptie = STANDAARD_DATAMAP,
    wachtwoord: Annotated[
        str | None,
        typer.Option(
            "--wachtwoord",
            envvar="ALLOCATIE_APP_WACHTWOORD",
            help="Wachtwoord (minstens 12 tekens); zonder deze optie wordt erom gevraagd.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Voeg een account toe met een rol en (behalve voor een beheerder) een provincie."""
    _vereist_extra()
    from sqlalchemy.orm import Session

    from allocatie.app.beveiliging import audit, maak_gebruiker

    if wachtwoord is None:
        wachtwoord = typer.prompt(
            "Wachtwoord", hide_input=True, confirmation_prompt="Nogmaals ter bevestiging"
        )
    with meld_fouten():
        engine = _engine(database, datamap)
        with Session(engine) as s, s.begin():
            g = maak_gebruiker(s, naam, wachtwoord, rol, provincie)
            audit(s, "(opdrachtregel)", g.provincie, "account toegevoegd", f"{naam} ({rol})")
        engine.dispose()
    maak_console(stderr=False, stil=False).print(
        f"Account [bold]{naam}[/bold] toegevoegd: {rol}"
        + (f" van {provincie}." if rol != "beheerder" else " (alle provincies).")
    )
