"""From a checked-shape ``CalendarSpec`` to a ``Calendar``: the semantic checks, all at once."""

from __future__ import annotations

import zoneinfo
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from slarules._errors import CalendarError, Problem
from slarules._suggest import did_you_mean

from ._days import DayPlan
from ._holidays import HolidaySource, make_source
from ._hours import Span, WeekHours, parse_spans, parse_week
from ._spec import CalendarSpec, HolidaysSpec

if TYPE_CHECKING:
    from ._calendar import Calendar

__all__ = ["compile_calendar", "load_zone"]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def load_zone(name: str) -> tuple[zoneinfo.ZoneInfo | None, list[Problem]]:
    """The zone called ``name``, or an ``unknown-timezone`` problem with a suggestion."""
    try:
        return zoneinfo.ZoneInfo(name), []
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        hint = did_you_mean(name, _zone_names()) or did_you_mean(
            name.replace(" ", "_"), _zone_names()
        )
        return None, [
            Problem(
                "unknown-timezone",
                f"{name!r} is not an IANA time zone",
                hint or "use a name such as Asia/Shanghai, Europe/Paris or UTC",
                ("timezone",),
            )
        ]


def _holiday_source(spec: CalendarSpec) -> tuple[HolidaySource, list[Problem]]:
    holidays = spec.holidays
    if isinstance(holidays, HolidaysSpec):
        return make_source(holidays.country, holidays.subdivision, holidays.dates)
    return make_source(None, None, holidays or [])


def _overrides(spec: CalendarSpec) -> tuple[dict[date, tuple[Span, ...]], list[Problem]]:
    out: dict[date, tuple[Span, ...]] = {}
    problems: list[Problem] = []
    for day, texts in spec.days.items():
        spans, found = parse_spans(texts, ("days", day.isoformat()))
        problems.extend(found)
        out[day] = tuple(spans)
    return out, problems


def _working_time_problems(spec: CalendarSpec, week: WeekHours) -> list[Problem]:
    problems: list[Problem] = []
    if not week.regular and spec.workdays:
        problems.append(
            Problem(
                "no-regular-hours",
                "workdays need weekly hours to work, but every weekday is closed",
                "give `hours` for at least one weekday, or use `days:` with explicit hours",
                ("workdays",),
            )
        )
    if not week.regular and not any(spec.days.values()):
        problems.append(
            Problem(
                "no-working-time",
                "this calendar is never open",
                "give `hours` for at least one day, e.g. mon-fri: [09:00-17:00]",
                ("hours",),
            )
        )
    return problems


def compile_calendar(spec: CalendarSpec, *, timezone: str | None = None) -> Calendar:
    """Check ``spec``'s meaning and compile it; ``timezone`` is the policy default.

    Raises ``CalendarError`` listing every problem, with key paths relative to the entry.
    """
    from ._calendar import Calendar

    problems: list[Problem] = []
    name = spec.timezone or timezone
    zone = None
    if name is None:
        problems.append(
            Problem(
                "missing-timezone",
                "this calendar has no time zone",
                "add `timezone: Area/City` to the calendar or to the policy",
                ("timezone",),
            )
        )
    else:
        zone, found = load_zone(name)
        problems.extend(found)
    week, week_problems = parse_week(spec.hours)
    problems.extend(week_problems)
    overrides, found = _overrides(spec)
    problems.extend(found)
    source, found = _holiday_source(spec)
    problems.extend(found)
    if not week_problems:  # a misspelt day is the problem, not a calendar never open
        problems.extend(_working_time_problems(spec, week))
    if problems or zone is None or name is None:
        raise CalendarError(problems)
    plan = DayPlan(week, source, frozenset(spec.workdays), overrides)
    return Calendar._create(spec, timezone, name, zone, plan)
