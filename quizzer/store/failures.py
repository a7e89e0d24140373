"""How the store words a database that fails, as a ``StoreError``.

A database that cannot be opened, that refuses a write (read-only, disk full,
folder gone) or that answers a query with an error (damaged, locked by a stuck
process, changed by hand) is not a bug in Quizzer: the user gets one sentence
naming the database and what it answered, and a hint. Only the store sees
SQLAlchemy's exceptions; everything above it sees these.
"""

from __future__ import annotations

from sqlalchemy.exc import InternalError, OperationalError, SQLAlchemyError

from ..errors import StoreError
from .engine import display_url

__all__ = ["WRITE_HINT", "unwritable", "retryable", "hint", "cannot_open", "store_error"]

WRITE_HINT = ("nothing can be saved there: check that the disk has room and that you may write the file "
              "(a read-only copy, a full disk or a missing folder), or choose another store with --db.")
# how SQLite and PostgreSQL word a database that cannot take a write
_UNWRITABLE = {"readonly database": "the database is read-only", "read-only": "the database is read-only",
               "disk is full": "the disk is full", "no space left": "the disk is full",
               "disk i/o error": "the disk failed (an I/O error)", "unable to open": "the file cannot be opened"}


# PostgreSQL's "deadlock detected" and "could not serialize access": the transaction was
# rolled back to let another one through, and the same work done again succeeds
RETRYABLE_STATES = frozenset({"40P01", "40001"})


def retryable(exc: Exception) -> bool:
    """Whether the database undid this transaction only to break a tie with another
    writer, so that running it again from the start is the remedy."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in RETRYABLE_STATES


def unwritable(exc: Exception) -> str | None:
    """Why ``exc`` says the database cannot be written, or None for anything else."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return next((reason for words, reason in _UNWRITABLE.items() if words in text), None)


def hint(answer: str) -> str:
    """What to do about what the database said."""
    said = answer.lower()
    if "deadlock" in said or "could not serialize" in said:
        return ("another program was writing the same answers at the same moment, again and again; nothing was "
                "changed: run the command again.")
    if "full" in said or "no space" in said or "i/o error" in said:
        return "free some space on that disk (or check it), then run the command again; a quiz goes on with --resume."
    if "readonly" in said or "read-only" in said or "permission" in said:
        return "make the database file and its folder writable, or choose another with --db."
    return ("check the file or server; if the database was made by a development copy of Quizzer, "
            "start a new one with --db.")


def cannot_open(url: str, exc: SQLAlchemyError) -> StoreError:
    """What went wrong while the store was opened (and its schema checked): a
    database that cannot be reached, or one that answers with an error."""
    if not isinstance(exc, OperationalError):
        return store_error(url, exc)
    return StoreError(f"Cannot open the database {display_url(url)}: {exc.orig}",
                      "check --db / QUIZZER_DB, that the server is running, and your permissions.")


def store_error(url: str, exc: SQLAlchemyError, writing: bool = False) -> StoreError:
    """What the database at ``url`` answered; a write it cannot take says why."""
    reason = unwritable(exc) if writing and isinstance(exc, (OperationalError, InternalError)) else None
    if reason is not None:
        return StoreError(f"Cannot write to the progress store {display_url(url)}: {reason}.", WRITE_HINT)
    answer = (str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0]
    return StoreError(f"The database {display_url(url)} could not do this: {answer}", hint(answer))
