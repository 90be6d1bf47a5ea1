"""``evaluate(policy, ticket, at)``: the pure heart of slarules.

Data flows one way: choose the priority, evaluate each stage's clock, walk each stage's
ladder for the actions due, and find the next instant at which any of it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slarules._compiled import CompiledPolicy, CompiledStep
from slarules._errors import SlaRulesError, TicketError, UsageError
from slarules.calendar import Calendar
from slarules.calendar._index import InstantRangeError, year_of
from slarules.calendar._localtime import from_us, showable, to_us
from slarules.conditions import Condition, Env

from ._evaluation import Action, Evaluation, PriorityChoice, StageResult, StageStatus, evaluation
from ._ladder import (
    DYNAMIC,
    OnceRule,
    fired_before_pause,
    make_action,
    need_rule,
    once_rule,
    ran_before_pause,
    recurring,
    step_need,
)
from ._stages import Context, Limits, StageProgram, StageState, stage_program
from ._targets import counts_back, early_deadline
from ._ticket import Instants, TicketLike, instants, status_at
from ._wallclock import zone

__all__ = ["Facts", "choose_priority", "evaluate", "facts", "instant", "instant_us", "run"]


_NO_EVENTS: Mapping[str, datetime] = MappingProxyType({})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_DAY = 86_400_000_000  # µs
_PENDING = StageStatus.PENDING
_NOTHING: frozenset[str] = frozenset()


def instant(value: datetime, what: str = "at", timezone: str | None = None) -> datetime:
    """Check that ``value`` is an aware ``datetime`` and return it in UTC.

    ``timezone``, the policy's, is the zone the hint for a naive ``value`` suggests.
    """
    if not isinstance(value, datetime):
        raise UsageError(f"{what} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        example = f"{value.year}, {value.month}, {value.day}, {value.hour}, {value.minute}"
        raise UsageError(
            f"{what}={value.isoformat()} has no time zone; pass an aware datetime, "
            f"e.g. datetime({example}, tzinfo=ZoneInfo({timezone or 'UTC'!r}))"
        )
    return value.astimezone(UTC)


def instant_us(value: datetime, what: str = "at") -> int:
    """``instant(value)`` as integer UTC microseconds."""
    try:
        return to_us(value, what)
    except UsageError:
        instant(value, what)  # raises the error that says what to fix
        raise


_CHOICES_KEPT = 4096  # combinations of priority-field values remembered per policy


def choose_priority(
    policy: CompiledPolicy, fields: Mapping[str, object], ticket_id: str
) -> PriorityChoice:
    """The first priority whose condition holds, and the clause that made it hold.

    Priority criteria read only fields, so the choice is remembered for each combination
    of the values of the fields they read.
    """
    names = policy.priority_fields
    if names is None:
        return _choose(policy, fields, ticket_id)
    key = tuple(map(fields.get, names))
    memo = policy.choices_by_fields
    try:
        found: PriorityChoice | None = memo.get(key)
    except TypeError:  # a value that cannot be a key (a list): decide afresh
        return _choose(policy, fields, ticket_id)
    if found is None:
        found = _choose(policy, fields, ticket_id)
        if len(memo) >= _CHOICES_KEPT:
            memo.clear()
        memo[key] = found
    return found


def _choose(policy: CompiledPolicy, fields: Mapping[str, object], ticket_id: str) -> PriorityChoice:
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
            why = chosen.condition.describe_clause(key[1])  # the clause that held
            choice = PriorityChoice(chosen.id, False, full, policy.locate(full), why)
        policy.choices[key] = choice
    return choice


def evaluate(policy: CompiledPolicy, ticket: TicketLike, at: datetime) -> Evaluation:
    """Evaluate ``ticket`` under ``policy`` at ``at`` (an aware instant)."""
    return run(policy, ticket, at)[0]


class Facts(NamedTuple):
    """An evaluation as the engine holds it: instants and durations in integer
    microseconds, for bulk evaluation to turn into columns without a datetime per value.

    ``states`` are in the policy's stage order; ``actions`` are the due actions in the
    order ``Evaluation.actions`` has them.
    """

    ticket_id: str
    priority: str
    states: list[StageState]
    actions: list[Action]
    next_at: int | None


def run(
    policy: CompiledPolicy, ticket: TicketLike, at: datetime
) -> tuple[Evaluation, list[StageState]]:
    """The evaluation, and the per-stage states it was built from (for explanations).

    The arithmetic runs on integer UTC microseconds; datetimes appear only in the answer.
    """
    try:
        now = instant_us(at)
    except UsageError:
        instant(at, "at", policy.timezone)  # the hint in the policy's own zone
        raise
    results: dict[str, StageResult] = {}
    try:
        choice, plan, states, started, actions, nxt = _run(policy, ticket, now, results)
        tz = plan.zone
        answer = evaluation(
            policy.id,
            policy.version,
            policy.content_hash,
            ticket.id,
            from_us(now, tz),
            choice.id,
            choice,
            MappingProxyType(results),
            tuple(actions),
            from_us(nxt, tz) if nxt is not None else None,
            plan.warnings(tuple(started), now) if plan.may_warn else (),
        )
        if plan.counts_back:
            answer = _with_early_deadlines(answer, states, tz)
    except InstantRangeError as exc:
        raise _calendar_range_error(exc, ticket.id, now) from None
    except (OverflowError, ValueError) as exc:
        if not _beyond_time(exc):
            raise
        facts(policy, ticket, now)  # raises the error that says which instant
        raise _beyond_error(exc, ticket.id) from None
    return answer, states


def facts(policy: CompiledPolicy, ticket: TicketLike, now: int) -> Facts:
    """What ``evaluate`` answers at ``now`` (UTC microseconds), as integers; no warnings.

    It fails where ``evaluate`` would: an instant of the answer that no datetime in the
    policy's time zone can hold is a ``TicketError`` saying which.
    """
    try:
        choice, _, states, _, actions, nxt = _run(policy, ticket, now, None)
    except InstantRangeError as exc:
        raise _calendar_range_error(exc, ticket.id, now) from None
    except (OverflowError, ValueError) as exc:
        if not _beyond_time(exc):
            raise
        raise _beyond_error(exc, ticket.id) from None
    return Facts(ticket.id, choice.id, states, actions, nxt)


def _beyond_time(exc: Exception) -> bool:
    """Whether ``exc`` is date arithmetic beyond the years 1 to 9999."""
    if isinstance(exc, SlaRulesError):
        return False
    return isinstance(exc, OverflowError) or str(exc).endswith("is out of range")


def _calendar_range_error(exc: InstantRangeError, ticket_id: str, now: int) -> SlaRulesError:
    """A business calendar met an instant outside its years: ``at`` itself (the caller's
    mistake) or an instant of the ticket, or an answer beyond its years (the ticket's)."""
    try:
        year_of(now)
    except ValueError as outside:  # InstantRangeError, or a day before the year 1 in UTC
        return UsageError(f"at: {outside}")
    where = f"stage {exc.stage!r}: " if exc.stage is not None else ""
    check = (
        "the ticket's instants and the policy's targets" if exc.answer else "the ticket's instants"
    )
    return TicketError(f"{where}{exc.message}; check {check}", ticket_id=ticket_id)


def _beyond_error(exc: Exception, ticket_id: str) -> TicketError:
    return TicketError(
        f"an instant of its evaluation falls outside the years 1 to 9999, beyond what a "
        f"datetime can hold ({exc}); check the ticket's instants and the policy's targets",
        ticket_id=ticket_id,
    )


def _run(
    policy: CompiledPolicy, ticket: TicketLike, now: int, results: dict[str, StageResult] | None
) -> tuple[PriorityChoice, _Plan, list[StageState], list[int], list[Action], int | None]:
    """Choose the priority, run each stage's clock, walk the ladders, find the next change.

    Also returns the stages with a clock whose calendars' coverage warnings count.
    With ``results``, each stage's ``StageResult`` is built too and put there by name;
    without, the instants of the answer are checked against what a datetime can hold.
    """
    fields = policy.fields.validate(ticket.fields, ticket_id=ticket.id)
    choice = choose_priority(policy, fields, ticket.id)
    priority = choice.id
    inst = instants(ticket)
    events = inst.events
    plan = _plan(policy, priority)
    if plan.conditions:
        env_at, now_env, env_with_status = _envs(ticket, fields, priority, inst, now)
    else:
        env_at = now_env = env_with_status = _no_conditions
    statuses = inst.statuses
    if statuses and statuses[-1][0] > now:
        known = tuple(change for change in statuses if change[0] <= now)
        planned: tuple[tuple[int, str], ...] | None = statuses
    else:
        known, planned = statuses, None
    tz = plan.zone
    first, last = plan.shown
    if not first <= now <= last:
        raise UsageError(
            f"at={from_us(now, UTC).isoformat()} falls outside the years 1 to 9999 in "
            f"the policy's time zone {tz}, beyond what a datetime there can hold"
        )
    limits = None if results is not None else Limits(ticket.id, tz, first, last)
    ctx = Context(events, now, tz, known, planned, env_with_status, limits)
    states: list[StageState] = []
    started: list[int] = []  # stages with a clock: their calendars' coverage warnings count
    names = plan.names
    programs = plan.programs  # one per stage, in order (indexing: zip(strict=) costs more)
    for index, stage in enumerate(policy.stages):
        program = programs[index]
        try:
            state = program(ctx, stage.when is None or stage.when(now_env()))
        except InstantRangeError as exc:
            raise exc.at_stage(stage.name) from None
        if state.clock is not None and plan.may_warn:
            started.append(index)
        states.append(state)
        if results is not None:
            results[names[index]] = state.result  # type: ignore[assignment]  # answer=True
    actions, upcoming = _ladders(
        states, plan.ladders, ticket.id, ticket.done, inst, now, env_at, tz
    )
    nxt = _next_change(states, inst, now, upcoming, plan.stage_conditions)
    if limits is not None and nxt is not None and nxt > limits.last:
        raise limits.error("its next evaluation", nxt)
    return choice, plan, states, started, actions, nxt


# a stage's steps, each with its rule (None: a repeating step), key suffix, condition, and
# how long the clock must have run for it to fall due (see need_rule)
Ladder = tuple[tuple[CompiledStep, OnceRule | None, str, Condition | None, int | None], ...]


class _Plan:
    """Everything about evaluating tickets of one priority that depends only on the policy."""

    __slots__ = (
        "_calendars",
        "_warnings",
        "conditions",
        "counts_back",
        "ladders",
        "may_warn",
        "names",
        "programs",
        "shown",
        "stage_conditions",
        "zone",
    )

    def __init__(self, policy: CompiledPolicy, priority: str) -> None:
        restart = policy.priority_change_event if policy.restart_on_priority_change else None
        programs: list[StageProgram] = []
        ladders: list[Ladder] = []
        calendars: list[Calendar | None] = []
        for stage in policy.stages:
            target = stage.targets.get(priority)
            budget = target.budget if target is not None else None
            programs.append(stage_program(stage, priority, restart))
            ladders.append(
                tuple(
                    (
                        s,
                        None if s.repeats else once_rule(s, budget),
                        s.key_suffix,
                        s.when,
                        need_rule(s, budget, target.calendar) if target else None,
                    )
                    for s in stage.steps
                )
            )
            calendars.append(target.calendar if target is not None else None)
        self.programs = tuple(programs)
        self.ladders = tuple(ladders)
        self.names = tuple(stage.name for stage in policy.stages)
        self.zone = zone(policy.timezone)
        self.shown = showable(self.zone)  # the instants a datetime in the zone can hold
        self._calendars = tuple(calendars)
        # whether any holiday data is involved: without it, no coverage warning can arise
        self.may_warn = any(c is not None and c.holiday_years is not None for c in calendars)
        # whether a target counts back from an event: its deadline may precede the start
        self.counts_back = any(counts_back(stage.targets.get(priority)) for stage in policy.stages)
        # whether a stage has a condition: then any change of the ticket may matter
        self.stage_conditions = any(stage.when is not None for stage in policy.stages)
        # whether a stage, pause or step has a condition: only then are Envs built
        self.conditions = any(
            stage.when is not None
            or stage.pause_when is not None
            or any(step.when is not None for step in stage.steps)
            for stage in policy.stages
        )
        self._warnings: dict[tuple[tuple[int, ...], int], tuple[str, ...]] = {}

    def warnings(self, started: tuple[int, ...], now: int) -> tuple[str, ...]:
        """Holiday-coverage warnings for the calendars of the ``started`` stages, in stage
        order (so they come in the same order in every process)."""
        key = (started, now // _DAY)
        found = self._warnings.get(key)
        if found is None:
            calendars = (self._calendars[i] for i in started)
            found = _coverage(tuple(dict.fromkeys(c for c in calendars if c)), _utc_year(now))
            if len(self._warnings) > 1024:
                self._warnings.clear()  # bounded: a long-running host evaluates many days
            self._warnings[key] = found
        return found


def _with_early_deadlines(answer: Evaluation, states: list[StageState], tz: ZoneInfo) -> Evaluation:
    """``answer`` with a warning for each deadline counted back from an event to before
    its stage started (the deadline stands: the stage is breached from its start)."""
    early = []
    for state in states:
        resolved, clock = state.resolved, state.clock
        if clock is None or resolved is None or resolved.fixed is None:
            continue
        if resolved.fixed < clock.start:
            name, source = state.stage.name, state.target or ""
            early.append(early_deadline(name, source, clock.start, resolved.fixed, tz))
    if not early:
        return answer
    return replace(answer, warnings=(*answer.warnings, *early))


def _plan(policy: CompiledPolicy, priority: str) -> _Plan:
    """The plan for one priority, made at its first evaluation."""
    found: _Plan | None = policy.plans.get(priority)
    if found is None:
        found = policy.plans[priority] = _Plan(policy, priority)
    return found


def _envs(
    ticket: TicketLike,
    fields: Mapping[str, object],
    priority: str,
    inst: Instants,
    now: int,
) -> tuple[Callable[[int], Env], Callable[[], Env], Callable[[str | None], Env]]:
    """What conditions are evaluated against: the ticket at an instant, the ticket now, and
    the ticket now in another status (for pause conditions)."""
    events = inst.events
    given = ticket.events  # datetimes (a Prepared ticket makes them: once here)

    def env_at(t: int) -> Env:
        seen = MappingProxyType({k: given[k] for k, v in events.items() if v <= t})
        status = status_at(inst.statuses, t)
        return Env(fields=fields, priority=priority, status=status, events=seen, at=from_us(t, UTC))

    cached: list[Env] = []  # the Env at `now`, built once when a condition asks

    def now_env() -> Env:
        if not cached:
            cached.append(env_at(now))
        return cached[0]

    def env_with_status(status: str | None) -> Env:
        seen = now_env().events
        return Env(fields=fields, priority=priority, status=status, events=seen, at=now_env().at)

    return env_at, now_env, env_with_status


def _no_conditions(*args: object) -> Env:  # pragma: no cover - never called
    raise AssertionError("the policy has no stage, pause or step conditions")


def _utc_year(us: int) -> int:
    return date.fromordinal(719_163 + us // 86_400_000_000).year  # 719,163: 1970-01-01


def _coverage(calendars: tuple[Calendar, ...], year: int) -> tuple[str, ...]:
    """Holiday-coverage warnings for a year (cached: they depend on nothing else)."""
    mid = datetime(year, 7, 1, tzinfo=UTC)
    found = [w for cal in calendars for w in cal.coverage_warnings(mid, mid)]
    return tuple(dict.fromkeys(found))


def _ladders(
    states: list[StageState],
    ladders: tuple[Ladder, ...],
    tid: str,
    done: frozenset[str],
    inst: Instants,
    at: int,
    env_at: Callable[[int], Env],
    tz: ZoneInfo,
) -> tuple[list[Action], list[int]]:
    """Actions due by ``at`` and not done, and the first later instant of each step."""
    due: list[tuple[int, int, int, int, Action]] = []
    upcoming: list[int] = []
    changes: list[int] | None = None  # when the ticket changes, in order (when needed)
    # the done keys of this ticket without its id (a suffix starts with "/"): the policy's
    # suffixes are tested against them, and a key is built only for an action
    finished: set[str] | frozenset[str] = _NOTHING
    if done:
        finished = set()
        size = len(tid)
        for key in done:
            if key.startswith(tid):
                finished.add(key[size:])
    for stage_index, state in enumerate(states):
        ladder = ladders[stage_index]
        clock = state.clock
        if clock is None or not ladder:
            continue
        paused = bool(clock.pauses)
        stopped = clock.stop is not None
        ran: int | None = -1  # at most the working time before the last pause (when needed)
        for step, rule, suffix, condition, need in ladder:
            if rule is not None:
                if suffix in finished:
                    continue
                if stopped and need is not None and need != DYNAMIC and state.elapsed < need:
                    continue  # the stage stopped before its clock had run that long
                when = rule(state)
                fired = state
                if paused and need is not None:
                    # it may have fallen due before a pause moved it
                    if ran == -1:
                        ran = ran_before_pause(clock)
                    if need == DYNAMIC:
                        need = step_need(step, state)
                    if ran is not None and need is not None and ran >= need:
                        earlier = fired_before_pause(rule, state, need)
                        if earlier is not None and (when is None or earlier[0] < when):
                            when, fired = earlier
                if when is None or (condition is not None and not condition(env_at(when))):
                    continue
                if when > at:
                    upcoming.append(when)
                else:
                    action = make_action(step, fired, (None, when), tid + suffix, tid, tz)
                    due.append((when, stage_index, step.index, 0, action))
                continue
            if changes is None and condition is not None:
                changes = sorted(_change_instants(inst))
            found, later = recurring(step, state, at, tid + suffix, done, env_at, changes or ())
            for occurrence, key in found:
                action = make_action(step, state, occurrence, key, tid, tz)
                due.append((occurrence[1], stage_index, step.index, occurrence[0] or 0, action))
            if later is not None:
                upcoming.append(later)
    if not due:
        return [], upcoming
    due.sort(key=lambda item: item[:4])
    return [item[4] for item in due], upcoming


def _change_instants(inst: Instants) -> list[int]:
    return [*inst.events.values(), *(at for at, _ in inst.statuses)]


def _next_change(
    states: list[StageState], inst: Instants, at: int, upcoming: list[int], conditional: bool
) -> int | None:
    """The earliest instant after ``at`` at which the evaluation changes."""
    candidates = upcoming
    events = inst.events
    later = inst.statuses and inst.statuses[-1][0] > at  # a status change is still to come
    if conditional:
        # a stage's condition may test the status or the events: any change may matter
        candidates.extend(t for t in events.values() if t > at)
        if later:
            candidates.extend(when for when, _ in _status_flips(inst.statuses, at))
    for state in states:
        stage = state.stage
        clock = state.clock
        if clock is None:
            start = events.get(stage.start)
            if start is not None and start > at and state.status is _PENDING:
                candidates.append(start)
            continue
        if clock.stop is not None:
            continue
        stop = events.get(stage.stop)
        if stop is not None and stop > at:
            candidates.append(stop)
        deadline = state.deadline
        if deadline is not None and deadline > at:
            candidates.append(deadline)
        if state.pauses is not None and later:
            flip = _first_pause_flip(state.pauses, inst.statuses, at, deadline)
            if flip is not None:
                candidates.append(flip)
    return min(candidates) if candidates else None


def _status_flips(statuses: tuple[tuple[int, str], ...], at: int) -> Iterator[tuple[int, str]]:
    """Each later instant at which the status in force changes, with the status entered
    (``statuses`` as ``in_force`` gives them: one change per instant)."""
    current = status_at(statuses, at)
    for when, status in statuses:
        if when > at and status != current:
            current = status
            yield when, status


def _first_pause_flip(
    pauses: Callable[[str], bool],
    statuses: tuple[tuple[int, str], ...],
    at: int,
    deadline: int | None,
) -> int | None:
    """The first later status change that pauses or resumes the clock before its breach
    (once breached, pausing changes nothing any more)."""
    current = status_at(statuses, at)
    paused = current is not None and pauses(current)
    for when, status in _status_flips(statuses, at):
        if deadline is not None and when >= deadline:
            return None
        if pauses(status) != paused:
            return when
    return None
