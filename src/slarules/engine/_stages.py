"""Evaluate one stage of one ticket at one instant: its clock, deadline and status.

Instants are integer UTC microseconds (see ``_clock``). A stage program answers a
``StageState`` of integers and with it the public ``StageResult`` (datetimes in the
policy's zone, timedeltas), unless the evaluation wants integers only: bulk evaluation
turns those into Arrow columns directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slarules._compiled import CompiledStage
from slarules._errors import TicketError
from slarules.calendar._localtime import from_us
from slarules.conditions import Env

from ._clock import Clock, build_clock, steady_clock
from ._evaluation import StageResult, StageStatus, stage_result
from ._targets import Resolved, resolve_target

__all__ = ["Context", "Limits", "StageProgram", "StageState", "stage_program"]

_ZERO = timedelta(0)
_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__
# enum members read once: in Python 3.11 each StageStatus.X lookup costs a descriptor call
_SKIPPED, _PENDING, _RUNNING, _PAUSED = (
    StageStatus.SKIPPED,
    StageStatus.PENDING,
    StageStatus.RUNNING,
    StageStatus.PAUSED,
)
_MET, _MET_LATE, _BREACHED = StageStatus.MET, StageStatus.MET_LATE, StageStatus.BREACHED
_US = timedelta(microseconds=1)  # _US * n: twice as fast as timedelta(microseconds=n)


class StageState(NamedTuple):
    """One stage at the evaluation instant, in integer microseconds: what the answer shows
    (``status`` to ``paused``) and what the ladder and the next-evaluation search need.

    ``result`` is the public answer for the stage; bulk evaluation, which reads the
    integers, goes without it (``Context.limits``) unless the stage has no clock (skipped
    or pending: the same answer for every ticket).
    """

    stage: CompiledStage
    status: StageStatus
    target: str | None = None  # the target as the policy writes it
    calendar: str | None = None  # the name of the target's calendar
    start: int | None = None  # the start event
    shown: int | None = None  # the deadline shown (None while paused with time left)
    stop: int | None = None  # the stop event, when it has happened
    elapsed: int = 0  # working time the clock ran until its stop (or until the instant)
    budget: int | None = None  # the target as working time, when it is one
    paused: int = 0  # time spent paused until the stop (or the instant)
    clock: Clock | None = None
    resolved: Resolved | None = None
    deadline: int | None = None  # the deadline, also while paused (the clock as it stands)
    pauses: Callable[[str], bool] | None = None
    planned: Clock | None = None  # the clock with the status changes after the instant too
    result: StageResult | None = None  # the public answer (integers only: None if started)


def _pause_test(
    stage: CompiledStage, make_env: Callable[[str | None], Env]
) -> Callable[[str], bool] | None:
    statuses = stage.pause_statuses
    cond = stage.pause_when
    if not statuses and cond is None:
        return None
    if cond is None:
        return statuses.__contains__
    cache: dict[str, bool] = {}

    def pauses(status: str) -> bool:
        if status not in cache:
            cache[status] = status in statuses or cond(make_env(status))
        return cache[status]

    return pauses


class Context:
    """What every stage of one evaluation shares (instants in microseconds)."""

    __slots__ = ("events", "known", "limits", "make_env", "now", "planned", "starts", "tz")

    def __init__(
        self,
        events: Mapping[str, int],
        now: int,
        tz: ZoneInfo,
        known: Sequence[tuple[int, str]],
        planned: Sequence[tuple[int, str]] | None,
        make_env: Callable[[str | None], Env],
        limits: Limits | None,
    ) -> None:
        self.events = events
        self.now = now
        self.tz = tz  # the zone of the answer's datetimes
        self.known = known  # the status changes up to now
        self.planned = planned  # all of them, when some lie after now
        self.make_env = make_env
        # None: build each stage's StageResult (its datetimes fail at the ends of time);
        # else answer integers only, checked against these limits
        self.limits = limits
        self.starts: dict[int, datetime] = {}  # stages often start together: convert once


StageProgram = Callable[[Context, bool], StageState]


class Limits(NamedTuple):
    """The instants an answer in the zone ``tz`` can show (``showable``), for the ticket
    ``ticket_id``: the integer answer is checked against them, so that it fails exactly
    where the datetime answer would."""

    ticket_id: str
    tz: ZoneInfo
    first: int
    last: int

    def error(self, what: str, when: int) -> TicketError:
        """The error for an instant of the answer that no datetime in ``tz`` holds."""
        side, end = ("before", "0001-01-01") if when < self.first else ("after", "9999-12-31")
        return TicketError(
            f"{what} falls {side} {end} in the policy's time zone {self.tz}, beyond the "
            "years a datetime can hold; check the ticket's instants and the policy's targets",
            ticket_id=self.ticket_id,
        )


def stage_program(stage: CompiledStage, priority: str, restart: str | None) -> StageProgram:
    """The evaluation of ``stage`` for tickets of ``priority``, with everything that
    depends only on the policy decided once: ``program(ctx, applies)`` is the stage's state
    at ``ctx.now`` (``applies``: the stage's condition holds).

    The clock sees only the status changes known at that instant: a status change shapes
    the clock from the instant it happens, never before. ``restart`` is the event that
    restarts the clock (a priority change), if the policy says so.
    """
    name = stage.name
    skipped = StageState(stage, _SKIPPED, result=StageResult(name, _SKIPPED))
    target = stage.targets.get(priority)
    if target is None:

        def not_for_this_priority(ctx: Context, applies: bool) -> StageState:
            return skipped

        return not_for_this_priority
    source, calendar_name, calendar = target.source, target.calendar_name, target.calendar
    pending = StageState(
        stage,
        _PENDING,
        source,
        calendar_name,
        result=StageResult(name, _PENDING, target=source, calendar=calendar_name),
    )
    start_event, stop_event = stage.start, stage.stop
    plain = resolve_target(target, 0, {}) if target.budget is not None else None
    pausable = bool(stage.pause_statuses) or stage.pause_when is not None
    # pausing statuses named in the policy: the test needs nothing of the ticket
    named_only = stage.pause_statuses.__contains__ if stage.pause_when is None else None

    def program(ctx: Context, applies: bool) -> StageState:
        if not applies:
            return skipped
        events = ctx.events
        at = ctx.now
        start = events.get(start_event)
        if start is None or start > at:
            return pending
        stop = events.get(stop_event)
        if stop is not None:
            if stop > at:
                stop = None  # scheduled, not happened yet
            elif stop < start:
                stop = start  # a stop recorded before the start counts as an immediate stop
        clock_start = start
        if restart is not None:
            changed = events.get(restart)
            if changed is not None and start < changed <= at and (stop is None or changed < stop):
                clock_start = changed
        if pausable:
            pauses = named_only or _pause_test(stage, ctx.make_env)
            clock = build_clock(calendar, clock_start, stop, ctx.known, pauses)
        else:
            pauses = None
            clock = steady_clock(calendar, clock_start, stop)
        resolved = plain or resolve_target(target, clock_start, events)
        budget, fixed = resolved.budget, resolved.fixed
        if fixed is not None:
            deadline: int | None = fixed
        elif budget is not None:
            deadline = clock.reach(budget)
        else:
            deadline = None
        end = stop if stop is not None else at
        elapsed = clock.worked(end)
        shown_deadline = deadline
        if stop is not None:
            status = _MET_LATE if deadline is not None and stop > deadline else _MET
        elif deadline is not None and at >= deadline:
            status = _BREACHED
        elif clock.pauses and clock.paused_at(at):
            status = _PAUSED
            if fixed is None:
                shown_deadline = None  # depends on when the clock resumes
        else:
            status = _RUNNING
        paused = clock.paused_time(end) if clock.pauses else 0
        result = None
        limits = ctx.limits
        if limits is not None:
            if start < limits.first:
                raise limits.error(f"the {start_event} event that starts stage {name!r}", start)
            if shown_deadline is not None and not limits.first <= shown_deadline <= limits.last:
                what = f"the deadline of stage {name!r} (target {source})"
                raise limits.error(what, shown_deadline)
        else:
            tz = ctx.tz
            started_at = ctx.starts.get(start)
            if started_at is None:
                started_at = ctx.starts[start] = from_us(start, tz)
            result = stage_result(
                name,
                status,
                source,
                calendar_name,
                started_at,
                None if shown_deadline is None else from_us(shown_deadline, tz),
                None if stop is None else from_us(stop, tz),
                _US * elapsed,
                None if budget is None else _US * (budget - elapsed),
                None if budget is None else elapsed / budget if budget > 0 else 1.0,
                _US * paused if paused else _ZERO,
            )
        planned = None
        if ctx.planned is not None and pauses is not None and stop is None:
            planned = build_clock(calendar, clock_start, stop, ctx.planned, pauses)
        state = (
            stage,
            status,
            source,
            calendar_name,
            start,
            shown_deadline,
            stop,
            elapsed,
            budget,
            paused,
            clock,
            resolved,
            deadline,
            pauses,
            planned,
            result,
        )
        return _tuple(StageState, state)

    return program
