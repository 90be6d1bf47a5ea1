"""Turn a stage's parsed target into a working-time budget or a fixed deadline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

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

from ._wallclock import add_local_days, next_weekday_at

__all__ = ["Resolved", "resolve_target"]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A target made concrete for one ticket.

    A *budget* is working time consumed only while the clock runs, so pauses push the
    deadline out (durations, business days, calendar days). A *fixed* deadline is an
    instant that pauses do not move (end of business day, next Monday 12:00, counted back
    from an event); its budget is the working time from the start to it, for percentages.
    ``budget is None`` means no deadline can be known yet (the anchoring event is missing).
    """

    budget: timedelta | None
    fixed: datetime | None
    waiting_for: str | None = None


def _works_on(cal: Calendar, t: datetime) -> bool:
    """Whether the calendar has working time on the local date of ``t``."""
    day = t.astimezone(cal.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        next(iter(cal.open_intervals(day, add_local_days(day, 1, cal.timezone))), None) is not None
    )


def _budget_until(cal: Calendar, start: datetime, anchor: datetime) -> timedelta:
    return cal.between(start, anchor) if anchor > start else timedelta(0)


def resolve_target(
    target: CompiledTarget, start: datetime, events: Mapping[str, datetime]
) -> Resolved:
    """Resolve ``target`` for a clock starting at ``start``, given the ticket's events."""
    cal = target.calendar
    t = target.target
    if isinstance(t, Duration):
        return Resolved(t.delta, None)
    if isinstance(t, BusinessDays):
        return Resolved(_budget_until(cal, start, cal.add_days(start, t.days)), None)
    if isinstance(t, CalendarDays):
        return Resolved(
            _budget_until(cal, start, add_local_days(start, t.days, cal.timezone)), None
        )
    if isinstance(t, EndOfBusinessDay):
        anchor = cal.end_of_day(start)
        return Resolved(_budget_until(cal, start, anchor), anchor)
    if isinstance(t, NextWeekday):
        anchor = next_weekday_at(start, t.weekday, t.at, cal.timezone)
        if not _works_on(cal, anchor):
            anchor = cal.add_days(anchor, 1)  # a holiday Monday: the next working day, same time
        return Resolved(_budget_until(cal, start, anchor), anchor)
    if isinstance(t, Before):
        event = events.get(t.event)
        if event is None:
            return Resolved(None, None, waiting_for=t.event)
        amount = t.amount
        if isinstance(amount, Duration):
            anchor = cal.subtract(event, amount.delta)
        elif isinstance(amount, BusinessDays):
            anchor = cal.add_days(event, -amount.days)
        else:
            anchor = add_local_days(event, -amount.days, cal.timezone)
        return Resolved(_budget_until(cal, start, anchor), anchor)
    return Resolved(None, None)  # no target: tracked without a deadline
