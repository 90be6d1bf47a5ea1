"""Targets counted back from an event (``… before EVENT``) whose deadline lies before the
stage starts (issue 16.4): the deadline stands as computed, the stage is breached from its
start (met late if it stops), and the evaluation says so in a warning."""

from __future__ import annotations

from datetime import timedelta

from slarules import StageStatus
from tests.builders import make_policy, t, ticket

POLICY = make_policy(
    stage_response={
        "start": "created",
        "stop": "responded",
        "calendar": "office",
        "target": {"urgent": "1 business day before review", "routine": "2h before review"},
    },
)


def test_a_deadline_counted_back_to_before_the_start_is_breached_from_it_with_a_warning() -> None:
    # review on Tuesday 10:00: one business day before it is Monday 10:00, an hour before
    # the ticket was created
    tk = ticket(created="2025-10-20T11:00", review="2025-10-21T10:00")
    ev = POLICY.evaluate(tk, at=t("2025-10-20T11:30"))
    result = ev.stages["response"]
    assert result.deadline == t("2025-10-20T10:00")
    assert result.status is StageStatus.BREACHED
    assert result.used == 1.0
    assert result.remaining == -timedelta(minutes=30)
    assert ev.warnings == (
        "stage 'response': its deadline (1 business day before review: 2025-10-20T10:00+08:00) "
        "lies before the stage started (2025-10-20T11:00+08:00), so the stage was breached "
        "from its start",
    )


def test_such_a_stage_that_stops_is_met_late_and_still_warned_about() -> None:
    tk = ticket(created="2025-10-20T11:00", review="2025-10-21T10:00", responded="2025-10-20T11:05")
    ev = POLICY.evaluate(tk, at=t("2025-10-20T12:00"))
    assert ev.stages["response"].status is StageStatus.MET_LATE
    assert len(ev.warnings) == 1


def test_a_deadline_counted_back_to_after_the_start_gives_no_warning() -> None:
    tk = ticket(level="routine", created="2025-10-20T09:00", review="2025-10-21T10:00")
    ev = POLICY.evaluate(tk, at=t("2025-10-20T11:30"))
    # two office hours before: Tuesday 09:00-10:00 and Monday 17:00-18:00
    assert ev.stages["response"].deadline == t("2025-10-20T17:00")
    assert ev.stages["response"].status is StageStatus.RUNNING
    assert ev.warnings == ()
