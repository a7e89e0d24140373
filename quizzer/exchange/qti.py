"""An export as an IMS QTI 1.2 package: the zip Canvas and Blackboard import.

The package holds ``imsmanifest.xml`` (an IMS content package whose one resource,
of type ``imsqti_xmlv1p2``, names the assessment file) and that file, one
``<questestinterop>`` with one ``<assessment>``. The item shapes follow what
Canvas itself exports and imports, checked against text2qti's templates
(gpoore/text2qti ``xml_assessment.py``, ``xml_imsmanifest.py``) and a Canvas
export's numeric patterns (longhornadam/QuizForge ``Canvas_QTI_Patterns.md``):

- an essay is an item with ``question_type`` ``essay_question`` in its
  ``itemmetadata``, a ``response_str``/``render_fib`` box and an ``<other/>``
  condition; the explanation is its general feedback (``itemfeedback``
  ``general_fb``). QTI 1.2 has no grader information, so the rubric and model
  answer ride in the item's metadata as ``quizzer_rubric`` (plain text, ignored by
  the platforms: set up the rubric there, or grade with ``quizzer import``);
- a numeric variant is a ``numerical_question`` with ``render_fib
  fibtype="Decimal"`` and one condition that sets ``SCORE`` to 100 when the
  answer ``<varequal>``s the key or lies within ``<vargte>``/``<varlte>`` of it:
  the bounds are the key ∓ the absolute tolerance, as Canvas writes them;
- a vector or pair answer is one item with a ``response_str`` blank per element
  (``response1``, ``response2``…), each adding its share of 100 when within its
  bounds. Canvas Classic Quizzes have no several-number type, so this is plain
  QTI 1.2 (which Blackboard grades blank by blank); Canvas imports such an item
  without numeric marking: check those after import, or use Moodle XML;
- a yes/no answer is a text blank that accepts ``yes`` or ``no`` (any case);
- each family is a ``<section>`` whose ``selection_ordering`` picks one item (a
  Canvas question group), so each student gets one variant.

The zip's entries have fixed dates and order, so the same seed gives the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from . import markup
from .items import EssayItem, ExportSet, FamilyGroup, NumericItem
from .names import identifier

__all__ = ["render", "assessment_xml", "manifest_xml", "assessment_ident", "QTI_NS", "MANIFEST_NS"]

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # a fixed date: the zip's bytes depend on its content only


def assessment_ident(export: ExportSet) -> str:
    return f"quizzer_export_{export.seed}"


def _meta(item: ET.Element, fields: list[tuple[str, str]]) -> None:
    metadata = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        field = ET.SubElement(metadata, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = markup.xml_safe(entry)


def _material(parent: ET.Element, text_html: str) -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", {"texttype": "text/html"}).text = \
        markup.xml_safe(text_html)


def _blank(presentation: ET.Element, ident: str, decimal: bool) -> None:
    response = ET.SubElement(presentation, "response_str", {"ident": ident, "rcardinality": "Single"})
    render = ET.SubElement(response, "render_fib", {"fibtype": "Decimal"} if decimal else {})
    ET.SubElement(render, "response_label", {"ident": f"answer_{ident}", "rshuffle": "No"})


def _processing(item: ET.Element) -> ET.Element:
    processing = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    general = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
    ET.SubElement(ET.SubElement(general, "conditionvar"), "other")
    ET.SubElement(general, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    return processing


def _feedback(item: ET.Element, text_html: str) -> None:
    feedback = ET.SubElement(item, "itemfeedback", {"ident": "general_fb"})
    _material(ET.SubElement(feedback, "flow_mat"), text_html)


def _essay(section: ET.Element, essay: EssayItem) -> None:
    item = ET.SubElement(section, "item", {"ident": identifier(essay.name), "title": markup.xml_safe(essay.name)})
    _meta(item, [("question_type", "essay_question"), ("points_possible", markup.number(essay.marks)),
                 ("quizzer_rubric", markup.html_text(essay.grader_html))])
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, essay.prompt_html)
    _blank(presentation, "response1", decimal=False)
    _processing(item)
    _feedback(item, essay.feedback_html)


def _range(condition: ET.Element, ident: str, value: float | int, tolerance: float) -> None:
    """``value`` exactly, or within ``tolerance`` of it: Canvas's own numeric shape."""
    either = ET.SubElement(condition, "or")
    ET.SubElement(either, "varequal", {"respident": ident}).text = markup.number(value)
    both = ET.SubElement(either, "and")
    ET.SubElement(both, "vargte", {"respident": ident}).text = markup.number(value - tolerance, digits=15)
    ET.SubElement(both, "varlte", {"respident": ident}).text = markup.number(value + tolerance, digits=15)


def _numeric(section: ET.Element, numeric: NumericItem) -> None:
    item = ET.SubElement(section, "item", {"ident": identifier(numeric.name), "title": numeric.name})
    several = numeric.several or numeric.answer_type == "yes/no"
    _meta(item, [] if several else [("question_type", "numerical_question"), ("points_possible", "1")])
    presentation = ET.SubElement(item, "presentation")
    blanks = [f"response{i + 1}" for i in range(len(numeric.parts))]
    _material(presentation, numeric.prompt_html)
    for ident in blanks:
        _blank(presentation, ident, decimal=numeric.answer_type != "yes/no")
    processing = _processing(item)
    share = markup.number(100 / len(blanks), digits=12)
    for ident, part in zip(blanks, numeric.parts, strict=True):
        condition = ET.SubElement(processing, "respcondition", {"continue": "Yes" if numeric.several else "No"})
        if isinstance(part.value, bool):
            ET.SubElement(ET.SubElement(condition, "conditionvar"), "varequal",
                          {"respident": ident, "case": "No"}).text = "yes" if part.value else "no"
        else:
            _range(ET.SubElement(condition, "conditionvar"), ident, part.value, part.tolerance)
        action = "Add" if numeric.several else "Set"
        ET.SubElement(condition, "setvar", {"action": action, "varname": "SCORE"}).text = \
            share if numeric.several else "100"
    _feedback(item, numeric.answer_html + numeric.solution_html)


def _family(parent: ET.Element, group: FamilyGroup) -> None:
    section = ET.SubElement(parent, "section", {"ident": identifier(f"{group.question_id} {group.family}"),
                                                 "title": f"{group.question_id} {group.family}"})
    selection = ET.SubElement(ET.SubElement(section, "selection_ordering"), "selection")
    ET.SubElement(selection, "selection_number").text = "1"
    ET.SubElement(ET.SubElement(selection, "selection_extension"), "points_per_item").text = "1"
    for item in group.items:
        _numeric(section, item)


def assessment_xml(export: ExportSet) -> bytes:
    """The assessment file: essays first, then one picking section per family."""
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": assessment_ident(export),
                                                    "title": f"Quizzer question bank (seed {export.seed})"})
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for essay in export.essays:
        _essay(section, essay)
    for group in export.families:
        _family(section, group)
    return markup.xml_document(root)


def _assessment_path(export: ExportSet) -> str:
    ident = assessment_ident(export)
    return f"{ident}/{ident}.xml"


def manifest_xml(export: ExportSet) -> bytes:
    """``imsmanifest.xml``: one QTI resource, the assessment file."""
    root = ET.Element("manifest", {"identifier": f"{assessment_ident(export)}_manifest", "xmlns": MANIFEST_NS})
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    path = _assessment_path(export)
    resource = ET.SubElement(resources, "resource", {"identifier": assessment_ident(export),
                                                     "type": "imsqti_xmlv1p2", "href": path})
    ET.SubElement(resource, "file", {"href": path})
    return markup.xml_document(root)


def render(export: ExportSet) -> bytes:
    """The zip package, as bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, data in (("imsmanifest.xml", manifest_xml(export)), (_assessment_path(export),
                                                                        assessment_xml(export))):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data)
    return buffer.getvalue()
