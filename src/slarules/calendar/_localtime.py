"""Exact conversions between aware datetimes, local wall times and integer UTC microseconds.

One rule for wall times that a zone skips (spring forward): they resolve to the first
instant after the gap, so an interval opening or closing inside a gap is cut at the
transition and local times that do not exist are never worked. Wall times that occur
twice (fall back) resolve to their first occurrence.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from importlib import import_module
from typing import Any
from zoneinfo import ZoneInfo

from slarules._errors import UsageError

__all__ = [
    "EPOCH",
    "Transitions",
    "from_us",
    "local_date",
    "showable",
    "to_us",
    "transitions",
    "wall_to_us",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_SECOND = 1_000_000


def to_us(t: datetime, name: str = "t") -> int:
    """Microseconds since the epoch of an aware datetime; a naive one is a UsageError."""
    try:
        elapsed = t - EPOCH
    except TypeError:
        pass
    else:
        return elapsed.days * 86_400_000_000 + elapsed.seconds * _SECOND + elapsed.microseconds
    if not isinstance(t, datetime):
        raise UsageError(f"{name} must be a datetime, not {type(t).__name__}")
    raise UsageError(
        f"{name} is a naive datetime ({t.isoformat()}); pass a timezone-aware one, "
        "e.g. datetime(..., tzinfo=ZoneInfo('Asia/Shanghai'))"
    )


_FLOAT_EXACT = 3 * 10**15  # |us| below this (years 1875-2065): us / 1e6 rounds back exactly


_fromtimestamp = datetime.fromtimestamp


def from_us(us: int, zone: tzinfo) -> datetime:
    """The aware datetime in ``zone`` of a microsecond count (exact)."""
    if not us % _SECOND:
        return _fromtimestamp(us // _SECOND, zone)
    if -_FLOAT_EXACT < us < _FLOAT_EXACT:
        # the float is within 0.34 µs of the true value and fromtimestamp rounds to the µs
        return _fromtimestamp(us / 1e6, zone)
    return (EPOCH + timedelta(microseconds=us)).astimezone(zone)


def _shows(us: int, zone: tzinfo) -> bool:
    try:
        from_us(us, zone)
    except (OverflowError, ValueError):
        return False
    return True


@cache
def showable(zone: tzinfo) -> tuple[int, int]:
    """The first and last microsecond counts ``from_us`` can show in ``zone``: instants
    whose local time (or UTC time) falls in the years 1 to 9999, as a datetime's must.

    Found by bisection near the ends of the UTC range, so the answer is the one
    ``from_us`` itself gives whatever offset the zone has there.
    """
    day = 86_400_000_000
    first_utc, last_utc = (
        to_us(datetime.min.replace(tzinfo=UTC)),
        to_us(datetime.max.replace(tzinfo=UTC)),
    )

    def edge(shown: int, not_shown: int) -> int:  # the last shown count from `shown` on
        while abs(not_shown - shown) > 1:
            middle = (shown + not_shown) // 2
            if _shows(middle, zone):
                shown = middle
            else:
                not_shown = middle
        return shown

    first = first_utc if _shows(first_utc, zone) else edge(first_utc + 2 * day, first_utc)
    last = last_utc if _shows(last_utc, zone) else edge(last_utc - 2 * day, last_utc)
    return first, last


def local_date(us: int, zone: ZoneInfo) -> date:
    """The local calendar date of an instant."""
    return from_us(us, zone).date()


def wall_to_us(day: date, minutes: int, zone: ZoneInfo, seconds: int = 0, micros: int = 0) -> int:
    """The instant the wall clock in ``zone`` shows ``day`` + ``minutes`` (+ seconds, µs).

    ``minutes`` may exceed 1440 (an overnight close on the next day).
    """
    naive = datetime(day.year, day.month, day.day) + timedelta(
        minutes=minutes, seconds=seconds, microseconds=micros
    )
    first = naive.replace(tzinfo=zone, fold=0)
    us = to_us(first)
    if from_us(us, zone).replace(tzinfo=None) == naive:
        return us  # exists (first occurrence if repeated)
    # skipped by a forward transition: fold=1 lands before the gap, fold=0 after it;
    # the transition lies in between (whole seconds), so bisect to it
    low = to_us(naive.replace(tzinfo=zone, fold=1)) // _SECOND
    high = -(-us // _SECOND)
    offset = _offset(low, zone)
    while high - low > 1:
        mid = (low + high) // 2
        if _offset(mid, zone) == offset:
            low = mid
        else:
            high = mid
    return high * _SECOND


def _offset(seconds: int, zone: ZoneInfo) -> timedelta | None:
    return (EPOCH + timedelta(seconds=seconds)).astimezone(zone).utcoffset()


_DAY_US = 86_400_000_000


@dataclass(frozen=True, slots=True)
class Transitions:
    """Where a zone's UTC offset may change, as the tz database file it was read from says.

    ``explicit``: the instants (UTC µs, ascending) the file lists; before the first the zone
    keeps one fixed offset, after the last it follows ``rule``, a yearly rule that depends
    only on the year's calendar (its leap day and the weekday of 1 January), or a fixed
    offset (``rule`` is ``None``). ``rule(year)`` gives the rule's two changes of that year
    within a day (the file states them in local time).
    """

    explicit: tuple[int, ...]
    rule: Callable[[int], tuple[float, float]] | None

    @property
    def years(self) -> tuple[int, int] | None:
        """The UTC years of the first and last explicit transitions (``None``: none)."""
        if not self.explicit:
            return None
        first, last = self.explicit[0], self.explicit[-1]
        return _utc_year(first), _utc_year(last)

    def near(self, year: int) -> list[int]:
        """Instants (UTC µs, ascending) at or near which the offset may change in the
        years ``year - 1`` to ``year + 1``: every change, and possibly some that are not."""
        lo = (date(max(year - 1, 1), 1, 1).toordinal() - 719_163 - 2) * _DAY_US
        hi = (date(min(year + 2, 9999), 1, 1).toordinal() - 719_163 + 2) * _DAY_US
        explicit = self.explicit
        found = list(explicit[bisect_left(explicit, lo) : bisect_left(explicit, hi)])
        if self.rule is not None:
            for y in range(max(year - 1, 1), min(year + 1, 9999) + 1):
                found.extend(int(s * _SECOND) for s in self.rule(y))
            found.sort()
        return found


def _utc_year(us: int) -> int:
    return date.fromordinal(719_163 + us // _DAY_US).year


@cache
def _transitions(key: str) -> Transitions | None:
    try:  # the reference implementation, which shows its data
        pure: Any = import_module("zoneinfo._zoneinfo").ZoneInfo.no_cache(key)
        explicit = tuple(int(s) * _SECOND for s in pure._trans_utc)
        rule = getattr(pure._tz_after, "transitions", None)
        offsets = [tti.utcoff for tti in pure._ttinfos]
        zone = ZoneInfo(key)
        # the same file as ``zone``? its offset after each transition is the one listed
        same = all(
            from_us(us, zone).utcoffset() == offset
            for us, offset in zip(explicit, offsets, strict=True)
        )
    except Exception:  # any surprise: go without them (exact, only slower)
        return None
    return Transitions(explicit, rule) if same else None


def transitions(zone: tzinfo) -> Transitions | None:
    """The ``Transitions`` of a ``ZoneInfo`` named by its key, else ``None`` (unknown).

    Read from zoneinfo's pure-Python reader, which loads the same file as the zone itself;
    the offsets it lists are checked against the zone's. Without them a calendar still
    answers exactly, only slower (see ``IntervalIndex``).
    """
    key = getattr(zone, "key", None)
    if not isinstance(zone, ZoneInfo) or not isinstance(key, str):
        return None
    return _transitions(key)
