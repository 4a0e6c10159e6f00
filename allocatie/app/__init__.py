"""De regietafel in de browser: the web application of ``allocatie app`` (docs/app.md).

A Starlette application (`allocatie.app.web.maak_app`) over a SQLAlchemy
database migrated by Alembic (`allocatie.app.db`), with argon2 accounts and
provincie scoping (`allocatie.app.beveiliging`) and runs in the background
through `allocatie.kern.sweep` (`allocatie.app.rekenen`). Needs the extra
``allocatie[app]``.
"""
