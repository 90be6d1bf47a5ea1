"""Evaluate one stage of one ticket at one instant: its clock, deadline and status.

Instants are integer UTC microseconds (see ``_clock``); the ``StageResult`` it returns
holds datetimes in the policy's zone and timedeltas, as the public answer does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slarules._compiled import CompiledStage
from slarules.calendar._localtime import from_us
from slarules.conditions import Env

from ._clock import Clock, build_clock
from ._evaluation import StageResult, StageStatus, stage_result
from ._targets import Resolved, resolve_target

__all__ = ["Context", "StageState", "duration", "evaluate_stage"]

_ZERO = timedelta(0)
# enum members read once: in Python 3.11 each StageStatus.X lookup costs a descriptor call
_SKIPPED, _PENDING, _RUNNING, _PAUSED = (
    StageStatus.SKIPPED,
    StageStatus.PENDING,
    StageStatus.RUNNING,
    StageStatus.PAUSED,
)
_MET, _MET_LATE, _BREACHED = StageStatus.MET, StageStatus.MET_LATE, StageStatus.BREACHED


_US = timedelta(microseconds=1)


def duration(us: int) -> timedelta:
    """A microsecond count as a ``timedelta``."""
    return _US * us  # twice as fast as timedelta(microseconds=us)


class StageState(NamedTuple):
    """Everything the ladder and the next-evaluation search need about one stage."""

    stage: CompiledStage
    result: StageResult
    clock: Clock | None = None
    resolved: Resolved | None = None
    deadline: int | None = None
    pauses: Callable[[str], bool] | None = None
    planned: Clock | None = None  # the clock with the status changes after the instant too


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

    __slots__ = (
        "events",
        "known",
        "make_env",
        "now",
        "planned",
        "priority",
        "restart",
        "starts",
        "tz",
    )

    def __init__(
        self,
        events: Mapping[str, int],
        priority: str,
        now: int,
        tz: ZoneInfo,
        known: Sequence[tuple[int, str]],
        planned: Sequence[tuple[int, str]] | None,
        restart: str | None,
        make_env: Callable[[str | None], Env],
    ) -> None:
        self.events = events
        self.priority = priority
        self.now = now
        self.tz = tz  # the zone of the answer's datetimes
        self.known = known  # the status changes up to now
        self.planned = planned  # all of them, when some lie after now
        self.restart = restart  # the event that restarts clocks, if any
        self.make_env = make_env
        self.starts: dict[int, datetime] = {}  # stages often start together: convert once


def evaluate_stage(stage: CompiledStage, ctx: Context, applies: bool = True) -> StageState:
    """The state of ``stage`` at ``ctx.now``.

    The clock sees only the status changes known at that instant: a status change shapes
    the clock from the instant it happens, never before.
    """
    target = stage.targets.get(ctx.priority)
    if not applies or target is None:
        return StageState(stage, StageResult(stage.name, _SKIPPED))
    source, calendar_name = target.source, target.calendar_name
    events = ctx.events
    at = ctx.now
    start = events.get(stage.start)
    if start is None or start > at:
        return StageState(
            stage,
            StageResult(stage.name, _PENDING, target=source, calendar=calendar_name),
        )
    stop = events.get(stage.stop)
    if stop is not None:
        if stop > at:
            stop = None  # scheduled, not happened yet
        elif stop < start:
            stop = start  # a stop recorded before the start counts as an immediate stop
    clock_start = start
    if ctx.restart is not None:
        changed = events.get(ctx.restart)
        if changed is not None and start < changed <= at and (stop is None or changed < stop):
            clock_start = changed
    pauses = _pause_test(stage, ctx.make_env)
    clock = build_clock(target.calendar, clock_start, stop, ctx.known, pauses)
    resolved = resolve_target(target, clock_start, events)
    budget = resolved.budget
    if resolved.fixed is not None:
        deadline: int | None = resolved.fixed
    elif budget is not None:
        deadline = clock.reach(budget)
    else:
        deadline = None
    end = stop if stop is not None else at
    elapsed = clock.worked(end)
    if stop is not None:
        late = deadline is not None and stop > deadline
        status = _MET_LATE if late else _MET
    elif deadline is not None and at >= deadline:
        status = _BREACHED
    elif clock.pauses and clock.paused_at(at):
        status = _PAUSED
    else:
        status = _RUNNING
    shown_deadline = deadline
    if status is _PAUSED and resolved.fixed is None:
        shown_deadline = None  # depends on when the clock resumes
    tz = ctx.tz
    started_at = ctx.starts.get(start)
    if started_at is None:
        started_at = ctx.starts[start] = from_us(start, tz)
    result = stage_result(
        stage.name,
        status,
        source,
        calendar_name,
        started_at,
        from_us(shown_deadline, tz) if shown_deadline is not None else None,
        from_us(stop, tz) if stop is not None else None,
        duration(elapsed),
        duration(budget - elapsed) if budget is not None else None,
        (elapsed / budget if budget > 0 else 1.0) if budget is not None else None,
        duration(clock.paused_time(end)) if clock.pauses else _ZERO,
    )
    planned = None
    if ctx.planned is not None and pauses is not None and stop is None:
        planned = build_clock(target.calendar, clock_start, stop, ctx.planned, pauses)
    return StageState(stage, result, clock, resolved, deadline, pauses, planned)
