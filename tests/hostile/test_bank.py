"""A bank file is text someone else may have written: each attack on the loader is
refused at once, with the file and line and what to do, never a slow run, a full
memory or a traceback.

The alias bomb and the oversized files are built in ``tmp_path``. The bomb runs in
a child process with a memory and time cap, so a regression fails this test instead
of taking the machine down with it.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from quizzer.bank import load_bank
from quizzer.bank.graded import read_graded_set
from quizzer.errors import BankError, QuizzerError
from quizzer.limits import (
    MAX_BANK_BYTES,
    MAX_BANK_FILE_BYTES,
    MAX_BANK_FILES,
    MAX_SAMPLES,
    MAX_YAML_NODES,
)

from ..conftest import minimal_question, write_bank

QUIZZER = Path(sys.executable).with_name("quizzer")


def alias_bomb(levels: int = 9) -> str:
    """The classic "billion laughs": each level a list of nine references to the one
    before, 9**9 (387 million) strings once expanded, in about 340 bytes."""
    names = "abcdefghi"[:levels]
    lines = [f"{names[0]}: &{names[0]} [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for before, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [{','.join([f'*{before}'] * 9)}]")
    return "\n".join(lines) + "\n"


def refusal(path: Path, **kwargs) -> BankError:
    with pytest.raises(BankError) as caught:
        load_bank(path, **kwargs)
    return caught.value


def bank_with(tmp_path: Path, name: str, text: str | bytes) -> Path:
    """A valid one-question bank plus one extra file holding ``text``."""
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    target = folder / name
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return folder


def question_text(**overrides) -> str:
    return yaml.safe_dump(minimal_question("T2", **overrides), sort_keys=False)


def cap_memory() -> None:
    """In a child process: at most 2 GB of memory, so a regression fails, not the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def run_capped(code: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """Run ``code`` in a child Python with ``cap_memory`` and ``timeout`` seconds."""
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=cap_memory, cwd=Path(__file__).resolve().parents[2])


# -- item 6: aliases, sizes, counts -------------------------------------------------

def test_the_alias_bomb_is_refused_in_well_under_a_second(tmp_path):
    folder = bank_with(tmp_path, "bomb.yaml", alias_bomb())
    assert (folder / "bomb.yaml").stat().st_size <= 350
    code = ("import json, time; from pathlib import Path; from quizzer.bank import load_bank\n"
            "from quizzer.errors import BankError\n"
            "start = time.perf_counter()\n"
            f"try:\n    load_bank(Path({str(folder)!r}))\n    print(json.dumps(['loaded']))\n"
            "except BankError as e:\n"
            "    print(json.dumps([time.perf_counter() - start, [str(p) for p in e.problems]]))\n")
    result = run_capped(code)
    assert result.returncode == 0, result.stderr[-2000:]
    elapsed, problems = json.loads(result.stdout)
    assert elapsed < 0.5
    [problem] = problems
    assert "bomb.yaml:1:" in problem
    assert "alias" in problem and "write the value out" in problem


@pytest.mark.parametrize("command", [["bank", "validate"], ["bank", "list"], ["quiz", "--user", "eve", "--count", "1"]])
def test_the_alias_bomb_stops_every_command_with_a_message(tmp_path, command):
    folder = bank_with(tmp_path, "bomb.yaml", alias_bomb())
    env = {**os.environ, "QUIZZER_BANK": str(folder), "QUIZZER_DB": str(tmp_path / "q.sqlite3")}
    start = time.perf_counter()
    result = subprocess.run([str(QUIZZER), *command], check=False, capture_output=True, text=True, timeout=30, env=env,
                            input="", cwd=tmp_path, preexec_fn=cap_memory)
    assert time.perf_counter() - start < 10
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "bomb.yaml:1" in output and "alias" in output
    assert "Traceback" not in output


def test_an_anchor_alone_is_refused_with_its_line(tmp_path):
    text = question_text().replace("marks: 2\n", "marks: &m 2\n", 1)
    folder = bank_with(tmp_path, "t2.yaml", text)
    line = text.splitlines().index("marks: &m 2") + 1
    [problem] = refusal(folder).problems
    assert problem.file.name == "t2.yaml" and problem.line == line
    assert "anchor" in problem.message and "write the value out" in problem.message


def test_an_alias_in_topics_yaml_is_refused(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    (folder / "topics.yaml").write_text("activation-functions: &d ReLU\nregularization: *d\n")
    [problem] = refusal(folder).problems
    assert problem.file.name == "topics.yaml" and problem.line == 1


def test_a_50_mb_file_with_700000_samples_is_refused_before_it_is_read(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    head = yaml.safe_dump({k: v for k, v in minimal_question("B1").items() if k != "samples"}, sort_keys=False)
    sample = "  - {text: 'ReLU keeps the gradient at one, so it trains fast.', score: 1, kind: partial}\n"
    big = folder / "big.yaml"
    with big.open("w", encoding="utf-8") as handle:
        handle.write(head + "samples:\n")
        handle.write(sample * 700_000)
    assert big.stat().st_size > 50_000_000
    start = time.perf_counter()
    [problem] = refusal(folder).problems
    assert time.perf_counter() - start < 0.5
    assert problem.file == big
    assert "MB" in problem.message and f"{MAX_BANK_FILE_BYTES / 1e6:g} MB" in problem.message


def test_a_bank_too_big_in_total_is_refused_before_any_file_is_read(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    count = MAX_BANK_BYTES // MAX_BANK_FILE_BYTES + 1
    for index in range(count):
        with (folder / f"filler{index}.yaml").open("wb") as handle:
            handle.truncate(MAX_BANK_FILE_BYTES)  # sparse: the size is real, the disk is not used
    start = time.perf_counter()
    [problem] = refusal(folder).problems
    assert time.perf_counter() - start < 0.5
    assert problem.file == folder and "MB" in problem.message


def test_a_bank_with_too_many_files_is_refused(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    for index in range(MAX_BANK_FILES):
        (folder / f"extra{index}.yaml").write_text("")
    [problem] = refusal(folder).problems
    assert problem.file == folder and f"{MAX_BANK_FILES:,}" in problem.message


def test_a_file_with_too_many_values_is_refused_with_its_line(tmp_path):
    values = ", ".join(["0"] * (MAX_YAML_NODES + 1))
    folder = bank_with(tmp_path, "wide.yaml", f"id: W1\nprompt: wide\nvariants: [{values}]\n")
    assert (folder / "wide.yaml").stat().st_size < MAX_BANK_FILE_BYTES
    start = time.perf_counter()
    [problem] = refusal(folder).problems
    assert time.perf_counter() - start < 3
    assert problem.file.name == "wide.yaml" and problem.line == 3
    assert f"{MAX_YAML_NODES:,}" in problem.message


def test_too_many_samples_on_one_question(tmp_path):
    samples = [{"text": f"ReLU keeps gradient {i}.", "score": 1, "kind": "partial"} for i in range(MAX_SAMPLES + 1)]
    folder = bank_with(tmp_path, "t2.yaml", question_text(samples=samples))
    [problem] = refusal(folder).problems
    assert problem.field == "samples" and problem.line is not None
    assert f"{MAX_SAMPLES}" in problem.message


def test_a_graded_set_cannot_hold_an_alias_bomb(tmp_path):
    graded = tmp_path / "set"
    graded.mkdir()
    (graded / "calibration.yaml").write_text(alias_bomb())
    (graded / "test.yaml").write_text("answers: []\n")
    start = time.perf_counter()
    with pytest.raises(QuizzerError) as caught:
        read_graded_set(graded)
    assert time.perf_counter() - start < 0.5
    assert "calibration.yaml:1" in str(caught.value) and "alias" in str(caught.value)


def test_a_graded_set_file_too_big_is_refused_before_reading(tmp_path):
    graded = tmp_path / "set"
    graded.mkdir()
    with (graded / "calibration.yaml").open("wb") as handle:
        handle.truncate(200_000_000)
    (graded / "test.yaml").write_text("answers: []\n")
    with pytest.raises(QuizzerError) as caught:
        read_graded_set(graded)
    assert "calibration.yaml" in str(caught.value) and "MB" in str(caught.value)


# -- item 7: numbers that overflow ---------------------------------------------------

@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e+308", "1.0e+400", "100.5", "1000", "1" + "0" * 400,
                                   "0.25", "0"])
def test_question_marks_must_be_finite_and_sane(tmp_path, value):
    text = question_text().replace("marks: 2\n", f"marks: {value}\n", 1)
    [problem, *_] = refusal(bank_with(tmp_path, "t2.yaml", text)).problems
    assert problem.field == "marks" and problem.line is not None
    assert "0.5 to 100" in problem.message


@pytest.mark.parametrize("where", ["criterion", "sample"])
def test_criterion_marks_and_sample_scores_must_be_finite(tmp_path, where):
    q = minimal_question("T2")
    if where == "criterion":
        q["rubric"][0]["marks"] = float("inf")
        field = "rubric[0].marks"
    else:
        q["samples"][0]["score"] = 1e308
        field = "samples[0].score"
    folder = bank_with(tmp_path, "t2.yaml", yaml.safe_dump(q, sort_keys=False))
    problems = refusal(folder).problems
    assert any(p.field == field and p.line is not None for p in problems), problems


def test_an_integer_too_long_to_read_is_located(tmp_path):
    text = question_text().replace("marks: 2\n", "marks: " + "1" * 5000 + "\n", 1)
    [problem] = refusal(bank_with(tmp_path, "t2.yaml", text)).problems
    assert problem.file.name == "t2.yaml" and problem.line == text.splitlines().index("marks: " + "1" * 5000) + 1
    assert "digits" in problem.message


def test_an_impossible_date_is_located(tmp_path):
    text = question_text() + "title: 2024-13-45\n"
    [problem] = refusal(bank_with(tmp_path, "t2.yaml", text)).problems
    assert problem.file.name == "t2.yaml" and problem.line == len(text.splitlines())


def test_the_module_number_must_be_sane(tmp_path):
    [problem] = refusal(bank_with(tmp_path, "t2.yaml", question_text(module=10**30))).problems
    assert problem.field == "module"


@pytest.mark.parametrize("score", ["1.0e+308", ".inf", "1" + "0" * 400, "101"])
def test_a_graded_score_too_big_is_a_message(tmp_path, score):
    graded = tmp_path / "set"
    graded.mkdir()
    (graded / "calibration.yaml").write_text(
        f"answers:\n  - {{id: a1, question_id: Q1, kind: full, score: {score}, text: hi}}\n")
    (graded / "test.yaml").write_text("answers: []\n")
    with pytest.raises(QuizzerError) as caught:
        read_graded_set(graded)
    assert "calibration.yaml:2" in str(caught.value) and "score" in str(caught.value)


# -- item 10: duplicate keys and links out of the bank -------------------------------

def test_a_duplicate_key_is_a_located_problem(tmp_path):
    text = question_text() + "explanation:\n  key_idea: A second one.\n"
    lines = text.splitlines()
    first, second = [i + 1 for i, line in enumerate(lines) if line.startswith("explanation:")]
    [problem] = refusal(bank_with(tmp_path, "t2.yaml", text)).problems
    assert problem.file.name == "t2.yaml" and problem.line == second
    assert problem.message == f"key 'explanation' appears twice (first on line {first}); keep one"


def test_duplicate_keys_inside_a_criterion_are_all_reported(tmp_path):
    text = question_text().replace("  marks: 1\n", "  marks: 1\n  marks: 0.5\n")
    problems = refusal(bank_with(tmp_path, "t2.yaml", text)).problems
    assert len(problems) == 2
    assert all("key 'marks' appears twice" in p.message for p in problems)
    assert len({p.line for p in problems}) == 2


def test_a_duplicate_topic_is_refused(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    (folder / "topics.yaml").write_text("activation-functions: ReLU\nactivation-functions: again\n")
    [problem] = refusal(folder).problems
    assert problem.file.name == "topics.yaml" and problem.line == 2


def test_a_duplicate_key_in_a_graded_set_is_refused(tmp_path):
    graded = tmp_path / "set"
    graded.mkdir()
    (graded / "calibration.yaml").write_text(
        "answers:\n  - {id: a1, question_id: Q1, kind: full, score: 1, score: 2, text: hi}\n")
    (graded / "test.yaml").write_text("answers: []\n")
    with pytest.raises(QuizzerError) as caught:
        read_graded_set(graded)
    assert "calibration.yaml:2" in str(caught.value) and "appears twice" in str(caught.value)


SECRET = "root-password: hunter2-the-secret"


def secret_outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET}\n[broken\n")
    return secret


def test_a_link_to_a_file_outside_the_bank_is_refused_unread(tmp_path):
    secret = secret_outside(tmp_path)
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    (folder / "leak.yaml").symlink_to(secret)
    error = refusal(folder)
    [problem] = error.problems
    assert problem.file == folder / "leak.yaml"
    assert "outside the bank" in problem.message
    assert "hunter2" not in str(error)


def test_a_linked_folder_is_not_entered(tmp_path):
    """``**`` does not follow links to folders, so a linked folder's files are no
    part of the bank and are never read."""
    secret = secret_outside(tmp_path)
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    (folder / "more").symlink_to(secret.parent, target_is_directory=True)
    assert [q.id for q in load_bank(folder)] == ["T1"]


def test_topics_yaml_linked_from_outside_is_refused(tmp_path):
    secret = secret_outside(tmp_path)
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")], topics=False)
    (folder / "topics.yaml").symlink_to(secret)
    error = refusal(folder)
    assert [p.file.name for p in error.problems] == ["topics.yaml"]
    assert "outside the bank" in str(error) and "hunter2" not in str(error)


def test_links_inside_the_bank_are_fine(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")], topics=False)
    shared = folder / "shared"
    shared.mkdir()
    (shared / "topics.txt").write_text("activation-functions: ReLU\n")
    (shared / "t3.txt").write_text(yaml.safe_dump(minimal_question("T3")))
    (folder / "topics.yaml").symlink_to(shared / "topics.txt")
    (folder / "t3.yaml").symlink_to(Path("shared") / "t3.txt")
    bank = load_bank(folder)
    assert [q.id for q in bank] == ["T1", "T3"] and bank.topics == {"activation-functions": "ReLU"}


def test_the_bank_folder_itself_may_be_a_link(tmp_path):
    folder = write_bank(tmp_path / "real", [minimal_question("T1")])
    (tmp_path / "bank").symlink_to(folder, target_is_directory=True)
    assert [q.id for q in load_bank(tmp_path / "bank")] == ["T1"]


# -- files that are not what they should be ------------------------------------------

def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    folder = bank_with(tmp_path, "latin.yaml", "id: L1\nprompt: x\ntitle: caf\xe9\n".encode("latin-1"))
    [problem] = refusal(folder).problems
    assert problem.file.name == "latin.yaml" and problem.line == 3 and "UTF-8" in problem.message


@pytest.mark.parametrize("name,text,line,message", [
    ("tabs.yaml", "id: T9\nexplanation:\n\tkey_idea: x\n", 3, "YAML syntax error"),  # a tab in the indentation
    ("empty.yaml", "", 1, "must be a mapping"),
    ("list.yaml", "- id: X1\n- id: X2\n", 1, "must be a mapping"),  # a list at the top
    ("nul.yaml", "id: N1\nprompt: a\x00b\n", 2, "control character"),
])
def test_a_malformed_file_is_located(tmp_path, name, text, line, message):
    [problem] = refusal(bank_with(tmp_path, name, text)).problems
    assert problem.file.name == name and problem.line == line
    assert message in problem.message


# -- the parse cache -----------------------------------------------------------------

def test_the_cache_cannot_stand_in_for_a_changed_file(tmp_path):
    """A file replaced by one of the same size and time (a tar or rsync restore)
    is read again: the cache is keyed by the file's content."""
    folder = write_bank(tmp_path / "bank", [minimal_question("T1"), minimal_question("T2")])
    cache = tmp_path / "cache"
    load_bank(folder, cache_dir=cache)
    target = folder / "t2.yaml"
    before = target.stat()
    text = target.read_text()
    changed = text.replace("\nmarks: 2\n", "\nid: T2  \n", 1)  # a duplicate key, the same size
    assert changed != text and len(changed) == len(text)
    target.write_text(changed)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    problems = refusal(folder, cache_dir=cache).problems
    assert any(p.file == target for p in problems)


def test_a_cache_folder_that_cannot_be_written_is_ignored(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    assert [q.id for q in load_bank(folder, cache_dir=blocker / "cache")] == ["T1"]


def test_a_cached_bank_still_refuses_an_alias(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    cache = tmp_path / "cache"
    load_bank(folder, cache_dir=cache)
    (folder / "bomb.yaml").write_text(alias_bomb())
    [problem] = refusal(folder, cache_dir=cache).problems
    assert problem.file.name == "bomb.yaml" and "alias" in problem.message
    [problem] = refusal(folder, cache_dir=cache).problems  # nothing was cached for it
    assert problem.file.name == "bomb.yaml"


# -- nesting as deep as libyaml allows -----------------------------------------------

def test_a_value_nested_995_deep_is_a_message_not_a_recursion_error(tmp_path):
    deep = "[" * 995 + "]" * 995
    text = question_text() + f"id: {deep}\n"
    text = text.replace("id: T2\n", "", 1)
    folder = bank_with(tmp_path, "t2.yaml", text)
    [problem] = refusal(folder, cache_dir=tmp_path / "cache").problems
    assert problem.file.name == "t2.yaml" and problem.field == "id"
    assert problem.line == len(text.splitlines())
    assert len(problem.message) < 200


def test_a_block_nested_995_deep_gets_its_line(tmp_path):
    nested = "\n".join(" " * (i + 1) + f"k{i}:" for i in range(995)) + " x\n"
    text = question_text().replace("title: Why ReLU trains faster\n", "title:\n" + nested, 1)
    [problem] = refusal(bank_with(tmp_path, "t2.yaml", text)).problems
    assert problem.field == "title" and problem.line == text.splitlines().index("title:") + 1


def test_a_topic_described_by_a_list_is_located(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("T1")])
    (folder / "topics.yaml").write_text("activation-functions: ReLU\nregularization:\n  - " + "[" * 900 + "]" * 900 + "\n")
    [problem] = refusal(folder).problems
    assert problem.file.name == "topics.yaml" and problem.line == 2 and "one-line description" in problem.message
