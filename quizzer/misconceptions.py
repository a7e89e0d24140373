"""How a misconception the scorer finds is written down, and read back.

The scorer records it in one string a student can read, ``"<the student's
words>" (the misconception: <the bank's phrase>)``, kept with each answer's
criteria. Reports count misconceptions by the bank's phrase, so that one wrong
idea put in different words counts once; they take the string apart again. Both
directions live here, so the format has one definition (this module imports
nothing, so the store and the quiz's start-up can use it).
"""

from __future__ import annotations

import re

__all__ = ["describe", "parts"]

_RECORDED = re.compile(r'^"(?P<words>.*)" \(the misconception: (?P<phrase>.*)\)$', re.S)


def describe(words: str, phrase: str) -> str:
    """The recorded form: the student's words, then the bank's phrase."""
    return f'"{words}" (the misconception: {phrase})'


def parts(recorded: str) -> tuple[str, str]:
    """``(phrase, words)`` from a recorded misconception; text in another form is both."""
    found = _RECORDED.match(recorded or "")
    if found is None:
        return recorded, recorded
    return found["phrase"], found["words"]
