"""Option values the commands share, read one way."""

from __future__ import annotations

import pytest

from quizzer.cli.options import question_ids


@pytest.mark.parametrize("typed, ids", [
    (None, ()), ("", ()), ("Q1", ("Q1",)), ("Q7,Q1", ("Q7", "Q1")), (" Q1 , Q7 ,,", ("Q1", "Q7")), (",", ()),
])
def test_a_comma_list_of_question_ids(typed, ids):
    assert question_ids(typed) == ids


def test_the_quiz_command_offers_exactly_the_quizs_modes():
    """The choices are spelled out in the command so that `quizzer quiz --help` need
    not import the quiz; this keeps the two lists one."""
    from quizzer.cli.quiz import quiz
    from quizzer.quiz import MODES

    [mode] = [p for p in quiz.params if p.name == "mode"]
    assert tuple(mode.type.choices) == MODES


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
