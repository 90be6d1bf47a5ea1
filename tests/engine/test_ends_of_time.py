"""At the ends of the years a datetime can hold (1 and 9999), evaluation answers what it can
show and refuses, with the instant named, what it cannot: never an OverflowError."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from slarules import Policy, TicketError, UsageError
from slarules.calendar._localtime import from_us, showable
from tests.builders import BASE, make_policy

ALWAYS = {**BASE["calendars"], "always": {"hours": "24x7"}}


def _policy(target: dict[str, str]) -> Policy:
    return make_policy(
        calendars=ALWAYS,
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": "always",
            "target": target,
        },
    )


POLICY = _policy({"urgent": "30m", "routine": "200000000d"})


def _ticket(level: str, created: str) -> dict[str, Any]:
    return {"id": "T-1", "fields": {"level": level}, "events": {"created": created}}


@pytest.mark.parametrize("name", ["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati"])
def test_showable_is_exactly_what_a_datetime_in_the_zone_holds(name: str) -> None:
    zone = ZoneInfo(name)
    first, last = showable(zone)
    assert from_us(first, zone).year == 1
    assert from_us(last, zone).year == 9999
    for beyond in (first - 1, last + 1):
        with pytest.raises((OverflowError, ValueError)):
            from_us(beyond, zone)


def test_a_deadline_after_9999_is_a_ticket_error_naming_the_stage() -> None:
    at = datetime(9000, 1, 1, tzinfo=UTC)
    with pytest.raises(TicketError) as info:
        POLICY.evaluate(_ticket("routine", "1700-01-01T00:00Z"), at=at)
    message = str(info.value)
    assert message.startswith("ticket 'T-1': the deadline of stage 'response' (target 200000000d)")
    assert "falls after 9999-12-31 in the policy's time zone Asia/Shanghai" in message


def test_a_deadline_late_in_9999_is_shown_when_the_zone_holds_it() -> None:
    at = datetime(9999, 12, 31, 11, tzinfo=UTC)
    ev = POLICY.evaluate(_ticket("urgent", "9999-12-31T10:50Z"), at=at)
    assert ev.stages["response"].deadline == datetime(9999, 12, 31, 11, 20, tzinfo=UTC)
    assert ev.next_evaluation_at == ev.stages["response"].deadline


def test_an_instant_the_policys_zone_cannot_show_is_a_usage_error() -> None:
    at = datetime(9999, 12, 31, 23, tzinfo=UTC)  # 10000-01-01 07:00 in Shanghai
    with pytest.raises(UsageError, match=r"at=9999-12-31T23:00:00\+00:00 falls outside"):
        POLICY.evaluate(_ticket("urgent", "9999-12-31T00:50Z"), at=at)


def test_a_next_evaluation_after_9999_is_a_ticket_error() -> None:
    policy = make_policy(
        calendars=ALWAYS,
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": "always",
            "target": {"urgent": "1h", "routine": "1h"},
            "ladder": [{"id": "late", "at": "breach + 1d", "notify": ["supervisor"]}],
        },
    )
    at = datetime(9999, 12, 31, 14, 55, tzinfo=UTC)  # breached at 14:50; "late" a day on
    with pytest.raises(TicketError, match="its next evaluation falls after 9999-12-31"):
        policy.evaluate(_ticket("urgent", "9999-12-31T13:50Z"), at=at)
