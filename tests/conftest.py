"""Shared fixtures: the shipped bank, a small valid bank to break, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SHIPPED_BANK = REPO / "questions"


@pytest.fixture(scope="session")
def shipped_bank():
    from quizzer.bank import load_bank
    from quizzer.variants import family_ids

    return load_bank(SHIPPED_BANK, families=family_ids())


def minimal_question(qid: str = "T1", **overrides) -> dict:
    """A small but complete rubric question, as a teacher would write it."""
    question = {
        "id": qid,
        "module": 1,
        "title": "Why ReLU trains faster",
        "topics": ["activation-functions"],
        "marks": 2,
        "prompt": "Explain why ReLU networks often train faster than sigmoid networks.",
        "model_answer": "ReLU has derivative 1 for positive inputs, so gradients do not shrink. "
                        "Sigmoid's derivative is at most 0.25, so gradients vanish in deep nets.",
        "rubric": [
            {"id": "relu-derivative", "marks": 1, "description": "ReLU's derivative is 1 for positive inputs.",
             "concepts": [["derivative is 1", "gradient of one"]], "misconceptions": ["relu derivative is 0.25"]},
            {"id": "sigmoid-small", "marks": 1, "description": "Sigmoid's derivative is at most 0.25.",
             "concepts": [["at most 0.25", "max 0.25"]]},
        ],
        "explanation": {"key_idea": "Gradients survive ReLU.", "connections": []},
        "samples": [{"text": "ReLU keeps the gradient at 1.", "score": 1, "kind": "partial"}],
        "variants": [],
    }
    question.update(overrides)
    return question


def write_bank(folder: Path, questions: list[dict], topics: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if topics is None:
        topics = {"activation-functions": "ReLU and friends", "regularization": "penalties"}
    if topics is not False:
        (folder / "topics.yaml").write_text(yaml.safe_dump(topics), encoding="utf-8")
    for q in questions:
        (folder / f"{str(q.get('id', 'noid')).lower()}.yaml").write_text(
            yaml.safe_dump(q, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture
def small_bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank", [minimal_question("T1"), minimal_question("T2")])


@pytest.fixture(scope="session", autouse=True)
def shared_instance(tmp_path_factory):
    """An instance folder for fixtures a module or the whole session shares: they are
    set up before ``own_instance`` (a wider scope comes first), and without this one
    `grade --evaluate` in such a fixture wrote its bank cache to the user's folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZZER_INSTANCE", str(tmp_path_factory.mktemp("shared-instance")))
        yield


@pytest.fixture(autouse=True)
def own_instance(tmp_path_factory, monkeypatch):
    """Every test gets its own instance folder (store, bank cache), never the
    user's: the default is a per-user folder that a test must not touch."""
    monkeypatch.setenv("QUIZZER_INSTANCE", str(tmp_path_factory.mktemp("instance")))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def postgres_server():
    from .postgres import start_server

    server, reason = start_server()
    if server is None:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty database of each supported kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'quizzer.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database()


@pytest.fixture
def store(db_url):
    from quizzer.store import Store

    with Store(db_url) as opened:
        yield opened
