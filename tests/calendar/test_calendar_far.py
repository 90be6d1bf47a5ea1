"""Far targets: answers years away come from year summaries, equal to the interval walk.

The interval walk is the index's own definition: one contiguous snapshot of every year
between the start and the answer, searched as ``Forward``/``Backward`` search. The fast
paths (a summary per UTC year, shared by the years of one calendar shape) must give the
same instants to the microsecond, and their work is bounded: counted in compiled years.
"""

from __future__ import annotations

import zoneinfo
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.calendar.calhelp import OFFICE

from slarules import CalendarError, UsageError
from slarules.calendar import Calendar
from slarules.calendar._direction import BACKWARD, FORWARD, Direction
from slarules.calendar._index import (
    FIRST_YEAR,
    LAST_YEAR,
    PUBLISHED_YEARS,
    InstantRangeError,
    Snapshot,
    year_of,
    year_start,
)
from slarules.calendar._localtime import from_us, to_us, transitions, wall_to_us
from slarules.testing import calendars

_HOUR = 3_600_000_000
_YEAR_OF_WORK = 2_000 * _HOUR  # roughly what an office works in a year

ZONES = (
    "Asia/Shanghai",  # LMT until 1900, DST 1986-1991, fixed since
    "UTC",
    "Europe/Paris",  # many changes, a yearly rule after 2037
    "America/New_York",
    "America/Santiago",  # southern DST
    "Australia/Lord_Howe",  # a half-hour DST
    "Pacific/Chatham",  # +12:45
    "Africa/Casablanca",  # explicit transitions until 2087
    "Asia/Gaza",
    "America/St_Johns",
)


def _walk_snapshot(cal: Calendar, first: int, last: int) -> Snapshot:
    index = cal._index
    first, last = max(first, FIRST_YEAR), min(last, LAST_YEAR)
    index._compile(range(first, last + 1))
    return index._build(first, last)


def _walk(cal: Calendar, us: int, locate: Any, direction: Direction) -> int:
    """Search contiguous snapshots, grown until ``locate`` answers: the old algorithm."""
    year = year_of(us)
    before, after = 1, 1
    while True:
        snap = _walk_snapshot(cal, year - before, year + after)
        found = locate(snap)
        if found is not None:
            return int(found)
        if direction is FORWARD:
            if year + after >= LAST_YEAR:
                raise InstantRangeError("beyond")
            after *= 2
        else:
            if year - before <= FIRST_YEAR:
                raise InstantRangeError("beyond")
            before *= 2


def walk_add(cal: Calendar, us: int, amount: int) -> int:
    direction = FORWARD if amount > 0 else BACKWARD
    return _walk(cal, us, lambda s: direction.locate_work(s, us, abs(amount)), direction)


def walk_between(cal: Calendar, a: int, b: int) -> int:
    snap = _walk_snapshot(cal, year_of(min(a, b)) - 1, year_of(max(a, b)) + 1)
    return snap.worked(b) - snap.worked(a)


def walk_add_days(cal: Calendar, us: int, n: int) -> int:
    day_ord = from_us(us, cal.zone).date().toordinal()
    direction = FORWARD if n > 0 else BACKWARD
    return _walk(cal, us, lambda s: direction.locate_day(s, day_ord, abs(n)), direction)


def walk_nth_close(cal: Calendar, us: int, n: int) -> int:
    def locate(snap: Snapshot) -> int | None:
        i = bisect_right(snap.day_closes, us) + n - 1
        return snap.day_closes[i] if i < len(snap.day_closes) else None

    return _walk(cal, us, locate, FORWARD)


def walk_closes(cal: Calendar, a: int, b: int) -> int:
    snap = _walk_snapshot(cal, year_of(a) - 1, year_of(b) + 1)
    return sum(1 for c in snap.day_closes if a < c <= b)


def _fresh(mapping: dict[str, Any]) -> Calendar:
    return Calendar.from_dict(mapping)


# -- compiling a year --------------------------------------------------------------------


def exact_year(cal: Calendar, year: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """A year compiled as it was before quiet days: every wall time by ``wall_to_us``."""
    intervals: list[tuple[int, int]] = []
    days: list[tuple[int, int]] = []
    for ord_ in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()):
        day = date.fromordinal(ord_)
        close = None
        for a, b in cal._plan.spans(day):
            start, stop = wall_to_us(day, a, cal.zone), wall_to_us(day, b, cal.zone)
            if stop > start:
                intervals.append((start, stop))
                close = stop
        if close is not None:
            days.append((ord_, close))
    intervals.sort()
    return intervals, days


_SHIFTS = {  # an overnight shift across the usual Sunday-morning changes, a whole day
    "mon-tue": ["08:00-12:00", "13:00-17:30"],
    "wed": ["00:00-24:00"],
    "thu-fri": ["02:30-12:00"],
    "sat": ["22:00-06:00"],
    "sun": ["06:30-12:00"],
}


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(zoneinfo.available_timezones())),
    st.sampled_from([1850, 1900, 1916, 1940, 1945, 1970, 1996, 2024, 2037, 2038, 2087, 2400]),
)
def test_a_compiled_year_is_every_wall_time_converted_exactly(zone: str, year: int) -> None:
    cal = _fresh({"timezone": zone, "hours": _SHIFTS})
    compiled = cal._index._compile_year(year)
    assert (compiled.intervals, compiled.days) == exact_year(cal, year)


@pytest.mark.parametrize("zone", ZONES)
def test_the_zone_transitions_are_those_the_zone_keeps(zone: str) -> None:
    found = transitions(ZoneInfo(zone))
    assert found is not None
    pure = import_module("zoneinfo._zoneinfo").ZoneInfo.no_cache(zone)
    assert list(found.explicit) == [s * 1_000_000 for s in pure._trans_utc]


def test_a_zone_read_from_a_file_has_no_known_transitions_and_still_compiles_exactly() -> None:
    from importlib.resources import files

    with (files("tzdata") / "zoneinfo" / "Europe" / "Paris").open("rb") as f:
        assert transitions(ZoneInfo.from_file(f)) is None
    cal = _fresh({"timezone": "Europe/Paris", "hours": _SHIFTS})
    cal._index._transitions = None  # every day the exact way
    compiled = cal._index._compile_year(2025)
    assert (compiled.intervals, compiled.days) == exact_year(cal, 2025)


def test_the_holidays_package_has_no_holidays_outside_its_years() -> None:
    """What regular years rely on: no holiday before ``start_year`` or after ``end_year``."""
    for code in holidays.list_supported_countries():
        instance = holidays.country_holidays(code)
        for year in (instance.start_year - 1, instance.end_year + 1):
            found = holidays.country_holidays(code, years=year)
            assert not found, (code, year)
            moved = getattr(found, "weekend_workdays", ())
            assert not [d for d in moved if d.year == year], (code, year)


# -- year summaries -------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.sampled_from([OFFICE["hours"], _SHIFTS, "24x7"]),
    st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR),
)
def test_a_year_summary_is_what_its_own_year_measures(zone: str, hours: Any, year: int) -> None:
    """Regular years take the summary of the first year of the same shape: it must be
    their own, measured on their own compiled neighbourhood."""
    cal = _fresh({"timezone": zone, "hours": hours, "holidays": {"country": "CN"}})
    index = cal._index
    assert index.summary(year) == index._measure(year)
    snap = _walk_snapshot(cal, year - 1, year + 1)
    if FIRST_YEAR < year < LAST_YEAR:
        lo, hi = year_start(year), year_start(year + 1)
        assert index.summary(year).work == snap.worked(hi) - snap.worked(lo)
        assert index.summary(year).closes == sum(1 for c in snap.day_closes if lo <= c < hi)


# -- far answers equal the walk -------------------------------------------------------------

_START_YEARS = st.sampled_from([4, 1890, 1985, 2025, 2036, 2098, 2105, 5000, 9994])
_far_calendars = calendars(timezones=ZONES)
_YEAR = 365 * 86_400  # seconds
# years away, so that they take the far paths (a summary per year); near answers are
# the snapshot's, tested in test_calendar_properties
_FAR_WORK = st.integers(min_value=3 * _YEAR_OF_WORK, max_value=60 * _YEAR_OF_WORK)
_FAR_DAYS = st.integers(min_value=3 * 260, max_value=60 * 260)


def _instant(year: int, seconds: int) -> int:
    return year_start(year) + seconds * 1_000_000


def _same(fast: Any, slow: Any) -> None:
    """Equal answers, or the same kind of refusal."""
    try:
        expected = slow()
    except (InstantRangeError, CalendarError) as exc:
        with pytest.raises(type(exc)):
            fast()
        return
    assert fast() == expected


@settings(max_examples=60, deadline=None)
@given(
    _far_calendars,
    _START_YEARS,
    st.integers(min_value=0, max_value=365 * 86_400 - 1),
    _FAR_WORK,
    st.booleans(),
)
def test_a_far_add_is_the_interval_walk(
    mapping: dict[str, Any], year: int, seconds: int, amount: int, back: bool
) -> None:
    cal = _fresh(mapping)
    us = _instant(year, seconds)
    amount = -amount if back else amount
    _same(lambda: cal._add_us(us, amount), lambda: walk_add(_fresh(mapping), us, amount))


@settings(max_examples=40, deadline=None)
@given(
    _far_calendars,
    _START_YEARS,
    st.integers(min_value=0, max_value=365 * 86_400 - 1),
    st.integers(min_value=PUBLISHED_YEARS * _YEAR, max_value=200 * _YEAR),
)
def test_a_far_between_is_the_interval_walk(
    mapping: dict[str, Any], year: int, seconds: int, span: int
) -> None:
    cal = _fresh(mapping)
    a = _instant(year, seconds)
    b = min(a + span * 1_000_000, year_start(LAST_YEAR - 1) - 1)
    expected = walk_between(_fresh(mapping), a, b)
    assert cal._between_us(a, b) == expected
    assert cal._between_us(b, a) == -expected


@settings(max_examples=40, deadline=None)
@given(
    _far_calendars,
    _START_YEARS,
    st.integers(min_value=0, max_value=365 * 86_400 - 1),
    _FAR_DAYS,
    st.booleans(),
)
def test_far_business_days_are_the_interval_walk(
    mapping: dict[str, Any], year: int, seconds: int, n: int, back: bool
) -> None:
    cal = _fresh(mapping)
    us = _instant(year, seconds)
    n = -n if back else n
    _same(lambda: cal._add_days_us(us, n), lambda: _walk_days(mapping, us, n))


def _walk_days(mapping: dict[str, Any], us: int, n: int) -> int:
    cal = _fresh(mapping)
    day = walk_add_days(cal, us, n)
    local = from_us(us, cal.zone)
    minutes = local.hour * 60 + local.minute
    return wall_to_us(date.fromordinal(day), minutes, cal.zone, local.second, local.microsecond)


@settings(max_examples=40, deadline=None)
@given(
    _far_calendars,
    _START_YEARS,
    st.integers(min_value=0, max_value=365 * 86_400 - 1),
    _FAR_DAYS,
)
def test_far_closes_are_the_interval_walk(
    mapping: dict[str, Any], year: int, seconds: int, n: int
) -> None:
    cal = _fresh(mapping)
    us = _instant(year, seconds)
    _same(lambda: cal._nth_close_us(us, n), lambda: walk_nth_close(_fresh(mapping), us, n))
    later = min(us + n * 86_400_000_000, year_start(LAST_YEAR - 1) - 1)
    if later < us:
        return
    assert cal._closes_us(us, later) == walk_closes(_fresh(mapping), us, later)


# -- bounded work ---------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 10, 9, 14, 30, tzinfo=SHANGHAI)


def test_a_million_business_hours_compiles_about_a_century_not_five() -> None:
    cal = _fresh(OFFICE)
    deadline = cal.add(START, timedelta(hours=1_000_000))
    assert deadline == datetime(2540, 7, 25, 17, 0, tzinfo=SHANGHAI)
    assert cal.between(START, deadline) == timedelta(hours=1_000_000)
    # the years with China's holidays (to 2100), a few dozen of each calendar shape after
    # them, and the years around the answer: not the 515 years in between
    assert len(cal._index._years) < 150
    snap = cal._index.snapshot
    assert snap is not None
    assert snap.last_year - snap.first_year < PUBLISHED_YEARS


def test_ten_million_business_hours_and_a_million_business_days_cost_few_more_years() -> None:
    cal = _fresh(OFFICE)
    cal.add(START, timedelta(hours=1_000_000))
    compiled = len(cal._index._years)
    far = cal.add(START, timedelta(hours=9_999_999))
    assert far.year == 7140
    assert cal.between(START, far) == timedelta(hours=9_999_999)
    days = cal.add_days(START, 1_000_000)
    assert days.year == 5862
    assert len(cal._index._years) <= compiled + 9  # the years around the two answers


def test_a_target_past_the_last_year_is_refused_at_once() -> None:
    cal = _fresh(OFFICE)
    with pytest.raises(InstantRangeError) as info:
        cal.add(START, timedelta(hours=99_999_999))
    assert isinstance(info.value, UsageError)
    assert str(info.value) == (
        "the instant 4166666d15h of working time after 2025-10-09T06:30:00+00:00 would lie "
        "beyond the end of 9997, the last year business calendars reach"
    )
    assert len(cal._index._years) < 150
    with pytest.raises(InstantRangeError, match="before 2025-10-09T06:30:00"):
        cal.subtract(START, timedelta(hours=99_999_999))
    with pytest.raises(InstantRangeError, match=r"the working day 9,999,999 days after"):
        cal.add_days(START, 9_999_999)


def test_an_instant_far_from_the_published_years_gets_a_window_of_its_own() -> None:
    cal = _fresh(OFFICE)
    cal.add(START, timedelta(hours=1))
    published = cal._index.snapshot
    far = datetime(3025, 3, 3, 10, tzinfo=SHANGHAI)  # a Monday
    assert cal.add(far, timedelta(hours=1)) == datetime(3025, 3, 3, 11, tzinfo=SHANGHAI)
    assert cal._index.snapshot is published
    assert len(cal._index._years) == 6  # 2024-2026 and 3024-3026
    worked = cal.between(START, far)  # a thousand years: summaries, not a snapshot of them
    assert cal._index.snapshot is published
    assert len(cal._index._years) < 150
    expected = walk_between(_fresh(OFFICE), to_us(START), to_us(far))
    assert worked == timedelta(microseconds=expected)


def test_a_calendar_with_no_working_time_left_says_so_far_ahead() -> None:
    cal = _fresh({"timezone": "UTC", "hours": {"mon": []}, "days": {"2030-06-03": ["09:00-17:00"]}})
    with pytest.raises(CalendarError, match="no working time in the 20 years"):
        cal.add(datetime(2030, 6, 3, 16, tzinfo=UTC), timedelta(hours=2))


def test_an_instant_in_the_first_and_last_years_is_still_refused() -> None:
    cal = _fresh(OFFICE)
    with pytest.raises(InstantRangeError, match="falls outside the years 3 to 9996"):
        cal.add(datetime(2, 6, 1, tzinfo=UTC), timedelta(hours=1))
    assert to_us(datetime(9996, 12, 31, tzinfo=UTC)) < year_start(9997)


def test_compiled_years_are_let_go_past_a_bound_and_answers_stay_the_same() -> None:
    closed = [f"{year}-06-02" for year in range(2100, 2700)]  # every year irregular
    mapping = {"timezone": "UTC", "hours": {"mon-fri": ["09:00-17:00"]}, "holidays": closed}
    cal = _fresh(mapping)
    a, b = datetime(2090, 1, 1, tzinfo=UTC), datetime(2710, 1, 1, tzinfo=UTC)
    worked = cal.between(a, b)
    assert cal._index.compiled_years > 600
    assert len(cal._index._years) <= 400 + PUBLISHED_YEARS
    again = _fresh(mapping)
    assert (
        again.between(a, datetime(2400, 1, 1, tzinfo=UTC))
        + again.between(datetime(2400, 1, 1, tzinfo=UTC), b)
        == worked
    )
    deadline = cal.add(a, worked)
    assert cal.between(a, deadline) == worked
