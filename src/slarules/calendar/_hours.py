"""Weekly opening hours: day keys (``mon``, ``mon-fri``), ``HH:MM-HH:MM`` intervals, checks.

Times are kept as minutes after local midnight of the day an interval *opens*; an interval
that ends before it starts runs overnight, so its end is above 1440 (24:00).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slarules._durations import show
from slarules._errors import Path, Problem
from slarules._suggest import did_you_mean

__all__ = [
    "DAY_NAMES",
    "Span",
    "WeekHours",
    "format_minutes",
    "parse_day_key",
    "parse_interval",
    "parse_week",
]

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_HINT = "write times as HH:MM between 00:00 and 24:00"
_INTERVAL_HINT = "write an interval as HH:MM-HH:MM, e.g. 09:00-17:30"
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")

Span = tuple[int, int]
"""``(open, close)`` in minutes after local midnight of the opening day; close may pass 1440."""


def _parse_time(text: str, *, as_end: bool) -> int:
    match = _TIME.match(text)
    if match is None:
        raise ValueError(f"{show(text.strip())} is not a time; {_TIME_HINT}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{show(text.strip())} is not a time; {_TIME_HINT}")
    if hours == 24 and not as_end:
        raise ValueError(
            f"{text.strip()!r} cannot open an interval; 24:00 may only end one, open at 00:00"
        )
    return hours * 60 + minutes


def _halves(text: str) -> tuple[str, str] | None:
    """``("09:00", "18:00")`` for ``09:00 - 18:00``: the text either side of its one dash.

    String methods, not ``re.split(r"\\s*[-–]\\s*")``, which backtracked quadratically over
    a long run of spaces (40,000 spaces took 23 s).
    """
    dashes = text.count("-") + text.count("–")
    if dashes != 1:
        return None
    at = text.find("-")
    if at < 0:
        at = text.find("–")
    return text[:at].strip(), text[at + 1 :].strip()


def parse_interval(text: str) -> Span:
    """``"09:00-12:00"`` → ``(540, 720)``; ``"22:00-06:00"`` → ``(1320, 1800)`` (overnight).

    Raises ``ValueError("message; hint")``. An empty interval (``09:00-09:00``) parses to a
    span with ``open == close``; the compiler reports it as ``empty-interval``.
    """
    if not isinstance(text, str):
        raise ValueError(f"{show(text)} is not an interval; {_INTERVAL_HINT}")
    parts = _halves(text)
    if parts is None:
        raise ValueError(f"{show(text)} is not an interval; {_INTERVAL_HINT}")
    start = _parse_time(parts[0], as_end=False)
    end = _parse_time(parts[1], as_end=True)
    if end < start or (end == 0 and start > 0):
        end += 1440
    return (start, end)


def format_minutes(minutes: int) -> str:
    """``540`` → ``"09:00"``; next-day minutes wrap (``1800`` → ``"06:00"``)."""
    if minutes != 1440:
        minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_day_key(key: str) -> tuple[int, ...]:
    """``"mon"`` → ``(0,)``; ``"mon-fri"`` → ``(0, 1, 2, 3, 4)``; ``"fri-mon"`` wraps round.

    Raises ``ValueError`` with a did-you-mean hint for anything else.
    """
    text = str(key).strip().lower()
    parts = [p.strip() for p in re.split(r"[-–]", text)]
    if len(parts) not in (1, 2):
        raise ValueError(f"{key!r} is not a day")
    indexes: list[int] = []
    for part in parts:
        short = part[:3]
        if short not in DAY_NAMES or not _is_day_word(part):
            raise ValueError(f"{key!r} is not a day")
        indexes.append(DAY_NAMES.index(short))
    if len(indexes) == 1:
        return (indexes[0],)
    first, last = indexes
    return tuple((first + i) % 7 for i in range((last - first) % 7 + 1))


_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _is_day_word(word: str) -> bool:
    return word in DAY_NAMES or word in _FULL


@dataclass(frozen=True, slots=True)
class WeekHours:
    """Opening spans for each weekday (Monday = 0), sorted, checked."""

    days: tuple[tuple[Span, ...], ...]

    @property
    def regular(self) -> tuple[Span, ...]:
        """The hours a make-up workday works: the commonest working pattern of Mon–Fri
        (the earliest weekday wins a tie), else of the whole week; ``()`` if none works."""
        for candidates in (self.days[:5], self.days):
            working = [spans for spans in candidates if spans]
            if working:
                return max(working, key=lambda s: (working.count(s), -working.index(s)))
        return ()


ALWAYS: tuple[Span, ...] = ((0, 1440),)


def parse_spans(texts: Sequence[str], where: Path) -> tuple[list[Span], list[Problem]]:
    """Parse one day's interval list, reporting empty and overlapping intervals."""
    spans: list[Span] = []
    problems: list[Problem] = []
    for i, text in enumerate(texts):
        try:
            span = parse_interval(text)
        except ValueError as exc:  # normally caught by the model already
            message, _, hint = str(exc).partition("; ")
            problems.append(Problem("bad-value", message, hint or None, (*where, i)))
            continue
        if span[0] == span[1]:
            problems.append(
                Problem(
                    "empty-interval",
                    f"{text!r} opens and closes at the same time",
                    "remove it, or write 00:00-24:00 for a whole day",
                    (*where, i),
                )
            )
            continue
        spans.append(span)
    order = sorted(range(len(spans)), key=lambda k: spans[k])
    for a, b in itertools.pairwise(order):
        if spans[b][0] < spans[a][1]:
            problems.append(_overlap(spans[a], spans[b], (*where,)))
    return sorted(spans), problems


def _overlap(first: Span, second: Span, where: Path) -> Problem:
    def show(s: Span) -> str:
        text = f"{format_minutes(s[0])}-{format_minutes(s[1])}"
        if s[1] > 1440:
            text += f" (read as overnight, to {format_minutes(s[1])} the next day)"
        return text

    return Problem(
        "overlapping-hours",
        f"{show(first)} and {show(second)} overlap",
        "merge them into one interval, or make the first close before the second opens",
        where,
    )


def parse_week(hours: str | Mapping[str, Sequence[str]]) -> tuple[WeekHours, list[Problem]]:
    """Build the weekly pattern from the ``hours`` setting; problems use paths under ``hours``."""
    if isinstance(hours, str):  # "24x7" (the model admits nothing else)
        return WeekHours(tuple(ALWAYS for _ in range(7))), []
    days: list[list[Span]] = [[] for _ in range(7)]
    named_by: dict[int, str] = {}
    problems: list[Problem] = []
    for key, texts in hours.items():
        where: Path = ("hours", key)
        try:
            indexes = parse_day_key(key)
        except ValueError:
            choices = [*DAY_NAMES, "mon-fri", "sat-sun", "mon-sat", "mon-sun"]
            problems.append(
                Problem(
                    "bad-day",
                    f"{key!r} is not a day or a range of days",
                    did_you_mean(str(key), choices)
                    or "use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri",
                    where,
                )
            )
            continue
        spans, found = parse_spans(texts, where)
        problems.extend(found)
        for index in indexes:
            if index in named_by:
                problems.append(
                    Problem(
                        "duplicate-day",
                        f"{DAY_NAMES[index]} is given by both {named_by[index]!r} and {key!r}",
                        "name each day once; use `days:` for date-specific hours",
                        where,
                    )
                )
                continue
            named_by[index] = str(key)
            days[index] = spans
    problems.extend(_overnight_overlaps(days, named_by))
    return WeekHours(tuple(tuple(d) for d in days)), problems


def _overnight_overlaps(days: list[list[Span]], named_by: dict[int, str]) -> list[Problem]:
    """An overnight interval must close before the next day's first interval opens."""
    problems: list[Problem] = []
    for index, spans in enumerate(days):
        nxt = days[(index + 1) % 7]
        if not spans or not nxt:
            continue
        spill = max(end for _, end in spans) - 1440
        if spill > nxt[0][0]:
            key = named_by.get((index + 1) % 7, DAY_NAMES[(index + 1) % 7])
            last = max(spans, key=lambda s: s[1])
            problems.append(_overlap(last, nxt[0], ("hours", key)))
    return problems
