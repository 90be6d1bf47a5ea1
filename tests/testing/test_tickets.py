"""``tickets()`` and ``snapshots()``: valid tickets for every bundled policy, with the
options hosts need, shrinking to a small readable ticket."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from slarules import Policy, Ticket, UsageError
from slarules.testing import snapshots, tickets
from slarules.testing._shape import action_keys, event_graph
from slarules.testing._tickets import declared_statuses
from tests.builders import BASE
from tests.conditions.helpers import DECLARATIONS
from tests.testing.helpers import AFTER_SALES, FAST, POLICIES, POLICY_IDS, sample

SHANGHAI = ZoneInfo("Asia/Shanghai")


def instants_of(ticket: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(v) for v in ticket["events"].values()] + [
        datetime.fromisoformat(s["at"]) for s in ticket["statuses"]
    ]


def check_valid(policy: Policy, ticket: dict[str, Any]) -> None:
    """What every drawn ticket must be: accepted, and in an order the stages can meet."""
    snapshot = Ticket.model_validate(ticket)
    policy.compiled.fields.validate(snapshot.fields)
    events = snapshot.events
    for stage in policy.compiled.stages:
        if stage.stop in events:
            assert stage.start in events, (stage.name, ticket)
            assert events[stage.start] <= events[stage.stop], (stage.name, ticket)
    root = event_graph(policy.compiled).root
    assert root in events
    assert {s.status for s in snapshot.statuses} <= set(declared_statuses(policy))
    assert snapshot.done <= set(action_keys(policy.compiled, snapshot.id))


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_ticket_is_valid_for_each_bundled_policy(policy_id: str) -> None:
    policy = POLICIES[policy_id]

    @FAST
    @given(tickets(policy))
    def check(ticket: dict[str, Any]) -> None:
        check_valid(policy, ticket)
        first = min(instants_of(ticket))
        policy.evaluate(ticket, at=first + timedelta(days=3))

    check()


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_tickets_meet_every_stage_of_each_bundled_policy(policy_id: str) -> None:
    policy = POLICIES[policy_id]
    drawn = sample(tickets(policy), 150)
    for stage in policy.compiled.stages:
        assert any(stage.stop in t["events"] for t in drawn), stage.name
        assert any(stage.stop not in t["events"] for t in drawn), stage.name


def test_a_ticket_shrinks_to_its_required_fields_and_first_event() -> None:
    found = find(tickets(AFTER_SALES), lambda t: True)
    assert found == {
        "id": "T-1",
        "fields": {"level": "urgent"},
        "events": {"created": "2025-01-01T08:00:00+08:00"},
        "statuses": [],
        "done": [],
    }


def test_a_stop_is_drawn_exactly_at_its_deadline() -> None:
    def at_deadline(ticket: dict[str, Any]) -> bool:
        if "first_response" not in ticket["events"]:
            return False
        created = datetime.fromisoformat(ticket["events"]["created"])
        ev = AFTER_SALES.evaluate(ticket, at=created)
        stop = datetime.fromisoformat(ticket["events"]["first_response"])
        return stop == ev.stages["first_response"].deadline

    assert any(at_deadline(t) for t in sample(tickets(AFTER_SALES, statuses=()), 200))


def test_pinned_fields_are_kept_and_may_be_strategies() -> None:
    strategy = tickets(
        AFTER_SALES,
        fields={"level": "urgent", "channel": st.sampled_from(["phone", "chat"])},
    )
    for ticket in sample(strategy, 50):
        assert ticket["fields"]["level"] == "urgent"
        assert ticket["fields"]["channel"] in ("phone", "chat")


def test_a_pinned_value_the_declaration_refuses_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="'level' accepts one of urgent, important, routine"):
        tickets(AFTER_SALES, fields={"level": "critical"})


def test_required_events_always_happen_with_the_starts_before_them() -> None:
    for ticket in sample(tickets(AFTER_SALES, require_events=["closed"]), 50):
        assert "closed" in ticket["events"]
        assert ticket["events"]["created"] <= ticket["events"]["closed"]


def test_forbidden_events_never_happen() -> None:
    strategy = tickets(AFTER_SALES, forbid_events=["first_response", "closed"])
    for ticket in sample(strategy, 50):
        assert not {"first_response", "closed"} & ticket["events"].keys()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"require_events": ["reopened"]}, "not an event of this policy"),
        ({"require_events": ["closed"], "forbid_events": ["created"]}, "is forbidden"),
        ({"span": timedelta(days=-1)}, "span"),
    ],
)
def test_impossible_event_options_are_a_usage_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        tickets(AFTER_SALES, **kwargs)


def test_with_at_the_ticket_is_a_snapshot_at_that_instant() -> None:
    at = datetime(2025, 10, 9, 14, 30, tzinfo=SHANGHAI)
    for ticket in sample(tickets(AFTER_SALES, at=at, span=timedelta(days=3)), 80):
        moments = instants_of(ticket)
        assert all(t <= at for t in moments)
        assert min(datetime.fromisoformat(v) for v in ticket["events"].values()) >= at - timedelta(
            days=3
        )


def test_scheduled_events_may_lie_after_at() -> None:
    policy = POLICIES["enterprise-support-review"]
    at = datetime(2025, 10, 9, 14, 30, tzinfo=SHANGHAI)
    drawn = sample(tickets(policy, at=at, require_events=["review_meeting"]), 100)
    assert any(datetime.fromisoformat(t["events"]["review_meeting"]) > at for t in drawn)
    for ticket in drawn:
        others = {k: v for k, v in ticket["events"].items() if k != "review_meeting"}
        assert all(datetime.fromisoformat(v) <= at for v in others.values())


def test_the_span_bounds_every_event_and_the_window_bounds_the_first() -> None:
    since = datetime(2025, 3, 1, tzinfo=SHANGHAI)
    until = datetime(2025, 3, 31, tzinfo=SHANGHAI)
    strategy = tickets(AFTER_SALES, since=since, until=until, span=timedelta(hours=6))
    for ticket in sample(strategy, 80):
        events = sorted(datetime.fromisoformat(v) for v in ticket["events"].values())
        assert since <= events[0] <= until
        assert events[-1] - events[0] <= timedelta(hours=6)


def test_status_histories_use_the_pause_statuses() -> None:
    drawn = sample(tickets(AFTER_SALES), 200)
    used = {s["status"] for t in drawn for s in t["statuses"]}
    assert {"waiting_for_parts", "waiting_on_customer"} <= used


def test_an_empty_status_pool_gives_no_history_and_done_false_nothing_done() -> None:
    for ticket in sample(tickets(AFTER_SALES, statuses=(), done=False), 50):
        assert ticket["statuses"] == []
        assert ticket["done"] == []


def test_instants_are_written_in_the_policy_zone() -> None:
    for ticket in sample(tickets(AFTER_SALES), 30):
        assert all(t.utcoffset() == timedelta(hours=8) for t in instants_of(ticket))


def test_tickets_need_a_policy() -> None:
    with pytest.raises(UsageError, match="Policy"):
        tickets("policies/after-sales-response.yaml")  # type: ignore[arg-type]


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_snapshots_pair_a_valid_ticket_with_an_instant_near_it(policy_id: str) -> None:
    policy = POLICIES[policy_id]

    @FAST
    @given(snapshots(policy, span=timedelta(days=5)))
    def check(pair: tuple[dict[str, Any], datetime]) -> None:
        ticket, at = pair
        check_valid(policy, ticket)
        assert str(at.tzinfo) == policy.timezone
        policy.evaluate(ticket, at=at)

    check()


def test_snapshots_draw_the_instant_themselves() -> None:
    with pytest.raises(UsageError, match="draws the instant"):
        snapshots(AFTER_SALES, at=datetime(2025, 1, 1, tzinfo=SHANGHAI))


EVERY_KIND = Policy.from_dict(
    {
        **BASE,
        "fields": {
            **DECLARATIONS,
            "level": {"enum": ["urgent", "routine"], "required": True},
            "vip": {"type": "boolean", "default": False},
            "opened": {"type": "datetime", "required": True},
            "owner": {
                "type": "object",
                "properties": {
                    "team": {"type": "string", "required": True},
                    "grade": {"enum": ["key", "standard"], "default": "standard"},
                },
            },
        },
    }
)


def test_fields_of_every_kind_respect_their_declarations() -> None:
    drawn = sample(tickets(EVERY_KIND), 150)
    for ticket in drawn:
        check_valid(EVERY_KIND, ticket)
        assert "level" in ticket["fields"]
        assert "opened" in ticket["fields"]
    kinds = {
        name: {type(t["fields"][name]) for t in drawn if name in t["fields"]}
        for name in (
            "tags",
            "customer",
            "owner",
            "score",
            "acceptance_in_days",
            "system_down",
            "due",
        )
    }
    assert kinds["tags"] == {list}
    assert kinds["customer"] == kinds["owner"] == {dict}
    assert kinds["system_down"] == {bool}
    assert kinds["due"] == {str}
    assert all("team" in t["fields"]["owner"] for t in drawn if "owner" in t["fields"])
    assert any("tags" not in t["fields"] for t in drawn)  # optional fields come and go
