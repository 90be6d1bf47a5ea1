"""``instants()``: aware, inside the window, and drawn on the edges where timing bugs live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import find, given, settings

from slarules import Calendar, UsageError
from slarules.testing import instants
from slarules.testing._edges import edges
from tests.testing.helpers import AFTER_SALES

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = AFTER_SALES.calendars["office"]
NEW_YORK = Calendar.from_dict(
    {"timezone": "America/New_York", "hours": {"mon-fri": ["09:00-17:00"]}}
)
LO = datetime(2025, 9, 1, tzinfo=SHANGHAI)
HI = datetime(2025, 11, 30, tzinfo=SHANGHAI)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@settings(max_examples=200, deadline=None)
@given(instants(OFFICE, min_value=LO, max_value=HI))
def test_instants_are_aware_inside_the_window_and_in_the_calendar_zone(t: datetime) -> None:
    assert t.tzinfo == SHANGHAI
    assert LO <= t <= HI


@settings(max_examples=50, deadline=None)
@given(instants(min_value=LO, max_value=HI))
def test_without_a_calendar_instants_are_in_utc(t: datetime) -> None:
    assert t.utcoffset() == timedelta(0)
    assert LO <= t <= HI


def edge_set(*cals: Calendar, lo: datetime = LO, hi: datetime = HI) -> set[datetime]:
    found = edges(cals, lo.astimezone(UTC), hi.astimezone(UTC))
    return set(found.all)


@pytest.mark.parametrize(
    ("edge", "special"),
    [
        ("2025-10-09T12:00:00", False),  # lunch break starts
        ("2025-10-09T13:30:00", False),  # and ends
        ("2025-10-09T18:00:00", False),  # a close
        ("2025-10-14T00:00:00", False),  # a midnight
        ("2025-10-01T00:00:00", True),  # National Day: the holiday week starts
        ("2025-09-30T18:00:00", True),  # the last close before it
        ("2025-10-09T00:00:00", True),  # the midnight it ends
        ("2025-10-09T09:00:00", True),  # the first opening after it
        ("2025-09-28T09:00:00", True),  # the make-up Sunday opens
        ("2025-10-11T18:00:00", True),  # the make-up Saturday closes
    ],
)
def test_the_edges_of_a_business_calendar_are_known(edge: str, special: bool) -> None:
    found = edges((OFFICE,), LO.astimezone(UTC), HI.astimezone(UTC))
    assert local(edge) in found.all
    assert (local(edge) in found.special) is special


def test_dst_transitions_of_the_calendar_zone_are_edges() -> None:
    found = edges((NEW_YORK,), datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC))
    assert found.offsets == [
        datetime(2025, 3, 9, 7, tzinfo=UTC),
        datetime(2025, 11, 2, 6, tzinfo=UTC),
    ]


def test_a_policy_stands_for_all_its_calendars() -> None:
    assert edge_set(*AFTER_SALES.calendars.values()) == edge_set(OFFICE) | edge_set(
        AFTER_SALES.calendars["always"]
    )


def test_most_draws_land_on_an_edge_or_just_beside_it() -> None:
    known = edge_set(OFFICE)
    tick = timedelta(microseconds=1)
    seen: list[datetime] = []

    @settings(max_examples=300, deadline=None, database=None)
    @given(instants(OFFICE, min_value=LO, max_value=HI))
    def collect(t: datetime) -> None:
        seen.append(t)

    collect()
    minute = timedelta(minutes=1)
    near = [t for t in seen if {t, t - tick, t + tick, t - minute, t + minute} & known]
    assert len(near) >= len(seen) // 2
    assert any(t in known for t in seen)
    assert any(t - tick in known for t in seen)


def test_instants_shrink_to_the_start_of_the_window() -> None:
    found = find(instants(OFFICE, min_value=LO, max_value=HI), lambda t: True)
    assert found == LO


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_value": datetime(2025, 1, 1)}, "aware"),
        ({"max_value": "2025-01-01"}, "aware"),
        ({"min_value": HI, "max_value": LO}, "after"),
    ],
)
def test_bad_bounds_are_a_usage_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        instants(OFFICE, **kwargs)  # type: ignore[arg-type]


def test_a_calendar_argument_of_the_wrong_kind_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"slarules\.Calendar"):
        instants("office")  # type: ignore[arg-type]
