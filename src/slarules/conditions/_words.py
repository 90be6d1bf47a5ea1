"""How ``Condition.describe`` says each test in words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._operators import Operator
from ._types import FieldType

__all__ = ["words"]

_PRIORITY = {
    "lt": "{label} is less urgent than {value}",
    "lte": "{label} is {value} or less urgent",
    "gt": "{label} is more urgent than {value}",
    "gte": "{label} is {value} or more urgent",
    "between": "{label} is between {value} in urgency",
}
_TIME = {
    "lt": "{label} is before {value}",
    "lte": "{label} is at or before {value}",
    "gt": "{label} is after {value}",
    "gte": "{label} is at or after {value}",
}
_EVENT = {"exists": ("{label} has happened", "{label} has not happened")}
_FLAGS = {
    "exists": ("{label} is set", "{label} is not set"),
    "empty": ("{label} is empty", "{label} is not empty"),
}


def _show(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, tuple):
        return " and ".join(_show(v) for v in value)
    if hasattr(value, "pattern"):
        return f"/{value.pattern}/"
    return str(value)


def words(op: Operator, label: str, ftype: FieldType, operand: Any) -> str:
    """One test in words: ``level is urgent``, ``tags include any of a, b``."""
    name = op.name
    template = op.words
    if ftype.kind == "event":
        label = f"event {label}"
    if name in ("exists", "empty"):
        table = _EVENT if ftype.kind == "event" else _FLAGS
        yes, no = table[name]
        return (yes if operand else no).format(label=label)
    if ftype.kind == "priority":
        template = _PRIORITY.get(name, template)
    elif ftype.kind in ("datetime", "event"):
        template = _TIME.get(name, template)
    if name in ("contains", "starts_with", "ends_with") and ftype.kind != "list":
        return template.format(label=label, value=repr(operand))
    return template.format(label=label, value=_show(operand))
