"""Translate conditions into durable-rules JSON rulesets and decide tickets with both engines.

Only the core the two languages share is translated: equality, ``ne``, ``in`` (as ``$or`` of
equalities), ``lt``/``lte``/``gt``/``gte``, ``all``/``any``, ``exists`` and ``matches``.
Intended differences are bridged here, and documented in docs/conditions.md:

- ``matches`` finds a match anywhere (RE2 ``search``); durable-rules' ``$mt`` must match the
  whole string, so a pattern ``p`` is posted as ``.*(p).*`` (tickets hold no newlines).
- durable-rules never lets ``$nex`` decide a rule alone or under ``$or`` (the host loops
  forever), so every rule is ``$and``-ed with a marker that every ticket carries, and
  generated conditions use ``exists: false`` only in a top-level conjunction.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from durable import engine

__all__ = ["Oracle", "to_durable"]

_OPS = {"ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


def _leaf(field: str, op: str, value: Any) -> dict[str, Any]:
    if op == "eq":
        return {field: value}
    if op == "in":
        return {"$or": [{field: v} for v in value]}
    if op == "exists":
        return {("$ex" if value else "$nex"): {field: 1}}
    if op == "matches":
        return {"$mt": {field: f".*({value}).*"}}
    return {_OPS[op]: {field: value}}


def to_durable(raw: Any) -> dict[str, Any]:
    """The durable-rules expression (``m`` pattern) equivalent to one condition."""
    parts: list[dict[str, Any]] = []
    for key, value in raw.items():
        if key in ("all", "any"):
            subs = [to_durable(v) for v in value]
            parts.append({"$and" if key == "all" else "$or": subs})
        elif isinstance(value, Mapping):
            parts.extend(_leaf(key, op, operand) for op, operand in value.items())
        elif isinstance(value, list):
            parts.append(_leaf(key, "in", value))
        else:
            parts.append(_leaf(key, "eq", value))
    return parts[0] if len(parts) == 1 else {"$and": parts}


class Oracle:
    """One durable-rules host; ``decide`` posts a ticket against a condition's ruleset."""

    def __init__(self) -> None:
        self.host = engine.Host()
        self._names = itertools.count()
        self._sids = itertools.count()
        self._fired: list[bool] = []

    def ruleset(self, raw: Any) -> str:
        name = f"rs{next(self._names)}"
        pattern = {"$and": [{"_k": 1}, to_durable(raw)]}

        def fired(c: Any) -> None:
            self._fired.append(True)

        self.host.set_rulesets({name: {"r": {"all": [{"m": pattern}], "run": fired}}})
        return name

    def decide(self, ruleset: str, fields: Mapping[str, Any]) -> bool:
        self._fired.clear()
        message = {**fields, "_k": 1, "sid": str(next(self._sids))}
        try:
            self.host.post(ruleset, message)
        except engine.MessageNotHandledException:
            return False
        return bool(self._fired)
