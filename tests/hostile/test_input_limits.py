"""Inputs found by a tester after the first round of fixes: empty and over-long
user names, endless time limits, a database path that is a folder, a batch
that would overwrite its own input, an answer cut without a word."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from quizzer.cli import cli
from quizzer.errors import QuizzerError
from quizzer.limits import MAX_ANSWER_CHARS, MAX_NAME_CHARS

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("args,message", [
    (["--user", ""], "a user name cannot be empty"),
    (["--user", "   "], "a user name cannot be empty"),
    (["--user", "x" * (MAX_NAME_CHARS + 1)], f"at most {MAX_NAME_CHARS} characters"),
    (["--mode", "exam", "--minutes", "nan"], "number of minutes"),
    (["--mode", "exam", "--minutes", "inf"], "number of minutes"),
    (["--mode", "exam", "--minutes", "1e308"], "number of minutes"),
])
def test_a_quiz_refuses_what_it_cannot_run(runner, tmp_path, args, message):
    result = runner.invoke(cli, ["--db", str(tmp_path / "q.sqlite3"), "quiz", *args], input=":quit\n")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert not (tmp_path / "q.sqlite3").exists()


def test_the_store_refuses_names_it_cannot_keep_on_every_backend(store):
    """PostgreSQL's name column holds 200 characters; SQLite would take more, so
    the store checks the same limit on both."""
    for name in ("", "  ", "x" * (MAX_NAME_CHARS + 1)):
        with pytest.raises(QuizzerError):
            store.user_id(name, NOW)
    assert store.users() == []
    assert store.user_id("x" * MAX_NAME_CHARS, NOW) > 0


@pytest.mark.parametrize("value", ["{folder}/", "{folder}"])
def test_a_database_path_that_is_a_folder_is_refused(tmp_path, value):
    missing = tmp_path / "missing"
    existing = tmp_path / "existing"
    existing.mkdir()
    for folder in (missing, existing):
        env = {**os.environ, "QUIZZER_DB": value.format(folder=folder)}
        if folder is missing and not value.endswith("/"):
            continue  # a missing file in a missing folder: another test's case
        result = subprocess.run([sys.executable, "-m", "quizzer.launch", "stats"], env=env, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 1, result.stdout
        assert "is a folder, not a file" in result.stderr and "Traceback" not in result.stderr
    assert not missing.exists() and list(existing.iterdir()) == []


def test_a_batch_never_writes_over_its_own_input(runner, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text("question_id,answer\nQ1,XOR is not linearly separable\n", encoding="utf-8")
    before = source.read_bytes()
    result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(tmp_path / "." / "answers.csv")])
    assert result.exit_code == 1 and "is the file being graded" in result.output
    assert source.read_bytes() == before


def test_the_quiz_says_when_an_answer_was_cut(runner, tmp_path):
    answer = "XOR is not linearly separable. " * (MAX_ANSWER_CHARS // 20)
    result = runner.invoke(cli, ["--db", str(tmp_path / "q.sqlite3"), "quiz", "--user", "long", "--questions", "Q1",
                                 "--no-numeric", "--count", "1"], input=f"{answer}\n\n")
    assert result.exit_code == 0, result.output
    assert f"Only the first {MAX_ANSWER_CHARS:,} characters of this answer were read" in result.output


def test_an_answer_the_store_cannot_take_mid_quiz_is_given_back(tmp_path):
    """The database refuses the answer after the quiz began, as a disk that
    fills mid-quiz does: a real SQLite trigger fails every insert with SQLite's
    own "database or disk is full" message."""
    import sqlite3

    from quizzer.store import Store

    path = tmp_path / "q.sqlite3"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER full BEFORE INSERT ON responses "
                   "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
    answer = "XOR cannot be split by one straight line, in my own words"
    result = subprocess.run([sys.executable, "-m", "quizzer.launch", "--db", str(path), "quiz", "--user", "u",
                             "--questions", "Q1", "--no-numeric", "--count", "1"], input=f"{answer}\n\n",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Your answer could not be saved" in result.stdout and answer in result.stdout
    assert "--resume" in result.stdout
    assert "free some space" in result.stderr and "Traceback" not in result.stderr


def test_a_command_that_only_reads_creates_no_store(tmp_path):
    env = {**os.environ, "QUIZZER_INSTANCE": str(tmp_path / "instance")}
    env.pop("QUIZZER_DB", None)
    stats = subprocess.run([sys.executable, "-m", "quizzer.launch", "stats", "--user", "ana"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert stats.returncode == 0, stats.stderr
    assert "No answers yet" in stats.stdout and "Created your progress store" not in stats.stderr
    assert not (tmp_path / "instance" / "quizzer.sqlite3").exists()
    quiz = subprocess.run([sys.executable, "-m", "quizzer.launch", "quiz", "--user", "ana", "--questions", "Q1",
                           "--no-numeric", "--count", "1"], input=":skip\n", env=env, capture_output=True,
                          text=True, timeout=120)
    assert quiz.returncode == 0, quiz.stderr
    assert "Created your progress store" in quiz.stderr and (tmp_path / "instance" / "quizzer.sqlite3").exists()
