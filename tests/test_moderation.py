"""Moderation's core: overrides kept in the store, the review queue, decisions.

Every store test runs on a real SQLite file and a real PostgreSQL server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizzer.errors import ChangedSince, QuizzerError
from quizzer.moderation.decisions import Decision, accept, commit, decide, read_mark, split_total, undo
from quizzer.moderation.groups import cluster, wording
from quizzer.moderation.queue import Filters, load_queue
from quizzer.regrade import apply_regrade, plan_regrade
from quizzer.store import NewResponse, confidence_of

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    from quizzer.scoring import Scorer

    return Scorer(shipped_bank)


def _answer(store, scorer, question, user, text, *, rating=None, when=NOW):
    session = store.start_session(user, kind="quiz", mode="practice", seed=1,
                                  plan=[{"question_id": question.id}], settings={}, now=when)
    result = scorer.grade(question, text)
    return store.record(session.id, NewResponse(
        0, question.id, question.content_hash, text, result.score, result.max,
        [c.to_json() for c in result.criteria], result.feedback, rating=rating, **confidence_of(result)), when)


def _by_id(store):
    return {r.id: r for r in store.responses()}


def test_an_override_changes_the_mark_everywhere_and_undo_restores_it(store, shipped_bank, scorer):
    q1 = shipped_bank.get("Q1")
    rid = _answer(store, scorer, q1, "ann", "XOR is not linearly separable")
    before = _by_id(store)[rid]
    changes, notes = decide([before], Decision(total=2.0, comment="Good: say why next time."))
    commit(store, changes, "teacher", NOW + timedelta(hours=1))
    after = _by_id(store)[rid]
    assert after.score == 2.0 and after.moderated and after.comment == "Good: say why next time."
    assert sum(c["awarded"] for c in after.criteria) == 2.0
    assert notes and "split" in notes[0]
    (override,) = store.overrides()
    assert (override.old_score, override.new_score, override.scorer_score) == (before.score, 2.0, before.score)
    assert override.moderator == "teacher"
    # the running summaries (what reports and stats read) follow the override
    assert store.report_data  # the store still answers reports
    undo(store, [rid], NOW + timedelta(hours=2))
    restored = _by_id(store)[rid]
    assert restored.score == before.score and not restored.moderated
    assert store.overrides() == [] and store.overrides(active_only=False)[0].undone_at is not None


def test_one_decision_over_many_students_and_questions_keeps_every_summary_exact(store, shipped_bank, scorer):
    """A sheet's import moderates many students' answers to several questions in one
    transaction, with the summaries rebuilt per question and chunk of students: they
    must equal a rebuild from the answers, and the untouched student's must not move."""
    from tests.summaries import before_and_after_a_rebuild

    questions = [shipped_bank.get(qid) for qid in ("Q1", "Q2", "Q3")]
    ids = [_answer(store, scorer, q, user, "It is not linearly separable, so it cannot learn it.")
           for user in ("ann", "bob", "cai", "dee") for q in questions]
    bystander = _answer(store, scorer, questions[0], "eve", "It is not linearly separable.")
    untouched = _by_id(store)[bystander]
    rows = [r for rid, r in _by_id(store).items() if rid in ids]
    changes = [c for row in rows for c in decide([row], Decision(total=0.5))[0]]
    store.moderate(changes, "teacher", NOW + timedelta(hours=1))
    before, after = before_and_after_a_rebuild(store)
    assert before == after
    assert all(r.score == 0.5 and r.moderated for rid, r in _by_id(store).items() if rid in ids)
    assert _by_id(store)[bystander] == untouched
    progress = {(row[0], row[1]): row for row in before["question_progress"]}
    assert len(progress) >= 5  # five students' rows, moderated or not, all kept


def test_a_regrade_never_replaces_an_override(store, shipped_bank, scorer):
    q1 = shipped_bank.get("Q1")
    rid = _answer(store, scorer, q1, "ben", "XOR is not linearly separable")
    response = _by_id(store)[rid]
    commit(store, decide([response], Decision(total=0.0))[0], "teacher", NOW)
    # the stored hash no longer matches the bank, as after a rubric edit: a regrade would rewrite it
    changes = plan_regrade(shipped_bank, store, scorer)
    kept = [c for c in changes if c.response.id == rid]
    assert kept and kept[0].kept and kept[0].new_score == response.score
    apply_regrade(store, changes, NOW + timedelta(days=1))
    assert _by_id(store)[rid].score == 0.0 and _by_id(store)[rid].moderated


def test_a_stale_decision_is_refused_and_changes_nothing(store, shipped_bank, scorer):
    q1 = shipped_bank.get("Q1")
    first = _answer(store, scorer, q1, "cat", "XOR is not linearly separable")
    second = _answer(store, scorer, q1, "dan", "banana")
    records = _by_id(store)
    changes, _ = decide([records[first], records[second]], Decision(total=1.0))
    commit(store, [changes[1]], "teacher", NOW)  # someone else marks the second first
    with pytest.raises(ChangedSince):
        commit(store, changes, "teacher", NOW)
    assert _by_id(store)[first].score == records[first].score  # the whole group was refused together


def test_moderating_a_practice_answer_reschedules_its_card(store, shipped_bank, scorer):
    from quizzer.progress.schedule import AGAIN, GOOD, review

    q1 = shipped_bank.get("Q1")
    rid = _answer(store, scorer, q1, "eve", "banana", rating=AGAIN)
    response = _by_id(store)[rid]
    accept(store, [response], "teacher", NOW)  # agreeing keeps the rating
    assert _by_id(store)[rid].rating == AGAIN
    undo(store, [rid], NOW)
    commit(store, decide([response], Decision(total=2.0))[0], "teacher", NOW)
    assert _by_id(store)[rid].rating == GOOD
    card = store.review_cards("eve")["Q1"]
    assert card == review(None, "Q1", GOOD, NOW)  # as if it had been marked Good the first time
    assert card != review(None, "Q1", AGAIN, NOW)


def test_an_exam_graded_again_keeps_the_teachers_marks(store):
    plan = [{"question_id": "Q1"}]
    responses = [NewResponse(0, "Q1", "h", "same words", 0.5, 2.0, [{"id": "a", "awarded": 0.5, "max": 2}])]
    store.replace_session("s1", kind="exam", title="E1", mode="paper", seed=1, plan=plan, settings={},
                          responses=responses, now=NOW)
    (record,) = store.responses()
    commit(store, decide([record], Decision(total=1.5, comment="kept"))[0], "teacher", NOW)
    store.replace_session("s1", kind="exam", title="E1", mode="paper", seed=1, plan=plan, settings={},
                          responses=responses, now=NOW + timedelta(days=1))
    (again,) = store.responses()
    assert again.created_at != record.created_at  # graded anew
    assert again.score == 1.5 and again.comment == "kept"
    changed = [NewResponse(0, "Q1", "h", "other words", 0.5, 2.0, [{"id": "a", "awarded": 0.5, "max": 2}])]
    store.replace_session("s1", kind="exam", title="E1", mode="paper", seed=1, plan=plan, settings={},
                          responses=changed, now=NOW + timedelta(days=2))
    (third,) = store.responses()
    assert third.score == 0.5 and not third.moderated  # a different answer is the scorer's again


def test_the_queue_puts_doubts_first_and_groups_identical_answers(store, shipped_bank, scorer):
    q1 = shipped_bank.get("Q1")
    for user, text in [("a", q1.model_answer), ("b", "xor is linearly separable"), ("c", "XOR is linearly separable!"),
                       ("d", "XOR is not linearly separable"), ("e", "banana")]:
        _answer(store, scorer, q1, user, text)
    doubtful = load_queue(shipped_bank, store)
    everything = load_queue(shipped_bank, store, Filters(everything=True))
    assert everything.answers == 5 and doubtful.answers < 5
    risks = [g.risk for g in everything.groups]
    assert risks == sorted(risks, reverse=True)
    pair = next(g for g in everything.groups if g.size == 2)
    assert {i.response.user for i in pair.items} == {"b", "c"}  # the negated one is not in it
    assert load_queue(shipped_bank, store, Filters(user="e", everything=True)).answers == 1


def test_negations_and_numbers_keep_answers_apart():
    texts = ["Sigmoid saturates, so gradients vanish", "sigmoid saturate so gradient vanishes",
             "sigmoid does not saturate so gradients vanish", "the rate is 0.1 so it converges",
             "the rate is 0.5 so it converges", ""]
    groups = cluster([wording(t) for t in texts])
    assert [0, 1] in groups and [2] in groups and [3] in groups and [4] in groups and [5] in groups


@pytest.mark.parametrize(("text", "maximum", "expected"), [("1.5", 2, 1.5), ("2", 2, 2.0), ("0", 1, 0.0),
                                                            ("1,5", 2, 1.5)])
def test_read_mark_takes_half_marks(text, maximum, expected):
    assert read_mark(text, maximum, "row 2") == expected


@pytest.mark.parametrize(("text", "words"), [("2.5", "above the maximum"), ("0.3", "half marks"),
                                             ("-1", "from 0"), ("lots", "not a mark"), ("nan", "from 0")])
def test_read_mark_refuses_what_a_criterion_cannot_have(text, words):
    with pytest.raises(QuizzerError, match=words):
        read_mark(text, 2, "row 2")


@pytest.mark.parametrize(("awarded", "maxima", "total"), [((1, 0), (1, 1), 2), ((0.5, 0), (1, 1), 1.5),
                                                          ((0, 0), (1, 1), 1), ((0.5, 0.5), (0.5, 1.5), 2),
                                                          ((1, 1), (1, 1), 0.5), ((0, 0, 0), (1, 0.5, 2), 3.5)])
def test_split_total_sums_exactly_in_half_marks_within_each_maximum(awarded, maxima, total):
    criteria = [{"awarded": a, "max": m} for a, m in zip(awarded, maxima, strict=True)]
    shares = split_total(criteria, total)
    assert sum(shares) == total
    assert all(0 <= s <= m and s * 2 == int(s * 2) for s, m in zip(shares, maxima, strict=True))


def test_neighbours_are_the_teachers_marks_and_the_latest_answers(store, shipped_bank, scorer, monkeypatch):
    """A department's store has too many answers to a question to read for every
    review: neighbours are every answer a teacher marked and the latest few."""
    from quizzer.moderation import queue

    q1 = shipped_bank.get("Q1")
    marked = _answer(store, scorer, q1, "old", "XOR cannot be split by one line", when=NOW - timedelta(days=30))
    commit(store, decide([_by_id(store)[marked]], Decision(total=2.0))[0], "teacher", NOW - timedelta(days=29))
    middle = [_answer(store, scorer, q1, f"m{i}", f"some answer number {i}", when=NOW - timedelta(days=20 - i))
              for i in range(3)]
    latest = [_answer(store, scorer, q1, f"n{i}", f"another answer {i}", when=NOW - timedelta(days=5 - i))
              for i in range(2)]
    assert [r.id for r in store.neighbours("Q1", recent=2)] == [marked, *latest]
    assert [r.id for r in store.neighbours("Q1", recent=10)] == [marked, *middle, *latest]
    assert store.neighbours("Q2", recent=10) == []
    # the answers a queue is for are left out (the caller has them), and not made up for
    assert [r.id for r in store.neighbours("Q1", recent=2, exclude=[latest[1]])] == [marked, latest[0]]
    assert [r.id for r in store.neighbours("Q1", recent=10, exclude=[marked])] == [*middle, *latest]
    assert all(r.criteria == [] and r.feedback == "" for r in store.neighbours("Q1", recent=10)), \
        "neighbours are read without their criteria and feedback"
    assert _by_id(store)[latest[0]].criteria, "which the stored answers have"

    # the teacher's old mark still reaches a new near-identical answer in a review of its session
    monkeypatch.setattr(queue, "NEIGHBOURS", 1)
    fresh = _answer(store, scorer, q1, "new", "XOR cannot be split by one line!")
    session = _by_id(store)[fresh].session_id
    (group,) = load_queue(shipped_bank, store, Filters(session_id=session, everything=True)).groups
    assert _by_id(store)[fresh].score != 2.0, "the scorer disagrees with the teacher here"
    assert f"moderated-neighbour:{marked}" in group.reasons
