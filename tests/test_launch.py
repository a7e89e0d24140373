"""``quizzer --help`` served from a cache beside the code: always click's own text, remade when the CLI changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from quizzer.cli import cli
from quizzer.launch import cached_help, help_key

QUIZZER = str(Path(sys.executable).with_name("quizzer"))


def clicks_help(runner) -> str:
    result = runner.invoke(cli, ["--help"], prog_name="quizzer", terminal_width=80)
    assert result.exit_code == 0
    return result.output


def installed_cache(env: dict[str, str], cwd: Path) -> tuple[Path, str]:
    """Where the installed ``quizzer`` keeps its help, and the key it writes first: the
    tests may import the checkout's package while the command runs an installed copy
    (as in CI), whose files have other times."""
    script = "from quizzer.launch import help_file, help_key; print(help_file()); print(help_key(), end='')"
    where = subprocess.run([sys.executable, "-c", script], env=env, cwd=cwd, capture_output=True, text=True,
                           check=True)
    path, key = where.stdout.split("\n", 1)
    return Path(path), key


def test_top_level_help_is_clicks_text_first_made_then_from_the_cache(tmp_path, runner):
    env = {**os.environ, "QUIZZER_INSTANCE": str(tmp_path)}
    cached, key = installed_cache(env, tmp_path)
    cached.unlink(missing_ok=True)
    first = subprocess.run([QUIZZER, "--help"], env=env, capture_output=True, text=True, check=True)
    assert cached.read_text(encoding="utf-8") == key + first.stdout
    second = subprocess.run([QUIZZER, "-h"], env=env, capture_output=True, text=True, check=True)
    assert first.stdout == second.stdout == clicks_help(runner)
    assert first.stderr == second.stderr == ""


def test_a_current_cache_is_served_and_a_stale_one_remade(tmp_path, runner):
    path = tmp_path / "help.txt"
    path.write_text(help_key() + "kept text\n", encoding="utf-8")
    assert cached_help(str(path)) == "kept text\n"
    path.write_text("quizzer 0.0.1 cli 1\nold text\n", encoding="utf-8")  # another version, older files
    assert cached_help(str(path)) == clicks_help(runner)
    assert path.read_text(encoding="utf-8") == help_key() + clicks_help(runner)


def test_help_without_a_writable_cache_is_still_clicks(tmp_path, runner):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert cached_help(str(blocker / "cache" / "help.txt")) == clicks_help(runner)
