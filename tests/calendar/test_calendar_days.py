"""Day-level questions: add_days, end_of_day, next_open, next_close, is_open, overnight shifts."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from calhelp import at, make_calendar

from slarules._errors import CalendarError, UsageError
from slarules.calendar import Calendar

SH = "Asia/Shanghai"


def sh(text: str) -> datetime:
    return at(text, SH)


@pytest.fixture(scope="module")
def office() -> Calendar:
    return make_calendar()


def test_intervals_are_open_at_the_opening_and_closed_at_the_close(office):
    assert office.is_open(sh("2025-06-03T09:00"))
    assert office.is_open(sh("2025-06-03T11:59:59.999999"))
    assert not office.is_open(sh("2025-06-03T12:00"))
    assert office.is_open(sh("2025-06-03T13:30"))
    assert not office.is_open(sh("2025-06-03T18:00"))


def test_add_zero_is_the_same_instant_and_negative_add_subtracts(office):
    t = sh("2025-06-03T20:00")
    assert office.add(t, timedelta(0)) == t
    assert office.add(t, -timedelta(hours=2)) == office.subtract(t, timedelta(hours=2))
    assert office.subtract(t, timedelta(hours=2)) == sh("2025-06-03T16:00")


def test_subtract_stops_at_an_opening(office):
    assert office.subtract(sh("2025-06-04T10:00"), timedelta(hours=1)) == sh("2025-06-04T09:00")


def test_between_is_signed(office):
    a, b = sh("2025-06-03T10:00"), sh("2025-06-04T10:00")
    assert office.between(a, b) == timedelta(hours=7.5)
    assert office.between(b, a) == -timedelta(hours=7.5)


def test_add_days_counts_from_a_non_working_start(office):
    assert office.add_days(sh("2025-06-06T10:00"), 1) == sh("2025-06-09T10:00")  # Fri -> Mon
    assert office.add_days(sh("2025-06-07T10:00"), 1) == sh("2025-06-09T10:00")  # Sat -> Mon
    assert office.add_days(sh("2025-06-08T10:00"), -1) == sh("2025-06-06T10:00")  # Sun -> Fri
    assert office.add_days(sh("2025-06-09T20:00"), -1) == sh("2025-06-06T20:00")
    assert office.add_days(sh("2025-06-07T10:00"), 0) == sh("2025-06-07T10:00")


def test_add_days_many_years_ahead(office):
    start = sh("2025-06-03T10:00")
    far = office.add_days(start, 500)
    assert office.add_days(far, -500) == start


def test_end_of_day_is_the_close_of_this_or_the_next_working_day(office):
    assert office.end_of_day(sh("2025-06-03T07:00")) == sh("2025-06-03T18:00")
    assert office.end_of_day(sh("2025-06-03T12:30")) == sh("2025-06-03T18:00")
    assert office.end_of_day(sh("2025-06-03T17:59")) == sh("2025-06-03T18:00")
    assert office.end_of_day(sh("2025-06-03T18:00")) == sh("2025-06-04T18:00")
    assert office.end_of_day(sh("2025-06-07T10:00")) == sh("2025-06-09T18:00")
    assert office.end_of_day(sh("2025-09-30T19:00")) == sh("2025-10-09T18:00")


def test_next_open_and_next_close(office):
    assert office.next_open(sh("2025-06-03T10:00")) == sh("2025-06-03T10:00")
    assert office.next_open(sh("2025-06-03T12:00")) == sh("2025-06-03T13:30")
    assert office.next_open(sh("2025-06-06T18:00")) == sh("2025-06-09T09:00")
    assert office.next_close(sh("2025-06-03T10:00")) == sh("2025-06-03T12:00")
    assert office.next_close(sh("2025-06-03T12:00")) == sh("2025-06-03T18:00")
    always = Calendar.from_dict({"timezone": "UTC", "hours": "24x7"})
    assert always.next_close(at("2025-06-03T10:00Z")) is None
    assert always.next_open(at("2025-06-03T10:00Z")) == at("2025-06-03T10:00Z")


def test_touching_intervals_are_one_opening():
    cal = Calendar.from_dict({"timezone": "UTC", "hours": {"mon-fri": ["00:00-24:00"]}})
    assert cal.next_close(at("2025-06-02T10:00Z")) == at("2025-06-07T00:00Z")
    assert cal.end_of_day(at("2025-06-02T10:00Z")) == at("2025-06-03T00:00Z")


def test_overnight_shifts_belong_to_the_day_they_open():
    cal = Calendar.from_dict(
        {"timezone": "UTC", "hours": {"mon-fri": ["22:00-06:00"]}, "holidays": ["2025-06-12"]}
    )
    assert cal.is_open(at("2025-06-07T03:00Z"))  # Saturday morning: Friday's shift
    assert not cal.is_open(at("2025-06-09T03:00Z"))  # Monday morning: no Sunday shift
    assert not cal.is_open(at("2025-06-13T03:00Z"))  # the holiday Thursday's shift is off
    assert cal.end_of_day(at("2025-06-07T03:00Z")) == at("2025-06-07T06:00Z")
    assert cal.add(at("2025-06-06T23:00Z"), timedelta(hours=8)) == at("2025-06-09T23:00Z")
    assert cal.between(at("2025-06-02T00:00Z"), at("2025-06-09T00:00Z")) == timedelta(hours=40)


def test_sub_second_times_are_exact(office):
    t = sh("2025-06-03T11:59:59.123456")
    assert office.add(t, timedelta(microseconds=876544)) == sh("2025-06-03T12:00")
    assert office.add(t, timedelta(microseconds=876545)) == sh("2025-06-03T13:30:00.000001")


def test_naive_datetimes_and_wrong_types_are_usage_errors(office):
    with pytest.raises(UsageError, match="naive"):
        office.add(datetime(2025, 6, 3, 10), timedelta(hours=1))
    with pytest.raises(UsageError, match="naive"):
        office.between(sh("2025-06-03T10:00"), datetime(2025, 6, 3, 10))
    with pytest.raises(UsageError, match="timedelta"):
        office.add(sh("2025-06-03T10:00"), 3600)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="int"):
        office.add_days(sh("2025-06-03T10:00"), 1.5)  # type: ignore[arg-type]


def test_a_calendar_that_runs_out_of_working_time_gives_up_with_an_error():
    cal = Calendar.from_dict(
        {"timezone": "UTC", "hours": {}, "days": {"2025-06-03": ["09:00-10:00"]}}
    )
    assert cal.add(at("2025-06-03T09:00Z"), timedelta(hours=1)) == at("2025-06-03T10:00Z")
    with pytest.raises(CalendarError) as info:
        cal.add(at("2025-06-03T09:00Z"), timedelta(hours=2))
    assert info.value.problems[0].code == "no-working-time"
    with pytest.raises(CalendarError):
        cal.subtract(at("2025-06-03T09:00Z"), timedelta(hours=1))
    with pytest.raises(CalendarError):
        cal.add_days(at("2025-06-03T09:00Z"), 1)


def test_lazy_growth_is_safe_under_threads():
    cal = make_calendar()
    starts = [sh(f"{2020 + i % 10}-0{1 + i % 9}-1{i % 10}T10:00") for i in range(40)]
    serial = [make_calendar().add(s, timedelta(hours=300 + 17 * i)) for i, s in enumerate(starts)]
    results: list[datetime | None] = [None] * len(starts)

    def work(i: int) -> None:
        results[i] = cal.add(starts[i], timedelta(hours=300 + 17 * i))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(starts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == serial


def test_open_intervals_are_clipped(office):
    got = list(office.open_intervals(sh("2025-06-03T10:00"), sh("2025-06-03T14:00")))
    assert got == [
        (sh("2025-06-03T10:00"), sh("2025-06-03T12:00")),
        (sh("2025-06-03T13:30"), sh("2025-06-03T14:00")),
    ]
    assert list(office.open_intervals(sh("2025-06-03T14:00"), sh("2025-06-03T10:00"))) == []


def test_long_durations_grow_the_index_across_many_years(office):
    start = sh("2025-06-03T10:00")
    far = office.add(start, timedelta(hours=20_000))
    assert far.year >= 2035
    assert office.between(start, far) == timedelta(hours=20_000)
    assert office.subtract(far, timedelta(hours=20_000)) == start
    back = office.subtract(start, timedelta(hours=20_000))
    assert office.between(back, start) == timedelta(hours=20_000)


def test_instants_outside_the_supported_years_are_usage_errors(office):
    with pytest.raises(UsageError, match="years"):
        office.add(datetime(1, 1, 2, tzinfo=office.zone), timedelta(hours=1))
