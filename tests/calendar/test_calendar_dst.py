"""Daylight saving time: real elapsed time, skipped local times, in and out of working hours."""

from __future__ import annotations

from datetime import UTC, timedelta

from calhelp import at

from slarules.calendar import Calendar

NY, PARIS = "America/New_York", "Europe/Paris"


def calendar(zone: str, hours: object) -> Calendar:
    return Calendar.from_dict({"timezone": zone, "hours": hours})


def test_a_fall_back_day_worked_all_day_holds_25_hours_and_spring_forward_23():
    for hours in ("24x7", {"mon-sun": ["00:00-24:00"]}):
        cal = calendar(NY, hours)
        assert cal.between(at("2025-11-02T00:00", NY), at("2025-11-03T00:00", NY)) == timedelta(
            hours=25
        )
        assert cal.between(at("2025-03-09T00:00", NY), at("2025-03-10T00:00", NY)) == timedelta(
            hours=23
        )


def test_add_through_the_repeated_hour_lands_on_its_second_occurrence():
    cal = calendar(NY, "24x7")
    result = cal.add(at("2025-11-02T00:00", NY), timedelta(hours=2))
    assert result.astimezone(UTC) == at("2025-11-02T06:00+00:00")
    assert (result.hour, result.fold) == (1, 1)


def test_working_hours_containing_the_paris_transitions_count_real_time():
    cal = calendar(PARIS, {"sun": ["01:00-05:00"]})
    # 2025-03-30: 02:00-03:00 does not exist; 2025-10-26: 02:00-03:00 happens twice
    assert cal.between(at("2025-03-30T00:00", PARIS), at("2025-03-31T00:00", PARIS)) == timedelta(
        hours=3
    )
    assert cal.between(at("2025-10-26T00:00", PARIS), at("2025-10-27T00:00", PARIS)) == timedelta(
        hours=5
    )
    assert cal.add(at("2025-03-30T01:00", PARIS), timedelta(hours=1, minutes=30)) == at(
        "2025-03-30T03:30+02:00"
    )


def test_an_interval_opening_in_a_skipped_hour_opens_at_the_transition():
    cal = calendar(PARIS, {"sun": ["02:30-04:00"]})
    assert list(
        cal.open_intervals(at("2025-03-30T00:00", PARIS), at("2025-03-31T00:00", PARIS))
    ) == [(at("2025-03-30T03:00+02:00"), at("2025-03-30T04:00+02:00"))]


def test_biz_empty_interval_case_keeps_the_existing_part():
    # biz drops sun 02:30-03:15 on 2006-04-02 in Los Angeles; the times after the gap exist
    la = "America/Los_Angeles"
    cal = calendar(la, {"sun": ["02:30-03:15"], "mon": ["09:00-17:00"]})
    assert cal.next_open(at("2006-04-02T00:00", la)) == at("2006-04-02T03:00-07:00")
    assert cal.between(at("2006-04-02T00:00", la), at("2006-04-03T00:00", la)) == timedelta(
        minutes=15
    )


def test_transitions_outside_working_hours_change_nothing():
    cal = calendar(NY, {"mon-sun": ["09:00-17:00"]})
    assert cal.between(at("2025-03-08T09:00", NY), at("2025-03-09T17:00", NY)) == timedelta(
        hours=16
    )
    assert cal.add(at("2025-03-08T16:00", NY), timedelta(hours=2)) == at("2025-03-09T10:00-04:00")
    assert cal.subtract(at("2025-11-03T10:00", NY), timedelta(hours=2)) == at(
        "2025-11-02T16:00-05:00"
    )


def test_add_days_keeps_the_wall_time_across_a_transition():
    cal = calendar(NY, {"mon-fri": ["09:00-17:00"]})
    assert cal.add_days(at("2025-03-07T10:00", NY), 1) == at("2025-03-10T10:00-04:00")


def test_add_days_to_a_skipped_wall_time_resolves_after_the_gap():
    cal = calendar(NY, "24x7")
    assert cal.add_days(at("2025-03-08T02:30", NY), 1) == at("2025-03-09T03:00-04:00")


def test_results_are_in_the_calendar_zone_whatever_the_input_offset():
    cal = calendar(PARIS, {"mon-fri": ["09:00-17:00"]})
    start_utc = at("2025-06-02T07:00+00:00")
    start_tokyo = start_utc.astimezone(at("2025-06-02T16:00+09:00").tzinfo)
    assert cal.add(start_utc, timedelta(hours=1)) == cal.add(start_tokyo, timedelta(hours=1))
    assert str(cal.add(start_utc, timedelta(hours=1)).tzinfo) == PARIS
