"""Turn a stage's parsed target into a working-time budget or a fixed deadline."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slarules._compiled import CompiledTarget
from slarules._durations import (
    Before,
    BusinessDays,
    CalendarDays,
    Duration,
    EndOfBusinessDay,
    NextWeekday,
)
from slarules.calendar import Calendar
from slarules.calendar._localtime import from_us, to_us

from ._wallclock import add_local_days, next_weekday_at

__all__ = ["Resolved", "counts_back", "early_deadline", "resolve_target"]

_US = timedelta(microseconds=1)


class Resolved(NamedTuple):
    """A target made concrete for one ticket (instants and durations in microseconds).

    A *budget* is working time consumed only while the clock runs, so pauses push the
    deadline out (durations, business days, calendar days). A *fixed* deadline is an
    instant that pauses do not move (end of business day, next Monday 12:00, counted back
    from an event); its budget is the working time from the start to it, for percentages.
    ``budget is None`` means no deadline can be known yet (the anchoring event is missing).
    """

    budget: int | None
    fixed: int | None
    waiting_for: str | None = None


def _local_days(us: int, days: int, cal: Calendar) -> int:
    return to_us(add_local_days(from_us(us, UTC), days, cal.timezone))


def _works_on(cal: Calendar, us: int) -> bool:
    """Whether the calendar has working time on the local date of ``us``."""
    day = from_us(us, cal.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        next(iter(cal.open_intervals(day, add_local_days(day, 1, cal.timezone))), None) is not None
    )


def _budget_until(cal: Calendar, start: int, anchor: int) -> int:
    return cal._between_us(start, anchor) if anchor > start else 0


def resolve_target(target: CompiledTarget, start: int, events: Mapping[str, int]) -> Resolved:
    """Resolve ``target`` for a clock starting at ``start``, given the ticket's events."""
    if target.budget is not None:  # a plain duration
        return Resolved(target.budget, None)
    cal = target.calendar
    t = target.target
    if isinstance(t, BusinessDays | CalendarDays):
        # days are counted from the first working instant: a ticket created on a Sunday or
        # a holiday gets whole working days, not the hours before that time of day
        origin = cal._next_open_us(start)
        if isinstance(t, BusinessDays):
            anchor = cal._add_days_us(origin, t.days)
        else:
            anchor = _local_days(origin, t.days, cal)
        return Resolved(_budget_until(cal, origin, anchor), None)
    if isinstance(t, EndOfBusinessDay):
        anchor = cal._end_of_day_us(start)
        return Resolved(_budget_until(cal, start, anchor), anchor)
    if isinstance(t, NextWeekday):
        local = next_weekday_at(from_us(start, UTC), t.weekday, t.at, cal.timezone)
        anchor = to_us(local)
        if not _works_on(cal, anchor):
            anchor = cal._add_days_us(anchor, 1)  # a holiday Monday: the next working day
        return Resolved(_budget_until(cal, start, anchor), anchor)
    if isinstance(t, Before):
        event = events.get(t.event)
        if event is None:
            return Resolved(None, None, waiting_for=t.event)
        amount = t.amount
        if isinstance(amount, Duration):
            anchor = cal._add_us(event, -(amount.delta // _US))
        elif isinstance(amount, BusinessDays):
            anchor = cal._add_days_us(event, -amount.days)
        else:
            anchor = _local_days(event, -amount.days, cal)
        return Resolved(_budget_until(cal, start, anchor), anchor)
    return Resolved(None, None)  # no target: tracked without a deadline


def counts_back(target: CompiledTarget | None) -> bool:
    """Whether ``target`` is counted back from an event (``… before EVENT``): the only kind
    whose deadline can lie before the stage starts."""
    return target is not None and isinstance(target.target, Before)


def early_deadline(stage: str, source: str, start: int, deadline: int, tz: ZoneInfo) -> str:
    """The warning for a deadline counted back from an event to before the stage started:
    it stands as computed, so the stage is breached from its start (met late if it stops)."""
    when, began = (from_us(us, tz).isoformat(timespec="minutes") for us in (deadline, start))
    return (
        f"stage {stage!r}: its deadline ({source}: {when}) lies before the stage started "
        f"({began}), so the stage was breached from its start"
    )
