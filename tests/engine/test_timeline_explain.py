"""``timeline`` (what happens next) and ``explain`` (why), in words and instants."""

from __future__ import annotations

import pickle
from datetime import timedelta
from pathlib import Path

from slarules import Policy
from tests.builders import make_policy, stage, t, ticket

LADDER = [
    {"at": "80%", "id": "warn", "notify": ["assignee"]},
    {"at": "breach", "id": "late", "notify": ["supervisor"]},
]


def test_the_timeline_lists_each_change_once_in_order() -> None:
    policy = make_policy(stage_response=stage(target="30m", ladder=LADDER))
    entries = policy.timeline(ticket(created="2025-10-09T14:30"), until=t("2025-10-10T00:00"))
    assert [e.at for e in entries] == [
        t("2025-10-09T14:30"),
        t("2025-10-09T14:54"),
        t("2025-10-09T15:00"),
    ]
    assert entries[0].changes == ("response: running",)
    assert [a.key for a in entries[1].actions] == ["T-1/response/warn"]
    assert "response: running -> breached" in entries[2].changes
    assert [a.key for a in entries[2].actions] == ["T-1/response/late"]


def test_the_timeline_stops_at_until() -> None:
    policy = make_policy(stage_response=stage(target="30m", ladder=LADDER))
    entries = policy.timeline(ticket(created="2025-10-09T14:30"), until=t("2025-10-09T14:55"))
    assert [e.at for e in entries] == [t("2025-10-09T14:30"), t("2025-10-09T14:54")]


def test_the_timeline_follows_a_planned_pause_and_resume() -> None:
    policy = make_policy(stage_response=stage(target="4h", pause={"status": ["waiting"]}))
    tk = ticket(
        created="2025-10-09T10:00",
        statuses=(("2025-10-09T11:00", "waiting"), ("2025-10-09T12:00", "open")),
    )
    entries = policy.timeline(tk, until=t("2025-10-10T00:00"))
    assert [(e.at, e.changes) for e in entries] == [
        (t("2025-10-09T10:00"), ("response: running",)),
        (t("2025-10-09T11:00"), ("response: running -> paused",)),
        (t("2025-10-09T12:00"), ("response: paused -> running",)),
        (t("2025-10-09T15:00"), ("response: running -> breached",)),
    ]


def test_explain_names_the_clause_the_calendar_the_pauses_and_the_holidays() -> None:
    policy = make_policy(
        stage_response=stage(
            target="5 business days", calendar="office", pause={"status": ["waiting"]}
        )
    )
    tk = ticket(
        level="routine",
        created="2025-09-30T16:00",
        statuses=(("2025-09-30T16:30", "waiting"), ("2025-09-30T17:00", "open")),
    )
    tk["fields"]["vip"] = True
    text = str(policy.explain(tk, at=t("2025-10-09T10:00")))
    assert "Priority urgent: vip is true (priorities[0].when.any[1])." in text
    assert "Mon–Fri" in text or "Mon-Fri" in text
    assert "Paused from 2025-09-30 16:30 (Tue) until 2025-09-30 17:00 (Tue)." in text
    assert "National Day" in text
    assert "Deadline (working time): 2025-10-14 16:30 (Tue)." in text


def test_explain_says_why_a_stage_is_skipped() -> None:
    policy = make_policy(stage_response=stage(target={"urgent": "30m", "routine": "skip"}))
    text = str(
        policy.explain(
            ticket(level="routine", created="2025-10-09T10:00"), at=t("2025-10-09T11:00")
        )
    )
    assert "Skipped: the stage does not apply to priority routine." in text
    assert "Priority routine (the default)" in text


def test_a_policy_pickles_as_its_source_and_evaluates_the_same() -> None:
    policy = Policy.from_yaml(Path("policies/after-sales-response.yaml").read_bytes())
    copy = pickle.loads(pickle.dumps(policy))
    tk = ticket(created="2025-10-09T14:30")
    tk["fields"] = {"level": "urgent"}
    assert copy == policy
    assert copy.evaluate(tk, at=t("2025-10-09T16:00")) == policy.evaluate(
        tk, at=t("2025-10-09T16:00")
    )


def test_an_evaluation_pickles_for_other_processes() -> None:
    policy = make_policy(
        stage_response=stage(
            target="30m", ladder=[{"at": "80%", "notify": ["assignee"], "data": {"t": 1}}]
        )
    )
    ev = policy.evaluate(ticket(created="2025-10-09T14:30"), at=t("2025-10-09T15:00"))
    copy = pickle.loads(pickle.dumps(ev))
    assert copy == ev
    assert dict(copy.actions[0].data) == {"t": 1}
    assert copy.stages["response"].status == "breached"


AFTER_SALES = Policy.from_yaml(Path("policies/after-sales-response.yaml").read_bytes())
BOTH_AT_0155 = {
    "id": "T-2",
    "fields": {"level": "urgent"},
    "events": {"created": "2025-10-09T00:00:00+08:00"},
    "statuses": [
        {"at": "2025-10-09T01:55:00+08:00", "status": "waiting_on_customer"},
        {"at": "2025-10-09T01:55:00+08:00", "status": "closed"},
    ],
}


def test_two_status_changes_at_one_instant_are_one_change_to_the_later() -> None:
    ev = AFTER_SALES.evaluate(BOTH_AT_0155, at=t("2025-10-09T01:30"))
    # not 01:55, where the ticket goes from open-by-default to closed (no pause): the next
    # change is solution_provided's early warning at 80 % of 4h
    assert ev.next_evaluation_at == t("2025-10-09T03:12")
    at_0155 = AFTER_SALES.evaluate(BOTH_AT_0155, at=t("2025-10-09T01:55"))
    assert at_0155.stages["solution_provided"].status == "running"
    assert at_0155.stages["solution_provided"].paused == timedelta(0)


def test_explain_shows_no_pause_for_a_status_undone_at_the_instant_it_began() -> None:
    text = str(AFTER_SALES.explain(BOTH_AT_0155, at=t("2025-10-09T03:00")))
    assert "Paused" not in text


WORDING = make_policy(
    stage_response=stage(
        target={"urgent": "5 business days", "routine": "none"},
        calendar="office",
        when={"vip": False},
        ladder=[{"at": "breach", "id": "late", "notify": ["supervisor"], "via": ["sms", "email"]}],
    )
)


def test_explain_gives_business_time_in_hours_never_in_24_hour_days() -> None:
    explanation = WORDING.explain(ticket(created="2025-10-09T10:00"), at=t("2025-10-10T17:00"))
    # 6h30m on each of Thu and Fri; 5 business days of 7h30m are 37h30m
    assert explanation.stages["response"][-1] == (
        "Status: running; working time used 13h (35% of the target), remaining 24h30m."
    )


def test_explain_says_how_far_past_the_target_a_breached_stage_is() -> None:
    explanation = WORDING.explain(ticket(created="2025-10-09T10:00"), at=t("2025-10-20T17:00"))
    assert explanation.stages["response"][-1] == (
        "Status: breached; working time used 65h30m (175% of the target), 28h past the target."
    )


def test_explain_of_a_stage_without_a_target_shows_no_remaining_time() -> None:
    text = WORDING.explain(
        ticket(level="routine", created="2025-10-09T10:00"), at=t("2025-10-09T11:00")
    )
    assert text.stages["response"][-1] == "Status: running; working time used 1h."


def test_explain_says_which_condition_skipped_a_stage() -> None:
    vip = ticket(created="2025-10-09T10:00")
    vip["fields"]["vip"] = True
    explanation = WORDING.explain(vip, at=t("2025-10-09T11:00"))
    assert explanation.stages["response"] == (
        "Skipped: the stage's condition does not hold for this ticket (vip is false).",
    )


def test_explain_names_the_clause_that_chose_the_priority_not_the_whole_condition() -> None:
    vip = ticket(level="routine", created="2025-10-09T10:00")
    vip["fields"]["vip"] = True
    explanation = make_policy().explain(vip, at=t("2025-10-09T11:00"))
    assert explanation.priority == "Priority urgent: vip is true (priorities[0].when.any[1])."
    choice = explanation.evaluation.priority_choice
    assert (choice.path, choice.description) == (("priorities", 0, "when", "any", 1), "vip is true")


def test_the_priority_clause_of_a_mapping_inside_any_is_the_whole_mapping() -> None:
    design = make_policy(
        fields={
            "level": {"enum": ["urgent", "important"], "required": True},
            "grade": {"enum": ["vip", "normal"], "default": "normal"},
        },
        priorities=[
            {
                "id": "urgent",
                "when": {"any": [{"level": "urgent"}, {"grade": "vip", "level": "important"}]},
            },
            {"id": "routine", "default": True},
        ],
    )
    tk = ticket(level="important", created="2025-10-09T10:00")
    tk["fields"]["grade"] = "vip"
    choice = design.evaluate(tk, at=t("2025-10-09T11:00")).priority_choice
    assert choice.description == "grade is vip and level is important"
    assert choice.path == ("priorities", 0, "when", "any", 1)


def test_the_timeline_names_the_channels_of_each_action() -> None:
    entries = WORDING.timeline(ticket(created="2025-10-09T10:00"), until=t("2025-10-20T00:00"))
    assert entries[-1].changes == (
        "response: running -> breached",
        "notify supervisor via sms, email: response for ticket T-1 breached its "
        "5 business days target (due 2025-10-15 10:00)",
    )
