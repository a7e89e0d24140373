"""QTI 1.2 export: a valid zip whose manifest names the assessment, Canvas's item shapes, the quiz's keys.

Element names checked against IMS QTI 1.2 as Canvas writes it (text2qti's
templates, a Canvas export's numeric items): ``questestinterop/assessment/section/
item``, ``itemmetadata/qtimetadata/qtimetadatafield`` with ``question_type``,
``presentation/material/mattext``, ``response_str/render_fib``,
``resprocessing/respcondition/conditionvar`` with ``varequal``/``vargte``/``varlte``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from quizzer.exchange import Selection, collect, render
from quizzer.exchange.markup import html_text
from quizzer.exchange.qti import MANIFEST_NS, QTI_NS
from quizzer.variants import family_ids

from .export_helpers import assert_close, expected_parts, hostile_bank, variant_from_name

Q = {"q": QTI_NS}


def unpack(data: bytes):
    package = zipfile.ZipFile(io.BytesIO(data))
    assert package.testzip() is None
    manifest = ET.fromstring(package.read("imsmanifest.xml"))
    [resource] = manifest.iter(f"{{{MANIFEST_NS}}}resource")
    assert resource.get("type") == "imsqti_xmlv1p2"
    href = resource.get("href")
    assert href in package.namelist()
    assert resource.find(f"{{{MANIFEST_NS}}}file").get("href") == href
    return ET.fromstring(package.read(href))


@pytest.fixture(scope="module")
def assessment(shipped_bank):
    return unpack(render(collect(shipped_bank, Selection(), variants=3, seed=21), "qti"))


def metadata(item) -> dict[str, str]:
    return {f.findtext("q:fieldlabel", namespaces=Q): f.findtext("q:fieldentry", default="", namespaces=Q)
            for f in item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", Q)}


def test_the_package_holds_one_assessment_with_every_essay_and_a_picking_section_per_family(assessment,
                                                                                            shipped_bank):
    assert assessment.tag == f"{{{QTI_NS}}}questestinterop"
    [root] = assessment.findall("q:assessment/q:section", Q)
    essays = root.findall("q:item", Q)
    assert [metadata(i)["question_type"] for i in essays] == ["essay_question"] * len(shipped_bank)
    assert [metadata(i)["points_possible"] for i in essays] == [f"{q.marks:g}" for q in shipped_bank]
    families = root.findall("q:section", Q)
    assert len(families) == len(family_ids())
    for section in families:
        assert section.findtext("q:selection_ordering/q:selection/q:selection_number", namespaces=Q) == "1"
        assert len(section.findall("q:item", Q)) == 3
    idents = [i.get("ident") for i in assessment.iter(f"{{{QTI_NS}}}item")]
    assert len(idents) == len(set(idents))


def test_an_essay_keeps_its_rubric_in_metadata_and_its_explanation_as_feedback(assessment, shipped_bank):
    item = next(i for i in assessment.iter(f"{{{QTI_NS}}}item") if i.get("title").startswith("Q7 essay"))
    question = shipped_bank.get("Q7")
    assert question.rubric[0].id in metadata(item)["quizzer_rubric"]
    assert item.find("q:presentation/q:response_str/q:render_fib", Q) is not None
    feedback = item.findtext("q:itemfeedback/q:flow_mat/q:material/q:mattext", namespaces=Q)
    assert question.explanation.key_idea in html_text(feedback)


def test_every_numeric_blank_accepts_exactly_the_quizs_tolerance_around_its_answer(assessment):
    checked = 0
    for item in assessment.iter(f"{{{QTI_NS}}}item"):
        if "seed" not in item.get("title"):
            continue
        variant = variant_from_name(item.get("title"))
        parts = expected_parts(variant)
        conditions = [c for c in item.iterfind("q:resprocessing/q:respcondition", Q)
                      if c.find("q:setvar", Q) is not None]
        assert len(conditions) == len(parts)
        for index, (condition, (value, tolerance)) in enumerate(zip(conditions, parts, strict=True)):
            ident = f"response{index + 1}"
            assert item.find(f"q:presentation/q:response_str[@ident='{ident}']/q:render_fib", Q).get("fibtype") \
                == "Decimal"
            assert_close(condition.findtext("q:conditionvar/q:or/q:varequal", namespaces=Q), value)
            low = condition.find("q:conditionvar/q:or/q:and/q:vargte", Q)
            high = condition.find("q:conditionvar/q:or/q:and/q:varlte", Q)
            assert low.get("respident") == high.get("respident") == ident
            assert_close(low.text, value - tolerance)
            assert_close(high.text, value + tolerance)
        if len(parts) == 1:
            assert metadata(item)["question_type"] == "numerical_question"
            assert conditions[0].findtext("q:setvar", namespaces=Q) == "100"
        else:
            shares = [float(c.findtext("q:setvar", namespaces=Q)) for c in conditions]
            assert abs(sum(shares) - 100) < 1e-6
        checked += 1
    assert checked == 3 * len(family_ids())


def test_hostile_text_arrives_escaped_and_reads_back_the_same(tmp_path):
    bank = hostile_bank(tmp_path / "bank")
    data = render(collect(bank, Selection(), variants=1, seed=3), "qti")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("quizzer_export_3/quizzer_export_3.xml")
    assert b"<script>" not in xml and b"]]>" not in xml
    assessment = unpack(data)
    essay = next(assessment.iter(f"{{{QTI_NS}}}item"))
    assert essay.get("title") == "T1 essay: Tags </text>]]> & {braces}: ~=#"
    text = essay.findtext("q:presentation/q:material/q:mattext", namespaces=Q)
    assert "<script>" not in text and html_text(text) == bank.get("T1").prompt


def test_the_same_seed_gives_the_same_zip_bytes(shipped_bank):
    first = render(collect(shipped_bank, Selection(questions=("Q1", "Q3")), variants=2, seed=5), "qti")
    again = render(collect(shipped_bank, Selection(questions=("Q1", "Q3")), variants=2, seed=5), "qti")
    assert first == again
    assert first != render(collect(shipped_bank, Selection(questions=("Q1", "Q3")), variants=2, seed=6), "qti")
