"""Hypothesis properties of business-time arithmetic, over calendars with breaks, overnight
shifts, holidays, make-up days and DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from slarules.calendar import Calendar

CALENDARS = {
    "shanghai-office": Calendar.from_dict(
        {
            "timezone": "Asia/Shanghai",
            "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"]},
            "holidays": {"country": "CN"},
            "days": {"2025-12-31": ["09:00-12:00"]},
        }
    ),
    "new-york-dst": Calendar.from_dict(
        {
            "timezone": "America/New_York",
            "hours": {"mon-fri": ["08:00-12:00", "12:30-17:00"], "sun": ["00:30-03:30"]},
            "holidays": {"country": "US"},
        }
    ),
    "paris-overnight": Calendar.from_dict(
        {
            "timezone": "Europe/Paris",
            "hours": {"mon-thu": ["22:00-02:30"], "sat": ["01:00-04:00", "10:00-24:00"]},
            "holidays": {"country": "FR"},
        }
    ),
    "always-new-york": Calendar.from_dict({"timezone": "America/New_York", "hours": "24x7"}),
}

PROFILE = settings(max_examples=120, deadline=None)

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=400 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)
small = st.integers(min_value=0, max_value=30 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)


@PROFILE
@given(calendars, instants, durations)
def test_between_measures_what_add_added(cal, t, d):
    assert cal.between(t, cal.add(t, d)) == d


@PROFILE
@given(calendars, instants, small, small)
def test_add_is_additive(cal, t, a, b):
    assert cal.add(cal.add(t, a), b) == cal.add(t, a + b)


@PROFILE
@given(calendars, instants, durations)
def test_subtract_inverts_add_on_open_instants(cal, t, d):
    start = cal.next_open(t)
    assert cal.is_open(start)
    assert cal.subtract(cal.add(start, d), d) == start
    # forwards again, work that runs out at a close stays there: nothing worked in between
    again = cal.add(cal.subtract(start, d), d)
    assert again <= start
    assert cal.between(again, start) == timedelta(0)


@PROFILE
@given(calendars, instants, durations)
def test_subtract_is_add_of_the_negative_and_measures_back(cal, t, d):
    back = cal.subtract(t, d)
    assert back <= t
    assert cal.add(t, -d) == back
    assert cal.between(back, t) == d


@PROFILE
@given(calendars, instants, instants, durations)
def test_add_and_subtract_are_monotonic_in_t(cal, t1, t2, d):
    t1, t2 = sorted((t1, t2))
    assert cal.add(t1, d) <= cal.add(t2, d)
    assert cal.subtract(t1, d) <= cal.subtract(t2, d)


@PROFILE
@given(calendars, instants, durations, durations)
def test_add_is_monotonic_in_d(cal, t, d1, d2):
    d1, d2 = sorted((d1, d2))
    assert t <= cal.add(t, d1) <= cal.add(t, d2)
    assert cal.subtract(t, d2) <= cal.subtract(t, d1) <= t


@PROFILE
@given(calendars, instants, instants)
def test_between_is_signed_and_bounded_by_elapsed_time(cal, a, b):
    assert cal.between(b, a) == -cal.between(a, b)
    lo, hi = sorted((a, b))
    assert timedelta(0) <= cal.between(lo, hi) <= hi - lo


@PROFILE
@given(calendars, instants, durations, offsets)
def test_results_do_not_depend_on_the_input_offset(cal, t, d, offset):
    written = t.astimezone(offset)
    assert cal.add(written, d) == cal.add(t, d)
    assert str(cal.add(written, d).tzinfo) == cal.timezone
    assert cal.between(written, t + d) == cal.between(t, t + d)
    assert cal.add_days(written, 3) == cal.add_days(t, 3)
    assert cal.end_of_day(written) == cal.end_of_day(t)


@PROFILE
@given(calendars, instants)
def test_next_open_end_of_day_and_next_close_are_consistent(cal, t):
    opening = cal.next_open(t)
    assert opening >= t
    assert cal.is_open(opening)
    close = cal.end_of_day(t)
    assert close > t
    assert cal.is_open(close - timedelta(microseconds=1))
    nxt = cal.next_close(t)
    if nxt is not None:
        assert nxt > t
        assert not cal.is_open(nxt)
        assert cal.is_open(nxt - timedelta(microseconds=1))


@PROFILE
@given(calendars, instants, st.integers(min_value=1, max_value=60))
def test_add_days_lands_on_a_working_day_and_goes_back(cal, t, n):
    later = cal.add_days(t, n)
    assert later > t
    earlier = cal.add_days(t, -n)
    assert earlier < t


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=-(2 * 10**15), max_value=7 * 10**15),
    st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/Paris", "UTC"]),
)
def test_microsecond_conversions_round_trip_exactly(us, zone):
    from zoneinfo import ZoneInfo

    from slarules.calendar._localtime import from_us, to_us

    assert to_us(from_us(us, ZoneInfo(zone))) == us


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2040, 1, 1),
        timezones=st.just(ZoneInfo("Europe/Paris")),
    ),
    st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)),
)
def test_the_24x7_fast_path_agrees_with_the_interval_index(t: datetime, d: timedelta) -> None:
    fast = Calendar.from_dict({"hours": "24x7", "timezone": "Europe/Paris"})
    # a date override that changes nothing forces the general interval-index path
    slow = Calendar.from_dict(
        {"hours": "24x7", "timezone": "Europe/Paris", "days": {"1999-01-01": ["00:00-24:00"]}}
    )
    # compared as instants: a wall time inside a DST gap names the instant after the gap
    assert fast.add(t, d).astimezone(UTC) == slow.add(t, d).astimezone(UTC)
    assert fast.between(t, t + d) == slow.between(t, t + d)
