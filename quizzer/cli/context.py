"""The object every command receives: settings, and the bank loaded on demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from ..config import Settings, load_settings
from ..errors import NotFound

if TYPE_CHECKING:
    from ..bank import Bank, Question
    from ..scoring import Scorer
    from ..store import Store


@dataclass
class AppContext:
    settings: Settings
    _bank: "Bank | None" = field(default=None, repr=False)
    _scorer: "Scorer | None" = field(default=None, repr=False)
    _store: "Store | None" = field(default=None, repr=False)

    @classmethod
    def from_options(cls, db: str | None, bank: str | None) -> "AppContext":
        return cls(load_settings(bank=bank, db=db))

    def bank(self) -> "Bank":
        """The bank, loaded and validated once per command (variant ids checked)."""
        if self._bank is None:
            from ..bank import load_bank
            from ..variants import family_ids

            self._bank = load_bank(self.settings.bank_path, families=family_ids(),
                                   cache_dir=self.settings.instance_path / "cache")
        return self._bank

    def scorer(self) -> "Scorer":
        """The scorer for the bank, built on first use (it imports scikit-learn)."""
        if self._scorer is None:
            from ..scoring import Scorer

            self._scorer = Scorer(self.bank())
        return self._scorer

    def store(self) -> "Store":
        """The progress store, opened (and migrated) on first use, closed with the command."""
        if self._store is None:
            from ..store import Store

            self._store = click.get_current_context().with_resource(Store(self.settings.db_url))
        return self._store

    def store_opener(self):
        """A function that opens the store later, possibly on another thread; the
        store is still closed with the command."""
        ctx = click.get_current_context()

        def open_store() -> "Store":
            from ..store import Store

            if self._store is None:
                self._store = Store(self.settings.db_url)
                ctx.call_on_close(self._store.close)
            return self._store

        return open_store

    def question(self, question_id: str) -> "Question":
        question = self.bank().get(question_id)
        if question is None:
            known = ", ".join(q.id for q in self.bank().questions[:25])
            raise NotFound(f"No question '{question_id}' in the bank at {self.settings.bank_path}.",
                           f"known ids: {known}")
        return question


pass_app = click.make_pass_decorator(AppContext)
