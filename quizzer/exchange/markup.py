"""Bank text as the small HTML every platform shows, and numbers as plain decimals.

Moodle, Canvas and Blackboard all take question text as HTML; the bank's text is
plain (Unicode mathematics such as σ′(x) or w ← w − α·∂L/∂w, never markup). So
every piece of bank text is HTML-escaped here, once, and laid out in paragraphs
(a blank line) and line breaks; a format writer then escapes the HTML for its own
container (XML by ElementTree, GIFT by backslashes). ``html_text`` undoes
``paragraphs`` exactly, which is what the tests and an importer read back.

Numbers are written as positional decimals (``0.00005``, not ``5e-05``): every
platform's number parser reads those, and the shortest round-trip form keeps the
exported key equal to the variant's own answer.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from decimal import Decimal

from ..bank import Criterion, Explanation

__all__ = ["paragraphs", "html_text", "explanation_html", "rubric_html", "solution_html", "number",
           "xml_safe", "xml_document"]

# characters XML 1.0 cannot hold at all, even escaped (C0 controls but tab, CR, LF; lone surrogates)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def xml_document(root: ET.Element) -> bytes:
    """``root`` as an indented UTF-8 XML file with its declaration: the one way
    every XML file of an export is serialised (ElementTree escapes all text)."""
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def paragraphs(text: str) -> str:
    """Plain text as escaped HTML: ``<p>`` per paragraph, ``<br>`` per line break."""
    text = xml_safe(text.replace("\r\n", "\n").strip("\n"))
    blocks = re.split(r"\n\s*\n", text)
    return "".join(f"<p>{'<br>'.join(html.escape(line, quote=False) for line in b.split(chr(10)))}</p>"
                   for b in blocks if b)


def html_text(markup: str) -> str:
    """The plain text of ``paragraphs`` output (and of the simple HTML this module writes)."""
    text = re.sub(r"</p>\s*<p>", "\n\n", markup)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</li>\s*<li>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


def explanation_html(explanation: Explanation) -> str:
    """The teaching sections, each titled, for general feedback."""
    parts = [f"<p><strong>{html.escape(title)}</strong></p>{paragraphs(text)}"
             for title, text in explanation.sections()]
    if explanation.connections:
        parts.append(f"<p>See also: {html.escape(', '.join(explanation.connections))}</p>")
    return "".join(parts)


def _marks(value: float) -> str:
    return f"{value:g} mark" + ("" if value == 1 else "s")


def rubric_html(criteria: Iterable[Criterion], model_answers: Iterable[str]) -> str:
    """What a grader needs on the platform: each criterion with its marks and
    description, then the model answer (and any alternatives)."""
    criteria = list(criteria)
    parts = []
    if criteria:
        items = "".join(f"<li><strong>{html.escape(c.id)}</strong> ({_marks(c.marks)}): "
                        f"{html.escape(' '.join(c.description.split()), quote=False)}</li>" for c in criteria)
        parts.append(f"<p><strong>Rubric</strong></p><ul>{items}</ul>")
    else:
        parts.append("<p><strong>Rubric</strong></p><p>None: graded against the model answer alone.</p>")
    for index, answer in enumerate(model_answers):
        title = "Model answer" if index == 0 else f"Also acceptable ({index})"
        parts.append(f"<p><strong>{title}</strong></p>{paragraphs(answer)}")
    return "".join(parts)


def solution_html(lines: Iterable[str]) -> str:
    """A worked solution, one step per line."""
    return "<p><strong>Worked solution</strong></p>" + paragraphs("\n".join(lines))


def number(value: float | int, digits: int | None = None) -> str:
    """``value`` as a positional decimal; ``digits`` rounds to that many significant figures.

    Without ``digits`` the shortest text that reads back as the same float is used."""
    if isinstance(value, bool):
        raise TypeError("a yes/no answer is not a number")
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"cannot export the number {value!r}")
    text = repr(float(value)) if digits is None else f"{float(value):.{digits}g}"
    shown = format(Decimal(text), "f")
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown
