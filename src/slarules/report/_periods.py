"""Report periods: months, ISO weeks or days of the policy's time zone, and date ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = ["PeriodKind", "Range", "period_label", "period_start", "resolve_range"]

PeriodKind = Literal["month", "week", "day"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "week", "day")


def period_start(day: date, kind: PeriodKind) -> date:
    """The first day of the period holding ``day``."""
    if kind == "month":
        return day.replace(day=1)
    if kind == "week":
        return day - timedelta(days=day.weekday())
    return day


def next_period_start(start: date, kind: PeriodKind) -> date:
    if kind == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7 if kind == "week" else 1)


def period_label(day: date, kind: PeriodKind) -> str:
    """``2025-10`` for a month, ``2025-W41`` for an ISO week, ``2025-10-09`` for a day."""
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return day.isoformat()


@dataclass(frozen=True, slots=True)
class Range:
    """The report's dates (inclusive, local to the policy's zone) and the previous range."""

    start: date
    end: date
    previous_start: date
    previous_end: date
    kind: PeriodKind
    zone: ZoneInfo
    _labels: dict[date, str] = field(default_factory=dict, compare=False, repr=False)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def where(self, instant: datetime) -> str | None:
        """``"current"``, ``"previous"`` or ``None`` for an instant."""
        day = self.local_date(instant)
        if self.start <= day <= self.end:
            return "current"
        if self.previous_start <= day <= self.previous_end:
            return "previous"
        return None

    def locate(self, instant: datetime) -> tuple[str, str] | None:
        """(window, period label) of an instant, or ``None`` outside both ranges."""
        day = instant.astimezone(self.zone).date()
        if self.start <= day <= self.end:
            window = "current"
        elif self.previous_start <= day <= self.previous_end:
            window = "previous"
        else:
            return None
        label = self._labels.get(day)
        if label is None:
            label = self._labels[day] = period_label(day, self.kind)
        return window, label

    def periods(self) -> list[str]:
        """Labels of the periods the current range touches, in order."""
        out: list[str] = []
        day = period_start(self.start, self.kind)
        while day <= self.end:
            out.append(period_label(day, self.kind))
            day = next_period_start(day, self.kind)
        return out


def resolve_range(
    as_of: datetime,
    zone: ZoneInfo,
    kind: PeriodKind,
    start: date | None,
    end: date | None,
) -> Range:
    """Fill in missing dates and find the previous range of the same length.

    No dates: the period holding ``as_of`` up to ``as_of``'s date. Only ``end``: from the
    start of its period. Only ``start``: up to ``as_of``'s date. A range of whole periods
    (October, or weeks 40-41) is compared with as many whole periods before it; any other
    range with the same number of days just before it.
    """
    today = as_of.astimezone(zone).date()
    if end is None:
        end = today if start is None or start <= today else start
    if start is None:
        start = period_start(end, kind)
    if start > end:
        raise ValueError(f"--from {start} is after --to {end}")
    whole = period_start(start, kind) == start and next_period_start(
        period_start(end, kind), kind
    ) == end + timedelta(days=1)
    if whole:
        count = 0
        day = start
        while day <= end:
            count += 1
            day = next_period_start(day, kind)
        prev = start
        for _ in range(count):
            prev = period_start(prev - timedelta(days=1), kind)
        previous_start, previous_end = prev, start - timedelta(days=1)
    else:
        length = (end - start).days + 1
        previous_start = start - timedelta(days=length)
        previous_end = start - timedelta(days=1)
    return Range(start, end, previous_start, previous_end, kind, zone)
