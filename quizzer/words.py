"""Counted words for people: "1 session", "2 sessions", never "1 sessions".

Reports, the ``stats`` output and command messages count many things; one helper
keeps the grammar right everywhere (a template gets it as ``count``).
"""

from __future__ import annotations

__all__ = ["count", "plural"]


def plural(n: float, word: str, many: str | None = None) -> str:
    """``word`` as it goes with ``n``: the singular for exactly one, else ``many``
    (by default ``word`` + "s")."""
    return word if n == 1 else (many if many is not None else word + "s")


def count(n: float, word: str, many: str | None = None) -> str:
    """``n`` and the word that goes with it; whole numbers get thousands separators."""
    shown = f"{n:,}" if isinstance(n, int) else f"{n:g}"
    return f"{shown} {plural(n, word, many)}"
