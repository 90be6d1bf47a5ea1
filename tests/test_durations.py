"""The small languages of time: durations, targets, ladder thresholds and recurrences."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slarules import PolicyError
from slarules._durations import (
    MAX_DAYS,
    MIN_INTERVAL,
    AtBreach,
    AtPercent,
    Before,
    BusinessDays,
    CalendarDays,
    Duration,
    EndOfBusinessDay,
    EveryEndOfDay,
    EveryInterval,
    NextWeekday,
    format_duration,
    parse_duration,
    parse_every,
    parse_target,
    parse_threshold,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h30m", timedelta(hours=2, minutes=30)),
        ("2h 30m", timedelta(hours=2, minutes=30)),
        ("4h", timedelta(hours=4)),
        ("90s", timedelta(seconds=90)),
        ("0m", timedelta(0)),
        ("PT4H", timedelta(hours=4)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("4 hours", timedelta(hours=4)),
        ("1 hour 15 minutes", timedelta(hours=1, minutes=15)),
        ("1w", timedelta(weeks=1)),
    ],
)
def test_durations_parse_to_working_time(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "4x", "PT", "P", "h", "-2h", "2 fortnights"])
def test_a_malformed_duration_is_a_policy_error_with_a_hint(text: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_duration(text)
    problem = info.value.problems[0]
    assert problem.code == "bad-duration"
    assert problem.hint
    assert "30m" in problem.hint


def test_a_bare_number_asks_for_a_unit() -> None:
    with pytest.raises(PolicyError) as info:
        parse_duration(30)
    assert "did you mean '30m'" in (info.value.problems[0].hint or "")


@given(st.integers(min_value=0, max_value=10_000_000))
def test_format_and_parse_round_trip_whole_seconds(seconds: int) -> None:
    delta = timedelta(seconds=seconds)
    assert parse_duration(format_duration(delta)) == delta


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", Duration(timedelta(minutes=30))),
        ("5 business days", BusinessDays(5)),
        ("1 business day", BusinessDays(1)),
        ("2 working days", BusinessDays(2)),
        ("7 days", CalendarDays(7)),
        ("2 weeks", CalendarDays(14)),
        ("end of business day", EndOfBusinessDay()),
        ("End of Business Day", EndOfBusinessDay()),
        ("next mon 12:00", NextWeekday(0, time(12, 0))),
        ("next Monday 12:00", NextWeekday(0, time(12, 0))),
        ("3 business days before review_meeting", Before(BusinessDays(3), "review_meeting")),
        ("2h before handover", Before(Duration(timedelta(hours=2)), "handover")),
    ],
)
def test_target_expressions(text: str, expected: object) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("next funday 12:00", "not a weekday"),
        ("next mon 25:00", "valid time"),
        ("soon before review_meeting", "not an amount"),
        ("whenever", "is not a target"),
    ],
)
def test_bad_targets_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_target(text)
    assert fragment in info.value.problems[0].message
    assert info.value.problems[0].code == "bad-target"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80%", AtPercent(0.8)),
        ("50 %", AtPercent(0.5)),
        ("100%", AtBreach()),
        ("breach", AtBreach()),
        ("breach + 4h", AtBreach(timedelta(hours=4))),
        ("breach+4h", AtBreach(timedelta(hours=4))),
        ("breach - 30m", AtBreach(-timedelta(minutes=30))),
        ("30m before breach", AtBreach(-timedelta(minutes=30))),
        ("1h after breach", AtBreach(timedelta(hours=1))),
    ],
)
def test_ladder_thresholds(text: str, expected: object) -> None:
    assert parse_threshold(text) == expected


@pytest.mark.parametrize("text", ["0%", "150%", "breach + soon", "later"])
def test_bad_thresholds_are_refused(text: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_threshold(text)
    assert info.value.problems[0].code == "bad-threshold"


def test_recurrences() -> None:
    assert parse_every("2h") == EveryInterval(timedelta(hours=2))
    assert parse_every("end of business day") == EveryEndOfDay()
    with pytest.raises(PolicyError):
        parse_every("0m")
    with pytest.raises(PolicyError):
        parse_every("daily-ish")


@pytest.mark.parametrize(
    "value",
    [Duration(timedelta(hours=2)), BusinessDays(5), EndOfBusinessDay(), NextWeekday(0, time(12))],
)
def test_targets_print_as_they_are_written(value: object) -> None:
    assert parse_target(str(value)) == value


# --- limits: the longest duration, the shortest recurrence (issue 15) -------------------------

HUGE = "99999999999999999999"
MANY_DIGITS = "9" * 5000


@pytest.mark.parametrize(
    ("parse", "text", "code"),
    [
        (parse_duration, f"{HUGE}h", "bad-duration"),
        (parse_target, f"{HUGE}h", "bad-target"),
        (parse_target, f"{HUGE} business days", "bad-target"),
        (parse_target, f"{HUGE} days", "bad-target"),
        (parse_target, f"{HUGE} weeks", "bad-target"),
        (parse_target, f"P{HUGE}W", "bad-target"),
        (parse_target, f"PT{HUGE}H", "bad-target"),
        (parse_target, f"PT{HUGE}.5S", "bad-target"),
        (parse_target, f"{HUGE} hours", "bad-target"),
        (parse_target, f"{HUGE}h before review_meeting", "bad-target"),
        (parse_threshold, f"breach + {HUGE}h", "bad-threshold"),
        (parse_threshold, f"{HUGE}h before breach", "bad-threshold"),
        (parse_every, f"{HUGE}h", "bad-recurrence"),
        (parse_target, f"{MANY_DIGITS}h", "bad-target"),
        (parse_target, f"{MANY_DIGITS} business days", "bad-target"),
        (parse_target, f"PT{MANY_DIGITS}.5S", "bad-target"),
        (parse_every, f"{MANY_DIGITS}m", "bad-recurrence"),
    ],
)
def test_a_huge_number_in_a_duration_is_a_policy_error_naming_the_largest_allowed(
    parse: Any, text: str, code: str
) -> None:
    with pytest.raises(PolicyError) as info:
        parse(text)
    (problem,) = info.value.problems
    assert problem.code == code
    assert "too long" in problem.message
    assert f"{MAX_DAYS} days" in (problem.hint or "")
    assert len(problem.message) < 200  # a 5,000-digit number is not repeated whole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{MAX_DAYS}d", Duration(timedelta(days=MAX_DAYS))),
        (f"P{MAX_DAYS}D", Duration(timedelta(days=MAX_DAYS))),
        (f"PT{MAX_DAYS * 24}H", Duration(timedelta(days=MAX_DAYS))),
        (f"{MAX_DAYS} business days", BusinessDays(MAX_DAYS)),
        (f"{MAX_DAYS} days", CalendarDays(MAX_DAYS)),
        (f"{MAX_DAYS // 7} weeks", CalendarDays(MAX_DAYS // 7 * 7)),
    ],
)
def test_the_longest_allowed_durations_parse(text: str, expected: object) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        f"{MAX_DAYS + 1}d",
        f"{MAX_DAYS}d1s",
        f"P{MAX_DAYS}DT1S",
        f"{MAX_DAYS + 1} business days",
        f"{MAX_DAYS // 7 + 1} weeks",
        f"{MAX_DAYS * 24 + 1} hours",
    ],
)
def test_one_beyond_the_longest_allowed_duration_is_refused(text: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_target(text)
    assert "too long" in info.value.problems[0].message


def test_a_huge_bare_number_is_refused_without_printing_it() -> None:
    with pytest.raises(PolicyError) as info:
        parse_duration(10**5000)
    assert info.value.problems[0].code == "bad-duration"


@pytest.mark.parametrize("text", ["PT0.000001S", "PT0.001S", "1s", "59s", "PT59.999S"])
def test_a_recurrence_more_often_than_once_a_minute_is_refused(text: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_every(text)
    (problem,) = info.value.problems
    assert problem.code == "bad-recurrence"
    assert "1m" in (problem.hint or "")


@pytest.mark.parametrize("text", ["1m", "60s", "PT1M", "1m30s", "PT60.0S"])
def test_a_recurrence_of_a_minute_or_more_is_accepted(text: str) -> None:
    recurrence = parse_every(text)
    assert isinstance(recurrence, EveryInterval)
    assert recurrence.interval >= MIN_INTERVAL


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=999_999))
def test_iso_fractional_seconds_keep_microseconds(seconds: int, micro: int) -> None:
    text = f"PT{seconds}.{micro:06d}S"
    assert parse_duration(text) == timedelta(seconds=seconds, microseconds=micro)


# --- fractional amounts get the exact equivalent as a hint (issue 16) --------------------------


@pytest.mark.parametrize(
    ("parse", "text", "hint"),
    [
        (parse_target, "1.5h", "write 1h30m"),
        (parse_target, "2.5h", "write 2h30m"),
        (parse_target, "0.5d", "write 12h"),
        (parse_target, "1,5h", "write 1h30m"),
        (parse_target, "1.5 hours", "write 1h30m"),
        (parse_target, "1.5m", "write 1m30s"),
        (parse_target, "1.5w", "write 10d12h"),
        (parse_target, "PT1.5H", "write PT1H30M"),
        (parse_target, "P1.5D", "write P1DT12H"),
        (parse_duration, "2.5h", "write 2h30m"),
        (parse_every, "1.5h", "write 1h30m"),
        (parse_threshold, "breach + 1.5h", "write breach + 1h30m"),
        (parse_threshold, "1.5h before breach", "write 1h30m before breach"),
        (
            parse_target,
            "1.5 business days",
            "business days are counted whole: write 1 business day or 2 business days",
        ),
        (
            parse_target,
            "0.5 business days",
            "business days are counted whole: write 1 business day",
        ),
        (parse_target, "1.5 days", "days are counted whole: write 1 day or 2 days"),
        (parse_target, "2.5 weeks", "weeks are counted whole: write 2 weeks or 3 weeks"),
        (
            parse_target,
            "1.5 business days before review_meeting",
            "write 1 business day before review_meeting or 2 business days before review_meeting",
        ),
    ],
)
def test_a_fractional_amount_gets_its_exact_equivalent_as_the_hint(
    parse: Any, text: str, hint: str
) -> None:
    with pytest.raises(PolicyError) as info:
        parse(text)
    assert hint in (info.value.problems[0].hint or "")


def test_a_fraction_without_an_exact_equivalent_gets_the_general_hint() -> None:
    with pytest.raises(PolicyError) as info:
        parse_target("0.3333h")
    assert "2h30m" in (info.value.problems[0].hint or "")


@given(st.integers(min_value=0, max_value=999), st.sampled_from(["5", "25", "75"]))
def test_the_hint_for_a_fractional_hour_parses_to_the_same_time(whole: int, decimals: str) -> None:
    text = f"{whole}.{decimals}h"
    with pytest.raises(PolicyError) as info:
        parse_duration(text)
    hint = info.value.problems[0].hint or ""
    assert hint.startswith("write ")
    exact = timedelta(hours=whole) + timedelta(hours=1) * int(decimals) / 10 ** len(decimals)
    assert parse_duration(hint.removeprefix("write ")) == exact
