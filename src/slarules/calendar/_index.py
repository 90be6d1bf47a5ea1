"""The compiled interval index: UTC opening intervals with running totals, grown lazily.

Each local year is compiled once into merged UTC intervals (integer microseconds) and the
working days that open in it. A ``Snapshot`` holds contiguous years as parallel sorted lists,
so every question is a binary search. Growing builds a new snapshot under a lock and
publishes it with one attribute assignment; readers never see a half-built one.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from slarules._errors import UsageError

from ._days import DayPlan
from ._localtime import wall_to_us

__all__ = ["MAX_IDLE_YEARS", "InstantRangeError", "IntervalIndex", "Snapshot"]

MAX_IDLE_YEARS = 20
"""A search gives up after this many years without working time (e.g. everything closed)."""

_FIRST_YEAR, _LAST_YEAR = 2, 9997  # keep a margin inside datetime's range
_US = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class _Year:
    intervals: list[tuple[int, int]]  # sorted UTC spans of days opening in this year
    days: list[tuple[int, int]]  # (date ordinal, last close) of each working day


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Contiguous compiled years ``first_year..last_year`` as sorted parallel lists."""

    first_year: int
    last_year: int
    starts: list[int]  # merged intervals: starts[i] < ends[i] < starts[i + 1]
    ends: list[int]
    cum: list[int]  # working time before starts[i], counted from first_year
    cumend: list[int]  # working time up to ends[i]
    base: list[int]  # starts[i] - cum[i]: inside interval i, instant = base[i] + worked
    day_ords: list[int]  # ordinals of working days, ascending
    day_closes: list[int]  # close of each working day (running maximum, so ascending)
    safe_lo: int  # instants in [safe_lo, safe_hi) have their year and both neighbours compiled
    safe_hi: int
    # The same as timedeltas since the epoch, for ``Calendar.add``: it then searches in the
    # arithmetic of its datetime arguments and never converts them to integers and back.
    td_safe_lo: timedelta
    td_safe_hi: timedelta
    td_starts: list[timedelta]
    td_ends: list[timedelta]
    td_base: list[timedelta]
    td_cum: list[timedelta]
    td_cumend: list[timedelta]

    def worked(self, us: int) -> int:
        """Working time from the start of ``first_year`` to ``us``."""
        starts = self.starts
        i = bisect_right(starts, us) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return (us if us < end else end) - self.base[i]

    def containing(self, us: int) -> int:
        """Index of the interval open at ``us``, else ``-1``."""
        i = bisect_right(self.starts, us) - 1
        return i if i >= 0 and us < self.ends[i] else -1

    def idle_after(self) -> int:
        """Compiled years after the last working time (all of them if there is none)."""
        if not self.ends:
            return self.last_year - self.first_year + 1
        return self.last_year - _year_of(self.ends[-1])

    def idle_before(self) -> int:
        """Compiled years before the first working time."""
        if not self.starts:
            return self.last_year - self.first_year + 1
        return _year_of(self.starts[0]) - self.first_year


def _year_of(us: int) -> int:
    # UTC year; compiled ranges always carry a year of margin, so the offset does not matter
    return date.fromordinal(719163 + us // 86_400_000_000).year


class InstantRangeError(UsageError):
    """An instant outside the years a business calendar covers (3 to 9996).

    The engine tells the two causes apart: the caller's ``at`` (a ``UsageError``) or an
    instant of the ticket or of its deadlines (a ``TicketError`` naming the ticket).
    """


def year_of(us: int) -> int:
    """The (UTC) year of an instant, clamped into the supported range."""
    year = _year_of(us)
    if not _FIRST_YEAR + 1 <= year <= _LAST_YEAR - 1:
        shown = (datetime(1970, 1, 1, tzinfo=UTC) + us * _US).isoformat()
        raise InstantRangeError(
            f"{shown} falls outside the years {_FIRST_YEAR + 1} to {_LAST_YEAR - 1} "
            "that business calendars cover"
        )
    return year


def _year_start(year: int) -> int:
    return (date(year, 1, 1).toordinal() - 719163) * 86_400_000_000


class IntervalIndex:
    """Lazily compiled years of one calendar; safe to share between threads."""

    def __init__(self, plan: DayPlan, zone: ZoneInfo) -> None:
        self._plan = plan
        self._zone = zone
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()
        self.snapshot: Snapshot | None = None  # published whole, under the lock

    def around(self, us: int) -> Snapshot:
        """A snapshot holding the year of ``us`` and the years either side of it."""
        snap = self.snapshot
        if snap is not None and snap.safe_lo <= us < snap.safe_hi:
            return snap
        year = year_of(us)
        return self.covering(year - 1, year + 1)

    def covering(self, first: int, last: int) -> Snapshot:
        """A snapshot whose years include ``first..last``."""
        snap = self.snapshot
        if snap is not None and snap.first_year <= first and last <= snap.last_year:
            return snap
        first, last = max(first, _FIRST_YEAR), min(last, _LAST_YEAR)
        with self._lock:
            snap = self.snapshot
            if snap is not None:
                first, last = min(first, snap.first_year), max(last, snap.last_year)
                if snap.first_year <= first and last <= snap.last_year:
                    return snap
            for year in range(first, last + 1):
                if year not in self._years:
                    self._years[year] = self._compile_year(year)
            snap = self._build(first, last)
            self.snapshot = snap
            return snap

    def grow(self, snap: Snapshot, years: int) -> Snapshot:
        """Add ``years`` after (``years > 0``) or before (``< 0``) ``snap``'s range."""
        if years > 0:
            if snap.last_year >= _LAST_YEAR:
                raise UsageError("the result would lie beyond the supported years")
            return self.covering(snap.first_year, snap.last_year + years)
        if snap.first_year <= _FIRST_YEAR:
            raise UsageError("the result would lie before the supported years")
        return self.covering(snap.first_year + years, snap.last_year)

    def _compile_year(self, year: int) -> _Year:
        intervals: list[tuple[int, int]] = []
        days: list[tuple[int, int]] = []
        zone = self._zone
        ordinal = date(year, 1, 1).toordinal()
        end = date(year + 1, 1, 1).toordinal()
        for ord_ in range(ordinal, end):
            day = date.fromordinal(ord_)
            close = None
            for start_min, end_min in self._plan.spans(day):
                start, stop = wall_to_us(day, start_min, zone), wall_to_us(day, end_min, zone)
                if stop > start:
                    intervals.append((start, stop))
                    close = stop
            if close is not None:
                days.append((ord_, close))
        intervals.sort()
        return _Year(intervals, days)

    def _build(self, first: int, last: int) -> Snapshot:
        starts: list[int] = []
        ends: list[int] = []
        day_ords: list[int] = []
        day_closes: list[int] = []
        for year in range(first, last + 1):
            compiled = self._years[year]
            for start, stop in compiled.intervals:
                if ends and start <= ends[-1]:  # overlapping or touching: merge
                    ends[-1] = max(ends[-1], stop)
                else:
                    starts.append(start)
                    ends.append(stop)
            for ord_, close in compiled.days:
                day_ords.append(ord_)
                day_closes.append(max(close, day_closes[-1]) if day_closes else close)
        cum: list[int] = []
        cumend: list[int] = []
        base: list[int] = []
        total = 0
        for start, stop in zip(starts, ends, strict=True):
            cum.append(total)
            base.append(start - total)
            total += stop - start
            cumend.append(total)
        safe_lo = _year_start(first + 1) if first > _FIRST_YEAR else _year_start(first)
        safe_hi = _year_start(last) if last < _LAST_YEAR else _year_start(last + 1)
        return Snapshot(
            first,
            last,
            starts,
            ends,
            cum,
            cumend,
            base,
            day_ords,
            day_closes,
            safe_lo,
            safe_hi,
            _US * safe_lo,
            _US * safe_hi,
            *_as_timedeltas(starts, ends),
        )


def _as_timedeltas(
    starts: list[int], ends: list[int]
) -> tuple[list[timedelta], list[timedelta], list[timedelta], list[timedelta], list[timedelta]]:
    """Starts, ends, bases, running totals before and after, as timedeltas (the sums in
    timedelta arithmetic, which is exact and cheaper than converting each)."""
    td_starts = [_US * us for us in starts]
    td_ends = [_US * us for us in ends]
    td_base: list[timedelta] = []
    td_cum: list[timedelta] = []
    td_cumend: list[timedelta] = []
    total = timedelta(0)
    for start, stop in zip(td_starts, td_ends, strict=True):
        td_cum.append(total)
        td_base.append(start - total)
        total += stop - start
        td_cumend.append(total)
    return td_starts, td_ends, td_base, td_cum, td_cumend
