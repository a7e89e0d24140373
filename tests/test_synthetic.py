"""Synthetic data for the store (bench.synthetic), on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import text

from bench.synthetic import fill
from quizzer.errors import QuizzerError
from quizzer.store import NewResponse, Store

from .conftest import REPO

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
USERS, RESPONSES = 25, 3000
TABLES = {"users": "id", "quiz_sessions": "id", "responses": "id", "criterion_results": "id",
          "review_states": "user_id, question_id", "regrades": "id"}


def rows(url: str, sql: str) -> list[tuple]:
    with Store(url) as store, store.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


def dump(url: str) -> dict[str, list[tuple]]:
    return {name: rows(url, f"SELECT * FROM {name} ORDER BY {key}") for name, key in TABLES.items()}


def parsed(value):
    """A JSON column as Python (SQLite hands back text through plain SQL, PostgreSQL a value)."""
    return json.loads(value) if isinstance(value, str) else value


def stamp(value) -> datetime:
    """A time column read through plain SQL, as an aware UTC time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


@pytest.fixture
def filled(db_url, shipped_bank):
    summary = fill(db_url, shipped_bank, users=USERS, responses=RESPONSES, seed=7, now=NOW)
    return db_url, summary


@pytest.fixture
def other_url(request, db_url, tmp_path):
    """A second empty database of the same kind."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database()


def test_the_counts_are_what_was_asked(filled):
    url, summary = filled
    counts = {name: rows(url, f"SELECT COUNT(*) FROM {name}")[0][0] for name in TABLES}
    assert counts["users"] == summary.users == USERS
    assert counts["responses"] == summary.responses == RESPONSES
    assert counts["quiz_sessions"] == summary.sessions
    assert counts["criterion_results"] == summary.criterion_results
    assert counts["review_states"] == summary.review_states
    assert counts["regrades"] == 0
    unfinished = rows(url, "SELECT COUNT(*) FROM quiz_sessions WHERE ended_at IS NULL")[0][0]
    assert unfinished == summary.unfinished > 0


def test_the_running_summaries_match_the_answers(filled):
    url, _ = filled
    sessions = rows(url, "SELECT s.answers, s.score, s.max_score, s.seconds, COUNT(r.id), SUM(r.score), "
                         "SUM(r.max_score), SUM(r.seconds) FROM quiz_sessions s JOIN responses r "
                         "ON r.session_id = s.id GROUP BY s.id, s.answers, s.score, s.max_score, s.seconds")
    for kept_n, kept_score, kept_max, kept_seconds, n, score, top, seconds in sessions:
        assert (kept_n, kept_score, kept_max) == (n, score, top) and kept_seconds == pytest.approx(seconds)
    per_item = rows(url, "SELECT COUNT(*), SUM(answers), SUM(score) FROM question_progress WHERE family <> '*'")[0]
    distinct = rows(url, "SELECT COUNT(*) FROM (SELECT DISTINCT user_id, question_id, family FROM responses) d")[0][0]
    assert per_item[:2] == (distinct, RESPONSES)
    assert per_item[2] == pytest.approx(rows(url, "SELECT SUM(score) FROM responses")[0][0])
    # '*': each question's numeric answers taken together
    together = rows(url, "SELECT COUNT(*), SUM(answers) FROM question_progress WHERE family = '*'")[0]
    assert together == rows(url, "SELECT COUNT(DISTINCT user_id || ' ' || question_id), COUNT(*) FROM responses "
                                 "WHERE family IS NOT NULL")[0]
    marked = rows(url, "SELECT SUM(marked), SUM(missed) FROM criterion_progress")[0]
    assert marked == rows(url, "SELECT COUNT(*), SUM(CASE WHEN awarded < max_marks THEN 1 ELSE 0 END) "
                               "FROM criterion_results")[0]
    counted = rows(url, "SELECT SUM(count) FROM misconception_counts")[0][0]
    assert counted == rows(url, "SELECT COUNT(*) FROM criterion_results WHERE phrase IS NOT NULL")[0][0] > 0


def test_names_are_varied_and_unicode_survives(filled):
    url, _ = filled
    with Store(url) as store:
        names = store.users()
    assert len(set(names)) == USERS
    assert {"Zoë Ñúñez", "李明"} <= set(names)
    assert len({name.split()[0] for name in names}) > USERS // 2


def test_every_response_is_a_valid_answer_to_a_bank_item(filled, shipped_bank):
    url, _ = filled
    responses = rows(url, "SELECT question_id, family, variant_seed, content_hash, score, max_score, answer, "
                          "skipped FROM responses")
    for qid, family, seed, content_hash, score, top, answer, skipped in responses:
        question = shipped_bank.get(qid)
        assert question is not None and question.content_hash == content_hash
        if family is None:
            assert seed is None and top == question.marks
        else:
            assert family in question.variants and top == 1.0 and seed is not None
        assert 0 <= score <= top and (score * 2).is_integer()
        assert bool(skipped) == (answer == "") and (not skipped or score == 0)
    assert {r[0] for r in responses} == {q.id for q in shipped_bank}
    assert {r[1] for r in responses if r[1]} <= {f for q in shipped_bank for f in q.variants}


def test_numeric_answers_are_marked_as_the_checker_marks_them(filled):
    from quizzer.variants import generate
    from quizzer.variants.check import check_answer

    url, _ = filled
    numeric = rows(url, "SELECT family, variant_seed, answer, score, feedback FROM responses "
                        "WHERE family IS NOT NULL AND NOT skipped")
    assert len(numeric) > RESPONSES // 4
    for family, seed, answer, score, feedback in numeric:
        check = check_answer(generate(family, seed), answer)
        assert check.error is None and (check.score, check.feedback) == (score, feedback)
    assert {s for *_, s, _ in numeric} == {0.0, 0.5, 1.0}


def test_short_answers_have_criteria_that_add_up_to_the_score(filled, shipped_bank):
    url, _ = filled
    table = defaultdict(list)
    phrases = {}
    for response_id, user_id, qid, *row, phrase in rows(url, "SELECT response_id, user_id, question_id, "
                                                             "criterion_id, awarded, max_marks, misconception, "
                                                             "phrase FROM criterion_results ORDER BY id"):
        table[response_id].append((user_id, qid, *row))
        phrases[row[-1]] = phrase
    short = rows(url, "SELECT id, user_id, question_id, score, criteria, skipped, answer FROM responses "
                      "WHERE family IS NULL")
    misconceptions = 0
    for response_id, user_id, qid, score, criteria, skipped, answer in short:
        criteria, rubric = parsed(criteria), {c.id: c for c in shipped_bank.get(qid).rubric}
        if skipped:
            assert criteria == [] and response_id not in table
            continue
        assert [c["id"] for c in criteria] == list(rubric)
        assert table.pop(response_id) == [(user_id, qid, c["id"], c["awarded"], c["max"], c["misconception"])
                                          for c in criteria]
        assert sum(c["awarded"] for c in criteria) == score
        assert answer in {s.text for s in shipped_bank.get(qid).samples}
        for c in criteria:
            assert c["max"] == rubric[c["id"]].marks and 0 <= c["awarded"] <= c["max"]
            if c["misconception"]:
                misconceptions += 1
                assert c["awarded"] == 0
                assert phrases[c["misconception"]] in rubric[c["id"]].misconceptions
                assert phrases[c["misconception"]] in c["misconception"]
    assert table == {}  # no criterion row without its short answer
    assert misconceptions > 0


def test_sessions_hold_their_plans_in_order_and_in_time(filled):
    url, summary = filled
    sessions = {r[0]: r[1:] for r in rows(url, "SELECT id, kind, mode, title, plan, started_at, ended_at "
                                               "FROM quiz_sessions")}
    answered = defaultdict(list)
    for row in rows(url, "SELECT session_id, position, question_id, family, variant_seed, created_at "
                         "FROM responses ORDER BY id"):
        answered[row[0]].append(row[1:])
    exam_ids = {exam_id for exam_id, _ in summary.exams}
    assert len(exam_ids) == 2
    for session_id, (kind, mode, title, plan, started, ended) in sessions.items():
        plan, got = parsed(plan), answered[session_id]
        assert [r[0] for r in got] == list(range(len(got))) and 0 < len(got) <= len(plan)
        assert [(r[1], r[2], r[3]) for r in got] == [(p["question_id"], p["family"], p["seed"]) for p in plan[:len(got)]]
        times = [stamp(r[4]) for r in got]
        assert times == sorted(times) and stamp(started) <= times[0] and times[-1] < NOW
        assert (ended is None) == (len(got) < len(plan))
        assert kind in ("quiz", "exam") and (kind == "exam") == (mode == "paper") == (title in exam_ids)
    modes = {mode for kind, mode, *_ in sessions.values()}
    assert modes == {"practice", "review", "weak", "exam", "paper"}
    assert min(stamp(s[4]) for s in sessions.values()) >= NOW - timedelta(days=90)


def test_each_student_sits_each_exam_at_most_once(filled):
    url, summary = filled
    per_user = rows(url, "SELECT user_id, title, COUNT(*) FROM quiz_sessions WHERE kind = 'exam' "
                         "GROUP BY user_id, title")
    assert per_user and all(count == 1 for *_, count in per_user)
    assert {title for _, title, _ in per_user} == {exam_id for exam_id, _ in summary.exams}


def test_review_cards_exist_for_every_question_practised(filled):
    from fsrs import Card

    url, _ = filled
    practised = defaultdict(list)
    for user_id, qid, created, rating in rows(url, "SELECT r.user_id, r.question_id, r.created_at, r.rating "
                                                   "FROM responses r JOIN quiz_sessions s ON s.id = r.session_id "
                                                   "WHERE s.kind = 'quiz' ORDER BY r.id"):
        assert rating in (1, 2, 3)
        practised[user_id, qid].append(stamp(created))
    cards = {(r[0], r[1]): r[2:] for r in rows(url, "SELECT user_id, question_id, card, due, reviews, last_review "
                                                    "FROM review_states")}
    assert set(cards) == set(practised)
    for key, (card, due, reviews, last_review) in cards.items():
        assert reviews == len(practised[key]) and stamp(last_review) == max(practised[key])
        assert stamp(due) > stamp(last_review) and Card.from_dict(parsed(card)).due == stamp(due)
    assert rows(url, "SELECT COUNT(*) FROM responses WHERE rating IS NULL")[0][0] == \
        rows(url, "SELECT COUNT(*) FROM responses r JOIN quiz_sessions s ON s.id = r.session_id "
                  "WHERE s.kind = 'exam'")[0][0]


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(filled, other_url, shipped_bank):
    url, _ = filled
    fill(other_url, shipped_bank, users=USERS, responses=RESPONSES, seed=7, now=NOW)
    assert dump(other_url) == dump(url)
    fill(other_url, shipped_bank, users=USERS, responses=RESPONSES, seed=8, now=NOW, replace=True)
    again = dump(other_url)
    assert len(again["responses"]) == RESPONSES and again["responses"] != dump(url)["responses"]


def test_a_database_with_users_is_refused_and_left_unchanged(db_url, shipped_bank):
    with Store(db_url) as store:
        info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=NOW)
        store.record(info.id, NewResponse(0, "Q1", "h", "an answer", 1.0, 2.0), NOW)
    before = dump(db_url)
    with pytest.raises(QuizzerError, match="already has 1 users"):
        fill(db_url, shipped_bank, users=3, responses=50, seed=1, now=NOW)
    assert dump(db_url) == before
    summary = fill(db_url, shipped_bank, users=3, responses=50, seed=1, now=NOW, replace=True)
    with Store(db_url) as store:
        assert "amara" not in store.users() and len(store.users()) == 3
        assert len(store.responses()) == summary.responses == 50


def test_the_store_carries_on_after_a_fill(filled):
    """Ids continue after the written ones (PostgreSQL sequences moved), and the schema is intact."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from quizzer.store.models import Base

    url, _ = filled
    with Store(url) as store:
        info = store.start_session("Zoë Ñúñez", kind="quiz", mode="practice", seed=1, plan=[{}], settings={},
                                   now=NOW)
        new_id = store.record(info.id, NewResponse(0, "Q1", "h", "an answer", 1.0, 2.0,
                                                   criteria=[{"id": "c", "awarded": 1, "max": 1}]), NOW)
        assert new_id == RESPONSES + 1 and info.id > 1
        with store.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_better_students_score_higher_and_everyone_improves(tmp_path, shipped_bank):
    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    fill(url, shipped_bank, users=80, responses=16000, seed=3, now=NOW)
    answers = rows(url, "SELECT user_id, question_id, score / max_score, created_at FROM responses")
    by_user = defaultdict(list)
    for user_id, _, fraction, _ in answers:
        by_user[user_id].append(fraction)
    overall = {user: np.mean(v) for user, v in by_user.items()}
    facility = {}
    for question in shipped_bank:
        mine = defaultdict(list)
        for user_id, qid, fraction, _ in answers:
            if qid == question.id:
                mine[user_id].append(fraction)
        users = sorted(mine)
        item = [np.mean(mine[u]) for u in users]
        assert np.corrcoef(item, [overall[u] for u in users])[0, 1] > 0.2, question.id  # discrimination
        facility[question.id] = np.mean(item)
    assert max(facility.values()) - min(facility.values()) > 0.15  # questions differ in difficulty
    early = [f for _, _, f, t in answers if stamp(t) < NOW - timedelta(days=60)]
    late = [f for _, _, f, t in answers if stamp(t) > NOW - timedelta(days=30)]
    assert np.mean(late) > np.mean(early)


@pytest.mark.parametrize("kwargs, message", [
    ({"users": 0}, "users must be at least 1"),
    ({"responses": -1}, "responses cannot be negative"),
    ({"now": datetime(2026, 1, 1)}, "aware"),
])
def test_impossible_requests_are_refused_before_anything_is_opened(tmp_path, shipped_bank, kwargs, message):
    path = tmp_path / "never.sqlite3"
    with pytest.raises(QuizzerError, match=message):
        fill(f"sqlite:///{path}", shipped_bank, **{"now": NOW, **kwargs})
    assert not path.exists()


def test_the_fill_script_reports_what_it_wrote_and_refuses_to_add(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("fill_store", REPO / "bench" / "fill_store.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    argv = ["--db", str(tmp_path / "bench.sqlite3"), "--users", "4", "--responses", "120", "--seed", "2",
            "--now", "2026-11-24T09:30:00+00:00"]
    assert script.main(argv) == 0
    out = capsys.readouterr().out
    assert "responses                120" in out and "users                      4" in out and "rows/s" in out
    assert script.main(argv) == 1
    assert "already has 4 users" in capsys.readouterr().err
    assert script.main([*argv, "--replace"]) == 0
