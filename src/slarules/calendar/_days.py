"""Which hours a given local date works, after holidays, workdays and date overrides.

Precedence, strongest first: ``days:`` overrides; explicit ``workdays``; holidays (the
explicit list, then the country's); the country's make-up workdays; the weekly hours.
A workday (explicit or make-up) works the regular weekday hours (``WeekHours.regular``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ._holidays import HolidaySource
from ._hours import Span, WeekHours

__all__ = ["DayPlan"]


@dataclass(frozen=True, slots=True)
class DayPlan:
    """The rules that decide each date's opening spans (local minutes, see ``_hours``)."""

    week: WeekHours
    holidays: HolidaySource
    workdays: frozenset[date]
    overrides: Mapping[date, tuple[Span, ...]]

    def spans(self, day: date) -> tuple[Span, ...]:
        """Opening spans of ``day``; ``()`` when it is closed."""
        override = self.overrides.get(day)
        if override is not None:
            return override
        if day in self.workdays:
            return self.week.regular
        year = self.holidays.year(day.year)
        if day in year.closed:
            return ()
        if day in year.workdays:
            return self.week.regular
        return self.week.days[day.weekday()]

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday that closes ``day``, if a holiday is in effect."""
        if day in self.overrides or day in self.workdays:
            return None
        return self.holidays.year(day.year).closed.get(day)
