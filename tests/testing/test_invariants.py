"""The invariant helpers hold for the bundled policies and name what broke when one fails."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given

from slarules import Evaluation, Policy, Ticket
from slarules.testing import (
    InvariantError,
    assert_actions_are_kept,
    assert_evaluation_consistent,
    assert_evaluation_repeatable,
    assert_evaluation_well_formed,
    assert_pauses_never_hasten,
    assert_stable_until_next_evaluation,
    instants,
    snapshots,
    tickets,
)
from tests.testing.helpers import AFTER_SALES, FAST, POLICIES, POLICY_IDS

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2025, 10, 9, 15, 0, tzinfo=SHANGHAI)
TICKET = {
    "id": "T-42",
    "fields": {"level": "urgent"},
    "events": {"created": "2025-10-09T14:30:00+08:00"},
    "statuses": [{"at": "2025-10-09T14:40:00+08:00", "status": "waiting_for_parts"}],
}


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_bundled_policy_keeps_the_invariants(policy_id: str) -> None:
    policy = POLICIES[policy_id]

    @FAST
    @given(snapshots(policy, span=timedelta(days=4)))
    def check(pair: tuple[dict[str, Any], datetime]) -> None:
        assert_evaluation_consistent(policy, *pair)

    check()


def test_the_consistent_evaluation_is_returned() -> None:
    ev = assert_evaluation_consistent(AFTER_SALES, TICKET, AT)
    assert ev == AFTER_SALES.evaluate(TICKET, at=AT)


class Broken:
    """A policy whose evaluations are tampered with, to see each invariant catch it."""

    def __init__(self, policy: Policy, how: str) -> None:
        self.policy, self.how = policy, how
        self.timezone = policy.timezone
        self.calls = itertools.count()

    def __reduce__(self) -> Any:
        return (Broken, (self.policy, self.how))

    def evaluate(self, ticket: Ticket | dict[str, Any], *, at: datetime) -> Evaluation:
        ev = self.policy.evaluate(ticket, at=at)
        first = next(self.calls) == 0
        if self.how == "flaky" and not first:
            return dataclasses.replace(ev, priority="routine")
        if self.how == "late-next" and ev.next_evaluation_at is not None:
            return dataclasses.replace(
                ev, next_evaluation_at=ev.next_evaluation_at + timedelta(hours=9)
            )
        if self.how == "forgetful" and not first:
            return dataclasses.replace(ev, actions=())
        if self.how == "early-action" and ev.actions:
            action = dataclasses.replace(ev.actions[0], due_at=at + timedelta(hours=1))
            return dataclasses.replace(ev, actions=(action, *ev.actions[1:]))
        if self.how == "hasty-pause" and isinstance(ticket, Ticket) and ticket.statuses:
            stages = {
                n: dataclasses.replace(s, deadline=s.deadline - timedelta(hours=1))
                if s.deadline
                else s
                for n, s in ev.stages.items()
            }
            return dataclasses.replace(ev, stages=stages)
        return ev


@pytest.mark.parametrize(
    ("how", "helper", "at", "invariant"),
    [
        ("flaky", assert_evaluation_repeatable, AT, "the evaluation is repeatable"),
        (
            "late-next",
            assert_stable_until_next_evaluation,
            AT,
            "nothing changes before next_evaluation_at",
        ),
        (
            "forgetful",
            assert_actions_are_kept,
            AT + timedelta(hours=2),
            "a later instant never loses an action that is not done",
        ),
        (
            "early-action",
            assert_evaluation_well_formed,
            AT + timedelta(hours=2),
            "actions are due by the instant and not done",
        ),
        ("hasty-pause", assert_pauses_never_hasten, AT, "a pause never makes a deadline earlier"),
    ],
)
def test_each_broken_invariant_is_named_with_the_ticket_and_instant(
    how: str, helper: Any, at: datetime, invariant: str
) -> None:
    with pytest.raises(InvariantError) as caught:
        helper(Broken(AFTER_SALES, how), TICKET, at)
    error = caught.value
    assert error.invariant == invariant
    assert error.at == at
    assert error.ticket["id"] == "T-42"
    text = str(error)
    assert text.startswith(f"invariant broken: {invariant}\n")
    assert at.isoformat() in text
    assert '"id": "T-42"' in text
    assert '"created": "2025-10-09T14:30:00+08:00"' in text


def test_assert_evaluation_consistent_reports_the_first_invariant_that_broke() -> None:
    with pytest.raises(InvariantError, match="nothing changes before next_evaluation_at"):
        assert_evaluation_consistent(Broken(AFTER_SALES, "late-next"), TICKET, AT)  # type: ignore[arg-type]


def test_a_ticket_with_no_next_change_is_checked_a_long_way_ahead() -> None:
    closed = {
        "id": "T-7",
        "fields": {"level": "routine"},
        "events": dict.fromkeys(
            ("created", "first_response", "support_engaged", "solution_provided", "closed"),
            "2025-10-09T14:30:00+08:00",
        ),
    }
    ev = assert_stable_until_next_evaluation(AFTER_SALES, closed, AT)
    assert ev.next_evaluation_at is None


def dst_policy(zone: str) -> Policy:
    return Policy.from_dict(
        {
            "slarules": 1,
            "id": "dst",
            "version": "1",
            "timezone": zone,
            "priorities": [{"id": "p", "default": True}],
            "stages": {"s": {"start": "created", "stop": "done", "target": "4h"}},
        }
    )


def test_the_helpers_step_back_from_the_next_evaluation_in_utc_not_on_the_wall_clock() -> None:
    # New York skips 02:00-03:00 on 9 March 2025; a microsecond before 03:00 EDT on the
    # wall clock would be 02:59:59.999999, a time that does not exist (read as EST: later)
    policy = dst_policy("America/New_York")
    ticket = {"id": "T-1", "events": {"created": "2025-03-09T03:00:00-04:00"}}
    at = datetime(2025, 3, 9, 1, 0, tzinfo=ZoneInfo("America/New_York"))
    ev = assert_evaluation_consistent(policy, ticket, at)
    assert ev.next_evaluation_at == datetime.fromisoformat("2025-03-09T03:00:00-04:00")


def test_the_helpers_compare_instants_of_a_repeated_hour_in_utc() -> None:
    # Sydney repeats 02:00-03:00 on 5 April 2026: 02:00+11:00 comes an hour before
    # 02:00+10:00, though Python calls them equal in one zone (fold is ignored)
    policy = dst_policy("Australia/Sydney")
    ticket = {"id": "T-1", "events": {"created": "2026-04-05T02:00:00+10:00"}}
    at = datetime(2026, 4, 5, 2, 0, tzinfo=ZoneInfo("Australia/Sydney"))
    ev = assert_evaluation_consistent(policy, ticket, at)
    assert ev.stages["s"].status == "pending"


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_a_few_lines_of_host_test_with_tickets_and_instants_run_on_each_bundled_policy(
    policy_id: str,
) -> None:
    policy = POLICIES[policy_id]

    @FAST
    @given(tickets(policy), instants(policy))
    def host_test(ticket: dict[str, Any], at: datetime) -> None:
        assert_evaluation_consistent(policy, ticket, at)

    host_test()
