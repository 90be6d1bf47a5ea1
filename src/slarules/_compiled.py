"""The compiled form of a policy: everything that depends only on the policy, done once.

These values are what the engine reads. They hold compiled calendars (interval indexes),
compiled conditions (closures) and parsed targets; nothing here is re-parsed per ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, Literal

from ._durations import Duration, Recurrence, Target, Threshold
from ._errors import Path, Problem
from .calendar import Calendar
from .conditions import Condition, Env, FieldSet

__all__ = [
    "ActionKind",
    "CompiledPolicy",
    "CompiledPriority",
    "CompiledStage",
    "CompiledStep",
    "CompiledTarget",
    "OnEvent",
    "Trigger",
]


class ActionKind(StrEnum):
    """What the host must do."""

    NOTIFY = "notify"
    ESCALATE = "escalate"
    ASSIGN = "assign"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class OnEvent:
    """A step that fires when the stage starts or stops."""

    which: Literal["start", "stop"]

    def __str__(self) -> str:
        return f"on {self.which}"


Trigger = OnEvent | Threshold | Recurrence


@dataclass(frozen=True, slots=True)
class CompiledPriority:
    id: str
    title: str | None
    condition: Condition | None
    default: bool
    path: Path
    line: int | None


@dataclass(frozen=True, slots=True)
class CompiledTarget:
    """The target of one stage for one priority."""

    target: Target | None  # None: tracked, no deadline
    calendar: Calendar
    calendar_name: str
    source: str
    line: int | None = None
    budget: int | None = field(init=False, default=None)  # a plain duration, in µs

    def __post_init__(self) -> None:
        if isinstance(self.target, Duration):
            object.__setattr__(self, "budget", self.target.delta // timedelta(microseconds=1))


@dataclass(frozen=True, slots=True)
class CompiledStep:
    id: str
    index: int
    trigger: Trigger
    kind: ActionKind
    to: tuple[str, ...]
    via: tuple[str, ...]
    reason: str | None
    data: Mapping[str, Any]
    calendar: Calendar
    when: Condition | None
    line: int | None = None
    key_suffix: str = ""  # "/<stage>/<step>": an action key is the ticket id plus this
    repeats: bool = False  # an ``every`` step
    calendar_named: bool = False  # the step names its ``calendar`` (else: the target's)


@dataclass(frozen=True, slots=True)
class CompiledStage:
    name: str
    title: str | None
    start: str
    stop: str
    calendar: Calendar
    calendar_name: str
    pause_statuses: frozenset[str]
    pause_when: Condition | None
    when: Condition | None
    targets: Mapping[str, CompiledTarget | None]  # None: the stage does not apply (skipped)
    steps: tuple[CompiledStep, ...]
    line: int | None = None


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    id: str
    version: str
    title: str | None
    timezone: str
    content_hash: str
    file: str | None
    calendars: Mapping[str, Calendar]
    fields: FieldSet
    priorities: tuple[CompiledPriority, ...]
    stages: tuple[CompiledStage, ...]
    events: frozenset[str] | None
    restart_on_priority_change: bool
    priority_change_event: str
    locate: Callable[[Path], int | None]
    # index of the first priority whose condition holds (the default's condition is TRUE)
    first_priority: Callable[[Env], int]
    warnings: tuple[Problem, ...] = field(default=())
    # (priority index, clause path) -> PriorityChoice: the same answer is built once
    choices: dict[tuple[int, Path], Any] = field(default_factory=dict, compare=False, repr=False)
    # priority -> the engine's plan for it (stage programs, ladder rules), made at first use
    plans: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # the top-level fields the priority criteria read (None: a nested one), and the choice
    # made for each combination of their values: tickets share a few combinations
    priority_fields: tuple[str, ...] | None = field(init=False, default=None)
    choices_by_fields: dict[tuple[Any, ...], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        used = {n for p in self.priorities if p.condition for n in p.condition.fields_used}
        if not any("." in name for name in used):
            object.__setattr__(self, "priority_fields", tuple(sorted(used)))
