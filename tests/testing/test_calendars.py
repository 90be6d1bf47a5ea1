"""``calendars()``: every mapping is a valid calendar, and the hard shapes all turn up."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import find, given, settings

from slarules import Calendar
from slarules.calendar import parse_interval
from slarules.testing import calendars
from tests.testing.helpers import sample


@settings(max_examples=150, deadline=None)
@given(calendars())
def test_every_calendar_is_accepted_by_from_dict(mapping: dict[str, Any]) -> None:
    cal = Calendar.from_dict(mapping)
    assert cal.timezone == mapping["timezone"]


DRAWN = sample(calendars(), 400)


def intervals(mapping: dict[str, Any]) -> list[str]:
    hours = mapping["hours"]
    return [] if hours == "24x7" else [i for day in hours.values() for i in day]


def overnight(mapping: dict[str, Any]) -> bool:
    return any(parse_interval(i)[1] > 1440 for i in intervals(mapping))


def has_break(mapping: dict[str, Any]) -> bool:
    hours = mapping["hours"]
    return hours != "24x7" and any(len(day) > 1 for day in hours.values())


@pytest.mark.parametrize(
    "shape",
    [
        overnight,
        has_break,
        lambda m: m["hours"] == "24x7",
        lambda m: isinstance(m.get("holidays"), dict) and m["holidays"]["country"] == "CN",
        lambda m: isinstance(m.get("holidays"), list),
        lambda m: bool(m.get("workdays")),
        lambda m: [] in m.get("days", {}).values(),
        lambda m: m["timezone"] == "America/New_York",
        lambda m: m["timezone"] == "Australia/Sydney",
    ],
    ids=[
        "overnight shift",
        "break",
        "24x7",
        "country holidays",
        "holiday dates",
        "workdays",
        "closed date",
        "northern DST",
        "southern DST",
    ],
)
def test_calendars_with_each_hard_shape_are_drawn(shape: Any) -> None:
    assert any(shape(m) for m in DRAWN)


def test_calendars_shrink_to_an_always_open_one() -> None:
    assert find(calendars(), lambda m: True) == {"timezone": "Asia/Shanghai", "hours": "24x7"}


def test_the_zones_and_countries_can_be_chosen() -> None:
    found = find(
        calendars(timezones=["Europe/Paris"], countries=["FR"]),
        lambda m: "holidays" in m and isinstance(m["holidays"], dict),
    )
    assert found["timezone"] == "Europe/Paris"
    assert found["holidays"] == {"country": "FR"}
