"""A database that fails reaches the library's callers as a ``StoreError`` (a
``QuizzerError``), worded by the store, never as a SQLAlchemy exception.

The CLI turns every ``QuizzerError`` into its message; these tests call the store
directly, on real SQLite files and a real (refusing) PostgreSQL address.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from quizzer.errors import StoreError
from quizzer.store import NewResponse, Store
from quizzer.store.report_rows import Scope

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def answer(position: int = 0) -> NewResponse:
    return NewResponse(position=position, question_id="Q1", content_hash="h", answer="mine", score=1.0,
                       max_score=2.0)


@pytest.fixture
def damaged(tmp_path):
    """A store whose summary and regrade tables someone dropped by hand, after one answer."""
    path = tmp_path / "damaged.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}, {}], settings={}, now=NOW)
        store.record(info.id, answer(), NOW)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE question_progress")
        db.execute("DROP TABLE regrades")
    with Store(f"sqlite:///{path}") as store:
        yield store, info.id


@pytest.mark.parametrize("call, table", [
    (lambda store, sid: store.report_data(Scope()), "question_progress"),
    (lambda store, sid: store.regrade_history(1), "regrades"),
    (lambda store, sid: store.record(sid, answer(1), NOW), "question_progress"),
])
def test_a_damaged_store_answers_reads_and_writes_with_a_store_error(damaged, call, table):
    store, session_id = damaged
    with pytest.raises(StoreError) as raised:
        call(store, session_id)
    error = raised.value
    assert error.message == f"The database {store.url} could not do this: no such table: {table}"
    assert "start a new one with --db" in error.hint


def test_a_write_the_database_cannot_take_says_why(tmp_path):
    path = tmp_path / "ro.sqlite3"
    Store(f"sqlite:///{path}").close()
    with Store(f"sqlite:///file:{path}?mode=ro&uri=true") as store:
        assert store.users() == [], "reading still works"
        with pytest.raises(StoreError) as raised:
            store.user_id("amara", NOW)
    assert raised.value.message.endswith(f"{path}?mode=ro&uri=true: the database is read-only.")
    assert raised.value.message.startswith("Cannot write to the progress store ")
    assert "or choose another store with --db" in raised.value.hint


def test_a_position_answered_twice_is_a_store_error(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'twice.sqlite3'}") as store:
        info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=NOW)
        store.record(info.id, answer(), NOW)
        with pytest.raises(StoreError, match="could not do this: UNIQUE constraint failed"):
            store.record(info.id, answer(), NOW)


def test_a_file_that_is_not_a_database_is_refused_when_opened(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("my lecture notes, not a database " * 20, encoding="utf-8")
    with pytest.raises(StoreError, match="could not do this: file is not a database"):
        Store(f"sqlite:///{path}")


def test_a_missing_folder_is_refused_when_opened(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(f"sqlite:///{tmp_path / 'no' / 'such.sqlite3'}")


def test_a_server_that_refuses_the_connection_is_refused_when_opened():
    with pytest.raises(StoreError, match=r"Cannot open the database postgresql://nobody@127\.0\.0\.1:1/x: ") as raised:
        Store("postgresql://nobody@127.0.0.1:1/x")
    assert "that the server is running" in raised.value.hint
