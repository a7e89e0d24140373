"""Grade a question that has only a model answer: each sentence is a key idea.

A teacher's own question may come with just a prompt, a model answer and its
marks. Each sentence of the model answer becomes a key idea worth an equal share
of the marks. An idea counts in full when the answer shows at least 60% of its
meaningful words (the prompt's own words aside) with the same polarity, or is
worded closely like it (similarity >= ``SIM_FULL``); it counts half from 30%.
An idea whose words the answer uses mostly negated (or un-negated, for a negative
idea) is contradicted and earns nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .concepts import Reading
from .lexicon import Lexicon
from .result import CriterionResult

__all__ = ["KeyIdea", "key_ideas", "score_idea", "SIM_FULL"]

SIM_FULL = 0.55
FULL, HALF = 0.6, 0.3


@dataclass(frozen=True)
class KeyIdea:
    id: str
    text: str
    keys: dict[str, bool]  # meaningful key -> is it negated in the idea
    marks: float


def key_ideas(model_answer: str, marks: float, prompt_keys: set[str], lexicon: Lexicon) -> list[KeyIdea]:
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", model_answer) if len(s.split()) >= 3]
    sentences = sentences or [model_answer]
    ideas = []
    for index, sentence in enumerate(sentences, start=1):
        reading = Reading(sentence, lexicon)
        keys: dict[str, bool] = {}
        for token, key in zip(reading.tokens, reading.keys):
            if key and key not in prompt_keys:
                keys.setdefault(key, token.negated)
        if not keys:  # a sentence made of prompt words still names the idea
            keys = {k: t.negated for t, k in zip(reading.tokens, reading.keys) if k}
        ideas.append(KeyIdea(f"idea-{index}", sentence, keys, marks / len(sentences)))
    return ideas


def _coverage(reading: Reading, idea: KeyIdea) -> tuple[float, list[str], int]:
    present, reversed_ = [], 0
    for key, negated in idea.keys.items():
        polarities = {reading.tokens[i].negated for i in reading.positions.get(key, ())}
        if negated in polarities:
            present.append(key)
        elif polarities:
            reversed_ += 1
    return len(present) / len(idea.keys), present, reversed_


def score_idea(reading: Reading, idea: KeyIdea, similarity: float) -> CriterionResult:
    coverage, present, reversed_ = _coverage(reading, idea)
    strength = max(coverage, min(1.0, similarity / SIM_FULL))
    contradicted = reversed_ > len(present) and reversed_ >= 2
    if contradicted:
        share, reason = 0.0, "the answer says the opposite of this idea"
    else:
        share = 1.0 if strength >= FULL else 0.5 if strength >= HALF else 0.0
        reason = f"{coverage:.0%} of the idea's words shown, similarity {similarity:.2f}"
    words = [t.word for t, k in zip(reading.tokens, reading.keys) if k in present]
    return CriterionResult(
        id=idea.id,
        awarded=idea.marks * share,
        max=idea.marks,
        description=idea.text,
        matched=tuple(dict.fromkeys(words)),
        missing=(idea.text,) if share < 1 else (),
        misconception="the answer contradicts: " + idea.text if contradicted else None,
        similarity=round(similarity, 3),
        reason=reason,
    )
