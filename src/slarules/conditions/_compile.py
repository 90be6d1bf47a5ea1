"""Compile a condition, as loaded from YAML, into a closure, checking it against the fields.

Problems are collected over the whole condition and raised together as one ``PolicyError``
whose key paths are relative to the condition's root.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slarules._errors import Path, PolicyError, Problem
from slarules._suggest import did_you_mean, listing

from ._condition import Condition, always_false, always_true
from ._env import Env
from ._fields import FieldSet
from ._fuse import Kernel, conjunction, disjunction, kernel
from ._getters import rank_getter
from ._nodes import All, Any_, Const, Leaf, Node, Not
from ._operators import OPERATORS, Operator, Test
from ._regex import compile_regex
from ._resolve import Scope, Target, resolve
from ._types import FieldType
from ._values import BadValue, operand_value, single_operand
from ._words import words

__all__ = ["compile_condition"]

_ORDERING = frozenset({"lt", "lte", "gt", "gte", "between"})
_SCALARS = (str, int, float, bool, date)


def compile_condition(
    raw: Any,
    fields: FieldSet,
    *,
    scope: Scope,
    priorities: Sequence[str] = (),
    events: Sequence[str] = (),
    statuses: Sequence[str] | None = None,
) -> Condition:
    """Check ``raw`` (plain data from YAML) against the declared fields and compile it.

    ``scope="priority"`` is a priority's ``when:`` (no built-ins); ``scope="stage"`` is a
    stage's or ladder step's, where ``priority``, ``status`` and ``events.<name>`` are
    built-ins. ``statuses=None`` means any status name is accepted.
    """
    compiler = _Compiler(fields, scope, tuple(priorities), tuple(events), statuses)
    node = compiler.condition(raw, ())
    if compiler.problems or node is None:
        raise PolicyError(compiler.problems)
    return Condition(
        node,
        fields_used=frozenset(compiler.fields_used),
        events_used=frozenset(compiler.events_used),
        uses_priority=compiler.uses_priority,
        uses_status=compiler.uses_status,
    )


class _Compiler:
    def __init__(
        self,
        fields: FieldSet,
        scope: Scope,
        priorities: tuple[str, ...],
        events: tuple[str, ...],
        statuses: Sequence[str] | None,
    ) -> None:
        self.fields = fields
        self.scope = scope
        self.priorities = priorities
        self.ranks = {p: len(priorities) - i for i, p in enumerate(priorities)}
        self.events = events
        self.statuses = None if statuses is None else tuple(statuses)
        self.problems: list[Problem] = []
        self.kernels: dict[Test, Kernel] = {}
        self.fields_used: set[str] = set()
        self.events_used: set[str] = set()
        self.uses_priority = False
        self.uses_status = False

    def fail(self, code: str, message: str, hint: str | None, path: Path) -> None:
        self.problems.append(Problem(code, message, hint, path))

    # --- structure -------------------------------------------------------------------------

    def condition(self, raw: Any, path: Path) -> Node | None:
        if isinstance(raw, bool):
            return Const(path, always_true if raw else always_false, raw)
        if not isinstance(raw, Mapping):
            what = "a list" if isinstance(raw, list) else f"{type(raw).__name__} {raw!r}"
            self.fail(
                "bad-condition",
                f"a condition is a mapping of field to test, not {what}",
                "e.g. {level: urgent}; combine with all: [...], any: [...] or not: {...}",
                path,
            )
            return None
        if not raw:
            self.fail(
                "bad-condition",
                "an empty condition tests nothing",
                "write a test such as {level: urgent}, or remove `when`",
                path,
            )
            return None
        parts: list[Node] = []
        for key, value in raw.items():
            here = (*path, key)
            if key in ("all", "any"):
                node = self.junction(key, value, here)
                if node is not None:
                    parts.append(node)
            elif key == "not":
                inner = self.condition(value, here)
                if inner is not None:
                    parts.append(_not(here, inner))
            elif not isinstance(key, str):
                self.fail(
                    "bad-condition",
                    f"{key!r} is not a field name",
                    "quote field names that look like numbers or dates",
                    here,
                )
            else:
                parts.extend(self.field_tests(key, value, here))
        if self.problems:
            return None
        return _all(path, parts, self.kernels, is_mapping=True)

    def junction(self, key: str, value: Any, path: Path) -> Node | None:
        if not isinstance(value, list) or not value:
            self.fail(
                "bad-condition",
                f"`{key}` takes a non-empty list of conditions",
                f"e.g. {key}: [{{level: urgent}}, {{customer_grade: vip}}]",
                path,
            )
            return None
        parts = [self.condition(item, (*path, i)) for i, item in enumerate(value)]
        nodes = [p for p in parts if p is not None]
        if len(nodes) != len(parts):
            return None
        if key == "all":
            return _all(path, nodes, self.kernels, is_mapping=False)
        return _any(path, nodes, self.kernels)

    # --- one key: a field or built-in and its tests ---------------------------------------------

    def field_tests(self, key: str, value: Any, path: Path) -> list[Node]:
        target = self.resolve(key, path)
        if target is None:
            return []
        if isinstance(value, Mapping):
            if not value:
                self.fail(
                    "bad-operator",
                    f"no test given for {key!r}",
                    "e.g. {eq: ...}, {in: [...]}, {exists: true}",
                    path,
                )
                return []
            nodes = []
            for op_name, operand in value.items():
                node = self.operator(target, str(op_name), operand, (*path, op_name))
                if node is not None:
                    nodes.append(node)
            return nodes
        if target.type.kind == "list":
            self.fail(
                "operator-type-mismatch",
                f"{key!r} is a list; a plain value or list cannot be compared with it",
                f"write {{{key}: {{contains: x}}}} or {{{key}: {{any_of: [x, y]}}}}",
                path,
            )
            return []
        if target.type.kind == "object":
            self.fail(
                "operator-type-mismatch",
                f"{key!r} is an object and cannot be compared with a value",
                "test one of its properties with a dotted name, e.g. "
                f"{key}.{next(iter(target.type.properties or ['name']))}",
                path,
            )
            return []
        op = "in" if isinstance(value, list) else "eq"
        node = self.operator(target, op, value, path)
        return [] if node is None else [node]

    def resolve(self, key: str, path: Path) -> Target | None:
        try:
            target = resolve(key, self.fields, self.scope, self.events)
        except BadValue as exc:
            self.fail(exc.code, exc.message, exc.hint, path)
            return None
        if target.field is not None:
            self.fields_used.add(target.field)
        elif target.event is not None:
            self.events_used.add(target.event)
        elif target.type.kind == "priority":
            self.uses_priority = True
        else:
            self.uses_status = True
        return target

    # --- one operator -----------------------------------------------------------------------

    def operator(self, target: Target, name: str, raw: Any, path: Path) -> Node | None:
        op = OPERATORS.get(name)
        if op is None:
            hint = did_you_mean(name, OPERATORS) or ("operators are: " + ", ".join(OPERATORS))
            if target.type.kind == "object":
                hint = f"to test a property write {target.label}.{name}"
            self.fail("bad-operator", f"{name!r} is not an operator", hint, path)
            return None
        kind = target.type.kind
        if kind not in op.kinds:
            usable = [n for n, o in OPERATORS.items() if kind in o.kinds]
            self.fail(
                "operator-type-mismatch",
                f"`{name}` does not apply to {target.label!r} ({_kind_name(target.type)})",
                "operators for it are: " + ", ".join(usable),
                path,
            )
            return None
        try:
            operand = self.operand(op, target.type, raw)
        except BadValue as exc:
            self.fail(exc.code, exc.message, exc.hint, path)
            return None
        get = target.get
        value = frozenset(operand) if isinstance(operand, list) else operand
        if kind == "priority" and name in _ORDERING:
            get = rank_getter(self.ranks)
            value = _ranked(operand, self.ranks)
        test = op.build(get, target.top, value)
        fused = kernel(name, target.top, value, kind)
        if fused is not None:
            self.kernels[test] = fused
        return Leaf(path, test, words(op, target.label, target.type, operand))

    def operand(self, op: Operator, ftype: FieldType, raw: Any) -> Any:
        shape = op.operand
        if shape == "bool":
            if not isinstance(raw, bool):
                raise BadValue(f"`{op.name}` takes true or false", None, "operator-type-mismatch")
            return raw
        if shape == "pattern":
            return compile_regex(raw)
        if shape == "text" or (shape == "text-or-item" and ftype.kind != "list"):
            if not isinstance(raw, str):
                raise BadValue(f"`{op.name}` takes a string", None, "operator-type-mismatch")
            return raw
        if shape == "text-or-item":
            assert ftype.item is not None
            return self.one(ftype.item, raw)
        if shape == "one":
            return self.one(ftype, raw)
        item = ftype.item if shape == "items" else ftype
        assert item is not None
        if not isinstance(raw, list) or not raw:
            raise BadValue(
                f"`{op.name}` takes a list"
                + (" of two values [low, high]" if shape == "pair" else " of values"),
                None,
                "operator-type-mismatch",
            )
        values = [self.one(item, v) for v in raw]
        if shape == "pair":
            if len(values) != 2:
                raise BadValue(
                    "`between` takes exactly two values [low, high]",
                    None,
                    "operator-type-mismatch",
                )
            lo, hi = values
            if ftype.kind == "priority":  # either order: [routine, important] or the reverse
                return (lo, hi) if self.ranks[lo] <= self.ranks[hi] else (hi, lo)
            if lo > hi:
                raise BadValue(
                    f"the low end {lo} is above the high end {hi}", "write [low, high]", "bad-value"
                )
            return (lo, hi)
        return list(dict.fromkeys(values))  # in the author's order, for describe()

    def one(self, ftype: FieldType, raw: Any) -> Any:
        if ftype.kind in ("priority", "status"):
            single_operand(ftype, raw)  # before looking a list or mapping up among the names
        if ftype.kind == "priority":
            if raw not in self.ranks:
                hint = did_you_mean(str(raw), self.priorities) or (
                    "priorities are: " + listing(self.priorities)
                )
                raise BadValue(
                    f"{raw!r} is not a priority of this policy", hint, "unknown-priority"
                )
            return raw
        if ftype.kind == "status" and self.statuses is not None and raw not in self.statuses:
            hint = did_you_mean(str(raw), self.statuses) or (
                "statuses are: " + listing(self.statuses)
            )
            raise BadValue(f"{raw!r} is not a status of this policy", hint, "unknown-status")
        if isinstance(raw, _SCALARS) or raw is None or isinstance(raw, list | Mapping):
            return operand_value(ftype, raw)
        raise BadValue(f"{raw!r} is not a value", None, "operator-type-mismatch")


def _ranked(value: Any, ranks: Mapping[str, int]) -> Any:
    if isinstance(value, tuple):
        return tuple(ranks[v] for v in value)
    return ranks.get(value, value) if isinstance(value, str) else value


def _kind_name(ftype: FieldType) -> str:
    return {"event": "an event time", "priority": "the SLA priority", "status": "a status"}.get(
        ftype.kind, f"{'an' if ftype.kind[0] in 'aeiou' else 'a'} {ftype.kind} field"
    )


def _not(path: Path, inner: Node) -> Node:
    test = inner.test

    def not_(env: Env) -> bool:
        return not test(env)

    return Not(path, not_, inner)


def _all(path: Path, parts: list[Node], kernels: dict[Test, Kernel], *, is_mapping: bool) -> Node:
    tests = tuple(p.test for p in parts)
    return All(path, conjunction(tests, kernels), tuple(parts), is_mapping)


def _any(path: Path, parts: list[Node], kernels: dict[Test, Kernel]) -> Node:
    tests = tuple(p.test for p in parts)
    return Any_(path, disjunction(tests, kernels), tuple(parts))
