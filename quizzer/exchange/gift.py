"""An export as GIFT, Moodle's plain-text question format, for what GIFT can hold.

GIFT writes a question as ``::name::[html]text{answer}``: an essay is ``{}``
(with ``####feedback`` inside for its general feedback), a numerical question
``{#value:tolerance}`` (the tolerance absolute, as in Moodle XML), a true/false
one ``{T}`` or ``{F}``; ``$CATEGORY:`` lines switch the category. Its special
characters ``~ = # { } :`` (and the backslash) are escaped with a backslash
wherever bank text appears, and text is written as one-line HTML, because a blank
line ends a question.

What GIFT cannot hold is said in the file's leading comment and left out, never
half-written: an essay's grader information (the rubric and model answer; GIFT
has no such field), an essay's marks (GIFT has no default mark: set them in the
quiz), and answers of several numbers (vectors and pairs; GIFT has no cloze), for
which the Moodle XML export is the way.
"""

from __future__ import annotations

import re

from . import markup
from .items import EssayItem, ExportSet, FamilyGroup, NumericItem

__all__ = ["render", "escape", "unescape"]

_SPECIAL = re.compile(r"([\\~=#{}:])")
_ESCAPED = re.compile(r"\\([\\~=#{}:])")


def escape(text: str) -> str:
    """``text`` with GIFT's special characters backslash-escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def unescape(text: str) -> str:
    """The text ``escape`` was given (newlines aside)."""
    return _ESCAPED.sub(r"\1", text)


def _essay(item: EssayItem) -> str:
    return f"::{escape(item.name)}::[html]{escape(item.prompt_html)}{{####{escape(item.feedback_html)}}}"


def _numeric(item: NumericItem) -> str:
    part = item.parts[0]
    if isinstance(part.value, bool):
        key = "T" if part.value else "F"
    else:
        key = f"#{markup.number(part.value)}:{markup.number(part.tolerance, digits=12)}"
    feedback = escape(item.answer_html + item.solution_html)
    return f"::{escape(item.name)}::[html]{escape(item.prompt_html)}{{{key}####{feedback}}}"


def _heading(export: ExportSet, left_out: list[FamilyGroup]) -> list[str]:
    lines = [f"// Exported by Quizzer: {len(export.essays)} essay and "
             f"{export.numeric_count - sum(len(g.items) for g in left_out)} numerical questions, "
             f"seed {export.seed}.",
             "// Names: 'Q7 essay: title' and 'Q7 family seed N' (the variant's own seed); see the README.",
             "// What GIFT cannot express, and what this file does instead:",
             "//  - grader information: each essay's rubric (criteria with marks) and model answer are left",
             "//    out; GIFT has no field for them. Export to Moodle XML to have them in 'Information for graders'.",
             "//  - marks: GIFT has no default mark, so each question imports worth 1; set the marks in the quiz.",
             "//  - answers of several numbers (vectors, pairs): GIFT has no cloze question, so these are left out."]
    if left_out:
        lines.append("//    Left out here: " + ", ".join(f"{g.question_id} {g.family}" for g in left_out)
                     + " (export to Moodle XML for them).")
    else:
        lines.append("//    None in this export.")
    return lines


def render(export: ExportSet) -> bytes:
    """The whole export as one GIFT file (UTF-8 bytes)."""
    left_out = [g for g in export.families if any(item.several for item in g.items)]
    skipped = {g.family for g in left_out}
    blocks = ["\n".join(_heading(export, left_out))]
    current = None
    for essay in export.essays:
        if essay.category != current:
            current = essay.category
            blocks.append(f"$CATEGORY: {current}")
        blocks.append(_essay(essay))
    for group in export.families:
        if group.family in skipped:
            continue
        blocks.append(f"$CATEGORY: {group.category}")
        blocks.extend(_numeric(item) for item in group.items)
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
