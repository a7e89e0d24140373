"""An export as Moodle XML: essays, numerical questions and cloze questions in categories.

The elements follow what Moodle's importer reads (``question/format/xml/format.php``
in moodle/moodle, checked for this module): ``import_headers`` requires
``<name><text>`` (it stops with "xmlimportnoname" without it) and reads
``questiontext``, ``generalfeedback``, ``defaultgrade``, ``penalty`` and
``idnumber``; ``import_essay`` reads ``responseformat``, ``responserequired``,
``responsefieldlines``, ``attachments``, ``attachmentsrequired``, ``graderinfo``
and ``responsetemplate``; ``import_numerical`` indexes ``answer`` directly (so a
numerical question must have one) and reads each answer's ``fraction``
attribute, ``<text>`` and ``<tolerance>`` (absolute), then the unit fields;
``import_multianswer`` parses the cloze codes out of ``questiontext``; a
``<question type="category">`` switches the category for the questions after it.

Each short-answer question is an ``essay`` whose grader information holds the
rubric and the model answer and whose general feedback holds the explanation.
Each numeric variant is a ``numerical`` question (a ``cloze`` one with a
``{1:NUMERICAL:=value:tolerance}`` part per element for a vector or pair, a
``truefalse`` one for yes/no) whose general feedback is its worked solution,
and each family has its own category, so that a quiz's "random question from
category" gives each student one variant. Text goes through ElementTree, which
escapes it (``</text>]]>`` and ``<script>`` arrive as text, not markup); output is
UTF-8 and its order is the export's, so the same seed gives the same bytes.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from . import markup
from .items import EssayItem, ExportSet, NumericItem

__all__ = ["render", "cloze_text"]

NUMERICAL_PENALTY = "0.3333333"  # Moodle's own default for a question tried again


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    """``<tag format="fmt"><text>text</text></tag>``, the shape of every Moodle text field."""
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = markup.xml_safe(text)
    return element


def _value(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _category(quiz: ET.Element, path: str, info: str) -> None:
    question = ET.SubElement(quiz, "question", {"type": "category"})
    _text(question, "category", path, fmt=None)
    _text(question, "info", info)


def _header(quiz: ET.Element, kind: str, name: str, text_html: str, feedback_html: str, grade: str,
            penalty: str, idnumber: str) -> ET.Element:
    question = ET.SubElement(quiz, "question", {"type": kind})
    _text(question, "name", name, fmt=None)
    _text(question, "questiontext", text_html)
    _text(question, "generalfeedback", feedback_html)
    _value(question, "defaultgrade", grade)
    _value(question, "penalty", penalty)
    _value(question, "hidden", "0")
    _value(question, "idnumber", idnumber)
    return question


def _essay(quiz: ET.Element, item: EssayItem) -> None:
    question = _header(quiz, "essay", item.name, item.prompt_html, item.feedback_html, markup.number(item.marks),
                       "0", f"{item.question_id}-essay")
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"), ("responsefieldlines", "10"),
                       ("attachments", "0"), ("attachmentsrequired", "0")):
        _value(question, tag, value)
    _text(question, "graderinfo", item.grader_html)
    _text(question, "responsetemplate", "")
    if item.tags:
        tags = ET.SubElement(question, "tags")
        for tag in item.tags:
            _text(tags, "tag", tag, fmt=None)


def _idnumber(item: NumericItem) -> str:
    return f"{item.question_id}-{item.family}-{item.seed}"


def _numerical(quiz: ET.Element, item: NumericItem) -> None:
    feedback = item.answer_html + item.solution_html
    question = _header(quiz, "numerical", item.name, item.prompt_html, feedback, "1", NUMERICAL_PENALTY,
                       _idnumber(item))
    part = item.parts[0]
    answer = ET.SubElement(question, "answer", {"fraction": "100", "format": "moodle_auto_format"})
    _value(answer, "text", markup.number(part.value))
    _value(answer, "tolerance", markup.number(part.tolerance, digits=12))
    _text(answer, "feedback", "")
    for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "3"),
                       ("unitsleft", "0")):
        _value(question, tag, value)


def _truefalse(quiz: ET.Element, item: NumericItem) -> None:
    feedback = item.answer_html + item.solution_html
    question = _header(quiz, "truefalse", item.name, item.prompt_html, feedback, "1", "1", _idnumber(item))
    correct = bool(item.parts[0].value)
    for answer_text, right in (("true", correct), ("false", not correct)):
        answer = ET.SubElement(question, "answer",
                               {"fraction": "100" if right else "0", "format": "moodle_auto_format"})
        _value(answer, "text", answer_text)
        _text(answer, "feedback", "")


def cloze_text(item: NumericItem) -> str:
    """The cloze question text: the prompt, then one NUMERICAL blank per element.

    Moodle finds blanks by the pattern ``{N:TYPE:...}`` in the text itself, so a
    literal brace in the prompt is written as the entity ``&#123;``/``&#125;``:
    shown the same, never taken for a blank."""
    prompt = item.prompt_html.replace("{", "&#123;").replace("}", "&#125;")
    lines = [f"<p>{html.escape(_label(item, i))} {{1:NUMERICAL:={markup.number(p.value)}:"
             f"{markup.number(p.tolerance, digits=12)}}}</p>" for i, p in enumerate(item.parts)]
    return prompt + "".join(lines)


def _label(item: NumericItem, index: int) -> str:
    if item.answer_type == "pair":
        return ("First value:", "Second value:")[index] if index < 2 else f"Value {index + 1}:"
    return f"Element {index + 1}:"


def _cloze(quiz: ET.Element, item: NumericItem) -> None:
    question = ET.SubElement(quiz, "question", {"type": "cloze"})
    _text(question, "name", item.name, fmt=None)
    _text(question, "questiontext", cloze_text(item))
    _text(question, "generalfeedback", item.answer_html + item.solution_html)
    _value(question, "penalty", NUMERICAL_PENALTY)
    _value(question, "hidden", "0")
    _value(question, "idnumber", _idnumber(item))


def _variant(quiz: ET.Element, item: NumericItem) -> None:
    if item.several:
        _cloze(quiz, item)
    elif item.answer_type == "yes/no":
        _truefalse(quiz, item)
    else:
        _numerical(quiz, item)


def render(export: ExportSet) -> bytes:
    """The whole export as one Moodle XML file (UTF-8 bytes)."""
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" Exported by Quizzer: seed {export.seed}, up to {export.variants} variants per "
                           "family. Names: 'Q7 essay: title', 'Q7 family seed N' (see the README). "))
    current = None
    for essay in export.essays:
        if essay.category != current:
            current = essay.category
            _category(quiz, current, f"<p>{html.escape(essay.question_id)}: {html.escape(essay.title)}</p>")
        _essay(quiz, essay)
    for group in export.families:
        _category(quiz, group.category, f"<p>{len(group.items)} variants of {html.escape(group.title)} "
                                        f"({html.escape(group.family)}): a random question from this category "
                                        "gives each student one.</p>")
        for item in group.items:
            _variant(quiz, item)
    return markup.xml_document(quiz)
