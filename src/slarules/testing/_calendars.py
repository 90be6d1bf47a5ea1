"""``calendars()``: valid ``calendars:`` entries, as ``Calendar.from_dict`` takes them.

Weekly hours are built in half hours so that they read well when shrunk: one to three
intervals a day (breaks between them), sometimes an overnight shift that closes before the
next day opens, sometimes ``24x7``; plus holidays (a country's, or dates), extra workdays,
date overrides (half days, closed days) and a time zone with or without DST.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from slarules.calendar._hours import DAY_NAMES

__all__ = ["TIMEZONES", "calendars"]

TIMEZONES = (
    "Asia/Shanghai",
    "UTC",
    "America/New_York",
    "Europe/Paris",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
)
"""Zones drawn by default: no DST, northern and southern DST, half- and quarter-hour offsets."""

COUNTRIES = ("CN", "US", "FR", "GB", "JP")
_FIRST = date(2025, 1, 1)
_DAYS = 730
_HALF = 30


def _clock(minutes: int) -> str:
    return "24:00" if minutes == 1440 else f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _interval(span: tuple[int, int]) -> str:
    return f"{_clock(span[0])}-{_clock(span[1])}"


@st.composite
def _day(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    """One day's spans, in minutes after midnight; the last may run past 24:00."""
    count = draw(st.integers(min_value=1, max_value=3))
    points = draw(
        st.lists(
            st.integers(min_value=0, max_value=48),
            min_size=2 * count,
            max_size=2 * count,
            unique=True,
        )
    )
    points = sorted(p * _HALF for p in points)
    spans = [(points[i], points[i + 1]) for i in range(0, len(points), 2)]
    if spans[-1][0] > 0 and draw(st.integers(0, 4)) == 0:  # an overnight shift
        start = spans[-1][0]
        spill = draw(st.integers(min_value=1, max_value=start // _HALF)) * _HALF
        spans[-1] = (start, 1440 + min(spill, start - _HALF))
    return tuple(spans)


def _fit_overnight(week: list[tuple[tuple[int, int], ...]]) -> list[tuple[tuple[int, int], ...]]:
    """Make each overnight shift close before the next day's first opening."""
    for i, spans in enumerate(week):
        if not spans or spans[-1][1] <= 1440:
            continue
        nxt = week[(i + 1) % 7]
        room = nxt[0][0] if nxt else 1440
        start, end = spans[-1]
        end = min(end, 1440 + room)
        if end - 1440 >= start:
            end = 1440
        week[i] = (*spans[:-1], (start, end))
    return week


def _render(week: list[tuple[tuple[int, int], ...]]) -> dict[str, list[str]]:
    """Weekly hours with runs of equal days written as ranges (``mon-fri``)."""
    hours: dict[str, list[str]] = {}
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and week[j + 1] == week[i]:
            j += 1
        if week[i]:
            key = DAY_NAMES[i] if i == j else f"{DAY_NAMES[i]}-{DAY_NAMES[j]}"
            hours[key] = [_interval(s) for s in week[i]]
        i = j + 1
    return hours


@st.composite
def _weekly(draw: st.DrawFn) -> dict[str, list[str]]:
    office = draw(_day())
    week: list[tuple[tuple[int, int], ...]] = [office] * 5 + [(), ()]
    for i in range(7):
        if draw(st.integers(0, 3)) == 0:  # a day that differs from the office pattern
            week[i] = draw(st.just(()) | _day())
    if not any(week[:5]) and not any(week):
        week[0] = office
    return _render(_fit_overnight(week))


_dates = st.integers(min_value=0, max_value=_DAYS).map(
    lambda n: (_FIRST + timedelta(days=n)).isoformat()
)


def calendars(
    *,
    timezones: Sequence[str] = TIMEZONES,
    countries: Sequence[str] = COUNTRIES,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid calendar mappings (one ``calendars:`` entry plus ``timezone``).

    They hold weekly hours with breaks, overnight shifts that close before the next day
    opens, or ``24x7``; public holidays of one of ``countries`` (with make-up workdays
    where the country has them) or a list of dates; extra workdays; date overrides (half
    days and closed days, in 2025-2026); and one of ``timezones``. Each is accepted by
    ``slarules.Calendar.from_dict`` and shrinks to ``{"timezone": ..., "hours": "24x7"}``.
    """
    holidays = st.one_of(
        st.none(),
        st.sampled_from(countries).map(lambda c: {"country": c}),
        st.lists(_dates, min_size=1, max_size=4, unique=True),
    )
    overrides = st.dictionaries(
        _dates,
        st.just([]) | _day().map(lambda d: [_interval(s) for s in d if s[1] <= 1440]),
        max_size=3,
    )

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {"timezone": draw(st.sampled_from(timezones))}
        if draw(st.booleans()):
            out["hours"] = draw(_weekly())
            out["workdays"] = draw(st.lists(_dates, max_size=2, unique=True))
        else:
            out["hours"] = "24x7"
        found = draw(holidays)
        if found is not None:
            out["holidays"] = found
        days = draw(overrides)
        if days:
            out["days"] = days
        return {k: v for k, v in out.items() if v != []}

    return build()
