"""Builders shared by the condition tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pytest

from slarules import PolicyError
from slarules.conditions import Condition, Env, FieldSet, FieldSpec, compile_condition

PRIORITIES = ("urgent", "important", "routine")
EVENTS = ("created", "first_response", "closed")

DECLARATIONS: dict[str, Any] = {
    "level": {"enum": ["urgent", "important", "routine"]},
    "customer_grade": {"enum": ["vip", "normal"], "default": "normal"},
    "system_down": {"type": "boolean", "default": False},
    "acceptance_in_days": {"type": "integer"},
    "score": {"type": "number"},
    "subject": {"type": "string"},
    "due": {"type": "datetime"},
    "tags": {"type": "list", "items": {"type": "string"}},
    "areas": {"type": "list", "items": {"enum": ["billing", "outage", "login"]}},
    "customer": {"type": "object", "properties": {"grade": {"enum": ["key", "standard"]}}},
    "priority": {"type": "integer"},
    "status": {"type": "string"},
}


def make_fields(declarations: Mapping[str, Any] | None = None) -> FieldSet:
    """A compiled ``fields:`` section (the shared declarations unless given)."""
    decls = DECLARATIONS if declarations is None else declarations
    return FieldSet.compile({k: FieldSpec.model_validate(v) for k, v in decls.items()})


FIELDS = make_fields()


def cond(
    raw: Any,
    *,
    scope: str = "stage",
    fields: FieldSet = FIELDS,
    statuses: Sequence[str] | None = None,
) -> Condition:
    """Compile ``raw`` against the shared fields, priorities and events."""
    return compile_condition(
        raw,
        fields,
        scope=scope,  # type: ignore[arg-type]
        priorities=PRIORITIES,
        events=EVENTS,
        statuses=statuses,
    )


def env(
    fields: Mapping[str, Any] | None = None,
    *,
    priority: str | None = None,
    status: str | None = None,
    events: Mapping[str, str] | None = None,
    at: str | None = None,
) -> Env:
    """An ``Env`` whose fields went through validation; times are ISO strings."""
    return Env(
        FIELDS.validate(fields or {}),
        priority=priority,
        status=status,
        events={k: datetime.fromisoformat(v) for k, v in (events or {}).items()},
        at=None if at is None else datetime.fromisoformat(at),
    )


def problems(raw: Any, **kwargs: Any) -> list[tuple[str, tuple[str | int, ...]]]:
    """The (code, path) of every problem compiling ``raw`` reports."""
    with pytest.raises(PolicyError) as info:
        cond(raw, **kwargs)
    return [(p.code, p.path) for p in info.value.problems]


def only_problem(raw: Any, **kwargs: Any) -> Any:
    """The single problem compiling ``raw`` reports."""
    with pytest.raises(PolicyError) as info:
        cond(raw, **kwargs)
    assert len(info.value.problems) == 1, info.value
    return info.value.problems[0]
