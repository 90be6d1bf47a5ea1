"""Walking business time forwards or backwards: one algorithm, two directions.

``Direction`` holds the algorithm (look in the compiled snapshot; if the answer lies beyond
it, grow the index that way and look again). ``Forward`` and ``Backward`` supply only the
comparisons: which binary search finds the answer and which way to grow.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from slarules._errors import CalendarError

from ._index import MAX_IDLE_YEARS, IntervalIndex, Snapshot, year_of

__all__ = ["BACKWARD", "FORWARD", "Backward", "Direction", "Forward"]

_Locate = Callable[[Snapshot], "int | None"]


class Direction(ABC):
    """Shared search loop; subclasses answer within one snapshot or say ``None`` (beyond)."""

    sign: int
    word: str

    def shift(self, index: IntervalIndex, us: int, amount: int) -> int:
        """The instant ``amount`` (> 0) microseconds of working time from ``us``."""
        snap = index.snapshot
        if snap is None or not snap.safe_lo <= us < snap.safe_hi:
            snap = index.around(us)
        while True:
            found = self.locate_work(snap, us, amount)
            if found is not None:
                return found
            snap = self.grow(index, snap, us, _per_year(snap), amount)

    def nth_day(self, index: IntervalIndex, us: int, day_ord: int, n: int) -> int:
        """The ordinal of the ``n``-th (> 0) working day after (or before) ``day_ord``."""
        snap = index.around(us)
        while True:
            found = self.locate_day(snap, day_ord, n)
            if found is not None:
                return found
            snap = self.grow(index, snap, us, _days_per_year(snap), n)

    def search(self, index: IntervalIndex, us: int, locate: _Locate) -> int:
        """Run ``locate`` on snapshots grown a year at a time in this direction until it
        answers (for questions about the next opening, close or day)."""
        snap = index.around(us)
        while True:
            found = locate(snap)
            if found is not None:
                return found
            snap = self.grow(index, snap, us, 0.0, 0)

    def grow(
        self, index: IntervalIndex, snap: Snapshot, us: int, rate: float, need: int
    ) -> Snapshot:
        """``snap`` grown by the years ``need`` should take at ``rate`` per year (at least
        one); a ``CalendarError`` once ``MAX_IDLE_YEARS`` have passed without work."""
        if self.idle(snap) >= MAX_IDLE_YEARS:
            raise CalendarError.single(
                "no-working-time",
                f"the calendar has no working time in the {MAX_IDLE_YEARS} years "
                f"{self.word} {year_of(us)}, so the answer cannot be found",
                hint="give it weekly hours, or fewer closed dates",
            )
        years = max(1, min(50, int(need / rate) + 1)) if rate > 0 else 1
        return index.grow(snap, self.sign * years)

    @abstractmethod
    def locate_work(self, snap: Snapshot, us: int, amount: int) -> int | None:
        """The instant ``amount`` of work away from ``us``, if inside ``snap``."""

    @abstractmethod
    def locate_day(self, snap: Snapshot, day_ord: int, n: int) -> int | None:
        """The ordinal ``n`` working days away from ``day_ord``, if inside ``snap``."""

    @abstractmethod
    def idle(self, snap: Snapshot) -> int:
        """Years without work at the edge of ``snap`` in this direction."""


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

    def locate_day(self, snap: Snapshot, day_ord: int, n: int) -> int | None:
        i = bisect_right(snap.day_ords, day_ord) + n - 1
        return snap.day_ords[i] if i < len(snap.day_ords) else None

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

    def locate_day(self, snap: Snapshot, day_ord: int, n: int) -> int | None:
        i = bisect_left(snap.day_ords, day_ord) - n
        return snap.day_ords[i] if i >= 0 else None

    def idle(self, snap: Snapshot) -> int:
        return snap.idle_before()


def _per_year(snap: Snapshot) -> float:
    total = snap.cumend[-1] if snap.cumend else 0
    return total / (snap.last_year - snap.first_year + 1)


def _days_per_year(snap: Snapshot) -> float:
    return len(snap.day_ords) / (snap.last_year - snap.first_year + 1)


FORWARD = Forward()
BACKWARD = Backward()
