"""Where Quizzer finds its bank, templates and database.

Everything path-like is resolved here, once, with one precedence: a command-line
option, then an environment variable (``QUIZZER_DB``, ``QUIZZER_BANK``,
``QUIZZER_INSTANCE``), then the default. Shipped resources (the default bank and
templates) are looked up inside the installed package first and then in the source
checkout, so both ``pip install .`` and ``pip install -e .`` find them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "resource_path", "default_instance", "load_settings"]

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent
DB_FILENAME = "quizzer.sqlite3"


# where a checkout keeps a shipped folder that is not at its top level
CHECKOUT_LOCATIONS = {"heldout": Path("tests/data/heldout")}


def resource_path(name: str) -> Path:
    """Return the shipped folder ``name`` ("questions", "templates" or "heldout", the
    graded answers the scorer is measured on).

    A wheel carries them under ``quizzer/_data/``; an editable install or a plain
    checkout has them beside the package. The installed copy wins when both exist.
    """
    for candidate in (PACKAGE_DIR / "_data" / name, CHECKOUT_DIR / CHECKOUT_LOCATIONS.get(name, Path(name))):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"Quizzer's {name!r} folder is missing from {PACKAGE_DIR}; reinstall the package."
    )


def _in_checkout() -> bool:
    return (CHECKOUT_DIR / "pyproject.toml").is_file() and (CHECKOUT_DIR / "questions").is_dir()


def default_instance(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """The instance folder: runtime state that belongs to the user, never the repo.

    ``QUIZZER_INSTANCE`` wins; a source checkout uses its own ``instance/``; an
    installed copy uses ``instance/`` in the current directory, like a project folder.
    """
    env = os.environ if environ is None else environ
    if env.get("QUIZZER_INSTANCE"):
        return Path(env["QUIZZER_INSTANCE"]).expanduser().resolve()
    if _in_checkout():
        return CHECKOUT_DIR / "instance"
    return Path.cwd() / "instance"


@dataclass(frozen=True)
class Settings:
    """The resolved configuration one command runs with."""

    bank_path: Path
    db_url: str
    instance_path: Path

    @property
    def is_default_db(self) -> bool:
        return self.db_url == sqlite_url(self.instance_path / DB_FILENAME)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def load_settings(
    bank: str | os.PathLike[str] | None = None,
    db: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Resolve options, then the environment, then the defaults, into ``Settings``.

    A bare file path given as the database is accepted and turned into a SQLite URL,
    since that is what a user typing ``--db class.sqlite3`` means.
    """
    env = dict(os.environ) if environ is None else environ
    instance = default_instance(env)
    bank_value = bank or env.get("QUIZZER_BANK")
    bank_path = Path(bank_value).expanduser().resolve() if bank_value else resource_path("questions")
    db_value = db or env.get("QUIZZER_DB")
    if not db_value:
        db_url = sqlite_url(instance / DB_FILENAME)
    elif "://" in db_value:
        db_url = db_value
    else:
        db_url = sqlite_url(Path(db_value).expanduser().resolve())
    return Settings(bank_path=bank_path, db_url=db_url, instance_path=instance)
