"""Alembic environment of the web application (run by `allocatie.app.db.migreer`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from allocatie.app.db import Basis

doel = Basis.metadata
verbinding = context.config.attributes.get("connection")

if verbinding is None:  # `alembic` on the command line: sqlalchemy.url from its config
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as v:
        context.configure(connection=v, target_metadata=doel)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=verbinding, target_metadata=doel)
    with context.begin_transaction():
        context.run_migrations()
