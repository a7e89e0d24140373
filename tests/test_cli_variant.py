"""``quizzer variant``: the JSON contracts, readable output, and exit codes 0 and 2."""

from __future__ import annotations

import json

import pytest

from quizzer.cli import cli
from quizzer.variants import family_ids, generate

from .conftest import minimal_question, write_bank

SHOW_KEYS = {"family", "question_id", "seed", "params", "prompt", "answer", "tolerance", "solution"}
CHECK_KEYS = {"correct", "score", "max", "expected", "parsed", "feedback"}


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_list_json_is_every_family_with_its_home_question(runner):
    result = run(runner, "variant", "list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == family_ids() and len(rows) == 42
    assert all(set(r) == {"id", "question_id", "title", "answer_type"} for r in rows)
    homes = {r["id"]: r["question_id"] for r in rows}
    assert homes["sigmoid_chain"] == "Q5" and homes["updates_per_epoch"] == "Q13"


def test_list_for_one_question(runner, tmp_path):
    bank = write_bank(tmp_path / "bank", [minimal_question("T1")])
    result = run(runner, "--bank", str(bank), "variant", "list", "--question", "Q14", "--json")
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.output)] == ["momentum_velocity", "momentum_effective_step"]


def test_list_for_a_question_adds_the_families_the_bank_lists_for_it(runner, tmp_path):
    q7 = minimal_question("Q7", variants=["gradient_decay", "layers_to_vanish", "sigmoid_chain"])
    bank = write_bank(tmp_path / "bank", [q7])
    rows = json.loads(run(runner, "--bank", str(bank), "variant", "list", "--question", "Q7", "--json").output)
    assert {r["id"] for r in rows} == {"gradient_decay", "layers_to_vanish", "sigmoid_chain"}
    assert next(r for r in rows if r["id"] == "sigmoid_chain")["question_id"] == "Q5"


def test_list_is_readable_without_json(runner, tmp_path):
    bank = write_bank(tmp_path / "bank", [minimal_question("T1")])
    result = run(runner, "--bank", str(bank), "variant", "list", "--question", "Q16")
    assert result.exit_code == 0
    assert "adam_steps" in result.output and "Q16" in result.output and "number" in result.output


@pytest.mark.parametrize("family", family_ids())
def test_show_json_contract_for_every_family(runner, family):
    result = run(runner, "variant", "show", family, "--seed", "12345", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) == SHOW_KEYS
    variant = generate(family, 12345)
    assert data["family"] == family and data["seed"] == 12345 and data["question_id"] == variant.question_id
    assert data["answer"] == variant.answer and data["params"] == variant.params
    assert set(data["tolerance"]) == {"rel", "abs"} and data["solution"] == list(variant.solution)


def test_show_is_readable(runner):
    result = run(runner, "variant", "show", "gradient_decay", "--seed", "4")
    variant = generate("gradient_decay", 4)
    assert result.exit_code == 0
    assert variant.prompt in result.output
    assert "Answer:" in result.output and "Worked solution:" in result.output
    assert variant.solution[0] in result.output


@pytest.mark.parametrize("family", ["adam_steps", "l1_step", "dense_param_count", "early_stopping",
                                    "generalization_gap"])
def test_check_json_contract(runner, family):
    variant = generate(family, 9)
    answer = json.dumps(variant.answer)
    data = json.loads(run(runner, "variant", "check", family, "--seed", "9", "--answer", answer, "--json").output)
    assert set(data) == CHECK_KEYS
    assert data["correct"] is True and data["score"] == data["max"] == 1.0 and data["expected"] == variant.answer


def test_check_json_for_a_wrong_answer_names_the_mistake(runner):
    from quizzer.variants import get_family

    variant = generate("adam_steps", 2)
    wrong = next(m.value for m in get_family("adam_steps").mistakes(variant.params)
                 if m.name == "adam-no-bias-correction")
    result = run(runner, "variant", "check", "adam_steps", "--seed", "2", "--answer", repr(wrong), "--json")
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["correct"] is False and data["score"] == 0
    assert "bias correction" in data["feedback"]


def test_unreadable_answer_gives_error_json_and_exit_0(runner):
    result = run(runner, "variant", "check", "he_normal_std", "--seed", "1", "--answer", "__import__('os')", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data == {"correct": False, "error": data["error"]}
    assert data["error"].startswith("Could not read your answer (")


def test_check_is_readable(runner):
    variant = generate("updates_per_epoch", 3)
    good = run(runner, "variant", "check", "updates_per_epoch", "--seed", "3", "--answer", str(variant.answer))
    assert good.exit_code == 0 and good.output.startswith("Correct (1/1 marks)")
    bad = run(runner, "variant", "check", "updates_per_epoch", "--seed", "3", "--answer", "1/0")
    assert bad.exit_code == 0 and bad.output.startswith("Could not read your answer (it divides by zero)")
    wrong = run(runner, "variant", "check", "updates_per_epoch", "--seed", "3", "--answer", str(variant.answer + 5))
    assert wrong.output.startswith("Not right (0/1 marks)")


def test_partial_credit_is_shown(runner):
    variant = generate("clip_by_value", 5)
    typed = [*variant.answer[:-1], variant.answer[-1] + 10]
    result = run(runner, "variant", "check", "clip_by_value", "--seed", "5", "--answer", json.dumps(typed))
    assert result.output.startswith("Partly right (") and "numbers are right" in result.output


@pytest.mark.parametrize("args", [
    ("variant", "show", "no_such_family", "--seed", "1"),
    ("variant", "show", "adam_steps"),
    ("variant", "show", "adam_steps", "--seed", "-1"),
    ("variant", "show", "adam_steps", "--seed", "abc"),
    ("variant", "check", "adam_steps", "--seed", "1"),
    ("variant", "check", "no_such_family", "--seed", "1", "--answer", "1"),
    ("variant", "frobnicate"),
])
def test_misuse_exits_2(runner, args):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 2, result.output


def test_unknown_family_message_points_to_the_list(runner):
    result = runner.invoke(cli, ["variant", "show", "nope", "--seed", "1"])
    assert "no variant family 'nope'" in result.output and "quizzer variant list" in result.output
