"""The shipped bank is complete: every course question, as the document asks it,
with a rubric, a model answer, an explanation and graded samples of every kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizzer.bank import SAMPLE_KINDS

from .conftest import SHIPPED_BANK

PROMPTS = dict(
    line.split("\t", 1)
    for line in (Path(__file__).parent / "data" / "document_prompts.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
)
IDS = [f"Q{i}" for i in range(1, 21)]


def test_all_twenty_questions_in_their_modules(shipped_bank):
    assert [q.id for q in shipped_bank] == IDS
    assert all(q.module == (1 if int(q.id[1:]) <= 8 else 2) for q in shipped_bank)
    for q in shipped_bank:
        assert q.source.parent.name == f"module{q.module}"
        assert q.source.name == f"{q.id.lower()}.yaml"


@pytest.mark.parametrize("qid", IDS)
def test_prompt_matches_the_document(shipped_bank, qid):
    assert shipped_bank.get(qid).prompt == PROMPTS[qid]


@pytest.mark.parametrize("qid", IDS)
def test_question_is_complete(shipped_bank, qid):
    q = shipped_bank.get(qid)
    assert q.marks == 2
    assert sum(c.marks for c in q.rubric) == 2
    assert all(c.concepts and c.misconceptions for c in q.rubric)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", q.model_answer) if s]
    assert 3 <= len(sentences) <= 6, f"{qid} model answer has {len(sentences)} sentences"
    e = q.explanation
    assert e.key_idea and e.analogy and e.mathematics and e.pitfall and e.connections
    assert qid not in e.connections
    assert len(q.variants) >= 2


@pytest.mark.parametrize("qid", IDS)
def test_samples_cover_every_kind(shipped_bank, qid):
    q = shipped_bank.get(qid)
    assert len(q.samples) >= 8
    assert {s.kind for s in q.samples} == set(SAMPLE_KINDS)
    assert len({s.text for s in q.samples}) == len(q.samples), "duplicate sample text"
    assert {s.score for s in q.samples} >= {0, 2}, "samples should span the scale"


def test_topics_are_all_used_and_described(shipped_bank):
    used = {t for q in shipped_bank for t in q.topics}
    assert used <= set(shipped_bank.topics)
    assert len(used) >= 15


def test_bank_folder_has_no_stray_files():
    names = {p.name for p in SHIPPED_BANK.rglob("*") if p.is_file()}
    assert names == {"README.md", "topics.yaml"} | {f"q{i}.yaml" for i in range(1, 21)}
