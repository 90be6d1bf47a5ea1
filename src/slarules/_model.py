"""The shape of a policy file, as frozen pydantic models (shape only; meaning is in ``_check``).

Each concept owns the model of its own section: calendars (``calendar.CalendarSpec``) and
field declarations (``conditions.FieldSpec``) live with the code that compiles them, and
are assembled here into ``PolicySpec``. Unknown keys are rejected everywhere.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ._durations import show
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
    "StageTarget",
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


def _format_version(value: Any) -> Any:
    """``slarules: 1`` exactly: ``true``, ``1.0`` and ``"1"`` are not the format version 1."""
    if isinstance(value, bool | float | str):
        shown = str(value).lower() if isinstance(value, bool) else show(value)
        raise PydanticCustomError(
            "bad-value",
            "{message}",
            {"message": f"{shown} is not a format version; write slarules: 1 (unquoted)"},
        )
    return value


def _as_text(value: Any) -> Any:
    """Versions such as ``2025.1`` arrive as numbers; keep them as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


Names = Annotated[
    list[str],
    BeforeValidator(_listify),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]
"""A list of names; one name may be written without brackets."""

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
    title: str | None = Field(
        None, description="A human title, shown in explanations.", examples=["Urgent"]
    )
    description: str | None = Field(
        None,
        description="What this level means, for people.",
        examples=["Core function broken, or a safety risk"],
    )
    when: ConditionData | None = Field(
        None,
        description="The condition a ticket must meet to get this priority. Not on the default.",
        examples=[{"level": "urgent"}, {"any": [{"level": "urgent"}, {"customer_grade": "vip"}]}],
    )
    default: StrictBool = Field(
        False,
        description="The priority of tickets no other level matches. Exactly one, the last.",
        examples=[True],
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
    when: ConditionData | None = Field(
        None,
        description="The clock also pauses while this condition holds.",
        examples=[{"fields.on_hold": True}],
    )


class TargetSpec(_Spec):
    """A target on another calendar than the stage's."""

    due: str = Field(
        description="The target expression, counted on `calendar`.",
        examples=["5 business days", "end of business day"],
    )
    calendar: str = Field(
        description="The calendar the target counts on, instead of the stage's.",
        examples=["office"],
    )


def _number(value: int | float) -> str | None:
    """A number as an author would write it (``4``, ``1.5``), or ``None`` for one no unit
    makes a duration: infinite, not a number, or of more than 15 digits."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if abs(value) >= 10**15:
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


def _target_text(value: Any) -> Any:
    """A target written as a number, a boolean or nothing gets a message that says what to write."""
    if value is None:
        raise PydanticCustomError(
            "bad-target",
            "{message}",
            {
                "message": "the target is empty; write a duration such as 4h, 'none' to track "
                "the stage without a deadline, or 'skip' when it does not apply"
            },
        )
    if isinstance(value, bool):
        raise PydanticCustomError(
            "bad-target",
            "{message}",
            {"message": f"{str(value).lower()} is not a target; write a duration such as 4h"},
        )
    if isinstance(value, int | float):
        number = _number(value)
        if number is None:
            raise PydanticCustomError(
                "bad-target",
                "{message}",
                {"message": f"{show(value)} is not a target; write a duration such as 4h"},
            )
        raise PydanticCustomError(
            "bad-target",
            "{message}",
            {"message": f"{number} has no unit; did you mean '{number}m' or '{number}h'?"},
        )
    return value


_TARGET_DESCRIPTION = (
    "A duration (30m, 2h30m, PT4H), 'N business days', 'N days', 'end of business day', "
    "'next mon 12:00', 'N business days before EVENT', '0m' (immediately), "
    "'none' (tracked, no deadline), 'skip' (the stage does not apply), or "
    "{due: EXPR, calendar: NAME} to count on another calendar."
)


def _one_target_kind(value: Any) -> str:
    # tags contain "[" so that _shape drops them from error paths
    return "target[calendar]" if isinstance(value, dict) else "target[text]"


TargetValue = Annotated[
    Annotated[
        Annotated[str, BeforeValidator(_target_text)],
        Tag("target[text]"),
    ]
    | Annotated[TargetSpec, Tag("target[calendar]")],
    Discriminator(_one_target_kind),
    Field(description=_TARGET_DESCRIPTION, examples=["30m", "5 business days", "skip"]),
]


def _target_kind(value: Any) -> str:
    if isinstance(value, dict) and not ("due" in value and set(value) <= {"due", "calendar"}):
        return "target[by-priority]"
    return "target[one]"


StageTarget = Annotated[
    Annotated[TargetValue, Tag("target[one]")]
    | Annotated[dict[str, TargetValue], Tag("target[by-priority]")],
    Discriminator(_target_kind),
]
"""One target for every priority, or a mapping of priority id to target."""


def _threshold_text(value: Any) -> Any:
    """``at: 80`` (a forgotten ``%``) gets a message that says what to write."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _number(value)
        message = (
            f"{show(value)} is not a ladder threshold; write e.g. 80% or breach"
            if number is None
            else f"{number} has no unit; did you mean '{number}%'?"
        )
        raise PydanticCustomError("bad-threshold", "{message}", {"message": message})
    return value


class StepSpec(_Spec):
    """One step of a stage's ladder: when it fires and the action it yields."""

    id: str | None = Field(
        None,
        description="A stable name for the step, used in action keys. Default: from the trigger.",
        examples=["early-warning"],
    )
    at: Annotated[str, BeforeValidator(_threshold_text)] | None = Field(
        None,
        description=(
            "Fire at a share of the target (80%), at the deadline (breach), or a working time "
            "before or after it. Exactly one of at, on, every."
        ),
        examples=["80%", "breach", "breach + 4h", "30m before breach"],
    )
    on: Literal["start", "stop"] | None = Field(
        None,
        description="Fire once when the stage starts or stops (start or stop).",
        examples=["start"],
    )
    every: str | None = Field(
        None,
        description=(
            "Fire repeatedly while the stage runs: every working interval after the start, "
            "or at every end of business day."
        ),
        examples=["2h", "end of business day"],
    )
    calendar: str | None = Field(
        None,
        description=(
            "The calendar for 'breach + 4h' and 'every' (default: the calendar of the "
            "target the step measures)."
        ),
        examples=["office"],
    )
    when: ConditionData | None = Field(
        None,
        description="The step fires only for tickets that meet this condition.",
        examples=[{"priority": "urgent"}],
    )
    notify: Names | None = Field(
        None,
        description="Roles to notify. Exactly one of notify, escalate, assign.",
        examples=[["assignee"], ["supervisor"]],
    )
    escalate: Names | None = Field(
        None, description="Roles to escalate the ticket to.", examples=[["director_group"]]
    )
    assign: Names | None = Field(
        None, description="Roles to assign the ticket to.", examples=[["operations"]]
    )
    via: Names = Field(
        default_factory=list,
        description="Channels to use (passed to the host as they are).",
        examples=[["sms", "email"]],
    )
    reason: str | None = Field(
        None, description="One human sentence that says why.", examples=["Early warning"]
    )
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="Free data passed through to the host with the action.",
        examples=[{"template": "sla-warning"}],
    )


def _not_null(schema: dict[str, Any]) -> None:
    """Omitted is fine, but an explicit null is refused: keep editors from offering it."""
    options = schema.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        schema.pop("anyOf")
        schema.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
    schema.pop("default", None)


class StageSpec(_Spec):
    """A clock: starts at one event, stops at another, pauses, has a target per priority."""

    title: str | None = Field(
        None, description="A human title, shown in explanations.", examples=["First response"]
    )
    description: str | None = Field(
        None,
        description="What the stage measures, for people.",
        examples=["From the ticket's creation to the first reply to the customer"],
    )
    start: str = Field(description="The event that starts the clock.", examples=["created"])
    stop: str = Field(description="The event that stops the clock.", examples=["first_response"])
    calendar: str | None = Field(
        None,
        description="The calendar the clock runs on (default: 24x7 in the policy's time zone).",
        examples=["office", "always"],
    )
    pause: PauseSpec | None = Field(
        None,
        description="When the clock stops: while the ticket is in a status, or a condition holds.",
        examples=[{"status": ["waiting_on_customer", "waiting_for_parts"]}],
    )
    when: ConditionData | None = Field(
        None,
        description="The stage applies only to tickets that meet this condition.",
        examples=[{"channel": "phone"}],
    )
    target: StageTarget | None = Field(
        None,
        json_schema_extra=_not_null,
        description=(
            "The time limit: one expression for every priority, or a mapping of priority id "
            "to expression. Omit it (or write 'none') to track the stage without a deadline."
        ),
        examples=[{"urgent": "30m", "important": "2h", "routine": "4h"}, "24h"],
    )
    ladder: list[StepSpec] = Field(
        default_factory=list,
        description="Steps that yield actions as time passes (warnings, escalations, reports).",
        examples=[
            [{"at": "80%", "notify": ["assignee"]}, {"at": "breach", "notify": ["supervisor"]}]
        ],
    )

    @field_validator("target", mode="before")
    @classmethod
    def _target_written(cls, value: Any) -> Any:
        # an omitted target tracks the stage without a deadline; an empty one is a slip
        return _target_text(value) if value is None else value


class PriorityChangeSpec(_Spec):
    """What happens to running clocks when a ticket's priority changes."""

    mode: Literal["recompute", "restart"] = Field(
        "recompute",
        description=(
            "recompute: deadlines are recomputed from the stage start for the new priority; "
            "restart: the clock restarts at the change (the ticket's change event)."
        ),
        examples=["restart"],
    )
    event: str = Field(
        "priority_changed",
        description="The ticket event that records when the priority changed.",
        examples=["priority_changed"],
    )


class PolicySpec(_Spec):
    """One SLA policy file."""

    slarules: Annotated[Literal[1], BeforeValidator(_format_version)] = Field(
        description="The file format version. Write 1.", examples=[1]
    )
    id: str = Field(description="The policy's id.", examples=["after-sales-response"])
    version: Annotated[
        str, BeforeValidator(_as_text), WithJsonSchema({"type": ["string", "number"]})
    ] = Field(
        description=(
            "The policy's own version, shown in every evaluation. In a file, an unquoted "
            "number is kept as written (2025.10 stays 2025.10)."
        ),
        examples=["2025.1"],
    )
    title: str | None = Field(
        None, description="A human title.", examples=["After-sales response time management"]
    )
    description: str | None = Field(
        None,
        description="What the policy covers, for people.",
        examples=["Response limits for after-sales tickets from every channel"],
    )
    source: str | None = Field(
        None, description="The document this policy implements.", examples=["SOP-CS-001 §4"]
    )
    timezone: str = Field(
        description="The IANA time zone of the policy's calendars.", examples=["Asia/Shanghai"]
    )
    calendars: dict[str, CalendarSpec] = Field(
        default_factory=dict,
        description="Named business-hour calendars. `24x7` is built in.",
        examples=[
            {"office": {"hours": {"mon-fri": ["09:00-18:00"]}, "holidays": {"country": "CN"}}}
        ],
    )
    fields: dict[str, FieldSpec] = Field(
        default_factory=dict,
        description="The ticket fields conditions may test, with their types.",
        examples=[{"level": {"enum": ["urgent", "important", "routine"], "required": True}}],
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
    priorities: list[PrioritySpec] = Field(
        description="Priority levels, highest first; the first whose condition holds wins.",
        examples=[
            [{"id": "urgent", "when": {"level": "urgent"}}, {"id": "routine", "default": True}]
        ],
    )
    stages: dict[str, StageSpec] = Field(
        description="The clocks, by name.",
        examples=[
            {"first_response": {"start": "created", "stop": "first_response", "target": "4h"}}
        ],
    )
    priority_change: PriorityChangeSpec = Field(
        default_factory=PriorityChangeSpec,
        description="How deadlines follow a change of priority.",
        examples=[{"mode": "recompute"}],
    )
    report: ReportSpec | None = Field(
        None,
        description="Where the business measures live (satisfaction, complaints, overdue "
        "reasons, first-contact resolution) for `slarules report`. See docs/report.md.",
        examples=[{"satisfaction": {"field": "satisfaction_score"}}],
    )

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not a valid policy id; {_ID_HINT}")
        return value
