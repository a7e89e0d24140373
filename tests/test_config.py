"""Configuration precedence and where shipped resources are found."""

from __future__ import annotations

from pathlib import Path

from quizzer.config import DB_FILENAME, load_settings, resource_path


def test_defaults_use_the_instance_folder(tmp_path):
    settings = load_settings(environ={"QUIZZER_INSTANCE": str(tmp_path)})
    assert settings.db_url == f"sqlite:///{tmp_path / DB_FILENAME}"
    assert settings.is_default_db
    assert (settings.bank_path / "module1" / "q1.yaml").is_file()


def test_option_beats_environment_beats_default(tmp_path):
    env = {"QUIZZER_DB": "postgresql://env/db", "QUIZZER_BANK": str(tmp_path / "env-bank")}
    assert load_settings(environ=env).db_url == "postgresql://env/db"
    assert load_settings(environ=env).bank_path == tmp_path / "env-bank"
    chosen = load_settings(db="sqlite:///x.db", bank=str(tmp_path / "mine"), environ=env)
    assert chosen.db_url == "sqlite:///x.db"
    assert chosen.bank_path == tmp_path / "mine"


def test_a_bare_file_path_becomes_a_sqlite_url(tmp_path):
    settings = load_settings(db=str(tmp_path / "class.sqlite3"), environ={})
    assert settings.db_url == f"sqlite:///{tmp_path / 'class.sqlite3'}"


def test_resources_are_found_in_the_checkout():
    assert resource_path("questions").joinpath("topics.yaml").is_file()
    assert resource_path("templates").is_dir()
    assert isinstance(resource_path("questions"), Path)


def test_the_default_instance_is_the_users_data_folder_wherever_it_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seen = set()
    for folder in (tmp_path / "a", tmp_path / "b"):
        folder.mkdir()
        monkeypatch.chdir(folder)
        seen.add(load_settings(environ={}).instance_path)
    assert seen == {tmp_path / "data" / "quizzer"}
    settings = load_settings(environ={})
    assert settings.is_default_db and settings.cache_path == tmp_path / "data" / "quizzer" / "cache"


def test_sqlite_paths_are_read_from_every_url_form(tmp_path):
    from quizzer.config import sqlite_path

    assert sqlite_path(f"sqlite:///{tmp_path}/a b.sqlite3") == tmp_path / "a b.sqlite3"
    assert sqlite_path(f"sqlite:///file:{tmp_path}/ro.sqlite3?mode=ro&uri=true") == tmp_path / "ro.sqlite3"
    assert sqlite_path("sqlite:///file%3A/x/y.db?uri=true") == Path("/x/y.db")
    assert sqlite_path("sqlite://") is None and sqlite_path("postgresql://u@h/db") is None
