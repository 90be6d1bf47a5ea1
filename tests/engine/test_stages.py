"""Stage clocks: deadlines, statuses, pauses and every kind of target."""

from __future__ import annotations

from datetime import timedelta

import pytest

from slarules import StageStatus, TicketError, UsageError
from tests.builders import make_policy, stage, t, ticket


def test_a_running_stage_is_due_its_target_after_the_start() -> None:
    ev = make_policy().evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:40"))
    r = ev.stages["response"]
    assert ev.priority == "urgent"
    assert r.status is StageStatus.RUNNING
    assert r.deadline == t("2025-10-09T15:00")
    assert r.elapsed == timedelta(minutes=10)
    assert r.remaining == timedelta(minutes=20)
    assert r.used == pytest.approx(1 / 3)


def test_statuses_compare_equal_to_their_plain_names() -> None:
    ev = make_policy().evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:40"))
    assert ev.stages["response"].status == "running"


@pytest.mark.parametrize(
    ("responded", "at", "status"),
    [
        (None, "2025-10-09T14:59:59", StageStatus.RUNNING),
        (None, "2025-10-09T15:00", StageStatus.BREACHED),
        ("2025-10-09T14:45", "2025-10-09T16:00", StageStatus.MET),
        ("2025-10-09T15:00", "2025-10-09T16:00", StageStatus.MET),
        ("2025-10-09T15:00:01", "2025-10-09T16:00", StageStatus.MET_LATE),
        ("2025-10-09T15:30", "2025-10-09T15:10", StageStatus.BREACHED),
    ],
)
def test_stage_status_follows_the_stop_and_the_deadline(
    responded: str | None, at: str, status: StageStatus
) -> None:
    events = {"created": "2025-10-09T14:30"}
    if responded:
        events["responded"] = responded
    ev = make_policy().evaluate(ticket(**events), at=t(at))
    assert ev.stages["response"].status is status


def test_a_stage_whose_start_has_not_happened_is_pending() -> None:
    ev = make_policy().evaluate(ticket(), at=t("2025-10-09T14:40"))
    assert ev.stages["response"].status is StageStatus.PENDING
    assert ev.stages["response"].deadline is None


def test_a_start_event_in_the_future_is_pending_until_it_happens() -> None:
    ev = make_policy().evaluate(ticket(created="2025-10-09T15:00"), at=t("2025-10-09T14:40"))
    assert ev.stages["response"].status is StageStatus.PENDING
    assert ev.next_evaluation_at == t("2025-10-09T15:00")


def test_a_priority_the_stage_does_not_apply_to_is_skipped() -> None:
    policy = make_policy(stage_response=stage(target={"urgent": "30m", "routine": "skip"}))
    ev = policy.evaluate(
        ticket(level="routine", created="2025-10-09T14:30"), at=t("2025-10-09T15:00")
    )
    assert ev.stages["response"].status is StageStatus.SKIPPED


def test_a_stage_condition_that_does_not_hold_skips_the_stage() -> None:
    policy = make_policy(stage_response=stage(when={"priority": "urgent"}))
    ev = policy.evaluate(
        ticket(level="routine", created="2025-10-09T14:30"), at=t("2025-10-09T15:00")
    )
    assert ev.stages["response"].status is StageStatus.SKIPPED


def test_a_stage_without_a_target_is_tracked_without_deadline() -> None:
    policy = make_policy(stage_response=stage(target="none"))
    ev = policy.evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-10T15:00"))
    r = ev.stages["response"]
    assert r.status is StageStatus.RUNNING
    assert r.deadline is None
    assert r.elapsed == timedelta(hours=24, minutes=30)


def test_a_pause_pushes_the_deadline_by_the_time_paused() -> None:
    policy = make_policy(stage_response=stage(target="4h", pause={"status": ["waiting"]}))
    tk = ticket(
        created="2025-10-09T10:00",
        statuses=(("2025-10-09T11:00", "waiting"), ("2025-10-09T12:30", "open")),
    )
    ev = policy.evaluate(tk, at=t("2025-10-09T13:00"))
    r = ev.stages["response"]
    assert r.status is StageStatus.RUNNING
    assert r.deadline == t("2025-10-09T15:30")
    assert r.elapsed == timedelta(hours=1, minutes=30)
    assert r.paused == timedelta(hours=1, minutes=30)


def test_while_paused_the_deadline_is_unknown_and_the_status_says_paused() -> None:
    policy = make_policy(stage_response=stage(target="4h", pause={"status": ["waiting"]}))
    tk = ticket(created="2025-10-09T10:00", statuses=(("2025-10-09T11:00", "waiting"),))
    ev = policy.evaluate(tk, at=t("2025-10-09T20:00"))
    r = ev.stages["response"]
    assert r.status is StageStatus.PAUSED
    assert r.deadline is None
    assert r.remaining == timedelta(hours=3)


def test_a_pause_condition_pauses_like_a_status_list() -> None:
    policy = make_policy(
        stage_response=stage(target="4h", pause={"when": {"status": {"starts_with": "waiting"}}})
    )
    tk = ticket(created="2025-10-09T10:00", statuses=(("2025-10-09T11:00", "waiting_parts"),))
    assert policy.evaluate(tk, at=t("2025-10-09T12:00")).stages["response"].status == "paused"


def test_business_days_skip_china_national_day_and_work_the_make_up_saturday() -> None:
    policy = make_policy(stage_response=stage(target="5 business days", calendar="office"))
    # Tuesday 2025-09-30 16:00: Oct 1-8 are holidays, Saturday Oct 11 is a make-up workday
    ev = policy.evaluate(ticket(created="2025-09-30T16:00"), at=t("2025-09-30T17:00"))
    assert ev.stages["response"].deadline == t("2025-10-14T16:00")


def test_a_target_on_another_calendar_counts_on_that_calendar() -> None:
    policy = make_policy(
        stage_response=stage(
            target={"urgent": "30m", "routine": {"due": "2h", "calendar": "office"}}
        )
    )
    ev = policy.evaluate(
        ticket(level="routine", created="2025-10-09T17:00"), at=t("2025-10-09T17:30")
    )
    r = ev.stages["response"]
    assert r.deadline == t("2025-10-10T10:00")
    assert r.calendar == "office"


def test_end_of_business_day_is_the_close_of_the_start_day() -> None:
    policy = make_policy(stage_response=stage(target="end of business day", calendar="office"))
    ev = policy.evaluate(ticket(created="2025-10-09T10:00"), at=t("2025-10-09T10:30"))
    assert ev.stages["response"].deadline == t("2025-10-09T18:00")


def test_next_monday_noon_is_a_wall_clock_anchor() -> None:
    policy = make_policy(stage_response=stage(target="next mon 12:00", calendar="office"))
    ev = policy.evaluate(ticket(created="2025-10-09T10:00"), at=t("2025-10-09T10:30"))
    assert ev.stages["response"].deadline == t("2025-10-13T12:00")


def test_a_deadline_counted_back_from_a_scheduled_event() -> None:
    policy = make_policy(
        stage_response=stage(
            stop="prepared", target="3 business days before meeting", calendar="office"
        )
    )
    tk = ticket(created="2025-10-09T10:00", meeting="2025-10-20T15:00")
    ev = policy.evaluate(tk, at=t("2025-10-10T10:00"))
    # Oct 20 is a Monday; three working days back: Thu 16, Wed 15 ... -> Wed Oct 15 15:00
    assert ev.stages["response"].deadline == t("2025-10-15T15:00")


def test_a_deadline_counted_back_from_a_missing_event_is_unknown() -> None:
    policy = make_policy(
        stage_response=stage(stop="prepared", target="3 business days before meeting")
    )
    ev = policy.evaluate(ticket(created="2025-10-09T10:00"), at=t("2025-10-10T10:00"))
    assert ev.stages["response"].status is StageStatus.RUNNING
    assert ev.stages["response"].deadline is None


def test_zero_target_is_due_immediately_and_a_stop_at_the_same_instant_is_met() -> None:
    policy = make_policy(stage_response=stage(target="0m"))
    same = policy.evaluate(
        ticket(created="2025-10-09T10:00", responded="2025-10-09T10:00"), at=t("2025-10-09T10:00")
    )
    assert same.stages["response"].status is StageStatus.MET
    later = policy.evaluate(ticket(created="2025-10-09T10:00"), at=t("2025-10-09T10:00"))
    assert later.stages["response"].status is StageStatus.BREACHED


def test_priority_change_recomputes_from_the_stage_start_by_default() -> None:
    policy = make_policy()
    tk = ticket(level="routine", created="2025-10-09T10:00", priority_changed="2025-10-09T11:00")
    assert policy.evaluate(tk, at=t("2025-10-09T11:30")).stages["response"].deadline == t(
        "2025-10-09T14:00"
    )


def test_priority_change_restarts_the_clock_when_the_policy_says_so() -> None:
    policy = make_policy(priority_change={"mode": "restart"})
    tk = ticket(level="urgent", created="2025-10-09T10:00", priority_changed="2025-10-09T11:00")
    ev = policy.evaluate(tk, at=t("2025-10-09T11:10"))
    assert ev.stages["response"].deadline == t("2025-10-09T11:30")


def test_a_naive_instant_is_a_usage_error() -> None:
    from datetime import datetime

    with pytest.raises(UsageError, match="no time zone"):
        make_policy().evaluate(ticket(created="2025-10-09T10:00"), at=datetime(2025, 10, 9, 11))


def test_a_naive_event_time_is_a_ticket_error_naming_the_event() -> None:
    tk = ticket()
    tk["events"]["created"] = "2025-10-09T10:00:00"
    with pytest.raises(TicketError, match="created") as info:
        make_policy().evaluate(tk, at=t("2025-10-09T11:00"))
    assert info.value.ticket_id == "T-1"


def test_an_unparsable_time_is_a_ticket_error() -> None:
    tk = ticket()
    tk["events"]["created"] = "yesterday"
    with pytest.raises(TicketError, match="ISO 8601"):
        make_policy().evaluate(tk, at=t("2025-10-09T11:00"))


def test_a_missing_required_field_is_a_ticket_error() -> None:
    tk = ticket(created="2025-10-09T10:00")
    tk["fields"] = {}
    with pytest.raises(TicketError, match="level"):
        make_policy().evaluate(tk, at=t("2025-10-09T11:00"))


def test_the_evaluation_is_json_ready() -> None:
    import json

    ev = make_policy().evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:40"))
    data = json.loads(json.dumps(ev.to_dict()))
    assert data["priority"] == "urgent"
    assert data["stages"]["response"]["status"] == "running"
    assert data["policy"]["hash"].startswith("sha256:")


def test_a_status_change_counts_from_the_instant_it_happens_not_before() -> None:
    policy = make_policy(stage_response=stage(target="4h", pause={"status": ["waiting"]}))
    tk = ticket(created="2025-10-09T10:00", statuses=(("2025-10-09T12:00", "waiting"),))
    before = policy.evaluate(tk, at=t("2025-10-09T11:00"))
    assert before.stages["response"].status is StageStatus.RUNNING
    assert before.stages["response"].deadline == t("2025-10-09T14:00")
    assert before.next_evaluation_at == t("2025-10-09T12:00")
    during = policy.evaluate(tk, at=t("2025-10-09T12:00"))
    assert during.stages["response"].status is StageStatus.PAUSED
