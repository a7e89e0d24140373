"""Checks that stop an answer from earning marks it has not shown.

Each guard is a rule a teacher can predict, applied after the rubric:

- *Restated question*: when nearly all of an answer's meaningful words come from
  the prompt and no rubric idea was found in it, it has added nothing; it scores 0.
- *Keyword list*: a list of terms with no sentence joining them shows recall, not
  understanding; it earns at most a quarter of the marks.
- *Everything dumped*: an answer more than twice the expected length (60 words per
  mark, or a quarter longer than the model answer if that is longer) where two
  sentences in three say nothing this question asks for is padding to catch a
  rubric; it earns at most half the marks. An answer more than three times the
  expected length cannot earn full marks (at most the marks less a half).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .concepts import Reading
from .text import STOPWORDS

__all__ = ["GuardVerdict", "restates_prompt", "is_keyword_list", "check_length", "floor_half"]

LONG_WORDS_PER_MARK = 60


def floor_half(value: float) -> float:
    """Round down to half marks: examiners give 1.5, never 1.7."""
    return math.floor(value * 2 + 1e-9) / 2


@dataclass(frozen=True)
class GuardVerdict:
    flag: str  # short id reported in results: restated-question, keyword-list, ...
    cap: float  # the most the answer may earn
    message: str


def restates_prompt(reading: Reading, prompt_keys: set[str]) -> bool:
    content = reading.content_keys
    novel = [k for k in content if k not in prompt_keys]
    return bool(content) and len(novel) <= 2 and reading.share_of(prompt_keys) >= 0.75


_SEPARATORS = re.compile(r"[,;/\n•|]+|\s-\s|->|=>|→")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")


def is_keyword_list(text: str, reading: Reading) -> bool:
    """Terms separated by commas, slashes, arrows or line breaks, with almost no grammar.

    Sentences need function words ("is", "the", "so", "because"); a list has few,
    and no full stop followed by a new sentence.
    """
    fragments = [f for f in _SEPARATORS.split(text) if f.strip()]
    words = [t.word for t in reading.tokens]
    if len(fragments) < 4 or len(words) < 5:
        return False
    short = sum(1 for f in fragments if len(f.split()) <= 4)
    function_share = sum(1 for w in words if w in STOPWORDS) / len(words)
    # Many bare terms in a row is a list even if a term ("He", "fan-in") looks like grammar.
    terse = len(fragments) >= 6 and sum(1 for f in fragments if len(f.split()) <= 2) / len(fragments) >= 0.85
    # Notes of formulas and arrows ("no bias -> w1x1 + w2x2 = 0 -> passes through origin")
    notes = len(fragments) >= 6 and function_share < 0.16 and not _SENTENCE_BREAK.search(text)
    return terse or notes or (short / len(fragments) >= 0.75 and function_share < 0.2)


def check_length(reading: Reading, marks: float, useful_sentences: int, model_words: int = 0) -> GuardVerdict | None:
    """``model_words``: the model answer's length; an answer as long as the model
    answer (with a quarter more for a student's own way of putting it) is never too long."""
    words = len(reading.tokens)
    limit = max(LONG_WORDS_PER_MARK * max(marks, 1), round(1.25 * model_words))
    if words > 3 * limit:
        return GuardVerdict("too-long", marks - 0.5,
                            f"The answer has {words} words, more than three times the {limit:g} "
                            "an answer of this length needs; half a mark is taken off.")
    sentences = max(reading.sentence_count, 1)
    # a long answer is marked on what it says; only padding twice the length allowed,
    # mostly saying nothing asked, is capped
    if words > 2 * limit and useful_sentences / sentences < 1 / 3:
        return GuardVerdict("unfocused", floor_half(marks / 2),
                            f"Most of its {sentences} sentences say nothing this question asks for; "
                            "a long answer that covers everything earns at most half the marks.")
    return None
