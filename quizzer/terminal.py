"""Rendering to a terminal with rich; plain text when output is piped.

rich honours ``NO_COLOR`` and drops styling when standard output is not a
terminal, so the same calls serve people and scripts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from .bank import Question

__all__ = ["render_question_table", "render_question", "marks_text"]


def marks_text(value: float) -> str:
    return f"{value:g}"


def render_question_table(console: "Console", questions: "list[Question]") -> None:
    from rich.table import Table

    if not questions:
        console.print("No questions match.")
        return
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("id", "module", "marks", "title", "topics", "variants"):
        table.add_column(column, no_wrap=column in ("id", "module", "marks"))
    for q in questions:
        table.add_row(
            q.id,
            str(q.module or "-"),
            marks_text(q.marks),
            q.title,
            ", ".join(q.topics),
            str(len(q.variants)),
        )
    console.print(table)
    total = sum(q.marks for q in questions)
    console.print(f"\n{len(questions)} questions, {marks_text(total)} marks")


def render_question(console: "Console", q: "Question") -> None:
    """A question as a teacher reads it: prompt, rubric, model answer, explanation."""
    from rich.markup import escape

    module = f"Module {q.module} · " if q.module else ""
    console.print(f"[bold]{escape(q.id)}. {escape(q.title)}[/bold]")
    console.print(f"{module}{marks_text(q.marks)} marks · topics: {escape(', '.join(q.topics) or '-')}"
                  f" · hash {q.content_hash}\n")
    console.print(escape(q.prompt) + "\n")
    if q.rubric:
        console.print("[bold]Rubric[/bold]")
        for c in q.rubric:
            console.print(f"  [{marks_text(c.marks)}] [cyan]{escape(c.id)}[/cyan]: {escape(c.description)}")
            for alternatives in c.concepts:
                console.print(f"      evidence: {escape(' | '.join(alternatives))}")
            if c.misconceptions:
                console.print(f"      cancelled by: {escape('; '.join(c.misconceptions))}")
        console.print()
    else:
        console.print("[bold]Rubric[/bold]\n  (none: graded against the model answer alone)\n")
    console.print("[bold]Model answer[/bold]")
    console.print("  " + escape(q.model_answer) + "\n")
    for title, text in q.explanation.sections():
        console.print(f"[bold]{title}[/bold]")
        console.print("  " + escape(text) + "\n")
    if q.explanation.connections:
        console.print(f"See also: {', '.join(q.explanation.connections)}")
    if q.variants:
        console.print(f"Numeric variants: {', '.join(q.variants)}")
    if q.samples:
        console.print(f"Graded samples: {len(q.samples)}")


def render_grade(console: "Console", question: "Question", result) -> None:
    """A graded answer: the total, each criterion with its evidence, the guards."""
    from rich.markup import escape

    colour = "green" if result.score == result.max else "yellow" if result.score > 0 else "red"
    console.print(f"[bold {colour}]{marks_text(result.score)}/{marks_text(result.max)}[/bold {colour}]"
                  f" for {escape(question.id)}. {escape(question.title)}")
    for c in result.criteria:
        mark = "✓" if c.awarded == c.max else "½" if c.awarded > 0 else "✗"
        console.print(f"  {mark} {escape(c.id)}  {marks_text(c.awarded)}/{marks_text(c.max)}  "
                      f"[dim]{escape(c.reason)}[/dim]")
        if c.matched:
            console.print("      earned by: " + escape("; ".join(f'"{m}"' for m in c.matched)))
        if c.misconception:
            console.print(f"      [red]misconception:[/red] {escape(c.misconception)}")
        elif c.awarded < c.max:
            console.print(f"      still needed: {escape(c.description)}")
        if c.explanation:
            console.print(f"      [dim]{escape(c.explanation)}[/dim]")
    for line in result.feedback.splitlines():
        if line.startswith(("The answer", "A list", "Most of", "There is no")):
            console.print(f"  [yellow]![/yellow] {escape(line)}")
