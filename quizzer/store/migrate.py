"""Bring a database to the current schema with Alembic, safely and quickly.

A database made by any earlier version of Quizzer is upgraded in place, without
loss. The check is cheap: the stored revision is read with one query, and
Alembic (slow to import) is loaded only when the database is behind. Migration
runs inside one write transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an
advisory lock), so two processes opening a new database at once do not race.
A database at a revision no script here knows (a newer Quizzer wrote it) is
refused with a message, never touched.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from ..errors import StoreError

__all__ = ["HEAD", "current_revision", "upgrade", "known_revisions", "MIGRATIONS"]

HEAD = "0005"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 7_305_214_881  # PostgreSQL advisory lock id for Quizzer migrations


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(connection: Connection | None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    """The revisions this Quizzer's migration scripts know (read only when the
    database is not at ``HEAD``)."""
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _refuse_unknown(engine: Engine, found: str) -> None:
    """A revision we have no script for was written by a newer Quizzer: Alembic
    would fail with a traceback, and guessing would damage the data."""
    if found in known_revisions():
        return
    where = engine.url.render_as_string(hide_password=True)
    raise StoreError(
        f"The database {where} was made by a newer version of Quizzer (its schema revision is {found}; "
        f"this Quizzer knows revisions up to {HEAD}).",
        "upgrade Quizzer (pip install --upgrade quizzer, or pull the newest checkout) to use this database, "
        "or choose another one with --db.")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision`` (default: the newest) unless already there."""
    if revision == "head":
        with engine.connect() as connection:
            found = current_revision(connection)
        if found == HEAD:
            return
        if found is not None:
            _refuse_unknown(engine, found)
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        command.upgrade(_alembic_config(connection), revision)
