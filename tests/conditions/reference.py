"""A deliberately naive interpreter of the condition language, written from docs/conditions.md.

It shares no code with the compiler: the property tests check that the compiled (and fused)
closures decide exactly as this reading of the documentation does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

__all__ = ["decide"]

_ORDER_OPS = {"lt", "lte", "gt", "gte", "between"}


def _lookup(key: str, ticket: Mapping[str, Any], builtins: Mapping[str, Any]) -> Any:
    head = key.split(".")[0]
    if head in ("priority", "status"):
        return builtins.get(head)
    if head == "events":
        name = key.split(".", 1)[1]
        when = builtins.get("events", {}).get(name)
        at = builtins.get("at")
        if when is None or (at is not None and when > at):
            return None
        return when
    path = key.split(".")[1:] if head == "fields" else key.split(".")
    value: Any = ticket
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _as_time(v: Any) -> Any:
    return datetime.fromisoformat(v) if isinstance(v, str) else v


def _test(op: str, x: Any, v: Any, key: str, ranks: Mapping[str, int]) -> bool:
    if op == "exists":
        return (x is not None) is v
    if x is None:
        return False
    if key == "priority" and op in _ORDER_OPS:
        x = ranks[x]
        v = sorted(ranks[i] for i in v) if isinstance(v, list) else ranks[v]
    if isinstance(x, datetime):
        v = [_as_time(i) for i in v] if isinstance(v, list) else _as_time(v)
    if op == "eq":
        return bool(x == v)
    if op == "ne":
        return bool(x != v)
    if op == "in":
        return any(x == i for i in v)
    if op == "not_in":
        return all(x != i for i in v)
    if op == "lt":
        return bool(x < v)
    if op == "lte":
        return bool(x <= v)
    if op == "gt":
        return bool(x > v)
    if op == "gte":
        return bool(x >= v)
    if op == "between":
        return bool(v[0] <= x <= v[1])
    if op == "contains":
        return v in x
    if op == "starts_with":
        return bool(x.startswith(v))
    if op == "ends_with":
        return bool(x.endswith(v))
    if op == "matches":
        return re.search(v, x) is not None
    if op == "empty":
        return (len(x) == 0) is v
    if op == "any_of":
        return any(i in x for i in v)
    if op == "all_of":
        return all(i in x for i in v)
    if op == "none_of":
        return not any(i in x for i in v)
    raise AssertionError(op)


def decide(
    raw: Any,
    ticket: Mapping[str, Any],
    builtins: Mapping[str, Any] | None = None,
    ranks: Mapping[str, int] | None = None,
) -> bool:
    """Whether ``raw`` holds for ``ticket`` (validated fields) and the built-ins."""
    builtins = builtins or {}
    ranks = ranks or {}
    if isinstance(raw, bool):
        return raw
    results = []
    for key, value in raw.items():
        if key == "all":
            results.append(all(decide(c, ticket, builtins, ranks) for c in value))
        elif key == "any":
            results.append(any(decide(c, ticket, builtins, ranks) for c in value))
        elif key == "not":
            results.append(not decide(value, ticket, builtins, ranks))
        else:
            x = _lookup(key, ticket, builtins)
            if isinstance(value, Mapping):
                ops: list[tuple[str, Any]] = list(value.items())
            elif isinstance(value, list):
                ops = [("in", value)]
            else:
                ops = [("eq", value)]
            results.extend(_test(op, x, v, key, ranks) for op, v in ops)
    return all(results)
