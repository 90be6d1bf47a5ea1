"""A stage's clock for one ticket: the stretches of time it ran, and the arithmetic on them.

The clock runs from its start until the stop event, except while the ticket is in a
pausing status. After a stop the clock is projected as running on, so that a stage met
early still has the deadline it would have had. Working time is always counted on the
calendar, so closed hours never count.

Instants and durations are integer UTC microseconds, the calendar's own unit: the engine
turns them into datetimes only for the answer it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from slarules.calendar import Calendar

__all__ = [
    "Clock",
    "ElapsedClock",
    "SteadyClock",
    "SteadyElapsedClock",
    "build_clock",
    "covered",
    "steady_clock",
]

Segment = tuple[int, int | None]  # [from, until); until None: still open


def covered(spans: Sequence[Segment], until: int) -> int:
    """Elapsed time the ``spans`` (in time order) cover before ``until``."""
    total = 0
    for a, b in spans:
        if a >= until:
            break
        total += (until if b is None or b > until else b) - a
    return total


class Clock(NamedTuple):
    """When a stage's clock ran: active segments in time order; the last may be open."""

    calendar: Calendar
    start: int
    stop: int | None
    segments: tuple[Segment, ...]
    pauses: tuple[Segment, ...]

    def worked(self, until: int) -> int:
        """Working time the clock ran in ``[start, until)``."""
        between = self.calendar._between_us
        total = 0
        for a, b in self.segments:
            if a >= until:
                break
            total += between(a, until if b is None or b > until else b)
        return total

    def reach(self, budget: int) -> int | None:
        """The instant at which the clock has run ``budget``; ``None`` if it never does."""
        if budget < 0:
            budget = 0
        acc = 0
        cal = self.calendar
        for a, b in self.segments:
            if b is None:
                return cal._add_us(a, budget - acc)
            worked = cal._between_us(a, b)
            if acc + worked >= budget:
                return cal._add_us(a, budget - acc)
            acc += worked
        return None

    def paused_at(self, t: int) -> bool:
        """Whether the clock stands still at ``t`` because of a pause."""
        for a, b in self.pauses:
            if a <= t and (b is None or t < b):
                return True
            if a > t:
                break
        return False

    def paused_time(self, until: int) -> int:
        """Wall-clock time spent paused between the start and ``until``."""
        return covered(self.pauses, until)


class SteadyClock(Clock):
    """A clock that never paused: one open segment from its start, so closed forms."""

    __slots__ = ()

    def worked(self, until: int) -> int:
        start = self.start
        return self.calendar._between_us(start, until) if until > start else 0

    def reach(self, budget: int) -> int | None:
        return self.calendar._add_us(self.start, budget if budget > 0 else 0)

    def paused_at(self, t: int) -> bool:
        return False

    def paused_time(self, until: int) -> int:
        return 0


class ElapsedClock(Clock):
    """A clock on a calendar open at every instant (``24x7``, no holidays): its working
    time is elapsed time, so the arithmetic needs no calendar."""

    __slots__ = ()

    def worked(self, until: int) -> int:
        return covered(self.segments, until)

    def reach(self, budget: int) -> int | None:
        if budget < 0:
            budget = 0
        acc = 0
        for a, b in self.segments:
            if b is None or acc + (b - a) >= budget:
                return a + budget - acc
            acc += b - a
        return None


class SteadyElapsedClock(SteadyClock):
    """A clock that never paused, on a calendar open at every instant."""

    __slots__ = ()

    def worked(self, until: int) -> int:
        start = self.start
        return until - start if until > start else 0

    def reach(self, budget: int) -> int | None:
        return self.start + (budget if budget > 0 else 0)


_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__


def steady_clock(calendar: Calendar, start: int, stop: int | None) -> Clock:
    """The clock of a stage that never pauses."""
    kind = SteadyElapsedClock if calendar.always_open else SteadyClock
    return _tuple(kind, (calendar, start, stop, ((start, None),), ()))


def build_clock(
    calendar: Calendar,
    start: int,
    stop: int | None,
    statuses: Sequence[tuple[int, str]],
    pauses: Callable[[str], bool] | None,
) -> Clock:
    """The clock of a stage that started at ``start`` (and stopped at ``stop``, if it did).

    ``statuses`` are ``(instant, status)`` changes in time order; ``pauses(status)`` tells
    whether a status stops the clock. Status changes after the stop are ignored: the clock
    no longer runs.
    """
    if pauses is None or not statuses:
        return steady_clock(calendar, start, stop)
    paused: list[Segment] = []
    since: int | None = None  # when the current pause began
    for at, status in statuses:  # in time order
        if at <= start:  # the status in force at the start decides how the clock starts
            since = start if pauses(status) else None
        elif stop is not None and at >= stop:
            break
        elif pauses(status):
            if since is None:
                since = at
        elif since is not None:
            paused.append((since, at))
            since = None
    if since is not None:
        paused.append((since, stop))
    if not paused:
        return steady_clock(calendar, start, stop)
    segments: list[Segment] = []
    cursor: int | None = start
    for a, b in paused:
        assert cursor is not None
        if a > cursor:
            segments.append((cursor, a))
        cursor = b
        if cursor is None:
            break
    if cursor is not None:
        segments.append((cursor, None))
    kind = ElapsedClock if calendar.always_open else Clock
    return _tuple(kind, (calendar, start, stop, tuple(segments), tuple(paused)))
