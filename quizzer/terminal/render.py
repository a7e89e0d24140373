"""Rendering to a terminal with rich; plain text when output is piped.

rich honours ``NO_COLOR`` and drops styling when standard output is not a
terminal, so the same calls serve people and scripts. Reading from the terminal
is ``terminal.prompt``'s part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formatting import marks_text, out_of
from ..words import count

if TYPE_CHECKING:
    from rich.console import Console

    from ..bank import Question

__all__ = ["render_question_table", "render_question", "render_grade", "render_explanation", "render_outcome",
           "render_summary", "render_stats"]


def render_question_table(console: Console, questions: list[Question]) -> None:
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


def render_question(console: Console, q: Question) -> None:
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


def render_grade(console: Console, question: Question, result) -> None:
    """A graded answer: the total, each criterion with its evidence, the guards.

    The marks beside the criteria add up to the total even when a guard capped
    it, and an explanation paragraph shared by several criteria is shown once
    (see ``scoring.feedback``)."""
    from rich.markup import escape

    from ..scoring.feedback import capped, first_explanations, mark_symbol, shown_awards

    colour = "green" if result.score == result.max else "yellow" if result.score > 0 else "red"
    console.print(f"[bold {colour}]{out_of(result.score, result.max)}[/bold {colour}]"
                  f" for {escape(question.id)}. {escape(question.title)}")
    explanations = first_explanations(result.criteria)
    awards = shown_awards(result.criteria, result.score)
    for c, shown, explanation in zip(result.criteria, awards, explanations, strict=True):
        reason = c.reason + ("; the total is capped (see below)" if capped(c, shown) else "")
        console.print(f"  {mark_symbol(shown, c.max)} {escape(c.id)}  {out_of(shown, c.max)}  "
                      f"[dim]{escape(reason)}[/dim]")
        if c.matched:
            found = "found" if capped(c, shown) else "earned by"
            console.print(f"      {found}: " + escape("; ".join(f'"{m}"' for m in c.matched)))
        if c.misconception:
            console.print(f"      [red]misconception:[/red] {escape(c.misconception)}")
        elif c.awarded < c.max:
            console.print(f"      still needed: {escape(c.description)}")
        if explanation:
            console.print(f"      [dim]{escape(explanation)}[/dim]")
    for line in result.feedback.splitlines():
        if line.startswith(("The answer", "A list", "Most of", "There is no", "Only the first")):
            console.print(f"  [yellow]![/yellow] {escape(line)}")


def render_explanation(console: Console, question: Question) -> None:
    from rich.markup import escape

    for title, text in question.explanation.sections():
        console.print(f"[bold]{title}[/bold]: {escape(text)}")
    if question.explanation.connections:
        console.print(f"See also: {', '.join(question.explanation.connections)}")


def render_outcome(console: Console, presented, outcome) -> None:
    """Feedback right after an answer: marks, what earned them, the model answer."""
    from rich.markup import escape

    if outcome.skipped:
        console.print("Skipped (0 marks).")
    elif presented.numeric:
        check = outcome.result
        verdict = "[green]Correct[/green]" if outcome.full else (
            "[yellow]Partly right[/yellow]" if outcome.score > 0 else "[red]Not right[/red]")
        console.print(f"{verdict}: {out_of(outcome.score, outcome.max)}. {escape(check.feedback)}")
    else:
        render_grade(console, presented.question, outcome.result)
    if presented.numeric:
        from ..variants.check import expected_text

        console.print(f"Answer: {escape(expected_text(presented.variant))}")
        console.print("[bold]Worked solution[/bold]")
        for step in presented.variant.solution:
            console.print(f"  {escape(step)}")
    else:
        console.print(f"[bold]Model answer[/bold]: {escape(presented.question.model_answer)}")


def render_summary(console: Console, run, show_feedback: bool) -> None:
    """The end of a quiz: every item with its marks, and the total."""
    from rich.markup import escape
    from rich.table import Table

    responses = sorted(run.engine.store.responses(session_id=run.info.id), key=lambda r: r.position)
    table = Table(title=f"Quiz #{run.info.id} ({run.info.mode})", box=None, header_style="bold")
    for column in ("#", "question", "kind", "marks"):
        table.add_column(column)
    for r in responses:
        kind = r.family or "short answer"
        marks = "skipped" if r.skipped else out_of(r.score, r.max_score)
        table.add_row(str(r.position + 1), r.question_id, kind, marks)
    console.print()
    console.print(table)
    total, best = sum(r.score for r in responses), sum(r.max_score for r in responses)
    share = f" ({total / best:.0%})" if best else ""
    console.print(f"[bold]Total: {out_of(total, best)}{share}[/bold]")
    if show_feedback:
        for r in responses:
            if not r.skipped:
                console.print(f"\n[bold]{r.position + 1}. {escape(r.question_id)}[/bold]\n{escape(r.feedback)}")


def render_stats(console: Console, summary) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]{escape(summary.user)}[/bold]: {count(summary.responses, 'answer')} "
                  f"in {count(summary.sessions, 'session')}")
    if not summary.responses:
        console.print("No answers yet. Start with `quizzer quiz`.")
        return
    for title, values in (("Module", summary.modules), ("Topic", summary.mastery)):
        table = Table(box=None, header_style="bold")
        table.add_column(title)
        table.add_column("mastery", justify="right")
        table.add_column("")
        for name, value in values.items():
            table.add_row(escape(name), f"{value:.0%}", "█" * round(value * 20))
        console.print(table)
    if summary.recent:
        console.print("[bold]Recent sessions[/bold]")
        for s in summary.recent:
            state = "finished" if s["finished"] else "unfinished (quizzer quiz --resume)"
            console.print(f"  #{s['id']} {s['started_at'][:16]} {s['mode']}: "
                          f"{s['answered']}/{s['items']} answered, {state}")
    due = ", ".join(summary.due) if summary.due else "nothing"
    console.print(f"[bold]Due for review:[/bold] {due}")
    if summary.moderated:
        which = ", ".join(q for q, e in summary.questions.items() if e.get("moderated"))
        console.print(f"[bold]Marks set by a teacher:[/bold] {count(summary.moderated, 'answer')} ({escape(which)}); "
                      f"`quizzer report --user {escape(summary.user)}` shows their comments.")
