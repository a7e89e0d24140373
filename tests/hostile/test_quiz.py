"""The terminal quiz under pressure: the exam clock, a late answer, line editing,
bytes that are not UTF-8, and feedback that must agree with the total.

Everything runs the real ``quizzer quiz`` in a subprocess (a pipe) or in a
pseudo-terminal (pexpect), against a fresh SQLite file in ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from quizzer.variants import generate

from ..conftest import minimal_question, write_bank

QUIZZER = str(Path(sys.executable).with_name("quizzer"))
KEYWORDS = "straight line, linear boundary, XOR not linearly separable, diagonal corners, no weights, never converges"
WEAK = "The perceptron is a kind of neuron used in networks."
# A shell of the quiz with readline made unimportable, as on a Python built without it.
NO_READLINE = r"""
import sys
sys.modules["readline"] = None
from quizzer.launch import main
sys.argv = ["quizzer", "quiz", *sys.argv[1:]]
main()
"""


@pytest.fixture(scope="module")
def instance(tmp_path_factory) -> Path:
    """One instance folder for the module, so the bank cache is built once; each test has its own store."""
    return tmp_path_factory.mktemp("instance")


@pytest.fixture
def env(tmp_path, instance):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUIZZER")}
    environment.update(QUIZZER_DB=str(tmp_path / "quiz.sqlite3"), QUIZZER_INSTANCE=str(instance),
                       NO_COLOR="1", EDITOR="true", COLUMNS="200", HOME=str(tmp_path), TERM="xterm")
    return environment


def quiz(env, *args, stdin="") -> subprocess.CompletedProcess:
    return subprocess.run([QUIZZER, "quiz", *args], input=stdin, env=env, capture_output=True, text=True,
                          timeout=120)


def spawn(env, *args, program=QUIZZER, prefix=("quiz",)) -> pexpect.spawn:
    return pexpect.spawn(program, [*prefix, *args], env=env, encoding="utf-8", codec_errors="replace",
                         timeout=30, dimensions=(40, 200))


def stored(env) -> list[tuple]:
    with sqlite3.connect(env["QUIZZER_DB"]) as db:
        return db.execute("SELECT position, question_id, score, skipped, answer FROM responses "
                          "ORDER BY position").fetchall()


def finish(child: pexpect.spawn, graded: bool = True) -> str:
    """Decline the explanation a graded answer offers, and wait for the end of the quiz."""
    if graded:
        child.expect(r"Show the explanation\? \[y/N\] ")
        child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


# the exam clock ----------------------------------------------------------------------

@pytest.mark.parametrize("minutes,clock,welcome", [
    ("5", "5 min left", "1 item, 5 minutes"), ("1", "1 min left", "1 item, 1 minute,"),
    ("0.5", "30 s left", "1 item, 0.5 minutes")])
def test_the_exam_clock_rounds_up_and_counts_seconds_in_the_last_minute(env, minutes, clock, welcome):
    result = quiz(env, "--user", "ana", "--mode", "exam", "--minutes", minutes, "--questions", "Q1",
                  "--no-numeric", "--seed", "1", stdin=":skip\n")
    assert result.returncode == 0, result.stderr
    assert f"Starting an exam quiz for ana: {welcome}" in result.stdout, result.stdout
    [shown] = re.findall(r"· (\d+ (?:min|s)) left", result.stdout)
    if clock.endswith("s left"):  # the bank loads before the clock is first read: allow a second or two
        assert int(shown.split()[0]) in (28, 29, 30), result.stdout
    else:
        assert f"{shown} left" == clock, result.stdout


def test_the_welcome_line_counts_items_in_the_plural(env):
    result = quiz(env, "--user", "cy", "--questions", "Q1,Q2", "--no-numeric", "--seed", "1", stdin=":skip\n:skip\n")
    assert "Starting a practice quiz for cy: 2 items, seed 1." in result.stdout, result.stdout


def test_an_answer_finished_after_the_time_limit_is_not_marked(env):
    from ..test_quiz_cli import ANSWER

    child = spawn(env, "--user", "late", "--mode", "exam", "--minutes", "0.1", "--questions", "Q1,Q2",
                  "--no-numeric", "--seed", "1")
    child.expect("Question 1 of 2")
    shown = time.monotonic()
    child.expect("> ")
    child.sendline(ANSWER)  # a full-marks answer, typed in time...
    time.sleep(max(0.0, 6.5 - (time.monotonic() - shown)))
    child.sendline("")  # ...but finished after the six seconds
    child.expect("Time is up")
    output = child.before + child.after + finish(child, graded=False)
    assert "not marked" in output, output
    assert "Answer saved" not in output, output
    assert output.count("Time is up") == 1, output
    rows = stored(env)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(0, "Q1", 0.0, 1), (1, "Q2", 0.0, 1)], rows


# line editing, history and undecodable bytes ------------------------------------------

LEFT, UP, BACKSPACE = "\x1b[D", "\x1b[A", "\x7f"


def _numeric_item(child: pexpect.spawn) -> None:
    """Skip the free-text Q20 and stop at the prompt of its numeric variant."""
    child.expect("Question 1 of 2")
    child.expect("> ")
    child.sendline(":skip")
    child.expect("Question 2 of 2")
    child.expect("> ")


def test_the_cursor_keys_edit_the_answer_and_up_recalls_the_last_one(env):
    child = spawn(env, "--user", "ed", "--questions", "Q20", "--count", "2", "--seed", "8")
    _numeric_item(child)
    child.send("1/0\r")  # unreadable: divides by zero
    child.expect("Could not read your answer")
    child.expect("> ")
    child.send(UP + BACKSPACE + "5" + LEFT + LEFT + "2\r")  # recall "1/0", make it "12/5"
    child.expect("you gave 2.4")
    finish(child)
    assert [r[4] for r in stored(env)] == ["", "12/5"]


def test_the_quiz_runs_in_a_terminal_without_readline(env):
    child = spawn(env, "-c", NO_READLINE, "--user", "fa", "--questions", "Q20", "--count", "2", "--seed", "8",
                  program=sys.executable, prefix=())
    _numeric_item(child)
    child.sendline("0.1")
    child.expect("Worked solution")
    output = finish(child)
    assert "Total: 0/3" in output
    assert [r[4] for r in stored(env)] == ["", "0.1"]


def test_no_history_file_is_written(env, tmp_path, instance):
    """Readline keeps this quiz's lines in memory only: no file outside the store holds an answer."""
    typed = "0.0123456789"
    child = spawn(env, "--user", "gi", "--questions", "Q20", "--count", "2", "--seed", "8")
    _numeric_item(child)
    child.sendline(typed)
    finish(child)
    assert [r[4] for r in stored(env)] == ["", typed]
    store = Path(env["QUIZZER_DB"])
    files = [p for folder in (tmp_path, instance) for p in folder.rglob("*")
             if p.is_file() and not p.name.startswith(store.name)]
    assert not [p for p in files if "hist" in p.name.lower() or typed.encode() in p.read_bytes()], files


def test_a_byte_that_is_not_utf8_does_not_crash_the_quiz(env):
    child = spawn(env, "--user", "hu", "--questions", "Q1", "--no-numeric", "--seed", "1")
    child.expect("Question 1 of 1")
    child.expect("> ")
    os.write(child.child_fd, b"A caf\xe9 answer about lines\r")
    child.sendline("")
    child.expect("for Q1")
    output = finish(child)
    assert "Traceback" not in output and "UnicodeDecodeError" not in output, output
    [(_, _, _, skipped, answer)] = stored(env)
    assert skipped == 0 and answer.startswith("A caf") and answer.endswith("answer about lines"), answer


def test_a_piped_byte_that_is_not_utf8_does_not_crash_the_quiz(env):
    result = subprocess.run([QUIZZER, "quiz", "--user", "iv", "--questions", "Q1", "--no-numeric", "--seed", "1"],
                            input=b"A caf\xe9 answer about lines\n\n", env={**env, "PYTHONIOENCODING": "utf-8:strict"},
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    [(_, _, _, skipped, answer)] = stored(env)
    assert skipped == 0 and "answer about lines" in answer


# what the feedback says ---------------------------------------------------------------

def test_an_unreadable_answer_is_reported_once(env):
    result = quiz(env, "--user", "jo", "--questions", "Q20", "--count", "2", "--seed", "8",
                  stdin=":skip\nwhat?? [[\n0.1\n")
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if "Could not read" in line]
    assert line.count("Could not read your answer") == 1, line
    assert "is not a number or a calculation" in line and "Nothing was recorded" in line, line


def test_the_expected_answer_has_the_significant_figures_the_question_asks_for(env):
    result = quiz(env, "--user", "ka", "--questions", "Q20", "--count", "2", "--seed", "8", stdin=":skip\n7\n")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(env["QUIZZER_DB"]) as db:
        family, seed = db.execute("SELECT family, variant_seed FROM responses WHERE family IS NOT NULL").fetchone()
    variant = generate(family, seed)
    assert "3 significant figures" in variant.prompt and len(repr(variant.answer)) > 8, variant
    expected = _three_figures(variant.answer)
    assert re.findall(r"^Answer: (\S+)$", result.stdout, re.M) == [expected], (result.stdout, variant.answer)
    assert f"The answer is {expected}; you gave 7." in result.stdout, result.stdout


def _three_figures(value: float) -> str:
    """An independent oracle: round with Decimal, keep trailing zeros."""
    from decimal import ROUND_HALF_EVEN, Decimal

    number = Decimal(repr(value))
    quantum = Decimal(1).scaleb(number.adjusted() - 2)
    return str(number.quantize(quantum, rounding=ROUND_HALF_EVEN))


def _criterion_lines(output: str) -> list[str]:
    return re.findall(r"^  ([✓½✗]) (\S+)  ([\d.]+)/([\d.]+)", output, re.M)


def test_under_a_keyword_list_cap_no_criterion_shows_more_than_the_total(env):
    result = quiz(env, "--user", "mo", "--questions", "Q1", "--no-numeric", "--seed", "1", stdin=f"{KEYWORDS}\n\n")
    assert result.returncode == 0, result.stderr
    assert "0.5/2 for Q1" in result.stdout
    lines = _criterion_lines(result.stdout)
    assert [(mark, cid, float(got)) for mark, cid, got, _ in lines] == [
        ("½", "linear-boundary", 0.5), ("✗", "xor-not-separable", 0.0)], result.stdout
    assert "A list of terms" in result.stdout
    with sqlite3.connect(env["QUIZZER_DB"]) as db:
        [feedback] = db.execute("SELECT feedback FROM responses").fetchone()
    assert "- linear-boundary: 0.5/1." in feedback and "- xor-not-separable: 0/1." in feedback, feedback


def test_the_idea_count_never_exceeds_what_is_needed(env, tmp_path):
    question = minimal_question("T1")
    question["rubric"][0]["concepts"] = [["derivative is 1", "gradient of one"], ["does not shrink"]]
    write_bank(tmp_path / "bank", [question])
    answer = ("ReLU has a derivative is 1 for positive inputs, so the gradient does not shrink. "
              "Sigmoid's derivative is at most 0.25.")
    result = quiz({**env, "QUIZZER_BANK": str(tmp_path / "bank")}, "--user", "ny", "--questions", "T1",
                  "--no-numeric", "--seed", "1", stdin=f"{answer}\n\n")
    assert result.returncode == 0, result.stderr
    assert "2/2 for T1" in result.stdout, result.stdout
    assert "2/1" not in result.stdout and "1/1 of the ideas needed shown" in result.stdout, result.stdout


def test_each_explanation_paragraph_is_shown_once(env):
    result = quiz(env, "--user", "ot", "--questions", "Q1", "--no-numeric", "--seed", "1", stdin=f"{WEAK}\n\n")
    assert result.returncode == 0, result.stderr
    assert "0/2 for Q1" in result.stdout
    assert result.stdout.count("Key idea: One perceptron separates the plane") == 1, result.stdout


# the rules behind the display, on their own --------------------------------------------

def test_time_left_rounds_up_and_switches_to_seconds_in_the_last_minute():
    from quizzer.terminal.console import time_left

    assert [time_left(s) for s in (300, 299.2, 240.5, 60.4, 60, 59.2, 59, 45, 0.3, 0, -5)] == [
        "5 min left", "5 min left", "5 min left", "2 min left", "1 min left", "1 min left", "59 s left",
        "45 s left", "1 s left", "0 s left", "0 s left"]


def test_capped_criteria_share_the_total_and_explanations_come_once():
    from quizzer.scoring.feedback import first_explanations, mark_symbol, shown_awards
    from quizzer.scoring.result import CriterionResult

    both = [CriterionResult("a", 1.0, 1.0, "A", explanation="Key idea: x"),
            CriterionResult("b", 1.0, 1.0, "B", explanation="Key idea: x")]
    assert shown_awards(both, 0.5) == [0.5, 0.0]
    assert shown_awards(both, 1.5) == [1.0, 0.5]
    assert shown_awards(both, 2.0) == [1.0, 1.0]
    thirds = [CriterionResult("idea-1", 2 / 3, 2 / 3, ""), CriterionResult("idea-2", 2 / 3, 2 / 3, ""),
              CriterionResult("idea-3", 1 / 3, 2 / 3, "")]
    assert shown_awards(thirds, 1.5) == [2 / 3, 2 / 3, 1 / 3], "a total rounded down to half marks is not a cap"
    assert shown_awards(thirds, 0.5) == [0.5, 0.0, 0.0]
    assert [mark_symbol(v, 1.0) for v in (1.0, 0.5, 0.0)] == ["✓", "½", "✗"]
    assert first_explanations(both) == ["Key idea: x", ""]
