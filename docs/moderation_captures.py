"""Make the README's screen captures of moderation: the terminal flow and the
spreadsheet round trip, run for real on a demo class and photographed with
headless Chromium.

    .venv/bin/python docs/moderation_captures.py

Needs Debian's chromium. The class is a few students' answers to Q1 and Q3 in
this file, graded by the real scorer; the keys a teacher types are scripted
and echoed, so the capture shows what a teacher sees.
"""

from __future__ import annotations

import csv
import html
import io
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from rich.console import Console

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from screenshots import shoot  # noqa: E402  (the same Chromium call as the report pictures)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLASS = {"Q1": ["XOR is not linearly separable", "xor is not linearly seperable!",
                "A perceptron draws one straight line and XOR needs two, so it never converges.",
                "XOR is linearly separable if you train long enough", "no idea"],
         "Q3": ["Stacking linear layers collapses into one linear layer.",
                "stacking linear layers collapses into one linear layer",
                "Stacking linear layers collapses into one linear layer!",
                "it is still linear so depth adds nothing", "more layers always help"]}
KEYS = ["p", "3", "c", "The idea is right; say why the layers collapse: W2(W1x) = (W2W1)x.", "s", "1.5",
        "a", "u", "a", "q"]


def fill(url: str) -> None:
    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.scoring import Scorer
    from quizzer.store import NewResponse, Store, confidence_of

    bank = load_bank(resource_path("questions"))
    scorer = Scorer(bank)
    with Store(url) as store:
        n = 0
        for qid, texts in CLASS.items():
            question = bank.get(qid)
            for text in texts:
                n += 1
                session = store.start_session(f"student{n:02d}", kind="quiz", mode="practice", seed=1,
                                              plan=[{"question_id": qid}], settings={}, now=NOW)
                result = scorer.grade(question, text)
                store.record(session.id, NewResponse(0, qid, question.content_hash, text, result.score, result.max,
                                                     [c.to_json() for c in result.criteria], result.feedback,
                                                     **confidence_of(result)), NOW)


class Echo(io.StringIO):
    """Scripted keys, shown as if typed (a terminal echoes them)."""

    def __init__(self, keys: list[str], console: Console) -> None:
        super().__init__("".join(k + "\n" for k in keys))
        self.console = console

    def readline(self, *args: object) -> str:  # type: ignore[override]
        line = super().readline()
        self.console.print(line.rstrip("\n"), markup=False, highlight=False)
        return line


def page(title: str, body: str) -> str:
    return (f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
            "<style>body{margin:0;background:#1e1e1e;color:#ddd;font:13px 'DejaVu Sans Mono',monospace}"
            "pre{margin:16px;white-space:pre-wrap}table{border-collapse:collapse;margin:16px;background:#fff;"
            "color:#111;font:12px 'DejaVu Sans',sans-serif}td,th{border:1px solid #bbb;padding:3px 6px;"
            "max-width:260px;vertical-align:top}th{background:#e8e8e8}td.filled{background:#fff3b0}</style>"
            f"{body}")


def terminal_capture(url: str, out: Path, work: Path) -> None:
    from quizzer.moderation.queue import load_queue
    from quizzer.terminal.moderate import TerminalModeration
    from quizzer.terminal.prompt import Reader

    from quizzer.bank import load_bank
    from quizzer.config import resource_path
    from quizzer.store import Store

    console = Console(record=True, width=110, force_terminal=True, color_system="standard", highlight=False)
    console.print("$ quizzer moderate --question Q3", markup=False, highlight=False)
    with Store(url) as store:
        from quizzer.moderation.queue import Filters

        queue = load_queue(load_bank(resource_path("questions")), store, Filters(question_id="Q3", everything=True))
        reader = Reader(Echo(KEYS, console), True, console)
        TerminalModeration(queue, store, console, reader, "ms-okafor", lambda: NOW).play()
    shown = console.export_html(inline_styles=True, code_format="<pre>{code}</pre>")
    (work / "terminal.html").write_text(page("quizzer moderate", shown), encoding="utf-8")
    shoot(work / "terminal.html", out, 1500, work / "profile")


def sheet_capture(url: str, out: Path, work: Path) -> None:
    from quizzer.cli import cli

    runner = CliRunner()
    sheet = Path("queue.csv")
    exported = runner.invoke(cli, ["--db", url, "moderate", "export", "--question", "Q1", "--all",
                                   "--out", "queue.csv"])
    with sheet.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    rows[0].update(new_mark="1", comment="Right fact; now say why no line works.")
    rows[1]["new_mark:xor-not-separable"] = "0"
    with sheet.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    imported = runner.invoke(cli, ["--db", url, "moderate", "import", "queue.csv", "--moderator", "ms-okafor"])
    shown = [c for c in rows[0] if c not in ("users", "reasons")]
    filled = {(0, "new_mark"), (0, "comment"), (1, "new_mark:xor-not-separable")}
    table = "<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in shown) + "</tr>"
    for i, row in enumerate(rows):
        table += "<tr>" + "".join(f"<td class={'filled' if (i, c) in filled else 'x'}>{html.escape(row[c])}</td>"
                                  for c in shown) + "</tr>"
    table += "</table>"
    log = (f"$ quizzer moderate export --question Q1 --all --out queue.csv\n{exported.output}"
           f"(queue.csv opened in a spreadsheet, the yellow cells filled in)\n")
    after = f"$ quizzer moderate import queue.csv\n{imported.output}"
    body = f"<pre>{html.escape(log)}</pre>{table}<pre>{html.escape(after)}</pre>"
    (work / "sheet.html").write_text(page("moderate export / import", body), encoding="utf-8")
    shoot(work / "sheet.html", out, 640, work / "profile", width=1500)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        os.chdir(work)  # the commands shown name queue.csv, not a temporary path
        url = f"sqlite:///{work / 'demo.sqlite3'}"
        fill(url)
        terminal_capture(url, HERE / "moderate-terminal.png", work)
        sheet_capture(url, HERE / "moderate-sheet.png", work)


if __name__ == "__main__":
    sys.exit(main())
