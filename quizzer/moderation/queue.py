"""The review queue: which stored answers a teacher should look at, riskiest first.

A teacher has minutes, not days, so the queue holds what is most likely marked
wrong, in this order (``TIERS``):

1. what was marked 0 without being read: a numeric answer on a paper that could
   not be read, a student with no answers in a graded exam;
2. the scorer's own doubts about a free-text mark (``scoring/confidence.py``: marks
   earned only through similarity, part marks, evidence for a fact and its
   reverse, a swap, a guard that fired), least confident first;
3. marks that disagree with those of near-identical or very similar answers to
   the same question (a teacher's mark on the neighbour counts most): every
   answer to it a teacher marked, and its latest few thousand answers;
4. answers unlike the model answer and every graded sample, and answers stored
   before the scorer said how sure it was.

Answers already moderated are not in the queue (they are done; ``undo`` gives one
back). With ``everything``, every free-text answer in scope is, the confident ones
last. Near-identical answers come as one group (``groups``), so one decision
marks them all; the group's place is that of its riskiest member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..bank import Bank
from ..store import ResponseRecord
from .groups import Wording, cluster, near_pairs, wording

__all__ = ["Filters", "Item", "Group", "Queue", "build_queue", "load_queue", "TIERS", "describe", "review_size",
           "review_size_beside"]

NEIGHBOURS = 5000  # latest answers to a question (those in scope among them) compared with those in scope,
# besides the teachers' marks
TIERS = {"unreadable": 4, "absent": 4, "similarity-only": 3, "partial": 3, "fact-and-reverse": 3, "swap": 3,
         "guard": 3, "moderated-neighbour": 2.5, "group-disagrees": 2, "similar-disagrees": 2,
         "unlike-samples": 1, "not-assessed": 1}


@dataclass(frozen=True)
class Filters:
    session_id: int | None = None
    question_id: str | None = None
    user: str | None = None
    since: datetime | None = None
    everything: bool = False  # every unmoderated free-text answer in scope, not only the doubtful
    session_ids: frozenset[int] = frozenset()  # several sessions at once (a printed exam's, one per student)


@dataclass(frozen=True)
class Item:
    """One answer in the queue and why it is there."""

    response: ResponseRecord
    reasons: tuple[str, ...]

    @property
    def risk(self) -> float:
        """Its tier, plus how unsure the scorer was (0..1) within the tier."""
        tier = max((TIERS[r.split(":")[0]] for r in self.reasons), default=0)
        doubt = 1.0 - self.response.confidence if self.response.confidence is not None else 0.5
        return tier + 0.99 * doubt


@dataclass(frozen=True)
class Group:
    """Answers to one question marked with one decision."""

    number: int  # its place in the queue, from 1
    question_id: str
    items: tuple[Item, ...]

    @property
    def label(self) -> str:
        return f"G{self.number}"

    @property
    def size(self) -> int:
        return len(self.items)

    @property
    def lead(self) -> Item:
        """The member shown for the group: its riskiest, the first of those."""
        return max(self.items, key=lambda item: item.risk)

    @property
    def risk(self) -> float:
        return self.lead.risk

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for item in self.items for r in item.reasons))

    @property
    def response_ids(self) -> tuple[int, ...]:
        return tuple(item.response.id for item in self.items)

    @property
    def marks(self) -> tuple[float, ...]:
        """The members' current marks, in member order."""
        return tuple(item.response.score for item in self.items)


@dataclass(frozen=True)
class Queue:
    groups: tuple[Group, ...]
    in_scope: int = 0  # stored answers the filters matched, doubtful or not (0: a filter names nothing stored)

    @property
    def answers(self) -> int:
        return sum(g.size for g in self.groups)

    def group(self, label: str) -> Group | None:
        return next((g for g in self.groups if g.label.lower() == label.strip().lower()), None)


def describe(reason: str) -> str:
    """A review reason in words, for the terminal and the spreadsheet."""
    kind, _, detail = reason.partition(":")
    words = {
        "unreadable": "a numeric answer that could not be read was marked 0",
        "absent": "this student has no answers in the graded exam: every item was marked 0",
        "similarity-only": f"{detail}: marks earned only through similar wording, no rubric idea found",
        "partial": f"{detail}: part marks (the claim without its reason, or the reverse)",
        "fact-and-reverse": f"{detail}: evidence for the idea and a statement against it",
        "swap": f"{detail}: the idea said of the wrong one of the things compared",
        "guard": f"a guard capped the score ({detail})",
        "moderated-neighbour": f"a teacher marked a very similar answer ({detail}) differently",
        "group-disagrees": "near-identical answers in this group have different marks",
        "similar-disagrees": f"a very similar answer ({detail}) has a different mark",
        "unlike-samples": "unlike the model answer and every graded sample",
        "not-assessed": "graded before the scorer said how sure it was",
    }
    return words.get(kind, reason)


def _in_scope(r: ResponseRecord, filters: Filters) -> bool:
    return ((filters.session_id is None or r.session_id == filters.session_id)
            and (not filters.session_ids or r.session_id in filters.session_ids)
            and (filters.user is None or r.user == filters.user)
            and (filters.since is None or (r.created_at is not None and r.created_at >= filters.since)))


def _free_text(r: ResponseRecord, bank: Bank) -> bool:
    return r.family is None and bank.get(r.question_id) is not None


def _own_reasons(r: ResponseRecord, bank: Bank) -> list[str]:
    """What the stored grade itself says (the scorer's doubts, the exam's notes)."""
    stored = list(r.review_reasons or [])
    if not _free_text(r, bank):
        return [x for x in stored if x in ("unreadable", "absent")]
    if r.skipped and "absent" not in stored:
        return []  # a skipped practice answer has nothing to read
    if r.confidence is None and not stored:
        return ["not-assessed"]
    return stored


def _disagreements(answers: Sequence[ResponseRecord], wordings: Sequence[Wording]) -> dict[int, list[str]]:
    """For each answer (by index), the neighbours whose marks differ from its own."""
    by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, w in enumerate(wordings):
        if not w.empty:
            by_key[w.key].append(i)
    keys = list(by_key)
    found: dict[int, list[str]] = defaultdict(list)

    def compare(mine: Iterable[int], theirs: Sequence[int], identical: bool) -> None:
        # Each answer names the first of ``theirs`` marked otherwise. Marks are few (half steps), so that one
        # is looked for once per mark, not once per answer (n x n steps for n copies of one answer). With
        # each text read once (_question_groups), build_queue on bench/bench_moderation.py's 10,000
        # answers: median 0.51 s -> 0.35 s.
        first: dict[float, int | None] = {}
        for i in mine:
            score = answers[i].score
            if score not in first:
                first[score] = None
                for j in theirs:
                    if answers[j].score != score:
                        first[score] = j
                        break
            other = first[score]
            if other is None:
                continue
            if answers[other].moderated:
                found[i].append(f"moderated-neighbour:{answers[other].id}")
            elif identical:
                found[i].append("group-disagrees")
            else:
                found[i].append(f"similar-disagrees:{answers[other].id}")

    for members in by_key.values():
        compare(members, members, True)
    for a, b, _similarity in near_pairs([wordings[by_key[k][0]] for k in keys]):
        compare(by_key[keys[a]], by_key[keys[b]], False)
        compare(by_key[keys[b]], by_key[keys[a]], False)
    return found


def _question_groups(question_id: str, answers: list[ResponseRecord], bank: Bank,
                     filters: Filters) -> list[tuple[str, tuple[Item, ...]]]:
    read: dict[str, Wording] = {}  # a class writes one answer many times: each text is read once
    wordings = [read[r.answer] if r.answer in read else read.setdefault(r.answer, wording(r.answer))
                for r in answers]
    neighbours = _disagreements(answers, wordings)
    open_ = [i for i, r in enumerate(answers) if not r.moderated and _in_scope(r, filters)]
    items: dict[int, Item] = {}
    for i in open_:
        reasons = _own_reasons(answers[i], bank) + list(dict.fromkeys(neighbours.get(i, [])))
        items[i] = Item(answers[i], tuple(dict.fromkeys(reasons)))
    groups = []
    for members in cluster([wordings[i] for i in open_]):
        group = tuple(items[open_[m]] for m in members)
        if filters.everything or any(item.reasons for item in group):
            groups.append((question_id, group))
    return groups


def build_queue(bank: Bank, answers: Iterable[ResponseRecord], filters: Filters = Filters()) -> Queue:
    """The queue over ``answers`` (every stored answer to the questions in scope:
    answers outside the filters still count as neighbours)."""
    free: dict[str, list[ResponseRecord]] = defaultdict(list)
    singles: list[tuple[str, tuple[Item, ...]]] = []
    for r in answers:
        if filters.question_id is not None and r.question_id != filters.question_id:
            continue
        if _free_text(r, bank) and not (r.skipped and "absent" in (r.review_reasons or [])):
            free[r.question_id].append(r)
        elif not r.moderated and _in_scope(r, filters):
            reasons = _own_reasons(r, bank)
            if reasons:
                singles.append((r.question_id, (Item(r, tuple(reasons)),)))
    found = list(singles)
    for question_id, stored in free.items():
        found.extend(_question_groups(question_id, stored, bank, filters))
    found.sort(key=lambda g: (-max(item.risk for item in g[1]), g[0], g[1][0].response.id))
    return Queue(tuple(Group(n, qid, items) for n, (qid, items) in enumerate(found, start=1)))


def load_queue(bank: Bank, store, filters: Filters = Filters(), brief: bool = False) -> Queue:
    """The queue for ``filters``, read from ``store``: the answers in scope, and as
    their neighbours every answer to their questions that a teacher marked and the
    ``NEIGHBOURS`` latest ones (``Store.neighbours``). A ``brief`` queue's
    answers carry no criteria or feedback: enough to count and order them."""
    scoped = store.responses(session_id=filters.session_id, user=filters.user, question_id=filters.question_id,
                             since=filters.since, session_ids=filters.session_ids or None, brief=brief)
    questions = sorted({r.question_id for r in scoped
                        if r.family is None and bank.get(r.question_id) is not None})
    if filters.session_id is None and filters.user is None and filters.since is None and not filters.session_ids:
        everyone = scoped
    else:
        mine: dict[str, list[int]] = defaultdict(list)
        for r in scoped:
            mine[r.question_id].append(r.id)
        everyone = list(scoped)
        for question_id in questions:
            everyone.extend(store.neighbours(question_id, NEIGHBOURS, exclude=mine[question_id]))
    return replace(build_queue(bank, everyone, filters), in_scope=len(scoped))


def review_size(bank: Bank, store, session_ids: Iterable[int]) -> tuple[int, int]:
    """How many of these sessions' answers the review queue holds, and in how many
    groups: what ``exam grade`` tells the teacher once the marks are stored."""
    queue = load_queue(bank, store, Filters(session_ids=frozenset(session_ids)), brief=True)
    return queue.answers, len(queue.groups)


def _review_size_in(bank: Bank, url: str, session_ids: tuple[int, ...]) -> tuple[int, int]:
    from ..store import Store

    with Store(url) as own:  # a forked worker's own connection: the inherited ones are the parent's
        return review_size(bank, own, session_ids)


def review_size_beside(bank: Bank, store, session_ids: Iterable[int]) -> Callable[[], tuple[int, int]]:
    """``review_size`` counted in a worker process while this one goes on (an
    exam's marks.csv and result pages take as long as its queue: 2.9 and 3.3 s for
    2,000 students), returned as what waits for it. A store in memory is seen by
    this process only, so it is counted here, when waited for."""
    from ..config import sqlite_path
    from ..parallel import beside

    ids = tuple(sorted(session_ids))
    if store.url.startswith("sqlite") and sqlite_path(store.url) is None:
        return lambda: review_size(bank, store, ids)
    return beside(_review_size_in, bank, store.url, ids)
