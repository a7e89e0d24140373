"""``quizzer info``: where this Quizzer keeps things, so nobody has to guess.

The store does not depend on the folder a command is run from; this command
shows where it is (and the bank, and the bank's cache) without opening or
creating anything.
"""

from __future__ import annotations

import click

from .context import AppContext, pass_app
from .output import echo_json


def _where(app: AppContext) -> dict[str, str]:
    from ..config import sqlite_path
    from ..store.engine import display_url

    settings = app.settings
    path = sqlite_path(settings.db_url)
    return {
        "bank": str(settings.bank_path),
        "database": str(path) if path is not None else display_url(settings.db_url),
        "instance": str(settings.instance_path),
        "cache": str(settings.cache_path),
    }


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON with the keys bank, database, instance, cache.")
@pass_app
def info(app: AppContext, as_json: bool) -> None:
    """Show where the bank, the progress store and the bank cache are."""
    where = _where(app)
    if as_json:
        echo_json(where)
        return
    database = where["database"]
    if app.settings.is_default_db:
        created = app.settings.default_db_path.exists()
        database += "  (your progress store" + ("" if created else ", not created yet") + ")"
    click.echo(f"Question bank:   {where['bank']}")
    click.echo(f"Progress store:  {database}")
    click.echo(f"Instance folder: {where['instance']}  (QUIZZER_INSTANCE)")
    click.echo(f"Bank cache:      {where['cache']}")
