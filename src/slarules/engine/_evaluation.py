"""What the engine answers: the evaluation of one ticket at one instant, as immutable values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, cast

from slarules._compiled import ActionKind
from slarules._errors import Path

__all__ = [
    "Action",
    "Evaluation",
    "PriorityChoice",
    "StageResult",
    "StageStatus",
    "describe_action",
    "evaluation",
    "stage_result",
]


class StageStatus(StrEnum):
    """Where a stage's clock stands."""

    PENDING = "pending"  # the start event has not happened
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"  # stopped on time
    MET_LATE = "met_late"  # stopped after the deadline
    BREACHED = "breached"  # still open after the deadline
    SKIPPED = "skipped"  # the stage does not apply to this ticket

    def __str__(self) -> str:
        return self.value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


@dataclass(frozen=True, slots=True)
class Action:
    """Something the host must do, once: apply it and add ``key`` to the ticket's ``done``."""

    key: str
    kind: ActionKind
    stage: str
    step: str
    due_at: datetime
    to: tuple[str, ...]
    via: tuple[str, ...]
    reason: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, ...]:
        # a mappingproxy does not pickle: travel as a dict, come back read-only
        return (
            _action,
            (
                self.key,
                self.kind,
                self.stage,
                self.step,
                self.due_at,
                self.to,
                self.via,
                self.reason,
                dict(self.data),
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind.value,
            "stage": self.stage,
            "step": self.step,
            "due_at": self.due_at.isoformat(),
            "to": list(self.to),
            "via": list(self.via),
            "reason": self.reason,
            "data": dict(self.data),
        }


def describe_action(action: Action) -> str:
    """What to do and to whom, by which channels: ``notify supervisor via sms, email``."""
    text = f"{action.kind.value} {', '.join(action.to)}"
    return f"{text} via {', '.join(action.via)}" if action.via else text


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage's clock at the evaluation instant.

    ``elapsed`` is working time the clock has run (pauses and closed hours excluded);
    ``remaining`` is what is left of the target (negative when late); ``used`` is
    ``elapsed`` as a fraction of the target. ``deadline`` is ``None`` when the stage has no
    target, has not started, is skipped, or is paused with time still left (the deadline
    then depends on when it resumes).
    """

    name: str
    status: StageStatus
    target: str | None = None
    calendar: str | None = None
    started_at: datetime | None = None
    deadline: datetime | None = None
    stopped_at: datetime | None = None
    elapsed: timedelta | None = None
    remaining: timedelta | None = None
    used: float | None = None
    paused: timedelta | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "target": self.target,
            "calendar": self.calendar,
            "started_at": _iso(self.started_at),
            "deadline": _iso(self.deadline),
            "stopped_at": _iso(self.stopped_at),
            "elapsed": _seconds(self.elapsed),
            "remaining": _seconds(self.remaining),
            "used": round(self.used, 6) if self.used is not None else None,
            "paused": _seconds(self.paused),
        }


# The engine builds a StageResult per stage of every evaluation, and a frozen dataclass
# sets each field through ``object.__setattr__``, four times slower than plain slots. So the
# engine fills a mutable twin with the very same slots and then makes it the frozen class
# (``__class__`` assignment between classes of one layout). What comes out is an ordinary
# StageResult; tests/engine/test_results.py checks it equals the one the class builds.


class _StageResultDraft:
    """A mutable twin of ``StageResult`` (the very same slots): filled, then made one."""

    __slots__ = StageResult.__slots__

    def __init__(
        self,
        name: str,
        status: StageStatus,
        target: str | None,
        calendar: str | None,
        started_at: datetime | None,
        deadline: datetime | None,
        stopped_at: datetime | None,
        elapsed: timedelta | None,
        remaining: timedelta | None,
        used: float | None,
        paused: timedelta | None,
    ) -> None:
        self.name = name
        self.status = status
        self.target = target
        self.calendar = calendar
        self.started_at = started_at
        self.deadline = deadline
        self.stopped_at = stopped_at
        self.elapsed = elapsed
        self.remaining = remaining
        self.used = used
        self.paused = paused
        self.__class__ = StageResult  # type: ignore[assignment]


stage_result = cast("Callable[..., StageResult]", _StageResultDraft)
"""``StageResult(...)`` with every field given in order, built faster."""


@dataclass(frozen=True, slots=True)
class PriorityChoice:
    """Which priority was chosen and which clause of the policy chose it."""

    id: str
    default: bool
    path: Path
    line: int | None
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "default": self.default,
            "path": list(self.path),
            "line": self.line,
            "why": self.description,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The engine's answer for (policy, ticket, instant).

    ``actions`` are the actions due at or before ``at`` whose keys are not in the ticket's
    ``done``, in time order. ``next_evaluation_at`` is the earliest later instant at which
    this answer changes if nothing happens to the ticket (``None``: it never will).
    """

    policy_id: str
    policy_version: str
    policy_hash: str
    ticket_id: str
    at: datetime
    priority: str
    priority_choice: PriorityChoice
    stages: Mapping[str, StageResult]
    actions: tuple[Action, ...]
    next_evaluation_at: datetime | None
    warnings: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # a mappingproxy does not pickle: travel as a dict, come back read-only
        return (
            _evaluation,
            (
                self.policy_id,
                self.policy_version,
                self.policy_hash,
                self.ticket_id,
                self.at,
                self.priority,
                self.priority_choice,
                dict(self.stages),
                self.actions,
                self.next_evaluation_at,
                self.warnings,
            ),
        )

    @property
    def breaches(self) -> tuple[str, ...]:
        """Names of stages that are breached or were met late."""
        bad = (StageStatus.BREACHED, StageStatus.MET_LATE)
        return tuple(name for name, s in self.stages.items() if s.status in bad)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (instants as ISO 8601, durations in seconds)."""
        return {
            "policy": {
                "id": self.policy_id,
                "version": self.policy_version,
                "hash": self.policy_hash,
            },
            "ticket": self.ticket_id,
            "at": self.at.isoformat(),
            "priority": self.priority,
            "priority_choice": self.priority_choice.to_dict(),
            "stages": {name: s.to_dict() for name, s in self.stages.items()},
            "actions": [a.to_dict() for a in self.actions],
            "next_evaluation_at": _iso(self.next_evaluation_at),
            "warnings": list(self.warnings),
        }


class _EvaluationDraft:
    """A mutable twin of ``Evaluation`` (the very same slots): filled, then made one."""

    __slots__ = Evaluation.__slots__

    def __init__(
        self,
        policy_id: str,
        policy_version: str,
        policy_hash: str,
        ticket_id: str,
        at: datetime,
        priority: str,
        priority_choice: PriorityChoice,
        stages: Mapping[str, StageResult],
        actions: tuple[Action, ...],
        next_evaluation_at: datetime | None,
        warnings: tuple[str, ...],
    ) -> None:
        self.policy_id = policy_id
        self.policy_version = policy_version
        self.policy_hash = policy_hash
        self.ticket_id = ticket_id
        self.at = at
        self.priority = priority
        self.priority_choice = priority_choice
        self.stages = stages
        self.actions = actions
        self.next_evaluation_at = next_evaluation_at
        self.warnings = warnings
        self.__class__ = Evaluation  # type: ignore[assignment]


evaluation = cast("Callable[..., Evaluation]", _EvaluationDraft)
"""``Evaluation(...)`` with every field given in order, built faster (as ``stage_result``)."""


def _action(
    key: str,
    kind: ActionKind,
    stage: str,
    step: str,
    due_at: datetime,
    to: tuple[str, ...],
    via: tuple[str, ...],
    reason: str,
    data: dict[str, Any],
) -> Action:
    return Action(key, kind, stage, step, due_at, to, via, reason, MappingProxyType(data))


def _evaluation(*args: Any) -> Evaluation:
    """Rebuild an unpickled evaluation with its stages read-only again."""
    values = list(args)
    values[7] = MappingProxyType(values[7])
    return Evaluation(*values)
