"""A cache of parsed question files, so that a quiz can start without parsing YAML.

PyYAML builds Python objects in pure Python: for the shipped bank that is about a
fifth of the time a quiz takes to show its first question. This cache keeps the
parsed data of each file as JSON (which, unlike pickle, cannot run code when it
is read), keyed by the file's path and the SHA-256 of its bytes, in the instance
folder. The bank is still validated on every load; only the parsing is skipped.

The key is the content, not the size and modification time: a file replaced by
one of the same size and time (a tar or rsync restore, an edit within the clock's
tick) would otherwise be answered with the old file's data, past the checks of
``yamlfile``. Only data that passed those checks is ever stored, and hashing the
shipped bank's bytes costs under a millisecond.

A value is cached only when it survives a JSON round trip unchanged (YAML dates
or integer keys do not, so such a file is simply parsed each time). The cache is
an optimisation: a cache that cannot be read or written, or one larger than a
bank may be, is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import QuizzerError
from ..limits import MAX_BANK_BYTES
from ..textfile import write_utf8

__all__ = ["ParseCache", "MISSING"]

FORMAT = 2  # 1 keyed files by size and time
MISSING = object()


class ParseCache:
    def __init__(self, folder: Path, bank_path: Path) -> None:
        key = hashlib.sha256(str(Path(bank_path).resolve()).encode("utf-8")).hexdigest()[:16]
        self.file = Path(folder) / f"bank-{key}.json"
        self._entries: dict[str, Any] = self._read()
        self._changed = False

    def _read(self) -> dict[str, Any]:
        try:
            if self.file.stat().st_size > 2 * MAX_BANK_BYTES:
                return {}
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    def get(self, path: Path, digest: str) -> Any:
        """The data parsed from ``path`` when its bytes had SHA-256 ``digest``, else ``MISSING``."""
        entry = self._entries.get(str(path))
        if isinstance(entry, dict) and entry.get("sha256") == digest and "data" in entry:
            return entry["data"]
        return MISSING

    def put(self, path: Path, digest: str, data: Any) -> None:
        try:
            if json.loads(json.dumps(data)) != data:
                return
        except (TypeError, ValueError, RecursionError):  # a value nested deeper than JSON goes
            return
        self._entries[str(path)] = {"sha256": digest, "data": data}
        self._changed = True

    def save(self, keep: set[str]) -> None:
        """Write the cache (only files in ``keep`` stay), atomically; errors are ignored."""
        stale = set(self._entries) - keep
        if not self._changed and not stale:
            return
        for name in stale:
            del self._entries[name]
        with contextlib.suppress(OSError, QuizzerError):  # write_utf8 words a failure as a QuizzerError
            write_utf8(self.file, json.dumps({"format": FORMAT, "files": self._entries}, ensure_ascii=False))
