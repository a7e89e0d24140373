"""Regrading at scale: only what can change is read, batches are graded on
several cores with the same results as one by one, each batch is written whole,
and a regrade stopped half-way finishes when run again. On a real SQLite file
and a real PostgreSQL server."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from quizzer.bank import Bank
from quizzer.regrade import apply_regrade, grade_batch, plan_batches, plan_regrade, regrade_scope
from quizzer.store import NewResponse, confidence_of

from .summaries import before_and_after_a_rebuild

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEXTS = ["A single straight line is all it can draw.", "XOR is not linearly separable, so no line splits it.",
         "stacking linear layers collapses into one linear layer", "banana", "",
         "the perceptron never converges because XOR has no separating hyperplane"]


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    from quizzer.scoring import Scorer

    return Scorer(shipped_bank)


@pytest.fixture
def filled(store, shipped_bank, scorer):
    """Thirty answers to Q1, Q3 and Q7 from ten students, one a skip, some numeric."""
    n = 0
    for student in range(10):
        session = store.start_session(f"s{student}", kind="quiz", mode="practice", seed=1, plan=[{}] * 3,
                                      settings={}, now=NOW)
        for position, qid in enumerate(("Q1", "Q3", "Q7")):
            question = shipped_bank.get(qid)
            text = TEXTS[n % len(TEXTS)]
            n += 1
            result = scorer.grade(question, text)
            store.record(session.id, NewResponse(
                position, qid, question.content_hash, text, result.score, result.max,
                [c.to_json() for c in result.criteria], result.feedback, skipped=not text,
                **confidence_of(result)), NOW + timedelta(seconds=n))
    return store


@pytest.fixture
def edited(tmp_path) -> Bank:
    """The shipped bank with Q1's rubric edited as a teacher would: "straight line" no longer counts."""
    from quizzer.bank import load_bank
    from quizzer.variants import family_ids

    from .conftest import SHIPPED_BANK

    folder = tmp_path / "bank"
    shutil.copytree(SHIPPED_BANK, folder)
    q1_file = folder / "module1" / "q1.yaml"
    q1 = yaml.safe_load(q1_file.read_text(encoding="utf-8"))
    q1["rubric"][0].update(concepts=[["hyperplane"]], need=1, misconceptions=[])
    q1_file.write_text(yaml.safe_dump(q1, sort_keys=False), encoding="utf-8")
    return load_bank(folder, families=family_ids())


def test_by_default_only_answers_to_an_edited_question_are_read(filled, shipped_bank, edited):
    scope = regrade_scope(edited, everything=False)
    q1 = [r for r in filled.responses(question_id="Q1") if not r.skipped]
    assert filled.count_regradable(stale=scope) == len(q1)
    assert filled.count_regradable(stale=regrade_scope(shipped_bank, everything=False)) == 0
    everything = [r for r in filled.responses() if not r.skipped]
    assert filled.count_regradable(stale=None) == len(everything)
    streamed = [r.id for batch in filled.stream_regradable(stale=scope, batch=4) for r in batch]
    assert streamed == sorted(r.id for r in q1)  # in id order, each once, across batches


def test_batches_on_two_cores_give_what_one_by_one_grading_gives(filled, shipped_bank, scorer):
    one_by_one = {}
    for r in filled.responses():
        if r.skipped:
            continue
        result = scorer.grade(shipped_bank.get(r.question_id), r.answer)
        one_by_one[r.id] = (result.score, [c.to_json() for c in result.criteria], result.feedback)
    parallel = [c for _, changes in plan_batches(shipped_bank, filled, scorer, everything=True, jobs=2, batch=4)
                for c in changes]
    serial = plan_regrade(shipped_bank, filled, scorer)
    assert [(c.response.id, c.new_score, c.new_criteria) for c in parallel] == [
        (c.response.id, c.new_score, c.new_criteria) for c in serial]
    assert [c.response.id for c in parallel] == sorted(c.response.id for c in parallel)
    for change in grade_batch(shipped_bank, scorer, [r for r in filled.responses() if not r.skipped]):
        assert (change.new_score, change.new_criteria, change.new_feedback) == one_by_one[change.response.id]


def test_a_regrade_stopped_after_one_batch_finishes_when_run_again(filled, edited):
    from quizzer.scoring import Scorer

    scorer = Scorer(edited)
    before = {r.id: r for r in filled.responses()}
    batches = plan_batches(edited, filled, scorer, everything=False, batch=3)
    read, first = next(batches)
    apply_regrade(filled, first, NOW)
    batches.close()  # the process stops here
    done = {c.response.id for c in first}
    after = {r.id: r for r in filled.responses()}
    for rid, r in after.items():
        if rid in done:
            assert r.content_hash == edited.get("Q1").content_hash
        else:
            assert r == before[rid]  # untouched: old score, old hash
    left = filled.count_regradable(stale=regrade_scope(edited, everything=False))
    assert left == len([r for r in before.values() if r.question_id == "Q1" and not r.skipped]) - read
    for _, changes in plan_batches(edited, filled, scorer, everything=False, batch=3):
        apply_regrade(filled, changes, NOW)
    assert filled.count_regradable(stale=regrade_scope(edited, everything=False)) == 0
    before, after = before_and_after_a_rebuild(filled)
    assert before == after


@pytest.mark.parametrize("batch", [1, 2, 4, 1000])
def test_streaming_reads_every_stale_answer_once_in_order_whatever_the_batch(filled, shipped_bank, edited, batch):
    """The reads are bounded by an id range that widens and narrows (a big store must not
    be re-scanned for every batch); no answer may be skipped or read twice at any batch
    size, and one stored while the regrade runs is read too."""
    scope = regrade_scope(edited, everything=False)
    expected = [r.id for r in filled.responses(question_id="Q1") if not r.skipped]
    seen: list[int] = []
    stream = filled.stream_regradable(stale=scope, batch=batch)
    first = next(stream)
    assert 0 < len(first) <= batch
    seen += [r.id for r in first]
    q1 = shipped_bank.get("Q1")
    session = filled.start_session("late", kind="quiz", mode="practice", seed=1, plan=[{}], settings={}, now=NOW)
    late = filled.record(session.id, NewResponse(0, "Q1", q1.content_hash, "a late answer", 0.0, 2.0, [], ""),
                         NOW + timedelta(hours=1))
    for part in stream:
        assert 0 < len(part) <= batch
        seen += [r.id for r in part]
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert seen == [*expected, late]
    assert [r.id for part in filled.stream_regradable(stale=None, batch=batch) for r in part] == \
        [r.id for r in filled.responses() if not r.skipped]
