"""Small output helpers shared by the commands: JSON and console setup."""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["echo_json", "console"]


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON; non-ASCII text stays readable."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def console():
    """A rich console that honours NO_COLOR and falls back to plain text in pipes."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)
