"""Writing an export to the file a teacher uploads: one entry point for the CLI.

The file is written atomically (``textfile.write_bytes``): a teacher who uploads
while an export runs gets the old file or the new one, never half of one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..bank import Bank
from ..errors import QuizzerError
from ..textfile import write_bytes
from . import gift, moodle_xml, qti
from .items import ExportSet, collect
from .selection import Selection

__all__ = ["FORMATS", "render", "export_bank", "Exported"]

# format name -> (writer, the file name ending platforms expect)
FORMATS: dict[str, tuple[Callable[[ExportSet], bytes], str]] = {
    "moodle": (moodle_xml.render, ".xml"),
    "qti": (qti.render, ".zip"),
    "gift": (gift.render, ".txt"),
}


@dataclass(frozen=True)
class Exported:
    """What was written, for the CLI's summary."""

    path: Path
    export: ExportSet
    size: int


def render(export: ExportSet, fmt: str) -> bytes:
    """The bytes of ``export`` in format ``fmt`` (one of ``FORMATS``)."""
    try:
        writer, _ = FORMATS[fmt]
    except KeyError:
        raise QuizzerError(f"Unknown export format '{fmt}'.", f"choose one of {', '.join(FORMATS)}.") from None
    return writer(export)


def _check_target(out: Path) -> None:
    if out.is_dir():
        raise QuizzerError(f"{out} is a folder; --out names the file to write.",
                           f"for example --out {out / 'questions'}.")
    if out.parent.exists() and not out.parent.is_dir():
        raise QuizzerError(f"Cannot write {out}: {out.parent} is a file, not a folder.")


def export_bank(bank: Bank, fmt: str, out: Path, selection: Selection, variants: int, seed: int) -> Exported:
    """Export the selected questions with ``variants`` variants per family to ``out``."""
    _check_target(out)
    export = collect(bank, selection, variants, seed)
    data = render(export, fmt)
    write_bytes(out, data)
    return Exported(out, export, len(data))
