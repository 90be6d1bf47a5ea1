"""Invariants every evaluation keeps, as assertion helpers a host calls from its own tests.

Each helper evaluates the policy a few more times around ``at`` and raises
``InvariantError`` (an ``AssertionError``) naming the invariant that broke, the ticket (as
JSON) and the instants involved.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from slarules._errors import SlaRulesError
from slarules._policy import Policy
from slarules.engine import Evaluation, StageStatus, Ticket, as_ticket

__all__ = [
    "InvariantError",
    "assert_actions_are_kept",
    "assert_evaluation_consistent",
    "assert_evaluation_repeatable",
    "assert_evaluation_well_formed",
    "assert_pauses_never_hasten",
    "assert_stable_until_next_evaluation",
]

_TICK = timedelta(microseconds=1)
_FAR = timedelta(days=400)
_DAY = timedelta(days=1)
TicketLike = Ticket | Mapping[str, Any]


class InvariantError(AssertionError, SlaRulesError):
    """An evaluation broke one of the invariants of ``slarules.testing``.

    ``invariant`` names it; ``ticket`` (JSON shape) and ``at`` say where it broke.
    """

    def __init__(
        self, invariant: str, detail: str, ticket: Ticket, at: datetime, zone: str | None = None
    ) -> None:
        self.invariant = invariant
        self.ticket = _local(ticket, zone)
        self.at = at
        super().__init__(
            f"invariant broken: {invariant}\n  {detail}\n  at:     {at.isoformat()}\n"
            f"  ticket: {json.dumps(self.ticket, ensure_ascii=False, default=str)}"
        )


def _u(t: datetime) -> datetime:
    """``t`` in UTC: Python compares two datetimes of one zone by wall time, ignoring
    ``fold``, so instants in a repeated (DST fall-back) hour must be compared in UTC."""
    return t.astimezone(UTC)


def _local(ticket: Ticket, zone: str | None) -> dict[str, Any]:
    """The ticket's JSON shape with its instants in ``zone`` (the policy's), for reading."""
    if zone is None:
        return ticket.to_dict()
    tz = ZoneInfo(zone)
    data = ticket.to_dict()
    data["events"] = {k: v.astimezone(tz).isoformat() for k, v in ticket.events.items()}
    data["statuses"] = [
        {"at": s.at.astimezone(tz).isoformat(), "status": s.status} for s in ticket.statuses
    ]
    return data


def _fail(policy: Policy, invariant: str, detail: str, ticket: Ticket, at: datetime) -> NoReturn:
    zone = getattr(policy, "timezone", None)
    raise InvariantError(invariant, detail, ticket, at, zone if isinstance(zone, str) else None)


def _observable(ev: Evaluation) -> dict[str, Any]:
    """What a host acts on: the priority, each stage's status and instants, the due actions."""
    return {
        "priority": ev.priority,
        "stages": {
            name: (str(s.status), s.started_at, s.deadline, s.stopped_at)
            for name, s in ev.stages.items()
        },
        "actions": [a.key for a in ev.actions],
    }


def _diff(a: dict[str, Any], b: dict[str, Any]) -> str:
    parts = []
    if a["priority"] != b["priority"]:
        parts.append(f"priority {a['priority']} -> {b['priority']}")
    for name, before in a["stages"].items():
        after = b["stages"].get(name)
        if before != after:
            parts.append(f"stage {name}: {_show(before)} -> {_show(after)}")
    if a["actions"] != b["actions"]:
        parts.append(f"actions {a['actions']} -> {b['actions']}")
    return "; ".join(parts)


def _show(stage: tuple[Any, ...] | None) -> str:
    if stage is None:
        return "missing"
    status, _, deadline, stopped = stage
    text = f"{status}, deadline {deadline.isoformat() if deadline else None}"
    return text + (f", stopped {stopped.isoformat()}" if stopped else "")


@lru_cache(maxsize=32)
def _recompiled(policy: Policy) -> Policy:
    """The policy through a pickle round trip (compiled again from its source), once."""
    copy: Policy = pickle.loads(pickle.dumps(policy))
    return copy


def assert_evaluation_repeatable(policy: Policy, ticket: TicketLike, at: datetime) -> Evaluation:
    """Evaluating twice, and with the policy recompiled from its source, gives one answer."""
    t = as_ticket(ticket)
    first = policy.evaluate(t, at=at)
    again = policy.evaluate(t, at=at).to_dict()
    if again != first.to_dict():
        _fail(policy, "the evaluation is repeatable", "two evaluations differ", t, at)
    if _recompiled(policy).evaluate(t, at=at).to_dict() != again:
        _fail(
            policy,
            "the evaluation is repeatable",
            "the policy recompiled from its pickle answers differently",
            t,
            at,
        )
    return first


def assert_evaluation_well_formed(policy: Policy, ticket: TicketLike, at: datetime) -> Evaluation:
    """Statuses agree with deadlines; actions are due by ``at``, not done, with unique keys."""
    t = as_ticket(ticket)
    ev = policy.evaluate(t, at=at)
    for name, s in ev.stages.items():
        bad = None
        if s.status is StageStatus.BREACHED and (s.deadline is None or _u(s.deadline) > _u(at)):
            bad = f"stage {name} is breached but its deadline is {s.deadline}"
        elif s.status is StageStatus.MET_LATE and (
            s.deadline is None or s.stopped_at is None or _u(s.stopped_at) <= _u(s.deadline)
        ):
            bad = f"stage {name} was met late: stopped {s.stopped_at}, deadline {s.deadline}"
        elif s.status is StageStatus.MET and (
            s.stopped_at is None or (s.deadline is not None and _u(s.stopped_at) > _u(s.deadline))
        ):
            bad = f"stage {name} was met: stopped {s.stopped_at}, deadline {s.deadline}"
        elif (
            s.status is StageStatus.RUNNING and s.deadline is not None and _u(s.deadline) <= _u(at)
        ):
            bad = f"stage {name} is running past its deadline {s.deadline}"
        if bad:
            _fail(policy, "a stage's status agrees with its deadline", bad, t, at)
    keys = [a.key for a in ev.actions]
    if len(set(keys)) != len(keys):
        _fail(policy, "action keys are unique", f"actions {keys}", t, at)
    for action in ev.actions:
        if _u(action.due_at) > _u(at) or action.key in t.done:
            _fail(
                policy,
                "actions are due by the instant and not done",
                f"action {action.key} due {action.due_at.isoformat()}",
                t,
                at,
            )
    if ev.next_evaluation_at is not None and _u(ev.next_evaluation_at) <= _u(at):
        _fail(
            policy,
            "the next evaluation is later",
            f"next_evaluation_at {ev.next_evaluation_at.isoformat()}",
            t,
            at,
        )
    return ev


def assert_stable_until_next_evaluation(
    policy: Policy, ticket: TicketLike, at: datetime
) -> Evaluation:
    """Just before ``next_evaluation_at`` the answer is the one at ``at`` (the priority,
    each stage's status and instants, the due actions); with no next evaluation, it is
    still the same 400 days later."""
    t = as_ticket(ticket)
    ev = policy.evaluate(t, at=at)
    nxt = ev.next_evaluation_at
    # arithmetic in UTC: wall-clock arithmetic in a zone with DST lands in its gaps
    probe = _u(at) + _FAR if nxt is None else _u(nxt) - _TICK
    if _u(probe) <= _u(at):
        return ev
    now, later = _observable(ev), _observable(policy.evaluate(t, at=probe))
    if now != later:
        what = "400 days later" if nxt is None else f"just before {nxt.isoformat()}"
        _fail(
            policy,
            "nothing changes before next_evaluation_at",
            f"{what} ({probe.isoformat()}): {_diff(now, later)}",
            t,
            at,
        )
    return ev


def assert_actions_are_kept(
    policy: Policy, ticket: TicketLike, at: datetime, later: datetime | None = None
) -> Evaluation:
    """An action due at ``at`` and not done is still due at a ``later`` instant
    (default: ``next_evaluation_at`` and one day after ``at``), unless it is an occurrence
    of a repeating step that the catch-up limit has left behind by then."""
    t = as_ticket(ticket)
    ev = policy.evaluate(t, at=at)
    probes = [later] if later is not None else [ev.next_evaluation_at, _u(at) + _DAY]
    due = {a.key for a in ev.actions}
    for probe in probes:
        if probe is None or _u(probe) < _u(at):
            continue
        lost = due - {a.key for a in policy.evaluate(t, at=probe).actions}
        lost -= _left_behind(policy, t, probe, ev, lost)
        if lost:
            _fail(
                policy,
                "a later instant never loses an action that is not done",
                f"at {probe.isoformat()} these are no longer due: {sorted(lost)}",
                t,
                at,
            )
    return ev


def assert_pauses_never_hasten(policy: Policy, ticket: TicketLike, at: datetime) -> Evaluation:
    """No stage's deadline is earlier than it would be with no status changes at all."""
    t = as_ticket(ticket)
    ev = policy.evaluate(t, at=at)
    plain = policy.evaluate(t.model_copy(update={"statuses": ()}), at=at)
    for name, s in ev.stages.items():
        other = plain.stages[name].deadline
        if s.deadline is not None and other is not None and _u(s.deadline) < _u(other):
            _fail(
                policy,
                "a pause never makes a deadline earlier",
                f"stage {name} is due {s.deadline.isoformat()} with the ticket's statuses, "
                f"{other.isoformat()} without them",
                t,
                at,
            )
    return ev


def _left_behind(
    policy: Policy, ticket: Ticket, probe: datetime, ev: Evaluation, keys: set[str]
) -> set[str]:
    """The ``keys`` (of actions in ``ev``) that are occurrences of repeating steps below
    the first one an evaluation at ``probe`` may return (see ``MAX_CATCH_UP``)."""
    repeating = [a for a in ev.actions if a.key in keys and a.key.rsplit("/", 1)[-1].isdigit()]
    if not repeating:
        return set()
    from slarules.engine._evaluate import run
    from slarules.engine._ladder import first_caught_up

    states = {s.stage.name: s for s in run(policy.compiled, ticket, probe)[1]}
    now = int((_u(probe) - datetime(1970, 1, 1, tzinfo=UTC)) / _TICK)
    found: set[str] = set()
    for action in repeating:
        state = states[action.stage]
        step = next(s for s in state.stage.steps if s.id == action.step)
        if state.clock is not None and step.repeats:
            number = int(action.key.rsplit("/", 1)[1])
            if number < first_caught_up(step, state, now):
                found.add(action.key)
    return found


def assert_evaluation_consistent(
    policy: Policy, ticket: TicketLike, at: datetime, *, later: datetime | None = None
) -> Evaluation:
    """Check every invariant above for ``ticket`` at ``at``; return the evaluation.

    The evaluation is repeatable and well formed; nothing changes until just before
    ``next_evaluation_at``; a later instant (``later``, default ``next_evaluation_at`` and
    a day on) never loses an action that is not done; a pause never makes a deadline
    earlier. Raises ``InvariantError`` naming the first invariant that broke.
    """
    t = as_ticket(ticket)
    ev = assert_evaluation_repeatable(policy, t, at)
    assert_evaluation_well_formed(policy, t, at)
    assert_stable_until_next_evaluation(policy, t, at)
    assert_actions_are_kept(policy, t, at, later)
    assert_pauses_never_hasten(policy, t, at)
    return ev
