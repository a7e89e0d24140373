"""The loader accepts good banks and refuses broken ones with a message a teacher
can act on: file, line where possible, question id, field, and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quizzer.bank import load_bank
from quizzer.errors import BankError

from .conftest import minimal_question, write_bank


def refusal(path: Path, **kwargs) -> BankError:
    with pytest.raises(BankError) as caught:
        load_bank(path, **kwargs)
    return caught.value


def test_valid_small_bank_loads_in_natural_order(tmp_path):
    bank = load_bank(write_bank(tmp_path, [minimal_question("T10"), minimal_question("T2")]))
    assert [q.id for q in bank] == ["T2", "T10"]
    assert bank.get("t10").id == "T10"
    assert bank.questions[0].rubric[0].concepts == (("derivative is 1", "gradient of one"),)


def test_missing_field_names_file_and_field(tmp_path):
    q = minimal_question()
    del q["model_answer"]
    error = refusal(write_bank(tmp_path, [q]))
    [problem] = error.problems
    assert problem.file.name == "t1.yaml"
    assert problem.field == "model_answer"
    assert "missing required field" in problem.message
    assert "t1.yaml" in str(error) and "model_answer" in str(error)


def test_rubric_marks_that_do_not_add_up(tmp_path):
    q = minimal_question()
    q["rubric"][1]["marks"] = 0.5
    [problem] = refusal(write_bank(tmp_path, [q])).problems
    assert problem.field == "rubric"
    assert "add up to 1.5" in problem.message and "worth 2" in problem.message
    assert problem.line is not None


def test_duplicate_question_id_across_files(tmp_path):
    folder = write_bank(tmp_path, [minimal_question("T1")])
    (folder / "copy.yaml").write_text((folder / "t1.yaml").read_text())
    error = refusal(folder)
    assert any("duplicate question id" in p.message and p.field == "id" for p in error.problems)


def test_unknown_topic_is_reported_with_its_line(tmp_path):
    q = minimal_question(topics=["activation-functions", "regularisation"])
    [problem] = refusal(write_bank(tmp_path, [q])).problems
    assert problem.field == "topics[1]"
    assert "unknown topic 'regularisation'" in problem.message
    assert problem.line == 6


def test_unknown_variant_family(tmp_path):
    q = minimal_question(variants=["momentum_velocity", "no_such_family"])
    [problem] = refusal(write_bank(tmp_path, [q]), families={"momentum_velocity"}).problems
    assert problem.field == "variants[1]"
    assert "no_such_family" in problem.message


def test_criterion_without_concepts(tmp_path):
    q = minimal_question()
    q["rubric"][0]["concepts"] = []
    [problem] = refusal(write_bank(tmp_path, [q])).problems
    assert problem.field == "rubric[0].concepts"
    assert "at least one concept" in problem.message


def test_yaml_syntax_error_names_the_line(tmp_path):
    folder = write_bank(tmp_path, [minimal_question()])
    (folder / "broken.yaml").write_text("id: B1\nprompt: [unclosed\nmarks: 2\n")
    [problem] = refusal(folder).problems
    assert problem.file.name == "broken.yaml"
    assert "YAML syntax error" in problem.message
    assert problem.line in (2, 3, 4)


def test_object_constructing_tags_are_refused(tmp_path):
    folder = write_bank(tmp_path, [minimal_question()])
    (folder / "evil.yaml").write_text('id: E1\nprompt: !!python/object/apply:os.system ["echo hi"]\n'
                                      "model_answer: x\nmarks: 2\n")
    [problem] = refusal(folder).problems
    assert problem.file.name == "evil.yaml" and problem.line == 2
    assert "only plain data" in problem.message


def test_every_problem_in_every_file_is_reported_together(tmp_path):
    bad_marks = minimal_question("T1", marks="two")
    bad_kind = minimal_question("T2", samples=[{"text": "x", "score": 3, "kind": "great"}])
    error = refusal(write_bank(tmp_path, [bad_marks, bad_kind]))
    fields = {(p.question_id, p.field) for p in error.problems}
    assert ("T1", "marks") in fields
    assert ("T2", "samples[0].score") in fields
    assert ("T2", "samples[0].kind") in fields


def test_misspelt_field_gets_a_suggestion(tmp_path):
    q = minimal_question()
    q["modle_answer"] = q.pop("model_answer")
    messages = [str(p) for p in refusal(write_bank(tmp_path, [q])).problems]
    assert any("did you mean 'model_answer'" in m for m in messages)


def test_unknown_connection(tmp_path):
    q = minimal_question(explanation={"key_idea": "x", "connections": ["T9"]})
    [problem] = refusal(write_bank(tmp_path, [q])).problems
    assert problem.field == "explanation.connections[0]"


def test_need_larger_than_the_concepts(tmp_path):
    q = minimal_question()
    q["rubric"][0]["need"] = 3
    [problem] = refusal(write_bank(tmp_path, [q])).problems
    assert problem.field == "rubric[0].need"


def test_not_utf8_file(tmp_path):
    folder = write_bank(tmp_path, [minimal_question()])
    (folder / "latin.yaml").write_bytes("id: L1\nprompt: caf\xe9\n".encode("latin-1"))
    [problem] = refusal(folder).problems
    assert problem.file.name == "latin.yaml" and "UTF-8" in problem.message


def test_missing_bank_folder(tmp_path):
    [problem] = refusal(tmp_path / "nowhere").problems
    assert "does not exist" in problem.message


def test_reference_only_question_is_accepted(tmp_path):
    q = {"id": "R1", "prompt": "Define overfitting.", "model_answer": "A model fits noise. It fails on new data.",
         "marks": 5}
    bank = load_bank(write_bank(tmp_path, [q]))
    [loaded] = bank.questions
    assert loaded.reference_only and loaded.marks == 5 and loaded.module is None
    assert loaded.title.startswith("Define overfitting")


def test_content_hash_changes_with_the_rubric_but_not_the_explanation(tmp_path):
    original = load_bank(write_bank(tmp_path / "a", [minimal_question()])).questions[0]
    explained = minimal_question(explanation={"key_idea": "Something else entirely."})
    same = load_bank(write_bank(tmp_path / "b", [explained])).questions[0]
    edited = minimal_question()
    edited["rubric"][0]["concepts"] = [["derivative equals one"]]
    changed = load_bank(write_bank(tmp_path / "c", [edited])).questions[0]
    assert original.content_hash == same.content_hash
    assert original.content_hash != changed.content_hash


def test_parse_cache_skips_parsing_but_still_validates(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("C1"), minimal_question("C2")])
    cache = tmp_path / "cache"
    first = load_bank(folder, cache_dir=cache)
    [cache_file] = cache.glob("bank-*.json")
    assert {q.id for q in first.questions} == {"C1", "C2"}
    again = load_bank(folder, cache_dir=cache)
    assert [q.content_hash for q in again.questions] == [q.content_hash for q in first.questions]
    # the second load took the data from the cache: a title changed there shows
    stored = json.loads(cache_file.read_text())
    stored["files"][str(folder / "c1.yaml")]["data"]["title"] = "From the cache"
    cache_file.write_text(json.dumps(stored))
    assert load_bank(folder, cache_dir=cache).get("C1").title == "From the cache"
    # an edit is seen at once (the file's bytes changed), and its problem
    # still comes with the line, which the cache does not keep
    target = folder / "c2.yaml"
    text = target.read_text()
    target.write_text(text.replace("marks: 2", "marks: two", 1))
    [problem] = refusal(folder, cache_dir=cache).problems
    assert problem.file == target and problem.line is not None and problem.field == "marks"


def test_a_broken_cache_file_is_ignored(tmp_path):
    folder = write_bank(tmp_path / "bank", [minimal_question("C1")])
    cache = tmp_path / "cache"
    load_bank(folder, cache_dir=cache)
    [cache_file] = cache.glob("bank-*.json")
    from quizzer.bank.cache import FORMAT

    cache_file.write_text(f'{{"format": {FORMAT}, "files": {{"' + str(folder / "c1.yaml") + '": 7}}')
    assert [q.id for q in load_bank(folder, cache_dir=cache).questions] == ["C1"]
    cache_file.write_text("not json at all")
    assert [q.id for q in load_bank(folder, cache_dir=cache).questions] == ["C1"]


def test_values_json_cannot_hold_are_never_cached(tmp_path):
    from quizzer.bank.cache import MISSING, ParseCache

    cache = ParseCache(tmp_path, tmp_path)
    some_file = tmp_path / "x.yaml"
    digest = "0" * 64
    cache.put(some_file, digest, {1: "integer key"})
    import datetime

    cache.put(some_file, digest, {"when": datetime.date(2026, 1, 1)})
    assert cache.get(some_file, digest) is MISSING
    cache.put(some_file, digest, {"a": 1})
    assert cache.get(some_file, digest) == {"a": 1}
    assert cache.get(some_file, "1" * 64) is MISSING  # other bytes, other entry


def test_a_cached_bank_loads_without_pyyaml(tmp_path):
    """PyYAML is only needed to parse a file the cache does not hold (see yamlfile)."""
    import subprocess
    import sys

    bank = Path(__file__).resolve().parents[1] / "questions"
    cache = tmp_path / "cache"
    script = ("import sys; from pathlib import Path; from quizzer.bank import load_bank; "
              f"b = load_bank(Path({str(bank)!r}), cache_dir=Path({str(cache)!r})); "
              "print(len(b), 'yaml' in sys.modules)")

    def load() -> str:
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout

    assert load() == "20 True\n"  # the first load parses every file
    assert load() == "20 False\n"  # the second takes them all from the cache
