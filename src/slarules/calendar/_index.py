"""The compiled interval index: UTC opening intervals with running totals, grown lazily.

Each local year is compiled once into merged UTC intervals (integer microseconds) and the
working days that open in it. A ``Snapshot`` holds contiguous years as parallel sorted lists,
so every question is a binary search. Growing builds a new snapshot under a lock and
publishes it with one attribute assignment; readers never see a half-built one.

The published snapshot spans at most ``PUBLISHED_YEARS`` years. Instants far from it get a
*window* of their own (kept among the last few), and questions that span many years (a
target of a million business hours, a ticket opened centuries ago) are answered from a
``Summary`` per UTC year -- its working time, closes and working days -- plus the windows at
both ends. A year whose surroundings follow the weekly hours alone (no holiday data, no
dated hours) and whose zone follows one rule shares its summary with every year of the same
calendar shape (see ``_class_key``), so such years cost one lookup each, not a compile.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from calendar import isleap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slarules._errors import UsageError

from ._days import DayPlan
from ._localtime import transitions, wall_to_us

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_IDLE_YEARS",
    "PUBLISHED_YEARS",
    "InstantRangeError",
    "IntervalIndex",
    "Snapshot",
    "Summary",
    "shown",
    "year_of",
    "year_start",
]

MAX_IDLE_YEARS = 20
"""A search gives up after this many years without working time (e.g. everything closed)."""

FIRST_YEAR, LAST_YEAR = 2, 9997  # the years compiled: a margin inside datetime's range
_FIRST_YEAR, _LAST_YEAR = FIRST_YEAR, LAST_YEAR
PUBLISHED_YEARS = 50
"""The published snapshot spans at most this many years; farther instants get windows."""
_WINDOWS_KEPT = 8
_YEARS_KEPT = 400  # compiled years kept (and always those a snapshot holds)
_US = timedelta(microseconds=1)
_DAY = 86_400_000_000
_MINUTE = 60_000_000
_QUIET_BEFORE, _QUIET_AFTER = 2 * _DAY, 4 * _DAY  # around a day, no offset change: quiet


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
    day_closes: list[int]  # the distinct closes of working days (a day whose close an
    # overnight shift before it outlasts adds none), ascending
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


class Summary(NamedTuple):
    """One UTC year ``[year_start(y), year_start(y + 1))`` of a calendar, in numbers."""

    work: int  # working time in it (µs)
    closes: int  # distinct closes of working days in it
    days: int  # working days whose local date lies in the year y


def _year_of(us: int) -> int:
    # UTC year; compiled ranges always carry a year of margin, so the offset does not matter
    return date.fromordinal(719163 + us // 86_400_000_000).year


class InstantRangeError(UsageError):
    """An instant outside the years a business calendar covers (3 to 9996), or an answer
    that would lie beyond the years it reaches (2 to 9997): then ``answer`` is true.

    The engine tells the causes apart: the caller's ``at`` (a ``UsageError``) or an
    instant of the ticket or of its deadlines (a ``TicketError`` naming the ticket and,
    through ``at_stage``, the stage).
    """

    def __init__(self, message: str, *, answer: bool = False, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.answer = answer
        self.stage = stage

    def at_stage(self, stage: str) -> InstantRangeError:
        """The same error, saying which stage met it (the first stage named is kept)."""
        if self.stage is not None:
            return self
        return InstantRangeError(self.message, answer=self.answer, stage=stage)


def shown(us: int) -> str:
    """An instant as ISO text in UTC, for messages."""
    return (datetime(1970, 1, 1, tzinfo=UTC) + us * _US).isoformat()


def year_of(us: int) -> int:
    """The (UTC) year of an instant, checked to lie in the supported range."""
    year = _year_of(us)
    if not _FIRST_YEAR + 1 <= year <= _LAST_YEAR - 1:
        raise InstantRangeError(
            f"{shown(us)} falls outside the years {_FIRST_YEAR + 1} to {_LAST_YEAR - 1} "
            "that business calendars cover"
        )
    return year


def year_start(year: int) -> int:
    """00:00 UTC on 1 January of ``year``, in µs since the epoch."""
    return (date(year, 1, 1).toordinal() - 719163) * 86_400_000_000


_year_start = year_start


def _class_key(year: int, regime: str) -> tuple[str, int, bool, bool, bool]:
    """What a regular year's summary depends on: the zone's regime and the calendar of the
    years ``year - 1`` to ``year + 1`` (the weekday of 1 January before, and leap days);
    see ``IntervalIndex._regime``."""
    return (
        regime,
        date(year - 1, 1, 1).weekday(),
        isleap(year - 1),
        isleap(year),
        isleap(year + 1),
    )


class IntervalIndex:
    """Lazily compiled years of one calendar; safe to share between threads."""

    def __init__(self, plan: DayPlan, zone: ZoneInfo) -> None:
        self._plan = plan
        self._zone = zone
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()
        self.snapshot: Snapshot | None = None  # published whole, under the lock
        self._windows: tuple[Snapshot, ...] = ()  # far from it; replaced whole, newest first
        self._summaries: dict[int, Summary] = {}
        self._by_class: dict[tuple[str, int, bool, bool, bool], Summary] = {}
        self._transitions = transitions(zone)
        # what makes a year irregular (see _regime)
        self._zone_years = self._transitions.years if self._transitions else None
        self._holiday_years = plan.holidays.data_years
        self._dated = frozenset(y + d for y in plan.dated_years() for d in range(-2, 3))
        self._week_us = tuple(_spans_us(spans) for spans in plan.week.days)
        self.compiled_years = 0  # years compiled so far (for tests that count work)

    # -- snapshots ------------------------------------------------------------------------

    def around(self, us: int) -> Snapshot:
        """A snapshot holding the year of ``us`` and the years either side of it."""
        snap = self.snapshot
        if snap is not None and snap.safe_lo <= us < snap.safe_hi:
            return snap
        for window in self._windows:
            if window.safe_lo <= us < window.safe_hi:
                return window
        year = year_of(us)
        return self.covering(year - 1, year + 1)

    def spanning(self, lo: int, hi: int) -> Snapshot | None:
        """A snapshot that answers for both ``lo <= hi``, if one exists or costs little (the
        published one can take them in, or they lie within a few years); else ``None``:
        count with ``summary`` instead."""
        snap = self.snapshot
        if snap is not None and snap.safe_lo <= lo and hi < snap.safe_hi:
            return snap
        for window in self._windows:
            if window.safe_lo <= lo and hi < window.safe_hi:
                return window
        first, last = year_of(lo) - 1, year_of(hi) + 1
        if last - first < 5 or self._publishable(first, last):
            return self.covering(first, last)
        return None

    def _publishable(self, first: int, last: int) -> bool:
        snap = self.snapshot
        if snap is None:
            return last - first < PUBLISHED_YEARS
        return max(last, snap.last_year) - min(first, snap.first_year) < PUBLISHED_YEARS

    def covering(self, first: int, last: int) -> Snapshot:
        """A snapshot whose years include ``first..last``: the published one, grown if it
        stays within ``PUBLISHED_YEARS``, else a window of just these years."""
        first, last = max(first, _FIRST_YEAR), min(last, _LAST_YEAR)
        snap = self.snapshot
        if snap is not None and snap.first_year <= first and last <= snap.last_year:
            return snap
        for window in self._windows:
            if window.first_year <= first and last <= window.last_year:
                return window
        with self._lock:
            snap = self.snapshot
            if self._publishable(first, last):
                if snap is not None:
                    first, last = min(first, snap.first_year), max(last, snap.last_year)
                    if snap.first_year <= first and last <= snap.last_year:
                        return snap
                self._compile(range(first, last + 1))
                snap = self._build(first, last)
                self.snapshot = snap
                return snap
            for window in self._windows:
                if window.first_year <= first and last <= window.last_year:
                    return window
            self._compile(range(first, last + 1))
            window = self._build(first, last)
            self._windows = (window, *self._windows[: _WINDOWS_KEPT - 1])
            return window

    def grow(self, snap: Snapshot, years: int, what: str) -> Snapshot:
        """Add ``years`` after (``years > 0``) or before (``< 0``) ``snap``'s range; past
        the years compiled, an ``InstantRangeError`` saying ``what`` ran out of them."""
        if years > 0:
            if snap.last_year >= _LAST_YEAR:
                raise beyond(what, 1)
            return self.covering(snap.first_year, snap.last_year + years)
        if snap.first_year <= _FIRST_YEAR:
            raise beyond(what, -1)
        return self.covering(snap.first_year + years, snap.last_year)

    def year_days(self, year: int) -> list[tuple[int, int]]:
        """``(ordinal, close)`` of the working days whose local date lies in ``year``."""
        return self._compiled((year,))[0].days

    # -- years in numbers -----------------------------------------------------------------

    def summary(self, year: int) -> Summary:
        """The ``Summary`` of the UTC year ``year`` (``FIRST_YEAR`` to ``LAST_YEAR``)."""
        found = self._summaries.get(year)
        if found is not None:
            return found
        regime = self._regime(year)
        if regime is None:
            found = self._summaries[year] = self._measure(year)
            return found
        key = _class_key(year, regime)
        found = self._by_class.get(key)
        if found is None:
            found = self._by_class[key] = self._measure(self._representative(key) or year)
        return found

    def _regime(self, year: int) -> str | None:
        """``None`` for an irregular year, else the zone's regime around it: ``"before"``
        its first transition (a fixed offset), ``"after"`` its last (a yearly rule or a
        fixed offset), ``"all"`` for a zone without transitions.

        A year is regular when it and the two years either side follow the weekly hours
        alone (no holidays from the ``holidays`` data, no dated hours, workdays or closed
        dates of the calendar) and the zone's offsets follow one regime: then its summary
        depends only on ``_class_key``, because the whole stretch repeats, shifted by a
        whole number of weeks, in every year with the same key.
        """
        if self._transitions is None or year in self._dated:
            return None
        if not _FIRST_YEAR + 1 <= year <= _LAST_YEAR - 1:
            return None
        data = self._holiday_years
        if data is not None and data[0] - 2 <= year <= data[1] + 2:
            return None
        zone_years = self._zone_years
        if zone_years is None:
            return "all"
        if year >= zone_years[1] + 4:
            return "after"
        if year <= zone_years[0] - 4:
            return "before"
        return None

    def _representative(self, key: tuple[str, int, bool, bool, bool]) -> int | None:
        """The regular year with this key that stands for all of them (the first found
        from the start of its regime)."""
        regime = key[0]
        zone_years = self._zone_years
        candidates: Iterable[int]
        if regime == "before":
            assert zone_years is not None
            candidates = range(min(zone_years[0] - 4, _LAST_YEAR - 1), _FIRST_YEAR, -1)
        elif regime == "after":
            assert zone_years is not None
            candidates = range(max(zone_years[1] + 4, _FIRST_YEAR + 1), _LAST_YEAR)
        else:
            candidates = range(_FIRST_YEAR + 1, _LAST_YEAR)
        for year in candidates:
            if self._regime(year) == regime and _class_key(year, regime) == key:
                return year
        return None  # pragma: no cover - every key occurs within 400 years

    def _measure(self, year: int) -> Summary:
        """The ``Summary`` of ``year`` worked out from its compiled neighbourhood: the
        intervals, clipped to the UTC year, merged as ``_build`` merges them."""
        years = range(max(year - 1, _FIRST_YEAR), min(year + 1, _LAST_YEAR) + 1)
        compiled = self._compiled(years)
        lo, hi = _year_start(year), _year_start(year + 1)
        reach = lo - _QUIET_AFTER  # an interval that opens earlier closes before lo
        work = 0
        begin = end = lo  # the merged interval so far (empty)
        for y, found in zip(years, compiled, strict=True):
            intervals = found.intervals
            first = bisect_left(intervals, (reach,)) if y < year else 0
            for start, stop in intervals[first:] if first else intervals:
                if start >= hi:
                    break
                if stop <= lo:
                    continue
                if start < lo:
                    start = lo
                if stop > hi:
                    stop = hi
                if start <= end:
                    if stop > end:
                        end = stop
                else:
                    work += end - begin
                    begin, end = start, stop
        work += end - begin
        closes = 0
        top = reach
        for found in compiled:
            for _, close in found.days:
                if close > top:
                    top = close
                    if lo <= close < hi:
                        closes += 1
        return Summary(work, closes, len(compiled[year - years[0]].days))

    # -- compiling ------------------------------------------------------------------------

    def _compiled(self, years: Sequence[int]) -> list[_Year]:
        """The compiled ``years``, compiling those missing."""
        found = [self._years.get(year) for year in years]
        if any(year is None for year in found):
            with self._lock:
                self._compile(years)
                found = [self._years[year] for year in years]
        return found  # type: ignore[return-value]

    def _compile(self, years: Iterable[int]) -> None:
        """Compile the missing years (the caller holds the lock). Past ``_YEARS_KEPT``
        compiled years, those that no snapshot holds are let go (they compile again)."""
        years = list(years)
        for year in years:
            if year not in self._years:
                self._years[year] = self._compile_year(year)
                self.compiled_years += 1
        if len(self._years) > _YEARS_KEPT:
            keep = set(years)
            for snap in (self.snapshot, *self._windows):
                if snap is not None:
                    keep.update(range(snap.first_year, snap.last_year + 1))
            for year in [y for y in self._years if y not in keep]:
                del self._years[year]

    def _compile_year(self, year: int) -> _Year:
        """The year's intervals and working days. On a *quiet* day, one with no change of
        the zone's offset within days of it, every wall time is the local time minus one
        offset; other days (and every day when the zone's transitions are unknown) take
        ``wall_to_us``, which resolves skipped and repeated wall times."""
        intervals: list[tuple[int, int]] = []
        days: list[tuple[int, int]] = []
        zone = self._zone
        exceptions = self._plan.exceptions(year)
        week = self._plan.week.days
        week_us = self._week_us
        changes = self._transitions.near(year) if self._transitions is not None else None
        ordinal = date(year, 1, 1).toordinal()
        stretch, offset = -1, 0
        for ord_ in range(ordinal, date(year + 1, 1, 1).toordinal()):
            spans = exceptions.get(ord_)
            if spans is None:
                weekday = (ord_ - 1) % 7  # 0001-01-01 was a Monday
                if not week[weekday]:
                    continue
                spans_us = week_us[weekday]
            elif not spans:
                continue
            else:
                spans_us = _spans_us(spans)
            local = (ord_ - 719163) * _DAY
            i = -1
            if changes is not None:
                i = bisect_left(changes, local - _QUIET_BEFORE)
                if i < len(changes) and changes[i] <= local + _QUIET_AFTER:
                    i = -1  # an offset change nearby: every wall time exactly
            if i >= 0:
                if i != stretch:  # the offset of this stretch between changes
                    stretch = i
                    offset = zone.utcoffset(datetime.fromordinal(ord_)) // _US  # type: ignore[operator]
                base = local - offset
                if not spans_us:
                    continue
                for start, stop in spans_us:
                    intervals.append((base + start, base + stop))
                days.append((ord_, base + spans_us[-1][1]))
                continue
            day = date.fromordinal(ord_)
            close = None
            for start_min, end_min in spans if spans is not None else week[weekday]:
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
                if not day_closes or close > day_closes[-1]:
                    day_closes.append(close)
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


def _spans_us(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Opening spans (minutes after local midnight) in µs, without the empty ones."""
    return tuple((a * _MINUTE, b * _MINUTE) for a, b in spans if b > a)


def beyond(what: str, sign: int) -> InstantRangeError:
    """The error for an answer past the years business calendars reach."""
    if sign > 0:
        edge = f"the end of {_LAST_YEAR}, the last year business calendars reach"
    else:
        edge = f"the start of {_FIRST_YEAR}, the first year business calendars reach"
    return InstantRangeError(f"{what} would lie beyond {edge}", answer=True)


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
