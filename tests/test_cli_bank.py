"""``quizzer bank`` and the CLI's conventions: help everywhere, exit codes, JSON."""

from __future__ import annotations

import json

import click
import pytest

from quizzer.cli import cli

from .conftest import minimal_question, write_bank


def all_commands(group: click.Group, ctx: click.Context, prefix=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, ctx, prefix + (name,))


COMMANDS = list(all_commands(cli, click.Context(cli)))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help(runner, path, command):
    assert command.help, f"quizzer {' '.join(path)} has no help text"
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output


def test_bank_list_json_contract(runner, shipped_bank):
    result = runner.invoke(cli, ["bank", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == [f"Q{i}" for i in range(1, 21)]
    for row in rows:
        assert {"id", "module", "title", "topics", "marks", "prompt", "rubric", "variants"} <= set(row)
        assert row["marks"] == 2
        assert sum(c["marks"] for c in row["rubric"]) == 2
        assert all(set(c) == {"id", "marks", "description"} for c in row["rubric"])


def test_bank_list_filters_by_module_and_topic(runner, shipped_bank):
    module2 = json.loads(runner.invoke(cli, ["bank", "list", "--module", "2", "--json"]).output)
    assert [r["id"] for r in module2] == [f"Q{i}" for i in range(9, 21)]
    dropout = json.loads(runner.invoke(cli, ["bank", "list", "--topic", "dropout", "--json"]).output)
    assert dropout and all("dropout" in r["topics"] for r in dropout)


def test_bank_list_unknown_topic_is_misuse(runner, shipped_bank):
    result = runner.invoke(cli, ["bank", "list", "--topic", "regularisation"])
    assert result.exit_code == 2
    assert "unknown topic 'regularisation'" in result.output


def test_bank_list_table_for_people(runner, shipped_bank):
    result = runner.invoke(cli, ["bank", "list", "--module", "1"])
    assert result.exit_code == 0
    assert "Q8" in result.output and "Q9" not in result.output
    assert "8 questions, 16 marks" in result.output


def test_bank_show_renders_everything_a_teacher_needs(runner, shipped_bank):
    result = runner.invoke(cli, ["bank", "show", "q7"])
    assert result.exit_code == 0, result.output
    q7 = shipped_bank.get("Q7")
    for expected in ("Rubric", "Model answer", "Key idea", "Analogy", "Common pitfall", q7.rubric[0].id):
        assert expected in result.output
    assert "10-layer" in result.output


def test_bank_show_json_has_the_full_question(runner, shipped_bank):
    data = json.loads(runner.invoke(cli, ["bank", "show", "Q14", "--json"]).output)
    assert data["id"] == "Q14"
    assert data["model_answer"] and data["explanation"]["analogy"]
    assert data["rubric"][0]["concepts"] and len(data["samples"]) >= 8
    assert "momentum_velocity" in data["variants"]


def test_bank_show_json_lists_each_comparison_of_a_question(runner, shipped_bank):
    """Q16 compares Adam with SGD and, inside Adam, its first moment with its second:
    ``roles`` keeps every role's words, ``role_groups`` says which are compared."""
    data = json.loads(runner.invoke(cli, ["bank", "show", "Q16", "--json"]).output)
    assert {"adam", "sgd", "first-moment", "second-moment"} <= set(data["roles"])
    assert sorted(map(sorted, data["role_groups"])) == [["adam", "sgd"], ["first-moment", "second-moment"]]
    scaling = next(c for c in data["rubric"] if c["id"] == "per-parameter-scaling")
    assert scaling["about"][0] == "second-moment" and scaling["also_about"][0] == "adam"


def test_bank_show_unknown_question_exits_1(runner, shipped_bank):
    result = runner.invoke(cli, ["bank", "show", "Q99"])
    assert result.exit_code == 1
    assert "No question 'Q99'" in result.output
    assert "Traceback" not in result.output


def test_validate_shipped_bank(runner, shipped_bank):
    result = runner.invoke(cli, ["bank", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 20 questions (20 with rubrics")


def test_validate_broken_bank_lists_every_problem(runner, tmp_path):
    bad = minimal_question("T1", marks=3)
    worse = minimal_question("T2", topics=["nonsense"])
    folder = write_bank(tmp_path / "bank", [bad, worse])
    result = runner.invoke(cli, ["bank", "validate", str(folder)])
    assert result.exit_code == 1
    assert "2 problems" in result.output
    assert "t1.yaml" in result.output and "rubric" in result.output
    assert "t2.yaml" in result.output and "unknown topic 'nonsense'" in result.output
    assert "Traceback" not in result.output


def test_bank_option_and_environment_precedence(runner, tmp_path, monkeypatch):
    env_bank = write_bank(tmp_path / "env", [minimal_question("E1")])
    opt_bank = write_bank(tmp_path / "opt", [minimal_question("O1")])
    monkeypatch.setenv("QUIZZER_BANK", str(env_bank))
    from_env = json.loads(runner.invoke(cli, ["bank", "list", "--json"]).output)
    from_opt = json.loads(runner.invoke(cli, ["--bank", str(opt_bank), "bank", "list", "--json"]).output)
    assert [r["id"] for r in from_env] == ["E1"]
    assert [r["id"] for r in from_opt] == ["O1"]


def test_a_broken_bank_stops_other_commands_with_a_message(runner, tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1", marks="two")])
    result = runner.invoke(cli, ["--bank", str(folder), "bank", "list"])
    assert result.exit_code == 1
    assert "t1.yaml" in result.output and "marks" in result.output
    assert "Traceback" not in result.output


def test_validate_names_a_duplicate_key_and_an_alias(runner, tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    (folder / "dup.yaml").write_text("id: D1\nprompt: Why?\nprompt: Why not?\nmodel_answer: Because.\nmarks: 2\n")
    (folder / "alias.yaml").write_text("id: A1\nprompt: &p Why?\nmodel_answer: *p\nmarks: 2\n")
    result = runner.invoke(cli, ["bank", "validate", str(folder)])
    assert result.exit_code == 1
    assert "dup.yaml:3: key 'prompt' appears twice (first on line 2); keep one" in result.output
    assert "alias.yaml:2: anchors and aliases" in result.output and "write the value out" in result.output
    assert "Traceback" not in result.output
