"""Ladders: which actions fall due when, their keys, catch-up and the next evaluation."""

from __future__ import annotations

from datetime import timedelta

from slarules import ActionKind
from tests.builders import BASE, make_policy, stage, t, ticket

WARN = {"at": "80%", "notify": ["assignee"]}
BREACH = {"at": "breach", "notify": ["supervisor"], "via": ["sms"]}


def ladder_policy(*steps: dict[str, object], **settings: object):  # type: ignore[no-untyped-def]
    return make_policy(stage_response=stage(ladder=list(steps), **settings))


def test_an_80_percent_step_falls_due_at_80_percent_of_the_target() -> None:
    policy = ladder_policy(WARN, BREACH)
    ev = policy.evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:54"))
    assert [a.key for a in ev.actions] == ["T-1/response/at-80pct"]
    action = ev.actions[0]
    assert action.kind is ActionKind.NOTIFY
    assert action.to == ("assignee",)
    assert action.due_at == t("2025-10-09T14:54")
    assert "80%" in action.reason
    assert ev.next_evaluation_at == t("2025-10-09T15:00")


def test_actions_before_their_instant_are_not_due() -> None:
    ev = ladder_policy(WARN).evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:53"))
    assert ev.actions == ()
    assert ev.next_evaluation_at == t("2025-10-09T14:54")


def test_missed_actions_are_caught_up_in_time_order() -> None:
    ev = ladder_policy(BREACH, WARN).evaluate(
        ticket(created="2025-10-09T14:30"), at=t("2025-10-09T18:00")
    )
    assert [a.step for a in ev.actions] == ["at-80pct", "at-breach"]
    assert ev.actions[1].via == ("sms",)


def test_actions_whose_keys_are_done_are_not_returned() -> None:
    tk = ticket(created="2025-10-09T14:30", done=("T-1/response/at-80pct",))
    ev = ladder_policy(WARN, BREACH).evaluate(tk, at=t("2025-10-09T18:00"))
    assert [a.step for a in ev.actions] == ["at-breach"]


def test_a_stage_stopped_before_a_threshold_never_fires_it() -> None:
    tk = ticket(created="2025-10-09T14:30", responded="2025-10-09T14:50")
    ev = ladder_policy(WARN, BREACH).evaluate(tk, at=t("2025-10-09T18:00"))
    assert ev.actions == ()
    assert ev.next_evaluation_at is None


def test_on_start_and_on_stop_steps() -> None:
    policy = ladder_policy(
        {"on": "start", "notify": ["team"]}, {"on": "stop", "notify": ["customer"]}
    )
    tk = ticket(created="2025-10-09T14:30", responded="2025-10-09T14:50")
    ev = policy.evaluate(tk, at=t("2025-10-09T15:00"))
    assert [(a.key, a.due_at) for a in ev.actions] == [
        ("T-1/response/on-start", t("2025-10-09T14:30")),
        ("T-1/response/on-stop", t("2025-10-09T14:50")),
    ]


def test_a_step_condition_on_the_sla_priority() -> None:
    policy = ladder_policy(
        {"on": "start", "when": {"priority": "urgent"}, "escalate": ["director"]}
    )
    urgent = policy.evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:31"))
    routine = policy.evaluate(
        ticket(level="routine", created="2025-10-09T14:30"), at=t("2025-10-09T14:31")
    )
    assert [a.kind for a in urgent.actions] == [ActionKind.ESCALATE]
    assert routine.actions == ()


def test_breach_plus_business_hours_counts_on_the_step_calendar() -> None:
    policy = ladder_policy(
        {"at": "breach + 4h", "calendar": "office", "escalate": ["director_group"]},
        target="end of business day",
        calendar="office",
    )
    # breach Thu 18:00; four office hours later: Fri 09:00-12:00 + 13:30-14:30
    ev = policy.evaluate(ticket(created="2025-10-09T10:00"), at=t("2025-10-10T15:00"))
    assert [a.due_at for a in ev.actions] == [t("2025-10-10T14:30")]


def _p1_on_another_calendar(*steps: dict[str, object]):  # type: ignore[no-untyped-def]
    """An office-hours stage whose urgent target counts round the clock (issue 16.1)."""
    return make_policy(
        calendars={**BASE["calendars"], "always": {"hours": "24x7"}},
        stage_response=stage(
            calendar="office",
            target={"urgent": {"due": "4h", "calendar": "always"}, "routine": "4h"},
            ladder=list(steps),
        ),
    )


def test_breach_plus_an_offset_counts_on_the_calendar_of_the_target_it_measures() -> None:
    policy = _p1_on_another_calendar(
        {"id": "head", "at": "breach + 1h", "escalate": ["head_of_it"]}
    )
    # Saturday 09:00, four hours round the clock: breached 13:00, an hour later 14:00
    # (not Monday 09:00, an office hour after the breach)
    ev = policy.evaluate(ticket(created="2025-10-18T09:00"), at=t("2025-10-18T14:00"))
    [action] = ev.actions
    assert action.due_at == t("2025-10-18T14:00")
    assert "1h past its deadline (2025-10-18 13:00)" in action.reason


def test_every_counts_on_the_calendar_of_the_target_it_measures() -> None:
    policy = _p1_on_another_calendar({"id": "update", "every": "1h", "notify": ["customer"]})
    ev = policy.evaluate(ticket(created="2025-10-18T09:00"), at=t("2025-10-18T11:30"))
    assert [a.due_at for a in ev.actions] == [t("2025-10-18T10:00"), t("2025-10-18T11:00")]
    assert ev.next_evaluation_at == t("2025-10-18T12:00")


def test_a_step_that_names_its_calendar_counts_on_it_whatever_the_target() -> None:
    policy = _p1_on_another_calendar(
        {"id": "head", "at": "breach + 1h", "calendar": "office", "escalate": ["head_of_it"]},
        {"id": "update", "every": "1h", "calendar": "office", "notify": ["customer"]},
    )
    tk = ticket(created="2025-10-18T09:00")
    ev = policy.evaluate(tk, at=t("2025-10-20T10:00"))  # Monday
    # Saturday and Sunday are closed: the first office hour after 09:00 (and after the
    # breach at 13:00) ends Monday 10:00
    assert [(a.step, a.due_at) for a in ev.actions] == [
        ("head", t("2025-10-20T10:00")),
        ("update", t("2025-10-20T10:00")),
    ]


def test_a_step_before_the_breach() -> None:
    policy = ladder_policy({"at": "10m before breach", "notify": ["assignee"]})
    ev = policy.evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:50"))
    assert [a.due_at for a in ev.actions] == [t("2025-10-09T14:50")]


def test_every_interval_repeats_while_the_stage_runs_with_numbered_keys() -> None:
    policy = ladder_policy({"every": "2h", "notify": ["customer"]}, target="none")
    ev = policy.evaluate(ticket(created="2025-10-09T08:00"), at=t("2025-10-09T14:30"))
    assert [a.key for a in ev.actions] == [
        "T-1/response/every-2h/1",
        "T-1/response/every-2h/2",
        "T-1/response/every-2h/3",
    ]
    assert ev.next_evaluation_at == t("2025-10-09T16:00")


def test_every_stops_when_the_stage_stops() -> None:
    policy = ladder_policy({"every": "2h", "notify": ["customer"]}, target="none")
    tk = ticket(created="2025-10-09T08:00", responded="2025-10-09T11:00")
    ev = policy.evaluate(tk, at=t("2025-10-10T08:00"))
    assert [a.key for a in ev.actions] == ["T-1/response/every-2h/1"]
    assert ev.next_evaluation_at is None


def test_every_end_of_business_day_reports_at_each_close() -> None:
    policy = ladder_policy(
        {"every": "end of business day", "notify": ["director_group"], "via": ["email"]},
        target="none",
        calendar="office",
    )
    # Thu Oct 9 10:00 -> closes Thu 18:00, Fri 18:00, Sat Oct 11 (make-up workday) 18:00
    ev = policy.evaluate(ticket(created="2025-10-09T10:00"), at=t("2025-10-12T10:00"))
    assert [a.due_at for a in ev.actions] == [
        t("2025-10-09T18:00"),
        t("2025-10-10T18:00"),
        t("2025-10-11T18:00"),
    ]
    assert ev.next_evaluation_at == t("2025-10-13T18:00")


def test_an_every_step_whose_condition_never_holds_does_not_loop() -> None:
    policy = ladder_policy(
        {"every": "1m", "when": {"priority": "routine"}, "notify": ["x"]}, target="none"
    )
    ev = policy.evaluate(ticket(created="2025-10-09T08:00"), at=t("2025-10-09T09:00"))
    assert ev.actions == ()
    assert ev.next_evaluation_at is None


def test_next_evaluation_is_exact() -> None:
    policy = ladder_policy(WARN, BREACH)
    tk = ticket(created="2025-10-09T14:30")
    at = t("2025-10-09T14:40")
    now = policy.evaluate(tk, at=at)
    nxt = now.next_evaluation_at
    assert nxt == t("2025-10-09T14:54")
    just_before = policy.evaluate(tk, at=nxt - timedelta(microseconds=1))
    at_next = policy.evaluate(tk, at=nxt)
    assert just_before.actions == now.actions
    assert at_next.actions != now.actions


def test_a_future_status_change_is_a_next_evaluation() -> None:
    policy = ladder_policy(target="4h", pause={"status": ["waiting"]})
    tk = ticket(created="2025-10-09T10:00", statuses=(("2025-10-09T11:00", "waiting"),))
    assert policy.evaluate(tk, at=t("2025-10-09T10:30")).next_evaluation_at == t("2025-10-09T11:00")


def test_a_policy_reason_and_data_are_passed_through() -> None:
    policy = ladder_policy(
        {"on": "start", "notify": ["team"], "reason": "New ticket", "data": {"template": "new"}}
    )
    action = policy.evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T14:31")).actions[
        0
    ]
    assert action.reason == "New ticket"
    assert dict(action.data) == {"template": "new"}
    assert action.to_dict()["data"] == {"template": "new"}


def test_a_status_change_after_the_breach_is_not_a_next_evaluation() -> None:
    policy = ladder_policy(target="1h", pause={"status": ["waiting"]})
    tk = ticket(
        created="2025-10-09T10:00",
        statuses=(("2025-10-09T12:00", "waiting"), ("2025-10-09T13:00", "open")),
    )
    ev = policy.evaluate(tk, at=t("2025-10-09T11:30"))
    assert ev.stages["response"].status == "breached"
    assert ev.next_evaluation_at is None


def test_instants_are_reported_in_the_policy_time_zone() -> None:
    ev = ladder_policy(WARN).evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T15:00"))
    assert ev.stages["response"].deadline.isoformat() == "2025-10-09T15:00:00+08:00"  # type: ignore[union-attr]
    assert ev.actions[0].due_at.isoformat() == "2025-10-09T14:54:00+08:00"
    assert ev.at.isoformat() == "2025-10-09T15:00:00+08:00"


def test_a_step_due_before_a_pause_stays_due_while_the_clock_is_paused() -> None:
    # Found by Hypothesis: "30m before breach" fell due at Friday 17:45; a pause from 17:46
    # hides the deadline (it depends on when the clock resumes) but not what was due.
    policy = ladder_policy(
        {"at": "30m before breach", "notify": ["assignee"]},
        calendar="office",
        target="2 business days",
        pause={"status": ["waiting"]},
    )
    tk = ticket(created="2025-09-25T09:15", statuses=(("2025-09-26T17:46", "waiting"),))
    due_then = policy.evaluate(tk, at=t("2025-09-26T17:45"))
    paused = policy.evaluate(tk, at=t("2025-09-26T17:46"))
    assert paused.stages["response"].status.value == "paused"
    assert [a.key for a in due_then.actions] == ["T-1/response/at-30m-before-breach"]
    assert paused.actions == due_then.actions  # same key, same due instant, same reason
    assert paused.actions[0].due_at == t("2025-09-26T17:45")


def test_a_step_keeps_the_instant_it_fell_due_when_a_pause_moves_the_deadline() -> None:
    # 30m before a 1h breach: 14:30; a pause 14:50-16:00 moves the breach to 16:10, but
    # the step fell due at 14:30, and every later evaluation says so
    policy = ladder_policy(
        {"at": "30m before breach", "notify": ["assignee"]},
        BREACH,
        target="1h",
        pause={"status": ["waiting"]},
    )
    tk = ticket(
        created="2025-10-09T14:00",
        statuses=(("2025-10-09T14:50", "waiting"), ("2025-10-09T16:00", "open")),
    )
    for at in ("2025-10-09T14:31", "2025-10-09T14:55", "2025-10-09T16:01"):
        ev = policy.evaluate(tk, at=t(at))
        assert [(a.step, a.due_at) for a in ev.actions] == [
            ("at-30m-before-breach", t("2025-10-09T14:30"))
        ], at
    later = policy.evaluate(tk, at=t("2025-10-09T16:10"))
    assert [a.step for a in later.actions] == ["at-30m-before-breach", "at-breach"]
    assert later.actions[1].due_at == t("2025-10-09T16:10")


def test_done_keys_of_another_ticket_whose_id_starts_the_same_do_not_count() -> None:
    policy = ladder_policy(WARN, BREACH)
    tk = ticket(
        id="T-1",
        created="2025-10-09T14:30",
        done=("T-10/response/at-80pct", "T-1/response/at-breach-x", "T-1/response/at-breach"),
    )
    ev = policy.evaluate(tk, at=t("2025-10-09T18:00"))
    assert [a.key for a in ev.actions] == ["T-1/response/at-80pct"]
