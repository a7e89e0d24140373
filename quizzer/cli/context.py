"""The object every command receives: settings, and the bank loaded on demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from ..config import Settings, legacy_store, load_settings
from ..errors import NotFound, QuizzerError

if TYPE_CHECKING:
    from ..bank import Bank, Question
    from ..scoring import Scorer
    from ..store import Store


@dataclass
class AppContext:
    settings: Settings
    _bank: Bank | None = field(default=None, repr=False)
    _scorer: Scorer | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    @classmethod
    def from_options(cls, db: str | None, bank: str | None) -> AppContext:
        return cls(load_settings(bank=bank, db=db))

    def bank(self) -> Bank:
        """The bank, loaded and validated once per command (variant ids checked)."""
        if self._bank is None:
            from ..bank import load_bank
            from ..variants import family_ids

            self._bank = load_bank(self.settings.bank_path, families=family_ids(),
                                   cache_dir=self.settings.cache_path)
        return self._bank

    def scorer(self) -> Scorer:
        """The scorer for the bank, built on first use (it imports scikit-learn)."""
        if self._scorer is None:
            from ..scoring import Scorer

            self._scorer = Scorer(self.bank())
        return self._scorer

    def store(self) -> Store:
        """The progress store, opened (and migrated) on first use, closed with the command."""
        if self._store is None:
            self._store = click.get_current_context().with_resource(self._open_store())
        return self._store

    def reading_store(self) -> Store:
        """The store for a command that only reads it. Before the default store
        exists there is nothing to read, so an empty one in memory answers instead
        of creating a file (and announcing it) for a question like ``stats``."""
        settings = self.settings
        if self._store is None and settings.is_default_db and not settings.default_db_path.exists():
            from ..store import Store

            self._store = click.get_current_context().with_resource(Store("sqlite://"))
        return self.store()

    def _open_store(self) -> Store:
        """Open the store; the default one (the user's data folder) is created on
        first use, and saying where it was put is the one line we print about it."""
        from ..store import Store

        settings = self.settings
        new_default = settings.is_default_db and not settings.default_db_path.exists()
        if new_default:
            try:
                settings.instance_path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise QuizzerError(f"Cannot create the folder {settings.instance_path} for your progress store: "
                                   f"{exc.strerror}.", "choose another place with QUIZZER_INSTANCE or --db.") from None
        store = Store(settings.db_url)
        if new_default:
            click.echo(f"Created your progress store at {settings.default_db_path}", err=True)
            old = legacy_store()
            if old is not None:
                click.echo(f"  (an earlier store is at {old}; to keep using it, set QUIZZER_INSTANCE={old.parent})",
                           err=True)
        return store

    def question(self, question_id: str) -> Question:
        question = self.bank().get(question_id)
        if question is None:
            known = ", ".join(q.id for q in self.bank().questions[:25])
            raise NotFound(f"No question '{question_id}' in the bank at {self.settings.bank_path}.",
                           f"known ids: {known}")
        return question


pass_app = click.make_pass_decorator(AppContext)
