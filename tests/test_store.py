"""The progress store, on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from quizzer.progress.schedule import review
from quizzer.store import NewResponse, Store
from quizzer.store.migrate import HEAD, MIGRATIONS

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
DATA = Path(__file__).parent / "data"


def response(position=0, question="Q1", score=1.0, criteria=None, **extra) -> NewResponse:
    criteria = [{"id": "c", "awarded": score}] if criteria is None else criteria
    return NewResponse(position=position, question_id=question, content_hash="hash", answer="an answer",
                       score=score, max_score=2.0, criteria=criteria, feedback="fb", **extra)


def test_a_new_database_gets_every_table(store):
    tables = set(inspect(store.engine).get_table_names())
    assert {"users", "quiz_sessions", "responses", "review_states", "regrades", "alembic_version"} <= tables


def test_users_are_created_once(store):
    first = store.user_id("amara", NOW)
    assert store.user_id("amara", NOW) == first
    assert store.user_id("bo", NOW) != first
    assert store.users() == ["amara", "bo"]


def test_a_session_and_its_responses_round_trip(store):
    plan = [{"question_id": "Q1", "family": None, "seed": None}, {"question_id": "Q1", "family": "l1_step", "seed": 5}]
    info = store.start_session("amara", kind="quiz", mode="practice", seed=42, plan=plan,
                               settings={"count": 2}, now=NOW)
    store.record(info.id, response(0), NOW)
    store.record(info.id, response(1, score=0.5, family="l1_step", variant_seed=5, seconds=12.5), NOW + timedelta(minutes=1))
    loaded = store.session(info.id)
    assert loaded.plan == plan and loaded.seed == 42 and loaded.answered == 2 and not loaded.finished
    records = store.responses(session_id=info.id)
    assert [(r.position, r.score, r.family, r.variant_seed) for r in records] == [(0, 1.0, None, None), (1, 0.5, "l1_step", 5)]
    assert records[1].created_at == NOW + timedelta(minutes=1)
    assert records[1].created_at.tzinfo is not None
    assert records[0].criteria == [{"id": "c", "awarded": 1.0}]


def test_a_grades_confidence_is_stored_and_older_answers_have_none(store):
    info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}, {}], settings={}, now=NOW)
    store.record(info.id, response(0, confidence=0.6, review_reasons=["partial:c", "unlike-samples"]), NOW)
    store.record(info.id, response(1), NOW)
    sure, unknown = store.responses(session_id=info.id)
    assert sure.confidence == 0.6 and sure.review_reasons == ["partial:c", "unlike-samples"]
    assert unknown.confidence is None and unknown.review_reasons is None


def test_the_same_position_cannot_be_answered_twice(store):
    info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=NOW)
    store.record(info.id, response(0), NOW)
    with pytest.raises(Exception):
        store.record(info.id, response(0), NOW)
    assert len(store.responses(session_id=info.id)) == 1


def test_unfinished_session_is_found_until_finished(store):
    info = store.start_session("amara", kind="quiz", mode="exam", seed=1, plan=[{}], settings={}, now=NOW)
    assert store.unfinished_session("amara").id == info.id
    assert store.unfinished_session("bo") is None
    store.finish_session(info.id, NOW + timedelta(minutes=5))
    assert store.unfinished_session("amara") is None
    assert store.session(info.id).ended_at == NOW + timedelta(minutes=5)


def test_review_cards_are_upserted_with_the_response(store):
    info = store.start_session("amara", kind="quiz", mode="review", seed=1, plan=[{}, {}], settings={}, now=NOW)
    card = review(None, "Q7", 1, NOW)
    store.record(info.id, response(0, "Q7", 0.0), NOW, card)
    later = review(card, "Q7", 3, NOW + timedelta(hours=1))
    store.record(info.id, response(1, "Q7", 2.0), NOW + timedelta(hours=1), later)
    [stored] = store.review_cards("amara").values()
    assert stored.reviews == 2 and stored.due == later.due and stored.last_review == NOW + timedelta(hours=1)


def test_regrade_keeps_the_old_score(store):
    info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=NOW)
    rid = store.record(info.id, response(0, score=1.0), NOW)
    assert store.regrade([(rid, 1.5, [], "new feedback", "newhash")], NOW) == 1
    [record] = store.responses(session_id=info.id)
    assert (record.score, record.content_hash, record.feedback) == (1.5, "newhash", "new feedback")
    assert store.regrade_history(rid) == [(1.0, 1.5, NOW)]


def criterion_table(store, response_id):
    with store.engine.connect() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(
            "SELECT criterion_id, awarded, max_marks, misconception FROM criterion_results "
            f"WHERE response_id = {int(response_id)} ORDER BY id").all()]


def test_criterion_results_follow_the_response_through_a_regrade(store):
    info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=NOW)
    criteria = [{"id": "a", "awarded": 1, "max": 1, "misconception": None},
                {"id": "b", "awarded": 0, "max": 1, "misconception": "ReLU saturates"}]
    rid = store.record(info.id, response(0, criteria=criteria), NOW)
    assert criterion_table(store, rid) == [("a", 1.0, 1.0, None), ("b", 0.0, 1.0, "ReLU saturates")]
    store.regrade([(rid, 2.0, [{"id": "a", "awarded": 1, "max": 1}, {"id": "b", "awarded": 1, "max": 1}],
                    "fb", "h2")], NOW)
    assert criterion_table(store, rid) == [("a", 1.0, 1.0, None), ("b", 1.0, 1.0, None)]
    with store.engine.connect() as connection:  # and the running summaries follow
        progress = connection.exec_driver_sql(
            "SELECT answers, score, max_score, best, r1 FROM question_progress WHERE question_id = 'Q1'").all()
        missed = connection.exec_driver_sql("SELECT criterion_id, marked, missed FROM criterion_progress "
                                            "ORDER BY criterion_id").all()
        wrong_ideas = connection.exec_driver_sql("SELECT count(*) FROM misconception_counts").scalar()
        session = connection.exec_driver_sql(f"SELECT answers, score FROM quiz_sessions WHERE id = {info.id}").one()
    assert [tuple(r) for r in progress] == [(1, 2.0, 2.0, 1.0, 1.0)]
    assert [tuple(r) for r in missed] == [("a", 1, 0), ("b", 1, 0)]
    assert wrong_ideas == 0 and tuple(session) == (1, 2.0)


def test_naive_times_are_refused(store):
    with pytest.raises(Exception, match="naive datetime"):
        store.user_id("amara", datetime(2026, 1, 1))


def test_models_and_migrations_agree(store):
    """An edited model without a migration would make this fail."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from quizzer.store.models import Base

    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_head_constant_matches_the_migration_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_a_database_made_by_the_first_schema_upgrades_without_loss(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript((DATA / "schema-0001.sql").read_text())
    with Store(f"sqlite:///{path}") as store:
        assert store.users() == ["amara", "bo"]
        records = store.responses(user="amara")
        assert [(r.question_id, r.score, r.answer, r.seconds) for r in records] == [
            ("Q1", 1.0, "XOR is not linearly separable.", 42.5), ("Q1", 1.0, "1", 10.0)]
        assert records[0].rating is None and records[1].family == "perceptron_output"
        assert store.unfinished_session("bo").mode == "exam"
        info = store.session(1)
        assert info.plan[1] == {"question_id": "Q1", "family": "perceptron_output", "seed": 7}
        assert info.finished
        store.record(2, response(0, "Q7", rating=3), NOW, review(None, "Q7", 3, NOW))
        assert store.review_cards("bo")["Q7"].reviews == 1
        with store.engine.connect() as connection:  # 0003 copied the old per-criterion JSON into its table
            rows = connection.exec_driver_sql(
                "SELECT response_id, question_id, criterion_id, awarded, max_marks, misconception "
                "FROM criterion_results WHERE response_id = 1").all()
        assert [tuple(r) for r in rows] == [(1, "Q1", "xor-not-separable", 1.0, 1.0, None)]
        with store.engine.connect() as connection:  # and summarised the old answers for reports
            progress = connection.exec_driver_sql(
                "SELECT family, answers, score, max_score FROM question_progress p JOIN users u ON u.id = p.user_id "
                "WHERE u.name = 'amara' ORDER BY family").all()
        assert [tuple(r) for r in progress] == [("", 1, 1.0, 2.0), ("*", 1, 1.0, 1.0), ("perceptron_output", 1, 1.0, 1.0)]


def test_an_unreachable_database_is_a_clear_error(tmp_path):
    from quizzer.errors import QuizzerError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(QuizzerError) as caught:
        Store(f"sqlite:///{blocker}/sub/quizzer.sqlite3")
    assert "quizzer.sqlite3" in str(caught.value) or "file" in str(caught.value)


def test_sqlite_is_configured_for_concurrent_writers(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'q.sqlite3'}") as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000


def test_replace_sessions_puts_a_chunk_of_students_in_place_and_their_summaries_agree(store):
    from datetime import UTC, datetime, timedelta

    from quizzer.store import NewResponse, Replacement

    from .summaries import before_and_after_a_rebuild

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def chunk(score: float) -> list[Replacement]:
        return [Replacement(user, "exam", "mid-term", "paper", 1, [{"question_id": "Q1"}], {},
                            [NewResponse(0, "Q1", "h", f"answer of {user}", score, 2.0)]) for user in ("a", "b", "c")]

    store.replace_sessions(chunk(1.0), now)
    infos = store.replace_sessions(chunk(2.0), now + timedelta(hours=1))  # graded again: replaced, not added
    assert [i.user for i in infos] == ["a", "b", "c"] and all(i.answered == 1 for i in infos)
    for user in ("a", "b", "c"):
        assert [s.title for s in store.sessions(user)] == ["mid-term"]
        assert [r.score for r in store.responses(user=user)] == [2.0]
    before, after = before_and_after_a_rebuild(store)
    assert before == after and len(before["question_progress"]) == 3
