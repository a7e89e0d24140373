"""Grade a question that has only a model answer: each sentence is a key idea.

A teacher's own question may come with just a prompt, a model answer (or several,
``model_answers:``) and its marks. Each sentence of a model answer becomes a key
idea worth an equal share of the marks, and the answer is graded against
whichever model answer it fits best. The rule, for each idea:

1. *Parts.* An idea is cut into its clauses ("Mitosis involves one division, |
   whereas meiosis involves two"); each part is a set of meaningful words. Words
   the prompt already supplies count for ``PROMPT_WEIGHT`` of a new word: an
   answer that reuses the scenario's words is not penalised, but cannot earn an
   idea with them alone.
2. *Roles.* When the model answer contrasts two things the prompt names (mitosis
   and meiosis, TCP and UDP, the mean and the median), found as the subjects of
   its clauses, each part belongs to the one it is said of, and so does each clause
   of the answer (see ``roles``). A part is shown by an answer clause said of the
   same thing (or of nothing named), never by one said of the other.
3. *Coverage.* A part's coverage is the best weighted share of its words that one
   clause of the answer shows with the same polarity; an idea's is the mean of its
   parts'. If the clauses said of the *other* thing, or with the opposite polarity,
   cover a part better than the right ones, the part is reversed; an idea with
   more reversed parts than shown ones is contradicted and earns nothing.
4. *Marks.* An idea counts in full at coverage ``FULL``, or when the answer's
   wording, the prompt's words left out, is very close to it (similarity >=
   ``SIM_FULL``); half from ``HALF``.

A model answer with no meaningful words at all ("they are the same") is compared
word for word, filler words included.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .concepts import Match, Phrase, Reading
from .lexicon import Lexicon
from .result import CriterionResult
from .roles import RoleSet, attribute

__all__ = ["KeyIdea", "Part", "key_ideas", "answer_clauses", "score_idea", "contrasted_roles", "SIM_FULL",
           "PROMPT_WEIGHT"]

SIM_FULL = 0.55
FULL, HALF = 0.6, 0.3
PROMPT_WEIGHT = 0.3
# everyday verbs and nouns that carry a sentence rather than its idea ("mitosis
# *involves* one division"): they count for half a word
LIGHT_WEIGHT = 0.5
LIGHT_WORDS = frozenset("""
involve involves involved use uses used using give gives gave given giving take takes took taken
keep keeps kept become becomes became occur occurs occurred happen happens happened cause causes
result results lead leads led mean means meant thing things lot lots kind kinds type types part parts
simply simple just also each both other another new certain particular whole general case cases
number amount form forms produce produces called call known always often usually
""".split())


@dataclass(frozen=True)
class Part:
    keys: dict[str, tuple[bool, float]]  # key -> (is it negated in the model answer, its weight)
    role: str | None = None


@dataclass(frozen=True)
class KeyIdea:
    id: str
    text: str
    parts: tuple[Part, ...]
    marks: float
    filtered: str = ""  # the idea without the prompt's words, for similarity


def _sentences(model_answer: str) -> list[str]:
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", model_answer) if len(s.split()) >= 3]
    return sentences or [model_answer.strip()]


def _clause_subjects(reading: Reading) -> list[str]:
    """The first meaningful word of each clause: who or what the clause is about."""
    firsts, seen = [], set()
    for token, key in zip(reading.tokens, reading.keys, strict=True):
        if key and token.clause not in seen:
            seen.add(token.clause)
            firsts.append(key)
    return firsts


def contrasted_roles(model_answers: tuple[str, ...], prompt_keys: set[str], lexicon: Lexicon) -> RoleSet:
    """The two things a model answer contrasts, if it does: words of the prompt that
    open at least two clauses each, and open clauses of one same sentence."""
    counts: Counter[str] = Counter()
    together: set[frozenset[str]] = set()
    for text in model_answers:
        for sentence in _sentences(text):
            subjects = [k for k in _clause_subjects(Reading(sentence, lexicon)) if k in prompt_keys]
            counts.update(subjects)
            together |= {frozenset((a, b)) for a in subjects for b in subjects if a != b}
    frequent = [k for k, n in counts.most_common() if n >= 2]
    for i, first in enumerate(frequent):
        for second in frequent[i + 1:]:
            if frozenset((first, second)) in together:
                return RoleSet([(first, (Phrase(first, (first,), False),)),
                                (second, (Phrase(second, (second,), False),))])
    return RoleSet([])


def _role_at(reading: Reading, position: int, mentions) -> str | None:
    token = reading.tokens[position]
    match = Match(Phrase("", (), False), (position,), token.word, token.sentence)
    return attribute(match, mentions, reading)


def _parts(reading: Reading, prompt_keys: set[str], roles: RoleSet) -> tuple[Part, ...]:
    names = {name for name, _ in roles.roles}
    mentions = roles.mentions(reading) if roles else []
    by_clause: dict[int, tuple[dict[str, tuple[bool, float]], int]] = {}
    for position, (token, key) in enumerate(zip(reading.tokens, reading.keys, strict=True)):
        if not key or key in names:
            continue
        keys, _ = by_clause.setdefault(token.clause, ({}, position))
        weight = PROMPT_WEIGHT if key in prompt_keys else LIGHT_WEIGHT if token.word in LIGHT_WORDS else 1.0
        keys.setdefault(key, (token.negated, weight))
    parts = [Part(keys, _role_at(reading, first, mentions) if mentions else None)
             for keys, first in by_clause.values()]
    # a clause of one or two words ("in general") is not an idea on its own: join it to the next
    merged: list[Part] = []
    for part in parts:
        if merged and min(_weight(part), _weight(merged[-1])) < 2 and merged[-1].role in (part.role, None):
            merged[-1] = Part({**merged[-1].keys, **part.keys}, part.role or merged[-1].role)
        else:
            merged.append(part)
    return tuple(p for p in merged if p.keys)


def _weight(part: Part) -> float:
    return sum(weight for _, weight in part.keys.values())


def key_ideas(model_answer: str, marks: float, prompt_keys: set[str], lexicon: Lexicon,
              roles: RoleSet | None = None) -> list[KeyIdea]:
    sentences = _sentences(model_answer)
    ideas = []
    for index, sentence in enumerate(sentences, start=1):
        reading = Reading(sentence, lexicon)
        parts = _parts(reading, prompt_keys, roles or RoleSet([]))
        if not parts:  # only filler words ("they are the same"): every word is the idea
            parts = (Part({t.word: (t.negated, 1.0) for t in reading.tokens if not t.is_negator}),)
        filtered = " ".join(t.word for t, k in zip(reading.tokens, reading.keys, strict=True)
                            if k and k not in prompt_keys)
        ideas.append(KeyIdea(f"idea-{index}", sentence, parts, marks / len(sentences), filtered or sentence))
    return ideas


Clauses = list[tuple[str | None, dict[str, set[bool]]]]


def answer_clauses(reading: Reading, roles: RoleSet) -> Clauses:
    """Per clause of the answer: the role it is said of, and its words with their polarity
    (filler words too, for a model answer made only of them). Read once per answer
    and shared by every idea of every model answer."""
    mentions = roles.mentions(reading) if roles else []
    clauses: dict[int, tuple[str | None, dict[str, set[bool]]]] = {}
    for position, (token, key) in enumerate(zip(reading.tokens, reading.keys, strict=True)):
        if token.clause not in clauses:
            clauses[token.clause] = (_role_at(reading, position, mentions) if mentions else None, {})
        words = clauses[token.clause][1]
        for word in {key, token.word} - {""}:
            words.setdefault(word, set()).add(token.negated)
    return list(clauses.values())


def _part_cover(part: Part, clauses) -> tuple[float, float, list[str]]:
    """(share shown by the right clauses, share shown against it, the words shown)."""
    total = _weight(part) or 1.0
    best, against, shown = 0.0, 0.0, []
    for role, words in clauses:
        wrong_role = part.role is not None and role is not None and role != part.role
        right = [k for k, (neg, _) in part.keys.items() if neg in words.get(k, ())]
        flipped = [k for k, (neg, _) in part.keys.items() if k in words and neg not in words[k]]
        share = sum(part.keys[k][1] for k in right) / total
        if wrong_role:
            against = max(against, share)
        else:
            if share > best:
                best, shown = share, right
            against = max(against, sum(part.keys[k][1] for k in flipped) / total)
    return best, against, shown


def _flat_cover(idea: KeyIdea, clauses) -> float:
    weights: dict[str, float] = {}
    total = 0.0
    for part in idea.parts:
        for key, (negated, weight) in part.keys.items():
            total += weight
            if any(negated in words.get(key, ()) for role, words in clauses
                   if part.role is None or role is None or role == part.role):
                weights[key] = weight
    return sum(weights.values()) / total if total else 0.0


def score_idea(reading: Reading, idea: KeyIdea, similarity: float, clauses: Clauses) -> CriterionResult:
    """``clauses``: the answer's ``answer_clauses``."""
    covers = [_part_cover(part, clauses) for part in idea.parts]
    # the parts shown clause by clause, or the idea's words shown anywhere in the answer
    # (by clauses not said of the other thing), whichever is more
    coverage = max(sum(c[0] for c in covers) / len(covers), _flat_cover(idea, clauses))
    reversed_parts = sum(1 for best, against, _ in covers if against > best and against >= 0.5)
    shown_parts = sum(1 for best, against, _ in covers if best >= 0.5 and best >= against)
    contradicted = reversed_parts > shown_parts
    strength = max(coverage, min(1.0, similarity / SIM_FULL))
    doubts: tuple[str, ...] = ()
    if contradicted:
        share, reason = 0.0, "the answer says the opposite of this idea (or says it of the other thing compared)"
        doubts = ("fact-and-reverse",) if shown_parts else ()
    else:
        share = 1.0 if strength >= FULL else 0.5 if strength >= HALF else 0.0
        reason = f"{coverage:.0%} of the idea's words shown, similarity {similarity:.2f}"
        if share and coverage < (FULL if share == 1 else HALF):
            doubts = ("similarity-only",)
        if reversed_parts:
            doubts += ("swap",)
    words = sorted({k for _, _, shown in covers for k in shown})
    matched = [t.word for t, k in zip(reading.tokens, reading.keys, strict=True) if k in words]
    return CriterionResult(
        id=idea.id,
        awarded=idea.marks * share,
        max=idea.marks,
        description=idea.text,
        matched=tuple(dict.fromkeys(matched)),
        missing=(idea.text,) if share < 1 else (),
        misconception="the answer contradicts: " + idea.text if contradicted else None,
        similarity=round(similarity, 3),
        reason=reason,
        doubts=doubts,
        strength=0.0 if contradicted else min(1.0, 0.5 * coverage + 0.5 * strength),
    )
