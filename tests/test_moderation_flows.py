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
    assert f"{out}, row 4: new_mark: 2.5 is above the maximum of 2" in result.output
    assert f"{out}, row 5: new_mark: 0.25 is not in half marks" in result.output
    assert f"{out}, row 6: new_mark: 'lots' is not a mark" in result.output
    assert f"row {len(rows) + 2}: no stored answer has the id 99999" in result.output
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
    assert f"row 2: answer {rid} was marked" in result.output and "export again" in result.output
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


def _export(runner, url, out, *extra):
    result = runner.invoke(cli, ["--db", url, "moderate", "export", "--all", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return _sheet(out)


def test_export_never_writes_over_a_file_or_the_store_without_force(class_db, runner, tmp_path):
    out = tmp_path / "queue.csv"
    out.write_text("my filled sheet\n", encoding="utf-8")
    refused = runner.invoke(cli, ["--db", class_db, "moderate", "export", "--out", str(out)])
    assert refused.exit_code == 1 and "exists" in refused.output and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "my filled sheet\n"
    assert _export(runner, class_db, out, "--force")[0]["group"] == "G1"
    if class_db.startswith("sqlite"):
        store_file = class_db.removeprefix("sqlite:///")
        over = runner.invoke(cli, ["--db", class_db, "moderate", "export", "--force", "--out", store_file])
        assert over.exit_code == 1 and "is the progress store" in over.output
        assert len(_stored(class_db)) == sum(len(t) for t in ANSWERS.values()) * 2
    empty = runner.invoke(cli, ["--db", class_db, "moderate", "export", "--out", ""])
    assert empty.exit_code in (1, 2) and "Traceback" not in empty.output


def test_a_filter_that_names_nothing_stored_is_said_so_not_an_empty_queue(class_db, runner, tmp_path):
    result = runner.invoke(cli, ["--db", class_db, "moderate", "export", "--user", "nobdy", "--out",
                                 str(tmp_path / "q.csv")])
    assert result.exit_code == 1 and "No stored answers match --user nobdy" in result.output
    assert not (tmp_path / "q.csv").exists()


def test_a_sheet_from_another_store_or_with_copied_columns_is_refused(class_db, runner, tmp_path, db_url):
    out = tmp_path / "queue.csv"
    rows = _export(runner, class_db, out)
    before = _stored(class_db)
    stranger = dict(rows[0], users="x01, x02", new_mark="2")
    _write(out, [stranger])
    result = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)])
    assert result.exit_code == 1 and "exported from another store" in result.output
    words = dict(rows[0], answer="I do not know", new_mark="2")
    _write(out, [words])
    assert "not the one stored" in runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)]).output
    with out.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([*rows[0], "comment"])
        writer.writerow([*dict(rows[0], new_mark="2").values(), "my private note"])
    copied = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)])
    assert copied.exit_code == 1 and "more than one column named 'comment'" in copied.output
    assert _stored(class_db) == before


def test_two_filled_rows_marking_one_answer_are_both_refused_and_unfilled_rows_are_not_checked(
        class_db, runner, tmp_path):
    groups = _export(runner, class_db, tmp_path / "groups.csv")
    answers = _export(runner, class_db, tmp_path / "answers.csv", "--per-answer")
    group = next(r for r in groups if int(r["size"]) > 1)
    member = next(r for r in answers if r["response_ids"] == group["response_ids"].split()[0])
    stale = next(r for r in groups if r is not group)
    with Store(class_db) as store:  # someone marks another group after the export: its unfilled row is fine
        stored = store.responses(ids=[int(i) for i in stale["response_ids"].split()])
        commit(store, decide(stored, Decision(total=0.0 if stored[0].score else 1.0))[0], "other", NOW)
    out = tmp_path / "both.csv"
    _write(out, [dict(group, new_mark="2"), stale, dict(member, new_mark="0")])
    before = _stored(class_db)
    result = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)])
    assert result.exit_code == 1
    assert "row 2: it marks an answer that row 4 marks too" in result.output
    assert "row 4: it marks an answer that row 2 marks too" in result.output
    assert "row 3" not in result.output  # not filled in: not checked, not bad
    assert _stored(class_db) == before


def test_importing_a_sheet_twice_says_already_applied(class_db, runner, tmp_path):
    out = tmp_path / "queue.csv"
    rows = _export(runner, class_db, out)
    _write(out, [dict(rows[0], new_mark="2", comment="Good."), *rows[1:]])
    assert runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)]).exit_code == 0
    again = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)])
    assert again.exit_code == 0, again.output
    assert "1 row already applied" in again.output and "Applied 0 rows" in again.output


def test_a_semicolon_sheet_from_a_comma_decimal_spreadsheet_is_read(class_db, runner, tmp_path):
    out = tmp_path / "queue.csv"
    rows = _export(runner, class_db, out)
    target = dict(rows[0], new_mark="1,5")
    with out.open("w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(target), delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerow(target)
    result = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert {_stored(class_db)[int(i)].score for i in target["response_ids"].split()} == {1.5}


def test_a_stale_decision_never_replaces_another_teachers_and_undo_takes_back_only_its_own(class_db):
    from quizzer.errors import ChangedSince
    from quizzer.moderation.decisions import undo

    with Store(class_db) as store:
        shown = next(r for r in store.responses() if r.criteria and len(r.criteria) == 2 and r.score == 1)
        [c1, c2] = [c["id"] for c in shown.criteria]
        swapped = {c1: shown.criteria[1]["awarded"], c2: shown.criteria[0]["awarded"]}
        if swapped == {c["id"]: c["awarded"] for c in shown.criteria}:
            swapped = {c1: 1, c2: 0}
        [alice] = commit(store, decide([shown], Decision(criteria=swapped))[0], "alice", NOW)  # same total
        with pytest.raises(ChangedSince, match="moderated by alice"):
            commit(store, decide([shown], Decision(comment="fine"))[0], "bob", NOW)  # bob saw the old marks
        [now] = store.responses(ids=[shown.id])
        [bob] = commit(store, decide([now], Decision(total=2.0))[0], "bob", NOW)
        with pytest.raises(ChangedSince, match="moderated again since, by bob"):
            undo(store, [shown.id], NOW, expected={shown.id: alice})
        [after] = store.responses(ids=[shown.id])
        assert after.override_id == bob and after.score == 2


def test_options_before_the_subcommand_are_refused(class_db, runner, tmp_path):
    result = runner.invoke(cli, ["--db", class_db, "moderate", "--moderator", "Dr Bob", "history"])
    assert result.exit_code == 2 and "after the subcommand" in result.output
    sheet = tmp_path / "x.csv"
    sheet.write_text("question_id,new_mark,response_ids\n", encoding="utf-8")
    blank = runner.invoke(cli, ["--db", class_db, "moderate", "import", str(sheet), "--moderator", " "])
    assert blank.exit_code == 2 and "give a name of 1 to" in blank.output


@pytest.mark.parametrize("text", ["\u00a0=1+1", "\u3000=1+1", "  @SUM(A1)", "\t=1"])
def test_formula_cells_behind_any_space_are_defused(text):
    from quizzer.textfile import csv_cell

    assert csv_cell(text).startswith("'")


def test_stats_say_which_marks_a_teacher_set(class_db, runner):
    import json

    with Store(class_db) as store:
        answer = next(r for r in store.responses() if r.question_id == "Q3")
        commit(store, decide([answer], Decision(total=2.0))[0], "t", NOW)
    shown = json.loads(runner.invoke(cli, ["--db", class_db, "stats", "--user", answer.user, "--json"]).output)
    assert shown["moderated"] == 1 and shown["questions"]["Q3"]["moderated"] == 1
    text = runner.invoke(cli, ["--db", class_db, "stats", "--user", answer.user]).output
    assert "Marks set by a teacher: 1 answer (Q3)" in text
