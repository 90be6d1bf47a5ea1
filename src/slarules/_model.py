"""The shape of a policy file, as frozen pydantic models (shape only; meaning is in ``_check``).

Each concept owns the model of its own section: calendars (``calendar.CalendarSpec``) and
field declarations (``conditions.FieldSpec``) live with the code that compiles them, and
are assembled here into ``PolicySpec``. Unknown keys are rejected everywhere.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from ._report_spec import ReportSpec
from .calendar import CalendarSpec
from .conditions import FieldSpec

__all__ = [
    "ConditionData",
    "PauseSpec",
    "PolicySpec",
    "PriorityChangeSpec",
    "PrioritySpec",
    "StageSpec",
    "StepSpec",
    "TargetSpec",
    "TargetValue",
]

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_ID_HINT = "use letters, digits, '_', '-' and '.', starting with a letter"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _listify(value: Any) -> Any:
    """Accept a single role or channel where a list is expected."""
    if isinstance(value, str):
        return [value]
    return value


def _as_text(value: Any) -> Any:
    """Versions such as ``2025.1`` arrive as numbers; keep them as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


Names = Annotated[list[str], BeforeValidator(_listify)]

ConditionData = Annotated[
    Any,
    Field(
        description=(
            "A condition: a mapping of field to test (all must hold), or all/any/not. "
            "See docs/policy-reference.md#conditions."
        ),
        json_schema_extra={"examples": [{"level": "urgent"}, {"any": [{"vip": True}]}]},
    ),
]


class PrioritySpec(_Spec):
    """One priority level. The first whose condition holds wins; one is the default."""

    id: str = Field(description="The priority's id, used in targets.", examples=["urgent"])
    title: str | None = Field(None, description="A human title.", examples=["Urgent"])
    description: str | None = Field(None, description="What this level means, for people.")
    when: ConditionData | None = None
    default: bool = Field(
        False, description="The priority of tickets no other level matches. Exactly one."
    )

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not a valid priority id; {_ID_HINT}")
        return value


class PauseSpec(_Spec):
    """When the stage's clock stops running."""

    status: Names = Field(
        default_factory=list,
        description="Statuses that pause the clock while the ticket is in them.",
        examples=[["waiting_on_customer", "waiting_for_parts"]],
    )
    when: ConditionData | None = None


class TargetSpec(_Spec):
    """A target on another calendar than the stage's."""

    due: str = Field(description="The target expression.", examples=["5 business days"])
    calendar: str = Field(description="The calendar it counts on.", examples=["office"])


TargetValue = Annotated[
    str | TargetSpec,
    Field(
        description=(
            "A duration (30m, 2h30m, PT4H), 'N business days', 'N days', "
            "'end of business day', 'next mon 12:00', 'N business days before EVENT', "
            "'none' (tracked, no deadline) or 'skip' (the stage does not apply)."
        ),
        examples=["30m", "5 business days", "end of business day", "skip"],
    ),
]


class StepSpec(_Spec):
    """One step of a stage's ladder: when it fires and the action it yields."""

    id: str | None = Field(
        None,
        description="A stable name for the step, used in action keys. Default: from the trigger.",
        examples=["early-warning"],
    )
    at: str | int | None = Field(
        None,
        description="Fire at a share of the target or relative to the breach.",
        examples=["80%", "breach", "breach + 4h", "30m before breach"],
    )
    on: Literal["start", "stop"] | None = Field(
        None, description="Fire when the stage starts or stops.", examples=["start"]
    )
    every: str | None = Field(
        None,
        description="Fire repeatedly while the stage runs.",
        examples=["2h", "end of business day"],
    )
    calendar: str | None = Field(
        None,
        description="The calendar for 'breach + 4h' and 'every' (default: the stage's).",
        examples=["office"],
    )
    when: ConditionData | None = None
    notify: Names | None = Field(
        None, description="Roles to notify.", examples=[["assignee"], ["supervisor"]]
    )
    escalate: Names | None = Field(
        None, description="Roles to escalate to.", examples=[["director_group"]]
    )
    assign: Names | None = Field(None, description="Roles to assign to.", examples=[["operations"]])
    via: Names = Field(
        default_factory=list, description="Channels to use.", examples=[["sms", "email"]]
    )
    reason: str | None = Field(
        None, description="One human sentence that says why.", examples=["Early warning"]
    )
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="Free data passed through to the host with the action.",
        examples=[{"template": "sla-warning"}],
    )


class StageSpec(_Spec):
    """A clock: starts at one event, stops at another, pauses, has a target per priority."""

    title: str | None = Field(None, description="A human title.", examples=["First response"])
    description: str | None = Field(None, description="What the stage measures.")
    start: str = Field(description="The event that starts the clock.", examples=["created"])
    stop: str = Field(description="The event that stops the clock.", examples=["first_response"])
    calendar: str | None = Field(
        None,
        description="The calendar the clock runs on (default: 24x7 in the policy's time zone).",
        examples=["office", "always"],
    )
    pause: PauseSpec | None = None
    when: ConditionData | None = None
    target: TargetValue | dict[str, TargetValue] | None = Field(
        None,
        description=(
            "The time limit: one expression for every priority, or a mapping of priority id "
            "to expression. Omit it (or write 'none') to track the stage without a deadline."
        ),
        examples=[{"urgent": "30m", "important": "2h", "routine": "4h"}, "24h"],
    )
    ladder: list[StepSpec] = Field(
        default_factory=list, description="Steps that yield actions as time passes."
    )


class PriorityChangeSpec(_Spec):
    """What happens to running clocks when a ticket's priority changes."""

    mode: Literal["recompute", "restart"] = Field(
        "recompute",
        description=(
            "recompute: deadlines are recomputed from the stage start for the new priority; "
            "restart: the clock restarts at the change (the ticket's change event)."
        ),
    )
    event: str = Field(
        "priority_changed",
        description="The ticket event that records when the priority changed.",
        examples=["priority_changed"],
    )


class PolicySpec(_Spec):
    """One SLA policy file."""

    slarules: Literal[1] = Field(description="The file format version. Write 1.")
    id: str = Field(description="The policy's id.", examples=["after-sales-response"])
    version: Annotated[str, BeforeValidator(_as_text)] = Field(
        description="The policy's own version; quote it if it could read as a number.",
        examples=["2025.1"],
    )
    title: str | None = Field(None, description="A human title.")
    description: str | None = Field(None, description="What the policy covers.")
    source: str | None = Field(
        None, description="The document this policy implements.", examples=["SOP-CS-001 §4"]
    )
    timezone: str = Field(
        description="The IANA time zone of the policy's calendars.", examples=["Asia/Shanghai"]
    )
    calendars: dict[str, CalendarSpec] = Field(
        default_factory=dict, description="Named business-hour calendars."
    )
    fields: dict[str, FieldSpec] = Field(
        default_factory=dict, description="The ticket fields conditions may test."
    )
    events: list[str] | None = Field(
        None,
        description="The ticket events stages may use. When given, every name is checked.",
        examples=[["created", "first_response", "closed"]],
    )
    statuses: list[str] | None = Field(
        None,
        description="The ticket statuses. When given, pause statuses are checked against it.",
        examples=[["open", "waiting_on_customer"]],
    )
    priorities: list[PrioritySpec] = Field(description="Priority levels, highest first.")
    stages: dict[str, StageSpec] = Field(description="The clocks, by name.")
    priority_change: PriorityChangeSpec = Field(
        default_factory=PriorityChangeSpec,
        description="How deadlines follow a change of priority.",
    )
    report: ReportSpec | None = Field(
        None,
        description="Where the business measures live (satisfaction, complaints, overdue "
        "reasons, first-contact resolution) for `slarules report`. See docs/report.md.",
    )

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not a valid policy id; {_ID_HINT}")
        return value
