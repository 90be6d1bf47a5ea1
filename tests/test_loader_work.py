"""Every check the loader makes is linear in the size of the file, or capped (issue 15).

No clock here: work is bounded by counting it (comparisons made, values walked), or by
input sizes for which the quadratic code this replaced ran for minutes (40,000 spaces in
one interval took 23 s; 200,000 would take ten minutes).
"""

from __future__ import annotations

from typing import Any

import pytest

from slarules import Policy, PolicyError, Problem
from slarules._durations import parse_target, parse_threshold
from slarules.calendar._hours import parse_interval

SPACES = " " * 200_000


def _problems(data: Any) -> tuple[Problem, ...]:
    with pytest.raises(PolicyError) as info:
        Policy.from_dict(data)
    return info.value.problems


@pytest.mark.parametrize(
    "text",
    [
        "09" + SPACES + "x",
        "09:00" + SPACES + "x",
        "09" + SPACES + "-" + SPACES + "x",
        SPACES + "09:00-" + SPACES,
        "-" * 200_000,
    ],
)
def test_a_long_run_of_spaces_in_an_interval_is_refused_in_linear_time(text: str) -> None:
    with pytest.raises(ValueError, match="is not"):
        parse_interval(text)


def test_spaces_around_the_dash_of_an_interval_are_still_allowed() -> None:
    assert parse_interval("09:00" + " " * 1000 + "–" + " " * 1000 + "18:00") == (540, 1080)


@pytest.mark.parametrize(
    "text",
    [
        "1" + SPACES + "x",
        "1" + SPACES + "before" + SPACES + "x y",
        "1 before " * 30_000 + "x y",
        "1" * 200_000 + "x",
        "1" * 200_000 + "!",
        "1 " * 100_000 + "x",
        "1 hour " * 50_000 + "x",
        "١" * 200_000 + "h",  # Arabic-Indic digits are digits to the patterns too
    ],
)
def test_long_targets_are_refused_in_linear_time(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_target(text)


def test_a_long_target_before_an_event_parses() -> None:
    assert parse_target("2h" + " " * 100_000 + "before" + " " * 100_000 + "visit").event == "visit"


@pytest.mark.parametrize(
    "text", ["1" + SPACES + "before breach", "breach +" + SPACES + "1" * 200_000 + "x"]
)
def test_long_thresholds_are_refused_in_linear_time(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_threshold(text)
