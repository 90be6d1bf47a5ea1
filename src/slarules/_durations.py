"""Durations, target expressions and ladder thresholds: the small languages of time.

This module only *parses*. Turning a parsed target into an instant needs a calendar and
lives in the engine; keeping the grammar here gives one home to every spelling a policy
author may write:

=============================  ==========================================================
``30m``, ``2h30m``, ``90s``    working time on the stage's calendar (``Duration``)
``PT4H``, ``P1DT2H``           ISO 8601 durations, also working time (a day is 24 hours)
``0m``                         due immediately
``5 business days``            the working time of N working days (``BusinessDays``)
``7 days``, ``2 weeks``        the working time of N calendar days (``CalendarDays``)
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
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ._errors import PolicyError

__all__ = [
    "MAX_DAYS",
    "MIN_INTERVAL",
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
    "show",
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
    r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?$", re.IGNORECASE
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
    """A budget: the working time from the start (on a day off, the next opening) to the
    same local time ``days`` working days later."""

    days: int

    def __str__(self) -> str:
        return f"{self.days} business day" + ("" if self.days == 1 else "s")


@dataclass(frozen=True, slots=True)
class CalendarDays:
    """A budget: the working time from the start (outside working hours, the next opening)
    to the same local time ``days`` calendar days later."""

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
            f"bad-{what}", f"{show(value)} is not a {what}; write it as text", hint=hint
        )
    if isinstance(value, int):
        if value.bit_length() > 60:
            raise _too_large(f"bad-{what}", value)
        raise PolicyError.single(
            f"bad-{what}", f"{value!r} has no unit", hint=f"did you mean '{value}m' or '{value}h'?"
        )
    return _norm(value)


MAX_DAYS = 999_999_999
"""The longest duration, target, offset or interval a policy may write, in days (24 hours):
the most a ``timedelta`` holds, some 2.7 million years. Deadlines past 9999-12-31 are a
``TicketError`` at evaluation; this limit only keeps the numbers representable."""

_MAX_SECONDS = MAX_DAYS * 86400
_MAX_DIGITS = 20  # more digits than any allowed amount needs (86399999913600 seconds has 14)
_LONG_NUMBER = re.compile(rf"\d{{{_MAX_DIGITS + 1}}}")
_LIMIT_HINT = (
    f"the longest allowed is {MAX_DAYS} days ({MAX_DAYS}d, about 2.7 million years); "
    "SLA targets are hours or days"
)
MIN_INTERVAL = timedelta(minutes=1)
"""The shortest ``every:`` interval (see docs/decisions.md)."""


def show(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for a message, shortened; safe for numbers of any size."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 60:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "…" + text[-4:]


class _TooLarge(Exception):
    """A number in a duration beyond ``MAX_DAYS``."""


def _too_large(code: str, value: Any) -> PolicyError:
    return PolicyError.single(code, f"{show(value)} is too long", hint=_LIMIT_HINT)


def _count(digits: str, unit_seconds: int = 1) -> int:
    """``int(digits)`` times the unit, refusing what no duration may be."""
    if len(digits) > _MAX_DIGITS:
        raise _TooLarge
    total = int(digits) * unit_seconds
    if total > _MAX_SECONDS:
        raise _TooLarge
    return total


def _seconds(whole: str, fraction: str | None) -> timedelta:
    """``PT…S`` seconds, with up to microsecond precision (rounded half to even)."""
    micro = 0
    if fraction:
        scaled = Decimal("0." + fraction[:_MAX_DIGITS]).scaleb(6)
        micro = int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))
    return timedelta(seconds=_count(whole), microseconds=micro)


def _duration_or_none(text: str) -> timedelta | None:
    """The working time ``text`` says, ``None`` when it is not a duration; raises
    ``_TooLarge`` beyond ``MAX_DAYS``. Every pattern here runs in time linear in ``text``:
    numbers are at most ``_MAX_DIGITS`` long before any pattern with ``\\d+`` is tried."""
    if not text:
        return None
    if _LONG_NUMBER.search(text):
        raise _TooLarge
    m = _ISO.match(text)
    if m and text.upper() != "P" and text.upper() != "PT":
        w, d, h, mi, s, frac = m.groups()
        total = (
            _count(w or "0", 604800)
            + _count(d or "0", 86400)
            + _count(h or "0", 3600)
            + _count(mi or "0", 60)
        )
        delta = timedelta(seconds=total) + _seconds(s or "0", frac)
        if delta > timedelta(days=MAX_DAYS):
            raise _TooLarge
        return delta
    compact = text.replace(" ", "")
    m = _COMPACT.match(compact)
    if m and any(m.groups()):
        sizes = (604800, 86400, 3600, 60, 1)
        total = sum(_count(g or "0", size) for g, size in zip(m.groups(), sizes, strict=True))
        if total > _MAX_SECONDS:
            raise _TooLarge
        return timedelta(seconds=total)
    pieces = _WORDY.findall(text)
    if pieces and _WORDY.sub("", text).strip(" ,and") == "":
        total = 0
        for number, word in pieces:
            unit = _WORDS.get(word)
            if unit is None:
                return None
            total += _count(number, _UNIT_SECONDS[unit])
        if total > _MAX_SECONDS:
            raise _TooLarge
        return timedelta(seconds=total)
    return None


def _duration(text: str, code: str, value: Any) -> timedelta | None:
    """``_duration_or_none``, with a number too large a ``PolicyError`` of ``code``."""
    try:
        return _duration_or_none(text)
    except _TooLarge:
        raise _too_large(code, value) from None


def parse_duration(value: Any) -> timedelta:
    """Parse ``30m``, ``2h30m``, ``4 hours``, ``PT4H`` into a ``timedelta`` (never negative)."""
    text = _text(value, "duration", _DURATION_HINT)
    delta = _duration(text, "bad-duration", value)
    if delta is None:
        raise PolicyError.single(
            "bad-duration",
            f"{show(value)} is not a duration",
            hint=_fraction_hint(text) or _DURATION_HINT,
        )
    return delta


_DAYS = re.compile(r"^(\d+)\s+(business|working|calendar)?\s*days?$")
_WEEKS = re.compile(r"^(\d+)\s+weeks?$")
_NEXT = re.compile(r"^next\s+([a-z]+)\s+(\d{1,2}):(\d{2})$")
_EVENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_EOD = {"end of business day", "end of day", "end of working day", "eod"}


def _amount(text: str, code: str, value: Any) -> Duration | BusinessDays | CalendarDays | None:
    m = _DAYS.match(text)
    if m:
        try:
            n = _count(m.group(1))
        except _TooLarge:
            raise _too_large(code, value) from None
        if n > MAX_DAYS:
            raise _too_large(code, value)
        return CalendarDays(n) if m.group(2) in (None, "calendar") else BusinessDays(n)
    m = _WEEKS.match(text)
    if m:
        try:
            n = _count(m.group(1), 7)
        except _TooLarge:
            raise _too_large(code, value) from None
        if n > MAX_DAYS:
            raise _too_large(code, value)
        return CalendarDays(n)
    delta = _duration(text, code, value)
    return Duration(delta) if delta is not None else None


def _before(value: str) -> tuple[str, str] | None:
    r"""``("3 business days", "review_meeting")`` for ``3 business days before review_meeting``.

    String methods, not a pattern: ``(.+?)\s+before`` over a long run of spaces backtracked
    quadratically. The event is the last word; the amount is what precedes ``before``.
    """
    words = value.split()
    if len(words) < 3 or words[-2] != "before" or not _EVENT.fullmatch(words[-1]):
        return None
    return " ".join(words[:-2]), words[-1]


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
                f"{m.group(1)!r} in {show(original)} is not a weekday",
                hint="write mon, tue, wed, thu, fri, sat or sun",
            )
        if hour > 23 or minute > 59:
            raise PolicyError.single(
                "bad-target", f"{show(original)} has no valid time of day", hint="write HH:MM"
            )
        return NextWeekday(day, time(hour, minute))
    found = _before(value)
    if found is not None:
        amount = _amount(_norm(found[0]), "bad-target", original)
        if amount is None:
            raise PolicyError.single(
                "bad-target",
                f"{show(found[0])} in {show(original)} is not an amount of time",
                hint=_fraction_hint(_norm(found[0]), f" before {found[1]}")
                or "write e.g. '3 business days before review_meeting' or '2h before EVENT'",
            )
        return Before(amount, found[1])
    amount = _amount(text, "bad-target", original)
    if amount is None:
        raise PolicyError.single(
            "bad-target",
            f"{show(original)} is not a target",
            hint=_fraction_hint(text) or _TARGET_HINT,
        )
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
                f"{show(value)} is outside 0% to 100%",
                hint="use 'breach + 4h' for a step after the deadline",
            )
        return AtBreach() if pct == 100 else AtPercent(pct / 100)
    if text == "breach":
        return AtBreach()
    hint: str | None = None
    m = _BREACH_PLUS.match(text)
    if m:
        delta = _duration(m.group(2), "bad-threshold", value)
        if delta is not None:
            return AtBreach(delta if m.group(1) == "+" else -delta)
        hint = _fraction_hint(m.group(2), prefix=f"breach {m.group(1)} ")
    m = _BEFORE_BREACH.match(text)
    if m:
        delta = _duration(m.group(1), "bad-threshold", value)
        if delta is not None:
            return AtBreach(-delta if m.group(2) == "before" else delta)
        hint = _fraction_hint(m.group(1), f" {m.group(2)} breach")
    raise PolicyError.single(
        "bad-threshold",
        f"{show(value)} is not a ladder threshold",
        hint=hint or _THRESHOLD_HINT,
    )


def parse_every(value: Any) -> Recurrence:
    """Parse a ladder ``every:`` value: a duration of at least ``MIN_INTERVAL``, or
    ``end of business day``."""
    hint = "write a duration such as 2h, or 'end of business day'"
    text = _text(value, "recurrence", hint)
    if text in _EOD:
        return EveryEndOfDay()
    delta = _duration(text, "bad-recurrence", value)
    if delta is None:
        raise PolicyError.single(
            "bad-recurrence",
            f"{show(value)} is not a recurrence",
            hint=_fraction_hint(text) or hint,
        )
    if delta <= timedelta(0):
        raise PolicyError.single(
            "bad-recurrence", f"{show(value)} would repeat without end", hint="use at least 1m"
        )
    if delta < MIN_INTERVAL:
        raise PolicyError.single(
            "bad-recurrence",
            f"{show(value)} is more often than once a minute",
            hint="the shortest interval is 1m; a progress report or reminder needs no more",
        )
    return EveryInterval(delta)


# ------------------------------------------------------------------ fractional amounts

_FRACTION = re.compile(r"^(\d{1,9})[.,](\d{1,6})\s*([a-z]+(?: [a-z]+)?)$")
_FRACTION_ISO = re.compile(r"^pt?(\d{1,9})[.,](\d{1,6})([wdhm])$")
_FRACTION_UNITS = {
    **{word: (_UNIT_SECONDS[unit], False) for word, unit in _WORDS.items()},
    **{unit: (size, False) for unit, size in _UNIT_SECONDS.items()},
    "week": (0, True),
    "weeks": (0, True),
    "day": (86400, True),
    "days": (86400, True),
    "calendar day": (86400, True),
    "calendar days": (86400, True),
    "business day": (0, True),
    "business days": (0, True),
    "working day": (0, True),
    "working days": (0, True),
}


def _fraction_hint(text: str, suffix: str = "", prefix: str = "") -> str | None:
    """For ``1.5h``: ``write 1h30m``: the exact equivalent of a fractional amount, where
    there is one; for whole-day units (``1.5 business days``) what to write instead."""
    if len(text) > 40:
        return None
    iso = _FRACTION_ISO.match(text)
    m = iso or _FRACTION.match(text)
    if m is None:
        return None
    whole, fraction, unit = m.groups()
    if iso:
        size, whole_days = _UNIT_SECONDS[unit], False
    elif unit in _FRACTION_UNITS:
        size, whole_days = _FRACTION_UNITS[unit]
    else:
        return None
    if whole_days:
        n, kind = int(whole), unit.removesuffix("s")

        def count(k: int) -> str:
            return f"{prefix}{k} {kind}{'' if k == 1 else 's'}{suffix}"

        either = f"{count(n)} or {count(n + 1)}" if n else count(1)
        return f"{kind}s are counted whole: write {either}"
    scaled = (int(whole) * 10 ** len(fraction) + int(fraction)) * size
    seconds, rest = divmod(scaled, 10 ** len(fraction))
    if rest:
        return None
    exact = timedelta(seconds=seconds)
    if iso:
        return f"write {prefix}{_iso(exact)}{suffix}"
    return f"write {prefix}{format_duration(exact)}{suffix}"


def _iso(delta: timedelta) -> str:
    """``PT1H30M`` for an amount of whole seconds."""
    days, rest = divmod(int(delta.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
