"""Progress reports, built from real quizzes (graded by the real scorer) and a real
graded exam, on SQLite and PostgreSQL; every figure is checked against a
computation from the raw responses that does not share the reports' SQL."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from quizzer.cli import cli
from quizzer.misconceptions import parts as misconception_parts
from quizzer.progress.summary import summarize
from quizzer.quiz.plan import QuizOptions
from quizzer.quiz.session import QuizEngine
from quizzer.reports import class_report, student_report
from quizzer.reports.cohort import build_class_report, pearson
from quizzer.reports.student import build_student_report
from quizzer.store.report_queries import Scope, exam_sessions, fetch

from .clock import Clock
from .summaries import before_and_after_a_rebuild

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOSTILE = '"><img src=x onerror="document.body.dataset.pwned = 6*7"><script>document.body.dataset.pwned = 6*7</script>'
QUESTIONS = ("Q1", "Q5", "Q7", "Q12", "Q14")
# (name, how good: 0 = weakest) -- the hostile name is a student like any other
STUDENTS = [("amara", 5), ("bo", 4), ("Zoë Ñúñez", 3), ("=HYPERLINK(\"http://x\")", 2), (HOSTILE, 1), ("li", 0)]


def sample(question, kinds):
    for kind in kinds:
        for s in question.samples:
            if s.kind == kind:
                return s.text
    return "I am not sure."


def wrong(value):
    """A well-formed answer of the right shape that is far off."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, list):
        return [wrong(v) for v in value]
    return value * 3 + 7


def answer_for(presented, level: int, attempt: int) -> str:
    """Better students write fuller answers, and everyone improves a little."""
    if presented.numeric:
        right = presented.variant.answer
        good = (level + attempt) % 6 >= 2
        return json.dumps(right if good else wrong(right))
    strength = level + attempt
    kinds = (["full"] if strength >= 5 else ["paraphrase", "full"] if strength == 4 else ["partial"] if strength >= 2
             else ["misconception", "off-topic"])
    if level == 1:  # the hostile student's answers carry the payload too
        return sample(presented.question, kinds) + " " + HOSTILE
    return sample(presented.question, kinds)


def practise(bank, store, scorer, name: str, level: int, attempts: int = 2) -> None:
    clock = Clock(START + timedelta(days=level), tick=timedelta(seconds=37))
    for attempt in range(attempts):
        clock.now += timedelta(days=9)
        engine = QuizEngine(bank, store, now=clock, scorer_factory=lambda: scorer)
        try:
            run = engine.start(QuizOptions(user=name, questions=QUESTIONS, count=10, seed=100 * level + attempt))
            for position in run.pending():
                presented = run.present(position)
                run.submit(presented, answer_for(presented, level, attempt), seconds=30 + 5 * position)
            run.finish()
        finally:
            engine.close()


def fill(store, bank, scorer):
    for name, level in STUDENTS:
        practise(bank, store, scorer, name, level)
    return store


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    from quizzer.scoring import Scorer

    return Scorer(shipped_bank)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def practised(request, tmp_path_factory, shipped_bank, scorer):
    """Six students who each took two quizzes; shared, so tests must not write to it."""
    from quizzer.store import Store

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'quizzer.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    with Store(url) as store:
        yield fill(store, shipped_bank, scorer)


def student_data(store, name):
    with store.engine.connect() as db:
        uid = next(u for u, s in fetch(db, Scope()).items() if s.name == name)
        return fetch(db, Scope(user_id=uid))[uid]


# --- the figures -------------------------------------------------------------------


def test_student_figures_match_the_raw_responses(practised, shipped_bank):
    for name, _ in STUDENTS:
        report = build_student_report(shipped_bank, student_data(practised, name), NOW)
        responses = practised.responses(user=name)
        assert report.answers == len(responses) == 20
        assert report.sessions == 2
        assert report.score == pytest.approx(sum(r.score for r in responses) / sum(r.max_score for r in responses))
        assert report.seconds == pytest.approx(sum(r.seconds for r in responses))
        # mastery per topic and module: the same as `quizzer stats`, which works in Python
        summary = summarize(shipped_bank, practised, name, NOW)
        assert {g.key: round(g.mastery, 4) for g in report.topics} == pytest.approx(summary.mastery)
        assert {g.key: round(g.mastery, 4) for g in report.modules} == pytest.approx(summary.modules)
        # best and latest per question, from the short answers
        for line in report.questions:
            mine = [r for r in responses if r.question_id == line.question.id and r.family is None]
            assert line.answers == len(mine)
            if mine:
                assert line.best == pytest.approx(max(r.score / r.max_score for r in mine))
                assert line.latest == pytest.approx(mine[-1].score / mine[-1].max_score)
                assert line.latest_answer == mine[-1].answer
        # numeric families, right and wrong
        families = defaultdict(lambda: [0, 0])
        for r in responses:
            if r.family:
                families[(r.family, r.question_id)][0 if r.score >= r.max_score else 1] += 1
        assert {(f.family, f.question_id): [f.right, f.partly + f.wrong] for f in report.families} == dict(families)
        # misconceptions, as the scorer recorded them
        found = defaultdict(int)
        for r in responses:
            # recorded as '"<their words>" (the misconception: <the bank's phrase>)'; an answer
            # that states one misconception against two criteria stated it once
            phrases = {misconception_parts(c["misconception"])[0] for c in r.criteria if c.get("misconception")}
            for phrase in phrases:
                found[(r.question_id, phrase)] += 1
        assert {(m.question.id, m.text): m.count for m in report.misconceptions} == dict(found)


def test_the_weakest_students_misconceptions_come_with_their_correction(practised, shipped_bank):
    report = build_student_report(shipped_bank, student_data(practised, "li"), NOW)
    assert report.misconceptions, "misconception samples were answered"
    for m in report.misconceptions:
        criterion = next(c for c in m.question.rubric if c.id == m.criterion_id)
        assert m.correction == criterion.description and m.explanation
    assert len(report.next_up) == 3
    assert report.readiness.expected < build_student_report(
        shipped_bank, student_data(practised, "amara"), NOW).readiness.expected


def test_facility_and_discrimination_match_a_direct_computation(practised, shipped_bank):
    with practised.engine.connect() as db:
        students = list(fetch(db, Scope()).values())
    report = build_class_report(shipped_bank, students, NOW, "all practice")
    per_student = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for r in practised.responses():
        if r.family is None:
            per_student[r.user][r.question_id][0] += r.score
            per_student[r.user][r.question_id][1] += r.max_score
    for item in report.items:
        shares, rests = [], []
        for questions in per_student.values():
            if item.key in questions:
                score, top = questions[item.key]
                shares.append(score / top)
                rest_score = sum(s for q, (s, _) in questions.items() if q != item.key)
                rest_top = sum(t for q, (_, t) in questions.items() if q != item.key)
                rests.append(rest_score / rest_top)
        assert item.students == len(shares)
        if not shares:
            assert item.facility is None
            continue
        assert item.facility == pytest.approx(sum(shares) / len(shares))
        expected = pearson(shares, rests)
        numpy = pytest.importorskip("numpy")
        if expected is not None:
            assert item.discrimination == pytest.approx(float(numpy.corrcoef(shares, rests)[0, 1]))
    asked = {i.key: i for i in report.items if i.students}
    assert set(asked) == set(QUESTIONS)
    # better students do better on these items: discrimination comes out positive
    assert all(i.discrimination is not None and i.discrimination > 0 for i in asked.values())


def test_class_report_on_disk(practised, shipped_bank, tmp_path):
    files = class_report(shipped_bank, practised, tmp_path / "class", NOW)
    folder = tmp_path / "class"
    assert files[0] == folder / "index.html"
    index = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    # every link in the report goes to a file that exists, or to a place on the page
    links = [a["href"] for a in index.find_all("a")]
    assert all(index.find(id=href[1:]) if href.startswith("#") else (folder / href).is_file() for href in links), links
    assert {"#students", "#items"} <= set(links)
    assert len({h for h in links if h.startswith("students/")}) == len(STUDENTS)
    # self-contained: no scripts, no stylesheet or image fetched from anywhere
    assert index.find("script") is None and index.find("link") is None and index.find("img") is None
    svg = index.find("svg")
    assert svg is not None and "students" in svg.get_text() and "mean score" in svg.get_text()
    # the CSV: one row per student, formulas defused
    with (folder / "students.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["student"] for r in rows) == sorted(
        ("'" + n if n.startswith("=") else n) for n, _ in STUDENTS)
    # sorted server-side: the by-score page lists scores from high to low
    page = BeautifulSoup((folder / "students-by-score.html").read_text(encoding="utf-8"), "html.parser")
    scores = [int(tr.find_all("td")[2].get_text().rstrip("%")) for tr in page.select("tbody tr")]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(STUDENTS)


def test_an_exam_is_reported_on_its_own(store, shipped_bank, scorer, runner, tmp_path, db_url):
    practised = fill(store, shipped_bank, scorer)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\n2001,Ada\n2002,Ben\n2003,Cy\n", encoding="utf-8")
    out = tmp_path / "exam"
    built = runner.invoke(cli, ["exam", "build", "--roster", str(roster), "--questions", "Q1,Q14", "--numeric", "0",
                                "--seed", "3", "--title", "Mock", "--out", str(out)])
    assert built.exit_code == 0, built.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    full = {q.id: sample(q, ["full"]) for q in shipped_bank if q.id in ("Q1", "Q14")}
    answers = tmp_path / "answers.csv"
    with answers.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "question_id", "answer"])
        for student in manifest["students"][:2]:  # Cy hands in a blank sheet
            for qid, text in full.items():
                writer.writerow([student["student_id"], qid, text])
    graded = runner.invoke(cli, ["--db", db_url, "exam", "grade", str(out / "manifest.json"), "--answers", str(answers)])
    assert graded.exit_code == 0, graded.output
    exam_ids = [r.session_id for r in practised.responses(user="2001")]
    with practised.engine.connect() as db:
        title, sessions = exam_sessions(db, exam_ids[0])
    assert title.startswith("exam ") and len(sessions) == 3
    class_report(shipped_bank, practised, tmp_path / "mock", NOW, session_id=exam_ids[0])
    index = BeautifulSoup((tmp_path / "mock" / "index.html").read_text(encoding="utf-8"), "html.parser")
    names = [a.get_text() for a in index.select("#students ~ table tbody a")]
    assert names == ["2001", "2002", "2003"], "only the exam's students, none of the practising ones"
    rows = {tr.find("strong").get_text(): tr for tr in index.select("#items ~ table tbody tr") if tr.find("strong")}
    q1 = [td.get_text() for td in rows["Q1"].find_all("td")]
    assert q1[1] == "3" and q1[2] == "3"  # three students, three answers (Cy's blank counts 0)
    assert set(rows) == {"Q1", "Q14"}, "only the exam's questions, not the bank's other eighteen"
    page = BeautifulSoup((tmp_path / "mock" / names_href(index, "2001")).read_text(encoding="utf-8"), "html.parser")
    heading = next(h for h in page.find_all("h2") if h.get_text() == "Questions")
    listed = [tr.find("strong").get_text() for tr in heading.find_next("table").select("tbody tr")]
    assert listed == ["Q1", "Q14"], "the student's page of one exam lists that exam's questions"


def names_href(index, name):
    return next(a["href"] for a in index.select("#students ~ table tbody a") if a.get_text() == name)


def test_a_student_report_file_and_unknown_names(practised, shipped_bank, tmp_path):
    path = student_report(shipped_bank, practised, "Zoë Ñúñez", tmp_path / "zoe.html", NOW)
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    assert page.h1.get_text() == "Progress report: Zoë Ñúñez"
    texts = " ".join(t.get_text() for t in page.find_all("svg"))
    assert "date" in texts and "score (% of marks)" in texts and "mastery (share of the marks)" in texts
    from quizzer.errors import NotFound

    with pytest.raises(NotFound) as caught:
        student_report(shipped_bank, practised, "nobody", tmp_path / "x.html", NOW)
    assert "amara" in caught.value.hint


def _page_mastery(page: BeautifulSoup) -> tuple[dict[str, str], dict[str, str]]:
    """The mastery figures a student's page shows: per module or topic key, and per question."""
    groups = {}
    for row in page.find("h2", string="Mastery by module and topic").find_next("table").tbody.find_all("tr"):
        cells = row.find_all("td")
        key = cells[0].find("span").get_text()[1:-1] if "sub" in row.get("class", []) else cells[0].get_text().lower()
        groups[key] = cells[1].get_text(strip=True)
    questions = {}
    for row in page.find("table", class_="questions").tbody.find_all("tr"):
        cells = row.find_all("td")
        questions[cells[0].strong.get_text()] = next(cells[5].stripped_strings)
    return groups, questions


def test_the_report_page_and_stats_json_give_the_same_mastery(practised, runner, tmp_path):
    """One rule for mastery: the page a student is given and `quizzer stats --json`
    must not disagree about any topic, module or question."""
    for name, _ in STUDENTS:
        out = tmp_path / "page.html"
        result = runner.invoke(cli, ["--db", practised.url, "report", "--user", name, "--out", str(out)])
        assert result.exit_code == 0, result.output
        stats = runner.invoke(cli, ["--db", practised.url, "stats", "--user", name, "--json"])
        assert stats.exit_code == 0, stats.output
        figures = json.loads(stats.output)
        groups, questions = _page_mastery(BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser"))
        assert groups == {key: f"{value:.0%}" for key, value in {**figures["modules"], **figures["mastery"]}.items()}
        answered = {qid: f"{entry['mastery']:.0%}" for qid, entry in figures["questions"].items()}
        assert answered and {qid: shown for qid, shown in questions.items() if qid in answered} == answered
        assert {shown for qid, shown in questions.items() if qid not in answered} <= {"0%"}


# --- the command ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A stand-in browser that writes down what it was asked to open. Python's
    webbrowser module reads $BROWSER once per process, so the script is made once
    and told where to write by another variable."""
    script = tmp_path_factory.mktemp("browser") / "browser.sh"
    script.write_text('#!/bin/sh\necho "$1" > "$QUIZZER_TEST_OPENED"\n')
    script.chmod(0o755)
    return script


def test_report_command(practised, runner, tmp_path, browser, monkeypatch):
    db_url = practised.url
    opened = tmp_path / "opened.txt"
    monkeypatch.setenv("BROWSER", str(browser))
    monkeypatch.setenv("QUIZZER_TEST_OPENED", str(opened))
    result = runner.invoke(cli, ["--db", db_url, "report", "--user", "bo", "--out", str(tmp_path / "bo.html"), "--open"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bo.html").is_file()
    assert opened.read_text().strip() == (tmp_path / "bo.html").resolve().as_uri()
    result = runner.invoke(cli, ["--db", db_url, "report", "--class", "--out", str(tmp_path / "class")])
    assert result.exit_code == 0 and f"with {len(STUDENTS)} student pages" in result.output
    for args, message in ((["report", "--user", "bo", "--class"], "Give either --user NAME or --class"),
                          (["report", "--user", "bo", "--session", "1"], "--session goes with --class"),
                          (["report", "--user", "nobody"], "No student 'nobody'"),
                          (["report", "--class", "--session", "9999"], "No session 9999"),
                          (["report", "--class", "--session", "99999999999"], "is not in the range")):
        result = runner.invoke(cli, ["--db", db_url, *args])
        assert result.exit_code in (1, 2) and message in result.output, (args, result.output)
        assert "Traceback" not in result.output


# --- in a real browser -------------------------------------------------------------

from .browser import chromium, needs_chromium, needs_poppler, pdf_pages, pdf_text  # noqa: E402


@pytest.fixture(scope="module")
def class_folder(practised, shipped_bank, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class-report")
    class_report(shipped_bank, practised, folder, NOW)
    return folder


@needs_chromium
def test_hostile_names_and_answers_do_not_run_in_chromium(class_folder, tmp_path):
    """The hostile student's name and answers are on the class page and on their own
    page. Chromium loads both; if any markup got through, an element would exist or
    the payload would have set data-pwned="42" on the body."""
    index = BeautifulSoup((class_folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = next(a for a in index.find_all("a") if a.get_text() == HOSTILE)
    pages = [class_folder / "index.html", class_folder / "students-by-score.html", class_folder / link["href"]]
    for page in pages:
        dom = chromium(tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
        soup = BeautifulSoup(dom, "html.parser")
        assert soup.body is not None and soup.body.get("data-pwned") is None, page
        assert soup.find("script") is None and soup.find("img") is None, page
        assert HOSTILE in soup.get_text(), "the text is shown, as text"


@needs_chromium
def test_reports_look_right_in_chromium(class_folder, tmp_path):
    """A screenshot of each report: the page is drawn, and the charts' bars are on it."""
    from PIL import Image

    index = BeautifulSoup((class_folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    student = class_folder / next(a["href"] for a in index.find_all("a") if a.get_text() == "amara")
    for page in (class_folder / "index.html", student):
        shot = tmp_path / f"{page.stem}.png"
        chromium(tmp_path / "profile", "--window-size=1100,1800", "--hide-scrollbars", f"--screenshot={shot}",
                 page.as_uri())
        image = Image.open(shot).convert("RGB")
        assert image.size == (1100, 1800)
        colours = image.getcolors(maxcolors=1_000_000)
        assert len(colours) > 50, "text and charts, not a blank page"
        bar = sum(count for count, rgb in colours if rgb == (0x3F, 0x6F, 0xB5))
        assert bar > 500, f"the chart bars (#3f6fb5) are drawn on {page.name}"


@needs_chromium
@needs_poppler
def test_the_class_report_prints(class_folder, tmp_path):
    target = tmp_path / "class.pdf"
    chromium(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={target}",
             (class_folder / "index.html").as_uri())
    assert 2 <= pdf_pages(target) <= 12
    text = pdf_text(target)
    for heading in ("Score distribution", "Most common misconceptions", "Item statistics", "Students"):
        assert heading in text
    assert "amara" in text and "Zoë Ñúñez" in text
    first = pdf_text(target, "-f", "1", "-l", "1")
    assert all(name in first for name in ("amara", "bo", "li", "Zoë Ñúñez")), "the student table is on page one"
    assert first.index("Students") < first.index("Score distribution")


def test_running_summaries_equal_a_rebuild_from_the_answers(practised):
    """The store updates the summaries answer by answer; recomputing them from all
    the responses must give exactly the same rows."""
    before, after = before_and_after_a_rebuild(practised)
    assert len(before["question_progress"]) > 30 and before["misconception_counts"]
    for name in before:  # marks are half steps and times whole seconds here, so sums are exact
        assert before[name] == after[name], name


def test_student_pages_drawn_in_parallel_are_the_pages_drawn_one_by_one(practised, shipped_bank, tmp_path,
                                                                        monkeypatch):
    from quizzer.reports import write
    from quizzer.store.report_queries import attach_sessions

    with practised.engine.connect() as db:
        students = fetch(db, Scope(), with_sessions=False)
        attach_sessions(db, Scope(), students)
    report = build_class_report(shipped_bank, list(students.values()), NOW, "all practice")
    monkeypatch.setattr(write, "PARALLEL_FROM", 0)
    alone = write.write_student_pages(report, tmp_path / "one", workers=1)
    together = write.write_student_pages(report, tmp_path / "two", workers=3)
    assert [p.name for p in alone] == [p.name for p in together] == [s.page for s in report.students]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(alone, together))


def test_a_page_worker_started_outside_a_report_says_so():
    from quizzer.reports import write

    with pytest.raises(RuntimeError, match="inside write_student_pages"):
        write._write_pages(range(1))


def test_an_overview_without_student_pages_has_no_dead_links(practised, shipped_bank, tmp_path):
    files = class_report(shipped_bank, practised, tmp_path / "overview", NOW, student_pages=False)
    assert not (tmp_path / "overview" / "students").exists()
    assert {f.name for f in files} >= {"index.html", "students.csv", "students-by-score.html"}
    for page in files:
        if page.suffix == ".html":
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            assert all(soup.find(id=a["href"][1:]) if a["href"].startswith("#") else (page.parent / a["href"]).is_file()
                       for a in soup.find_all("a")), page.name


def test_an_unwritable_out_folder_is_a_clear_error(practised, runner, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder is needed")
    result = runner.invoke(cli, ["--db", practised.url, "report", "--class", "--out", str(blocker / "class")])
    assert result.exit_code == 1 and "Cannot write" in result.output and "Traceback" not in result.output
    result = runner.invoke(cli, ["--db", practised.url, "report", "--user", "bo", "--out", str(blocker / "bo.html")])
    assert result.exit_code == 1 and "Cannot write" in result.output


# --- the running summaries when answers do not arrive one after another ---------------

def _exam_answer(question_id, score, top, family=None, position=0):
    from quizzer.store import NewResponse

    criteria = [] if family else [{"id": "c", "awarded": min(score, 1.0), "max": 1.0}]
    return NewResponse(position=position, question_id=question_id, content_hash="h", answer="a", score=score,
                       max_score=top, criteria=criteria, family=family, variant_seed=1 if family else None)


def _summaries_equal_a_rebuild(store):
    from quizzer.store import summaries
    from quizzer.store.models import QuestionProgress

    table = QuestionProgress.__table__
    with store.engine.connect() as db:
        transaction = db.begin()
        before = sorted(tuple(map(str, r)) for r in db.execute(table.select()))
        summaries.rebuild(db)
        after = sorted(tuple(map(str, r)) for r in db.execute(table.select()))
        transaction.rollback()
    return before == after


def test_answers_recorded_at_one_moment_are_ordered_by_id_as_stats_orders_them(store, shipped_bank):
    """A graded exam records all its answers at one time; the report's mastery must
    still be the mean of the latest three, taken in the order stats takes them."""
    for day, saq, numeric in ((1, 1.0, 1.0), (2, 1.5, 0.0)):
        when = START + timedelta(days=day)
        info = store.start_session("ann", kind="exam", mode="paper", seed=1, plan=[{}, {}], settings={}, now=when,
                                   title=f"exam {day}")
        store.record(info.id, _exam_answer("Q1", saq, 2.0), when)
        store.record(info.id, _exam_answer("Q1", numeric, 1.0, "perceptron_update", 1), when)
    report = build_student_report(shipped_bank, student_data(store, "ann"), NOW)
    from quizzer.progress.mastery import question_mastery

    assert report.mastery["Q1"] == pytest.approx(question_mastery(store.responses(user="ann"))["Q1"])
    assert report.mastery["Q1"] == pytest.approx((1.0 + 0.75 + 0.0) / 3)
    assert _summaries_equal_a_rebuild(store)


def test_an_answer_recorded_after_a_later_one_still_gives_the_right_summaries(store, shipped_bank):
    """An exam graded (with the time grading began) while the student kept practising."""
    info = store.start_session("ann", kind="quiz", mode="practice", seed=1, plan=[{}, {}], settings={}, now=START)
    store.record(info.id, _exam_answer("Q1", 2.0, 2.0), START + timedelta(minutes=5))
    store.record(info.id, _exam_answer("Q1", 0.0, 2.0, position=1), START)
    assert _summaries_equal_a_rebuild(store)
    [row] = build_student_report(shipped_bank, student_data(store, "ann"), NOW).data.questions
    from quizzer.store.report_queries import _utc

    assert row.latest == 1.0 and row.answers == 2 and _utc(row.first) == START


def test_a_damaged_database_is_a_message_not_a_traceback(runner, tmp_path):
    import sqlite3

    from quizzer.store import Store

    path = tmp_path / "damaged.sqlite3"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:  # as if someone "tidied" the file by hand
        db.execute("DROP TABLE question_progress")
    result = runner.invoke(cli, ["--db", str(path), "report", "--class", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "could not do this: no such table: question_progress" in result.output and str(path) in result.output
    assert result.exc_info is None or result.exc_info[0] is SystemExit


def test_a_class_report_made_by_slices_in_workers_is_the_one_made_in_one_process(practised, shipped_bank, tmp_path,
                                                                                 monkeypatch):
    from quizzer.reports import slices

    monkeypatch.setattr(slices, "PARALLEL_FROM", 10**9)
    alone = class_report(shipped_bank, practised, tmp_path / "one", NOW)
    monkeypatch.setattr(slices, "PARALLEL_FROM", 0)
    monkeypatch.setattr(slices.os, "cpu_count", lambda: 3)
    together = class_report(shipped_bank, practised, tmp_path / "two", NOW)
    assert [p.name for p in alone] == [p.name for p in together] and len(alone) > 12
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(alone, together, strict=True))


def test_id_ranges_cover_every_student_once():
    from quizzer.reports.slices import id_ranges

    ids = [1, 2, 5, 9, 10, 11, 40]
    ranges = id_ranges(ids, 3)
    assert len(ranges) == 3 and [i for i in ids if any(a <= i <= b for a, b in ranges)] == ids
    assert all(b < c for (_, b), (c, _) in zip(ranges, ranges[1:], strict=False))  # noqa: RUF007
    assert id_ranges([7], 4) == [(7, 7)]
