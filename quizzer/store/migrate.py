"""Bring a database to the current schema with Alembic, safely and quickly.

A database made by any earlier version of Quizzer is upgraded in place, without
loss. The check is cheap: the stored revision is read with one query, and
Alembic (slow to import) is loaded only when the database is behind. Migration
runs inside one write transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an
advisory lock), so two processes opening a new database at once do not race.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

__all__ = ["HEAD", "current_revision", "upgrade", "MIGRATIONS"]

HEAD = "0004"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 7_305_214_881  # PostgreSQL advisory lock id for Quizzer migrations


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(connection: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision`` (default: the newest) unless already there."""
    if revision == "head":
        with engine.connect() as connection:
            if current_revision(connection) == HEAD:
                return
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        command.upgrade(_alembic_config(connection), revision)
