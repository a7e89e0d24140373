"""The quiz engine without a terminal: plans, modes, recording, resuming, spacing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quizzer.errors import AnswerError, NotFound, QuizzerError
from quizzer.progress.schedule import review
from quizzer.quiz.plan import QuizOptions
from quizzer.quiz.session import QuizEngine
from quizzer.store import NewResponse

from .clock import Clock

START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    from quizzer.scoring import Scorer

    return Scorer(shipped_bank)


@pytest.fixture
def engine(shipped_bank, store, clock, scorer):
    quiz_engine = QuizEngine(shipped_bank, store, now=clock, scorer_factory=lambda: scorer)
    yield quiz_engine
    quiz_engine.close()  # before the store closes: a session may still be being written


def test_the_same_seed_gives_the_same_quiz(engine):
    first = engine.start(QuizOptions(user="amara", count=6, seed=11))
    second = engine.start(QuizOptions(user="bo", count=6, seed=11))
    assert first.items == second.items
    assert len(first.items) == 6
    numeric = [i for i in first.items if i.numeric]
    assert numeric and all(i.seed is not None for i in numeric)
    # each numeric item follows its own question's short-answer item
    for index, item in enumerate(first.items):
        if item.numeric:
            assert first.items[index - 1].question_id == item.question_id and not first.items[index - 1].numeric


def test_filters_and_no_numeric(engine, shipped_bank):
    run = engine.start(QuizOptions(user="amara", count=20, module=2, numeric=False, seed=1))
    assert {i.question_id for i in run.items} == {q.id for q in shipped_bank if q.module == 2}
    assert not any(i.numeric for i in run.items)
    explicit = engine.start(QuizOptions(user="amara", questions=("Q7", "Q1"), numeric=False, seed=1, count=5))
    assert {i.question_id for i in explicit.items} == {"Q1", "Q7"}


def test_no_matching_question_is_a_clear_error(engine):
    with pytest.raises(QuizzerError, match="No question matches"):
        engine.start(QuizOptions(user="amara", topic="dropout", module=1))
    with pytest.raises(QuizzerError, match="Q99"):
        engine.start(QuizOptions(user="amara", questions=("Q99",)))


def test_answers_are_graded_recorded_and_scheduled(engine, store, clock):
    run = engine.start(QuizOptions(user="amara", questions=("Q1",), count=2, seed=5))
    saq = run.present(0)
    outcome = run.submit(saq, 'A single perceptron computes a weighted sum plus bias, so its decision boundary is one straight line. XOR puts its positive points on opposite corners of the square, so no straight line separates the classes: XOR is not linearly separable, no weights exist, and training never converges however long it runs.', 30)
    assert outcome.score == 2 and outcome.max == 2
    numeric = run.present(1)
    assert numeric.numeric and numeric.variant.family == run.items[1].family
    with pytest.raises(AnswerError):
        run.submit(numeric, "__import__('os')")
    assert len(store.responses(session_id=run.info.id)) == 1, "an unreadable answer records nothing"
    run.submit(numeric, str(numeric.variant.answer))
    records = store.responses(session_id=run.info.id)
    assert [r.score for r in records] == [2.0, 1.0]
    assert records[0].content_hash == saq.question.content_hash and records[0].seconds == 30
    assert records[1].family == numeric.variant.family and records[1].variant_seed == numeric.variant.seed
    card = store.review_cards("amara")["Q1"]
    assert card.reviews == 2 and card.due > clock.now


def test_resume_continues_where_it_stopped(engine, store):
    run = engine.start(QuizOptions(user="amara", count=4, numeric=False, seed=9))
    run.skip(run.present(0))
    resumed = engine.resume("amara")
    assert resumed.info.id == run.info.id
    assert resumed.pending() == [1, 2, 3]
    assert resumed.items == run.items
    for position in resumed.pending():
        resumed.skip(resumed.present(position))
    resumed.finish()
    with pytest.raises(NotFound):
        engine.resume("amara")


def test_review_mode_asks_due_questions_first(engine, store, clock):
    warmup = engine.start(QuizOptions(user="amara", questions=("Q12", "Q3"), numeric=False, seed=1))
    for position in warmup.pending():
        warmup.skip(warmup.present(position))
    warmup.finish()
    clock.advance(days=1)
    run = engine.start(QuizOptions(user="amara", mode="review", numeric=False, count=5, seed=2))
    assert {i.question_id for i in run.items[:2]} == {"Q12", "Q3"}


def test_weak_mode_starts_with_the_weakest_topic(engine, store, clock):
    info = store.start_session("amara", kind="quiz", mode="practice", seed=1, plan=[{}] * 20, settings={}, now=clock.now)
    for position, q in enumerate(engine.bank):
        score = 0.0 if q.id == "Q16" else 2.0
        store.record(info.id, NewResponse(position, q.id, q.content_hash, "x", score, 2.0), clock.now)
    run = engine.start(QuizOptions(user="amara", mode="weak", numeric=False, count=3, seed=4))
    assert run.items[0].question_id == "Q16"


def test_a_due_question_comes_back_with_fresh_numbers(engine, store, clock):
    first = engine.start(QuizOptions(user="amara", questions=("Q14",), count=2, seed=21))
    second = engine.start(QuizOptions(user="amara", mode="review", questions=("Q14",), count=2, seed=22))
    assert first.items[1].numeric and second.items[1].numeric
    assert first.items[1].seed != second.items[1].seed
    assert first.present(1).text != second.present(1).text or first.items[1].family != second.items[1].family


def test_exam_time_limit(engine, clock):
    run = engine.start(QuizOptions(user="amara", mode="exam", minutes=10, numeric=False, count=2, seed=3))
    assert run.seconds_left() == 600
    clock.advance(minutes=11)
    assert run.seconds_left() < 0


def test_review_card_rating_reflects_partial_credit(engine, store):
    run = engine.start(QuizOptions(user="amara", questions=("Q1",), numeric=False, count=1, seed=1))
    # one criterion explained, the other missing: half the marks
    run.submit(run.present(0), "XOR is not linearly separable, because its classes sit on opposite corners.")
    [record] = store.responses(session_id=run.info.id)
    assert record.score == 1 and record.rating == 2  # half marks -> Hard
    card = store.review_cards("amara")["Q1"]
    assert card == store.review_cards("amara")["Q1"]
    assert review(None, "Q1", 3, START).due > review(None, "Q1", 2, START).due


def test_an_opening_engine_opens_the_store_only_when_the_session_is_written(shipped_bank, store, clock, scorer):
    """What lets ``quizzer quiz`` show its first question before the store is opened."""
    opened = []

    def open_store():
        opened.append(store)
        return store

    engine = QuizEngine.opening(shipped_bank, open_store, now=clock, scorer_factory=lambda: scorer)
    try:
        run = engine.start(QuizOptions(user="ines", count=2, seed=4))
        run.present(0)
        assert opened == []
        info = run.begin()
        assert opened == [store] and store.session(info.id).user == "ines"
        resumed = engine.resume("ines")
        assert resumed.resumed and resumed.items == run.items and opened == [store]
    finally:
        engine.close()
