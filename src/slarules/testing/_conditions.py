"""``conditions(fields)``: conditions valid for a ``fields:`` declaration (and a policy's
built-ins), in the plain-data shape a policy file holds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from hypothesis import strategies as st

from slarules._errors import UsageError
from slarules._policy import Policy
from slarules.conditions import FieldSet, FieldSpec, FieldType

from ._values import datetimes_text, scalar_values, text

__all__ = ["conditions"]

_BUILTINS = ("priority", "status", "events")
Leaf = st.SearchStrategy[dict[str, Any]]


def _fieldset(fields: Policy | FieldSet | Mapping[str, Any]) -> FieldSet:
    if isinstance(fields, Policy):
        return fields.compiled.fields
    if isinstance(fields, FieldSet):
        return fields
    if isinstance(fields, Mapping):
        return FieldSet.compile({k: FieldSpec.model_validate(v) for k, v in fields.items()})
    raise UsageError(
        "conditions() takes a Policy, a FieldSet or a `fields:` mapping, "
        f"not {type(fields).__name__}"
    )


def _spec_of(fields: FieldSet, path: str) -> FieldSpec:
    parts = path.split(".")
    spec = fields.specs[parts[0]]
    for part in parts[1:]:
        assert spec.properties is not None
        spec = spec.properties[part]
    return spec


def _key(path: str) -> st.SearchStrategy[str]:
    if path.split(".", 1)[0] in (*_BUILTINS, "fields", "all", "any", "not"):
        return st.just(f"fields.{path}")
    return st.sampled_from((path, f"fields.{path}"))


def _ops(key: str, tests: Mapping[str, st.SearchStrategy[Any]]) -> Leaf:
    """``{key: {op: operand}}`` for one of ``tests``, or a plain value for ``eq``/``in``."""
    return st.one_of([_wrap(key, op, operand) for op, operand in tests.items()])


def _wrap(key: str, op: str, operand: st.SearchStrategy[Any]) -> Leaf:
    def build(value: Any) -> dict[str, Any]:
        return {key: {op: value}}

    return operand.map(build)


def _pair(values: st.SearchStrategy[Any], kind: str) -> st.SearchStrategy[list[Any]]:
    """``[low, high]``: in order for numbers and instants (priorities may come either way)."""
    pairs = st.lists(values, min_size=2, max_size=2)
    if kind == "priority":
        return pairs
    if kind in ("datetime", "event"):
        return pairs.map(lambda v: sorted(v, key=datetime.fromisoformat))
    return pairs.map(sorted)


def _some(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(values, min_size=1, max_size=3, unique=True)


def _leaf(
    key: str, ftype: FieldType, spec: FieldSpec | None, values: st.SearchStrategy[Any]
) -> Leaf:
    kind = ftype.kind
    exists = {"exists": st.booleans()}
    if kind == "object":
        return _ops(key, exists)
    if kind == "list":
        assert spec is not None
        assert spec.items is not None
        item = scalar_values(spec.items)
        return _ops(
            key,
            {
                "contains": item,
                "any_of": _some(item),
                "all_of": _some(item),
                "none_of": _some(item),
                "empty": st.booleans(),
                **exists,
            },
        )
    plain = values.map(lambda v: {key: v}) | _some(values).map(lambda v: {key: v})
    tests: dict[str, st.SearchStrategy[Any]] = {
        "eq": values,
        "ne": values,
        "in": _some(values),
        "not_in": _some(values),
        **exists,
    }
    if kind in ("integer", "number", "datetime", "priority", "event"):
        tests |= {"lt": values, "lte": values, "gt": values, "gte": values}
        tests["between"] = _pair(values, kind)
    if kind in ("string", "status"):
        tests |= {
            "contains": text,
            "starts_with": text,
            "ends_with": text,
            "matches": st.from_regex(r"\A\^?[a-z0-9_]{0,6}\$?\Z"),
        }
        if kind == "string":
            tests["empty"] = st.booleans()
    if kind == "event":
        return _ops(key, tests)
    return plain | _ops(key, tests)


def conditions(
    fields: Policy | FieldSet | Mapping[str, Any],
    *,
    builtins: bool = False,
    max_depth: int = 2,
) -> st.SearchStrategy[dict[str, Any]]:
    """Conditions valid for the declared fields, as plain data (``{level: urgent}``,
    ``{any: [...]}``, ``{score: {between: [1, 5]}}``), nested ``all``/``any``/``not`` up to
    ``max_depth``.

    ``fields`` is a ``Policy``, a compiled ``FieldSet`` or a ``fields:`` mapping. With a
    policy and ``builtins=True`` the conditions may also test ``priority``, ``status`` and
    ``events.<name>`` (valid in a stage's or a ladder step's ``when``); otherwise they are
    valid in a priority's ``when``.
    """
    fieldset = _fieldset(fields)
    leaves: list[Leaf] = []
    for path in fieldset.paths:
        ftype = fieldset.type_of(path)
        assert ftype is not None
        spec = _spec_of(fieldset, path)
        values = scalar_values(spec) if ftype.kind not in ("list", "object") else st.nothing()
        leaves.append(_key(path).flatmap(partial(_leaf, ftype=ftype, spec=spec, values=values)))
    if builtins:
        if not isinstance(fields, Policy):
            raise UsageError("builtins=True needs the Policy (its priorities and events)")
        leaves.extend(_builtin_leaves(fields))
    if not leaves:
        raise UsageError("conditions() needs at least one declared field (or builtins=True)")
    leaf = st.one_of(leaves)

    def extend(inner: Leaf) -> Leaf:
        return st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all": cs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any": cs}),
            inner.map(lambda c: {"not": c}),
            st.lists(inner, min_size=2, max_size=2).map(_merge),
        )

    return st.recursive(leaf, extend, max_leaves=max(1, 2**max_depth))


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Two conditions in one mapping (all must hold), when their keys differ."""
    first, second = parts
    if first.keys() & second.keys():
        return {"all": parts}
    return {**first, **second}


def _builtin_leaves(policy: Policy) -> list[Leaf]:
    from ._tickets import declared_statuses

    priorities = st.sampled_from(policy.priorities)
    statuses = st.sampled_from(declared_statuses(policy))
    leaves = [
        _leaf("priority", ftype=FieldType("priority"), spec=None, values=priorities),
        _leaf("status", ftype=FieldType("status"), spec=None, values=statuses),
    ]
    from ._shape import event_graph

    events = event_graph(policy.compiled).order
    if events:
        leaves.append(
            st.sampled_from([f"events.{e}" for e in events]).flatmap(
                partial(_leaf, ftype=FieldType("event"), spec=None, values=datetimes_text())
            )
        )
    return leaves
