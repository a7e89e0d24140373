"""Writing a million rows quickly, in one transaction, on SQLite and PostgreSQL.

PostgreSQL through psycopg gets ``COPY ... FROM STDIN`` (several times faster
than batched INSERTs); any other database gets SQLAlchemy Core ``insert()``
executed with many rows at a time. Values arrive already in their stored form:
JSON as text, times as naive UTC text ``YYYY-MM-DD HH:MM:SS.ffffff`` (what the
store's ``UTCDateTime`` writes on SQLite, and what PostgreSQL reads for a
``timestamp``). Rows carry explicit ids, so PostgreSQL's id sequences are moved
past them at the end, or the next answer the quiz records would collide.

The store's running summaries (sessions' totals, per-student progress tables)
are then recomputed from the written answers by ``summaries.rebuild``, the
store's own bulk path, in the same transaction. The way in is
``Store.bulk_load``; the synthetic classes of ``bench/synthetic`` are its user.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, column, insert, table

from ..errors import QuizzerError
from . import summaries
from .models import Base

if TYPE_CHECKING:
    from psycopg.sql import Composable

__all__ = ["BulkWriter", "CopyWriter", "bulk_writer", "TABLES", "CHUNK"]

CHUNK = 20_000
SQLITE_CACHE_KB = 256 * 1024
TABLES = tuple(t.name for t in Base.metadata.sorted_tables)  # every table of the store, parents first
WITH_IDS = tuple(t.name for t in Base.metadata.sorted_tables if [c.name for c in t.primary_key.columns] == ["id"])


def chunks(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """``rows`` in lists of at most ``size``: a bound-parameter or memory limit per statement."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


class BulkWriter:
    """Inserts through SQLAlchemy Core on an open transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def _sql(self, statement: str):
        return self.connection.exec_driver_sql(statement)

    def users(self) -> int:
        return self._sql("SELECT COUNT(*) FROM users").fetchone()[0]

    def start(self, where: str, replace: bool) -> None:
        """Refuse a database that has users unless ``replace``; then empty it."""
        existing = self.users()
        if existing and not replace:
            raise QuizzerError(f"The database {where} already has {existing} users; synthetic data goes only "
                               "into an empty one.",
                               "pass --replace (replace=True) to delete everything in it first, or use another --db.")
        if existing or replace:
            self.clear()

    def clear(self) -> None:
        for name in reversed(TABLES):
            self._sql(f"DELETE FROM {name}")

    def write(self, name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        # The Core insert, compiled once; rows go to the driver's executemany as they are
        # (as tuples when the driver's parameters are positional), with no per-row processing.
        compiled = insert(table(name, *map(column, columns))).compile(dialect=self.connection.dialect)
        positional = (compiled.positional and compiled.positiontup is not None
                      and tuple(compiled.positiontup) == columns)
        count = 0
        for chunk in chunks(rows):
            self.connection.exec_driver_sql(compiled.string, chunk if positional else
                                            [dict(zip(columns, row, strict=True)) for row in chunk])
            count += len(chunk)
        return count

    def finish(self) -> None:
        summaries.rebuild(self.connection)


class CopyWriter(BulkWriter):
    """PostgreSQL: COPY on the transaction's own psycopg connection.

    As PostgreSQL's manual advises for a bulk load, foreign keys and secondary
    indexes are dropped first and made again after the COPY: checking a key row
    by row costs three times the COPY itself, while re-adding it checks all rows
    in one join. Their definitions are read from the catalogue, so they come back
    exactly as they were (and, the load being one transaction, are never seen
    missing). They are back before the summaries are rebuilt, which need them.
    """

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        raw = connection.connection.driver_connection
        assert raw is not None, "an open Connection holds its driver's connection"
        self.raw = raw
        self._restore: list[str] = []

    def _sql(self, statement: str | Composable, params=None):
        return self.raw.execute(statement, params)

    def start(self, where: str, replace: bool) -> None:
        super().start(where, replace)
        self._drop_checks()

    def clear(self) -> None:
        self._sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")

    def _drop_checks(self) -> None:
        from psycopg import sql

        tables = list(TABLES)
        keys = self._sql("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                         "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2", (tables,)).fetchall()
        indexes = self._sql("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i "
                            "ON i.oid = x.indexrelid WHERE x.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1",
                            (tables,)).fetchall()
        for table_name, name, definition in keys:
            self._sql(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.SQL(table_name), sql.Identifier(name)))
            self._restore.append(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                sql.SQL(table_name), sql.Identifier(name)).as_string(self.raw) + definition)
        for name, definition in indexes:
            self._sql(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            self._restore.insert(0, definition)  # indexes first: they speed up checking the keys

    def write(self, name: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        count = 0
        with self.raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def finish(self) -> None:
        for statement in self._restore:
            self._sql(statement)
        for name in WITH_IDS:
            self._sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 0) + 1, false) "
                      f"FROM {name}")
        self._sql("ANALYZE")  # statistics for rebuilding the summaries (autovacuum would be too late)
        super().finish()
        self._sql("ANALYZE")


@contextmanager
def bulk_writer(engine: Engine, replace: bool) -> Iterator[BulkWriter]:
    """A writer inside one transaction: committed if the block ends normally, else nothing is written.

    Refuses a database that already has users unless ``replace``, which empties it first.
    """
    copies = engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
    with engine.begin() as connection, _sqlite_cache(connection):
        writer = CopyWriter(connection) if copies else BulkWriter(connection)
        writer.start(engine.url.render_as_string(hide_password=True), replace)
        yield writer
        writer.finish()


@contextmanager
def _sqlite_cache(connection: Connection) -> Iterator[None]:
    """A 256 MB page cache while loading: index pages stay in memory (about 15% faster)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size={-SQLITE_CACHE_KB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
