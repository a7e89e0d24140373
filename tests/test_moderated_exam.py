"""A printed exam after moderation: marks.csv and the result pages follow the store.

The exam is built and graded through the CLI into a real SQLite file or a real
PostgreSQL database; a teacher's decisions go through the library
(``decisions.commit`` and ``undo``, what the terminal flow and the spreadsheet
import call); the files are read back as a teacher and a student would: the CSV
with ``csv``, the pages with BeautifulSoup (and one in Chromium).
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from quizzer.cli import cli
from quizzer.moderation.decisions import Decision, commit, decide, undo
from quizzer.moderation.queue import Filters, load_queue

from .browser import chromium, needs_chromium

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ROSTER = "student_id,name\n1001,Zoë Ångström\n1002,\"<script>alert(1)</script>\"\n1003,Cy\n"
HALF = "XOR is not linearly separable."  # the claim without its reason: part marks, a doubt
COMMENT = "<b>Good</b> reasoning; =HYPERLINK(\"http://x\") say why next time."


def _build(runner, tmp_path: Path) -> Path:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    exam = tmp_path / "exam"
    built = runner.invoke(cli, ["exam", "build", "--roster", str(roster), "--questions", "Q1,Q14", "--numeric", "1",
                                "--seed", "5", "--title", "Mid-term", "--out", str(exam)])
    assert built.exit_code == 0, built.output
    return exam / "manifest.json"


def _answers(tmp_path: Path, manifest: Path, numeric: str = "abc") -> Path:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    label = data["students"][0]["items"][2]["label"]
    path = tmp_path / "answers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("student_id", "question_id", "answer"), ("1001", "Q1", HALF),
                                      ("1001", label, numeric), ("1002", "Q1", HALF)])  # 1003 is absent
    return path


def _grade(runner, db_url: str, manifest: Path, answers: Path, *extra: str):
    graded = runner.invoke(cli, ["--db", db_url, "exam", "grade", str(manifest), "--answers", str(answers), *extra])
    assert graded.exit_code == 0, graded.output
    return graded


@pytest.fixture
def graded(runner, tmp_path, db_url):
    """An exam of three built and graded into its own folder: (manifest, answers, CLI result)."""
    manifest = _build(runner, tmp_path)
    answers = _answers(tmp_path, manifest)
    return manifest, answers, _grade(runner, db_url, manifest, answers)


def _marks(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "marks.csv").open(encoding="utf-8", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def _page(folder: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((folder / "results" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _answer(store, user: str, position: int = 0):
    return next(r for r in store.responses(user=user) if r.position == position)


def _moderate(store, user: str, total: float, comment: str = COMMENT, position: int = 0):
    response = _answer(store, user, position)
    outputs: list = []
    commit(store, decide([response], Decision(total=total, comment=comment))[0], "teacher", NOW, outputs)
    return response, outputs


def _item_column(row: dict[str, str], number: int) -> str:
    return next(key for key in row if key.startswith(f"{number}:"))


def test_a_teachers_mark_rewrites_marks_csv_and_the_page_and_undo_takes_it_back(graded, store):
    manifest, _, _ = graded
    folder = manifest.parent
    before = _marks(folder)
    other_page = folder / "results" / "1003.html"
    untouched = other_page.stat().st_mtime_ns, other_page.read_bytes()
    response, outputs = _moderate(store, "1001", 2.0)
    assert response.score < 2.0, "the scorer gave part marks: the teacher's 2 is a change"
    (done,) = outputs
    assert done.written and done.marks == folder / "marks.csv" and done.pages == 1, done.message
    assert "Rewrote" in done.message and str(folder / "marks.csv") in done.message
    row = _marks(folder)["1001"]
    assert row["1:Q1"] == "2"
    assert float(row["total"]) == float(before["1001"]["total"]) - response.score + 2.0
    assert row["moderated"] == f"1:Q1 (scorer {response.score:g})"
    assert _marks(folder)["1002"]["moderated"] == "" and _marks(folder)["1002"]["1:Q1"] == before["1002"]["1:Q1"]
    page = _page(folder, "1001")
    item = page.select(".question")[0]
    assert "moderated" in item["class"] and item.select_one(".moderated-tag").get_text() == "moderated"
    assert item.select_one(".marks").get_text(" ", strip=True).startswith("2 / 2")
    assert item.select_one(".comment").get_text() == f"Teacher's comment: {COMMENT}"
    assert item.find("b") is None, "a teacher's markup is shown as text, never made markup"
    assert f"the automatic marking gave {response.score:g}" in item.select_one(".moderation").get_text()
    assert page.select_one(".total").get_text(strip=True).startswith(f"{float(row['total']):g} /")
    assert (other_page.stat().st_mtime_ns, other_page.read_bytes()) == untouched, "only the changed page is rewritten"

    outputs = []
    undo(store, [response.id], NOW + timedelta(hours=1), outputs)
    assert [o.written for o in outputs] == [True]
    assert _marks(folder) == before
    page = _page(folder, "1001")
    assert not page.select(".moderation") and not page.select(".moderated-tag")


def test_marks_csv_defuses_the_moderated_column_and_keeps_the_contracted_columns(graded, store):
    manifest, _, _ = graded
    _moderate(store, "1002", 1.5)
    with (manifest.parent / "marks.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:2] == ["student_id", "name"] and header[-4:] == ["total", "max", "notes", "moderated"]
    assert _marks(manifest.parent)["1002"]["name"] == "<script>alert(1)</script>"
    assert _page(manifest.parent, "1002").find("script") is None


def test_grading_again_keeps_the_teachers_mark_in_marks_csv_and_on_the_page(graded, store, runner, db_url):
    manifest, answers, _ = graded
    response, _ = _moderate(store, "1001", 2.0)
    _grade(runner, db_url, manifest, answers)
    kept = _answer(store, "1001")
    assert kept.id != response.id and kept.moderated and kept.score == 2.0, "graded anew, the override carried over"
    row = _marks(manifest.parent)["1001"]
    assert row["1:Q1"] == "2" and row["moderated"].startswith("1:Q1 (scorer ")
    assert _page(manifest.parent, "1001").select_one(".question.moderated .comment") is not None
    settings = store.sessions_by_id([kept.session_id])[0].settings["outputs"]
    assert settings == {"folder": str(manifest.parent.resolve()), "manifest": str(manifest.resolve())}


def test_exam_grade_counts_the_answers_to_review_and_names_the_commands(graded, store, shipped_bank):
    _, _, result = graded
    title = store.sessions_by_id([_answer(store, "1001").session_id])[0].title
    ids = sorted(s.id for s in store.titled_sessions("exam", title))
    assert len(ids) == 3
    queue = load_queue(shipped_bank, store, Filters(session_ids=frozenset(ids)))
    assert queue.answers > 0, "the half answers, the unreadable one and the absent student are doubtful"
    assert {item.response.session_id for g in queue.groups for item in g.items} <= set(ids)
    line = next(line for line in result.output.splitlines() if "review" in line and "quizzer moderate" in line)
    assert line.startswith(f"{queue.answers} answers need review ({len(queue.groups)} group")
    assert line.endswith(f"quizzer moderate --session {ids[0]}")
    assert f"quizzer moderate export --session {ids[0]} --out queue.csv" in result.output
    # one session's filter sees only its own answers: the exam's filter is their union
    single = load_queue(shipped_bank, store, Filters(session_id=ids[0]))
    assert {item.response.session_id for g in single.groups for item in g.items} <= {ids[0]}


def test_a_folder_gone_is_a_warning_the_mark_stays_and_exam_results_writes_it_elsewhere(
        runner, tmp_path, db_url, store):
    manifest = _build(runner, tmp_path)
    marks_folder = tmp_path / "marked"
    _grade(runner, db_url, manifest, _answers(tmp_path, manifest), "--out", str(marks_folder))
    assert (marks_folder / "marks.csv").is_file()
    shutil.rmtree(marks_folder)
    response, outputs = _moderate(store, "1001", 2.0)
    (problem,) = outputs
    assert not problem.written and str(marks_folder.resolve()) in problem.message and "gone" in problem.message
    assert f"quizzer exam results {manifest.resolve()}" in problem.hint and "--out" in problem.hint
    assert "kept in the progress store" in problem.hint
    assert not marks_folder.exists(), "a gone folder is not made again with only some files in it"
    assert _answer(store, "1001").score == 2.0, "the teacher's mark is kept"

    elsewhere = tmp_path / "new-place"
    result = runner.invoke(cli, ["--db", db_url, "exam", "results", str(manifest), "--out", str(elsewhere)])
    assert result.exit_code == 0, result.output
    assert "3 result pages" in result.output
    assert _marks(elsewhere)["1001"]["1:Q1"] == "2" and _marks(elsewhere)["1001"]["moderated"]
    assert _page(elsewhere, "1001").select_one(".question.moderated") is not None
    outputs = []
    undo(store, [_answer(store, "1001").id], NOW + timedelta(hours=1), outputs)
    assert [o.folder for o in outputs] == [elsewhere.resolve()] and outputs[0].written, "moderation writes there now"
    assert _marks(elsewhere)["1001"]["1:Q1"] == f"{response.score:g}"


def test_a_folder_that_cannot_take_the_files_is_a_warning_and_changes_nothing_there(graded, store, tmp_path):
    manifest, _, _ = graded
    folder = manifest.parent
    before = (folder / "marks.csv").read_bytes()
    shutil.rmtree(folder / "results")
    (tmp_path / "elsewhere").mkdir()
    (folder / "results").symlink_to(tmp_path / "elsewhere")  # would carry the pages out of the folder
    _, outputs = _moderate(store, "1001", 2.0)
    (problem,) = outputs
    assert not problem.written and "results is a link" in problem.message
    assert "quizzer exam results" in problem.hint
    assert (folder / "marks.csv").read_bytes() == before and not list((tmp_path / "elsewhere").iterdir())
    assert _answer(store, "1001").moderated


def test_an_exam_graded_before_outputs_were_recorded_says_how_to_rewrite(graded, store):
    session_id = _answer(store, "1001").session_id
    title = store.sessions_by_id([session_id])[0].title
    store.update_session_settings([s.id for s in store.titled_sessions("exam", title)], {"outputs": None})
    _, outputs = _moderate(store, "1001", 2.0)
    (problem,) = outputs
    assert "does not record where" in problem.message and "quizzer exam results MANIFEST" in problem.hint


def test_a_teachers_mark_on_an_unreadable_or_absent_answer_replaces_the_marked_0_note(graded, store):
    manifest, _, _ = graded
    folder = manifest.parent
    marks = _marks(folder)
    assert "could not read" in marks["1001"]["notes"] and "no answers" in marks["1003"]["notes"]
    numeric, outputs = _moderate(store, "1001", 1.0, comment="I could read it on the paper.", position=2)
    assert outputs[0].written
    _moderate(store, "1003", 1.0, comment="Paper found in the staff room.")
    marks = _marks(folder)
    assert marks["1001"]["notes"] == "" and marks["1001"][_item_column(marks["1001"], 3)] == "1"
    assert marks["1001"]["moderated"].startswith("3:")
    assert marks["1003"]["total"] == "1"
    assert marks["1003"]["notes"] == "no answers in the answers file: a teacher marked item 1; the others are marked 0"
    notice = _page(folder, "1003").select_one(".notice").get_text()
    assert "every item is marked 0" not in notice and "other items are marked 0" in notice
    undo(store, [numeric.id], NOW + timedelta(hours=1))
    assert "could not read" in _marks(folder)["1001"]["notes"], "the note returns with the 0"


def test_a_teacher_agreeing_with_0_keeps_the_note_and_says_it_was_checked(graded, store):
    manifest, _, _ = graded
    _moderate(store, "1001", 0.0, comment="", position=2)
    row = _marks(manifest.parent)["1001"]
    assert "could not read" in row["notes"] and row["moderated"].startswith("3:") and "(scorer 0)" in row["moderated"]
    item = _page(manifest.parent, "1001").select(".question")[2]
    assert "your teacher checked this mark." in item.select_one(".moderation").get_text()
    assert item.select_one(".comment") is None


def test_moderating_practice_rewrites_no_exam(store, shipped_bank):
    from quizzer.scoring import Scorer
    from quizzer.store import NewResponse, confidence_of

    q1 = shipped_bank.get("Q1")
    session = store.start_session("ann", kind="quiz", mode="practice", seed=1, plan=[{"question_id": "Q1"}],
                                  settings={}, now=NOW)
    result = Scorer(shipped_bank).grade(q1, HALF)
    store.record(session.id, NewResponse(0, "Q1", q1.content_hash, HALF, result.score, result.max,
                                         [c.to_json() for c in result.criteria], result.feedback,
                                         **confidence_of(result)), NOW)
    _, outputs = _moderate(store, "ann", 2.0)
    assert outputs == []


def test_the_student_report_shows_the_teachers_mark_and_comment(graded, store, shipped_bank, tmp_path):
    from quizzer.reports import student_report

    response, _ = _moderate(store, "1001", 2.0)
    page = BeautifulSoup(student_report(shipped_bank, store, "1001", tmp_path / "r.html", NOW)
                         .read_text(encoding="utf-8"), "html.parser")
    table = page.select_one("#moderated").find_next("table")
    (row,) = table.select("tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert cells[0].startswith("Q1") and cells[1].startswith("exam ") and cells[2] == "2 / 2"
    assert cells[3] == f"{response.score:g}" and cells[4] == COMMENT
    assert table.find("b") is None, "the comment is escaped"
    q1 = next(tr for tr in page.find("h2", string="Questions").find_next("table").select("tbody tr")
              if tr.find("strong").get_text() == "Q1")
    assert q1.select_one(".moderated-tag").get_text() == "moderated"
    assert q1.select_one(".comment").get_text() == f"Your teacher: {COMMENT}"
    mastery = [td.get_text(strip=True) for td in q1.find_all("td")]
    assert mastery[3].startswith("100%"), "the latest short answer's share is the teacher's 2 of 2"


@needs_chromium
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_moderated_result_page_in_chromium_shows_the_comment_as_text(graded, store, tmp_path):
    manifest, _, _ = graded
    _moderate(store, "1001", 2.0, comment="<img src=x onerror=alert(1)><script>alert(2)</script> Well done.")
    page = manifest.parent / "results" / "1001.html"
    dom = BeautifulSoup(chromium(tmp_path / "profile", "--dump-dom", page.as_uri()).stdout, "html.parser")
    comment = dom.select_one(".question.moderated .comment")
    assert comment is not None and "<script>alert(2)</script> Well done." in comment.get_text()
    assert dom.find("img") is None and dom.find("script") is None


def test_the_sessions_of_an_exam_are_read_in_chunks(store, monkeypatch):
    """An exam of a thousand students is one IN list per few hundred sessions."""
    import quizzer.store.store as module
    from quizzer.store import NewResponse

    monkeypatch.setattr(module, "_CHUNK", 2)
    sessions, answers = [], []
    for i in range(5):
        session = store.start_session(f"s{i}", kind="exam", mode="paper", seed=1, plan=[{}], settings={}, now=NOW,
                                      title="E")
        sessions.append(session.id)
        answers.append(store.record(session.id, NewResponse(0, "Q1", "h", f"answer {i}", 1.0, 2.0), NOW))
    assert [r.id for r in store.responses(session_ids=reversed(sessions[:4]))] == answers[:4]
    assert [s.id for s in store.sessions_by_id([*sessions[:3], 10**9])] == sessions[:3]
    assert [s.id for s in store.sessions_of_answers(answers[1:4])] == sessions[1:4]
    assert [s.user for s in store.titled_sessions("exam", "E")] == [f"s{i}" for i in range(5)]
    store.update_session_settings(sessions[:3], {"outputs": {"folder": "/x", "manifest": "/x/m.json"}})
    assert [bool(s.settings.get("outputs")) for s in store.titled_sessions("exam", "E")] == [True] * 3 + [False] * 2


def test_marks_csv_after_a_decision_is_the_one_a_full_rewrite_gives(graded, store, runner, db_url):
    """After a decision only the touched students are read whole; the others' rows
    come from their marks alone, and must come out the same."""
    manifest, _, _ = graded
    _moderate(store, "1001", 1.0, position=2)  # 1001's unreadable note goes; 1003's absent note stays
    after_decision = (manifest.parent / "marks.csv").read_bytes()
    assert b"no answers" in after_decision
    result = runner.invoke(cli, ["--db", db_url, "exam", "results", str(manifest)])
    assert result.exit_code == 0, result.output
    assert (manifest.parent / "marks.csv").read_bytes() == after_decision


def test_the_printed_review_command_covers_the_whole_exam_and_an_import_rewrites_marks_csv(
        graded, store, runner, db_url, tmp_path):
    manifest, _, result = graded
    line = next(line for line in result.output.splitlines() if line.endswith(tuple("0123456789"))
                and "quizzer moderate --session" in line)
    need = int(line.split()[0])
    first = line.rsplit(" ", 1)[1]
    sheet = tmp_path / "queue.csv"
    exported = runner.invoke(cli, ["--db", db_url, "moderate", "export", "--session", first, "--per-answer",
                                   "--out", str(sheet)])
    assert exported.exit_code == 0, exported.output
    assert "reviewing all 3 students' sessions" in exported.output
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == need  # what exam grade said needs review, every student's
    assert {u for r in rows for u in r["users"].split(", ")} == {"1001", "1002", "1003"}
    target = next(r for r in rows if r["users"] == "1002" and r["question_id"] == "Q1")
    target.update(new_mark="2", comment="Checked: full marks.")
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    imported = runner.invoke(cli, ["--db", db_url, "moderate", "import", str(sheet)])
    assert imported.exit_code == 0, imported.output
    assert "Rewrote" in imported.output and "marks.csv" in imported.output
    assert "(scorer" in _marks(manifest.parent)["1002"]["moderated"]
    missing = runner.invoke(cli, ["--db", db_url, "moderate", "export", "--session", "99999", "--out",
                                  str(tmp_path / "x.csv")])
    assert missing.exit_code == 1 and "No session 99999" in missing.output and "Traceback" not in missing.output
