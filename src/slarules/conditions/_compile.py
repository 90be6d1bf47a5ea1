"""Compile a condition, as loaded from YAML, into a closure, checking it against the fields.

Problems are collected over the whole condition and raised together as one ``PolicyError``
whose key paths are relative to the condition's root.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any, Literal

from slarules._errors import Path, PolicyError, Problem
from slarules._suggest import did_you_mean

from ._env import Env
from ._fields import FieldSet
from ._fuse import Kernel, conjunction, disjunction, kernel
from ._nodes import All, Any_, Const, Leaf, Node, Not
from ._operators import OPERATORS, Getter, Operator, Test
from ._regex import compile_regex
from ._types import FieldType
from ._values import BadValue, operand_value
from ._words import words

__all__ = ["TRUE", "Condition", "Scope", "compile_condition"]

Scope = Literal["priority", "stage"]
BUILTINS = ("priority", "status", "events")
_COMBINATORS = ("all", "any", "not")
_ORDERING = frozenset({"lt", "lte", "gt", "gte", "between"})
_SCALARS = (str, int, float, bool, date)


class Condition(partial[bool]):
    """A compiled condition: call it with an ``Env`` to get ``True`` or ``False``.

    ``test`` is the bare closure; ``explain(env)`` gives the key path of the clause that made
    it true; ``describe()`` says it in one sentence. ``fields_used`` and ``events_used`` name
    what it reads; ``uses_priority`` and ``uses_status`` say whether it reads those built-ins.

    A ``functools.partial`` of the closure, so that calling a condition costs a C-level call
    rather than a Python ``__call__`` frame (the hot path of priority selection).
    """

    __slots__ = ("_node", "events_used", "fields_used", "test", "uses_priority", "uses_status")

    test: Test
    fields_used: frozenset[str]
    events_used: frozenset[str]
    uses_priority: bool
    uses_status: bool
    _node: Node

    def __new__(
        cls,
        node: Node,
        *,
        fields_used: frozenset[str] = frozenset(),
        events_used: frozenset[str] = frozenset(),
        uses_priority: bool = False,
        uses_status: bool = False,
    ) -> Condition:
        self = super().__new__(cls, node.test)
        set_ = object.__setattr__
        set_(self, "_node", node)
        set_(self, "test", node.test)
        set_(self, "fields_used", fields_used)
        set_(self, "events_used", events_used)
        set_(self, "uses_priority", uses_priority)
        set_(self, "uses_status", uses_status)
        return self

    def explain(self, env: Env) -> Path | None:
        """The key path (relative to the condition) of the clause that made it true, or None."""
        return self._node.explain(env)

    def describe(self) -> str:
        """The condition in one sentence: ``level is urgent, or customer_grade is vip``."""
        return self._node.describe()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Condition is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Condition is immutable")

    def __reduce__(self) -> Any:
        raise TypeError("a Condition cannot be pickled; pickle the policy (its source) instead")

    def __repr__(self) -> str:
        return f"<Condition {self.describe()}>"


def _always(env: Env) -> bool:
    return True


TRUE = Condition(Const((), _always, True))
"""The condition that always holds (a default priority's)."""


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


class _Target:
    """What a key resolves to: how to read it, its type and how to call it in sentences."""

    __slots__ = ("get", "label", "top", "type")

    def __init__(self, get: Getter, type_: FieldType, label: str, top: str | None) -> None:
        self.get = get
        self.type = type_
        self.label = label
        self.top = top


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
            return Const(path, _always if raw else _never, raw)
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

    def resolve(self, key: str, path: Path) -> _Target | None:
        head = key.split(".", 1)[0]
        if head in BUILTINS:
            return self.builtin(key, path)
        name = key[len("fields.") :] if head == "fields" else key
        ftype = self.fields.type_of(name)
        if ftype is None:
            choices = list(self.fields.paths)
            if self.scope == "stage":
                choices += ["priority", "status", *(f"events.{e}" for e in self.events)]
            hint = did_you_mean(name, choices) or (
                "declared fields are: " + ", ".join(self.fields.paths)
                if self.fields.paths
                else "declare it under `fields:`"
            )
            self.fail("unknown-field", f"{name!r} is not a declared field", hint, path)
            return None
        self.fields_used.add(name)
        parts = name.split(".")
        if len(parts) == 1:
            return _Target(_top_getter(name), ftype, key, name)
        return _Target(_nested_getter(tuple(parts)), ftype, key, None)

    def builtin(self, key: str, path: Path) -> _Target | None:
        head, _, rest = key.partition(".")
        if self.scope == "priority":
            if head == "priority":
                hint = "the SLA priority is not known while it is being chosen"
            else:
                hint = f"`{head}` is a built-in of stage and ladder conditions only"
            if self.fields.type_of(key) is not None or self.fields.type_of(head) is not None:
                hint += f"; to test the ticket field write fields.{key}"
            self.fail(
                "builtin-not-available",
                f"the built-in {key!r} cannot be used in a priority condition",
                hint,
                path,
            )
            return None
        if head == "events":
            if not rest or "." in rest:
                self.fail(
                    "unknown-field",
                    f"{key!r} does not name an event",
                    "write events.<name>, e.g. events.created",
                    path,
                )
                return None
            if rest not in self.events:
                hint = did_you_mean(rest, self.events) or (
                    "known events are: " + ", ".join(self.events)
                    if self.events
                    else "the policy names no events"
                )
                self.fail("unknown-event", f"{rest!r} is not an event of this policy", hint, path)
                return None
            self.events_used.add(rest)
            return _Target(_event_getter(rest), FieldType("event"), rest, None)
        if rest:
            self.fail(
                "unknown-field",
                f"the built-in {head!r} has no part {rest!r}",
                f"to test a ticket field write fields.{key}",
                path,
            )
            return None
        if head == "priority":
            self.uses_priority = True
            return _Target(_priority, FieldType("priority"), "the priority", None)
        self.uses_status = True
        return _Target(_status, FieldType("status"), "the status", None)

    # --- one operator -----------------------------------------------------------------------

    def operator(self, target: _Target, name: str, raw: Any, path: Path) -> Node | None:
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
            get = self._rank_getter()
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
        if ftype.kind == "priority":
            if raw not in self.ranks:
                hint = did_you_mean(str(raw), self.priorities) or (
                    "priorities are: " + ", ".join(self.priorities)
                )
                raise BadValue(
                    f"{raw!r} is not a priority of this policy", hint, "unknown-priority"
                )
            return raw
        if ftype.kind == "status" and self.statuses is not None and raw not in self.statuses:
            hint = did_you_mean(str(raw), self.statuses) or (
                "statuses are: " + ", ".join(self.statuses)
            )
            raise BadValue(f"{raw!r} is not a status of this policy", hint, "unknown-status")
        if isinstance(raw, _SCALARS) or raw is None or isinstance(raw, list | Mapping):
            return operand_value(ftype, raw)
        raise BadValue(f"{raw!r} is not a value", None, "operator-type-mismatch")

    def _rank_getter(self) -> Getter:
        ranks = self.ranks

        def priority_rank(env: Env) -> int | None:
            p = env.priority
            return None if p is None else ranks.get(p)

        return priority_rank


def _ranked(value: Any, ranks: Mapping[str, int]) -> Any:
    if isinstance(value, tuple):
        return tuple(ranks[v] for v in value)
    return ranks.get(value, value) if isinstance(value, str) else value


def _kind_name(ftype: FieldType) -> str:
    return {"event": "an event time", "priority": "the SLA priority", "status": "a status"}.get(
        ftype.kind, f"{'an' if ftype.kind[0] in 'aeiou' else 'a'} {ftype.kind} field"
    )


def _never(env: Env) -> bool:
    return False


def _priority(env: Env) -> str | None:
    return env.priority


def _status(env: Env) -> str | None:
    return env.status


def _top_getter(name: str) -> Getter:
    def get_field(env: Env) -> Any:
        return env.fields.get(name)

    return get_field


def _nested_getter(parts: tuple[str, ...]) -> Getter:
    first, rest = parts[0], parts[1:]

    def get_nested(env: Env) -> Any:
        value = env.fields.get(first)
        for part in rest:
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return value

    return get_nested


def _event_getter(name: str) -> Getter:
    def get_event(env: Env) -> Any:
        when = env.events.get(name)
        if when is None:
            return None
        at = env.at
        if at is not None and when > at:
            return None  # not happened yet at the instant
        return when

    return get_event


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
