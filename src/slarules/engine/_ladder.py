"""A stage's ladder: when each step falls due, and the actions it yields.

Due instants are integer UTC microseconds, as in the rest of the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from slarules._compiled import CompiledStep, OnEvent
from slarules._durations import AtBreach, AtPercent, EveryInterval, format_duration
from slarules.calendar import Calendar
from slarules.calendar._localtime import from_us
from slarules.conditions import Env

from ._clock import Clock
from ._evaluation import Action
from ._stages import StageState
from ._wallclock import zone

__all__ = [
    "DYNAMIC",
    "Occurrence",
    "OnceRule",
    "action_key",
    "fired_before_pause",
    "fires",
    "make_action",
    "need_rule",
    "occurrences",
    "once_rule",
    "ran_before_pause",
    "step_need",
]

_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
Occurrence = tuple[int | None, int]  # (repeat number for recurring steps, due instant)


def _recurring(step: CompiledStep, state: StageState) -> Iterator[Occurrence]:
    # pauses as planned: the status changes after the instant say when later repetitions
    # are skipped (the first of them is a next evaluation anyway)
    clock = state.planned or state.clock
    assert clock is not None
    cal = step.calendar
    stop = clock.stop
    trigger = step.trigger
    interval = trigger.interval // _US if isinstance(trigger, EveryInterval) else 0
    n = 0
    due = clock.start
    while True:
        n += 1
        if interval:
            due = cal._add_us(clock.start, interval * n)
        else:
            due = cal._end_of_day_us(due + 1 if n > 1 else due)
        if stop is not None and due >= stop:
            return
        if clock.pauses and clock.pauses[-1][1] is None and due >= clock.pauses[-1][0]:
            return  # paused for good: no later occurrence can fire
        if not clock.paused_at(due):
            yield n, due


@lru_cache(maxsize=4096)  # budgets repeat: the same duration target for many tickets
def _scaled(budget: int, fraction: float) -> int:
    """``budget * fraction`` rounded half to even, exactly as ``timedelta * float`` does."""
    num, den = fraction.as_integer_ratio()
    q, r = divmod(budget * num, den)
    r *= 2
    return q + 1 if r > den or (r == den and q % 2) else q


OnceRule = Callable[[StageState], "int | None"]


def once_rule(step: CompiledStep, budget: int | None = None) -> OnceRule:
    """When a one-shot step (``on``, ``at``) falls due for a stage's state: ``None`` if it
    never does. ``budget``: the stage's budget when the policy fixes it (a duration target),
    so that the percentage of it is worked out once. The state must have a clock.
    """
    trigger = step.trigger
    if isinstance(trigger, OnEvent):
        if trigger.which == "start":
            return _on_start
        return _on_stop
    if type(trigger) is AtBreach:
        offset = trigger.offset // _US
        add = step.calendar._add_us

        def at_breach(state: StageState) -> int | None:
            due = state.deadline
            if due is None:
                return None
            if offset:
                due = add(due, offset)
            stop = state.clock.stop  # type: ignore[union-attr]
            return None if stop is not None and due >= stop else due  # stopped first

        return at_breach
    if type(trigger) is AtPercent:
        fraction = trigger.fraction
        fixed = _scaled(budget, fraction) if budget is not None else None

        def at_percent(state: StageState) -> int | None:
            clock = state.clock
            assert clock is not None
            amount = fixed
            if amount is None:
                resolved = state.resolved
                if resolved is None or resolved.budget is None:
                    return None
                amount = _scaled(resolved.budget, fraction)
            stop = clock.stop
            if stop is not None and state.elapsed < amount:
                return None  # the stage stopped before it had used that much
            due = clock.reach(amount)
            return None if due is None or (stop is not None and due >= stop) else due

        return at_percent
    return _never


def _on_start(state: StageState) -> int | None:
    return state.clock.start  # type: ignore[union-attr]


def _on_stop(state: StageState) -> int | None:
    return state.clock.stop  # type: ignore[union-attr]


def _never(state: StageState) -> int | None:
    return None


DYNAMIC = -1  # need_rule: the need depends on the ticket; step_need works it out


def _need(step: CompiledStep, budget: int, fixed: bool, calendar: Calendar) -> int | None:
    """The working time a clock on ``calendar`` with ``budget`` must have run for ``step`` to
    fall due (a lower bound); ``None`` when pauses cannot change when it falls due."""
    trigger = step.trigger
    if type(trigger) is AtPercent:
        return _scaled(budget, trigger.fraction)
    if type(trigger) is AtBreach and not fixed:  # a fixed deadline never moves
        offset = trigger.offset // _US
        if offset >= 0:
            return budget
        return budget + offset if step.calendar is calendar else 0
    return None


def need_rule(step: CompiledStep, budget: int | None, calendar: Calendar) -> int | None:
    """``_need`` as far as the policy alone tells (``budget``: the stage's budget when the
    policy fixes it, on ``calendar``): an amount, ``DYNAMIC``, or ``None``."""
    if budget is not None:
        return _need(step, budget, False, calendar)
    return DYNAMIC if isinstance(step.trigger, AtPercent | AtBreach) else None


def step_need(step: CompiledStep, state: StageState) -> int | None:
    """``_need`` for one ticket's stage."""
    resolved, clock = state.resolved, state.clock
    if resolved is None or resolved.budget is None or clock is None:
        return None
    return _need(step, resolved.budget, resolved.fixed is not None, clock.calendar)


def ran_before_pause(clock: Clock) -> int | None:
    """At most how much working time the clock had run when its last pause began: the
    time between its start and that pause, which bounds the working time in it (``None``:
    it never ran before a pause)."""
    for _, end in reversed(clock.segments):
        if end is not None:
            return end - clock.start
    return None


def fired_before_pause(
    rule: OnceRule, state: StageState, need: int
) -> tuple[int, StageState] | None:
    """When a step fell due in a stretch the clock ran before a pause, though the pause
    has since moved it later (or, while it lasts, out of sight): that due instant, and the
    stage as it stood then; ``None`` if it did not. ``need``: the working time the clock must
    have run for the step to fall due (a lower bound).

    A step falls due by what is known when it falls due: evaluating later, after a pause
    has begun, never takes back an action that was already due.
    """
    clock = state.clock
    resolved = state.resolved
    assert clock is not None
    assert resolved is not None
    segments = clock.segments
    for i, (began, paused) in enumerate(segments):
        if paused is None:
            break  # the open stretch is the clock as it stands: the rule has seen it
        if clock.worked(paused) < need:
            continue  # not run long enough by this pause
        known = clock._replace(  # the clock as it stood while this stretch ran
            segments=(*segments[:i], (began, None)),
            pauses=tuple(p for p in clock.pauses if p[0] < paused),
        )
        deadline = resolved.fixed
        if deadline is None and resolved.budget is not None:
            deadline = known.reach(resolved.budget)
        elapsed = known.worked(clock.stop) if clock.stop is not None else 0
        then = state._replace(clock=known, deadline=deadline, elapsed=elapsed)
        due = rule(then)
        if due is not None and due < paused:
            return due, then
    return None


def occurrences(step: CompiledStep, state: StageState) -> Iterator[Occurrence]:
    """Every instant at which a repeating step falls due, in time order (possibly without
    end); one-shot steps have a ``once_rule`` instead."""
    if state.clock is not None:
        yield from _recurring(step, state)


def _local(t: int | None, timezone: str) -> str:
    if t is None:
        return "unknown"
    return from_us(t, zone(timezone)).strftime("%Y-%m-%d %H:%M")


def _reason(step: CompiledStep, state: StageState, n: int | None, ticket_id: str) -> str:
    if step.reason:
        return step.reason
    stage = state.stage
    label = stage.title or stage.name.replace("_", " ")
    target = state.target or "no"
    tz = step.calendar.timezone
    due = _local(state.deadline, tz)
    trigger = step.trigger
    if isinstance(trigger, OnEvent):
        if trigger.which == "start":
            return f"{label} started for ticket {ticket_id} (target {target}, due {due})"
        return f"{label} stopped for ticket {ticket_id}"
    if isinstance(trigger, AtPercent):
        return (
            f"{label} for ticket {ticket_id} has used {trigger} of its {target} target; due {due}"
        )
    if isinstance(trigger, AtBreach):
        if not trigger.offset:
            return f"{label} for ticket {ticket_id} breached its {target} target (due {due})"
        if trigger.offset > timedelta(0):
            return (
                f"{label} for ticket {ticket_id} is {format_duration(trigger.offset)} past its "
                f"deadline ({due})"
            )
        return (
            f"{label} for ticket {ticket_id} is due in {format_duration(-trigger.offset)} ({due})"
        )
    return f"{label} for ticket {ticket_id} is still open: progress update {n}"


def action_key(step: CompiledStep, state: StageState, n: int | None, ticket_id: str) -> str:
    """The idempotency key: ``ticket/stage/step``, plus ``/n`` for a repeating step."""
    key = ticket_id + step.key_suffix
    return key if n is None else f"{key}/{n}"


def fires(step: CompiledStep, due: int, make_env: Callable[[int], Env]) -> bool:
    """Whether the step's condition holds at its due instant."""
    return step.when is None or step.when(make_env(due))


def make_action(
    step: CompiledStep,
    state: StageState,
    occurrence: Occurrence,
    key: str,
    ticket_id: str,
    tz: ZoneInfo,
) -> Action:
    """The action of ``step`` at ``occurrence``."""
    n, due = occurrence
    return Action(
        key=key,
        kind=step.kind,
        stage=state.stage.name,
        step=step.id,
        due_at=from_us(due, tz),
        to=step.to,
        via=step.via,
        reason=_reason(step, state, n, ticket_id),
        data=step.data,
    )
