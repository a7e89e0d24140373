"""``quizzer grade``: one answer, a CSV of answers, and the scorer's own evaluation."""

from __future__ import annotations

import csv
import json

from quizzer.cli import cli

GOOD = 'A single perceptron computes a weighted sum plus bias, so its decision boundary is one straight line. XOR puts its positive points on opposite corners of the square, so no straight line separates the classes: XOR is not linearly separable, no weights exist, and training never converges however long it runs.'


def test_grade_one_answer_as_json(runner, shipped_bank):
    result = runner.invoke(cli, ["grade", "Q1", "--answer", GOOD, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["question_id"] == "Q1" and data["score"] == 2 and data["max"] == 2
    assert [c["id"] for c in data["criteria"]] == [c.id for c in shipped_bank.get("Q1").rubric]
    for criterion in data["criteria"]:
        assert set(criterion) >= {"id", "awarded", "max", "matched", "missing", "misconception"}
    assert data["feedback"].startswith("2/2 marks.")


def test_grade_reads_standard_input_and_files(runner, shipped_bank, tmp_path):
    piped = json.loads(runner.invoke(cli, ["grade", "Q1", "--json"], input=GOOD).output)
    answer_file = tmp_path / "answer.txt"
    answer_file.write_text("XOR is linearly separable.", encoding="utf-8")
    from_file = json.loads(runner.invoke(cli, ["grade", "Q1", "--answer-file", str(answer_file), "--json"]).output)
    assert piped["score"] == 2
    assert from_file["score"] == 0
    assert any(c["misconception"] for c in from_file["criteria"])


def test_grade_for_people_shows_each_criterion(runner, shipped_bank):
    result = runner.invoke(cli, ["grade", "Q1", "--answer",
                                 "XOR is not linearly separable, because its classes sit on opposite corners."])
    assert result.exit_code == 0
    assert "1/2 for Q1" in result.output
    assert "still needed" in result.output


def test_grade_misuse_exits_2(runner, shipped_bank):
    assert runner.invoke(cli, ["grade"]).exit_code == 2
    assert runner.invoke(cli, ["grade", "Q1", "--evaluate"]).exit_code == 2
    assert runner.invoke(cli, ["grade", "--batch", __file__]).exit_code == 2


def test_unknown_question_exits_1(runner, shipped_bank):
    result = runner.invoke(cli, ["grade", "Q42", "--answer", "x"])
    assert result.exit_code == 1 and "No question 'Q42'" in result.output


def write_csv(path, rows, header=("student", "question_id", "answer")):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_batch_keeps_columns_and_grades_good_rows_despite_bad_ones(runner, shipped_bank, tmp_path):
    source = write_csv(tmp_path / "in.csv", [
        ("amara", "Q1", GOOD),
        ("bo", "Q99", "whatever"),
        ("cy", "Q7", "The gradients shrink exponentially through the sigmoid layers, since each derivative is at most 0.25."),
        ("di", "", "no question"),
    ])
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "row 3: unknown question 'Q99'" in result.output
    assert "row 5 has no question_id" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student"] for r in rows] == ["amara", "bo", "cy", "di"]
    assert rows[0]["score"] == "2" and rows[0]["max"] == "2" and rows[0]["Q1:linear-boundary"] == "1"
    assert rows[1]["score"] == "" and "unknown question" in rows[1]["error"]
    assert float(rows[2]["score"]) >= 1
    assert rows[0]["feedback"]
    assert 0 < float(rows[0]["similarity"]) <= 1
    assert 0 < float(rows[0]["confidence"]) <= 1
    assert rows[1]["confidence"] == "" and rows[1]["review_reasons"] == ""


def test_batch_refuses_a_file_without_the_columns(runner, shipped_bank, tmp_path):
    source = write_csv(tmp_path / "in.csv", [("Q1", "x")], header=("question", "text"))
    result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert "no column 'question_id', 'answer'" in result.output
    assert not (tmp_path / "o.csv").exists()


def test_batch_names_a_wrong_encoding_and_an_empty_file(runner, shipped_bank, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("question_id,answer\nQ1,caf\xe9 au lait\n".encode("latin-1"))
    result = runner.invoke(cli, ["grade", "--batch", str(latin), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "not UTF-8" in result.output and "line 2" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = runner.invoke(cli, ["grade", "--batch", str(empty), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "is empty" in result.output




def test_batch_on_two_processes_writes_what_one_writes_in_the_input_order(runner, shipped_bank, tmp_path):
    """More rows than three chunks, so that two workers really share them."""
    import csv as csv_module

    source = tmp_path / "answers.csv"
    texts = [(q.id, f"{s.text} ({n})") for n in range(3) for q in shipped_bank for s in q.samples][:700]
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv_module.writer(stream)
        writer.writerow(["student", "question_id", "answer"])
        writer.writerows((f"s{i}", qid, text) for i, (qid, text) in enumerate(texts))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"marked-{jobs}.csv"
        result = runner.invoke(cli, ["grade", "--batch", str(source), "--out", str(out), "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    with (tmp_path / "marked-2.csv").open(newline="", encoding="utf-8") as stream:
        assert [row["student"] for row in csv_module.DictReader(stream)] == [f"s{i}" for i in range(len(texts))]
    misplaced = runner.invoke(cli, ["grade", "Q1", "--answer", "x", "--jobs", "2"])
    assert misplaced.exit_code == 2 and "--jobs goes with --batch" in misplaced.output
