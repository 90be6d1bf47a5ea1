"""Properties of the engine that hold for every ticket and instant (Hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from slarules import Evaluation, Policy, StageStatus
from tests.builders import BASE, t

POLICY = Policy.from_dict(
    {
        **BASE,
        "stages": {
            "response": {
                "start": "created",
                "stop": "responded",
                "target": {"urgent": "30m", "routine": "4h"},
                "ladder": [
                    {"at": "50%", "notify": ["assignee"]},
                    {"at": "breach", "notify": ["supervisor"]},
                    {"at": "breach + 1h", "escalate": ["director"]},
                ],
            },
            "resolution": {
                "start": "created",
                "stop": "resolved",
                "calendar": "office",
                "pause": {"status": ["waiting"]},
                "target": {"urgent": "4h", "routine": "2 business days"},
                "ladder": [
                    {"at": "80%", "notify": ["assignee"]},
                    {"every": "end of business day", "notify": ["supervisor"]},
                    {"at": "30m before breach", "notify": ["assignee"]},
                ],
            },
            "followup": {
                "start": "resolved",
                "stop": "closed",
                "target": "end of business day",
                "calendar": "office",
                "ladder": [{"every": "2h", "notify": ["customer"]}],
            },
        },
    }
)

ORIGIN = t("2025-09-25T00:00")
minutes = st.integers(min_value=0, max_value=60 * 24 * 20)


@st.composite
def tickets(draw: st.DrawFn) -> dict[str, Any]:
    created = ORIGIN + timedelta(minutes=draw(minutes))
    events = {"created": created}
    resolved = None
    if draw(st.booleans()):
        events["responded"] = created + timedelta(minutes=draw(minutes) // 10)
    if draw(st.booleans()):
        resolved = created + timedelta(minutes=draw(minutes) // 2)
        events["resolved"] = resolved
        if draw(st.booleans()):
            events["closed"] = resolved + timedelta(minutes=draw(minutes) // 4)
    statuses = []
    cursor = created - timedelta(minutes=draw(st.integers(0, 120)))
    for _ in range(draw(st.integers(0, 4))):
        # a gap of 0: two changes at one instant (the later one given is in force)
        cursor += timedelta(minutes=draw(st.one_of(st.just(0), st.integers(1, 60 * 24 * 3))))
        statuses.append(
            {"at": cursor.isoformat(), "status": draw(st.sampled_from(["waiting", "open"]))}
        )
    return {
        "id": "P-1",
        "fields": {"level": draw(st.sampled_from(["urgent", "routine"]))},
        "events": {k: v.isoformat() for k, v in events.items()},
        "statuses": statuses,
        "done": [],
    }


def instants() -> st.SearchStrategy[datetime]:
    return st.integers(min_value=0, max_value=60 * 24 * 40).map(
        lambda m: ORIGIN + timedelta(minutes=m)
    )


def observable(ev: Evaluation) -> tuple[Any, ...]:
    """What a host sees change: statuses, deadlines and the due actions."""
    return (
        tuple((n, s.status, s.deadline) for n, s in ev.stages.items()),
        tuple(a.key for a in ev.actions),
    )


@settings(max_examples=150, deadline=None)
@given(tickets(), instants(), instants())
def test_a_later_evaluation_never_loses_an_action_that_is_not_done(
    ticket: dict[str, Any], a: datetime, b: datetime
) -> None:
    early, late = sorted((a, b))
    before = {x.key for x in POLICY.evaluate(ticket, at=early).actions}
    after = {x.key for x in POLICY.evaluate(ticket, at=late).actions}
    assert before <= after


@settings(max_examples=150, deadline=None)
@given(tickets(), instants(), instants())
def test_the_deadline_of_a_running_stage_does_not_depend_on_the_instant(
    ticket: dict[str, Any], a: datetime, b: datetime
) -> None:
    one, two = POLICY.evaluate(ticket, at=a), POLICY.evaluate(ticket, at=b)
    early, late = sorted((a, b))
    if any(early < datetime.fromisoformat(s["at"]) <= late for s in ticket["statuses"]):
        return  # a status change in between is new information: the deadline may move
    for name in POLICY.stages:
        s1, s2 = one.stages[name], two.stages[name]
        if s1.status is StageStatus.RUNNING and s2.status is StageStatus.RUNNING:
            assert s1.deadline == s2.deadline


@settings(max_examples=150, deadline=None)
@given(tickets(), instants())
def test_next_evaluation_is_exact(ticket: dict[str, Any], at: datetime) -> None:
    now = POLICY.evaluate(ticket, at=at)
    nxt = now.next_evaluation_at
    if nxt is None:
        far = POLICY.evaluate(ticket, at=at + timedelta(days=400))
        assert observable(far)[0] == observable(now)[0]
        assert far.actions == now.actions
        return
    assert nxt > at
    just_before = POLICY.evaluate(ticket, at=nxt - timedelta(microseconds=1))
    assert observable(just_before) == observable(now)
    assert observable(POLICY.evaluate(ticket, at=nxt)) != observable(now)


@settings(max_examples=150, deadline=None)
@given(tickets(), instants())
def test_a_pause_never_makes_a_deadline_earlier(ticket: dict[str, Any], at: datetime) -> None:
    unpaused = dict(ticket, statuses=[])
    with_pauses = POLICY.evaluate(ticket, at=at)
    without = POLICY.evaluate(unpaused, at=at)
    for name in POLICY.stages:
        d1, d2 = with_pauses.stages[name].deadline, without.stages[name].deadline
        if d1 is not None and d2 is not None:
            assert d1 >= d2


@settings(max_examples=150, deadline=None)
@given(tickets(), instants())
def test_on_a_24x7_calendar_the_deadline_is_start_plus_target_plus_time_paused(
    ticket: dict[str, Any], at: datetime
) -> None:
    policy = Policy.from_dict(
        {
            **BASE,
            "stages": {
                "s": {
                    "start": "created",
                    "stop": "resolved",
                    "pause": {"status": ["waiting"]},
                    "target": {"urgent": "4h", "routine": "1d"},
                }
            },
        }
    )
    ev = policy.evaluate(ticket, at=at)
    r = ev.stages["s"]
    if r.status is not StageStatus.RUNNING or r.deadline is None or r.started_at is None:
        return
    target = timedelta(hours=4) if ev.priority == "urgent" else timedelta(days=1)
    # every pause known at `at` (begun by then) that began before the deadline counts, whole
    paused = timedelta(0)
    changes = sorted(
        (s for s in ticket["statuses"] if datetime.fromisoformat(s["at"]) <= at),
        key=lambda s: s["at"],
    )
    state, since = None, r.started_at
    for change in changes:
        when = max(datetime.fromisoformat(change["at"]), r.started_at)
        if state == "waiting":
            paused += when - since
        state, since = change["status"], when
        if since >= r.deadline:
            break
    assert r.deadline == r.started_at + target + paused


@settings(max_examples=150, deadline=None)
@given(tickets(), instants(), st.integers(0, 60 * 24 * 3), st.sampled_from(["waiting", "open"]))
def test_a_status_that_lasts_no_time_changes_nothing(
    ticket: dict[str, Any], at: datetime, later: int, detour: str
) -> None:
    """A change undone at the same instant (``waiting``, then back, both at 01:55) is no
    change: the evaluation, and when it next changes, are as without it."""
    when = at + timedelta(minutes=later)
    statuses = ticket["statuses"]
    i = sum(1 for s in statuses if datetime.fromisoformat(s["at"]) <= when)
    if i == 0:
        return  # before the first change there is no status to come back to
    back = statuses[i - 1]["status"]
    pair = [{"at": when.isoformat(), "status": detour}, {"at": when.isoformat(), "status": back}]
    with_detour = dict(ticket, statuses=[*statuses[:i], *pair, *statuses[i:]])
    plain, detoured = POLICY.evaluate(ticket, at=at), POLICY.evaluate(with_detour, at=at)
    assert observable(detoured) == observable(plain)
    assert detoured.next_evaluation_at == plain.next_evaluation_at
