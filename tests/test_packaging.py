"""The bank and templates are found after ``pip install .`` and ``pip install -e .``.

Both tests build and install for real (no network: hatchling comes from the test
extras and dependencies are not reinstalled), then import Quizzer from a directory
that is not the checkout and ask where its resources are.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROBE = (
    "import quizzer, quizzer.config as c; from quizzer.bank import load_bank; "
    "b = load_bank(c.resource_path('questions')); "
    "print(quizzer.__file__); print(c.resource_path('questions')); "
    "print(c.resource_path('templates')); print(len(b)); print(c.resource_path('heldout'))"
)


def pip(*args: str, python: str = sys.executable) -> None:
    subprocess.run([python, "-m", "pip", "--disable-pip-version-check", "-q", *args],
                   check=True, cwd=REPO, capture_output=True, text=True)


def probe(python: str, cwd: Path, env_path: str | None = None) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    if env_path:
        env["PYTHONPATH"] = env_path
    out = subprocess.run([python, "-c", PROBE], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return out.stdout.split("\n")


@pytest.mark.slow
def test_wheel_carries_bank_and_templates(tmp_path):
    pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), ".")
    [wheel] = (tmp_path / "dist").glob("quizzer-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "quizzer/_data/questions/module1/q1.yaml" in names
    assert "quizzer/_data/questions/topics.yaml" in names
    assert "quizzer/_data/templates/base.html" in names
    assert "quizzer/_data/heldout/saq/test.yaml" in names  # so grade --evaluate works when installed
    assert "quizzer/_data/heldout/reference/bank/r1.yaml" in names
    target = tmp_path / "site"
    pip("install", "--no-deps", "--target", str(target), str(wheel))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    deps = sysconfig.get_paths()["purelib"]  # PyYAML and friends, already installed
    module_file, questions, templates, count, heldout, _ = probe(sys.executable, elsewhere, f"{target}:{deps}")
    assert module_file.startswith(str(target))
    assert heldout == str(target / "quizzer" / "_data" / "heldout")
    assert questions == str(target / "quizzer" / "_data" / "questions")
    assert templates == str(target / "quizzer" / "_data" / "templates")
    assert int(count) == 20


@pytest.mark.slow
def test_editable_install_uses_the_checkout(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    # see this environment's packages (hatchling, PyYAML, ...) without reinstalling them
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "quizzer-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip("install", "--no-deps", "--no-build-isolation", "-e", str(REPO), python=python)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    module_file, questions, templates, count, heldout, _ = probe(python, elsewhere)
    assert module_file == str(REPO / "quizzer" / "__init__.py")
    assert heldout == str(REPO / "tests" / "data" / "heldout")
    assert questions == str(REPO / "questions")
    assert templates == str(REPO / "templates")
    assert int(count) == 20
