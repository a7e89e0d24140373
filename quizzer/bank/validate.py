"""Check one question document and build a ``Question`` from it.

Validation collects every problem in a file rather than stopping at the first,
and names each by line and field, because a teacher editing YAML by hand wants one
list of everything to fix.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
import reprlib
from typing import Any

from ..errors import Problem
from ..limits import MAX_MARKS, MAX_MODULE, MAX_SAMPLES
from .model import MODERATED_KIND, SAMPLE_KINDS, Criterion, Explanation, Question, Sample
from .yamlfile import YamlDoc

__all__ = ["build_question", "content_hash", "QUESTION_FIELDS"]

QUESTION_FIELDS = (
    "id", "module", "title", "topics", "marks", "prompt", "model_answer", "model_answers",
    "roles", "rubric", "explanation", "samples", "variants",
)
CRITERION_FIELDS = ("id", "marks", "description", "need", "about", "concepts", "misconceptions")
CONCEPT_FIELDS = ("about", "wordings")
EXPLANATION_FIELDS = ("key_idea", "analogy", "mathematics", "pitfall", "connections")
SAMPLE_FIELDS = ("text", "score", "kind", "criteria", "note")
KINDS = (*SAMPLE_KINDS, MODERATED_KIND)
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")
CRITERION_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

# A wrong value is quoted in its message, shortened: a 500 kB list or a list nested
# 900 deep (which plain repr cannot print) is shown as its first few items.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 60, 60
_show = _SHORT.repr


def content_hash(prompt: str, model_answer: str, marks: float, rubric: tuple[Criterion, ...],
                 alternatives: tuple[str, ...] = (), roles: tuple = (), role_groups: tuple = ()) -> str:
    """A short fingerprint of what grading depends on.

    Stored with every answer and printed exam, so a later edit to the prompt, the
    rubric or the model answer is noticed (and can be regraded) rather than silently
    mixing old and new marking.
    """
    payload = {
        "prompt": prompt,
        "model_answer": model_answer,
        "marks": float(marks),
        "rubric": [
            {
                "id": c.id,
                "marks": float(c.marks),
                "description": c.description,
                "need": c.need,
                "concepts": [list(alts) for alts in c.concepts],
                "misconceptions": list(c.misconceptions),
                **({"about": list(c.about)} if any(c.about) else {}),
            }
            for c in rubric
        ],
    }
    # added later: left out when unused, so the hashes of existing questions stay the same
    if alternatives:
        payload["model_answers"] = list(alternatives)
    if roles:
        payload["roles"] = {name: list(words) for name, words in roles}
    if role_groups:
        payload["role_groups"] = [list(group) for group in role_groups]
        payload["also_about"] = [c.also_about for c in rubric]
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


class _Checker:
    """Collects problems for one file, each with its line and field."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.question_id: str | None = None

    def add(self, location: tuple[Any, ...], message: str) -> None:
        field = _field_name(location)
        self.problems.append(
            Problem(self.doc.path, message, self.doc.line(*location), self.question_id, field or None)
        )

    def unknown_keys(self, mapping: dict, allowed: tuple[str, ...], location: tuple[Any, ...]) -> None:
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
                self.add(location + (key,), f"unknown field {_show(key)}{hint}")

    def text(self, mapping: dict, key: str, location: tuple[Any, ...], required: bool = True) -> str:
        value = mapping.get(key)
        if value is None:
            if required:
                self.add(location + (key,), "missing required field")
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.add(location + (key,), "must be non-empty text")
            return ""
        return " ".join(value.split()) if key != "mathematics" else value.strip()

    def marks(self, value: Any, location: tuple[Any, ...], allow_zero: bool = False) -> float:
        """A number of marks: finite, in half marks, from 0.5 (or 0) to ``MAX_MARKS``.
        The bounds come first, so ``.inf`` or ``1e308`` is a message, not an overflow."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(location, f"must be a number of marks, not {_show(value)}")
            return 0.0
        low = 0 if allow_zero else 0.5
        # an int may be too large for a float (10**400), a float not finite: bounds first
        in_range = (isinstance(value, int) or math.isfinite(value)) and low <= value <= MAX_MARKS
        if not in_range or (value * 2) != int(value * 2):
            self.add(location, f"must be {low:g} to {MAX_MARKS} in steps of 0.5, not {_show(value)}")
            return 0.0
        return float(value)

    def string_list(self, value: Any, location: tuple[Any, ...]) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(location, "must be a list")
            return ()
        out = []
        for index, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.add(location + (index,), "must be non-empty text")
                continue
            out.append(" ".join(item.split()))
        return tuple(out)


def _field_name(location: tuple[Any, ...]) -> str:
    name = ""
    for part in location:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def build_question(doc: YamlDoc) -> tuple[Question | None, list[Problem]]:
    """Validate one document; return the question (if usable) and its problems."""
    check = _Checker(doc)
    data = doc.data
    if not isinstance(data, dict):
        check.add((), "must be a mapping of fields (id, prompt, model_answer, marks, ...)")
        return None, check.problems
    raw_id = data.get("id")
    if isinstance(raw_id, str) and ID_PATTERN.match(raw_id):
        check.question_id = raw_id
    elif raw_id is None:
        check.add(("id",), "missing required field")
    else:
        check.add(("id",), f"must be a short name of letters, digits, '-' or '_', not {_show(raw_id)}")
    check.unknown_keys(data, QUESTION_FIELDS, ())
    prompt = check.text(data, "prompt", ())
    model_answer, alternatives = _model_answers(check, data)
    roles, role_groups = _roles(check, data.get("roles"))
    marks = check.marks(data.get("marks"), ("marks",)) if "marks" in data else 0.0
    if "marks" not in data:
        check.add(("marks",), "missing required field")
    rubric = _rubric(check, data.get("rubric"), marks, {name for name, _ in roles})
    full = bool(rubric) or "rubric" in data
    module = _module(check, data, required=full)
    title = check.text(data, "title", (), required=full) or _title_from(prompt)
    topics = check.string_list(data.get("topics"), ("topics",))
    if full and not topics:
        check.add(("topics",), "a question with a rubric needs at least one topic")
    explanation = _explanation(check, data.get("explanation"))
    samples = _samples(check, data.get("samples"), marks, rubric)
    variants = check.string_list(data.get("variants"), ("variants",))
    if check.problems:
        return None, check.problems
    question = Question(
        id=check.question_id or "",
        prompt=prompt,
        model_answer=model_answer,
        marks=marks,
        title=title,
        module=module,
        topics=topics,
        rubric=rubric,
        explanation=explanation,
        samples=samples,
        variants=variants,
        source=doc.path,
        content_hash=content_hash(prompt, model_answer, marks, rubric, alternatives, roles, role_groups),
        alternatives=alternatives,
        roles=roles,
        role_groups=role_groups,
    )
    return question, []


def _model_answers(check: _Checker, data: dict) -> tuple[str, tuple[str, ...]]:
    """``model_answer`` (one text) and/or ``model_answers`` (a list): the first is the
    one shown to students, the others are further answers that earn full marks."""
    first = check.text(data, "model_answer", (), required="model_answers" not in data)
    others = check.string_list(data.get("model_answers"), ("model_answers",))
    if "model_answers" in data and not others and not first:
        check.add(("model_answers",), "must list at least one model answer")
    answers = ([first] if first else []) + [a for a in others if a != first]
    for index, answer in enumerate(answers):
        if not re.search(r"\w", answer):
            field = ("model_answer",) if index == 0 and first else ("model_answers",)
            check.add(field, f"model answer {answer!r} has no words, so nothing could be graded against it")
    return (answers[0] if answers else ""), tuple(answers[1:])


def _roles(check: _Checker, value: Any) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, ...], ...]]:
    """The roles and how they are grouped: one mapping is one comparison; a list of
    mappings is several ("perceptron or MLP", and also "XOR or AND/OR"), and an idea
    about a role is then attributed only among the roles of its own comparison."""
    if value is None:
        return (), ()
    groups = value if isinstance(value, list) else [value]
    roles: list[tuple[str, tuple[str, ...]]] = []
    names: list[tuple[str, ...]] = []
    for index, group in enumerate(groups):
        loc = ("roles", index) if isinstance(value, list) else ("roles",)
        if not isinstance(group, dict) or len(group) < 2:
            check.add(loc, "must map at least two role names (the things compared) to the words that name them"
                      + ("; a list of roles holds one such mapping per comparison" if isinstance(value, list) else ""))
            continue
        members = []
        for name, words in group.items():
            if not isinstance(name, str) or not CRITERION_ID_PATTERN.match(name):
                check.add((*loc, name), f"a role name must be kebab-case, such as 'l1' or 'sigmoid', not {_show(name)}")
                continue
            if any(name == known for known, _ in roles):
                check.add((*loc, name), f"role {_show(name)} is named in two comparisons; give each its own name")
                continue
            wordings = check.string_list(words, (*loc, name))
            if not wordings:
                check.add((*loc, name), "list the words that name this role")
            roles.append((name, wordings))
            members.append(name)
        names.append(tuple(members))
    return tuple(roles), (tuple(names) if len(names) > 1 else ())


def _title_from(prompt: str) -> str:
    words = prompt.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")


def _module(check: _Checker, data: dict, required: bool) -> int | None:
    value = data.get("module")
    if value is None:
        if required:
            check.add(("module",), "missing required field")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MODULE:
        check.add(("module",), f"must be a whole number from 1 to {MAX_MODULE}, not {_show(value)}")
        return None
    return value


def _rubric(check: _Checker, value: Any, marks: float, roles: set[str]) -> tuple[Criterion, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        check.add(("rubric",), "must be a non-empty list of criteria (or left out entirely)")
        return ()
    criteria = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        criterion = _criterion(check, item, ("rubric", index), seen, roles)
        if criterion:
            criteria.append(criterion)
    total = sum(c.marks for c in criteria)
    if len(criteria) == len(value) and marks and abs(total - marks) > 1e-9:
        check.add(("rubric",), f"criteria marks add up to {total:g}, but the question is worth {marks:g}")
    return tuple(criteria)


def _criterion(check: _Checker, item: Any, loc: tuple[Any, ...], seen: set[str], roles: set[str]) -> Criterion | None:
    if not isinstance(item, dict):
        check.add(loc, "each criterion must be a mapping with id, marks, description, concepts")
        return None
    before = len(check.problems)
    check.unknown_keys(item, CRITERION_FIELDS, loc)
    cid = item.get("id")
    if not isinstance(cid, str) or not CRITERION_ID_PATTERN.match(cid):
        check.add(loc + ("id",), f"must be a kebab-case name such as 'linear-boundary', not {_show(cid)}")
    elif cid in seen:
        check.add(loc + ("id",), f"duplicate criterion id '{cid}'")
    else:
        seen.add(cid)
    marks = check.marks(item.get("marks"), loc + ("marks",))
    description = check.text(item, "description", loc)
    default_role = _role_name(check, item.get("about"), loc + ("about",), roles)
    concepts, about = _concepts(check, item.get("concepts"), loc + ("concepts",), roles)
    also_about = default_role if any(role and role != default_role for role in about) else None
    about = tuple(role or default_role for role in about)
    misconceptions = check.string_list(item.get("misconceptions"), loc + ("misconceptions",))
    need = item.get("need", 1)
    if isinstance(need, bool) or not isinstance(need, int) or need < 1 or (concepts and need > len(concepts)):
        check.add(loc + ("need",), f"must be a whole number from 1 to the number of concepts ({len(concepts)}), "
                                   f"not {_show(need)}")
    if len(check.problems) > before or not isinstance(cid, str):
        return None
    return Criterion(cid, marks, description, concepts, misconceptions, need,
                     about if any(about) else (), also_about)


def _role_name(check: _Checker, value: Any, loc: tuple[Any, ...], roles: set[str]) -> str | None:
    if value is None:
        return None
    if value not in roles:
        known = ", ".join(sorted(roles)) or "none: add a 'roles' mapping to the question"
        check.add(loc, f"unknown role {_show(value)}; the question's roles are: {known}")
        return None
    return value


def _concepts(check: _Checker, value: Any, loc: tuple[Any, ...],
              roles: set[str]) -> tuple[tuple[tuple[str, ...], ...], tuple[str | None, ...]]:
    """Each concept is a phrase, a list of alternative phrases, or a mapping
    ``{about: ROLE, wordings: [...]}`` for an idea that must be said of one role."""
    if not value:
        check.add(loc, "a criterion needs at least one concept (the words that evidence it)")
        return (), ()
    if not isinstance(value, list):
        check.add(loc, "must be a list of concepts, each a phrase or a list of alternative phrases")
        return (), ()
    out, about = [], []
    for index, item in enumerate(value):
        role = None
        if isinstance(item, dict):
            check.unknown_keys(item, CONCEPT_FIELDS, loc + (index,))
            role = _role_name(check, item.get("about"), loc + (index, "about"), roles)
            item = item.get("wordings")
        alternatives = check.string_list(item, loc + (index,))
        if alternatives:
            out.append(alternatives)
            about.append(role)
        elif not isinstance(item, list) or not item:
            check.add(loc + (index,), "a concept must be a phrase, a non-empty list of phrases, "
                                      "or {about: ROLE, wordings: [...]}")
    return tuple(out), tuple(about)


def _explanation(check: _Checker, value: Any) -> Explanation:
    if value is None:
        return Explanation()
    if not isinstance(value, dict):
        check.add(("explanation",), "must be a mapping with key_idea, analogy, mathematics, pitfall, connections")
        return Explanation()
    check.unknown_keys(value, EXPLANATION_FIELDS, ("explanation",))
    texts = {key: check.text(value, key, ("explanation",), required=False) for key in EXPLANATION_FIELDS[:4]}
    connections = check.string_list(value.get("connections"), ("explanation", "connections"))
    return Explanation(connections=connections, **texts)


def _samples(check: _Checker, value: Any, marks: float, rubric: tuple[Criterion, ...]) -> tuple[Sample, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.add(("samples",), "must be a list of {text, score, kind}")
        return ()
    if len(value) > MAX_SAMPLES:
        check.add(("samples",), f"lists {len(value):,} samples; a question may have at most {MAX_SAMPLES} "
                                "(keep the ones that teach the scorer something)")
        return ()
    out = []
    for index, item in enumerate(value):
        loc = ("samples", index)
        if not isinstance(item, dict):
            check.add(loc, "each sample must be a mapping with text, score and kind")
            continue
        check.unknown_keys(item, SAMPLE_FIELDS, loc)
        text = check.text(item, "text", loc)
        score = check.marks(item.get("score"), loc + ("score",), allow_zero=True)
        if marks and score > marks:
            check.add(loc + ("score",), f"is {score:g}, more than the question's {marks:g} marks")
        kind = item.get("kind", "full")
        if kind not in KINDS:
            check.add(loc + ("kind",), f"must be one of {', '.join(KINDS)}, not {_show(kind)}")
        criteria = _sample_criteria(check, item.get("criteria"), loc + ("criteria",), rubric, score)
        note = check.text(item, "note", loc, required=False)
        out.append(Sample(text, score, str(kind), criteria, note))
    return tuple(out)


def _sample_criteria(check: _Checker, value: Any, loc: tuple[Any, ...], rubric: tuple[Criterion, ...],
                     score: float) -> tuple[tuple[str, float], ...]:
    """A sample's marks per criterion (``{criterion id: marks}``), as a moderated
    answer carries them: each a criterion of the rubric, within its marks, and
    together the sample's score, so the file cannot say two things."""
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        check.add(loc, "must map criterion ids to marks, such as {linear-boundary: 1}")
        return ()
    maxima = {c.id: c.marks for c in rubric}
    out = []
    for cid, given in value.items():
        if cid not in maxima:
            check.add(loc + (cid,), f"{_show(cid)} is not a criterion of the rubric "
                                    f"({', '.join(maxima) or 'which has none'})")
            continue
        mark = check.marks(given, loc + (cid,), allow_zero=True)
        if mark > maxima[cid]:
            check.add(loc + (cid,), f"is {mark:g}, more than the criterion's {maxima[cid]:g} marks")
        out.append((str(cid), mark))
    if len(out) == len(value) and abs(sum(m for _, m in out) - score) > 1e-9:
        check.add(loc, f"add up to {sum(m for _, m in out):g}, not the sample's score of {score:g}")
    return tuple(out)
