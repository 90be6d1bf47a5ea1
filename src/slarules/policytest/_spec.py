"""The shape of a policy test file, as frozen pydantic models (shape only).

A test file is a table of examples a support manager can read::

    policy: after-sales-response.yaml        # default: the policy beside the test file
    tickets:                                 # optional: tickets several cases share
      urgent-phone:
        fields: {level: urgent}
        events: {created: 2025-10-09T14:30:00+08:00}
    cases:
      - name: an urgent ticket gets its first response within 30 minutes
        ticket: urgent-phone     # a name under tickets:, an inline ticket, or {file: PATH}
        at: 2025-10-09T14:40:00+08:00
        expect:
          priority: urgent
          stages:
            first_response: {status: running, deadline: 2025-10-09T15:00:00+08:00}
          actions:
            - {kind: notify, stage: first_response, to: assignee}
          no_actions:
            - {stage: closure}
          next_evaluation_at: 2025-10-09T14:54:00+08:00
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

__all__ = [
    "ActionMatcherSpec",
    "CaseSpec",
    "ExpectSpec",
    "StageExpectSpec",
    "TestFileSpec",
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(
            f"{value.isoformat()} has no UTC offset; write it with one, "
            f"e.g. {value.isoformat()}+08:00"
        )
    return value


def _all_actions(value: Any) -> Any:
    """``no_actions: all`` is one matcher that matches every action."""
    if isinstance(value, str):
        if value != "all":
            raise ValueError(f"{value!r} is not a list of action matchers; write a list, or `all`")
        return [{}]
    return value


Names = Annotated[
    list[str],
    BeforeValidator(_listify),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]
StageStatusName = Literal["pending", "running", "paused", "met", "met_late", "breached", "skipped"]
ActionKindName = Literal["notify", "escalate", "assign"]


class StageExpectSpec(_Spec):
    """What one stage should show. Only the keys written are checked."""

    status: StageStatusName | None = None
    deadline: datetime | None = Field(None, description="The deadline; null: no deadline.")
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    elapsed: str | None = Field(None, description="Working time used, e.g. 1h30m.")
    remaining: str | None = Field(None, description="Time left, e.g. 20m; -10m when late.")

    _aware_times = field_validator("deadline", "started_at", "stopped_at")(_aware)


class ActionMatcherSpec(_Spec):
    """Matches a due action when every key written matches."""

    kind: ActionKindName | None = None
    stage: str | None = None
    step: str | None = None
    to: Names | None = Field(None, description="Roles the action must include.")
    via: Names | None = Field(None, description="Channels the action must include.")
    key: str | None = None
    due_at: datetime | None = None
    count: int | None = Field(None, ge=0, description="Exactly this many actions match.")

    _aware_due = field_validator("due_at")(_aware)


class ExpectSpec(_Spec):
    """The expectations of one case; at least one is required."""

    priority: str | None = None
    stages: dict[str, StageExpectSpec] | None = None
    breaches: Names | None = Field(None, description="Exactly these stages are breached or late.")
    actions: list[ActionMatcherSpec] | None = None
    no_actions: Annotated[list[ActionMatcherSpec] | None, BeforeValidator(_all_actions)] = Field(
        None, description="Matchers no due action may match; `all`: no action is due at all."
    )
    next_evaluation_at: datetime | None = None

    _aware_next = field_validator("next_evaluation_at")(_aware)


class CaseSpec(_Spec):
    """One example: a ticket, an instant and what the policy must answer."""

    name: str = Field(min_length=1)
    description: str | None = None
    ticket: str | dict[str, Any] = Field(
        description="A name under `tickets:`, an inline ticket, or {file: PATH} (JSON or YAML)."
    )
    at: datetime
    expect: ExpectSpec

    _aware_at = field_validator("at")(_aware)


class TestFileSpec(_Spec):
    """A ``*.test.yaml`` file."""

    __test__ = False  # not a pytest test class

    policy: str | None = Field(None, description="The policy file, relative to this file.")
    description: str | None = None
    tickets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    cases: list[CaseSpec] = Field(min_length=1)
