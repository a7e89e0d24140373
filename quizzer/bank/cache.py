"""A cache of parsed question files, so that a quiz can start without parsing YAML.

PyYAML builds Python objects in pure Python: for the shipped bank that is about a
fifth of the time a quiz takes to show its first question. This cache keeps the
parsed data of each file as JSON (which, unlike pickle, cannot run code when it
is read), keyed by the file's path, size and modification time, in the instance
folder. The bank is still validated on every load; only the parsing is skipped.

A value is cached only when it survives a JSON round trip unchanged (YAML dates
or integer keys do not, so such a file is simply parsed each time). The cache is
an optimisation: a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..textfile import write_utf8

__all__ = ["ParseCache", "MISSING"]

FORMAT = 1
MISSING = object()


class ParseCache:
    def __init__(self, folder: Path, bank_path: Path) -> None:
        key = hashlib.sha256(str(Path(bank_path).resolve()).encode("utf-8")).hexdigest()[:16]
        self.file = Path(folder) / f"bank-{key}.json"
        self._entries: dict[str, Any] = self._read()
        self._changed = False

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    @staticmethod
    def _stamp(stat: os.stat_result) -> list[int]:
        return [stat.st_size, stat.st_mtime_ns]

    def get(self, path: Path, stat: os.stat_result) -> Any:
        entry = self._entries.get(str(path))
        if isinstance(entry, dict) and entry.get("stamp") == self._stamp(stat):
            return entry.get("data")
        return MISSING

    def put(self, path: Path, stat: os.stat_result, data: Any) -> None:
        try:
            if json.loads(json.dumps(data)) != data:
                return
        except (TypeError, ValueError):
            return
        self._entries[str(path)] = {"stamp": self._stamp(stat), "data": data}
        self._changed = True

    def save(self, keep: set[str]) -> None:
        """Write the cache (only files in ``keep`` stay), atomically; errors are ignored."""
        stale = set(self._entries) - keep
        if not self._changed and not stale:
            return
        for name in stale:
            del self._entries[name]
        try:
            write_utf8(self.file, json.dumps({"format": FORMAT, "files": self._entries}, ensure_ascii=False))
        except OSError:
            pass
