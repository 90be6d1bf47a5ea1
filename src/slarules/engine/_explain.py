"""``explain``: why this priority, and how each deadline was computed, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slarules._compiled import CompiledPolicy, CompiledStage
from slarules._durations import format_duration
from slarules._errors import format_path
from slarules.calendar._localtime import from_us

from ._evaluate import run
from ._evaluation import Evaluation, StageStatus
from ._stages import StageState
from ._ticket import Ticket
from ._wallclock import zone

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """The evaluation and the sentences that justify it, one section per stage."""

    evaluation: Evaluation
    priority: str
    stages: dict[str, tuple[str, ...]]

    @property
    def text(self) -> str:
        lines = [self.priority, ""]
        for name, sentences in self.stages.items():
            lines.append(f"{name}:")
            lines.extend(f"  {s}" for s in sentences)
        return "\n".join(lines).rstrip() + "\n"

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "stages": {k: list(v) for k, v in self.stages.items()},
            "evaluation": self.evaluation.to_dict(),
        }


def _local(t: datetime | int | None, tz: str) -> str:
    if t is None:
        return "-"
    local = from_us(t, zone(tz)) if isinstance(t, int) else t.astimezone(zone(tz))
    return local.strftime("%Y-%m-%d %H:%M (%a)")


def _working(d: timedelta) -> str:
    """Working time in hours and minutes (``38h30m``), never in days: a business day has no
    fixed length (half days, lunch breaks), so ``1d14h30m`` of 24-hour days misleads."""
    seconds = round(abs(d.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    text = (f"{hours}h" if hours else "") + (
        format_duration(timedelta(seconds=rest)) if rest else ""
    )
    return text or "0m"


def _stage_sentences(stage: CompiledStage, ev: Evaluation, state: StageState, tz: str) -> list[str]:
    r = ev.stages[stage.name]
    if r.status is StageStatus.SKIPPED:
        if stage.targets.get(ev.priority) is None or stage.when is None:
            return [f"Skipped: the stage does not apply to priority {ev.priority}."]
        return [
            "Skipped: the stage's condition does not hold for this ticket "
            f"({stage.when.describe()})."
        ]
    target = stage.targets[ev.priority]
    assert target is not None
    cal = target.calendar
    out = [
        f"Runs from '{stage.start}' to '{stage.stop}' on calendar {target.calendar_name!r}: "
        f"{cal.describe()}.",
        f"Target for {ev.priority}: {target.source}.",
    ]
    if r.status is StageStatus.PENDING:
        out.append(f"Not started: event '{stage.start}' has not happened yet.")
        return out
    out.append(f"Started {_local(r.started_at, tz)}.")
    clock = state.clock
    if clock is not None:
        for a, b in clock.pauses:
            end = "until now" if b is None else f"until {_local(b, tz)}"
            out.append(f"Paused from {_local(a, tz)} {end}.")
    if state.resolved is not None and state.resolved.waiting_for:
        out.append(
            f"No deadline yet: it counts back from '{state.resolved.waiting_for}', "
            "which the ticket does not have."
        )
    if state.deadline is not None and r.started_at is not None:
        lo, hi = sorted((r.started_at, from_us(state.deadline, UTC)))
        skipped = cal.holidays_between(lo, hi)
        if skipped:
            names = ", ".join(f"{d:%Y-%m-%d} {n}" for d, n in skipped)
            out.append(f"Holidays skipped: {names}.")
        kind = "fixed" if state.resolved and state.resolved.fixed else "working time"
        out.append(f"Deadline ({kind}): {_local(state.deadline, tz)}.")
    if r.stopped_at is not None:
        out.append(f"Stopped {_local(r.stopped_at, tz)}.")
    status = {
        StageStatus.MET: "met on time",
        StageStatus.MET_LATE: "met late",
        StageStatus.BREACHED: "breached",
        StageStatus.PAUSED: "paused",
        StageStatus.RUNNING: "running",
    }[r.status]
    text = f"Status: {status}"
    if r.elapsed is not None:
        text += f"; working time used {_working(r.elapsed)}"
        if r.used is not None:
            text += f" ({r.used:.0%} of the target)"
    if r.remaining is not None:  # a target of working time (not a fixed instant, not none)
        if r.remaining >= timedelta(0):
            text += f", remaining {_working(r.remaining)}"
        else:
            text += f", {_working(r.remaining)} past the target"
    out.append(text + ".")
    return out


def explain(policy: CompiledPolicy, ticket: Ticket, at: datetime) -> Explanation:
    """Explain the evaluation of ``ticket`` at ``at`` in words a support manager reads."""
    ev, states = run(policy, ticket, at)
    choice = ev.priority_choice
    where = format_path(choice.path) + (f", line {choice.line}" if choice.line else "")
    if choice.default:
        priority = f"Priority {ev.priority} (the default): {choice.description}."
    else:
        priority = f"Priority {ev.priority}: {choice.description} ({where})."
    stages = {
        state.stage.name: tuple(_stage_sentences(state.stage, ev, state, policy.timezone))
        for state in states
    }
    return Explanation(ev, priority, stages)
