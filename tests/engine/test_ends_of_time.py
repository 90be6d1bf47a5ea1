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


OFFICE = make_policy(  # business hours: compiled for the years 3 to 9996
    stage_response={
        "start": "created",
        "stop": "responded",
        "calendar": "office",
        "target": {"urgent": "4h", "routine": "4h"},
    },
)


def test_a_ticket_instant_before_business_calendars_begin_is_a_ticket_error() -> None:
    with pytest.raises(TicketError) as info:
        OFFICE.evaluate(
            _ticket("routine", "0002-06-01T00:00Z"), at=datetime(2025, 6, 2, tzinfo=UTC)
        )
    assert str(info.value) == (
        "ticket 'T-1': stage 'response': 0002-06-01T00:00:00+00:00 falls outside the years "
        "3 to 9996 that business calendars cover; check the ticket's instants"
    )


def test_an_at_beyond_business_calendars_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as info:
        OFFICE.evaluate(
            _ticket("routine", "2025-06-01T00:00Z"), at=datetime(9998, 1, 1, tzinfo=UTC)
        )
    assert not isinstance(info.value, TicketError)
    assert str(info.value) == (
        "at: 9998-01-01T00:00:00+00:00 falls outside the years 3 to 9996 that business "
        "calendars cover"
    )


def test_bulk_evaluation_names_the_ticket_beyond_business_calendars() -> None:
    pa = pytest.importorskip("pyarrow")
    from slarules.batch import evaluate_batch

    created = [datetime(2, 6, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)]
    rows = [
        {"id": f"T-{i}", "fields": {"level": "routine"}, "events": {"created": c}}
        for i, c in enumerate(created, start=1)
    ]
    table = pa.Table.from_pylist(rows)  # typed: timestamp[us, tz=UTC]
    at = datetime(2025, 6, 2, tzinfo=UTC)
    result = evaluate_batch(OFFICE, table, at, errors="collect")
    assert result.errors.column("ticket_id").to_pylist() == ["T-1"]
    assert result.errors.column("error").to_pylist() == [
        "ticket 'T-1': stage 'response': 0002-06-01T00:00:00+00:00 falls outside the years "
        "3 to 9996 that business calendars cover; check the ticket's instants"
    ]
    assert result.stages.column("ticket_id").to_pylist() == ["T-2"]


def test_collecting_bad_tickets_still_raises_a_mistaken_at() -> None:
    """Every ticket would fail alike: the batch stops with the caller's error at once."""
    pa = pytest.importorskip("pyarrow")
    from slarules.batch import evaluate_batch, evaluate_records, records_from_arrow

    rows = [_ticket("routine", "2025-06-01T00:00:00+00:00") for _ in range(3)]
    table = pa.Table.from_pylist(rows)
    at = datetime(9998, 1, 1, tzinfo=UTC)
    with pytest.raises(UsageError, match=r"^at: 9998-01-01T00:00:00"):
        evaluate_batch(OFFICE, table, at, errors="collect")
    with pytest.raises(UsageError, match=r"^at: 9998-01-01T00:00:00"):
        list(evaluate_records(OFFICE, records_from_arrow(table), at, errors="collect"))


def _office(target: str, *ladder: dict[str, Any]) -> Policy:
    return make_policy(
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": "office",
            "target": {"urgent": target, "routine": target},
            "ladder": list(ladder),
        },
    )


LATE = datetime(9996, 12, 31, 9, tzinfo=UTC)
BEYOND = (
    "would lie beyond the end of 9997, the last year business calendars reach; check the "
    "ticket's instants and the policy's targets"
)


@pytest.mark.parametrize(
    ("target", "ladder", "what"),
    [
        ("5000h", (), "the instant 208d8h of working time after 9996-01-02T08:00:00+00:00"),
        ("600 business days", (), "the working day 600 days after 9996-01-02"),
        (
            "4h",
            ({"at": "breach + 5000h", "notify": ["x"]},),
            "the instant 208d8h of working time after 9996-01-03T03:00:00+00:00",
        ),
        (
            "4h",
            ({"every": "5000h", "notify": ["x"]},),
            "the instant 208d8h of working time after 9996-01-02T08:00:00+00:00",
        ),
    ],
)
def test_an_answer_beyond_the_last_year_is_a_ticket_error_naming_the_stage(
    target: str, ladder: tuple[dict[str, Any], ...], what: str
) -> None:
    with pytest.raises(TicketError) as info:
        _office(target, *ladder).evaluate(_ticket("urgent", "9996-01-02T08:00Z"), at=LATE)
    assert str(info.value) == f"ticket 'T-1': stage 'response': {what} {BEYOND}"
    assert info.value.ticket_id == "T-1"


def test_bulk_evaluation_collects_an_answer_beyond_the_last_year_and_goes_on() -> None:
    pa = pytest.importorskip("pyarrow")
    from slarules.batch import evaluate_batch

    created = datetime(9996, 1, 2, 8, tzinfo=UTC)
    rows = [
        {"id": f"T-{i}", "fields": {"level": level}, "events": {"created": created}}
        for i, level in enumerate(["routine", "urgent"], start=1)
    ]
    table = pa.Table.from_pylist(rows)
    policy = make_policy(
        stage_response={
            "start": "created",
            "stop": "responded",
            "calendar": "office",
            "target": {"urgent": "4h", "routine": "5000h"},
        },
    )
    result = evaluate_batch(policy, table, LATE, errors="collect")
    assert result.errors.column("ticket_id").to_pylist() == ["T-1"]
    [message] = result.errors.column("error").to_pylist()
    assert message.startswith("ticket 'T-1': stage 'response': the instant 208d8h of working")
    assert result.stages.column("ticket_id").to_pylist() == ["T-2"]
    with pytest.raises(TicketError, match=r"^row 1: ticket 'T-1': stage 'response': the instant"):
        evaluate_batch(policy, table, LATE, errors="raise")
