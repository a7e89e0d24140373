"""``quizzer stats`` and ``quizzer regrade`` on real answers in a real database."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from quizzer.cli import cli

from .conftest import SHIPPED_BANK

ANSWER = 'A single perceptron computes a weighted sum plus bias, so its decision boundary is one straight line. XOR puts its positive points on opposite corners of the square, so no straight line separates the classes: XOR is not linearly separable, no weights exist, and training never converges however long it runs.'


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'progress.sqlite3'}"


def answer_quiz(runner, db, *args, stdin):
    result = runner.invoke(cli, ["--db", db, "quiz", "--user", "amara", "--no-numeric", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result


def test_stats_json_contract(runner, db, shipped_bank):
    answer_quiz(runner, db, "--questions", "Q1,Q7", "--seed", "1", stdin=f"{ANSWER}\n\n:skip\n")
    data = json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "amara", "--json"]).output)
    assert data["user"] == "amara" and data["responses"] == 2 and data["sessions"] == 1
    assert set(data["mastery"]) == set(shipped_bank.topics) & {t for q in shipped_bank for t in q.topics}
    assert data["mastery"]["linear-separability"] > 0
    assert data["mastery"]["dropout"] == 0
    assert data["questions"]["Q1"]["best"] == 1.0 and data["questions"]["Q7"]["latest"] == 0.0
    assert isinstance(data["due"], list)


def test_stats_for_people(runner, db, shipped_bank):
    empty = runner.invoke(cli, ["--db", db, "stats", "--user", "nobody"])
    assert "No answers yet" in empty.output
    answer_quiz(runner, db, "--questions", "Q1", "--seed", "1", stdin=f"{ANSWER}\n\n")
    text = runner.invoke(cli, ["--db", db, "stats", "--user", "amara"]).output
    assert "module 1" in text and "linear-separability" in text and "Due for review" in text


def test_regrade_after_a_rubric_edit(runner, db, shipped_bank, tmp_path):
    answer_quiz(runner, db, "--questions", "Q1", "--seed", "1", stdin="A single straight line is all it can draw.\n\n")
    bank = tmp_path / "bank"
    shutil.copytree(SHIPPED_BANK, bank)
    q1_file = bank / "module1" / "q1.yaml"
    q1 = yaml.safe_load(q1_file.read_text())
    # the teacher no longer accepts "straight line": only "hyperplane" evidences the criterion
    q1["rubric"][0].update(concepts=[["hyperplane"]], need=1, misconceptions=[])
    q1_file.write_text(yaml.safe_dump(q1, sort_keys=False))
    before = json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "amara", "--json"]).output)
    old_score = before["questions"]["Q1"]["latest"] * 2
    assert old_score > 0  # the shipped rubric credits the straight line

    dry = runner.invoke(cli, ["--db", db, "--bank", str(bank), "regrade", "--question", "Q1", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{old_score:g} -> 0 of 2" in dry.output and "Nothing was written" in dry.output

    applied = runner.invoke(cli, ["--db", db, "--bank", str(bank), "regrade"])
    assert applied.exit_code == 0 and "Old scores are kept" in applied.output
    after = json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "amara", "--json"]).output)
    assert after["questions"]["Q1"]["latest"] == 0.0
    from quizzer.store import Store

    with Store(db) as store:
        [response] = store.responses(user="amara")
        assert store.regrade_history(response.id)[0][:2] == (old_score, 0.0)
        assert response.content_hash != shipped_bank.get("Q1").content_hash
    again = runner.invoke(cli, ["--db", db, "--bank", str(bank), "regrade", "--dry-run"])
    assert "0 scores change" in again.output


def test_a_moderated_mark_shows_in_stats_survives_regrade_and_can_be_undone(runner, db, shipped_bank, tmp_path):
    from datetime import UTC, datetime

    from quizzer.moderation.decisions import Decision, commit, decide
    from quizzer.store import Store

    answer_quiz(runner, db, "--questions", "Q1", "--seed", "1", stdin="A single straight line is all it can draw.\n\n")
    with Store(db) as store:
        [response] = store.responses(user="amara")
        commit(store, decide([response], Decision(total=0.0, comment="Say why XOR fails."))[0], "mr-ng",
               datetime.now(UTC))
    after = json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "amara", "--json"]).output)
    assert after["questions"]["Q1"]["latest"] == 0.0  # stats read the teacher's mark
    history = runner.invoke(cli, ["--db", db, "moderate", "history"])
    assert history.exit_code == 0 and "by mr-ng" in history.output and "Say why XOR fails." in history.output
    regrade = runner.invoke(cli, ["--db", db, "regrade", "--all", "--dry-run"])
    assert "moderated mark 0 of 2 kept; the scorer would now give" in regrade.output
    runner.invoke(cli, ["--db", db, "regrade", "--all"])
    assert json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "amara", "--json"]).output)[
        "questions"]["Q1"]["latest"] == 0.0
    undone = runner.invoke(cli, ["--db", db, "moderate", "undo", str(response.id)])
    assert undone.exit_code == 0, undone.output
    restored = json.loads(runner.invoke(cli, ["--db", db, "stats", "--user", "amara", "--json"]).output)
    assert restored["questions"]["Q1"]["latest"] * 2 == response.score
    again = runner.invoke(cli, ["--db", db, "moderate", "undo", str(response.id)])
    assert again.exit_code == 1 and "no override to undo" in again.output and "Traceback" not in again.output
