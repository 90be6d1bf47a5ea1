"""Evaluate one stage of one ticket at one instant: its clock, deadline and status."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from slarules._compiled import CompiledStage
from slarules.conditions import Env

from ._clock import Clock, build_clock
from ._evaluation import StageResult, StageStatus
from ._targets import Resolved, resolve_target
from ._ticket import StatusChange, Ticket

__all__ = ["StageState", "evaluate_stage"]

_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class StageState:
    """Everything the ladder and the next-evaluation search need about one stage."""

    stage: CompiledStage
    result: StageResult
    clock: Clock | None = None
    resolved: Resolved | None = None
    deadline: datetime | None = None
    pauses: Callable[[str], bool] | None = None
    planned: Clock | None = None  # the clock with the status changes after the instant too

    @property
    def stop(self) -> datetime | None:
        return self.clock.stop if self.clock is not None else None


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


def evaluate_stage(
    stage: CompiledStage,
    ticket: Ticket,
    priority: str,
    at: datetime,
    *,
    applies: bool,
    make_env: Callable[[str | None], Env],
    restart_event: str | None,
    tz: tzinfo,
    statuses: Sequence[StatusChange],
    planned_statuses: Sequence[StatusChange] | None = None,
) -> StageState:
    """The state of ``stage`` for ``ticket`` at ``at``.

    ``statuses`` are the status changes known at ``at`` (none later): a status change
    shapes the clock from the instant it happens, never before.
    """
    target = stage.targets.get(priority)
    if not applies or target is None:
        return StageState(stage, StageResult(stage.name, StageStatus.SKIPPED))
    source, calendar_name = target.source, target.calendar_name
    events: Mapping[str, datetime] = ticket.events
    start = events.get(stage.start)
    if start is None or start > at:
        return StageState(
            stage,
            StageResult(stage.name, StageStatus.PENDING, target=source, calendar=calendar_name),
        )
    stop = events.get(stage.stop)
    if stop is not None and stop > at:
        stop = None  # scheduled, not happened yet
    if stop is not None and stop < start:
        stop = start  # a stop recorded before the start counts as an immediate stop
    clock_start = start
    if restart_event is not None:
        changed = events.get(restart_event)
        if changed is not None and start < changed <= at and (stop is None or changed < stop):
            clock_start = changed
    pauses = _pause_test(stage, make_env)
    clock = build_clock(target.calendar, clock_start, stop, statuses, pauses)
    resolved = resolve_target(target, clock_start, events)
    if resolved.fixed is not None:
        deadline: datetime | None = resolved.fixed
    elif resolved.budget is not None:
        deadline = clock.reach(resolved.budget)
    else:
        deadline = None
    end = stop if stop is not None else at
    elapsed = clock.worked(end)
    budget = resolved.budget
    remaining = budget - elapsed if budget is not None else None
    if budget is None:
        used = None
    elif budget > _ZERO:
        used = elapsed / budget
    else:
        used = 1.0
    if stop is not None:
        late = deadline is not None and stop > deadline
        status = StageStatus.MET_LATE if late else StageStatus.MET
    elif deadline is not None and at >= deadline:
        status = StageStatus.BREACHED
    elif clock.paused_at(at):
        status = StageStatus.PAUSED
    else:
        status = StageStatus.RUNNING
    shown_deadline = deadline
    if status is StageStatus.PAUSED and resolved.fixed is None:
        shown_deadline = None  # depends on when the clock resumes
    result = StageResult(
        stage.name,
        status,
        started_at=start.astimezone(tz),
        deadline=shown_deadline.astimezone(tz) if shown_deadline is not None else None,
        stopped_at=stop.astimezone(tz) if stop is not None else None,
        elapsed=elapsed,
        remaining=remaining,
        used=used,
        paused=clock.paused_time(end),
        target=source,
        calendar=calendar_name,
    )
    planned = None
    if planned_statuses is not None and pauses is not None and stop is None:
        planned = build_clock(target.calendar, clock_start, stop, planned_statuses, pauses)
    return StageState(stage, result, clock, resolved, deadline, pauses, planned)
