"""Shapes the shipped bank does not have yet, and determinism across processes.

No shipped family answers yes/no, but the answer type exists (``ANSWER_TYPES``),
so a made-up yes/no variant is exported to each format here.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

from quizzer.exchange import ExportSet, FamilyGroup, render
from quizzer.exchange.gift import unescape
from quizzer.exchange.items import numeric_item
from quizzer.exchange.qti import QTI_NS
from quizzer.variants import Tolerance, Variant

from .conftest import REPO, minimal_question, write_bank


@pytest.fixture
def yes_no_export(tmp_path):
    from quizzer.bank import load_bank
    from quizzer.variants import family_ids

    bank = load_bank(write_bank(tmp_path / "bank", [minimal_question("T1")]), families=family_ids())
    variant = Variant(family="is_separable", question_id="T1", seed=5, params={}, prompt="Is XOR linearly separable?",
                      answer=False, answer_type="yes/no", tolerance=Tolerance(0, 0), solution=("No: see Q1.",))
    item = numeric_item(variant, bank.get("T1"))
    group = FamilyGroup("is_separable", "T1", "Separable?", item.category, (item,), 1)
    return ExportSet(seed=1, variants=1, essays=(), families=(group,))


def test_a_yes_no_variant_is_a_true_false_question_in_each_format(yes_no_export):
    [question] = [q for q in ET.fromstring(render(yes_no_export, "moodle")).findall("question")
                  if q.get("type") != "category"]
    assert question.get("type") == "truefalse"
    fractions = {a.findtext("text"): a.get("fraction") for a in question.findall("answer")}
    assert fractions == {"true": "0", "false": "100"}

    gift = render(yes_no_export, "gift").decode()
    assert re.search(r"::T1 is_separable seed 5::\[html\]<p>Is XOR linearly separable\?</p>\{F####", gift)
    assert "No\\: see Q1." in gift and unescape("No\\: see Q1.") == "No: see Q1."

    package = zipfile.ZipFile(io.BytesIO(render(yes_no_export, "qti")))
    assessment = ET.fromstring(package.read("quizzer_export_1/quizzer_export_1.xml"))
    [condition] = [c for c in assessment.iter(f"{{{QTI_NS}}}respcondition")
                   if c.find(f"{{{QTI_NS}}}setvar") is not None]
    assert condition.findtext(f"{{{QTI_NS}}}conditionvar/{{{QTI_NS}}}varequal") == "no"


def test_the_same_seed_gives_the_same_bytes_in_processes_with_different_hash_seeds(tmp_path):
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"bank{hash_seed}.zip"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-m", "quizzer.launch", "export", "qti", "--out", str(out), "--variants",
                        "3", "--seed", "77"], check=True, capture_output=True, env=env, cwd=tmp_path)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
