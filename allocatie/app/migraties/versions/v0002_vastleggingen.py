"""Vastleggingen uit de regietafel (vastzetten/uitsluiten met reden) en runs.vorige_run_id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a foreign key to an existing table otherwise.
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("vorige_run_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_runs_vorige_run", "runs", ["vorige_run_id"], ["id"])

    op.create_table(
        "vastleggingen",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ronde_id", sa.Integer, sa.ForeignKey("rondes.id"), nullable=False, index=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=True),
        sa.Column("huishouden_id", sa.String(100), nullable=False),
        sa.Column("soort", sa.String(20), nullable=False),
        sa.Column("aanbod_id", sa.String(100), nullable=False),
        sa.Column("gemeente_code", sa.String(20), nullable=False),
        sa.Column("reden", sa.Text, nullable=False),
        sa.Column("gebruiker", sa.String(100), nullable=False),
        sa.Column("tijd", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verwijderd", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verwijderd_door", sa.String(100), nullable=True),
        sa.Column("verwijder_reden", sa.Text, nullable=True),
        sa.CheckConstraint("soort IN ('vastzetten', 'uitsluiten')", name="ck_vastlegging_soort"),
        sa.CheckConstraint("length(trim(reden)) > 0", name="ck_vastlegging_reden"),
    )


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_constraint("fk_runs_vorige_run", type_="foreignkey")
        batch.drop_column("vorige_run_id")
    op.drop_table("vastleggingen")
