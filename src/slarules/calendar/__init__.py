"""Business calendars: weekly hours, holidays, make-up workdays, exact business-time math."""

from __future__ import annotations

from ._calendar import Calendar
from ._compile import compile_calendar
from ._hours import parse_interval
from ._index import MAX_IDLE_YEARS
from ._spec import CalendarSpec, HolidaysSpec

__all__ = [
    "MAX_IDLE_YEARS",
    "Calendar",
    "CalendarSpec",
    "HolidaysSpec",
    "compile_calendar",
    "parse_interval",
]
