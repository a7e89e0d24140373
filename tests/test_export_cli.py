"""``quizzer export`` end to end: files written, the seed, the filters, and clear messages."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from quizzer.cli import cli

from .conftest import minimal_question, write_bank


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("fmt,name", [("moodle", "bank.xml"), ("qti", "bank.zip"), ("gift", "bank.txt")])
def test_each_format_is_written_and_summarised(runner, tmp_path, fmt, name):
    out = tmp_path / "out" / name
    result = run(runner, "export", fmt, "--out", out, "--questions", "Q7,Q1", "--variants", "2", "--seed", "42")
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 2 essay questions and 10 numeric variants of 5 families, seed 42." in result.stdout
    data = out.read_bytes()
    if fmt == "moodle":
        names = [q.findtext("name/text") for q in ET.fromstring(data).findall("question")]
        assert names[1].startswith("Q7 essay") and names[3].startswith("Q1 essay")  # the order asked for
    elif fmt == "qti":
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    else:
        assert data.startswith(b"// Exported by Quizzer") and "Q7 sigmoid_chain seed" in data.decode()
        assert "Note: GIFT cannot hold answers of several numbers; left out perceptron_update" in result.stderr
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_same_seed_writes_identical_files_and_the_default_seed_is_printed(runner, tmp_path):
    first, second, third = (tmp_path / n for n in ("a.xml", "b.xml", "c.xml"))
    assert run(runner, "export", "moodle", "--out", first, "--module", "2", "--seed", "9").exit_code == 0
    assert run(runner, "export", "moodle", "--out", second, "--module", "2", "--seed", "9").exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    result = run(runner, "export", "moodle", "--out", third, "--module", "2")
    seed = re.search(r"seed (\d+)\.", result.stdout).group(1)
    again = tmp_path / "d.xml"
    assert run(runner, "export", "moodle", "--out", again, "--module", "2", "--seed", seed).exit_code == 0
    assert third.read_bytes() == again.read_bytes()


def test_variants_zero_exports_the_short_answer_questions_only(runner, tmp_path):
    out = tmp_path / "essays.xml"
    result = run(runner, "export", "moodle", "--out", out, "--topic", "vanishing-gradients", "--variants", "0")
    assert result.exit_code == 0, result.output
    kinds = {q.get("type") for q in ET.fromstring(out.read_bytes()).findall("question")}
    assert kinds == {"category", "essay"}


def test_a_family_that_runs_out_of_distinct_variants_is_said(runner, tmp_path):
    bank = write_bank(tmp_path / "bank", [minimal_question("T1", variants=["he_normal_std"])])
    result = run(runner, "--bank", bank, "export", "moodle", "--out", tmp_path / "x.xml", "--variants", "600",
                 "--seed", "1")
    assert result.exit_code == 0, result.output
    assert re.search(r"Note: he_normal_std has only \d+ distinct variants \(asked for 600\)", result.stderr)


@pytest.mark.parametrize("args,message", [
    (["--questions", "Q1,Q99"], "No question Q99 in the bank"),
    (["--topic", "no-such-topic"], "Unknown topic 'no-such-topic'"),
    (["--module", "9"], "No question matches the filters given"),
])
def test_bad_filters_are_named_without_a_traceback(runner, tmp_path, args, message):
    out = tmp_path / "x.xml"
    result = run(runner, "export", "moodle", "--out", out, *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_an_out_path_that_cannot_be_a_file_is_refused_clearly(runner, tmp_path):
    result = run(runner, "export", "gift", "--out", tmp_path)
    assert result.exit_code == 1 and "is a folder; --out names the file to write" in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(runner, "export", "gift", "--out", blocker / "bank.txt")
    assert result.exit_code == 1 and "is a file, not a folder" in result.stderr


def test_a_folder_that_cannot_be_made_is_a_message_not_a_traceback(runner):
    result = run(runner, "export", "moodle", "--out", "/proc/quizzer-export-test/bank.xml", "--variants", "0")
    assert result.exit_code == 1
    assert "Cannot write /proc/quizzer-export-test/bank.xml" in result.stderr and "Traceback" not in result.output


def test_an_unknown_format_is_a_usage_error(runner, tmp_path):
    result = run(runner, "export", "blackboard", "--out", tmp_path / "x")
    assert result.exit_code == 2 and "moodle" in result.stderr
