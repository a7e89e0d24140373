"""Load a whole bank folder: every command reads questions through ``load_bank``.

A bank with any problem is refused as a whole, with every problem listed, so a
half-valid bank never reaches students. Cross-file checks (duplicate ids, unknown
topics, connections and variant families) happen here, after each file is valid.

Before any file is read, the bank as a whole is measured from ``stat``: how many
files and how many bytes. Before each file is read, where it really is: a link to
a file outside the bank folder is refused unread, because a bank shared by someone
else could point at a private file and have its lines printed in an error or shown
as a question.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from ..errors import BankError, Problem
from ..limits import MAX_BANK_BYTES, MAX_BANK_FILES
from .cache import ParseCache
from .model import Bank, Question
from .validate import build_question
from .yamlfile import YamlDoc, file_size_problem, read_yaml

__all__ = ["load_bank", "question_files", "TOPICS_FILE"]

TOPICS_FILE = "topics.yaml"


def question_files(path: Path) -> list[Path]:
    """The question files of a bank folder (or the single file given)."""
    if path.is_file():
        return [path]
    files = [p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(p for p in files if p.name != TOPICS_FILE)


def _natural_key(question: Question) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", question.id.upper()))


def _topics_path(path: Path) -> Path:
    return (path if path.is_dir() else path.parent) / TOPICS_FILE


def _bank_root(path: Path) -> Path:
    """The folder every bank file must really be in (links resolved)."""
    return (path if path.is_dir() else path.parent).resolve()


def _outside(file: Path, root: Path) -> Problem | None:
    """A problem when ``file`` is a link that resolves outside ``root``; links
    within the bank are fine. Only the file itself can be such a link: ``rglob``
    does not enter linked folders (so one ``lstat`` a file, not one per folder)."""
    if not file.is_symlink():
        return None
    target = file.resolve()
    if target.is_relative_to(root):
        return None
    return Problem(file, f"is a link to {target}, outside the bank folder {root}; it was not read. "
                         "Copy the file into the bank if it belongs there")


def _measure(path: Path, files: list[Path]) -> list[Problem]:
    """The size limits, from ``stat`` alone: checked before a byte is read. Any
    file too big, or too many files or bytes in all, refuses the bank at once."""
    if len(files) > MAX_BANK_FILES:
        return [Problem(path, f"holds {len(files):,} question files; a bank may hold at most "
                              f"{MAX_BANK_FILES:,}: split it into several banks")]
    sizes = {}
    for file in files:
        try:
            sizes[file] = file.stat().st_size
        except OSError:
            continue  # reported when the file is read
    too_big = [problem for file, size in sizes.items() if (problem := file_size_problem(file, size))]
    total = sum(sizes.values())
    if not too_big and total > MAX_BANK_BYTES:
        too_big.append(Problem(path, f"holds {total / 1e6:.1f} MB of question files; a bank may hold at most "
                                     f"{MAX_BANK_BYTES / 1e6:g} MB: split it into several banks"))
    return too_big


def _read_topics(path: Path, problems: list[Problem], cache: ParseCache | None) -> dict[str, str] | None:
    topics_path = _topics_path(path)
    if not topics_path.is_file():
        return None
    outside = _outside(topics_path, _bank_root(path))
    doc = [outside] if outside else read_yaml(topics_path, cache)
    if isinstance(doc, list):
        problems.extend(doc)
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem(topics_path, "must map each topic tag to a one-line description"))
        return None
    for tag, description in doc.data.items():
        if isinstance(description, (dict, list)):
            problems.append(Problem(topics_path, f"topic '{tag}' must have a one-line description, "
                                                 "not a list or mapping", doc.line(tag)))
    return {str(k): str(v) for k, v in doc.data.items() if not isinstance(v, (dict, list))}


def load_bank(path: Path, families: Collection[str] | None = None, cache_dir: Path | None = None) -> Bank:
    """Load and validate every question under ``path``.

    ``families`` is the set of known numeric variant family ids; when given, each
    question's ``variants`` must name only those. ``cache_dir``, when given, keeps
    the parsed files between runs (see ``cache.py``); validation runs either way.
    Raises ``BankError`` listing every problem found in every file.
    """
    path = Path(path)
    problems: list[Problem] = []
    if not path.exists():
        raise BankError([Problem(path, "does not exist; pass --bank with a folder of question YAML files")])
    files = question_files(path)
    if not files:
        raise BankError([Problem(path, "contains no question files (*.yaml)")])
    too_big = _measure(path, files)
    if too_big:
        raise BankError(too_big)
    root = _bank_root(path)
    cache = ParseCache(cache_dir, path) if cache_dir is not None else None
    topics = _read_topics(path, problems, cache)
    loaded: list[tuple[Question, YamlDoc]] = []
    in_folder = path.is_dir()  # a file named on its own was chosen by the user: it is read wherever it is
    for file in files:
        outside = _outside(file, root) if in_folder else None
        doc = [outside] if outside else read_yaml(file, cache)
        if isinstance(doc, list):
            problems.extend(doc)
            continue
        question, found = build_question(doc)
        problems.extend(found)
        if question:
            loaded.append((question, doc))
    problems.extend(_cross_checks(loaded, topics, families))
    if cache is not None:
        cache.save(keep={str(file) for file in files} | {str(_topics_path(path))})
    if problems:
        raise BankError(problems)
    return Bank(path=path, questions=tuple(sorted((q for q, _ in loaded), key=_natural_key)), topics=topics or {})


def _cross_checks(
    loaded: list[tuple[Question, YamlDoc]],
    topics: dict[str, str] | None,
    families: Collection[str] | None,
) -> list[Problem]:
    problems: list[Problem] = []
    first_seen: dict[str, Path | None] = {}
    for q, doc in loaded:
        if q.id.upper() in first_seen:
            problems.append(Problem(q.source, f"duplicate question id; {q.id} is already defined in "
                                    f"{first_seen[q.id.upper()]}", doc.line("id"), q.id, "id"))
        first_seen.setdefault(q.id.upper(), q.source)
    for q, doc in loaded:
        problems += _references(q, doc, topics, families, first_seen.keys())
    return problems


def _references(
    q: Question,
    doc: YamlDoc,
    topics: dict[str, str] | None,
    families: Collection[str] | None,
    known_ids: Collection[str],
) -> list[Problem]:
    """What one question names that does not exist: a topic, a connected question, a family."""
    problems: list[Problem] = []

    def report(message: str, *location: str | int) -> None:
        field = str(location[0]) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in location[1:])
        problems.append(Problem(q.source, message, doc.line(*location), q.id, field))

    if topics is not None:
        for index, topic in enumerate(q.topics):
            if topic not in topics:
                report(f"unknown topic '{topic}'; add it to {TOPICS_FILE} or use one listed there",
                       "topics", index)
    for index, other in enumerate(q.explanation.connections):
        if other.upper() not in known_ids:
            report(f"connects to unknown question '{other}'", "explanation", "connections", index)
    if families is not None:
        for index, family in enumerate(q.variants):
            if family not in families:
                report(f"unknown variant family '{family}'; see `quizzer variant list`", "variants", index)
    return problems
