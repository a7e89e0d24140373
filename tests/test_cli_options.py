"""Option values the commands share, read one way."""

from __future__ import annotations

import pytest

from quizzer.cli.options import question_ids


@pytest.mark.parametrize("typed, ids", [
    (None, ()), ("", ()), ("Q1", ("Q1",)), ("Q7,Q1", ("Q7", "Q1")), (" Q1 , Q7 ,,", ("Q1", "Q7")), (",", ()),
])
def test_a_comma_list_of_question_ids(typed, ids):
    assert question_ids(typed) == ids


def test_the_quiz_command_offers_the_quizs_modes_without_loading_the_quiz():
    """One tuple of modes, read by the command and the planner; showing the command's
    help must not load the planner or the session for it."""
    import subprocess
    import sys

    from quizzer.cli.quiz import quiz
    from quizzer.quiz import MODES

    [mode] = [p for p in quiz.params if p.name == "mode"]
    assert tuple(mode.type.choices) == MODES
    script = ("import sys, quizzer.cli.quiz; "
              "print(sorted(m for m in sys.modules if m.startswith('quizzer.quiz')))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['quizzer.quiz']"


def test_quiz_and_exam_read_questions_the_same_way(runner, tmp_path):
    from quizzer.cli import cli

    db = str(tmp_path / "q.sqlite3")
    quiz = runner.invoke(cli, ["--db", db, "quiz", "--user", "ann", "--questions", " Q7 ,, Q1", "--no-numeric",
                               "--mode", "exam", "--seed", "1"], input=":quit\n")
    assert quiz.exit_code == 0, quiz.output
    assert "Q7 " in quiz.output and "2 items" in quiz.output
    exam = runner.invoke(cli, ["--db", db, "exam", "build", "--count", "1", "--questions", " Q7 ,, Q1",
                               "--seed", "1", "--out", str(tmp_path / "exam")])
    assert exam.exit_code == 0, exam.output
    assert "2 items" in exam.output
