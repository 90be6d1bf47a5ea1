"""A stage's ladder: when each step falls due, and the actions it yields.

Due instants are integer UTC microseconds, as in the rest of the engine.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from slarules._compiled import CompiledStep, OnEvent
from slarules._durations import AtBreach, AtPercent, EveryInterval, format_duration
from slarules.calendar import Calendar
from slarules.calendar._index import InstantRangeError
from slarules.calendar._localtime import from_us
from slarules.conditions import Env

from ._clock import Clock
from ._evaluation import Action
from ._stages import StageState
from ._wallclock import zone

__all__ = [
    "DYNAMIC",
    "MAX_CATCH_UP",
    "Occurrence",
    "OnceRule",
    "fired_before_pause",
    "first_caught_up",
    "make_action",
    "need_rule",
    "once_rule",
    "ran_before_pause",
    "recurring",
    "step_calendar",
    "step_need",
]

_US = timedelta(microseconds=1)
_ZERO = timedelta(0)
Occurrence = tuple[int | None, int]  # (repeat number for recurring steps, due instant)


MAX_CATCH_UP = 100
"""At most this many occurrences of one repeating step are due in one evaluation: the
latest ones. Earlier occurrences that were never applied are skipped for good (a later
evaluation's latest ones are later still)."""


def step_calendar(step: CompiledStep, calendar: Calendar) -> Calendar:
    """The calendar a step counts ``breach + X`` and ``every`` on: its own ``calendar:``,
    else ``calendar``, the calendar of the target it measures."""
    return step.calendar if step.calendar_named else calendar


class _Series:
    """The occurrences of a repeating step on one clock, numbered from 1: ``due(n)`` is when
    the n-th falls due, ``count(t)`` how many fall due at or before ``t``, both worked out
    on the calendar without walking the occurrences before."""

    __slots__ = ("calendar", "interval", "start")

    def __init__(self, calendar: Calendar, start: int, interval: int) -> None:
        self.calendar = calendar
        self.start = start
        self.interval = interval  # working time between occurrences; 0: every close

    def count(self, t: int) -> int:
        if t <= self.start:
            return 0
        if self.interval:  # the n-th is due at or before t once n intervals are worked
            return self.calendar._between_us(self.start, t) // self.interval
        return self.calendar._closes_us(self.start, t)

    def due(self, n: int) -> int:
        if self.interval:
            return self.calendar._add_us(self.start, self.interval * n)
        return self.calendar._nth_close_us(self.start, n)

    def after(self, due: int) -> int:
        """When the occurrence after the one due at ``due`` falls due."""
        if self.interval:
            return self.calendar._add_us(due, self.interval)
        return self.calendar._end_of_day_us(due)


def _window(step: CompiledStep, state: StageState, at: int) -> tuple[_Series, int | None, int]:
    """A repeating step's series on the stage's clock, its last occurrence (``None``: no
    end) and the first one an evaluation at ``at`` looks at (the latest ``MAX_CATCH_UP``)."""
    # pauses as planned: the status changes after the instant say when later repetitions
    # are skipped (the first of them is a next evaluation anyway)
    clock = state.planned or state.clock
    assert clock is not None
    trigger = step.trigger
    interval = trigger.interval // _US if isinstance(trigger, EveryInterval) else 0
    series = _Series(step_calendar(step, clock.calendar), clock.start, interval)
    pauses = clock.pauses
    end = clock.stop  # occurrences fall due before the stop and before a final pause
    if pauses and pauses[-1][1] is None and (end is None or pauses[-1][0] < end):
        end = pauses[-1][0]
    last = series.count(end - 1) if end is not None else None
    n = max(1, series.count(at if end is None or at < end else end - 1) - MAX_CATCH_UP + 1)
    return series, last, n


def first_caught_up(step: CompiledStep, state: StageState, at: int) -> int:
    """The lowest occurrence number of a repeating step that an evaluation at ``at`` may
    still return: earlier ones are past the catch-up limit (``MAX_CATCH_UP``)."""
    return _window(step, state, at)[2]


def recurring(
    step: CompiledStep,
    state: StageState,
    at: int,
    key_prefix: str,
    done: frozenset[str],
    env_at: Callable[[int], Env],
    changes: Sequence[int],
) -> tuple[list[tuple[Occurrence, str]], int | None]:
    """A repeating step's occurrences due at ``at`` and not ``done``, with their keys (at
    most ``MAX_CATCH_UP``: those among the latest that many), and when the first later one
    that will fire falls due (``None``: never).

    ``key_prefix`` is the ticket id plus the step's key suffix; ``changes`` are the
    instants at which the ticket changes (events, statuses), in order: between two of
    them the step's condition cannot change. The work is bounded by the catch-up limit,
    the pauses, the done keys and the changes, never by how many occurrences passed.
    """
    try:
        series, last, n = _window(step, state, at)
        clock = state.planned or state.clock
        assert clock is not None
        pauses = clock.pauses
        found: list[tuple[Occurrence, str]] = []
        due, previous = 0, -1  # previous: the number of the occurrence due at `due`
        k = 0  # the first pause that may hold an occurrence from here on
        while last is None or n <= last:
            due = series.after(due) if n == previous + 1 else series.due(n)
            previous = n
            while k < len(pauses) and (resumed := pauses[k][1]) is not None and resumed <= due:
                k += 1
            if k < len(pauses) and pauses[k][0] <= due:  # paused then (never for good: end)
                resume = pauses[k][1]
                assert resume is not None
                n = max(n + 1, series.count(resume - 1) + 1)
                continue
            key = f"{key_prefix}/{n}"
            if key in done:
                n += 1  # finitely many keys are done
                continue
            if step.when is not None and not step.when(env_at(due)):
                i = bisect_right(changes, due)  # it cannot hold before the ticket next changes
                if i == len(changes):
                    return found, None
                n = max(n + 1, series.count(changes[i] - 1) + 1)
                continue
            if due > at:
                return found, due
            found.append(((n, due), key))
            n += 1
        return found, None
    except InstantRangeError as exc:
        raise exc.at_stage(state.stage.name) from None


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
        own = step.calendar if step.calendar_named else None

        def at_breach(state: StageState) -> int | None:
            due = state.deadline
            if due is None:
                return None
            clock = state.clock
            assert clock is not None
            if offset:  # on the step's calendar, else on the measured target's
                try:
                    due = (own or clock.calendar)._add_us(due, offset)
                except InstantRangeError as exc:
                    raise exc.at_stage(state.stage.name) from None
            stop = clock.stop
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
            try:
                due = clock.reach(amount)
            except InstantRangeError as exc:
                raise exc.at_stage(state.stage.name) from None
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
        return budget + offset if step_calendar(step, calendar) is calendar else 0
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
        try:
            if deadline is None and resolved.budget is not None:
                deadline = known.reach(resolved.budget)
            elapsed = known.worked(clock.stop) if clock.stop is not None else 0
        except InstantRangeError as exc:
            raise exc.at_stage(state.stage.name) from None
        then = state._replace(clock=known, deadline=deadline, elapsed=elapsed)
        due = rule(then)
        if due is not None and due < paused:
            return due, then
    return None


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
