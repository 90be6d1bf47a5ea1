"""One human sentence for a calendar: "Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai, …"."""

from __future__ import annotations

from ._hours import Span, WeekHours, format_minutes
from ._spec import CalendarSpec, HolidaysSpec

__all__ = ["describe"]

_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _spans(spans: tuple[Span, ...]) -> str:
    if spans == ((0, 1440),):
        return "all day"
    return ", ".join(f"{format_minutes(a)}–{format_minutes(b)}" for a, b in spans)


def _week(week: WeekHours) -> str:
    runs: list[tuple[int, int, tuple[Span, ...]]] = []
    for index, spans in enumerate(week.days):
        if runs and runs[-1][2] == spans and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index, spans)
        else:
            runs.append((index, index, spans))
    parts = []
    for first, last, spans in runs:
        if not spans:
            continue
        days = _SHORT[first] if first == last else f"{_SHORT[first]}–{_SHORT[last]}"
        parts.append(f"{days} {_spans(spans)}")
    return "; ".join(parts) if parts else "closed every week"


def describe(
    spec: CalendarSpec, week: WeekHours, timezone: str, country: str | None, make_up: bool
) -> str:
    """The calendar in one sentence, for explanations and ``slarules explain``."""
    head = "24x7" if spec.hours == "24x7" else _week(week)
    parts = [f"{head} {timezone}"]
    holidays = spec.holidays
    if isinstance(holidays, HolidaysSpec):
        where = country or holidays.country
        if holidays.subdivision:
            where += f" ({holidays.subdivision})"
        parts.append(f"{where} public holidays" + (" and make-up workdays" if make_up else ""))
        extra = len(holidays.dates)
    else:
        extra = len(holidays or [])
    if extra:
        parts.append(f"{extra} extra holiday{'s' if extra != 1 else ''}")
    if spec.workdays:
        n = len(spec.workdays)
        parts.append(f"{n} extra workday{'s' if n != 1 else ''}")
    if spec.days:
        n = len(spec.days)
        parts.append(f"{n} date{'s' if n != 1 else ''} with special hours")
    return ", ".join(parts)
