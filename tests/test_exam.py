"""Printable exams: built from a roster, printed for real, and graded back."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from quizzer.cli import cli

from .browser import chromium, needs_chromium, needs_poppler, pdf_pages

ROSTER = "student_id,name,group\n1001,Zoë Ångström,A\n1002,\"<script>alert(1)</script>\",B\n1003,محمد علي,A\n"


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def build(runner, roster, out, *extra):
    result = runner.invoke(cli, ["exam", "build", "--roster", str(roster), "--questions", "Q1,Q14",
                                 "--numeric", "3", "--seed", "5", "--title", "Mid-term", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_a_sheet_and_key_per_student_with_their_own_numbers(runner, roster, tmp_path, shipped_bank):
    manifest = build(runner, roster, tmp_path / "exam")
    assert [s["student_id"] for s in manifest["students"]] == ["1001", "1002", "1003"]
    assert manifest["students"][0]["extra"] == {"group": "A"}
    for student in manifest["students"]:
        assert [i["label"] for i in student["items"][:2]] == ["Q1", "Q14"]
        assert len(student["items"]) == 5
    numeric = [[(i["family"], i["seed"]) for i in s["items"] if i["family"]] for s in manifest["students"]]
    assert numeric[0] != numeric[1] != numeric[2]
    sheets = BeautifulSoup((tmp_path / "exam" / "sheets.html").read_text(encoding="utf-8"), "html.parser")
    assert len(sheets.select("section.sheet")) == 3
    assert sheets.find("script") is None, "a student's name must never become markup"
    assert "<script>alert(1)</script>" in sheets.get_text()
    first = sheets.select("section.sheet")[0]
    assert "Zoë Ångström" in first.get_text() and "Mid-term" in first.get_text()
    assert len(first.select(".question")) == 5 and len(first.select(".box")) == 5
    key = BeautifulSoup((tmp_path / "exam" / "keys" / "1001.html").read_text(encoding="utf-8"), "html.parser")
    assert "Model answer" in key.get_text() and key.select("ol.steps li")
    scheme = (tmp_path / "exam" / "marking-scheme.html").read_text(encoding="utf-8")
    assert shipped_bank.get("Q14").rubric[0].description in BeautifulSoup(scheme, "html.parser").get_text()


@pytest.mark.parametrize("ids, shown", [([7], "7"), ([12, 13, 14, 20], "12-14, 20"), ([1, 3, 4], "1, 3-4"),
                                       ([2, 3, 5, 6, 9], "2-3, 5-6, 9")])
def test_the_exam_session_ids_are_shown_as_ranges(ids, shown):
    from quizzer.cli.exam import _ranges

    assert _ranges(ids) == shown


def test_the_same_seed_rebuilds_the_same_exam(runner, roster, tmp_path):
    first = build(runner, roster, tmp_path / "a")
    second = build(runner, roster, tmp_path / "b")
    assert first["students"] == second["students"] and first["exam_id"] == second["exam_id"]


def test_numbers_stay_unique_for_a_large_class(runner, tmp_path):
    result = runner.invoke(cli, ["exam", "build", "--count", "300", "--questions", "Q15", "--numeric", "3",
                                 "--seed", "9", "--out", str(tmp_path / "big")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "big" / "manifest.json").read_text())
    from quizzer.variants import generate

    for column in range(1, 4):
        items = [s["items"][column] for s in manifest["students"]]
        prompts = {generate(i["family"], i["seed"]).prompt for i in items}
        assert len(prompts) == 300


def test_a_family_that_runs_out_of_numbers_is_reported(runner, tmp_path):
    """he_normal_std draws fan_in from a few hundred values: 600 students cannot all differ."""
    args = ["exam", "build", "--count", "600", "--questions", "Q20", "--numeric", "3", "--seed", "1"]
    result = runner.invoke(cli, [*args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "'he_normal_std' ran out of fresh numbers" in result.output and "--allow-repeats" in result.output
    assert not (tmp_path / "x" / "manifest.json").exists()
    allowed = runner.invoke(cli, [*args, "--allow-repeats", "--out", str(tmp_path / "y")])
    assert allowed.exit_code == 0, allowed.output
    assert len(json.loads((tmp_path / "y" / "manifest.json").read_text())["students"]) == 600


@pytest.mark.parametrize("content,message", [
    ("id,name\n1,A\n", "no column 'student_id'"),
    ("student_id,name\n1,A\n1,B\n", "row 3: student_id '1' already used on row 2"),
    ("student_id,name\n,A\n", "row 2: empty student_id"),
    ("student_id,name\n", "lists no students"),
])
def test_roster_problems_are_named(runner, tmp_path, content, message):
    path = tmp_path / "roster.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(cli, ["exam", "build", "--roster", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_grading_back_uses_each_students_own_numbers(runner, roster, tmp_path, shipped_bank):
    from quizzer.variants import generate

    out = tmp_path / "exam"
    manifest = build(runner, roster, out)
    rows = [("1001", "Q1", 'A single perceptron computes a weighted sum plus bias, so its decision boundary is one straight line. XOR puts its positive points on opposite corners of the square, so no straight line separates the classes: XOR is not linearly separable, no weights exist, and training never converges however long it runs.')]
    for student in manifest["students"]:
        item = student["items"][2]
        right = generate(item["family"], item["seed"]).answer
        rows.append((student["student_id"], item["label"], json.dumps(right)))
    other = manifest["students"][1]["items"][2]  # 1003 copies 1002's answer to their item 4
    rows.append(("1003", "4", json.dumps(generate(other["family"], other["seed"]).answer)))
    rows.append(("9999", "Q1", "not in the class"))
    answers = tmp_path / "answers.csv"
    with answers.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("student_id", "question_id", "answer"), *rows])
    db = f"sqlite:///{tmp_path / 'exam.sqlite3'}"
    result = runner.invoke(cli, ["--db", db, "exam", "grade", str(out / "manifest.json"), "--answers", str(answers)])
    assert result.exit_code == 1 and "student '9999' is not in this exam" in result.output
    with (out / "marks.csv").open(encoding="utf-8") as handle:
        marks = {r["student_id"]: r for r in csv.DictReader(handle)}
    item3 = next(k for k in marks["1001"] if k.startswith("3:"))
    assert marks["1001"]["1:Q1"] == "2" and all(marks[s][item3] == "1" for s in marks)
    result_page = BeautifulSoup((out / "results" / "1002.html").read_text(encoding="utf-8"), "html.parser")
    assert result_page.find("script") is None
    assert result_page.select_one(".total").get_text(strip=True).startswith("1 /")
    stats = json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "1001", "--json"]).output)
    assert stats["responses"] == 5 and stats["sessions"] == 1
    again = runner.invoke(cli, ["--db", db, "exam", "grade", str(out / "manifest.json"), "--answers", str(answers)])
    assert again.exit_code == 1
    assert json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "1001", "--json"]).output)["sessions"] == 1


def test_a_damaged_manifest_is_a_clear_error(runner, tmp_path, shipped_bank):
    bad = tmp_path / "manifest.json"
    bad.write_text("{not json", encoding="utf-8")
    answers = tmp_path / "a.csv"
    answers.write_text("student_id,question_id,answer\n", encoding="utf-8")
    result = runner.invoke(cli, ["exam", "grade", str(bad), "--answers", str(answers)])
    assert result.exit_code == 1 and "not a Quizzer exam manifest" in result.output


@needs_poppler
def test_pdf_sheets_have_a_page_per_student_and_real_content(runner, roster, tmp_path):
    out = tmp_path / "exam"
    build(runner, roster, out, "--pdf")
    sheets = out / "pdf" / "sheets.pdf"
    assert pdf_pages(sheets) >= 3
    text = subprocess.run(["pdftotext", str(sheets), "-"], capture_output=True, text=True, check=True).stdout
    for footer in ("sheet for 1001", "sheet for 1002", "sheet for 1003"):
        assert footer in text, "every sheet is printed through to its footer"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(sheets), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pdf_pages(sheets)
    assert all(image.stat().st_size > 2000 for image in images), "no blank pages"


@needs_chromium
@needs_poppler
def test_chromium_prints_the_sheets_without_clipping(runner, roster, tmp_path):
    out = tmp_path / "exam"
    build(runner, roster, out, "--paper", "letter")
    target = tmp_path / "chromium.pdf"
    chromium(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={target}", (out / "sheets.html").as_uri())
    pages = pdf_pages(target)
    assert 3 <= pages <= 9
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True).stdout
    pages_text = text.split("\f")
    for student in ("1001", "1002", "1003"):
        # the footer is the last thing of a sheet: printed once, so nothing was cut off
        assert len([p for p in pages_text if f"sheet for {student}" in p]) == 1
    assert text.lower().count("time allowed") == 3
    assert "<script>alert(1)" in text.replace("\n", "").replace(" ", "")


def _counting_scorer():
    """A real Scorer that counts the answers it is asked to grade."""
    from quizzer.scoring import Scorer

    class Counting(Scorer):
        graded = 0

        def grade_many(self, items):
            items = list(items)
            Counting.graded += len(items)
            return super().grade_many(items)

    return Counting


def test_an_answer_many_students_wrote_is_graded_once_and_marked_alike(runner, roster, tmp_path, shipped_bank):
    from quizzer.scoring import Scorer
    from quizzer.sheets.grade import TypedAnswer, grade_exam
    from quizzer.sheets.manifest import read_manifest

    Counting = _counting_scorer()
    out = tmp_path / "exam"
    build(runner, roster, out)
    loaded = read_manifest(out / "manifest.json", shipped_bank)
    same = "XOR is not linearly separable, so a single perceptron never converges."
    typed = {("1001", 1): TypedAnswer(same, 2), ("1002", 1): TypedAnswer(same, 3),
             ("1003", 1): TypedAnswer("A perceptron draws one straight line.", 4),
             ("1001", 2): TypedAnswer(same, 5)}  # the same words to another question are graded for it
    results = grade_exam(loaded, shipped_bank, Counting(shipped_bank), typed, jobs=1)
    assert Counting.graded == 3
    first = {r.sheet.student.student_id: r.marks[0] for r in results}
    alone = Scorer(shipped_bank).grade(shipped_bank.get(first["1001"].item.question_id), same)
    assert first["1001"].score == first["1002"].score == alone.score
    assert first["1001"].feedback == first["1002"].feedback == alone.feedback
    assert first["1003"].score != first["1001"].score
    second = next(r for r in results if r.sheet.student.student_id == "1001").marks[1]
    assert second.score == Scorer(shipped_bank).grade(shipped_bank.get(second.item.question_id), same).score


def test_graded_students_come_out_in_order_before_the_whole_class_is_graded(runner, roster, tmp_path,
                                                                           shipped_bank, monkeypatch):
    """``grade_exam_stream`` hands a student on once their own answers are graded, so
    ``exam grade`` stores the first chunks while the workers grade the rest."""
    import quizzer.scoring.batch as batch
    from quizzer.scoring import Scorer
    from quizzer.sheets.grade import TypedAnswer, grade_exam, grade_exam_stream
    from quizzer.sheets.manifest import read_manifest

    Counting = _counting_scorer()
    out = tmp_path / "exam"
    build(runner, roster, out)
    loaded = read_manifest(out / "manifest.json", shipped_bank)
    typed = {(sheet.student.student_id, item.number): TypedAnswer(f"{sheet.student.student_id} says the gradient "
                                                                  f"vanishes at item {item.number}.", 2)
             for sheet in loaded.exam.sheets for item in sheet.items if not item.family}
    monkeypatch.setattr(batch, "CHUNK", 1)  # one answer per chunk: every student waits for chunks of their own
    scorer = Counting(shipped_bank)
    stream = grade_exam_stream(loaded, shipped_bank, scorer, typed, jobs=1)
    first = next(stream)
    assert first.sheet.student.student_id == loaded.exam.sheets[0].student.student_id
    assert 0 < Counting.graded < len(typed), "the first student came out before the rest were graded"
    streamed = [first, *stream]
    assert Counting.graded == len(typed)
    collected = grade_exam(loaded, shipped_bank, Scorer(shipped_bank), typed, jobs=2)
    assert [r.sheet.student.student_id for r in streamed] == [s.student.student_id for s in loaded.exam.sheets]
    assert [[m.score for m in r.marks] for r in streamed] == [[m.score for m in r.marks] for r in collected]
    assert [[m.feedback for m in r.marks] for r in streamed] == [[m.feedback for m in r.marks] for r in collected]
