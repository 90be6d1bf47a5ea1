"""``Calendar``: business-time arithmetic over a compiled, lazily grown interval index."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from slarules._errors import CalendarError, PolicyError, UsageError
from slarules._shape import validate_shape

from ._days import DayPlan
from ._describe import describe
from ._direction import BACKWARD, FORWARD, Direction
from ._explain import Explanations
from ._index import MAX_IDLE_YEARS, IntervalIndex, Snapshot, Summary, shown, year_of, year_start
from ._localtime import EPOCH, from_us, to_us, wall_to_us
from ._spec import CalendarSpec

__all__ = ["Calendar"]

_US = timedelta(microseconds=1)
_ZERO = timedelta(0)


def _micros(delta: timedelta) -> int:
    try:
        return delta // _US
    except TypeError:
        raise UsageError(f"the duration must be a timedelta, not {type(delta).__name__}") from None


def _work(summary: Summary) -> int:
    return summary.work


def _closes(summary: Summary) -> int:
    return summary.closes


def _closes_before(snap: Snapshot, us: int) -> int:
    """Closes of working days before ``us`` in ``snap`` (a running count, as ``worked``)."""
    return bisect_left(snap.day_closes, us)


def _rebuild(spec: CalendarSpec, timezone: str | None) -> Calendar:
    from ._compile import compile_calendar

    return compile_calendar(spec, timezone=timezone)


class Calendar(Explanations):
    """A compiled business calendar. Immutable, picklable, safe to share between threads.

    Every method takes timezone-aware datetimes (a naive one is a ``UsageError``) and returns
    aware datetimes in the calendar's zone. Working time is real elapsed time, exact to the
    microsecond; opening intervals are half-open (open at the opening, closed at the close).
    """

    __slots__ = (
        "_always",
        "_default",
        "_epoch",
        "_hash",
        "_index",
        "_plan",
        "_spec",
        "_timezone",
        "_zone",
    )

    _spec: CalendarSpec
    _default: str | None
    _timezone: str
    _zone: ZoneInfo
    _plan: DayPlan
    _index: IntervalIndex
    _always: bool  # open every instant (24x7, no holidays, no date overrides): plain arithmetic
    # 1970-01-01 00:00 with tzinfo _zone: t - _epoch is t's wall-clock time since then (for
    # t in _zone), and _zone.fromutc(_epoch + elapsed) is the instant elapsed after the epoch
    _epoch: datetime
    _hash: int

    def __init__(self) -> None:
        raise TypeError("use Calendar.from_dict(...) or slarules.calendar.compile_calendar(...)")

    @classmethod
    def _create(
        cls, spec: CalendarSpec, default: str | None, name: str, zone: ZoneInfo, plan: DayPlan
    ) -> Calendar:
        self = object.__new__(cls)
        values: dict[str, object] = {"_spec": spec, "_default": default, "_timezone": name}
        values |= {"_zone": zone, "_plan": plan, "_index": IntervalIndex(plan, zone)}
        values["_always"] = spec.hours == "24x7" and not spec.holidays and not spec.days
        values["_epoch"] = datetime(1970, 1, 1, tzinfo=zone)
        values["_hash"] = hash((spec.model_dump_json(), name))
        for key, value in values.items():
            object.__setattr__(self, key, value)
        return self

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any]) -> Calendar:
        """Validate one ``calendars:`` entry (plus an optional ``timezone``) and compile it.

        Raises ``CalendarError`` listing every problem.
        """
        from ._compile import compile_calendar

        try:
            spec = validate_shape(CalendarSpec, mapping)
        except PolicyError as exc:
            raise CalendarError(exc.problems) from exc
        return compile_calendar(spec)

    # -- identity -------------------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Calendar is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._spec, self._default))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calendar):
            return NotImplemented
        return (self._spec, self._timezone) == (other._spec, other._timezone)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"<Calendar {self.describe()}>"

    @property
    def spec(self) -> CalendarSpec:
        """The validated entry this calendar was compiled from."""
        return self._spec

    @property
    def timezone(self) -> str:
        """The IANA name of the calendar's zone."""
        return self._timezone

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's zone."""
        return self._zone

    @property
    def always_open(self) -> bool:
        """Open at every instant (``24x7`` without holidays or dated hours): working time
        is elapsed time."""
        return self._always

    def describe(self) -> str:
        """One human sentence, e.g. ``Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai, …``."""
        source = self._plan.holidays
        return describe(
            self._spec,
            self._plan.week,
            self._timezone,
            source.country_name,
            source.has_make_up_days,
        )

    # -- arithmetic -----------------------------------------------------------------------

    def add(self, t: datetime, delta: timedelta) -> datetime:
        """The earliest instant ``s >= t`` with ``delta`` of working time in ``[t, s)``.

        Work that runs out exactly at a close ends at that close. ``add(t, 0) == t``;
        a negative ``delta`` subtracts.
        """
        # The hot path of every deadline, kept flat: the search of Forward/Backward.
        # locate_work (the home of the algorithm, which everything else uses) written out
        # over the published snapshot, in timedeltas since the epoch, so that the datetime
        # and timedelta arguments are used as they are. Anything else (other types, naive
        # input, an instant or answer outside the snapshot, 24x7) goes to _add_slow.
        if type(t) is not datetime or type(delta) is not timedelta or self._always:
            return self._add_slow(t, delta)
        zone = self._zone
        try:  # in the calendar's zone: one tzinfo, so a wall-clock difference, then t's offset
            own = t.tzinfo is zone
            elapsed = t - self._epoch - t.utcoffset() if own else t - EPOCH  # type: ignore[operator]
        except TypeError:  # naive
            return self._add_slow(t, delta)
        snap = self._index.snapshot
        if snap is None or not snap.td_safe_lo <= elapsed < snap.td_safe_hi:
            return self._add_slow(t, delta)
        i = bisect_right(snap.td_starts, elapsed) - 1  # the interval at or before t
        if i < 0:
            return self._add_slow(t, delta)
        end = snap.td_ends[i]
        base = snap.td_base
        # worked since the snapshot's start, plus delta
        target = (elapsed if elapsed < end else end) - base[i] + delta
        if delta > _ZERO:
            j = bisect_left(snap.td_cumend, target, i)
            if j == len(base):
                return self._add_slow(t, delta)
        elif delta:
            if target < _ZERO:
                return self._add_slow(t, delta)
            j = bisect_right(snap.td_cum, target) - 1
        else:
            return t.astimezone(zone)
        # _epoch + elapsed: the UTC wall time of the answer, which fromutc puts in the zone
        return zone.fromutc(self._epoch + (base[j] + target))

    def _add_slow(self, t: datetime, delta: timedelta) -> datetime:
        """``add`` in general: checks its input, grows the index, handles ``24x7``."""
        aware = isinstance(t, datetime) and t.tzinfo is not None
        if self._always and aware and type(delta) is timedelta:
            if t.tzinfo is not UTC:
                t = t.astimezone(UTC)  # elapsed time, not wall-clock arithmetic
            return (t + delta).astimezone(self._zone)
        us, amount = to_us(t), _micros(delta)
        if not amount:
            return t.astimezone(self._zone)
        return from_us(self._add_us(us, amount), self._zone)

    def subtract(self, t: datetime, delta: timedelta) -> datetime:
        """The latest instant ``s <= t`` with ``delta`` of working time in ``[s, t)``.

        It stops at an opening, never at the previous close.
        """
        if type(delta) is not timedelta:
            delta = _micros(delta) * _US  # a subclass, or a UsageError
        return self.add(t, -delta)

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in ``[a, b)``; negative when ``b`` is before ``a``."""
        if self._always and a.tzinfo is not None and b.tzinfo is not None:
            if a.tzinfo is UTC and b.tzinfo is UTC:
                return b - a
            return b.astimezone(UTC) - a.astimezone(UTC)
        return timedelta(microseconds=self._between_us(to_us(a, "a"), to_us(b, "b")))

    def add_days(self, t: datetime, n: int) -> datetime:
        """The same local time of day ``n`` working days later (``n < 0``: earlier).

        Days are counted from ``t``'s local date whether or not it is a working day, so
        Saturday + 1 and Friday + 1 are both Monday. ``n == 0`` returns ``t``. A wall time
        that the zone skips on the result day resolves to the first instant after the gap.
        """
        us = to_us(t)
        if isinstance(n, bool) or not isinstance(n, int):
            raise UsageError(f"n must be an int, not {type(n).__name__}")
        if n == 0:
            return t.astimezone(self._zone)
        return from_us(self._add_days_us(us, n), self._zone)

    # -- integer microseconds: the same arithmetic for the engine, without datetimes -----

    def _add_us(self, us: int, amount: int) -> int:
        """``add`` on UTC microseconds: ``amount`` (negative: back) of working time."""
        if self._always or not amount:
            return us + amount
        if amount > 0:
            return FORWARD.shift(self._index, us, amount)
        return BACKWARD.shift(self._index, us, -amount)

    def _between_us(self, a: int, b: int) -> int:
        """``between`` on UTC microseconds."""
        if self._always:
            return b - a
        snap = self._index.around(a)
        if snap.safe_lo <= b < snap.safe_hi:
            return snap.worked(b) - snap.worked(a)
        lo, hi = (a, b) if a <= b else (b, a)
        worked = self._span_us(lo, hi, _work, Snapshot.worked)
        return worked if a <= b else -worked

    def _span_us(
        self,
        lo: int,
        hi: int,
        size: Callable[[Summary], int],
        count: Callable[[Snapshot, int], int],
    ) -> int:
        """``count(snap, hi) - count(snap, lo)`` for a running count (working time, closes)
        over ``[lo, hi)``: in one snapshot when one holds both, else the ends of the span in
        their own snapshots and the whole UTC years between them by ``size``."""
        index = self._index
        snap = index.spanning(lo, hi)
        if snap is not None:
            return count(snap, hi) - count(snap, lo)
        first, last = year_of(lo), year_of(hi)
        head = index.around(lo)
        total = count(head, year_start(first + 1)) - count(head, lo)
        for year in range(first + 1, last):
            total += size(index.summary(year))
        tail = index.around(hi)
        return total + count(tail, hi) - count(tail, year_start(last))

    def _closes_us(self, a: int, b: int) -> int:
        """How many working days close in ``(a, b]`` (their distinct last closes, as
        ``end_of_day`` gives them); 0 when ``b <= a``."""
        if b <= a:
            return 0
        return self._span_us(a + 1, b + 1, _closes, _closes_before)

    def _nth_close_us(self, us: int, n: int) -> int:
        """The ``n``-th (> 0) close of a working day after ``us``: ``end_of_day`` applied
        ``n`` times."""
        index = self._index
        snap = index.around(us)
        closes = snap.day_closes
        i = bisect_right(closes, us) + n - 1
        if i < len(closes):
            return closes[i]
        year = year_of(us)
        rem = n + bisect_right(closes, us) - bisect_left(closes, year_start(year))
        what = f"the close of the working day {n:,} days after {shown(us)}"
        year, rem = FORWARD.count_years(index, year, rem, lambda y: index.summary(y).closes, what)
        closes = index.covering(year - 1, year + 1).day_closes
        return closes[bisect_left(closes, year_start(year)) + rem - 1]

    def _add_days_us(self, us: int, n: int) -> int:
        """``add_days`` on UTC microseconds."""
        if not n:
            return us
        local = from_us(us, self._zone)
        direction: Direction = FORWARD if n > 0 else BACKWARD
        day = direction.nth_day(self._index, us, local.date().toordinal(), abs(n))
        minutes = local.hour * 60 + local.minute
        return wall_to_us(
            date.fromordinal(day), minutes, self._zone, local.second, local.microsecond
        )

    def _end_of_day_us(self, us: int) -> int:
        """``end_of_day`` on UTC microseconds."""

        def locate(snap: Snapshot) -> int | None:
            j = bisect_right(snap.day_closes, us)
            return snap.day_closes[j] if j < len(snap.day_closes) else None

        return FORWARD.search(self._index, us, locate)

    # -- open and closed ------------------------------------------------------------------

    def is_open(self, t: datetime) -> bool:
        """Whether ``t`` lies inside working hours (open at an opening, closed at a close)."""
        us = to_us(t)
        return self._index.around(us).containing(us) >= 0

    def next_open(self, t: datetime) -> datetime:
        """``t`` itself when open, else the next opening."""
        us = to_us(t)
        found = self._next_open_us(us)
        return t.astimezone(self._zone) if found == us else from_us(found, self._zone)

    def _next_open_us(self, us: int) -> int:
        """``next_open`` on UTC microseconds."""
        if self._always:
            return us

        def locate(snap: Snapshot) -> int | None:
            i = bisect_right(snap.starts, us) - 1
            if i >= 0 and us < snap.ends[i]:
                return us
            return snap.starts[i + 1] if i + 1 < len(snap.starts) else None

        return FORWARD.search(self._index, us, locate)

    def next_close(self, t: datetime) -> datetime | None:
        """The end of the opening that contains ``t``, or of the next one.

        Openings that touch (``24:00`` then ``00:00``) count as one. ``None`` when the
        calendar stays open for ``MAX_IDLE_YEARS`` years (``24x7``).
        """
        us = to_us(t)
        year = year_of(us)
        snap = self._index.around(us)
        while True:
            i = bisect_right(snap.starts, us) - 1
            if i < 0 or us >= snap.ends[i]:
                i += 1
            if i < len(snap.ends):
                edge = wall_to_us(date(snap.last_year + 1, 1, 1), 0, self._zone)
                if snap.ends[i] < edge:
                    return from_us(snap.ends[i], self._zone)
            if snap.last_year - year >= MAX_IDLE_YEARS:
                return None
            snap = self._index.grow(snap, 1, f"the next close after {shown(us)}")

    def end_of_day(self, t: datetime) -> datetime:
        """The close of the working day that contains ``t``, or of the next working day.

        Precisely: the earliest last-close of a working day that is later than ``t``. A day's
        close is its last interval's end (after any break); an overnight shift belongs to the
        day it opens. At a close exactly, the day is over and the next day's close is given.
        """
        return from_us(self._end_of_day_us(to_us(t)), self._zone)

    def _covering(self, lo: int, hi: int) -> Snapshot:
        return self._index.covering(year_of(lo) - 1, year_of(hi) + 1)
