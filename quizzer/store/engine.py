"""Connecting to the database: SQLite by default, PostgreSQL for a department.

SQLite is set up for several quiz processes writing at once: WAL (readers never
block the writer), foreign keys on, a 30-second busy timeout, and every
transaction that may write begun with ``BEGIN IMMEDIATE``. The last point
matters: a deferred transaction that reads and then writes can fail at once with
"database is locked" when another process got the write lock first, whatever the
timeout; an immediate one waits its turn. A connection marked ``READ_ONLY`` (the
reports') begins a deferred transaction instead: it never writes, so it needs no
write lock, reads one snapshot under WAL, and neither waits for a writer nor
makes writers (or the other workers of the same report) wait for it.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from ..config import sqlite_path
from ..errors import StoreError

__all__ = ["make_engine", "display_url", "BUSY_TIMEOUT_MS", "READ_ONLY"]

READ_ONLY = "quizzer_read_only"  # an execution option: this connection only reads

BUSY_TIMEOUT_MS = 30_000


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is reported by make_engine
        return url


def _normalise(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":  # psycopg 3 is the driver we ship an extra for
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _check_folder(url: str) -> None:
    """A SQLite file in a folder that does not exist is a mistyped path, not a
    request for a new empty store: refuse it (the default store's folder is made
    by the caller, which knows it is the default)."""
    path = sqlite_path(url)
    if path is None:
        return
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(f"The folder {folder} for the database {path} does not exist.",
                           "check the path given with --db or QUIZZER_DB, or create the folder first.")


def make_engine(url: str) -> Engine:
    try:
        url = _normalise(url)
    except Exception:
        raise StoreError(f"'{url}' is not a database URL.",
                           "use a SQLite file path, sqlite:///path or postgresql://user@host/db") from None
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise StoreError(f"The database driver '{exc.name}' is not installed.",
                           "for PostgreSQL: pip install 'quizzer[postgres]'") from None


def _sqlite_engine(url: str) -> Engine:
    _check_folder(url)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine
