"""The scorer learns from moderation: how far teachers' marks are from the scorer's,
moderated answers promoted into the bank's samples or a held-out file, and the
class report's moderation section.

Store tests run on a real SQLite file and a real PostgreSQL server; banks are real
folders written to disk and read back by the bank loader.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from quizzer.bank import load_bank
from quizzer.bank.graded import read_graded_set
from quizzer.cli import cli
from quizzer.errors import BankError, QuizzerError
from quizzer.moderation.agreement import agreement, moderated_agreement
from quizzer.moderation.decisions import Decision, accept, commit, decide, undo
from quizzer.moderation.promote import check_heldout_file, default_heldout_file, to_heldout, to_samples
from quizzer.reports import class_report
from quizzer.scoring import Scorer
from quizzer.scoring.agreement import measure
from quizzer.scoring.evaluate import evaluate
from quizzer.store import NewResponse, confidence_of

from .browser import chromium, needs_chromium
from .conftest import SHIPPED_BANK, minimal_question, write_bank

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOSTILE = '"><img src=x onerror="document.body.dataset.pwned = 6*7"><script>document.body.dataset.pwned=1</script>'
RELU = "ReLU has derivative 1 for positive inputs so the gradient does not shrink."
SIGMOID = "Sigmoid's derivative is at most 0.25, so gradients vanish in deep networks."


@pytest.fixture
def bank_dir(tmp_path) -> Path:
    """A teacher's own bank: two questions, as yaml.safe_dump writes them (lists not indented)."""
    return write_bank(tmp_path / "bank", [minimal_question("T1"), minimal_question("T2")])


def _load(path: Path):
    from quizzer.variants import family_ids

    return load_bank(path, families=family_ids())


def _answer(store, scorer, question, user, text, *, family=None, when=NOW, kind="quiz", session=None):
    if session is None:
        session = store.start_session(user, kind=kind, mode="practice", seed=1,
                                      plan=[{"question_id": question.id}], settings={}, now=when).id
    result = scorer.grade(question, text)
    return store.record(session, NewResponse(
        0, question.id, question.content_hash, text, result.score, result.max,
        [c.to_json() for c in result.criteria], result.feedback, family=family, **confidence_of(result)), when)


def _records(store):
    return {r.id: r for r in store.responses()}


def _awarded(record, criterion_id):
    return next(float(c["awarded"]) for c in record.criteria if c["id"] == criterion_id)


def _moderate(store, response, decision, when=NOW, who="mr-ng"):
    commit(store, decide([response], decision)[0], who, when)


# --- agreement ---------------------------------------------------------------------


def test_agreement_counts_each_mark_in_force_against_the_scorers_own(store, bank_dir):
    bank = _load(bank_dir)
    scorer = Scorer(bank)
    t1, t2 = bank.get("T1"), bank.get("T2")
    texts = {"amy": (t1, RELU), "ben": (t1, "no idea"), "cal": (t1, SIGMOID), "dee": (t2, RELU), "eli": (t2, "x")}
    ids = {user: _answer(store, scorer, q, user, text) for user, (q, text) in texts.items()}
    scorer_marks = {user: _records(store)[rid].score for user, rid in ids.items()}
    records = _records(store)
    accept(store, [records[ids["amy"]]], "mr-ng", NOW)  # kept as the scorer gave it
    _moderate(store, records[ids["ben"]], Decision(criteria={"relu-derivative": 0.5}))
    _moderate(store, records[ids["cal"]], Decision(total=0))
    _moderate(store, _records(store)[ids["cal"]], Decision(total=2))  # changed again: compared with the scorer
    _moderate(store, records[ids["dee"]], Decision(total=2))
    _moderate(store, records[ids["eli"]], Decision(total=1))
    undo(store, [ids["eli"]], NOW + timedelta(hours=1))  # taken back: it no longer counts
    teacher = {user: _records(store)[rid].score for user, rid in ids.items() if user != "eli"}

    figures = moderated_agreement(store)
    changes = [teacher[u] - scorer_marks[u] for u in teacher]
    assert figures.answers == 4
    assert figures.changed == sum(abs(c) > 0 for c in changes)
    assert figures.exact == pytest.approx(sum(c == 0 for c in changes) / 4)
    assert figures.mean_change == pytest.approx(sum(changes) / 4)
    assert figures.mean_abs_change == pytest.approx(sum(abs(c) for c in changes) / 4)
    assert figures.raised == sum(c > 0 for c in changes) and figures.lowered == sum(c < 0 for c in changes)
    by_question = {q.key: q for q in figures.parts}
    assert by_question["T1"].answers == 3 and by_question["T2"].answers == 1
    exacts = [q.exact for q in figures.parts]
    assert exacts == sorted(exacts), "least agreement first"
    # per criterion: the stored marks before any decision against those in force now
    now = _records(store)
    for criterion in by_question["T1"].parts:
        deltas = [_awarded(now[ids[u]], criterion.key) - _awarded(records[ids[u]], criterion.key)
                  for u in ("amy", "ben", "cal")]
        assert (criterion.answers, criterion.changed) == (3, sum(d != 0 for d in deltas)), criterion.key
        assert criterion.mean_change == pytest.approx(sum(deltas) / 3)
    assert {c.key for c in by_question["T1"].parts} == {"relu-derivative", "sigmoid-small"}
    data = figures.to_json()
    assert set(data) == {"answers", "changed", "raised", "lowered", "exact_agreement", "mean_change",
                         "mean_abs_change", "questions"}
    assert list(data["questions"]) == [q.key for q in figures.parts]
    assert set(data["questions"]["T1"]["criteria"]) == {"relu-derivative", "sigmoid-small"}


def test_agreement_of_some_sessions_leaves_the_others_out(store, bank_dir):
    bank = _load(bank_dir)
    scorer = Scorer(bank)
    first = _answer(store, scorer, bank.get("T1"), "amy", "no idea")
    second = _answer(store, scorer, bank.get("T1"), "ben", "no idea")
    records = _records(store)
    _moderate(store, records[first], Decision(total=1))
    accept(store, [records[second]], "mr-ng", NOW)
    only_second = moderated_agreement(store, session_ids=[records[second].session_id])
    assert (only_second.answers, only_second.changed) == (1, 0)
    assert moderated_agreement(store).answers == 2
    assert agreement([]).answers == 0 and agreement([]).to_json()["questions"] == {}


# --- promote into the bank ---------------------------------------------------------


def _promote_fixture(store, bank_dir, texts):
    bank = _load(bank_dir)
    scorer = Scorer(bank)
    for index, text in enumerate(texts):
        rid = _answer(store, scorer, bank.get("T1"), f"s{index}", text)
        _moderate(store, _records(store)[rid], Decision(total=1.5 if index % 2 else 0.5))
    return bank


AWKWARD = [
    "ReLU: its derivative is 1 # so the gradient survives, key: value and - a dash",
    "- starts like a list item & has *stars* and !!python/object/apply:os.system ['true']",
    'Quotes "double" and \'single\', Zoë\'s naïve résumé, and a line\nbreak, with trailing spaces   ',
    "a long answer " * 20,
]


def test_promoted_samples_are_appended_as_text_and_the_bank_reads_them_back(store, bank_dir):
    bank = _promote_fixture(store, bank_dir, AWKWARD)
    source = bank_dir / "t1.yaml"
    before = source.read_text(encoding="utf-8")
    report = to_samples(bank, store)
    assert report.written and report.count == len(AWKWARD) and list(report.added) == [source]
    after = source.read_text(encoding="utf-8")
    old, new = before.splitlines(), after.splitlines()
    inserted = len(new) - len(old)
    start = next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)
    assert new[:start] + new[start + inserted:] == old, "no line of the file was changed, only lines added"
    assert new[start].startswith("- text:"), "in the file's own style (yaml.safe_dump's unindented list)"
    reloaded = _load(bank_dir).get("T1")
    added = reloaded.samples[-len(AWKWARD):]
    assert [s.text for s in added] == [" ".join(t.split()) for t in AWKWARD]
    assert [s.score for s in added] == [0.5, 1.5, 0.5, 1.5]
    assert {s.kind for s in added} == {"moderated"}
    assert all(sum(m for _, m in s.criteria) == s.score for s in added)
    assert all("mr-ng" in s.note and "2026-12-01" in s.note for s in added)
    assert reloaded.samples[:-len(AWKWARD)] == bank.get("T1").samples
    kinds = evaluate(Scorer(_load(bank_dir)), list(_load(bank_dir))).kinds
    assert kinds["moderated"].count == len(AWKWARD), "grade --evaluate covers them"

    again = to_samples(_load(bank_dir), store)
    assert again.count == 0 and again.present == len(AWKWARD) and not again.written
    assert source.read_text(encoding="utf-8") == after


def test_the_shipped_banks_style_is_kept(store, tmp_path):
    bank_dir = tmp_path / "bank"
    shutil.copytree(SHIPPED_BANK, bank_dir)
    bank = _load(bank_dir)
    scorer = Scorer(bank)
    rid = _answer(store, scorer, bank.get("Q1"), "amy", "XOR is not linearly separable, " * 6)
    _moderate(store, _records(store)[rid], Decision(total=1))
    source = bank_dir / "module1" / "q1.yaml"
    before = source.read_text(encoding="utf-8")
    to_samples(bank, store)
    after = source.read_text(encoding="utf-8")
    added = after.replace(before.split("variants:")[0], "").split("variants:")[0].splitlines()
    assert added[0] == "  - text: >-", "indented as the file's samples are, the text folded"
    assert all(len(line) <= 90 for line in added)
    assert after.endswith("variants: [perceptron_output, perceptron_update]\n"), "the key after samples stays"
    assert before.split("variants:")[0] in after
    assert _load(bank_dir).get("Q1").samples[-1].kind == "moderated"


@pytest.mark.parametrize("samples", ["samples: []\n", "", "samples:\n  # none yet\n"])
def test_a_question_without_samples_gets_a_list(store, tmp_path, samples):
    question = minimal_question("T1")
    del question["samples"]
    bank_dir = write_bank(tmp_path / "bank", [question])
    source = bank_dir / "t1.yaml"
    body = source.read_text(encoding="utf-8").replace("variants: []\n", "")
    source.write_bytes((body + samples + "variants: []\n").replace("\n", "\r\n").encode())
    bank = _promote_fixture(store, bank_dir, [RELU])
    to_samples(bank, store)
    raw = source.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "the file's line endings are kept"
    assert _load(bank_dir).get("T1").samples[-1].text == RELU


def test_a_flow_style_list_is_refused_and_the_file_is_left_alone(store, tmp_path):
    bank_dir = write_bank(tmp_path / "bank", [minimal_question("T1")])
    source = bank_dir / "t1.yaml"
    text = source.read_text().split("samples:")[0]
    source.write_text(text + "samples: [{text: ReLU keeps the gradient at 1., score: 1, kind: partial}]\n"
                             "variants: []\n")
    bank = _promote_fixture(store, bank_dir, [RELU])
    before = source.read_bytes()
    with pytest.raises(QuizzerError, match="one line"):
        to_samples(bank, store)
    assert source.read_bytes() == before


def test_a_dry_run_writes_nothing_and_unfit_answers_are_named(store, bank_dir):
    bank = _load(bank_dir)
    scorer = Scorer(bank)
    fine = _answer(store, scorer, bank.get("T1"), "amy", RELU)
    numeric = _answer(store, scorer, bank.get("T1"), "ben", "42", family="some_family")
    twice = [_answer(store, scorer, bank.get("T2"), user, "the same words") for user in ("cal", "dee")]
    records = _records(store)
    for rid, total in [(fine, 1), (numeric, 0), (twice[0], 0.5), (twice[1], 1)]:
        _moderate(store, records[rid], Decision(total=total))
    before = {p: p.read_bytes() for p in bank_dir.glob("*.yaml")}
    report = to_samples(bank, store, dry_run=True)
    assert not report.written and {p: p.read_bytes() for p in bank_dir.glob("*.yaml")} == before
    assert report.count == 2  # amy's, and one of the identical pair
    assert any(f"answer {numeric}" in why and "numeric" in why for why in report.skipped)
    assert any("different marks" in note and "the latest, 1," in note for note in report.notes)
    (t2,) = report.added[bank_dir / "t2.yaml"]
    assert t2.score == 1 and set(t2.response_ids) == set(twice)
    only_t1 = to_samples(bank, store, question_id="T1", dry_run=True)
    assert list(only_t1.added) == [bank_dir / "t1.yaml"]


def test_answers_marked_under_another_rubric_are_not_promoted(store, bank_dir):
    bank = _promote_fixture(store, bank_dir, [RELU])
    changed = minimal_question("T1")
    changed["rubric"][1]["id"] = "sigmoid-bounded"
    write_bank(bank_dir, [changed], topics=False)
    report = to_samples(_load(bank_dir), store)
    assert report.count == 0 and "another rubric" in report.skipped[0]
    assert bank.get("T1").samples == _load(bank_dir).get("T1").samples


def test_sample_marks_per_criterion_are_validated(tmp_path):
    question = minimal_question("T1", samples=[
        {"text": "a", "score": 1, "kind": "moderated", "criteria": {"relu-derivative": 1, "sigmoid-small": 0}},
        {"text": "b", "score": 1, "kind": "moderated", "criteria": {"relu-derivative": 1.5}},
        {"text": "c", "score": 2, "kind": "moderated", "criteria": {"nope": 1, "sigmoid-small": 1}},
        {"text": "d", "score": 2, "kind": "moderated", "criteria": {"relu-derivative": 1, "sigmoid-small": 0}},
        {"text": "e", "score": 1, "kind": "moderated", "criteria": [1]},
    ])
    with pytest.raises(BankError) as caught:
        _load(write_bank(tmp_path / "bank", [question]))
    text = str(caught.value)
    assert "samples[1].criteria.relu-derivative: is 1.5, more than the criterion's 1 marks" in text
    assert "samples[2].criteria.nope" in text and "not a criterion of the rubric" in text
    assert "samples[3].criteria: add up to 1, not the sample's score of 2" in text
    assert "samples[4].criteria: must map criterion ids to marks" in text
    assert "samples[0]" not in text


# --- promote into a held-out file --------------------------------------------------


def test_held_out_answers_go_to_their_own_file_which_evaluate_reports(store, bank_dir, tmp_path):
    bank = _promote_fixture(store, bank_dir, AWKWARD)
    target = tmp_path / "mine" / "moderated.yaml"
    report = to_heldout(bank, store, target)
    assert report.written and report.count == len(AWKWARD)
    graded = read_graded_set(target)
    answers = graded.halves["moderated"]
    assert [a.text for a in answers] == AWKWARD, "held-out answers keep the student's exact words"
    assert [a.score for a in answers] == [0.5, 1.5, 0.5, 1.5] and {a.kind for a in answers} == {"moderated"}
    assert len({a.id for a in answers}) == len(AWKWARD)
    saved = yaml.safe_load(target.read_text(encoding="utf-8"))["answers"][0]
    assert set(saved) == {"id", "question_id", "kind", "score", "criteria", "note", "text"}
    assert _load(bank_dir).get("T1").samples == bank.get("T1").samples, "the bank is untouched"

    again = to_heldout(bank, store, target)
    assert again.count == 0 and again.present == len(AWKWARD)

    measured = measure(bank, Scorer(bank), [target])
    (part,) = measured.sets
    assert list(part.halves) == ["moderated"] and part.halves["moderated"].count == len(AWKWARD)
    assert "moderated" in measured.to_json()["heldout"]["moderated"]


def test_a_graded_sets_moderated_part_is_measured_beside_its_halves(store, bank_dir, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    for half in ("calibration", "test"):
        (folder / f"{half}.yaml").write_text(yaml.safe_dump({"answers": [
            {"id": f"{half}-1", "question_id": "T1", "kind": "full", "score": 1, "text": RELU}]}))
    bank = _promote_fixture(store, bank_dir, [SIGMOID])
    to_heldout(bank, store, folder / "moderated.yaml")
    halves = measure(bank, Scorer(bank), [folder]).sets[0].halves
    assert list(halves) == ["calibration", "test", "moderated"]
    assert halves["moderated"].count == 1 and halves["test"].count == 1


@pytest.mark.parametrize("name", ["test.yaml", "calibration.yaml", "test-second-examiner.yaml", "notes.txt"])
def test_a_graded_sets_own_files_are_never_written(bank_dir, tmp_path, name):
    with pytest.raises(QuizzerError):
        check_heldout_file(tmp_path / name, _load(bank_dir))
    with pytest.raises(QuizzerError, match="inside the bank folder"):
        check_heldout_file(bank_dir / "moderated.yaml", _load(bank_dir))


def test_the_shipped_bank_promotes_into_its_own_graded_set(bank_dir):
    target = default_heldout_file(SHIPPED_BANK)
    assert target is not None and target.name == "moderated.yaml" and target.parent.name == "saq"
    assert default_heldout_file(bank_dir) is None


# --- the commands ------------------------------------------------------------------


def _seed(db_url, bank_dir):
    from quizzer.store import Store

    with Store(db_url) as store:
        _promote_fixture(store, bank_dir, [RELU, "I do not know"])


def test_promote_command(runner, db_url, bank_dir, tmp_path):
    base = ["--db", db_url, "--bank", str(bank_dir), "moderate", "promote"]
    empty = runner.invoke(cli, base)
    assert empty.exit_code == 0 and "No moderated answers yet" in empty.output
    _seed(db_url, bank_dir)
    dry = runner.invoke(cli, [*base, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"Would add 2 moderated answers (T1) to {bank_dir / 't1.yaml'}." in dry.output
    assert "Nothing was written (--dry-run)." in dry.output
    done = runner.invoke(cli, [*base, "--question", "t1"])
    assert done.exit_code == 0 and f"Added 2 moderated answers (T1) to {bank_dir / 't1.yaml'}." in done.output
    again = runner.invoke(cli, base)
    assert "2 answers already there (the same words) left as they are." in again.output
    assert "Nothing to add." in again.output

    own = runner.invoke(cli, [*base, "--to", "heldout"])
    assert own.exit_code == 2 and "needs --out FILE.yaml" in own.output
    misuse = runner.invoke(cli, [*base, "--out", str(tmp_path / "m.yaml")])
    assert misuse.exit_code == 2 and "--out goes with --to heldout" in misuse.output
    frozen = runner.invoke(cli, [*base, "--to", "heldout", "--out", str(tmp_path / "test.yaml")])
    assert frozen.exit_code == 1 and "never added" in frozen.output and "Traceback" not in frozen.output
    assert not (tmp_path / "test.yaml").exists()
    held = runner.invoke(cli, [*base, "--to", "heldout", "--out", str(tmp_path / "m.yaml")])
    assert held.exit_code == 0 and f"Added 2 moderated answers (T1) to {tmp_path / 'm.yaml'}." in held.output

    evaluated = runner.invoke(cli, ["--db", db_url, "--bank", str(bank_dir), "grade", "--evaluate",
                                    "--heldout", str(tmp_path / "m.yaml")])
    assert evaluated.exit_code == 0, evaluated.output
    assert "Held-out m, moderated answers" in evaluated.output and "moderated " in evaluated.output


def test_evaluate_moderated_reports_teachers_changes_worst_first(runner, db_url, bank_dir):
    base = ["--db", db_url, "--bank", str(bank_dir), "grade", "--evaluate"]
    plain = json.loads(runner.invoke(cli, [*base, "--json"]).output)
    none = runner.invoke(cli, [*base, "--moderated"])
    assert none.exit_code == 0 and "no marks moderated yet" in none.output
    from quizzer.store import Store

    with Store(db_url) as store:
        bank = _load(bank_dir)
        scorer = Scorer(bank)
        kept = _answer(store, scorer, bank.get("T2"), "amy", RELU)
        accept(store, [_records(store)[kept]], "mr-ng", NOW)
        raised = _answer(store, scorer, bank.get("T1"), "ben", "I do not know")
        _moderate(store, _records(store)[raised], Decision(total=2))
    result = runner.invoke(cli, [*base, "--moderated", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: v for k, v in data.items() if k != "moderated"} == plain, "the --evaluate keys are unchanged"
    m = data["moderated"]
    assert (m["answers"], m["changed"], m["raised"], m["lowered"]) == (2, 1, 1, 0)
    assert m["exact_agreement"] == 0.5 and m["mean_change"] == 1.0 and m["mean_abs_change"] == 1.0
    assert list(m["questions"]) == ["T1", "T2"], "the question teachers changed comes first"
    assert m["questions"]["T1"]["criteria"]["relu-derivative"]["raised"] == 1
    text = runner.invoke(cli, [*base, "--moderated"]).output
    section = text[text.index("Teachers' marks beside the scorer's"):]
    assert section.index("T1") < section.index("T2") and "exact   50%" in section
    misuse = runner.invoke(cli, ["--db", db_url, "grade", "--moderated"])
    assert misuse.exit_code == 2


# --- the class report --------------------------------------------------------------


def _hostile_bank(tmp_path):
    question = minimal_question("T1", title=f"ReLU {HOSTILE}")
    question["rubric"][0]["description"] = f"ReLU's derivative {HOSTILE}"
    return write_bank(tmp_path / "bank", [question, minimal_question("T2")])


def test_the_class_report_shows_moderated_marks_and_agreement(store, tmp_path):
    bank = _load(_hostile_bank(tmp_path))
    scorer = Scorer(bank)
    plain = tmp_path / "before"
    _answer(store, scorer, bank.get("T1"), "amy", RELU)
    class_report(bank, store, plain, NOW)
    page = BeautifulSoup((plain / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find(id="moderation") is None, "no section before anything was moderated"
    records = list(_records(store).values())
    _moderate(store, records[0], Decision(total=0))
    exam = store.start_session("ben", kind="exam", mode="paper", seed=1, plan=[{"question_id": "T2"}],
                               settings={}, now=NOW).id
    other = _answer(store, scorer, bank.get("T2"), "ben", "nothing", session=exam)
    accept(store, [_records(store)[other]], "mr-ng", NOW)

    folder = tmp_path / "class"
    class_report(bank, store, folder, NOW)
    page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = page.find(id="moderation")
    assert section is not None
    card = next(c for c in page.select(".card") if "Moderated marks" in c.get_text())
    assert card.select_one(".big").get_text() == "2" and "50%" in card.get_text()
    rows = page.select("table.moderation tbody tr:not(.sub)")
    assert [r.find("strong").get_text() for r in rows] == ["T1", "T2"]
    cells = [td.get_text() for td in rows[0].find_all("td")[1:]]
    assert cells[:5] == ["1", "1", "0", "1", "0%"]
    assert page.find("img") is None and page.find("script") is None
    assert HOSTILE in page.get_text(), "the title and the criterion's words are shown as text"

    scoped = tmp_path / "exam"
    class_report(bank, store, scoped, NOW, session_id=exam)
    page = BeautifulSoup((scoped / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [r.find("strong").get_text() for r in page.select("table.moderation tbody tr:not(.sub)")] == ["T2"]


@needs_chromium
def test_the_moderation_section_is_drawn_safely_in_chromium(store, tmp_path):
    bank = _load(_hostile_bank(tmp_path))
    rid = _answer(store, Scorer(bank), bank.get("T1"), "amy", RELU)
    _moderate(store, _records(store)[rid], Decision(total=0))
    folder = tmp_path / "class"
    class_report(bank, store, folder, NOW, student_pages=False)
    dom = BeautifulSoup(chromium(tmp_path / "profile", "--dump-dom", (folder / "index.html").as_uri()).stdout,
                        "html.parser")
    assert dom.body.get("data-pwned") is None and dom.find("img") is None and dom.find("script") is None
    section = dom.find(id="moderation")
    assert section is not None and "1 mark checked by a teacher" in dom.get_text()
