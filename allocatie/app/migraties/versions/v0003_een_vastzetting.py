"""Hoogstens één actieve vastzetting per huishouden per ronde (gedeeltelijke unieke index).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from allocatie.app.db import DatabaseFout

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Written out, not imported from allocatie.app.db: a migration is a snapshot.
EEN_VASTZETTING = "uq_vastlegging_een_vastzetting"
EEN_VASTZETTING_WAAR = "soort = 'vastzetten' AND verwijderd IS NULL"


def upgrade() -> None:
    # The reader refuses a second lock before it is kept, but two requests at the same
    # moment could both have passed; such pairs must be resolved by hand first.
    dubbel = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT ronde_id, huishouden_id, count(*) FROM vastleggingen "
                f"WHERE {EEN_VASTZETTING_WAAR} GROUP BY ronde_id, huishouden_id "
                "HAVING count(*) > 1 ORDER BY ronde_id, huishouden_id"
            )
        )
        .all()
    )
    if dubbel:
        paren = "; ".join(f"ronde {r}, huishouden {h} ({n}×)" for r, h, n in dubbel[:20])
        raise DatabaseFout(
            "de database kan niet worden bijgewerkt (migratie 0003): deze huishoudens hebben "
            f"meer dan één actieve vastzetting: {paren}. Verwijder in de regietafel (vorige "
            "versie) de overbodige vastzettingen, met een reden, en start opnieuw."
        )
    waar = sa.text(EEN_VASTZETTING_WAAR)
    op.create_index(
        EEN_VASTZETTING,
        "vastleggingen",
        ["ronde_id", "huishouden_id"],
        unique=True,
        sqlite_where=waar,
        postgresql_where=waar,
    )


def downgrade() -> None:
    op.drop_index(EEN_VASTZETTING, table_name="vastleggingen")
