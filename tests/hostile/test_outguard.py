"""Outputs that must not land on a teacher's own files (issue 12, after its fixes):
``exam grade --out`` into a folder that is not this exam's, ``report`` over pages
and CSVs Quizzer did not write, roster ids and names too long for the store, and
the build's "1 items"."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from quizzer.cli import cli
from quizzer.limits import MAX_NAME_CHARS

ROSTER = "student_id,name\n1001,Zoë Ångström\n1002,Ben Okafor\n"
XOR = ("A single perceptron draws one straight line. XOR puts its positive points on opposite corners, "
       "so it is not linearly separable and training never converges.")
TEACHERS = "student_id,name,Q1\n1001,Zoë,4\n"  # a spreadsheet the teacher keeps, with our header's start


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _build(runner, tmp_path: Path, out: Path, roster: str = ROSTER, *extra: str):
    roster_file = _write(tmp_path / f"roster-{out.name}.csv", roster)
    return runner.invoke(cli, ["exam", "build", "--roster", str(roster_file), "--questions", "Q1", "--seed", "5",
                               "--out", str(out), *extra])


def _answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("student_id", "question_id", "answer"), ("1001", "Q1", XOR)])
    return path


def _grade(runner, manifest: Path, answers: Path, *extra: str):
    return runner.invoke(cli, ["exam", "grade", str(manifest), "--answers", str(answers), *extra])


@pytest.fixture
def exam(runner, tmp_path) -> Path:
    out = tmp_path / "E"
    built = _build(runner, tmp_path, out)
    assert built.exit_code == 0, built.output
    return out


# --- 1: exam grade --out only into this exam's folder, or an empty one -----------------------------

def test_grade_refuses_to_overwrite_a_teachers_marks_csv(runner, tmp_path, exam):
    mine = _write(tmp_path / "mine" / "marks.csv", "my own marks, typed by hand\n")
    result = _grade(runner, exam / "manifest.json", _answers(tmp_path), "--out", str(mine.parent), "--no-store")
    assert result.exit_code == 1, result.output
    assert "marks.csv" in result.output and "not written by Quizzer" in result.output
    assert "Traceback" not in result.output and "Graded" not in result.output, "refused before grading"
    assert mine.read_text(encoding="utf-8") == "my own marks, typed by hand\n"
    assert not (mine.parent / "results").exists()


def test_grade_refuses_a_folder_holding_another_exams_manifest(runner, tmp_path, exam):
    other = tmp_path / "F"
    assert _build(runner, tmp_path, other, "student_id,name\n2001,Dana Ruiz\n").exit_code == 0
    other_id = json.loads((other / "manifest.json").read_text(encoding="utf-8"))["exam_id"]
    result = _grade(runner, exam / "manifest.json", _answers(tmp_path), "--out", str(other), "--no-store")
    assert result.exit_code == 1, result.output
    assert other_id in result.output and "another exam" in result.output
    assert not (other / "marks.csv").exists() and not (other / "results").exists()


def test_grade_refuses_a_results_symlink_to_a_folder_outside(runner, tmp_path, exam):
    outside = tmp_path / "outside"
    outside.mkdir()
    (exam / "results").symlink_to(outside, target_is_directory=True)
    result = _grade(runner, exam / "manifest.json", _answers(tmp_path), "--no-store")
    assert result.exit_code == 1, result.output
    assert "results" in result.output and "link" in result.output
    assert list(outside.iterdir()) == [] and not (exam / "marks.csv").exists()


def test_grade_refuses_a_marks_csv_symlink(runner, tmp_path, exam):
    target = _write(tmp_path / "elsewhere.csv", TEACHERS)
    (exam / "marks.csv").symlink_to(target)
    result = _grade(runner, exam / "manifest.json", _answers(tmp_path), "--no-store")
    assert result.exit_code == 1, result.output
    assert "marks.csv" in result.output and "link" in result.output
    assert (exam / "marks.csv").is_symlink() and target.read_text(encoding="utf-8") == TEACHERS


def test_grade_refuses_to_overwrite_a_teachers_page_in_results(runner, tmp_path, exam):
    page = _write(exam / "results" / "1001.html", "<p>my comments on Zoë</p>")
    result = _grade(runner, exam / "manifest.json", _answers(tmp_path), "--no-store")
    assert result.exit_code == 1, result.output
    assert "results/1001.html" in result.output and "not written by Quizzer" in result.output
    assert page.read_text(encoding="utf-8") == "<p>my comments on Zoë</p>"


def test_grade_into_its_own_folder_a_new_one_and_again_keeps_working(runner, tmp_path, exam):
    answers = _answers(tmp_path)
    for _ in range(2):  # the second run re-grades over the first's marks and pages
        result = _grade(runner, exam / "manifest.json", answers, "--no-store")
        assert result.exit_code == 0, result.output
    _write(exam / "results" / "notes.txt", "kept")  # a teacher's file that grading does not write
    assert _grade(runner, exam / "manifest.json", answers, "--no-store").exit_code == 0
    assert (exam / "results" / "notes.txt").read_text(encoding="utf-8") == "kept"
    for out in (tmp_path / "new", tmp_path / "empty"):
        if out.name == "empty":
            out.mkdir()
        for _ in range(2):
            result = _grade(runner, exam / "manifest.json", answers, "--out", str(out), "--no-store")
            assert result.exit_code == 0, result.output
        assert (out / "marks.csv").exists() and (out / "results" / "1001.html").exists()


# --- 2: reports never overwrite what Quizzer did not write ------------------------------------------

@pytest.fixture
def stored(runner, tmp_path, exam) -> str:
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    result = runner.invoke(cli, ["--db", db, "exam", "grade", str(exam / "manifest.json"), "--answers",
                                 str(_answers(tmp_path))])
    assert result.exit_code == 0, result.output
    return db


def _report(runner, db: str, *args: str):
    return runner.invoke(cli, ["--db", db, "report", *args])


@pytest.mark.parametrize("name, text", [("index.html", "<h1>My course site</h1>"), ("students.csv", TEACHERS)])
def test_class_report_refuses_a_folder_with_a_teachers_page_or_csv(runner, tmp_path, stored, name, text):
    site = tmp_path / "mysite"
    own = _write(site / name, text)
    result = _report(runner, stored, "--class", "--out", str(site))
    assert result.exit_code == 1, result.output
    assert name in result.output and "not written by Quizzer" in result.output and "Traceback" not in result.output
    assert own.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in site.iterdir()) == [name], "nothing written beside it"


def test_class_report_again_into_its_own_folder_keeps_working(runner, tmp_path, stored):
    site = tmp_path / "class"
    for _ in range(2):
        result = _report(runner, stored, "--class", "--out", str(site))
        assert result.exit_code == 0, result.output
    assert (site / "index.html").exists() and (site / "students.csv").exists()


def test_student_report_refuses_to_overwrite_a_file_that_is_not_a_report(runner, tmp_path, stored):
    essay = _write(tmp_path / "essay.html", "<p>my essay, three weeks of work</p>")
    result = _report(runner, stored, "--user", "1001", "--out", str(essay))
    assert result.exit_code == 1, result.output
    assert str(essay) in result.output and "not a Quizzer report" in result.output
    assert essay.read_text(encoding="utf-8") == "<p>my essay, three weeks of work</p>"


def test_student_report_again_over_its_own_file_keeps_working(runner, tmp_path, stored):
    target = tmp_path / "zoe.html"
    for _ in range(2):
        result = _report(runner, stored, "--user", "1001", "--out", str(target))
        assert result.exit_code == 0, result.output
    assert "Zoë" in target.read_text(encoding="utf-8") or "1001" in target.read_text(encoding="utf-8")


# --- 3: roster ids and names the store can hold -----------------------------------------------------

@pytest.mark.parametrize("row, what", [
    ("x" * (MAX_NAME_CHARS + 1) + ",Long Id", "student_id"),
    ("1003," + "N" * (MAX_NAME_CHARS + 1), "name"),
    ("   ,Blank Id", "empty student_id"),
])
def test_roster_refuses_ids_and_names_the_store_cannot_hold(runner, tmp_path, row, what):
    out = tmp_path / "X"
    result = _build(runner, tmp_path, out, ROSTER + row + "\n")
    assert result.exit_code == 1, result.output
    assert "row 4" in result.output and what in result.output and "Traceback" not in result.output
    assert not out.exists() or not (out / "manifest.json").exists()


def test_roster_accepts_an_id_and_name_at_the_limit(runner, tmp_path):
    out = tmp_path / "X"
    result = _build(runner, tmp_path, out, ROSTER + "y" * MAX_NAME_CHARS + "," + "M" * MAX_NAME_CHARS + "\n")
    assert result.exit_code == 0, result.output


# --- 4: counted words -------------------------------------------------------------------------------

def test_build_says_one_item_not_one_items(runner, tmp_path):
    result = _build(runner, tmp_path, tmp_path / "one")
    assert result.exit_code == 0, result.output
    assert "2 sheets of 1 item " in result.output and "1 items" not in result.output


def test_build_force_keeps_a_teachers_page_in_results(runner, tmp_path, exam):
    page = _write(exam / "results" / "1001.html", "<p>my comments on Zoë</p>")
    result = _build(runner, tmp_path, exam, ROSTER, "--force")
    assert result.exit_code == 0, result.output
    assert "results/1001.html" in result.output, "say what was kept"
    assert page.read_text(encoding="utf-8") == "<p>my comments on Zoë</p>"
