"""Chart geometry for the reports' inline SVG: where each point, bar and tick goes.

The templates draw (``templates/report/charts.html``); this module only does the
arithmetic, so it can be tested without a browser and the SVG stays in one place.
Coordinates are in SVG user units inside a fixed ``viewBox``, rounded to a tenth
(the templates print them as they are); the picture scales with the page and
prints sharp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from ..words import count

__all__ = ["Tick", "Point", "Bar", "LineChart", "BarChart", "line_chart", "thin", "MAX_POINTS", "histogram",
           "bar_chart",
           "hbar_chart"]

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 40


class Tick(NamedTuple):
    at: float  # position along its axis
    label: str


class Point(NamedTuple):  # named tuples: a class report draws a hundred thousand of these
    x: float
    y: float
    label: str  # what a reader hovering or printing needs: date, value, what it was


class Bar(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    value: str  # above the bar
    title: str = ""


@dataclass(frozen=True)
class LineChart:
    points: tuple[Point, ...]
    trend: tuple[Point, ...]  # the moving average
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    x_label: str
    y_label: str
    width: int = WIDTH
    height: int = HEIGHT
    plot: tuple[float, float, float, float] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    total: int = 0  # points in the series; more than ``points`` when it was thinned

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.trend)

    @property
    def thinned(self) -> bool:
        return self.total > len(self.points)


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_label: str
    y_label: str
    width: int = WIDTH
    height: int = HEIGHT
    plot: tuple[float, float, float, float] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)


def _y(fraction: float) -> float:
    """A fraction 0-1 to a vertical position in the plot (0 at the bottom)."""
    return round((HEIGHT - BOTTOM) - fraction * (HEIGHT - BOTTOM - TOP), 1)


def _percent_ticks() -> tuple[Tick, ...]:
    return tuple(Tick(_y(v / 100), f"{v}%") for v in range(0, 101, 25))


def _date_ticks(start: datetime, end: datetime, count: int = 5) -> tuple[Tick, ...]:
    span = (end - start).total_seconds()
    shape = "%d %b" if span >= 3 * 86400 else "%d %b %H:%M"  # within a few days, the time tells them apart
    ticks = []
    for i in range(count):
        when = start + timedelta(seconds=span * i / (count - 1)) if span else start
        x = round(LEFT + (WIDTH - LEFT - RIGHT) * (i / (count - 1) if span else 0.5), 1)
        ticks.append(Tick(x, when.strftime(shape)))
        if not span:
            break
    return tuple(ticks)


MAX_POINTS = 80  # dots (and trend vertices) one line chart draws at most
STRETCHES = MAX_POINTS // 4  # a thinned series keeps up to four points of each stretch of time


def thin(xs: Sequence[float], ys: Sequence[float], stretches: int = STRETCHES) -> list[int]:
    """Which points of a long series to draw (their indexes, in order): all of
    them up to ``4 * stretches``; beyond, the time axis is cut into ``stretches``
    equal stretches and each keeps its first, last, lowest and highest point
    (the M4 rule of time-series charts), so the series' first, last, minimum and
    maximum are always drawn and its shape stays as it was. A page for a student
    with thousands of sessions stays the size of one with eighty."""
    if len(xs) <= 4 * stretches:
        return list(range(len(xs)))
    start, span = xs[0], (xs[-1] - xs[0]) or 1.0
    stretch_of = [min(int((x - start) / span * stretches), stretches - 1) for x in xs]
    kept: set[int] = set()
    first = 0
    for i in range(1, len(xs) + 1):
        if i == len(xs) or stretch_of[i] != stretch_of[first]:  # points first .. i-1 make one stretch
            part = range(first, i)
            kept.update((first, i - 1, min(part, key=ys.__getitem__), max(part, key=ys.__getitem__)))
            first = i
    return sorted(kept)


def line_chart(points: Sequence[tuple[datetime, float, str]], window: int = 5,
               x_label: str = "date", y_label: str = "score (% of marks)") -> LineChart | None:
    """Scores over time: one dot per session, and the moving average of ``window``
    sessions; a long series is thinned (``thin``), its average taken over all."""
    if not points:
        return None
    points = sorted(points, key=lambda p: p[0])
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds()

    def x(when: datetime) -> float:
        if not span:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (when - start).total_seconds() / span, 1)

    xs = [x(when) for when, _, _ in points]
    values = [value for _, value, _ in points]
    means, total = [], 0.0
    for i, value in enumerate(values):
        total += value - (values[i - window] if i >= window else 0.0)  # a running sum over the window
        means.append(total / min(i + 1, window))
    dots = tuple(Point(xs[i], _y(values[i]), f"{_day(points[i][0])}: {values[i]:.0%} ({points[i][2]})")
                 for i in thin(xs, values))
    trend = tuple(Point(xs[i], _y(means[i]), f"{_day(points[i][0])}: average {means[i]:.0%}")
                  for i in thin(xs, means))
    return LineChart(dots, trend, _date_ticks(start, end), _percent_ticks(), x_label, y_label, total=len(points))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(when: datetime) -> str:
    """``%d %b %Y`` without strftime, which is slow enough to show in a class report."""
    return f"{when.day:02d} {MONTHS[when.month - 1]} {when.year}"


def bar_chart(values: Sequence[tuple[str, float, str]], x_label: str, y_label: str) -> BarChart | None:
    """One bar per label, heights as fractions 0-1 (mastery per topic, recall per topic)."""
    if not values:
        return None
    slot = (WIDTH - LEFT - RIGHT) / len(values)
    bars = tuple(
        Bar(round(LEFT + i * slot + slot * 0.15, 1), _y(v), round(slot * 0.7, 1), round(_y(0) - _y(v), 1), label,
            f"{v:.0%}", title)
        for i, (label, v, title) in enumerate(values)
    )
    return BarChart(bars, _percent_ticks(), x_label, y_label)


def histogram(values: Sequence[float], bins: int = 10, x_label: str = "mean score (% of marks)",
              y_label: str = "students") -> BarChart | None:
    """How many values fall in each tenth of 0-1 (1.0 goes in the top bin)."""
    if not values:
        return None
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int(v * bins)))] += 1
    top = max(counts)
    step = max(1, -(-top // 4))  # about four gridlines, whole students
    ceiling = step * 4
    slot = (WIDTH - LEFT - RIGHT) / bins

    def y(count: float) -> float:
        return _y(count / ceiling)  # already rounded

    bars = tuple(
        Bar(round(LEFT + i * slot + 1, 1), y(n), round(slot - 2, 1), round(_y(0) - y(n), 1),
            f"{100 * i // bins}–{100 * (i + 1) // bins}",
            str(n) if n else "", f"{count(n, 'student')} scored {100 * i // bins}–{100 * (i + 1) // bins}%")
        for i, n in enumerate(counts)
    )
    ticks = tuple(Tick(y(c), str(c)) for c in range(0, ceiling + 1, step))
    return BarChart(bars, ticks, x_label, y_label)


HBAR_ROW, HBAR_LABEL = 20, 250


def hbar_chart(values: Sequence[tuple[str, float, str]], x_label: str) -> BarChart | None:
    """One horizontal bar per label (fractions 0-1), for long lists such as topics:
    the labels stay readable however many there are."""
    if not values:
        return None
    height = TOP + len(values) * HBAR_ROW + BOTTOM
    left, right, bottom = HBAR_LABEL, WIDTH - RIGHT - 30, height - BOTTOM
    bars = tuple(
        Bar(left, TOP + i * HBAR_ROW + 3, round(max(v, 0.0) * (right - left), 1), HBAR_ROW - 6, label, f"{v:.0%}",
            title)
        for i, (label, v, title) in enumerate(values)
    )
    ticks = tuple(Tick(round(left + (right - left) * v / 100, 1), f"{v}%") for v in range(0, 101, 25))
    return BarChart(bars, ticks, x_label, "", WIDTH, height, (left, TOP, right, bottom))
