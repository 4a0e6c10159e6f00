"""Database of the web application: tables, engine, migrations, the append-only audit log.

SQLite (a file next to the application's data) is the default; a PostgreSQL URL
serves a shared server. The schema is created and upgraded by Alembic
(`allocatie/app/migraties`), never by ``create_all``: `migreer` runs at start.

The audit log is append-only twice over: the ORM refuses to flush an update or
delete of an `AuditRegel` (`AuditFout`), and the initial migration installs a
database trigger on SQLite and PostgreSQL that aborts any UPDATE or DELETE of
the table, also from outside the application.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from allocatie.kern.errors import AllocatieFout

__all__ = [
    "EEN_VASTZETTING",
    "EEN_VASTZETTING_WAAR",
    "ROLLEN",
    "VASTLEGSOORTEN",
    "AuditFout",
    "AuditRegel",
    "Basis",
    "DatabaseFout",
    "Gebruiker",
    "Ronde",
    "Rondebestand",
    "Run",
    "Vastlegging",
    "maak_engine",
    "migreer",
    "nu",
]

#: The roles: a regisseur runs rounds of one provincie, a lezer reads them, a
#: beheerder manages accounts and sees every provincie.
ROLLEN = ("regisseur", "lezer", "beheerder")

#: Where the Alembic scripts of the application live (shipped with the package).
MIGRATIES = Path(__file__).resolve().parent / "migraties"


class AuditFout(AllocatieFout):
    """An attempt to change or remove a line of the audit log."""


class DatabaseFout(AllocatieFout):
    """The database cannot be used: no driver, a malformed URL or no connection."""


def _zonder_wachtwoord(url: str) -> str:
    """``url`` with its password masked, for messages and logs.

    >>> _zonder_wachtwoord("postgresql+psycopg://anna:geheim@server/allocatie")
    'postgresql+psycopg://anna:***@server/allocatie'
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url  # unreadable: shown as given, so the user sees what is wrong


def nu() -> dt.datetime:
    """The current time, in UTC."""
    return dt.datetime.now(dt.UTC)


class Basis(DeclarativeBase):
    """Declarative base of the application's tables."""


class Gebruiker(Basis):
    """An account: name, argon2 hash of the password, role and provincie."""

    __tablename__ = "gebruikers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(String(100), unique=True)
    wachtwoord_hash: Mapped[str] = mapped_column(String(200))
    rol: Mapped[str] = mapped_column(String(20))
    # None only for a beheerder (every provincie).
    provincie: Mapped[str | None] = mapped_column(String(20), nullable=True)
    aangemaakt: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=nu)


class Ronde(Basis):
    """An uploaded round of one provincie; its files are kept in `Rondebestand`."""

    __tablename__ = "rondes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provincie: Mapped[str] = mapped_column(String(20), index=True)
    naam: Mapped[str] = mapped_column(String(200))
    periode: Mapped[str] = mapped_column(String(20))
    aangemaakt: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=nu)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruikers.id"))
    bestanden: Mapped[list[Rondebestand]] = relationship(
        back_populates="ronde", cascade="all, delete-orphan", order_by="Rondebestand.naam"
    )
    runs: Mapped[list[Run]] = relationship(back_populates="ronde", order_by="Run.id")


class Rondebestand(Basis):
    """One file of a round as uploaded (bytes unchanged)."""

    __tablename__ = "rondebestanden"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ronde_id: Mapped[int] = mapped_column(ForeignKey("rondes.id"), index=True)
    naam: Mapped[str] = mapped_column(String(200))
    inhoud: Mapped[bytes] = mapped_column(LargeBinary)
    ronde: Mapped[Ronde] = relationship(back_populates="bestanden")


class Run(Basis):
    """One computation of a round: its status and the folder of its result files."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ronde_id: Mapped[int] = mapped_column(ForeignKey("rondes.id"), index=True)
    # wachtrij -> bezig -> klaar | mislukt
    status: Mapped[str] = mapped_column(String(20), default="wachtrij")
    melding: Mapped[str] = mapped_column(Text, default="")
    gestart: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=nu)
    klaar: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruikers.id"))
    # Folder of the outputs, relative to the application's data folder.
    uitvoer: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # The run whose outcome this one kept as stable as it could (``vorige``), if any.
    vorige_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id"), nullable=True, default=None
    )
    ronde: Mapped[Ronde] = relationship(back_populates="runs")


#: Kinds of `Vastlegging` as the app names them -> the ``soort`` of ``vastleggingen.csv``.
VASTLEGSOORTEN = {"vastzetten": "vast", "uitsluiten": "verbod"}

#: The partial unique index (migration 0003): at most one lock in force per household
#: and round; bans and removed locks are not counted. SQLite and PostgreSQL both
#: support ``CREATE UNIQUE INDEX ... WHERE``.
EEN_VASTZETTING = "uq_vastlegging_een_vastzetting"
EEN_VASTZETTING_WAAR = "soort = 'vastzetten' AND verwijderd IS NULL"


class Vastlegging(Basis):
    """A lock (``vastzetten``) or ban (``uitsluiten``) of one household, set in the app.

    It belongs to a round and holds for every later run of it until removed;
    ``run_id`` is the run on whose page it was set. The target is an option
    (``aanbod_id``), a gemeente (``gemeente_code``) or both. A removal keeps the
    row (who, when, why), so the history stays readable.
    """

    __tablename__ = "vastleggingen"
    __table_args__ = (
        Index(
            EEN_VASTZETTING,
            "ronde_id",
            "huishouden_id",
            unique=True,
            sqlite_where=text(EEN_VASTZETTING_WAAR),
            postgresql_where=text(EEN_VASTZETTING_WAAR),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ronde_id: Mapped[int] = mapped_column(ForeignKey("rondes.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    huishouden_id: Mapped[str] = mapped_column(String(100))
    soort: Mapped[str] = mapped_column(String(20))
    aanbod_id: Mapped[str] = mapped_column(String(100), default="")
    gemeente_code: Mapped[str] = mapped_column(String(20), default="")
    reden: Mapped[str] = mapped_column(Text)
    gebruiker: Mapped[str] = mapped_column(String(100))
    tijd: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=nu)
    verwijderd: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    verwijderd_door: Mapped[str | None] = mapped_column(String(100), nullable=True)
    verwijder_reden: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditRegel(Basis):
    """One line of the append-only audit log: who, when, what, why."""

    __tablename__ = "auditlog"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tijd: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=nu)
    gebruiker: Mapped[str] = mapped_column(String(100))
    provincie: Mapped[str | None] = mapped_column(String(20), nullable=True)
    actie: Mapped[str] = mapped_column(String(50))
    onderwerp: Mapped[str] = mapped_column(String(200), default="")
    reden: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(Session, "before_flush")
def _alleen_toevoegen(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse to flush a change or removal of an audit line."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditRegel) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditFout("het auditlog kan alleen worden aangevuld, niet gewijzigd of gewist")


def maak_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a wait for locks.

    A URL SQLAlchemy cannot read, or one whose driver is not installed (PostgreSQL needs
    the extra ``allocatie[postgres]``), gives a `DatabaseFout` in Dutch.
    """
    try:
        return _maak_engine(url)
    except ModuleNotFoundError as fout:
        raise DatabaseFout(
            f"de database {_zonder_wachtwoord(url)} vraagt het Python-pakket '{fout.name}', "
            "dat hier niet geïnstalleerd is; voor PostgreSQL: pip install "
            "'allocatie[app,postgres]'"
        ) from None
    except (ArgumentError, NoSuchModuleError):
        raise DatabaseFout(
            f"'{_zonder_wachtwoord(url)}' is geen database-URL die de regietafel kan "
            "gebruiken; bijvoorbeeld sqlite:///regietafel/app.sqlite of "
            "postgresql+psycopg://gebruiker@server/allocatie"
        ) from None


def _maak_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, future=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragma(verbinding: Any, _record: Any) -> None:
            cursor = verbinding.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, future=True)


def migreer(engine: Engine) -> None:
    """Bring the schema of ``engine``'s database to the newest revision (Alembic)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIES))
    try:
        with engine.begin() as verbinding:
            config.attributes["connection"] = verbinding
            command.upgrade(config, "head")
    except OperationalError as fout:
        reden = str(fout.orig).strip().splitlines()[0] if fout.orig else str(fout)
        raise DatabaseFout(
            f"de database {_zonder_wachtwoord(str(engine.url))} is niet te bereiken: {reden}"
        ) from None
