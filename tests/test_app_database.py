"""A database URL the regietafel cannot use: a Dutch message naming it, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="de app-onderdelen (allocatie[app]) ontbreken")

from typer.testing import CliRunner

from allocatie.app.db import DatabaseFout, maak_engine, migreer
from allocatie.cli import app as cli


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_onleesbare_url() -> None:
    with pytest.raises(DatabaseFout, match="'geen-url' is geen database-URL"):
        maak_engine("geen-url")


def test_ontbrekend_stuurprogramma_noemt_pakket_en_verbergt_wachtwoord() -> None:
    pytest.importorskip("sqlalchemy.dialects.mysql")
    try:
        import MySQLdb  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("MySQLdb is hier geïnstalleerd")
    with pytest.raises(DatabaseFout) as fout:
        maak_engine("mysql://anna:geheim@server/allocatie")
    tekst = str(fout.value)
    assert "'MySQLdb'" in tekst and "geheim" not in tekst and "anna:***@server" in tekst


def test_onbereikbare_server() -> None:
    pytest.importorskip("psycopg", reason="psycopg ontbreekt")
    url = f"postgresql+psycopg://anna:geheim@127.0.0.1:{_vrije_poort()}/allocatie"
    engine = maak_engine(url)
    with pytest.raises(DatabaseFout, match="is niet te bereiken") as fout:
        migreer(engine)
    assert "geheim" not in str(fout.value)


def test_cli_meldt_database_in_het_nederlands(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        ["app", "--database", "geen-url", "--datamap", str(tmp_path), "--geen-browser"],
    )
    assert r.exit_code != 0
    assert "geen database-URL" in r.output and "Traceback" not in r.output
