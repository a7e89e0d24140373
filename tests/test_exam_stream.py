"""The streamed exam build: pages rendered in chunks on worker processes and written
as they come, equal byte for byte to the exam rendered whole in one process; a
failure in a worker, or a kill, never leaves a folder that looks like a build."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from quizzer.cli import cli
from quizzer.sheets import ExamSpec, build_exam, numbered_students, write_exam
from quizzer.sheets.manifest import manifest_json
from quizzer.sheets.roster import Student
from quizzer.sheets.stream import CHUNK
from quizzer.sheets.write import _render

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_streamed_output_equals_the_exam_rendered_whole_in_one_process(tmp_path, shipped_bank):
    odd = Student("a/b 1", "Zoë \"Ångström\"\n<b>", {"group": "A\tB", "note": "محمد"})
    students = [*numbered_students(3 * CHUNK + 6), odd]  # four chunks, the last one short
    spec = ExamSpec(title="Mid-term <b>&</b>", seed=11, questions=("Q1", "Q14"), numeric=3)
    exam = build_exam(shipped_bank, spec, students, NOW)
    written = write_exam(exam, tmp_path / "exam", paper="letter", jobs=2)
    expected = {name: text.encode("utf-8") for name, text in _render(exam, "letter").items()}
    expected["manifest.json"] = json.dumps(manifest_json(exam), indent=2, ensure_ascii=False).encode("utf-8")
    found = _tree(written.folder)
    assert sorted(found) == sorted(expected)
    assert [name for name in expected if found[name] != expected[name]] == []
    assert found == _tree(write_exam(exam, tmp_path / "one", paper="letter", jobs=1).folder)


def _broken_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    (folder / "exam").mkdir(parents=True)
    (folder / "exam" / "sheet.html").write_text("<section>{{ sheet.student.nickname }}</section>\n", encoding="utf-8")
    return folder


def _build(runner, out: Path, *extra: str):
    return runner.invoke(cli, ["exam", "build", "--count", str(2 * CHUNK + 3), "--questions", "Q1", "--numeric", "2",
                               "--seed", "4", "--out", str(out), *extra])


def test_a_template_error_in_a_worker_is_a_message_and_leaves_no_folder(runner, tmp_path, monkeypatch):
    out = tmp_path / "exam"
    before = tmp_path / "before"
    assert _build(runner, before).exit_code == 0
    kept = _tree(before)
    monkeypatch.setenv("QUIZZER_TEMPLATES", str(_broken_templates(tmp_path)))
    result = _build(runner, out)
    assert result.exit_code == 1, result.output
    assert "could not be rendered for student S001" in result.output and "nickname" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists(), "a failed build into a new folder leaves nothing"
    again = _build(runner, before, "--force")
    assert again.exit_code == 1 and "could not be rendered" in again.output
    assert _tree(before) == kept, "the previous build is left whole, with no staging folder or temporary"
    assert [p.name for p in before.iterdir() if p.name.startswith(".")] == []


def _quizzer(args: list[str], tmp_path: Path, **kwargs) -> subprocess.Popen:
    code = "import sys\nfrom quizzer.launch import main\nsys.argv = ['quizzer'] + sys.argv[1:]\nmain()\n"
    env = {**os.environ, "QUIZZER_INSTANCE": str(tmp_path / "instance")}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_a_build_killed_midway_leaves_no_manifest_and_building_again_works(tmp_path):
    out = tmp_path / "exam"
    args = ["exam", "build", "--count", "4000", "--questions", "Q1,Q14", "--numeric", "2", "--seed", "8",
            "--out", str(out)]
    build = _quizzer(args, tmp_path, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and build.poll() is None:
            staged = list(out.glob(".build.*.tmp/sheets/*.html")) if out.exists() else []
            if len(staged) > 4 * CHUNK:
                break
            time.sleep(0.02)
        assert build.poll() is None, "the build finished before it could be killed: give it more students"
    finally:
        os.killpg(build.pid, signal.SIGKILL)  # the build and its workers, as a crash or an OOM kill would
        build.communicate()
    assert not (out / "manifest.json").exists()
    assert not (out / "sheets").exists(), "pages stay in the staging folder until the build is whole"
    again = _quizzer([*args[:3], "60", *args[4:]], tmp_path)  # a smaller class, the same folder
    _, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    assert len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["students"]) == 60
    assert len(list((out / "sheets").iterdir())) == 60
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [], "the killed build's leftovers are gone"
