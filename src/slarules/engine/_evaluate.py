"""``evaluate(policy, ticket, at)``: the pure heart of slarules.

Data flows one way: choose the priority, evaluate each stage's clock, walk each stage's
ladder for the actions due, and find the next instant at which any of it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from types import MappingProxyType

from slarules._compiled import CompiledPolicy
from slarules._errors import TicketError, UsageError
from slarules.calendar import Calendar
from slarules.conditions import Env

from ._evaluation import Action, Evaluation, PriorityChoice, StageResult
from ._ladder import action_key, fires, make_action, occurrences, once
from ._stages import StageState, evaluate_stage
from ._ticket import Ticket
from ._wallclock import zone

__all__ = ["choose_priority", "evaluate", "instant", "run"]


_NO_EVENTS: Mapping[str, datetime] = MappingProxyType({})


def instant(value: datetime, what: str = "at") -> datetime:
    """Check that ``value`` is an aware ``datetime`` and return it in UTC."""
    if not isinstance(value, datetime):
        raise UsageError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError(
            f"{what}={value.isoformat()} has no time zone; pass an aware datetime, "
            "e.g. datetime(2025, 10, 9, 14, 30, tzinfo=ZoneInfo('Asia/Shanghai'))"
        )
    return value.astimezone(UTC)


def choose_priority(
    policy: CompiledPolicy, fields: Mapping[str, object], ticket_id: str
) -> PriorityChoice:
    """The first priority whose condition holds, and the clause that made it hold."""
    env = Env(fields=fields, priority=None, status=None, events=_NO_EVENTS, at=None)
    index = policy.first_priority(env)
    if index < 0:  # pragma: no cover - a compiled policy always has a default
        raise TicketError("no priority matches and the policy has no default", ticket_id=ticket_id)
    chosen = policy.priorities[index]
    clause = chosen.condition.explain(env) if chosen.condition is not None else None
    key = (index, clause or ())
    choice: PriorityChoice | None = policy.choices.get(key)
    if choice is None:
        if chosen.condition is None:
            choice = PriorityChoice(
                chosen.id, True, chosen.path, chosen.line, "no other priority's criteria matched"
            )
        else:
            full = (*chosen.path, "when", *key[1])
            why = chosen.condition.describe()
            choice = PriorityChoice(chosen.id, False, full, policy.locate(full), why)
        policy.choices[key] = choice
    return choice


def evaluate(policy: CompiledPolicy, ticket: Ticket, at: datetime) -> Evaluation:
    """Evaluate ``ticket`` under ``policy`` at ``at`` (an aware instant)."""
    return run(policy, ticket, at)[0]


def run(
    policy: CompiledPolicy, ticket: Ticket, at: datetime
) -> tuple[Evaluation, list[StageState]]:
    """The evaluation, and the per-stage states it was built from (for explanations)."""
    at = instant(at)
    fields = policy.fields.validate(ticket.fields, ticket_id=ticket.id)
    choice = choose_priority(policy, fields, ticket.id)
    priority = choice.id

    def env_at(t: datetime) -> Env:
        events = MappingProxyType({k: v for k, v in ticket.events.items() if v <= t})
        return Env(
            fields=fields, priority=priority, status=ticket.status_at(t), events=events, at=t
        )

    now: list[Env] = []  # the Env at `at`, built only if a stage or pause condition asks

    def now_env() -> Env:
        if not now:
            now.append(env_at(at))
        return now[0]

    def env_with_status(status: str | None) -> Env:
        events = now_env().events
        return Env(fields=fields, priority=priority, status=status, events=events, at=at)

    restart = policy.priority_change_event if policy.restart_on_priority_change else None
    tz = zone(policy.timezone)
    known = tuple(change for change in ticket.statuses if change.at <= at)
    planned = ticket.statuses if len(known) < len(ticket.statuses) else None
    states: list[StageState] = []
    for stage in policy.stages:
        applies = stage.when is None or stage.when(now_env())
        states.append(
            evaluate_stage(
                stage,
                ticket,
                priority,
                at,
                applies=applies,
                make_env=env_with_status,
                restart_event=restart,
                tz=tz,
                statuses=known,
                planned_statuses=planned,
            )
        )
    actions, upcoming = _ladders(states, ticket, at, env_at, tz)
    nxt = _next_change(states, ticket, at, upcoming)
    # calendars in stage order, so warnings come in the same order in every process
    calendars = tuple(dict.fromkeys(s.clock.calendar for s in states if s.clock))
    warnings = _coverage(calendars, at.year)
    stages: dict[str, StageResult] = {s.stage.name: s.result for s in states}
    evaluation = Evaluation(
        policy_id=policy.id,
        policy_version=policy.version,
        policy_hash=policy.content_hash,
        ticket_id=ticket.id,
        at=at.astimezone(tz),
        priority=priority,
        priority_choice=choice,
        stages=MappingProxyType(stages),
        actions=tuple(actions),
        next_evaluation_at=nxt.astimezone(tz) if nxt is not None else None,
        warnings=warnings,
    )
    return evaluation, states


@lru_cache(maxsize=256)
def _coverage(calendars: tuple[Calendar, ...], year: int) -> tuple[str, ...]:
    """Holiday-coverage warnings for a year (cached: they depend on nothing else)."""
    mid = datetime(year, 7, 1, tzinfo=UTC)
    found = [w for cal in calendars for w in cal.coverage_warnings(mid, mid)]
    return tuple(dict.fromkeys(found))


def _ladders(
    states: list[StageState],
    ticket: Ticket,
    at: datetime,
    env_at: Callable[[datetime], Env],
    tz: tzinfo,
) -> tuple[list[Action], list[datetime]]:
    """Actions due by ``at`` and not done, and the first later instant of each step."""
    due: list[tuple[datetime, int, int, int, Action]] = []
    upcoming: list[datetime] = []
    done = ticket.done
    tid = ticket.id
    settled: datetime | None = None  # after the ticket's last change, conditions are fixed
    for stage_index, state in enumerate(states):
        if state.clock is None:
            continue
        for step in state.stage.steps:
            if not step.repeats:
                when = once(step, state)
                if when is None:
                    continue
                key = tid + step.key_suffix
                if key in done or (step.when is not None and not step.when(env_at(when))):
                    continue
                if when > at:
                    upcoming.append(when)
                else:
                    action = make_action(step, state, (None, when), key, ticket.id, tz)
                    due.append((when, stage_index, step.index, 0, action))
                continue
            for occurrence in occurrences(step, state):
                n, when = occurrence
                key = action_key(step, state, n, ticket.id)
                if key in done:
                    continue  # finitely many keys are done, so this ends
                if not fires(step, when, env_at):
                    if settled is None:
                        settled = max(_change_instants(ticket), default=at)
                    if when > settled:
                        break  # nothing can make the condition hold any more
                    continue
                if when > at:
                    upcoming.append(when)
                    break
                action = make_action(step, state, occurrence, key, ticket.id, tz)
                due.append((when, stage_index, step.index, n or 0, action))
    due.sort(key=lambda item: (_utc(item[0]), *item[1:4]))
    return [item[4] for item in due], upcoming


def _change_instants(ticket: Ticket) -> list[datetime]:
    return [*ticket.events.values(), *(s.at for s in ticket.statuses)]


def _next_change(
    states: list[StageState], ticket: Ticket, at: datetime, upcoming: list[datetime]
) -> datetime | None:
    """The earliest instant after ``at`` at which the evaluation changes."""
    candidates = list(upcoming)
    if any(s.stage.when is not None for s in states):
        # a stage's condition may test the status or the events: any change may matter
        candidates.extend(t for t in _change_instants(ticket) if t > at)
    for state in states:
        stage = state.stage
        if state.clock is None:
            start = ticket.events.get(stage.start)
            if start is not None and start > at and state.result.status.value == "pending":
                candidates.append(start)
            continue
        clock = state.clock
        if clock.stop is not None:
            continue
        stop = ticket.events.get(stage.stop)
        if stop is not None and stop > at:
            candidates.append(stop)
        if state.deadline is not None and state.deadline > at:
            candidates.append(state.deadline)
        if state.pauses is not None:
            flip = _first_pause_flip(state.pauses, ticket, at, state.deadline)
            if flip is not None:
                candidates.append(flip)
    # compare as UTC: two instants in one zone compare by wall time, wrong across fall-back
    return min(candidates, key=_utc) if candidates else None


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def _first_pause_flip(
    pauses: Callable[[str], bool], ticket: Ticket, at: datetime, deadline: datetime | None
) -> datetime | None:
    """The first later status change that pauses or resumes the clock before its breach
    (once breached, pausing changes nothing any more)."""
    current = ticket.status_at(at)
    paused = current is not None and pauses(current)
    for change in ticket.statuses:
        if change.at <= at:
            continue
        if deadline is not None and change.at >= deadline:
            return None
        if pauses(change.status) != paused:
            return change.at
    return None
