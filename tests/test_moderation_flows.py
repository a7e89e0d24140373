"""The two ways a teacher moderates: ``quizzer moderate`` in a pseudo-terminal and
the spreadsheet round trip (``moderate export`` / ``moderate import``) through
the CLI, each on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import csv
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pexpect
import pytest

from quizzer.cli import cli
from quizzer.errors import QuizzerError
from quizzer.moderation.decisions import Decision, commit, decide
from quizzer.store import NewResponse, Store, confidence_of
from quizzer.terminal.moderate import read_marks

QUIZZER = str(Path(sys.executable).with_name("quizzer"))
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROMPT = r"\] > "
STYLE = r"(?:\x1b\[[0-9;]*m)*"  # a terminal gets bold text even with NO_COLOR

# Two copies of each answer (a class copies), so that most groups have several members.
ANSWERS = {"Q1": ["XOR is not linearly separable", "a perceptron draws one straight line and XOR needs two",
                  "XOR is linearly separable", "=HYPERLINK(\"http://x\") banana"],
           "Q3": ["stacking linear layers collapses into one linear layer", "it is still linear so depth adds nothing"]}


@pytest.fixture(scope="module")
def scorer(shipped_bank):
    from quizzer.scoring import Scorer

    return Scorer(shipped_bank)


@pytest.fixture
def class_db(db_url, shipped_bank, scorer):
    """A store holding a class's practice answers, two students per wording."""
    with Store(db_url) as store:
        n = 0
        for qid, texts in ANSWERS.items():
            question = shipped_bank.get(qid)
            for text in texts:
                for _copy in range(2):
                    n += 1
                    session = store.start_session(f"s{n:02d}", kind="quiz", mode="practice", seed=1,
                                                  plan=[{"question_id": qid}], settings={}, now=NOW)
                    result = scorer.grade(question, text)
                    store.record(session.id, NewResponse(
                        0, qid, question.content_hash, text, result.score, result.max,
                        [c.to_json() for c in result.criteria], result.feedback, **confidence_of(result)), NOW)
    return db_url


def _stored(url):
    with Store(url) as store:
        return {r.id: r for r in store.responses()}


def _sheet(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# the terminal ------------------------------------------------------------------

def test_the_terminal_flow_accepts_sets_comments_splits_skips_and_undoes(class_db, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZZER", "XDG_"))}
    env.update(NO_COLOR="1", HOME=str(tmp_path), QUIZZER_INSTANCE=str(tmp_path / "instance"))
    before = _stored(class_db)
    child = pexpect.spawn(QUIZZER, ["--db", class_db, "moderate", "--all", "--moderator", "ms-okafor"], env=env,
                          encoding="utf-8", timeout=60, dimensions=(50, 140))
    child.expect(rf"Review queue{STYLE}: (\d+) groups, (\d+) answers")
    groups, answers = int(child.match.group(1)), int(child.match.group(2))
    assert answers == len(before)
    child.expect(rf"G1: (Q\d+), (\d+) answers  \(0 of {groups} groups, 0 of {answers} answers done\)")
    first_size = int(child.match.group(2))
    child.expect(PROMPT)
    child.sendline("c")
    child.expect("Comment for the students")
    child.sendline("Name the reason, not only the fact.")
    child.expect(PROMPT)
    child.sendline("s")
    child.expect("Marks")
    child.sendline("2.5")  # above the maximum: refused, nothing recorded
    child.expect("above the maximum of 2")
    child.expect(PROMPT)
    child.sendline("s")
    child.expect("Marks")
    child.sendline("1.5")
    child.expect(f"Set to 1.5 for {first_size} answers with the comment")
    child.expect(rf"G2: Q\d+, \d+ answers?  \(1 of {groups} groups, {first_size} of {answers} answers done\)")
    child.expect(PROMPT)
    child.sendline("p")
    child.expect("Answers to split off")
    child.sendline("1")
    child.expect(r"Split 1 answer off into (G\d+)")
    split_label = child.match.group(1)
    child.expect(PROMPT)
    child.sendline("a")
    child.expect("Accepted for 1 answer")
    child.expect(rf"{split_label}: ")  # the answer split off is next
    child.expect(PROMPT)
    child.sendline("u")  # takes back the accept of G2
    child.expect(r"Undid the last decision \(1 answer")
    child.expect(PROMPT)
    child.sendline("n")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(r"Decided 1 group")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    after = _stored(class_db)
    changed = [r for r in after.values() if r.moderated]
    assert len(changed) == first_size
    assert {r.score for r in changed} == {1.5} and {r.comment for r in changed} == {
        "Name the reason, not only the fact."}
    assert all(sum(float(c["awarded"]) for c in r.criteria) == 1.5 for r in changed)  # the total split over criteria
    untouched = [r for r in after.values() if not r.moderated]
    assert all(r.score == before[r.id].score for r in untouched)  # the undone accept left no trace on the mark
    with Store(class_db) as store:
        overrides = store.overrides(active_only=False)
    assert {o.moderator for o in overrides} == {"ms-okafor"}
    assert sum(1 for o in overrides if o.undone_at is not None) == 1


def test_the_terminal_flow_says_when_there_is_nothing_to_review(db_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZZER", "XDG_"))}
    env.update(NO_COLOR="1", HOME=str(tmp_path), QUIZZER_INSTANCE=str(tmp_path / "instance"))
    child = pexpect.spawn(QUIZZER, ["--db", db_url, "moderate"], env=env, encoding="utf-8", timeout=60)
    child.expect("Nothing to review")
    child.expect(pexpect.EOF)


@pytest.mark.parametrize(("text", "total", "criteria"), [
    ("1.5", 1.5, None), ("1,5", 1.5, None), ("bias=1 xor=0.5", None, {"bias": "1", "xor": "0.5"}),
    ("bias=1, xor=0", None, {"bias": "1", "xor": "0"})])
def test_typed_marks_are_a_total_or_marks_per_criterion(text, total, criteria):
    decision = read_marks(text)
    assert decision.total == total and (dict(decision.criteria) if decision.criteria else None) == criteria


@pytest.mark.parametrize("text", ["", "lots", "bias=", "=1", "bias 1"])
def test_typed_marks_that_say_nothing_clear_are_refused(text):
    with pytest.raises(QuizzerError):
        read_marks(text)


# the spreadsheet -----------------------------------------------------------------

def test_export_writes_one_row_per_group_with_the_contract_columns(class_db, runner, tmp_path, shipped_bank):
    out = tmp_path / "queue.csv"
    result = runner.invoke(cli, ["--db", class_db, "moderate", "export", "--all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _sheet(out)
    header = list(rows[0])
    assert header[:8] == ["group", "question_id", "size", "answer", "mark", "max", "new_mark", "comment"]
    for qid in ANSWERS:
        for criterion in shipped_bank.get(qid).rubric:
            assert header.index(f"new_mark:{criterion.id}") == header.index(f"mark:{criterion.id}") + 1
    assert sum(int(r["size"]) for r in rows) == len(_stored(class_db))
    assert all(r["new_mark"] == "" and r["comment"] == "" for r in rows)
    assert all(len(r["response_ids"].split()) == int(r["size"]) == len(r["marks"].split()) for r in rows)
    formula = next(r for r in rows if "HYPERLINK" in r["answer"])
    assert formula["answer"].startswith("'=")  # defused: a spreadsheet shows it, never runs it
    per_answer = tmp_path / "answers.csv"
    runner.invoke(cli, ["--db", class_db, "moderate", "export", "--all", "--per-answer", "--out", str(per_answer)])
    assert [r["size"] for r in _sheet(per_answer)] == ["1"] * len(_stored(class_db))


def test_import_applies_the_good_rows_names_the_bad_and_changes_nothing_for_them(class_db, runner, tmp_path):
    out = tmp_path / "queue.csv"
    runner.invoke(cli, ["--db", class_db, "moderate", "export", "--all", "--out", str(out)])
    rows = _sheet(out)
    good_total, good_criterion, *rest = rows
    good_total.update(new_mark="2", comment="Full marks: the reason is there.")
    criterion = next(k for k in good_criterion if k.startswith("new_mark:") and
                     good_criterion["mark:" + k.split(":", 1)[1]] != "")
    good_criterion[criterion] = "0"
    bad = {"above": "2.5", "quarter": "0.25", "word": "lots"}
    for row, (kind, mark) in zip(rest, bad.items(), strict=False):
        row.update(new_mark=mark, comment=kind)
    unknown = dict(rest[-1], response_ids="99999", new_mark="1")
    _write(out, [*rows, unknown])
    before = _stored(class_db)

    dry = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out), "--dry-run"])
    assert dry.exit_code == 1 and "nothing was written" in dry.output
    assert _stored(class_db) == before

    result = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out), "--moderator", "mr-ng"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{out}, line 4: new_mark: 2.5 is above the maximum of 2" in result.output
    assert f"{out}, line 5: new_mark: 0.25 is not in half marks" in result.output
    assert f"{out}, line 6: new_mark: 'lots' is not a mark" in result.output
    assert f"line {len(rows) + 2}: no stored answer has the id 99999" in result.output
    assert "Applied 2 rows" in result.output
    after = _stored(class_db)
    for rid in map(int, good_total["response_ids"].split()):
        assert after[rid].score == 2 and after[rid].moderated and after[rid].comment.startswith("Full marks")
    for rid in map(int, good_criterion["response_ids"].split()):
        kept = {c["id"]: c["awarded"] for c in after[rid].criteria}
        assert kept[criterion.split(":", 1)[1]] == 0 and after[rid].moderated
    for row in rest[:3]:
        for rid in map(int, row["response_ids"].split()):
            assert after[rid] == before[rid]  # a bad row changes nothing

    regraded = runner.invoke(cli, ["--db", class_db, "regrade", "--all"])
    assert regraded.exit_code == 0, regraded.output
    assert all(_stored(class_db)[rid].score == 2 for rid in map(int, good_total["response_ids"].split()))


def test_import_refuses_a_row_whose_answers_were_re_marked_since_the_export(class_db, runner, tmp_path):
    out = tmp_path / "queue.csv"
    runner.invoke(cli, ["--db", class_db, "moderate", "export", "--all", "--out", str(out)])
    rows = _sheet(out)
    target = rows[0]
    rid = int(target["response_ids"].split()[0])
    with Store(class_db) as store:
        [response] = store.responses(ids=[rid])
        other = 0.0 if response.score else 1.0
        commit(store, decide([response], Decision(total=other))[0], "another-teacher", NOW)
    target["new_mark"] = "2"
    _write(out, rows)
    result = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)])
    assert result.exit_code == 1
    assert f"line 2: answer {rid} was marked" in result.output and "export again" in result.output
    assert _stored(class_db)[rid].score == other  # the other teacher's mark stands


def test_a_sheet_without_the_id_column_is_a_clear_error(class_db, runner, tmp_path):
    sheet = tmp_path / "mine.csv"
    sheet.write_text("group,question_id,new_mark\nG1,Q1,2\n", encoding="utf-8")
    result = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(sheet)])
    assert result.exit_code == 1
    assert "has no column 'response_ids'" in result.output and "Traceback" not in result.output


def test_filters_before_the_subcommand_are_refused_not_ignored(class_db, runner, tmp_path):
    out = tmp_path / "queue.csv"
    result = runner.invoke(cli, ["--db", class_db, "moderate", "--question", "Q1", "export", "--out", str(out)])
    assert result.exit_code == 2 and "after the subcommand" in result.output
    assert not out.exists()
