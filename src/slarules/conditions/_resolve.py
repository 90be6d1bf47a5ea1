"""What a key in a condition names: a declared ticket field or a built-in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Literal

from slarules._suggest import did_you_mean, listing

from ._fields import FieldSet
from ._getters import event_getter, field_getter, get_priority, get_status
from ._operators import Getter
from ._types import FieldType
from ._values import BadValue

__all__ = ["BUILTINS", "Scope", "Target", "resolve"]

Scope = Literal["priority", "stage"]
BUILTINS = ("priority", "status", "events")


@dataclass(frozen=True, slots=True)
class Target:
    """What a key resolves to: how to read it, its type, and how sentences call it.

    ``top`` is the field name for a top-level ticket field (the fast paths read it directly);
    ``field`` the dotted field path, ``event`` the event name, when it is one of those.
    """

    get: Getter
    type: FieldType
    label: str
    top: str | None = None
    field: str | None = None
    event: str | None = None


def resolve(key: str, fields: FieldSet, scope: Scope, events: Sequence[str]) -> Target:
    """Resolve ``key``; raise ``BadValue`` with a code (``unknown-field``, ...) if it names
    nothing usable here."""
    head = key.split(".", 1)[0]
    if head in BUILTINS:
        return _builtin(key, fields, scope, events)
    name = key[len("fields.") :] if head == "fields" else key
    ftype = fields.type_of(name)
    if ftype is None:
        choices: Iterable[str] = fields.paths
        if scope == "stage":
            choices = chain(choices, ("priority", "status"), (f"events.{e}" for e in events))
        hint = did_you_mean(name, choices) or (
            "declared fields are: " + listing(fields.paths)
            if fields.paths
            else "declare it under `fields:`"
        )
        raise BadValue(f"{name!r} is not a declared field", hint, "unknown-field")
    parts = tuple(name.split("."))
    top = name if len(parts) == 1 else None
    return Target(field_getter(parts), ftype, key, top=top, field=name)


def _builtin(key: str, fields: FieldSet, scope: Scope, events: Sequence[str]) -> Target:
    head, _, rest = key.partition(".")
    if scope == "priority":
        if head == "priority":
            hint = "the SLA priority is not known while it is being chosen"
        else:
            hint = f"`{head}` is a built-in of stage and ladder conditions only"
        if fields.type_of(key) is not None or fields.type_of(head) is not None:
            hint += f"; to test the ticket field write fields.{key}"
        raise BadValue(
            f"the built-in {key!r} cannot be used in a priority condition",
            hint,
            "builtin-not-available",
        )
    if head == "events":
        if not rest or "." in rest:
            raise BadValue(
                f"{key!r} does not name an event",
                "write events.<name>, e.g. events.created",
                "unknown-field",
            )
        if rest not in events:
            hint = did_you_mean(rest, events) or (
                "known events are: " + listing(events) if events else "the policy names no events"
            )
            raise BadValue(f"{rest!r} is not an event of this policy", hint, "unknown-event")
        return Target(event_getter(rest), FieldType("event"), rest, event=rest)
    if rest:
        raise BadValue(
            f"the built-in {head!r} has no part {rest!r}",
            f"to test a ticket field write fields.{key}",
            "unknown-field",
        )
    if head == "priority":
        return Target(get_priority, FieldType("priority"), "the priority")
    return Target(get_status, FieldType("status"), "the status")
