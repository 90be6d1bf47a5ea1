"""A validated ``Ticket`` cannot change under the engine: its mappings are read-only, and
``replace`` (or ``model_copy(update=...)``) gives a validated copy."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from slarules import StatusChange, Ticket, TicketError, UsageError, load_policy
from slarules.engine._ticket import instants

ROOT = Path(__file__).resolve().parents[2]
POLICY = load_policy(ROOT / "policies" / "after-sales-response.yaml")
AT = datetime(2025, 10, 9, 8, 0, tzinfo=UTC)
DATA: dict[str, Any] = {
    "id": "T-1",
    "fields": {"level": "urgent", "tags": ["a"]},
    "events": {"created": "2025-10-09T14:30:00+08:00"},
    "statuses": [{"at": "2025-10-09T15:00:00+08:00", "status": "waiting_on_customer"}],
    "done": ["T-1/first_response/early-warning"],
}


def validated() -> Ticket:
    return Ticket.model_validate(DATA)


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.events.__setitem__("first_response", datetime(2025, 10, 9, tzinfo=UTC)),
        lambda t: t.events.update(created=datetime(2025, 10, 9, tzinfo=UTC)),
        lambda t: t.events.pop("created"),
        lambda t: t.events.clear(),
        lambda t: t.fields.__setitem__("level", "routine"),
        lambda t: t.fields.setdefault("customer_grade", "vip"),
        lambda t: t.fields.__delitem__("level"),
        lambda t: t.fields.popitem(),
    ],
)
def test_the_mappings_of_a_validated_ticket_are_read_only(change: Any) -> None:
    ticket = validated()
    before = POLICY.evaluate(ticket, at=AT)
    with pytest.raises(UsageError, match=r"use ticket\.replace|change it with ticket\.replace"):
        change(ticket)
    assert ticket == validated()
    assert POLICY.evaluate(ticket, at=AT) == before


def test_a_refused_change_is_also_a_type_error_as_for_any_immutable_container() -> None:
    with pytest.raises(TypeError):
        validated().events["created"] = datetime(2025, 10, 9, tzinfo=UTC)  # type: ignore[index]


def test_a_ticket_refuses_attribute_assignment_with_the_same_advice() -> None:
    ticket = validated()
    with pytest.raises(UsageError, match=r"ticket\.replace"):
        ticket.events = {}  # type: ignore[misc]
    with pytest.raises(UsageError, match=r"ticket\.replace"):
        del ticket.id  # type: ignore[misc]


def test_statuses_and_done_are_a_tuple_and_a_frozenset() -> None:
    ticket = validated()
    assert isinstance(ticket.statuses, tuple)
    assert isinstance(ticket.done, frozenset)
    assert Ticket(id="X").events == {}
    with pytest.raises(UsageError):
        Ticket(id="X").events["a"] = AT  # type: ignore[index]


def test_replace_validates_the_change_and_names_a_bad_event() -> None:
    with pytest.raises(TicketError) as info:
        validated().replace(events={"created": "2025-10-09T14:30:00+08:00", "closed": "soon"})
    assert str(info.value).startswith("ticket 'T-1': events.closed: ")
    assert info.value.ticket_id == "T-1"


def test_replace_reads_text_instants_as_validation_does() -> None:
    ticket = validated()
    changed = ticket.replace(
        events={**ticket.events, "first_response": "2025-10-09T14:50:00+08:00"},
        fields={**ticket.fields, "level": "routine"},
        statuses=[*ticket.statuses, {"at": "2025-10-09T16:00:00+08:00", "status": "open"}],
        done=[*ticket.done, "T-1/closure/early-warning"],
    )
    expected = Ticket.model_validate(
        {
            **DATA,
            "fields": {"level": "routine", "tags": ["a"]},
            "events": {**DATA["events"], "first_response": "2025-10-09T14:50:00+08:00"},
            "statuses": [*DATA["statuses"], {"at": "2025-10-09T16:00:00+08:00", "status": "open"}],
            "done": [*DATA["done"], "T-1/closure/early-warning"],
        }
    )
    assert changed == expected
    assert instants(changed) == instants(expected)
    assert POLICY.evaluate(changed, at=AT) == POLICY.evaluate(expected, at=AT)
    assert ticket == validated()  # the original is untouched


def test_replace_keeps_what_it_is_not_given() -> None:
    ticket = validated()
    assert ticket.replace() == ticket
    assert ticket.replace(done=()).events == ticket.events
    assert ticket.replace(done=()).done == frozenset()


def test_model_copy_with_an_update_validates_as_replace_does() -> None:
    ticket = validated()
    with pytest.raises(TicketError, match=r"^ticket 'T-1': events\.created: 'soon' is not an ISO"):
        ticket.model_copy(update={"events": {"created": "soon"}})
    with pytest.raises(TicketError, match=r"^ticket 'T-1': evnts: is not part of a ticket"):
        ticket.model_copy(update={"evnts": {}})
    moved = ticket.model_copy(update={"events": {"created": "2025-10-09T15:30:00+08:00"}})
    assert moved.events["created"] == datetime(2025, 10, 9, 7, 30, tzinfo=UTC)
    later = POLICY.evaluate(moved, at=AT).stages["first_response"].deadline
    assert later == POLICY.evaluate(ticket, at=AT).stages["first_response"].deadline + timedelta(
        hours=1
    )


def test_a_status_change_given_to_replace_keeps_its_validation() -> None:
    ticket = validated()
    change = StatusChange(at="2025-10-09T16:00:00+08:00", status="open")
    assert ticket.replace(statuses=[change]).statuses == (change,)


def test_a_validated_ticket_still_pickles_copies_and_compares() -> None:
    ticket = validated()
    for again in (pickle.loads(pickle.dumps(ticket)), copy.copy(ticket), copy.deepcopy(ticket)):
        assert again == ticket
        assert instants(again) == instants(ticket)
        assert POLICY.evaluate(again, at=AT) == POLICY.evaluate(ticket, at=AT)
        with pytest.raises(UsageError):
            again.events["created"] = AT  # type: ignore[index]
    assert ticket.model_copy() == ticket
    assert ticket.model_dump()["events"] == {"created": datetime(2025, 10, 9, 6, 30, tzinfo=UTC)}
    assert Ticket.model_validate_json(ticket.model_dump_json()) == ticket
    assert Ticket.model_validate(ticket.to_dict()) == ticket
