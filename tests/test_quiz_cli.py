"""``quizzer quiz`` as a student uses it: in a pseudo-terminal, through a pipe,
killed and resumed, and four at once against one SQLite file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

QUIZZER = str(Path(sys.executable).with_name("quizzer"))
STYLE = r"(?:\x1b\[[0-9;]*m)*"  # a terminal gets bold text even with NO_COLOR
ANSWER = 'A single perceptron computes a weighted sum plus bias, so its decision boundary is one straight line. XOR puts its positive points on opposite corners of the square, so no straight line separates the classes: XOR is not linearly separable, no weights exist, and training never converges however long it runs.'


@pytest.fixture
def env(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZZER", "XDG_"))}
    environment.update(QUIZZER_DB=str(tmp_path / "quiz.sqlite3"), NO_COLOR="1", EDITOR="true",
                       COLUMNS="100", HOME=str(tmp_path))
    return environment


def responses(env, user=None) -> list[tuple]:
    with sqlite3.connect(env["QUIZZER_DB"]) as db:
        query = ("SELECT u.name, r.session_id, r.position, r.question_id, r.score FROM responses r "
                 "JOIN users u ON u.id = r.user_id")
        rows = db.execute(query + (" WHERE u.name = ?" if user else "") + " ORDER BY r.id",
                          (user,) if user else ()).fetchall()
    return rows


def quiz(env, *args, stdin="", timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([QUIZZER, "quiz", *args], input=stdin, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_a_piped_quiz_runs_to_the_end(env):
    answers = f"{ANSWER}\n\n:skip\n"
    result = quiz(env, "--user", "amara", "--questions", "Q1,Q3", "--no-numeric", "--seed", "4", stdin=answers)
    assert result.returncode == 0, result.stderr
    assert "Question 1 of 2" in result.stdout and "Question 2 of 2" in result.stdout
    assert "2/2 for Q1" in result.stdout
    assert "Total: 2/4" in result.stdout
    assert "\x1b[" not in result.stdout, "no colour codes in a pipe"
    assert [r[3:] for r in responses(env)] == [("Q1", 2.0), ("Q3", 0.0)]


def test_a_numeric_answer_that_cannot_be_read_is_asked_again(env):
    result = quiz(env, "--user", "amara", "--questions", "Q20", "--count", "2", "--seed", "8",
                  stdin=f"{ANSWER}\n\nwhat?? [[\n0.1\n")
    assert result.returncode == 0, result.stderr
    assert "Could not read your answer" in result.stdout
    assert "Worked solution" in result.stdout
    assert len(responses(env)) == 2


def test_end_of_input_stops_and_resume_finishes(env):
    first = quiz(env, "--user", "bo", "--questions", "Q1,Q2,Q3", "--no-numeric", "--seed", "1",
                 stdin=f"{ANSWER}\n\n")
    assert first.returncode == 0
    assert "quizzer quiz --resume" in first.stdout
    assert len(responses(env, "bo")) == 1
    second = quiz(env, "--user", "bo", "--resume", stdin=":skip\n:skip\n")
    assert second.returncode == 0, second.stderr
    assert "Resuming" in second.stdout and "Question 2 of 3" in second.stdout
    assert [r[2] for r in responses(env, "bo")] == [0, 1, 2]
    assert "Total: " in second.stdout


def test_resume_without_an_unfinished_quiz_is_a_clear_error(env):
    result = quiz(env, "--user", "nobody", "--resume")
    assert result.returncode == 1
    assert "no unfinished quiz" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_whole_quiz_in_a_pseudo_terminal(env):
    child = pexpect.spawn(QUIZZER, ["quiz", "--user", "cy", "--questions", "Q1", "--count", "2", "--seed", "3"],
                          env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
    child.expect("Question 1 of 2")
    child.expect("> ")
    child.sendline(":hint")
    child.expect("Hint:")
    child.sendline(ANSWER)
    child.sendline("")
    child.expect(f"2/2{STYLE} for Q1")
    child.expect(r"Show the explanation\? \[y/N\]")
    child.sendline("y")
    child.expect("Analogy")
    child.expect("Question 2 of 2")
    child.expect("> ")
    child.sendline(":skip")
    child.expect("Worked solution")
    child.expect("Total: 2/3")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(responses(env, "cy")) == 2


def test_a_killed_quiz_loses_only_the_answer_being_typed(env):
    child = pexpect.spawn(QUIZZER, ["quiz", "--user", "di", "--questions", "Q1,Q5,Q9", "--no-numeric",
                                    "--seed", "2"], env=env, encoding="utf-8", timeout=60)
    child.expect("Question 1 of 3")
    child.sendline(ANSWER)
    child.sendline("")
    child.expect("Show the explanation")
    child.sendline("n")
    child.expect("Question 2 of 3")
    child.sendline("half an answer being typed")
    os.kill(child.pid, signal.SIGKILL)
    child.close()
    assert [r[3] for r in responses(env, "di")] == ["Q1"]
    resumed = quiz(env, "--user", "di", "--resume", stdin=":skip\n:skip\n")
    assert resumed.returncode == 0, resumed.stderr
    assert [r[3] for r in responses(env, "di")] == ["Q1", "Q5", "Q9"]


def test_four_quizzes_at_once_lose_nothing(env):
    users = ["ed", "ed", "fay", "gus"]
    answers = "\n".join([ANSWER, "", "The gradient shrinks.", "", ":skip", ":skip"]) + "\n"
    processes = [subprocess.Popen([QUIZZER, "quiz", "--user", user, "--count", "4", "--no-numeric",
                                   "--seed", str(index)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, text=True)
                 for index, user in enumerate(users)]
    outputs = [p.communicate(answers, timeout=180) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err
        assert "locked" not in err + out
    rows = responses(env)
    assert len(rows) == 16
    assert {r[0] for r in rows} == {"ed", "fay", "gus"}
    assert len({r[1] for r in rows}) == 4, "one session per process"


WATCH_IMPORTS = r"""
import sys
from quizzer.launch import main
sys.argv = ["quizzer", "quiz", *sys.argv[1:]]
try:
    main()
finally:
    print("LOADED:" + ",".join(m for m in ("numpy", "scipy", "sklearn") if m in sys.modules), file=sys.stderr)
"""


def loaded(result) -> list[str]:
    [line] = [line for line in result.stderr.splitlines() if line.startswith("LOADED:")]
    return [name for name in line[len("LOADED:"):].split(",") if name]


def test_a_free_text_quiz_never_imports_numpy_scipy_or_scikit_learn(env):
    """What keeps a quiz small and quick to start: grading free text needs none of them
    (see scoring/similarity.py), and only a numeric item brings in NumPy."""
    result = subprocess.run([sys.executable, "-c", WATCH_IMPORTS, "--user", "lean", "--questions", "Q1",
                             "--no-numeric", "--seed", "1"], input=f"{ANSWER}\n\n", env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "2/2 for Q1" in result.stdout
    assert loaded(result) == [], result.stderr

    numeric = subprocess.run([sys.executable, "-c", WATCH_IMPORTS, "--user", "lean", "--questions", "Q20",
                              "--count", "2", "--seed", "8"], input=f"{ANSWER}\n\n0.1\n", env=env,
                             capture_output=True, text=True, timeout=120)
    assert numeric.returncode == 0, numeric.stderr
    assert loaded(numeric) == ["numpy"], numeric.stderr
