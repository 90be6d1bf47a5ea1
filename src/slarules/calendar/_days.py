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

    def exceptions(self, year: int) -> dict[int, tuple[Span, ...]]:
        """The spans of the dates of ``year`` that do not work their weekday's hours, by
        ordinal (what ``spans`` answers for them; every other date works its weekday's)."""
        holidays = self.holidays.year(year)
        dates = {*holidays.closed, *holidays.workdays}
        dates.update(d for d in self.workdays if d.year == year)
        dates.update(d for d in self.overrides if d.year == year)
        week = self.week.days
        out: dict[int, tuple[Span, ...]] = {}
        for day in dates:
            if day.year == year:
                spans = self.spans(day)
                if spans != week[day.weekday()]:
                    out[day.toordinal()] = spans
        return out

    def dated_years(self) -> frozenset[int]:
        """The years of the dates the calendar names itself (workdays, dated hours, closed
        dates): they do not follow the weekly pattern and the holiday rules alone."""
        dates = [*self.workdays, *self.overrides, *self.holidays.extra]
        return frozenset(d.year for d in dates)

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday that closes ``day``, if a holiday is in effect."""
        if day in self.overrides or day in self.workdays:
            return None
        return self.holidays.year(day.year).closed.get(day)
