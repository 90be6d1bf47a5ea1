"""Bad ticket input is a ``TicketError`` naming the ticket and what to fix, on every path.

Containers where a field's scalar belongs, instants a datetime cannot hold in UTC, and
instants written as numbers: each used to escape as a plain Python exception (or, for
numbers, to be read silently as seconds since 1970).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from slarules import Policy, TicketError, load_policy

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
