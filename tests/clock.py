"""The clock tests pass where Quizzer takes ``now``: set by hand, moved by hand."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    """Tells the time ``now``; every reading first moves it on by ``tick`` (none unless
    given), so a run of answers is spaced out in time without sleeping."""

    def __init__(self, start: datetime, tick: timedelta = timedelta(0)) -> None:
        self.now = start
        self.tick = tick

    def __call__(self) -> datetime:
        self.now += self.tick
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the time on, as ``timedelta(**delta)`` says (``days=1``, ``minutes=11``)."""
        self.now += timedelta(**delta)
