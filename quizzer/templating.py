"""The Jinja environment for sheets and reports.

Templates come from the shipped ``templates/`` folder; a teacher's own folder
(``QUIZZER_TEMPLATES``, read by ``config.user_templates``) is searched first, so
any template can be overridden by copying it there. Autoescaping is on for every template and undefined names are
errors, so student text can never become markup and a typo in a template fails
loudly instead of printing nothing.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .config import resource_path, user_templates
from .formatting import answer_text, marks_text

__all__ = ["environment", "render", "macro"]


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _fixed(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _when(value) -> str:
    return value.strftime("%d %b %Y %H:%M UTC") if value else "–"


def _day(value) -> str:
    return value.strftime("%d %b %Y") if value else "–"


def _duration(seconds: float | None) -> str:
    if not seconds:
        return "0 min"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _shell(value: str) -> str:
    """A name as it must be typed in a shell command (quoted when it needs to be)."""
    import shlex

    return shlex.quote(str(value))


@lru_cache(maxsize=4)
def environment(user_templates: str | None = None) -> Environment:
    loaders = []
    if user_templates:
        loaders.append(FileSystemLoader(user_templates))
    loaders.append(FileSystemLoader(str(resource_path("templates"))))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(marks=marks_text, answer=answer_text, percent=_percent, fixed=_fixed, when=_when, day=_day,
                       duration=_duration, shell=_shell)
    return env


def render(template: str, **context) -> str:
    user = user_templates()
    return environment(str(user) if user else None).get_template(template).render(**context)


def macro(template: str, name: str):
    """A macro of a template, to call from Python (it returns markup): a piece drawn
    once and placed on many pages. None when the template (a teacher's own copy)
    has no such macro."""
    user = user_templates()
    return getattr(environment(str(user) if user else None).get_template(template).module, name, None)
