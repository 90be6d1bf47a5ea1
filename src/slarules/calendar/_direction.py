"""Walking business time forwards or backwards: one algorithm, two directions.

``Direction`` holds the algorithm: look in the snapshot around the start; if the answer
lies beyond it, count whole UTC years with ``IntervalIndex.summary`` (a lookup each for
years that repeat, see ``_index``) until the year that holds the answer, and look in the
snapshot around that year. ``Forward`` and ``Backward`` supply only the comparisons: which
binary search finds the answer, and which edge of a year comes first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from datetime import date, timedelta

from slarules._durations import format_duration
from slarules._errors import CalendarError, Problem

from ._index import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_IDLE_YEARS,
    IntervalIndex,
    Snapshot,
    beyond,
    shown,
    year_of,
    year_start,
)

__all__ = ["BACKWARD", "FORWARD", "Backward", "Direction", "Forward"]

_Locate = Callable[[Snapshot], "int | None"]
_US = timedelta(microseconds=1)


class Direction(ABC):
    """Shared search loop; subclasses answer within one snapshot or say ``None`` (beyond)."""

    sign: int
    word: str

    def shift(self, index: IntervalIndex, us: int, amount: int) -> int:
        """The instant ``amount`` (> 0) microseconds of working time from ``us``."""
        snap = index.snapshot
        if snap is None or not snap.safe_lo <= us < snap.safe_hi:
            snap = index.around(us)
        found = self.locate_work(snap, us, amount)
        if found is not None:
            return found
        # the work from the first edge of us's year, then whole years
        year = year_of(us)
        rem = amount + self.worked_since_edge(snap, us, year)
        what = (
            f"the instant {format_duration(amount * _US)} of working time {self.word} {shown(us)}"
        )
        year, rem = self.count_years(index, year, rem, lambda y: index.summary(y).work, what)
        return self.land_work(index.covering(year - 1, year + 1), year, rem)

    def nth_day(self, index: IntervalIndex, us: int, day_ord: int, n: int) -> int:
        """The ordinal of the ``n``-th (> 0) working day after (or before) ``day_ord``."""
        snap = index.around(us)
        found = self.locate_day(snap, day_ord, n)
        if found is not None:
            return found
        year = date.fromordinal(day_ord).year
        days = [ord_ for ord_, _ in index.year_days(year)]
        rem = n + self.days_since_edge(days, day_ord)
        what = f"the working day {n:,} days {self.word} {date.fromordinal(day_ord)}"
        year, rem = self.count_years(index, year, rem, lambda y: index.summary(y).days, what)
        days = [ord_ for ord_, _ in index.year_days(year)]
        return self.land_day(days, rem)

    def search(self, index: IntervalIndex, us: int, locate: _Locate) -> int:
        """Run ``locate`` on snapshots grown a year at a time in this direction until it
        answers (for questions about the next opening, close or day)."""
        snap = index.around(us)
        while True:
            found = locate(snap)
            if found is not None:
                return found
            if self.idle(snap) >= MAX_IDLE_YEARS:
                raise _no_working_time(self.word, us)
            snap = index.grow(snap, self.sign, f"the next working time {self.word} {shown(us)}")

    def count_years(
        self, index: IntervalIndex, year: int, rem: int, size: Callable[[int], int], what: str
    ) -> tuple[int, int]:
        """From ``year`` on in this direction, the first year whose ``size`` reaches ``rem``
        (> 0), and what is left of ``rem`` at its first edge. ``what`` names the answer in
        the error if the years run out; a ``CalendarError`` after ``MAX_IDLE_YEARS`` years
        without any."""
        idle = 0
        sign = self.sign
        while True:
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise beyond(what, sign)
            found = size(year)
            if found >= rem:
                return year, rem
            if found:
                idle = 0
            else:
                idle += 1
                if idle >= MAX_IDLE_YEARS:
                    raise _no_working_time(self.word, year_start(year))
            rem -= found
            year += sign

    @abstractmethod
    def locate_work(self, snap: Snapshot, us: int, amount: int) -> int | None:
        """The instant ``amount`` of work away from ``us``, if inside ``snap``."""

    @abstractmethod
    def worked_since_edge(self, snap: Snapshot, us: int, year: int) -> int:
        """The working time between the edge of ``year`` this direction starts from (the
        start of the year going forward) and ``us`` (in ``year``)."""

    @abstractmethod
    def land_work(self, snap: Snapshot, year: int, rem: int) -> int:
        """The instant ``rem`` (> 0, at most the year's work) of working time from the
        first edge of ``year`` (``snap`` holds the year and its neighbours)."""

    @abstractmethod
    def locate_day(self, snap: Snapshot, day_ord: int, n: int) -> int | None:
        """The ordinal ``n`` working days away from ``day_ord``, if inside ``snap``."""

    @abstractmethod
    def days_since_edge(self, days: list[int], day_ord: int) -> int:
        """Working days (``days``, of ``day_ord``'s year) from the first edge of the year
        up to ``day_ord`` itself."""

    @abstractmethod
    def land_day(self, days: list[int], rem: int) -> int:
        """The ``rem``-th working day of a year (``days``) from its first edge."""

    @abstractmethod
    def idle(self, snap: Snapshot) -> int:
        """Years without work at the edge of ``snap`` in this direction."""


def _no_working_time(word: str, us: int) -> CalendarError:
    return CalendarError(
        [
            Problem(
                "no-working-time",
                f"the calendar has no working time in the {MAX_IDLE_YEARS} years "
                f"{word} {_utc_year(us)}, so the answer cannot be found",
                "give it weekly hours, or fewer closed dates",
            )
        ]
    )


def _utc_year(us: int) -> int:
    return date.fromordinal(719163 + us // 86_400_000_000).year


class Forward(Direction):
    """Later in time: the earliest instant at which the work is done."""

    sign = 1
    word = "after"

    def locate_work(self, snap: Snapshot, us: int, amount: int) -> int | None:
        base = snap.base
        i = bisect_right(snap.starts, us) - 1  # the interval at or before us (as worked)
        if i < 0:
            target = amount
        else:
            end = snap.ends[i]
            target = (us if us < end else end) - base[i] + amount
        # the first interval whose end has the target worked; it is reached inside it
        j = bisect_left(snap.cumend, target, i if i > 0 else 0)
        if j == len(base):
            return None
        return base[j] + target

    def worked_since_edge(self, snap: Snapshot, us: int, year: int) -> int:
        return snap.worked(us) - snap.worked(year_start(year))

    def land_work(self, snap: Snapshot, year: int, rem: int) -> int:
        target = snap.worked(year_start(year)) + rem
        j = bisect_left(snap.cumend, target)
        return snap.base[j] + target

    def locate_day(self, snap: Snapshot, day_ord: int, n: int) -> int | None:
        i = bisect_right(snap.day_ords, day_ord) + n - 1
        return snap.day_ords[i] if i < len(snap.day_ords) else None

    def days_since_edge(self, days: list[int], day_ord: int) -> int:
        return bisect_right(days, day_ord)

    def land_day(self, days: list[int], rem: int) -> int:
        return days[rem - 1]

    def idle(self, snap: Snapshot) -> int:
        return snap.idle_after()


class Backward(Direction):
    """Earlier in time: the latest instant from which the work fits (stops at an opening)."""

    sign = -1
    word = "before"

    def locate_work(self, snap: Snapshot, us: int, amount: int) -> int | None:
        target = snap.worked(us) - amount
        if target < 0:
            return None
        # the last interval that starts with at most the target worked (so: an opening)
        return snap.base[bisect_right(snap.cum, target) - 1] + target

    def worked_since_edge(self, snap: Snapshot, us: int, year: int) -> int:
        return snap.worked(year_start(year + 1)) - snap.worked(us)

    def land_work(self, snap: Snapshot, year: int, rem: int) -> int:
        target = snap.worked(year_start(year + 1)) - rem
        return snap.base[bisect_right(snap.cum, target) - 1] + target

    def locate_day(self, snap: Snapshot, day_ord: int, n: int) -> int | None:
        i = bisect_left(snap.day_ords, day_ord) - n
        return snap.day_ords[i] if i >= 0 else None

    def days_since_edge(self, days: list[int], day_ord: int) -> int:
        return len(days) - bisect_left(days, day_ord)

    def land_day(self, days: list[int], rem: int) -> int:
        return days[len(days) - rem]

    def idle(self, snap: Snapshot) -> int:
        return snap.idle_before()


FORWARD = Forward()
BACKWARD = Backward()
