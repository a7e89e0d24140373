"""The moderation benchmark (bench/bench_moderation.py), run small so it cannot rot."""

from __future__ import annotations

import pytest

from bench import bench_moderation as bench


def test_the_class_writes_near_duplicates_varied_and_blank_answers(shipped_bank):
    questions = [q for q in shipped_bank if q.rubric][:bench.QUESTIONS]
    answers = bench.class_answers(questions, 200, seed=3)
    assert answers == bench.class_answers(questions, 200, seed=3)  # the same seed, the same class
    assert answers != bench.class_answers(questions, 200, seed=4)
    column = [row[0] for row in answers]
    known = set(bench.known_answers(questions[0]))
    assert len(set(column)) < len(column) * 0.8  # many students wrote the same thing
    assert any(text in known for text in column)  # copied from the bank verbatim
    assert sum(1 for text in column if text and text not in known) > len(column) / 3  # and changed
    assert "" in {text for row in answers for text in row}


def test_the_bench_stores_a_graded_exam_and_times_its_queue(tmp_path, capsys):
    from quizzer.store import Store

    assert bench.main(["--students", "30", "--runs", "3", "--folder", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "answers stored            300" in out
    assert "baseline: one full read   median" in out and "x the read" in out and "PASS" in out
    with Store(f"sqlite:///{tmp_path / 'moderation.sqlite3'}") as store:
        stored = store.responses()
        sessions = store.sessions()
    assert len(stored) == 300 and len(sessions) == 30
    assert {s.kind for s in sessions} == {"exam"} and all(s.finished for s in sessions)
    graded = [r for r in stored if r.answer]
    assert graded and all(r.confidence is not None and r.criteria for r in graded)
    assert len({r.question_id for r in stored}) == bench.QUESTIONS


def test_fewer_than_three_runs_is_refused():
    with pytest.raises(SystemExit):
        bench.parse_args(["--runs", "2"])
