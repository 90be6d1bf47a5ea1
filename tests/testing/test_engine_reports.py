"""Engine problems found by ``slarules.testing``, kept as the smallest examples, now fixed.

They were strict xfails while the engine was wrong; they guard the fixes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from slarules import Policy, load_policy
from slarules.testing import assert_evaluation_consistent

# Sydney leaves DST on Sunday 6 April 2025: 03:00 AEDT (+11:00) becomes 02:00 AEST (+10:00),
# so 02:00-03:00 local happens twice (fold=0 at +11:00, then fold=1 at +10:00).
SYDNEY_FALL_BACK = Policy.from_dict(
    {
        "slarules": 1,
        "id": "sydney",
        "version": "1",
        "timezone": "Australia/Sydney",
        "priorities": [{"id": "p", "default": True}],
        "stages": {
            "s": {
                "start": "created",
                "stop": "done",
                "target": "70m",
                "ladder": [{"at": "30m before breach", "notify": ["assignee"]}],
            }
        },
    }
)
TICKET = {"id": "T-1", "events": {"created": "2025-04-06T02:00:00+11:00"}}  # 15:00 UTC
AT = datetime(2025, 4, 5, 15, 10, tzinfo=UTC)


def test_next_evaluation_is_the_earliest_change_across_a_dst_fall_back() -> None:
    ev = SYDNEY_FALL_BACK.evaluate(TICKET, at=AT)
    # the step "30m before breach" falls due at 15:40 UTC, the deadline is 16:10 UTC
    later = SYDNEY_FALL_BACK.evaluate(TICKET, at=AT + timedelta(minutes=31))
    assert [a.due_at.astimezone(UTC) for a in later.actions] == [
        datetime(2025, 4, 5, 15, 40, tzinfo=UTC)
    ]
    assert ev.next_evaluation_at is not None
    assert ev.next_evaluation_at.astimezone(UTC) == datetime(2025, 4, 5, 15, 40, tzinfo=UTC)


def test_the_invariant_helpers_hold_across_a_dst_fall_back() -> None:
    assert_evaluation_consistent(SYDNEY_FALL_BACK, TICKET, AT)


AFTER_SALES = load_policy(Path(__file__).parents[2] / "policies" / "after-sales-response.yaml")


def test_a_status_change_after_the_instant_does_not_change_the_answer_at_it() -> None:
    waiting_later = {
        "id": "T-1",
        "fields": {"level": "urgent"},
        "events": {"created": "2025-10-09T14:30:00+08:00"},
        "statuses": [{"at": "2025-10-09T16:00:00+08:00", "status": "waiting_for_parts"}],
    }
    at = datetime.fromisoformat("2025-10-09T15:00:00+08:00")
    stage = AFTER_SALES.evaluate(waiting_later, at=at).stages["solution_provided"]
    assert stage.status == "running"
    # as the ticket stood at 15:00, nothing had paused it: 4 hours from 14:30
    assert stage.deadline == datetime.fromisoformat("2025-10-09T18:30:00+08:00")
