"""The policy example of the design document loads, validates and evaluates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from slarules import load_policy

EXAMPLE = Path(__file__).parent / "policies" / "valid" / "design-example.yaml"


def test_the_design_example_is_a_valid_policy() -> None:
    policy = load_policy(EXAMPLE)
    assert policy.id == "after-sales-response"
    assert policy.warnings == ()
    assert policy.stages == ("first_response", "closure")


def test_the_design_example_evaluates_its_sample_ticket() -> None:
    policy = load_policy(EXAMPLE)
    ticket = {
        "id": "T-1001",
        "fields": {"level": "urgent", "customer_grade": "vip"},
        "events": {
            "created": "2025-10-09T14:30:00+08:00",
            "first_response": "2025-10-09T14:50:00+08:00",
        },
        "statuses": [{"at": "2025-10-09T15:10:00+08:00", "status": "waiting_for_parts"}],
        "done": ["T-1001/closure/on-start"],
    }
    ev = policy.evaluate(ticket, at=datetime.fromisoformat("2025-10-09T16:00:00+08:00"))
    assert ev.priority == "urgent"
    assert ev.stages["first_response"].status == "met"
    assert ev.stages["closure"].status == "paused"
    # the on-start notification is done; nothing else is due while paused
    assert ev.actions == ()
