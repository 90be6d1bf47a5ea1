"""A stage's clock for one ticket: the stretches of time it ran, and the arithmetic on them.

The clock runs from its start until the stop event, except while the ticket is in a
pausing status. After a stop the clock is projected as running on, so that a stage met
early still has the deadline it would have had. Working time is always counted on the
calendar, so closed hours never count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from slarules.calendar import Calendar

from ._ticket import StatusChange

__all__ = ["Clock", "build_clock"]

_ZERO = timedelta(0)

Segment = tuple[datetime, datetime | None]


@dataclass(frozen=True, slots=True)
class Clock:
    """When a stage's clock ran: active segments in time order; the last may be open."""

    calendar: Calendar
    start: datetime
    stop: datetime | None
    segments: tuple[Segment, ...]
    pauses: tuple[tuple[datetime, datetime | None], ...]

    def worked(self, until: datetime) -> timedelta:
        """Working time the clock ran in ``[start, until)``."""
        total = _ZERO
        between = self.calendar.between
        for a, b in self.segments:
            if a >= until:
                break
            hi = until if b is None or b > until else b
            total += between(a, hi)
        return total

    def reach(self, budget: timedelta) -> datetime | None:
        """The instant at which the clock has run ``budget``; ``None`` if it never does."""
        if budget < _ZERO:
            budget = _ZERO
        acc = _ZERO
        cal = self.calendar
        for a, b in self.segments:
            if b is None:
                return cal.add(a, budget - acc)
            worked = cal.between(a, b)
            if acc + worked >= budget:
                return cal.add(a, budget - acc)
            acc += worked
        return None

    def paused_at(self, t: datetime) -> bool:
        """Whether the clock stands still at ``t`` because of a pause."""
        for a, b in self.pauses:
            if a <= t and (b is None or t < b):
                return True
            if a > t:
                break
        return False

    def paused_time(self, until: datetime) -> timedelta:
        """Wall-clock time spent paused between the start and ``until``."""
        total = _ZERO
        for a, b in self.pauses:
            if a >= until:
                break
            hi = until if b is None or b > until else b
            total += hi - a
        return total


def build_clock(
    calendar: Calendar,
    start: datetime,
    stop: datetime | None,
    statuses: Sequence[StatusChange],
    pauses: Callable[[str], bool] | None,
) -> Clock:
    """The clock of a stage that started at ``start`` (and stopped at ``stop``, if it did).

    ``pauses(status)`` tells whether a status stops the clock. Status changes after the
    stop are ignored: the clock no longer runs.
    """
    paused: list[tuple[datetime, datetime | None]] = []
    if pauses is not None and statuses:
        end = stop
        current_start: datetime | None = None
        status_at_start: str | None = None
        later: list[StatusChange] = []
        for change in statuses:
            if change.at <= start:
                status_at_start = change.status
            elif end is None or change.at < end:
                later.append(change)
        if status_at_start is not None and pauses(status_at_start):
            current_start = start
        for change in later:
            is_pause = pauses(change.status)
            if is_pause and current_start is None:
                current_start = change.at
            elif not is_pause and current_start is not None:
                paused.append((current_start, change.at))
                current_start = None
        if current_start is not None:
            paused.append((current_start, end))
    segments: list[Segment] = []
    cursor: datetime | None = start
    for a, b in paused:
        assert cursor is not None
        if a > cursor:
            segments.append((cursor, a))
        cursor = b
        if cursor is None:
            break
    if cursor is not None:
        segments.append((cursor, None))
    return Clock(calendar, start, stop, tuple(segments), tuple(paused))
