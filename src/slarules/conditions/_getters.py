"""Reading what a condition tests from an ``Env``: ticket fields and the built-ins.

Every getter returns ``None`` when the value is absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._env import Env
from ._operators import Getter

__all__ = ["event_getter", "field_getter", "get_priority", "get_status", "rank_getter"]


def get_priority(env: Env) -> str | None:
    """The SLA priority chosen by the policy."""
    return env.priority


def get_status(env: Env) -> str | None:
    """The ticket's status at the instant."""
    return env.status


def rank_getter(ranks: Mapping[str, int]) -> Getter:
    """The urgency rank of the SLA priority (greater is more urgent)."""

    def priority_rank(env: Env) -> int | None:
        p = env.priority
        return None if p is None else ranks.get(p)

    return priority_rank


def field_getter(parts: tuple[str, ...]) -> Getter:
    """A ticket field, top-level (``("level",)``) or nested (``("customer", "grade")``)."""
    first, rest = parts[0], parts[1:]
    if not rest:

        def get_field(env: Env) -> Any:
            return env.fields.get(first)

        return get_field

    def get_nested(env: Env) -> Any:
        value = env.fields.get(first)
        for part in rest:
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return value

    return get_nested


def event_getter(name: str) -> Getter:
    """When the event happened, if it happened at or before the evaluation instant."""

    def get_event(env: Env) -> Any:
        when = env.events.get(name)
        if when is None:
            return None
        at = env.at
        if at is not None and when > at:
            return None  # not happened yet at the instant
        return when

    return get_event
