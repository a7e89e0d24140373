"""Where Quizzer finds its bank, templates and database.

Everything path-like is resolved here, once, with one precedence: a command-line
option, then an environment variable (``QUIZZER_DB``, ``QUIZZER_BANK``,
``QUIZZER_INSTANCE``, ``QUIZZER_TEMPLATES``), then the default: the user's own data folder, whatever the
current directory (see ``default_instance``). Shipped resources (the default bank and
templates) are looked up inside the installed package first and then in the source
checkout, so both ``pip install .`` and ``pip install -e .`` find them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

__all__ = ["Settings", "resource_path", "default_instance", "user_templates", "load_settings", "legacy_store",
           "sqlite_path"]

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent
DB_FILENAME = "quizzer.sqlite3"
APP_NAME = "quizzer"


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


def default_instance(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """The instance folder: the user's runtime state (progress store, bank cache).

    ``QUIZZER_INSTANCE`` wins; otherwise it is the user's own data folder
    (``~/.local/share/quizzer`` on Linux, ``~/Library/Application Support/quizzer``
    on macOS, ``%LOCALAPPDATA%\\quizzer`` on Windows). It never depends on the
    current directory, and a source checkout uses the same folder as an installed
    copy, so a student has one store wherever a command is run and however
    Quizzer was installed.
    """
    env = os.environ if environ is None else environ
    if env.get("QUIZZER_INSTANCE"):
        return Path(env["QUIZZER_INSTANCE"]).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)).resolve()


def user_templates(environ: os._Environ[str] | dict[str, str] | None = None) -> Path | None:
    """A teacher's own template folder (``QUIZZER_TEMPLATES``), searched before the
    shipped templates; None when it is not set. Read at each rendering, so a folder
    set while Quizzer runs (a test, a long-lived worker) is found."""
    env = os.environ if environ is None else environ
    value = env.get("QUIZZER_TEMPLATES")
    return Path(value).resolve() if value else None


def legacy_store() -> Path | None:
    """The store a source checkout kept in its own ``instance/`` before the data
    folder was the default, if there is one, so that its owner can be told."""
    path = CHECKOUT_DIR / "instance" / DB_FILENAME
    return path if path.is_file() and path.stat().st_size > 0 else None


@dataclass(frozen=True)
class Settings:
    """The resolved configuration one command runs with."""

    bank_path: Path
    db_url: str
    instance_path: Path

    @property
    def is_default_db(self) -> bool:
        return self.db_url == sqlite_url(self.default_db_path)

    @property
    def default_db_path(self) -> Path:
        return self.instance_path / DB_FILENAME

    @property
    def cache_path(self) -> Path:
        """Where the parsed bank is kept between commands."""
        return self.instance_path / "cache"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names (``sqlite:///PATH`` or the URI form
    ``sqlite:///file:PATH?mode=ro&uri=true``); None for another database or memory."""
    if not url.startswith("sqlite"):
        return None
    database = url.split(":///", 1)[1] if ":///" in url else ""
    database = unquote(database.split("?", 1)[0])
    if database.startswith("file:"):
        database = database[len("file:"):]
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser()


def _database_file(value: str) -> Path:
    """The SQLite file a ``--db`` path names; a folder (or a path ending in a
    slash) is refused rather than turned into a new store beside it."""
    from .errors import QuizzerError

    path = Path(value).expanduser()
    if value.endswith(("/", os.sep)) or path.is_dir():
        raise QuizzerError(f"The database {value} is a folder, not a file.",
                           f"give a file in it, for example {path / DB_FILENAME}.")
    return path.resolve()


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
        db_url = sqlite_url(_database_file(db_value))
    return Settings(bank_path=bank_path, db_url=db_url, instance_path=instance)
