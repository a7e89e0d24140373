"""Questions as plain, frozen values.

The rest of Quizzer never sees YAML: the loader turns each file into a ``Question``
and the scorer, variants, store and CLI work with these values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Criterion", "Explanation", "Sample", "Question", "Bank", "SAMPLE_KINDS", "MODERATED_KIND"]

# the kinds of answer a rubric's author writes samples of (every shipped question has each)
SAMPLE_KINDS = (
    "full",
    "paraphrase",
    "partial",
    "misconception",
    "negated",
    "keyword-stuffed",
    "off-topic",
)
# a student's answer whose marks a teacher set or confirmed (``quizzer moderate promote``):
# not a kind an author writes, so kept apart, and reported as its own kind by ``grade --evaluate``
MODERATED_KIND = "moderated"


@dataclass(frozen=True)
class Criterion:
    """One rubric line: the marks it is worth and the evidence that earns them.

    ``concepts`` holds one tuple per idea, each tuple the idea's alternative
    wordings. ``need`` ideas earn the full marks; fewer earn a proportional share.
    ``about`` names, per idea, the question's role (one of the things compared,
    such as ``l1`` or ``sigmoid``) the idea must be said of, or ``None``: the same
    words said of the other thing are a swap, not evidence.
    """

    id: str
    marks: float
    description: str
    concepts: tuple[tuple[str, ...], ...]
    misconceptions: tuple[str, ...] = ()
    need: int = 1
    about: tuple[str | None, ...] = ()  # one per concept; empty means none is about a role
    # the criterion's own role, when one of its ideas is about a role of another
    # comparison of the question (``roles:`` as a list): that idea must be said of both
    also_about: str | None = None

    def role_of(self, index: int) -> str | None:
        return self.about[index] if index < len(self.about) else None


@dataclass(frozen=True)
class Explanation:
    key_idea: str = ""
    analogy: str = ""
    mathematics: str = ""
    pitfall: str = ""
    connections: tuple[str, ...] = ()

    def sections(self) -> list[tuple[str, str]]:
        """The non-empty teaching sections, titled, in reading order."""
        named = [
            ("Key idea", self.key_idea),
            ("Analogy", self.analogy),
            ("Mathematics", self.mathematics),
            ("Common pitfall", self.pitfall),
        ]
        return [(title, text) for title, text in named if text]

    def sections_text(self) -> list[str]:
        return [text for _, text in self.sections()]


@dataclass(frozen=True)
class Sample:
    """A graded answer that calibrates the scorer: what an examiner gave it.
    ``criteria`` (criterion id, marks) and ``note`` are optional: a moderated
    answer carries the teacher's marks per criterion and who set them when."""

    text: str
    score: float
    kind: str
    criteria: tuple[tuple[str, float], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Question:
    """One short-answer question. ``rubric`` is empty for a reference-only question,
    which is then graded against ``model_answer`` alone."""

    id: str
    prompt: str
    model_answer: str
    marks: float
    title: str
    module: int | None = None
    topics: tuple[str, ...] = ()
    rubric: tuple[Criterion, ...] = ()
    explanation: Explanation = field(default_factory=Explanation)
    samples: tuple[Sample, ...] = ()
    variants: tuple[str, ...] = ()
    source: Path | None = None
    content_hash: str = ""
    # further acceptable model answers (``model_answers:`` in YAML); a reference-only
    # question is graded against whichever fits the answer best
    alternatives: tuple[str, ...] = ()
    # the things a question compares, each with the words that name it
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # when a question makes several comparisons (``roles:`` as a list of mappings), the
    # role names of each; empty when all its roles are one comparison
    role_groups: tuple[tuple[str, ...], ...] = ()

    def rivals(self, role: str) -> frozenset[str]:
        """The roles ``role`` is compared with, itself included."""
        for group in self.role_groups:
            if role in group:
                return frozenset(group)
        return frozenset(name for name, _ in self.roles)

    @property
    def reference_only(self) -> bool:
        return not self.rubric

    @property
    def model_answers(self) -> tuple[str, ...]:
        return (self.model_answer, *self.alternatives)


@dataclass(frozen=True)
class Bank:
    """All questions of a bank, in id order (Q2 before Q10)."""

    path: Path
    questions: tuple[Question, ...]
    topics: dict[str, str] = field(default_factory=dict)
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self):
        return iter(self.questions)

    def __post_init__(self) -> None:
        # ids are matched case-insensitively ("q7" finds Q7); reports look up
        # hundreds of thousands of rows, so the index is built once
        object.__setattr__(self, "_by_id", {q.id.upper(): q for q in self.questions})

    def get(self, question_id: str) -> Question | None:
        found = self._by_id.get(question_id)
        return found if found is not None else self._by_id.get(question_id.strip().upper())

    def select(
        self,
        module: int | None = None,
        topic: str | None = None,
        ids: list[str] | None = None,
    ) -> list[Question]:
        """Questions matching every filter given; ``ids`` keeps the caller's order."""
        chosen = list(self.questions)
        if ids:
            chosen = [q for q in (self.get(i) for i in ids) if q is not None]
        if module is not None:
            chosen = [q for q in chosen if q.module == module]
        if topic:
            chosen = [q for q in chosen if topic in q.topics]
        return chosen
