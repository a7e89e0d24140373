"""The progress store, attacked (issue 12, items 1, 3, 4, 5, 7, 10 and 12).

Each test is one way a teacher or a student lost answers or met a traceback:
a store that moved with the current folder, a re-grade killed half-way, a NUL
byte on PostgreSQL, a read-only store found only after an answer was typed,
one quiz resumed in four terminals, a database from a newer Quizzer, a 10 MB
answer, and an answer typed after the end of a timed exam. Real SQLite files,
the real PostgreSQL fixture and real processes throughout.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from quizzer.cli import cli
from quizzer.errors import QuizzerError
from quizzer.limits import MAX_ANSWER_CHARS
from quizzer.quiz.plan import QuizOptions
from quizzer.quiz.session import QuizEngine
from quizzer.store import NewResponse, Store

QUIZZER = str(Path(sys.executable).with_name("quizzer"))
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ANSWER = ("A single perceptron computes a weighted sum plus bias, so its decision boundary is one straight "
          "line. XOR puts its positive points on opposite corners of the square, so no straight line separates "
          "the classes: XOR is not linearly separable.")


def clean_env(tmp_path: Path) -> dict[str, str]:
    """A student's environment: no QUIZZER_* variable, a home and data folder of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZZER", "XDG_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"), NO_COLOR="1", COLUMNS="100")
    return env


@pytest.fixture
def student_env(tmp_path, monkeypatch):
    """The same environment for in-process commands (CliRunner reads os.environ)."""
    for name in [k for k in os.environ if k.startswith(("QUIZZER", "XDG_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "quizzer"


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    from quizzer.scoring import Scorer

    return Scorer(shipped_bank)


def count(path: Path, sql: str, *args) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(sql, args).fetchone()[0]


# item 1: one store per user, wherever the command is run -----------------------
def test_the_default_store_is_the_same_wherever_a_command_runs(tmp_path):
    env = clean_env(tmp_path)
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    store = tmp_path / "data" / "quizzer" / "quizzer.sqlite3"
    quiz = subprocess.run([QUIZZER, "quiz", "--user", "alice", "--questions", "Q1", "--no-numeric", "--seed", "1"],
                          input=f"{ANSWER}\n\n", cwd=here, env=env, capture_output=True, text=True, timeout=120)
    assert quiz.returncode == 0, quiz.stderr
    assert f"Created your progress store at {store}" in quiz.stderr
    stats = subprocess.run([QUIZZER, "stats", "--user", "alice", "--json"], cwd=there, env=env,
                           capture_output=True, text=True, timeout=60)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["responses"] == 1
    assert "Created" not in stats.stderr, "said once, when the store is made"
    assert not (here / "instance").exists() and not (there / "instance").exists()
    assert count(store, "SELECT count(*) FROM responses") == 1


def test_info_shows_the_bank_the_store_and_the_cache(runner, student_env, tmp_path):
    result = runner.invoke(cli, ["info", "--json"])
    assert result.exit_code == 0, result.output
    where = json.loads(result.output)
    assert where == {"bank": where["bank"], "database": str(student_env / "quizzer.sqlite3"),
                     "instance": str(student_env), "cache": str(student_env / "cache")}
    assert Path(where["bank"], "topics.yaml").is_file()
    assert not student_env.exists(), "info only shows; it creates nothing"
    chosen = json.loads(runner.invoke(cli, ["--db", str(tmp_path / "class.sqlite3"), "info", "--json"]).output)
    assert chosen["database"] == str(tmp_path / "class.sqlite3")
    text = runner.invoke(cli, ["info"]).output
    assert str(student_env / "quizzer.sqlite3") in text and "not created yet" in text


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_database_in_a_missing_folder_is_an_error_not_a_new_store(runner, tmp_path, how, monkeypatch):
    missing = tmp_path / "no" / "such" / "x.sqlite3"
    if how == "option":
        result = runner.invoke(cli, ["--db", str(missing), "stats", "--user", "alice"])
    else:
        monkeypatch.setenv("QUIZZER_DB", str(missing))
        result = runner.invoke(cli, ["stats", "--user", "alice"])
    assert result.exit_code == 1
    assert f"The folder {missing.parent} for the database {missing} does not exist" in result.output
    assert "Traceback" not in result.output and "No answers yet" not in result.output
    assert not (tmp_path / "no").exists()


def test_exam_grade_writes_into_the_same_store_wherever_it_runs(runner, student_env, tmp_path, monkeypatch):
    exam = tmp_path / "exam"
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\n1001,Zoë\n", encoding="utf-8")
    built = runner.invoke(cli, ["exam", "build", "--roster", str(roster), "--questions", "Q1", "--seed", "5",
                                "--title", "Mid-term", "--out", str(exam)])
    assert built.exit_code == 0, built.output
    answers = tmp_path / "answers.csv"
    with answers.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("student_id", "question_id", "answer"), ("1001", "Q1", ANSWER)])
    monkeypatch.chdir(exam)  # where a teacher naturally is
    graded = runner.invoke(cli, ["exam", "grade", "manifest.json", "--answers", str(answers)])
    assert graded.exit_code == 0, graded.output
    monkeypatch.chdir(tmp_path)
    stats = json.loads(runner.invoke(cli, ["stats", "--user", "1001", "--json"]).output)
    assert stats["sessions"] == 1 and stats["responses"] == 1
    assert not (exam / "instance").exists()
    assert count(student_env / "quizzer.sqlite3", "SELECT count(*) FROM quiz_sessions WHERE kind = 'exam'") == 1


# item 3: a re-grade killed half-way keeps every student's result -----------------
STUDENTS = 80


def _answers(path: Path, manifest: dict, answer: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        rows = [(s["student_id"], "Q1", answer) for s in manifest["students"]]
        csv.writer(handle).writerows([("student_id", "question_id", "answer"), *rows])


@pytest.mark.slow
def test_a_regrade_killed_mid_store_loses_no_students_result(runner, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\n" + "".join(f"s{i:03},Student {i}\n" for i in range(STUDENTS)),
                      encoding="utf-8")
    exam, db = tmp_path / "exam", tmp_path / "class.sqlite3"
    built = runner.invoke(cli, ["exam", "build", "--roster", str(roster), "--questions", "Q1,Q3", "--seed", "5",
                                "--out", str(exam)])
    assert built.exit_code == 0, built.output
    manifest = json.loads((exam / "manifest.json").read_text(encoding="utf-8"))
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    _answers(first, manifest, ANSWER)
    _answers(second, manifest, "A second, different answer.")
    graded = runner.invoke(cli, ["--db", str(db), "exam", "grade", str(exam / "manifest.json"), "--answers",
                                 str(first)])
    assert graded.exit_code == 0, graded.output
    last_id = count(db, "SELECT max(id) FROM quiz_sessions")
    regrade = subprocess.Popen([QUIZZER, "--db", str(db), "exam", "grade", str(exam / "manifest.json"),
                                "--answers", str(second)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count(db, "SELECT count(*) FROM quiz_sessions WHERE id > ?", last_id) < 3:
        assert regrade.poll() is None, "the re-grade ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(regrade.pid, signal.SIGKILL)
    regrade.wait()
    assert regrade.returncode == -signal.SIGKILL, "killed while it was still storing"
    with sqlite3.connect(db) as connection:
        per_student = connection.execute(
            "SELECT u.name, count(DISTINCT s.id), count(r.id), max(CASE WHEN r.position = 0 THEN r.answer END) "
            "FROM users u "
            "LEFT JOIN quiz_sessions s ON s.user_id = u.id LEFT JOIN responses r ON r.session_id = s.id "
            "GROUP BY u.name").fetchall()
    assert len(per_student) == STUDENTS
    broken = [row for row in per_student if row[1:3] != (1, 2)]
    assert broken == [], "every student keeps one whole exam: the old one or the new one"
    assert {row[3] for row in per_student} <= {ANSWER, "A second, different answer."}
    replaced = sum(row[3] == "A second, different answer." for row in per_student)
    assert 3 <= replaced < STUDENTS


def test_a_replacement_that_fails_keeps_the_previous_result(store):
    def attempt(score):
        return NewResponse(position=0, question_id="Q1", content_hash="h", answer="mine", score=score, max_score=2.0)

    first = store.replace_session("ada", kind="exam", title="mid", mode="paper", seed=1, plan=[{}], settings={},
                                  responses=[attempt(1.0)], now=NOW)
    with pytest.raises(Exception):
        store.replace_session("ada", kind="exam", title="mid", mode="paper", seed=1, plan=[{}], settings={},
                              responses=[attempt(2.0), NewResponse(1, "Q1", "h", "bad", None, 2.0)],
                              now=NOW + timedelta(hours=1))
    [kept] = store.sessions(user="ada")
    assert kept.id == first.id and kept.answered == 1
    assert [r.score for r in store.responses(user="ada")] == [1.0]


# item 4: a NUL byte, on PostgreSQL as on SQLite ---------------------------------
def test_a_nul_in_an_answer_or_a_name_is_kept_on_every_backend(store, shipped_bank, scorer):
    engine = QuizEngine(shipped_bank, store, now=lambda: NOW, scorer_factory=lambda: scorer)
    try:
        run = engine.start(QuizOptions(user="al\x00ice", questions=("Q1",), numeric=False, count=1, seed=1))
        outcome = run.submit(run.present(0), ANSWER.replace("XOR is", "XOR\x00 is"))
        assert outcome.score == 2.0
    finally:
        engine.close()
    [record] = store.responses(session_id=run.info.id)
    assert record.answer == ANSWER.replace("XOR is", "XOR\ufffd is")
    assert record.user == "al\ufffdice" and store.users() == ["al\ufffdice"]
    assert store.unfinished_session("al\x00ice").id == run.info.id, "looked up the way it was stored"


def test_an_exam_with_nul_bytes_is_stored_for_every_student(store, shipped_bank, scorer):
    from quizzer.sheets.build import ExamSpec, build_exam
    from quizzer.sheets.grade import ItemMark, StudentResult
    from quizzer.sheets.record import store_results
    from quizzer.sheets.roster import Student

    students = [Student("s1", "Zo\x00ë"), Student("s\x002", "Bo"), Student("s3", "Cy")]
    exam = build_exam(shipped_bank, ExamSpec(title="Mid\x00term", seed=3, questions=("Q1",)), students, NOW)
    question = shipped_bank.get("Q1")
    results = []
    for sheet in exam.sheets:
        answer = f"{sheet.student.student_id}\x00 {ANSWER}"
        grade = scorer.grade(question, answer)
        results.append(StudentResult(sheet, (ItemMark(sheet.items[0], answer, grade.score, grade.max,
                                                      grade.feedback + "\x00",
                                                      tuple(c.to_json() for c in grade.criteria)),)))
    assert store_results(store, exam, results, NOW) == 3
    assert store_results(store, exam, results, NOW + timedelta(hours=1)) == 3, "and graded again"
    stored = store.responses()
    assert len(stored) == 3 and all("\x00" not in r.answer + r.feedback + r.user for r in stored)
    assert sorted(r.user for r in stored) == ["s1", "s3", "s\ufffd2"]
    assert [r.answer.split(" ")[0] for r in stored] == ["s1\ufffd", "s\ufffd2\ufffd", "s3\ufffd"]
    assert {s.settings["name"] for s in store.sessions()} == {"Zo\x00ë", "Bo", "Cy"}


# item 5: a store that cannot be written, and one quiz in four terminals ---------------
def _read_only(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "ro.sqlite3"
    with Store(f"sqlite:///{path}") as made:
        info = made.start_session("bo", kind="quiz", mode="practice", seed=1, plan=[{"question_id": "Q1"}],
                                  settings={"questions": ["Q1"]}, now=NOW)
        assert info.id == 1
    return path, f"sqlite:///file:{path}?mode=ro&uri=true"


def test_a_read_only_store_is_reported_before_the_first_answer(tmp_path, shipped_bank, scorer):
    path, url = _read_only(tmp_path)
    with Store(url) as store:
        engine = QuizEngine(shipped_bank, store, now=lambda: NOW, scorer_factory=lambda: scorer)
        try:
            fresh = engine.start(QuizOptions(user="amara", questions=("Q1",), numeric=False, count=1, seed=1))
            with pytest.raises(QuizzerError, match="read-only") as raised:
                fresh.begin()
            assert str(path) in str(raised.value) and "--db" in str(raised.value)
            resumed = engine.resume("bo")
            with pytest.raises(QuizzerError, match="read-only"):
                resumed.begin()
        finally:
            engine.close()


def test_a_read_only_store_stops_the_quiz_before_the_prompt(tmp_path):
    path, url = _read_only(tmp_path)
    env = clean_env(tmp_path)
    child = pexpect.spawn(QUIZZER, ["--db", url, "quiz", "--user", "amara", "--questions", "Q1", "--no-numeric"],
                          env=env, encoding="utf-8", timeout=60)
    child.expect("Question 1 of 1")
    assert child.expect(["> ", "read-only"]) == 1, "nothing may be typed into a store that cannot keep it"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "Traceback" not in child.before
    assert count(path, "SELECT count(*) FROM quiz_sessions") == 1


@pytest.mark.slow
def test_one_quiz_resumed_in_four_terminals_keeps_every_answer(tmp_path):
    env = clean_env(tmp_path)
    env["QUIZZER_DB"] = str(tmp_path / "quiz.sqlite3")
    started = subprocess.run([QUIZZER, "quiz", "--user", "ed", "--questions", "Q1,Q3,Q5", "--no-numeric",
                              "--seed", "1"], input="", env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr
    children = [pexpect.spawn(QUIZZER, ["quiz", "--user", "ed", "--resume"], env=env, encoding="utf-8",
                              timeout=60) for _ in range(4)]
    for child in children:  # all four have read the same unanswered items before anyone answers
        child.expect("Question 1 of 3")
        child.expect("> ")
    for round_ in range(3):
        for child in children:
            if round_:
                child.expect("> ")
            child.sendline(":skip")
    for child in children:
        child.expect("Total: ")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        assert "UNIQUE" not in child.before and "could not" not in child.before
    db = tmp_path / "quiz.sqlite3"
    assert count(db, "SELECT count(*) FROM responses") == 12, "every answer typed is kept"
    assert count(db, "SELECT count(DISTINCT position) FROM responses") == 12
    with sqlite3.connect(db) as connection:
        plan = json.loads(connection.execute("SELECT plan FROM quiz_sessions").fetchone()[0])
        asked = [q for (q,) in connection.execute("SELECT question_id FROM responses ORDER BY position")]
    assert [item["question_id"] for item in plan] == asked, "each extra attempt is an item of the plan"
    assert sorted(asked) == ["Q1"] * 4 + ["Q3"] * 4 + ["Q5"] * 4


def test_two_answers_to_one_position_are_both_kept(store):
    info = store.start_session("ed", kind="quiz", mode="practice", seed=1,
                               plan=[{"question_id": "Q1", "family": None, "seed": None}], settings={}, now=NOW)
    answer = NewResponse(position=0, question_id="Q1", content_hash="h", answer="first", score=1.0, max_score=2.0)
    assert store.record_answer(info.id, answer, NOW) == 0
    assert store.record_answer(info.id, answer, NOW + timedelta(seconds=1)) == 1
    assert [(r.position, r.answer) for r in store.responses(session_id=info.id)] == [(0, "first"), (1, "first")]
    assert store.session(info.id).plan == [{"question_id": "Q1", "family": None, "seed": None}] * 2


# item 7: a database from a newer Quizzer ---------------------------------------
def test_a_database_from_a_newer_quizzer_is_a_clear_error(runner, tmp_path):
    path = tmp_path / "newer.sqlite3"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    result = runner.invoke(cli, ["--db", str(path), "stats", "--user", "alice"])
    assert result.exit_code == 1
    assert str(path) in result.output and "0099" in result.output
    assert "newer version of Quizzer" in result.output and "upgrade Quizzer" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert count(path, "SELECT count(*) FROM alembic_version WHERE version_num = '0099'") == 1, "left untouched"


# item 10: an answer is read and kept up to MAX_ANSWER_CHARS ---------------------------
def test_a_huge_answer_is_read_and_kept_only_up_to_the_limit(store, shipped_bank, scorer):
    huge = ANSWER + " " + "padding " * 200_000  # about 1.6 MB
    result = scorer.grade(shipped_bank.get("Q1"), huge)
    assert "truncated" in result.flags
    assert f"first {MAX_ANSWER_CHARS:,} characters" in result.feedback and "not read" in result.feedback
    assert "truncated" not in scorer.grade(shipped_bank.get("Q1"), ANSWER).flags
    engine = QuizEngine(shipped_bank, store, now=lambda: NOW, scorer_factory=lambda: scorer)
    try:
        run = engine.start(QuizOptions(user="amara", questions=("Q1",), numeric=False, count=1, seed=1))
        run.submit(run.present(0), huge)
    finally:
        engine.close()
    [record] = store.responses(session_id=run.info.id)
    assert record.answer == huge[:MAX_ANSWER_CHARS]
    assert "not read" in record.feedback


# item 12: an answer after the end of a timed quiz ------------------------------------
def test_an_answer_after_the_time_limit_is_neither_marked_nor_stored(store, shipped_bank, scorer):
    clock = [NOW]
    engine = QuizEngine(shipped_bank, store, now=lambda: clock[0], scorer_factory=lambda: scorer)
    try:
        run = engine.start(QuizOptions(user="amara", mode="exam", minutes=0.1, questions=("Q1", "Q3"),
                                       numeric=False, count=2, seed=1))
        clock[0] = NOW + timedelta(seconds=5)
        assert run.submit(run.present(0), ANSWER).score == 2.0, "in time: marked"
        clock[0] = NOW + timedelta(seconds=20)
        with pytest.raises(QuizzerError) as late:
            run.submit(run.present(1), ANSWER)
        assert type(late.value).__name__ == "TimeUp"
        assert str(late.value) == "Time is up; that answer came after the end and was not marked."
        assert run.pending() == [1]
        assert [r.position for r in store.responses(session_id=run.info.id)] == [0]
        closed = run.skip(run.present(1))
        assert closed.skipped and closed.score == 0 and closed.feedback == "Time was up."
    finally:
        engine.close()
    assert [(r.position, r.skipped, r.answer) for r in store.responses(session_id=run.info.id)] == [
        (0, False, ANSWER), (1, True, "")]
