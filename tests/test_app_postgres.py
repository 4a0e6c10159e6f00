"""The web application on PostgreSQL: migrations, the audit-log trigger and a whole run.

A province team shares one server with a PostgreSQL database (`allocatie app --database
postgresql+psycopg://...`). These tests run the same paths as tests/test_app.py against a
real PostgreSQL server. They need a server URL of a role that may create databases in
``ALLOCATIE_TEST_POSTGRES`` (for example
``postgresql+psycopg://allocatie_test:allocatie_test@localhost/postgres``; .ci/run starts
Debian's server and sets it); without it they are skipped with that message. Every test
gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="de app-onderdelen (allocatie[app]) ontbreken")
pytest.importorskip("httpx2", reason="httpx2 (voor de TestClient) ontbreekt")
pytest.importorskip("psycopg", reason="psycopg (PostgreSQL-stuurprogramma) ontbreekt")

from appbouwers import WACHTWOORD, gemeenterijen, login, upload, wacht
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError
from starlette.testclient import TestClient

from allocatie.app.beveiliging import maak_gebruiker
from allocatie.app.db import AuditRegel
from allocatie.app.web import Instellingen, maak_app

SERVER = os.environ.get("ALLOCATIE_TEST_POSTGRES")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty database on the test server (dropped afterwards)."""
    if not SERVER:
        pytest.skip(
            "geen PostgreSQL-server: zet ALLOCATIE_TEST_POSTGRES op de URL van een rol die "
            "databases mag aanmaken"
        )
    naam = f"allocatie_t_{uuid.uuid4().hex[:12]}"
    beheer = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with beheer.connect() as v:
        v.execute(text(f'CREATE DATABASE "{naam}"'))
    try:
        yield make_url(SERVER).set(database=naam).render_as_string(hide_password=False)
    finally:
        with beheer.connect() as v:
            v.execute(text(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)'))
        beheer.dispose()


@pytest.fixture
def maak(tmp_path: Path, pg_url: str) -> Iterator[Any]:
    """Build applications on the test database; their connections are closed afterwards."""
    gemaakt: list[Any] = []

    def _maak(workers: int | None = 1, gebruikers: bool = True) -> Any:
        map_ = tmp_path / f"data{len(gemaakt)}"
        webapp = maak_app(Instellingen(datamap=map_, database_url=pg_url, workers=workers))
        gemaakt.append(webapp)
        if gebruikers:
            with webapp.state.sessies() as s, s.begin():
                maak_gebruiker(s, "anna", WACHTWOORD, "regisseur", "PV99")
                maak_gebruiker(s, "bert", WACHTWOORD, "regisseur", "PV20")
        return webapp

    yield _maak
    for webapp in gemaakt:
        for draad in webapp.state.instellingen.threads:
            draad.join(timeout=120)
        webapp.state.sessies.kw["bind"].dispose()


def test_migratie_op_postgres_herhaalbaar(maak: Any) -> None:
    maak()
    # A second start on the same database: the schema is at head, nothing is redone.
    webapp = maak(gebruikers=False)
    with webapp.state.sessies() as s:
        kop = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert kop is not None and kop.isdigit()
        assert s.execute(text("SELECT count(*) FROM gebruikers")).scalar() == 2


def test_auditlog_trigger_op_postgres(maak: Any) -> None:
    webapp = maak()
    client = TestClient(webapp)
    login(client, "anna")
    # Past the ORM, in plain SQL: PostgreSQL's trigger refuses, as SQLite's does.
    with webapp.state.sessies() as s:
        for sql in ("UPDATE auditlog SET reden = 'x'", "DELETE FROM auditlog"):
            with pytest.raises(DatabaseError, match="alleen worden aangevuld"):
                s.execute(text(sql))
            s.rollback()
        regels = list(s.scalars(select(AuditRegel)))
    assert [(r.gebruiker, r.actie) for r in regels] == [("anna", "inloggen")]


def test_een_actieve_vastzetting_op_postgres(maak: Any) -> None:
    """Migration 0003's partial unique index holds on PostgreSQL as on SQLite."""
    from sqlalchemy.exc import IntegrityError

    webapp = maak()
    with webapp.state.sessies() as s:
        s.execute(
            text(
                "INSERT INTO rondes (id, provincie, naam, periode, aangemaakt, gebruiker_id) "
                "VALUES (1, 'PV99', 'r', '2025-I', now(), 1)"
            )
        )

        def vastlegging(soort: str = "vastzetten", verwijderd: bool = False) -> None:
            s.execute(
                text(
                    "INSERT INTO vastleggingen (ronde_id, huishouden_id, soort, aanbod_id, "
                    "gemeente_code, reden, gebruiker, tijd, verwijderd) VALUES (1, 'HH-1', "
                    ":soort, '', 'GM9001', 'r', 'anna', now(), :weg)"
                ),
                {"soort": soort, "weg": "2026-01-02" if verwijderd else None},
            )

        vastlegging()
        vastlegging(verwijderd=True)
        vastlegging("uitsluiten")
        vastlegging("uitsluiten")
        s.commit()
        with pytest.raises(IntegrityError, match="uq_vastlegging_een_vastzetting"):
            vastlegging()
        s.rollback()
        s.execute(text("UPDATE vastleggingen SET verwijderd = now() WHERE soort = 'vastzetten'"))
        vastlegging()  # the old one removed: a new one may be set
        s.commit()
        assert s.execute(text("SELECT count(*) FROM vastleggingen")).scalar() == 5


def test_ronde_doorrekenen_op_postgres(maak: Any) -> None:
    # The production path (solve in a local process) with the database on PostgreSQL.
    webapp = maak(workers=None)
    anna = TestClient(webapp)
    token = login(anna, "anna")
    assert upload(anna, token).status_code == 200
    r = anna.post("/rondes/1/runs", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    run_url = r.headers["location"]
    pagina = wacht(anna, run_url)
    assert "status-klaar" in pagina, pagina
    assert len(gemeenterijen(pagina)) == 12
    d = anna.get(f"{run_url}/bestanden/plaatsingen.csv")
    assert d.status_code == 200 and d.text.startswith("huishouden_id")
    # Scoped to the provincie on PostgreSQL too.
    bert = TestClient(webapp)
    login(bert, "bert")
    assert bert.get(run_url).status_code == 404
    assert bert.get(f"{run_url}/bestanden/plaatsingen.csv").status_code == 404
    with webapp.state.sessies() as s:
        acties = {(a.gebruiker, a.actie) for a in s.scalars(select(AuditRegel))}
    assert {("anna", "upload"), ("anna", "run klaar"), ("anna", "download")} <= acties
