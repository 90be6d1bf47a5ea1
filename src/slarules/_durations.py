"""Durations, target expressions and ladder thresholds: the small languages of time.

This module only *parses*. Turning a parsed target into an instant needs a calendar and
lives in the engine; keeping the grammar here gives one home to every spelling a policy
author may write:

=============================  ==========================================================
``30m``, ``2h30m``, ``90s``    working time on the stage's calendar (``Duration``)
``PT4H``, ``P1DT2H``           ISO 8601 durations, also working time (a day is 24 hours)
``0m``                         due immediately
``5 business days``            same local time, N working days later (``BusinessDays``)
``7 days``, ``2 weeks``        same local time, N calendar days later (``CalendarDays``)
``end of business day``        the close of the working day (``EndOfBusinessDay``)
``next mon 12:00``             the next Monday at 12:00 local time (``NextWeekday``)
``3 business days before X``   counted back from event X (``Before``)
=============================  ==========================================================

Ladder thresholds: ``80%``, ``breach``, ``breach + 4h``, ``30m before breach``; recurring
steps: ``2h`` and ``end of business day``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from ._errors import PolicyError

__all__ = [
    "AtBreach",
    "AtPercent",
    "Before",
    "BusinessDays",
    "CalendarDays",
    "Duration",
    "EndOfBusinessDay",
    "EveryEndOfDay",
    "EveryInterval",
    "NextWeekday",
    "Recurrence",
    "Target",
    "Threshold",
    "format_duration",
    "parse_duration",
    "parse_every",
    "parse_target",
    "parse_threshold",
]

_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_COMPACT = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_WORDS = {
    "week": "w",
    "weeks": "w",
    "hour": "h",
    "hours": "h",
    "hr": "h",
    "hrs": "h",
    "minute": "m",
    "minutes": "m",
    "min": "m",
    "mins": "m",
    "second": "s",
    "seconds": "s",
    "sec": "s",
    "secs": "s",
}
_WORDY = re.compile(r"(\d+)\s*([a-z]+)")
_ISO = re.compile(
    r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.IGNORECASE
)
_WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_DURATION_HINT = (
    "write a duration such as 30m, 2h30m, 4h or PT4H (working time on the stage's calendar)"
)
_TARGET_HINT = (
    "write a duration (30m, 2h30m, PT4H), 'N business days', 'N days', "
    "'end of business day', 'next mon 12:00', or 'N business days before EVENT'"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of working time on the calendar in force."""

    delta: timedelta

    def __str__(self) -> str:
        return format_duration(self.delta)


@dataclass(frozen=True, slots=True)
class BusinessDays:
    """The same local time of day, ``days`` working days later."""

    days: int

    def __str__(self) -> str:
        return f"{self.days} business day" + ("" if self.days == 1 else "s")


@dataclass(frozen=True, slots=True)
class CalendarDays:
    """The same local time of day, ``days`` calendar days later, whatever the calendar."""

    days: int

    def __str__(self) -> str:
        return f"{self.days} day" + ("" if self.days == 1 else "s")


@dataclass(frozen=True, slots=True)
class EndOfBusinessDay:
    """The close of the working day that holds the start, or of the next working day."""

    def __str__(self) -> str:
        return "end of business day"


@dataclass(frozen=True, slots=True)
class NextWeekday:
    """The next given weekday at a given local time, strictly after the start."""

    weekday: int
    at: time

    def __str__(self) -> str:
        name = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.weekday]
        return f"next {name} {self.at:%H:%M}"


@dataclass(frozen=True, slots=True)
class Before:
    """Counted backwards from a later (often scheduled) event of the ticket."""

    amount: Duration | BusinessDays | CalendarDays
    event: str

    def __str__(self) -> str:
        return f"{self.amount} before {self.event}"


Target = Duration | BusinessDays | CalendarDays | EndOfBusinessDay | NextWeekday | Before


@dataclass(frozen=True, slots=True)
class AtPercent:
    """When the given fraction of the target has been used."""

    fraction: float

    def __str__(self) -> str:
        return f"{self.fraction * 100:g}%"


@dataclass(frozen=True, slots=True)
class AtBreach:
    """At the deadline, shifted by ``offset`` of working time (negative: before)."""

    offset: timedelta = timedelta(0)

    def __str__(self) -> str:
        if not self.offset:
            return "breach"
        if self.offset < timedelta(0):
            return f"{format_duration(-self.offset)} before breach"
        return f"breach + {format_duration(self.offset)}"


Threshold = AtPercent | AtBreach


@dataclass(frozen=True, slots=True)
class EveryInterval:
    """Every ``interval`` of working time after the stage starts."""

    interval: timedelta

    def __str__(self) -> str:
        return f"every {format_duration(self.interval)}"


@dataclass(frozen=True, slots=True)
class EveryEndOfDay:
    """At every close of a working day while the stage runs."""

    def __str__(self) -> str:
        return "every end of business day"


Recurrence = EveryInterval | EveryEndOfDay


def format_duration(delta: timedelta) -> str:
    """``2h30m`` style, the inverse of ``parse_duration`` for whole seconds."""
    total = int(delta.total_seconds())
    if total == 0:
        return "0m"
    sign = "-" if total < 0 else ""
    total = abs(total)
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if total >= size:
            parts.append(f"{total // size}{unit}")
            total %= size
    return sign + "".join(parts)


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _text(value: Any, what: str, hint: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PolicyError.single(
            f"bad-{what}", f"{value!r} is not a {what}; write it as text", hint=hint
        )
    if isinstance(value, int):
        raise PolicyError.single(
            f"bad-{what}", f"{value!r} has no unit", hint=f"did you mean '{value}m' or '{value}h'?"
        )
    return _norm(value)


def _duration_or_none(text: str) -> timedelta | None:
    if not text:
        return None
    m = _ISO.match(text)
    if m and text.upper() != "P" and text.upper() != "PT":
        w, d, h, mi, s = m.groups()
        return timedelta(
            weeks=int(w or 0),
            days=int(d or 0),
            hours=int(h or 0),
            minutes=int(mi or 0),
            seconds=float(s or 0),
        )
    compact = text.replace(" ", "")
    m = _COMPACT.match(compact)
    if m and any(m.groups()):
        w, d, h, mi, s = (int(g or 0) for g in m.groups())
        return timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)
    pieces = _WORDY.findall(text)
    if pieces and _WORDY.sub("", text).strip(" ,and") == "":
        total = 0
        for number, word in pieces:
            unit = _WORDS.get(word)
            if unit is None:
                return None
            total += int(number) * _UNIT_SECONDS[unit]
        return timedelta(seconds=total)
    return None


def parse_duration(value: Any) -> timedelta:
    """Parse ``30m``, ``2h30m``, ``4 hours``, ``PT4H`` into a ``timedelta`` (never negative)."""
    text = _text(value, "duration", _DURATION_HINT)
    delta = _duration_or_none(text)
    if delta is None:
        raise PolicyError.single(
            "bad-duration", f"{value!r} is not a duration", hint=_DURATION_HINT
        )
    return delta


_DAYS = re.compile(r"^(\d+)\s+(business|working|calendar)?\s*days?$")
_WEEKS = re.compile(r"^(\d+)\s+weeks?$")
_NEXT = re.compile(r"^next\s+([a-z]+)\s+(\d{1,2}):(\d{2})$")
_BEFORE = re.compile(r"^(.+?)\s+before\s+([A-Za-z_][A-Za-z0-9_.-]*)$")
_EOD = {"end of business day", "end of day", "end of working day", "eod"}


def _amount(text: str) -> Duration | BusinessDays | CalendarDays | None:
    m = _DAYS.match(text)
    if m:
        n = int(m.group(1))
        return CalendarDays(n) if m.group(2) in (None, "calendar") else BusinessDays(n)
    m = _WEEKS.match(text)
    if m:
        return CalendarDays(7 * int(m.group(1)))
    delta = _duration_or_none(text)
    return Duration(delta) if delta is not None else None


def parse_target(value: Any) -> Target:
    """Parse one target expression (see the module docstring for the grammar)."""
    original = value
    text = _text(value, "target", _TARGET_HINT)
    if text in _EOD:
        return EndOfBusinessDay()
    m = _NEXT.match(text)
    if m:
        day = _WEEKDAYS.get(m.group(1))
        hour, minute = int(m.group(2)), int(m.group(3))
        if day is None:
            raise PolicyError.single(
                "bad-target",
                f"{m.group(1)!r} in {original!r} is not a weekday",
                hint="write mon, tue, wed, thu, fri, sat or sun",
            )
        if hour > 23 or minute > 59:
            raise PolicyError.single(
                "bad-target", f"{original!r} has no valid time of day", hint="write HH:MM"
            )
        return NextWeekday(day, time(hour, minute))
    m = _BEFORE.match(value.strip())
    if m:
        amount = _amount(_norm(m.group(1)))
        if amount is None:
            raise PolicyError.single(
                "bad-target",
                f"{m.group(1).strip()!r} in {original!r} is not an amount of time",
                hint="write e.g. '3 business days before review_meeting' or '2h before EVENT'",
            )
        return Before(amount, m.group(2))
    amount = _amount(text)
    if amount is None:
        raise PolicyError.single("bad-target", f"{original!r} is not a target", hint=_TARGET_HINT)
    return amount


_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")
_BREACH_PLUS = re.compile(r"^breach\s*([+-])\s*(.+)$")
_BEFORE_BREACH = re.compile(r"^(.+?)\s+(before|after)\s+breach$")
_THRESHOLD_HINT = "write e.g. 80%, breach, 'breach + 4h' or '30m before breach'"


def parse_threshold(value: Any) -> Threshold:
    """Parse a ladder ``at:`` value: ``80%``, ``breach``, ``breach + 4h``, ``30m before breach``."""
    text = _text(value, "threshold", _THRESHOLD_HINT)
    m = _PERCENT.match(text)
    if m:
        pct = float(m.group(1))
        if not 0 < pct <= 100:
            raise PolicyError.single(
                "bad-threshold",
                f"{value!r} is outside 0% to 100%",
                hint="use 'breach + 4h' for a step after the deadline",
            )
        return AtBreach() if pct == 100 else AtPercent(pct / 100)
    if text == "breach":
        return AtBreach()
    m = _BREACH_PLUS.match(text)
    if m:
        delta = _duration_or_none(m.group(2))
        if delta is not None:
            return AtBreach(delta if m.group(1) == "+" else -delta)
    m = _BEFORE_BREACH.match(text)
    if m:
        delta = _duration_or_none(m.group(1))
        if delta is not None:
            return AtBreach(-delta if m.group(2) == "before" else delta)
    raise PolicyError.single(
        "bad-threshold", f"{value!r} is not a ladder threshold", hint=_THRESHOLD_HINT
    )


def parse_every(value: Any) -> Recurrence:
    """Parse a ladder ``every:`` value: a duration, or ``end of business day``."""
    hint = "write a duration such as 2h, or 'end of business day'"
    text = _text(value, "recurrence", hint)
    if text in _EOD:
        return EveryEndOfDay()
    delta = _duration_or_none(text)
    if delta is None:
        raise PolicyError.single("bad-recurrence", f"{value!r} is not a recurrence", hint=hint)
    if delta <= timedelta(0):
        raise PolicyError.single(
            "bad-recurrence", f"{value!r} would repeat without end", hint="use at least 1m"
        )
    return EveryInterval(delta)
