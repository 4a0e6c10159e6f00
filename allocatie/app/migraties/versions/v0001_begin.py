"""Begin: gebruikers, rondes met hun bestanden, runs en het auditlog (alleen aanvullen).

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_WEIGER = "het auditlog kan alleen worden aangevuld, niet gewijzigd of gewist"


def upgrade() -> None:
    op.create_table(
        "gebruikers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("naam", sa.String(100), nullable=False, unique=True),
        sa.Column("wachtwoord_hash", sa.String(200), nullable=False),
        sa.Column("rol", sa.String(20), nullable=False),
        sa.Column("provincie", sa.String(20), nullable=True),
        sa.Column("aangemaakt", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rondes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("provincie", sa.String(20), nullable=False, index=True),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("periode", sa.String(20), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gebruiker_id", sa.Integer, sa.ForeignKey("gebruikers.id"), nullable=False),
    )
    op.create_table(
        "rondebestanden",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ronde_id", sa.Integer, sa.ForeignKey("rondes.id"), nullable=False, index=True),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("inhoud", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ronde_id", sa.Integer, sa.ForeignKey("rondes.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("melding", sa.Text, nullable=False),
        sa.Column("gestart", sa.DateTime(timezone=True), nullable=False),
        sa.Column("klaar", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gebruiker_id", sa.Integer, sa.ForeignKey("gebruikers.id"), nullable=False),
        sa.Column("uitvoer", sa.String(300), nullable=True),
    )
    op.create_table(
        "auditlog",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tijd", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gebruiker", sa.String(100), nullable=False),
        sa.Column("provincie", sa.String(20), nullable=True),
        sa.Column("actie", sa.String(50), nullable=False),
        sa.Column("onderwerp", sa.String(200), nullable=False),
        sa.Column("reden", sa.Text, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for soort in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditlog_geen_{soort.lower()} BEFORE {soort} ON auditlog "
                f"BEGIN SELECT RAISE(ABORT, '{_WEIGER}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION auditlog_weiger() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_WEIGER}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER auditlog_alleen_aanvullen BEFORE UPDATE OR DELETE OR TRUNCATE "
            "ON auditlog FOR EACH STATEMENT EXECUTE FUNCTION auditlog_weiger()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS auditlog_alleen_aanvullen ON auditlog")
        op.execute("DROP FUNCTION IF EXISTS auditlog_weiger()")
    for tabel in ("auditlog", "runs", "rondebestanden", "rondes", "gebruikers"):
        op.drop_table(tabel)
