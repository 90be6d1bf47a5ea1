"""``Prepared`` tickets (the bulk readers' form) evaluate exactly as the equal ``Ticket``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules import StatusChange, Ticket, load_policy
from slarules.calendar._localtime import to_us
from slarules.engine import as_ticket, evaluate
from slarules.engine._ticket import Prepared, instants
from slarules.testing import instants as instants_of
from slarules.testing import tickets

POLICIES = sorted(
    p for p in (Path(__file__).parents[2] / "policies").glob("*.yaml") if ".test" not in p.name
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def unprepared(ticket: Prepared) -> Ticket:
    """The equal validated Ticket."""
    changes = [StatusChange(at=_EPOCH + _US * at, status=s) for at, s in ticket.instants.statuses]
    return Ticket(
        id=ticket.id,
        fields=dict(ticket.fields),
        events=ticket.events,
        statuses=tuple(changes),
        done=ticket.done,
    )


def prepared(ticket: Ticket) -> Prepared:
    inst = instants(ticket)
    return Prepared(ticket.id, ticket.fields, dict(inst.events), inst.statuses, ticket.done)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_a_prepared_ticket_evaluates_as_the_equal_ticket(path: Path) -> None:
    policy = load_policy(path)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data: st.DataObject) -> None:
        ticket = as_ticket(data.draw(tickets(policy)))
        at = data.draw(instants_of(policy))
        expected = policy.evaluate(ticket, at=at)
        assert evaluate(policy.compiled, prepared(ticket), at) == expected

    check()


def test_a_prepared_ticket_turns_back_into_the_equal_ticket() -> None:
    ticket = Ticket.model_validate(
        {
            "id": "T-1",
            "fields": {"level": "urgent"},
            "events": {"created": "2025-10-09T14:30:00.000001+08:00"},
            "statuses": [
                {"at": "2025-10-09T15:00:00+08:00", "status": "open"},
                {"at": "2025-10-09T14:40:00+08:00", "status": "new"},
            ],
            "done": ["T-1/response/warn"],
        }
    )
    again = unprepared(prepared(ticket))
    assert again == ticket
    assert again.events["created"].microsecond == 1


def test_instants_are_read_again_when_a_change_replaces_the_events() -> None:
    ticket = Ticket.model_validate({"id": "T-1", "events": {"created": "2025-01-01T00:00:00Z"}})
    moved = ticket.replace(events={"created": _EPOCH + timedelta(hours=1)})
    assert instants(ticket).events == {"created": 1_735_689_600_000_000}
    assert instants(moved).events == {"created": 3_600_000_000}
    assert instants(ticket.replace(done={"k"})) == instants(ticket)


def test_a_changed_copy_equals_the_ticket_validated_from_the_same_data() -> None:
    ticket = Ticket.model_validate({"id": "T-1", "events": {"created": "2025-01-01T00:00:00Z"}})
    events = {"created": _EPOCH + timedelta(days=20_000)}
    copy = ticket.model_copy(update={"events": events})
    fresh = Ticket(id="T-1", events=events)
    assert copy == fresh
    assert instants(copy) == instants(fresh)
    assert copy != ticket


def test_a_prepared_ticket_reads_status_changes_at_one_instant_as_the_ticket_does() -> None:
    policy = load_policy(POLICIES[0].parent / "after-sales-response.yaml")
    ticket = Ticket.model_validate(
        {
            "id": "T-1",
            "fields": {"level": "urgent"},
            "events": {"created": "2025-10-09T00:00:00+08:00"},
            "statuses": [
                {"at": "2025-10-09T01:00:00+08:00", "status": "waiting_on_customer"},
                {"at": "2025-10-09T01:55:00+08:00", "status": "open"},
                {"at": "2025-10-09T01:55:00+08:00", "status": "waiting_on_customer"},
            ],
        }
    )
    raw = tuple((to_us(s.at), s.status) for s in ticket.statuses)
    bulk = Prepared(ticket.id, ticket.fields, dict(instants(ticket).events), raw, ticket.done)
    assert bulk.instants.statuses == instants(ticket).statuses == (raw[0], raw[2])
    at = datetime(2025, 10, 9, 3, tzinfo=UTC)
    assert evaluate(policy.compiled, bulk, at) == policy.evaluate(ticket, at=at)
