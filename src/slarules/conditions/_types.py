"""The types a condition can test: declared field types and the built-ins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from slarules._suggest import listing

__all__ = ["MAX_STRING_LENGTH", "FieldType", "Kind", "TypeName"]

MAX_STRING_LENGTH = 65_536
"""The longest string (in characters) a ticket field may hold: 64 Ki characters.

Longer values are refused by ``FieldSet.validate`` (and by ``matches`` on built-ins) with a
``TicketError`` rather than scanned.
"""

TypeName = Literal["string", "integer", "number", "boolean", "datetime", "list", "object"]
Kind = Literal[
    "string",
    "integer",
    "number",
    "boolean",
    "datetime",
    "list",
    "object",
    "enum",
    "priority",  # built-in: the SLA priority, ordered
    "status",  # built-in: the current status, a string
    "event",  # built-in: when an event happened, a datetime
]


@dataclass(frozen=True, slots=True)
class FieldType:
    """The compiled type of a field (or built-in)."""

    kind: Kind
    enum: tuple[str | int, ...] | None = None
    item: FieldType | None = None
    properties: Mapping[str, FieldType] | None = None

    def describe(self) -> str:
        """What values of this type look like, for messages: ``one of urgent, important``."""
        if self.enum is not None:
            return "one of " + listing(self.enum, limit=20)
        if self.kind == "list":
            assert self.item is not None
            return f"a list of {_plural(self.item)}"
        if self.kind == "object":
            assert self.properties is not None
            return "an object with " + ", ".join(self.properties)
        return _ARTICLE[self.kind]


_ARTICLE: dict[str, str] = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "datetime": "an ISO 8601 date-time with an offset",
    "priority": "a priority id",
    "status": "a status name",
    "event": "an event time",
}


def _plural(item: FieldType) -> str:
    if item.enum is not None:
        return "values from " + ", ".join(str(v) for v in item.enum)
    return {
        "string": "strings",
        "integer": "integers",
        "number": "numbers",
        "boolean": "booleans",
        "datetime": "date-times",
    }.get(item.kind, item.kind)
