"""Bad ticket input is a ``TicketError`` naming the ticket and what to fix, on every path.

Containers where a field's scalar belongs, instants a datetime cannot hold in UTC, and
instants written as numbers: each used to escape as a plain Python exception (or, for
numbers, to be read silently as seconds since 1970).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from slarules import Policy, StatusChange, Ticket, TicketError, UsageError, load_policy

ROOT = Path(__file__).resolve().parents[2]
AFTER_SALES = load_policy(ROOT / "policies" / "after-sales-response.yaml")
AT = datetime(2025, 10, 10, tzinfo=UTC)
CREATED = "2025-10-09T14:30:00+08:00"


def after_sales(**parts: Any) -> dict[str, Any]:
    ticket: dict[str, Any] = {
        "id": "X",
        "fields": {"level": "urgent"},
        "events": {"created": CREATED},
    }
    ticket.update(parts)
    return ticket


# --- containers and other odd values where a field's scalar belongs ------------------------

EVERY_TYPE = Policy.from_dict(
    {
        "slarules": 1,
        "id": "every-type",
        "version": "1",
        "timezone": "UTC",
        "fields": {
            "level": {"enum": ["urgent", "routine"]},
            "tier": {"enum": [1, 2]},
            "vip": {"type": "boolean"},
            "count": {"type": "integer"},
            "score": {"type": "number"},
            "note": {"type": "string"},
            "due": {"type": "datetime"},
            "tags": {"type": "list", "items": {"type": "string"}},
            "kinds": {"type": "list", "items": {"enum": ["a", "b"]}},
            "customer": {"type": "object", "properties": {"grade": {"enum": ["vip"]}}},
        },
        "priorities": [
            {
                "id": "p1",
                "when": {
                    "any": [
                        {"level": "urgent"},
                        {"tier": 1},
                        {"vip": True},
                        {"count": {"gt": 3}},
                        {"score": {"gt": 0.5}},
                        {"note": {"matches": "x"}},
                        {"due": {"lt": "2025-01-01T00:00:00Z"}},
                        {"tags": {"contains": "a"}},
                        {"kinds": {"contains": "a"}},
                        {"customer.grade": "vip"},
                    ]
                },
            },
            {"id": "p2", "default": True},
        ],
        "stages": {"s": {"start": "created", "stop": "done", "target": "1h"}},
    }
)
ODD_VALUES = [
    ["urgent"],
    {"level": "urgent"},
    [["a"]],
    [{"a": 1}],
    [None],
    {"a": [1, 2, {"b": None}]},
    b"urgent",
    bytearray(b"x"),
    float("nan"),
    float("inf"),
    10**5000,
    "x" * 70_000,
]
SCALAR_FIELDS = ["level", "tier", "vip", "count", "score", "note", "due", "tags", "kinds"]


@pytest.mark.parametrize("value", [["urgent"], {"a": 1}, [["urgent"]]], ids=repr)
def test_an_enum_field_holding_a_list_or_mapping_is_a_ticket_error_naming_it(value: Any) -> None:
    with pytest.raises(TicketError) as info:
        AFTER_SALES.evaluate(after_sales(fields={"level": value}), at=AT)
    assert (info.value.ticket_id, info.value.field) == ("X", "level")
    assert "field 'level': " in str(info.value)
    assert "it accepts one of urgent, important, routine" in str(info.value)


@pytest.mark.parametrize("name", SCALAR_FIELDS)
@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda v: type(v).__name__)
def test_every_field_type_given_a_container_or_odd_value_answers_or_names_the_field(
    name: str, value: Any
) -> None:
    ticket = {"id": "X", "fields": {name: value}, "events": {"created": CREATED}}
    error = None
    try:
        EVERY_TYPE.evaluate(ticket, at=AT)
    except TicketError as exc:
        error = exc
    if error is not None:
        assert (error.ticket_id, error.field) == ("X", name)
        assert len(str(error)) < 400  # a bounded picture of the value, not all of it


def test_a_list_element_of_the_wrong_kind_is_named_by_its_position() -> None:
    with pytest.raises(TicketError, match=r"field 'kinds': element 1: list \['a'\] is not one"):
        EVERY_TYPE.evaluate(
            {"id": "X", "fields": {"kinds": ["a", ["a"]]}, "events": {"created": CREATED}}, at=AT
        )


def test_a_nested_enum_given_a_mapping_names_its_path() -> None:
    with pytest.raises(TicketError) as info:
        EVERY_TYPE.evaluate(
            {"id": "X", "fields": {"customer": {"grade": {"v": 1}}}, "events": {}}, at=AT
        )
    assert info.value.field == "customer.grade"


# --- instants a datetime cannot hold in UTC -------------------------------------------------

OVERFLOWING = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:00:00-01:00",
    "0001-01-01T00:00:00+23:59",
]


@pytest.mark.parametrize("when", OVERFLOWING)
def test_an_event_that_overflows_in_utc_is_a_ticket_error_naming_the_event(when: str) -> None:
    with pytest.raises(TicketError) as info:
        AFTER_SALES.evaluate(after_sales(events={"created": when}), at=AT)
    assert info.value.ticket_id == "X"
    assert str(info.value).startswith(f"ticket 'X': events.created: {when} falls ")
    assert "in UTC, beyond the years a datetime can hold" in str(info.value)


@pytest.mark.parametrize("when", OVERFLOWING)
def test_a_status_change_that_overflows_in_utc_names_its_position(when: str) -> None:
    statuses = [
        {"at": "2025-10-09T15:00:00+08:00", "status": "open"},
        {"at": when, "status": "waiting_on_customer"},
    ]
    with pytest.raises(TicketError, match=r"^ticket 'X': statuses\[1\]\.at: "):
        AFTER_SALES.evaluate(after_sales(statuses=statuses), at=AT)


def test_an_aware_datetime_that_overflows_in_utc_is_refused_alike() -> None:
    when = datetime.fromisoformat(OVERFLOWING[0])
    with pytest.raises(TicketError, match=r"events\.created: 0001-01-01T00:00:00\+01:00 falls"):
        Ticket(id="X", events={"created": when})


# --- instants written as numbers ------------------------------------------------------------

NUMBERS = [1760000000, 1760000000000, 1760000000.5, "1760000000", "1760000000000", "-1", "1e9"]


@pytest.mark.parametrize("number", NUMBERS, ids=repr)
def test_an_event_given_as_a_number_is_refused_not_read_as_seconds(number: object) -> None:
    with pytest.raises(TicketError) as info:
        Ticket.model_validate(after_sales(events={"created": number}))
    text = str(info.value)
    assert text.startswith("ticket 'X': events.created: ")
    assert "is a number, not an instant; write ISO 8601 with an offset" in text
    assert info.value.field == "events"


@pytest.mark.parametrize("number", NUMBERS, ids=repr)
def test_a_status_time_given_as_a_number_is_refused(number: object) -> None:
    with pytest.raises(TicketError, match=r"statuses\[0\]\.at: .* is a number, not an instant"):
        AFTER_SALES.evaluate(after_sales(statuses=[{"at": number, "status": "open"}]), at=AT)


@pytest.mark.parametrize("value", [True, None, [], {}, "soon", "2025-13-45T00:00:00Z"], ids=repr)
def test_an_event_that_is_not_an_instant_says_how_to_write_one(value: object) -> None:
    with pytest.raises(TicketError, match=r"events\.created: .* is not an ISO 8601 instant such"):
        Ticket.model_validate(after_sales(events={"created": value}))


def test_iso_instants_in_every_form_the_docs_allow_still_validate() -> None:
    forms = [
        "2025-10-09T14:30:00+08:00",
        "2025-10-09 14:30:00+08:00",
        "2025-10-09T14:30+08:00",
        "2025-10-09T06:30:00Z",
        "2025-10-09T14:30:00.000+08:00",
    ]
    seen = {
        Ticket.model_validate(after_sales(events={"created": f})).events["created"] for f in forms
    }
    assert seen == {datetime(2025, 10, 9, 6, 30, tzinfo=UTC)}


# --- validating a Ticket directly -----------------------------------------------------------


def test_validating_a_ticket_directly_raises_ticket_errors_not_pydantic_ones() -> None:
    with pytest.raises(TicketError, match=r"^ticket 'X': events\.created: "):
        Ticket.model_validate(after_sales(events={"created": "soon"}))
    with pytest.raises(TicketError, match=r"^ticket 'X': statuses\[0\]\.status: is required"):
        Ticket(id="X", statuses=[{"at": CREATED}])
    with pytest.raises(TicketError, match=r"^events\.created: "):
        Ticket.model_validate_json('{"id": 1, "events": {"created": 5}}')
    with pytest.raises(TicketError, match=r"^at: "):
        StatusChange(at="2025-10-09T14:30:00", status="open")


def test_a_ticket_id_of_thousands_of_digits_is_refused_with_a_reason() -> None:
    with pytest.raises(TicketError, match="too long for a number; give the id as text"):
        Ticket(id=10**5000)


def test_a_ticket_id_that_is_not_text_or_a_number_is_named_without_its_whole_value() -> None:
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    with pytest.raises(TicketError) as info:
        Ticket.model_validate({"id": nested})
    assert info.value.ticket_id is None
    assert str(info.value).startswith("id: Input should be a valid string, not list [[[[")
    assert len(str(info.value)) < 200


# --- a time without an offset: the hint shows the policy's own offset -----------------------

BERLIN = Policy.from_dict(
    {
        "slarules": 1,
        "id": "berlin-desk",
        "version": "1",
        "timezone": "Europe/Berlin",
        "priorities": [{"id": "p", "default": True}],
        "stages": {"s": {"start": "created", "stop": "done", "target": "1h"}},
    }
)


@pytest.mark.parametrize(
    ("naive", "offset"), [("2025-10-09T14:30:00", "+02:00"), ("2025-01-09T14:30:00", "+01:00")]
)
def test_a_naive_event_hint_shows_the_policy_zone_offset_then(naive: str, offset: str) -> None:
    ticket = {"id": "B-1", "events": {"created": naive}}
    expected = (
        f"ticket 'B-1': events.created: {naive} has no time zone; write its offset, e.g. "
        f"{naive}{offset} (Europe/Berlin, the policy's time zone, then) or Z for UTC"
    )
    for call in (
        lambda: BERLIN.evaluate(ticket, at=AT),
        lambda: BERLIN.explain(ticket, at=AT),
        lambda: BERLIN.timeline(ticket, until=AT),
    ):
        with pytest.raises(TicketError) as info:
            call()
        assert str(info.value) == expected


def test_a_naive_instant_validated_without_a_policy_suggests_no_particular_offset() -> None:
    with pytest.raises(TicketError) as info:
        Ticket.model_validate(
            {"id": "B-1", "statuses": [{"at": "2025-10-09T14:30:00", "status": "x"}]}
        )
    assert str(info.value) == (
        "ticket 'B-1': statuses[0].at: 2025-10-09T14:30:00 has no time zone; write the UTC "
        "offset it was recorded in, 2025-10-09T14:30:00+HH:MM, or 2025-10-09T14:30:00Z for UTC"
    )


def test_a_naive_at_hint_names_the_policy_zone() -> None:
    with pytest.raises(UsageError) as info:
        BERLIN.evaluate({"id": "B-1"}, at=datetime(2025, 10, 9, 14, 30))
    assert str(info.value) == (
        "at=2025-10-09T14:30:00 has no time zone; pass an aware datetime, "
        "e.g. datetime(2025, 10, 9, 14, 30, tzinfo=ZoneInfo('Europe/Berlin'))"
    )


# --- the same tickets in a batch ------------------------------------------------------------

BATCH_CASES = {
    "enum-list": ({"fields": {"level": ["urgent"]}}, "field 'level'"),
    "overflow": ({"events": {"created": "0001-01-01T00:00:00+01:00"}}, "events.created"),
    "number": ({"statuses": [{"at": 1760000000, "status": "open"}]}, "statuses[0].at"),
}


@pytest.mark.parametrize("case", sorted(BATCH_CASES))
def test_a_bad_ticket_in_a_batch_is_a_ticket_error_naming_its_row(case: str) -> None:
    pa = pytest.importorskip("pyarrow")
    from slarules.batch import evaluate_batch

    change, what = BATCH_CASES[case]
    rows = [after_sales(id="A"), after_sales(id="B", **change), after_sales(id="C")]
    table = pa.table(
        {
            "id": [r["id"] for r in rows],
            **{part: [json.dumps(r.get(part, [])) for r in rows] for part in ("fields", "events")},
            "statuses": [json.dumps(r.get("statuses", [])) for r in rows],
        }
    )
    with pytest.raises(TicketError) as info:
        evaluate_batch(AFTER_SALES, table, AT, errors="raise")
    assert str(info.value).startswith("row 2: ticket 'B': ")
    assert what in str(info.value)
    collected = evaluate_batch(AFTER_SALES, table, AT, errors="collect")
    assert collected.errors.column("ticket_id").to_pylist() == ["B"]
    assert set(collected.stages.column("ticket_id").to_pylist()) == {"A", "C"}
