"""``quizzer report``: HTML progress reports for a student or a whole class."""

from __future__ import annotations

from pathlib import Path

import click

from ..words import count
from .context import AppContext, pass_app
from .quiz import default_user


@click.command()
@click.option("--user", metavar="NAME", help="Write this student's report [default: yours, by login name].")
@click.option("--class", "whole_class", is_flag=True, help="Write the teacher's report on every student.")
@click.option("--session", "session_id", type=click.IntRange(1, 2**31 - 1), metavar="ID",
              help="With --class: only this session; an exam's session covers the whole exam.")
@click.option("--out", type=click.Path(dir_okay=True, file_okay=True, path_type=Path),
              help="Where to write: an .html file for --user [report.html], a folder for --class [class-report].")
@click.option("--student-pages/--no-student-pages", default=True, show_default=True,
              help="With --class: also write every student's own report (the slow part for a large class).")
@click.option("--open", "open_browser", is_flag=True, help="Open the report in the web browser afterwards.")
@pass_app
def report(app: AppContext, user: str | None, whole_class: bool, session_id: int | None, out: Path | None,
           student_pages: bool, open_browser: bool) -> None:
    """Write an HTML progress report: a student's (--user NAME, or yours) or the class's (--class).

    Reports are single files with their charts inline: they open without a
    network or JavaScript, and print as they look. A class report is a folder:
    index.html, the student table sorted by each column, students.csv and a
    page per student.
    """
    from ..quiz.session import utcnow
    from ..reports import class_report, student_report
    from ..reports.write import check_class_folder, check_report_file

    if user and whole_class:
        raise click.UsageError("Give either --user NAME or --class, not both.")
    if not whole_class:
        user = user or default_user()
    if session_id is not None and not whole_class:
        raise click.UsageError("--session goes with --class.")
    if user:
        out = out or Path("report.html")
        if out.is_dir():
            raise click.UsageError(f"--out {out} is a folder; give a file name such as {out / 'report.html'}.")
        check_report_file(out)  # before the store is read
        target = student_report(app.bank(), app.reading_store(), user, out, utcnow())
        click.echo(f"Wrote {target}")
    else:
        out = out or Path("class-report")
        if out.exists() and not out.is_dir():
            raise click.UsageError(f"--out {out} is a file; a class report needs a folder.")
        check_class_folder(out)
        written = class_report(app.bank(), app.reading_store(), out, utcnow(), session_id=session_id,
                               student_pages=student_pages)
        target = written[0]
        pages = sum(1 for p in written if p.parent == out / "students")
        click.echo(f"Wrote {target} with {count(pages, 'student page')} and {out / 'students.csv'}")
    if open_browser:
        import webbrowser

        if not webbrowser.open(target.resolve().as_uri()):
            click.echo("No web browser could be started; open the file above yourself.", err=True)
