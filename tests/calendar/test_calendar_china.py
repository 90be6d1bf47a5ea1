"""China: public holidays, make-up workdays, a holiday week, half days and coverage warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from calhelp import at, make_calendar

from slarules.calendar import Calendar

SH = "Asia/Shanghai"


def sh(text: str):
    return at(text, SH)


@pytest.fixture(scope="module")
def office() -> Calendar:
    return make_calendar()


def test_national_day_2025_is_closed_october_1_to_8(office):
    for day in range(1, 9):
        assert not office.is_open(sh(f"2025-10-{day:02d}T10:00")), day
    assert office.is_open(sh("2025-10-09T09:00"))


def test_make_up_weekend_workdays_open_with_regular_hours_and_lunch_break(office):
    # 2025-09-28 is a Sunday and 2025-10-11 a Saturday; both are worked in China
    for day in ("2025-09-28", "2025-10-11"):
        assert office.is_open(sh(f"{day}T09:00"))
        assert not office.is_open(sh(f"{day}T12:30"))
        assert office.is_open(sh(f"{day}T17:59:59.999999"))
        assert not office.is_open(sh(f"{day}T18:00"))
    assert not office.is_open(sh("2025-10-12T10:00"))  # an ordinary Sunday


def test_add_across_national_day_resumes_after_the_holiday_week(office):
    assert office.add(sh("2025-09-30T17:00"), timedelta(hours=2)) == sh("2025-10-09T10:00")


def test_between_counts_make_up_days_and_skips_the_holiday_week(office):
    # Sep 26, 28, 29, 30 and Oct 9, 10, 11 are worked, 7.5 h each
    assert office.between(sh("2025-09-26T09:00"), sh("2025-10-13T09:00")) == timedelta(hours=52.5)


def test_the_2023_benchmark_case_ends_at_a_close_not_the_next_opening(office):
    # 2h on Sep 27, 7.5 h on Sep 28, 7.5 h on make-up Saturday Oct 7, 3 h on Sunday Oct 8
    assert office.add(sh("2023-09-27T16:00"), timedelta(hours=20)) == sh("2023-10-08T12:00")


def test_work_running_out_at_lunch_ends_at_noon(office):
    assert office.add(sh("2025-10-09T11:00"), timedelta(hours=1)) == sh("2025-10-09T12:00")
    assert office.subtract(sh("2025-10-09T13:30"), timedelta(hours=1)) == sh("2025-10-09T11:00")
    assert office.subtract(sh("2025-10-09T14:30"), timedelta(hours=1)) == sh("2025-10-09T13:30")


def test_add_days_skips_the_holiday_week_keeping_the_time_of_day(office):
    assert office.add_days(sh("2025-09-30T10:15"), 1) == sh("2025-10-09T10:15")
    assert office.add_days(sh("2025-10-09T10:15"), -1) == sh("2025-09-30T10:15")
    assert office.add_days(sh("2025-09-26T10:00"), 5) == sh("2025-10-10T10:00")


def test_holidays_between_names_the_days_off(office):
    names = dict(office.holidays_between(sh("2025-09-28T00:00"), sh("2025-10-12T00:00")))
    assert set(names) == {date(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)}
    assert names[date(2025, 10, 1)] == "National Day"
    assert names[date(2025, 10, 6)] == "Mid-Autumn Festival"


def test_half_days_explicit_workdays_and_closed_days():
    cal = make_calendar(
        workdays=["2025-12-27"],
        days={"2025-12-31": ["09:00-12:00"], "2025-12-30": []},
    )
    assert cal.is_open(sh("2025-12-27T14:00"))  # a Saturday made a workday
    assert not cal.is_open(sh("2025-12-30T10:00"))
    assert cal.end_of_day(sh("2025-12-31T10:00")) == sh("2025-12-31T12:00")
    # Jan 1 is New Year's Day, Jan 2 a day off moved from Sunday Jan 4, which is worked
    assert cal.add(sh("2025-12-31T11:00"), timedelta(hours=2)) == sh("2026-01-04T10:00")
    assert cal.between(sh("2025-12-29T00:00"), sh("2026-01-01T00:00")) == timedelta(hours=10.5)


def test_an_explicit_workday_beats_a_country_holiday_and_days_beat_both():
    cal = make_calendar(workdays=["2025-10-02"], days={"2025-10-03": ["10:00-11:00"]})
    assert cal.is_open(sh("2025-10-02T14:00"))
    assert cal.between(sh("2025-10-03T00:00"), sh("2025-10-04T00:00")) == timedelta(hours=1)
    reopened = {d for d, _ in cal.holidays_between(sh("2025-10-01T00:00"), sh("2025-10-09T00:00"))}
    assert date(2025, 10, 2) not in reopened
    assert date(2025, 10, 3) not in reopened


def test_a_list_of_holiday_dates_closes_them():
    cal = make_calendar(holidays=["2025-06-02"])
    assert not cal.is_open(sh("2025-06-02T10:00"))
    assert cal.holidays_between(sh("2025-06-01T00:00"), sh("2025-06-03T00:00")) == [
        (date(2025, 6, 2), "holiday")
    ]


def test_country_holidays_with_extra_dates():
    cal = make_calendar(holidays={"country": "CN", "dates": ["2025-06-03"]})
    assert not cal.is_open(sh("2025-06-03T10:00"))
    assert not cal.is_open(sh("2025-10-01T10:00"))


def test_years_without_holiday_data_are_warned_about(office):
    # with holidays 0.109 China is known through 2026; keep the test valid after upgrades
    _, last = office.holiday_years
    assert last >= 2026
    assert office.coverage_warnings(sh("2025-01-01T00:00"), sh(f"{last}-12-31T00:00")) == ()
    [warning] = office.coverage_warnings(sh(f"{last}-06-01T00:00"), sh(f"{last + 2}-01-01T00:00"))
    assert f"through {last}" in warning
    assert f"{last + 1}–{last + 2}" in warning
    [single] = office.coverage_warnings(
        sh(f"{last + 1}-03-01T00:00"), sh(f"{last + 1}-03-02T00:00")
    )
    assert f"{last + 1} is treated" in single


def test_rule_based_countries_and_plain_date_lists_are_not_warned_about():
    us = Calendar.from_dict(
        {"timezone": "America/New_York", "hours": "24x7", "holidays": {"country": "US"}}
    )
    assert us.coverage_warnings(at("2030-01-01T00:00Z"), at("2035-01-01T00:00Z")) == ()
    plain = make_calendar(holidays=["2025-01-01"])
    assert plain.coverage_warnings(at("2030-01-01T00:00Z"), at("2035-01-01T00:00Z")) == ()


def test_coverage_is_offered_for_validation(office):
    first, last = office.holiday_years
    assert first <= 2025 <= last < 2100
    [problem] = office.coverage_problems(
        sh(f"{last + 1}-01-05T00:00"), sh(f"{last + 1}-01-06T00:00")
    )
    assert (problem.code, problem.severity, problem.path) == (
        "holidays-not-covered",
        "warning",
        ("holidays", "country"),
    )
    assert make_calendar(holidays=None).holiday_years is None
