"""The operators of the condition language: which types each applies to, and its closure.

Every predicate is false when the tested value is absent (``None``), except ``exists: false``.
Builders return plain closures over ``Env``; for top-level ticket fields the most common
operators read ``env.fields`` directly, so a test costs one call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slarules._errors import TicketError

from ._env import Env
from ._types import MAX_STRING_LENGTH

__all__ = ["OPERATORS", "Getter", "Operator", "Test"]

Test = Callable[[Env], bool]
Getter = Callable[[Env], Any]

_ORDERED = frozenset({"integer", "number", "datetime", "event", "priority"})
_EQUALITY = frozenset(
    {"string", "integer", "number", "boolean", "datetime", "enum", "priority", "status", "event"}
)
_TEXT = frozenset({"string", "status"})
_ALL = _EQUALITY | {"list", "object"}


@dataclass(frozen=True, slots=True)
class Operator:
    """One operator: the types it applies to, its operand's shape and what it means."""

    name: str
    kinds: frozenset[str]
    operand: str  # "one", "many", "pair", "bool", "pattern", "text", "item", "items"
    description: str
    build: Callable[[Getter, str | None, Any], Test]
    words: str  # how ``describe`` says it: "{label} is {value}"


def _eq(get: Getter, top: str | None, v: Any) -> Test:
    if top is not None:

        def eq_top(env: Env) -> bool:
            return bool(env.fields.get(top) == v)

        return eq_top

    def eq(env: Env) -> bool:
        return bool(get(env) == v)

    return eq


def _ne(get: Getter, top: str | None, v: Any) -> Test:
    def ne(env: Env) -> bool:
        x = get(env)
        return x is not None and x != v

    return ne


def _in(get: Getter, top: str | None, values: frozenset[Any]) -> Test:
    if top is not None:

        def in_top(env: Env) -> bool:
            return env.fields.get(top) in values

        return in_top

    def in_(env: Env) -> bool:
        return get(env) in values

    return in_


def _not_in(get: Getter, top: str | None, values: frozenset[Any]) -> Test:
    def not_in(env: Env) -> bool:
        x = get(env)
        return x is not None and x not in values

    return not_in


def _lt(get: Getter, top: str | None, v: Any) -> Test:
    if top is not None:

        def lt_top(env: Env) -> bool:
            x = env.fields.get(top)
            return x is not None and bool(x < v)

        return lt_top

    def lt(env: Env) -> bool:
        x = get(env)
        return x is not None and bool(x < v)

    return lt


def _lte(get: Getter, top: str | None, v: Any) -> Test:
    if top is not None:

        def lte_top(env: Env) -> bool:
            x = env.fields.get(top)
            return x is not None and bool(x <= v)

        return lte_top

    def lte(env: Env) -> bool:
        x = get(env)
        return x is not None and bool(x <= v)

    return lte


def _gt(get: Getter, top: str | None, v: Any) -> Test:
    if top is not None:

        def gt_top(env: Env) -> bool:
            x = env.fields.get(top)
            return x is not None and bool(x > v)

        return gt_top

    def gt(env: Env) -> bool:
        x = get(env)
        return x is not None and bool(x > v)

    return gt


def _gte(get: Getter, top: str | None, v: Any) -> Test:
    if top is not None:

        def gte_top(env: Env) -> bool:
            x = env.fields.get(top)
            return x is not None and bool(x >= v)

        return gte_top

    def gte(env: Env) -> bool:
        x = get(env)
        return x is not None and bool(x >= v)

    return gte


def _between(get: Getter, top: str | None, pair: tuple[Any, Any]) -> Test:
    lo, hi = pair

    def between(env: Env) -> bool:
        x = get(env)
        return x is not None and bool(lo <= x <= hi)

    return between


def _contains(get: Getter, top: str | None, v: Any) -> Test:
    # substring for strings, element for lists: both are ``in``
    def contains(env: Env) -> bool:
        x = get(env)
        return x is not None and v in x

    return contains


def _starts_with(get: Getter, top: str | None, v: str) -> Test:
    def starts_with(env: Env) -> bool:
        x = get(env)
        return x is not None and bool(x.startswith(v))

    return starts_with


def _ends_with(get: Getter, top: str | None, v: str) -> Test:
    def ends_with(env: Env) -> bool:
        x = get(env)
        return x is not None and bool(x.endswith(v))

    return ends_with


def _matches(get: Getter, top: str | None, regex: Any) -> Test:
    search = regex.search

    def matches(env: Env) -> bool:
        x = get(env)
        if x is None:
            return False
        if len(x) > MAX_STRING_LENGTH:
            raise TicketError(
                f"a value of {len(x)} characters is longer than the limit of "
                f"{MAX_STRING_LENGTH} characters and is not scanned"
            )
        return search(x) is not None

    return matches


def _exists(get: Getter, top: str | None, want: bool) -> Test:
    if want:

        def exists(env: Env) -> bool:
            return get(env) is not None

        return exists

    def missing(env: Env) -> bool:
        return get(env) is None

    return missing


def _empty(get: Getter, top: str | None, want: bool) -> Test:
    def empty(env: Env) -> bool:
        x = get(env)
        return x is not None and (len(x) == 0) is want

    return empty


def _any_of(get: Getter, top: str | None, values: frozenset[Any]) -> Test:
    def any_of(env: Env) -> bool:
        x = get(env)
        return x is not None and not values.isdisjoint(x)

    return any_of


def _all_of(get: Getter, top: str | None, values: frozenset[Any]) -> Test:
    def all_of(env: Env) -> bool:
        x = get(env)
        return x is not None and values.issubset(x)

    return all_of


def _none_of(get: Getter, top: str | None, values: frozenset[Any]) -> Test:
    def none_of(env: Env) -> bool:
        x = get(env)
        return x is not None and values.isdisjoint(x)

    return none_of


def _op(
    name: str,
    kinds: frozenset[str],
    operand: str,
    build: Callable[[Getter, str | None, Any], Test],
    words: str,
    description: str,
) -> Operator:
    return Operator(name, kinds, operand, description, build, words)


OPERATORS: Mapping[str, Operator] = {
    o.name: o
    for o in (
        _op("eq", _EQUALITY, "one", _eq, "{label} is {value}", "Equal to the value."),
        _op("ne", _EQUALITY, "one", _ne, "{label} is not {value}", "Present and not equal."),
        _op("in", _EQUALITY, "many", _in, "{label} is one of {value}", "Equal to one of these."),
        _op(
            "not_in",
            _EQUALITY,
            "many",
            _not_in,
            "{label} is none of {value}",
            "Present and equal to none of these.",
        ),
        _op("lt", _ORDERED, "one", _lt, "{label} is less than {value}", "Less than the value."),
        _op("lte", _ORDERED, "one", _lte, "{label} is at most {value}", "Less than or equal."),
        _op("gt", _ORDERED, "one", _gt, "{label} is more than {value}", "Greater than the value."),
        _op("gte", _ORDERED, "one", _gte, "{label} is at least {value}", "Greater or equal."),
        _op(
            "between",
            _ORDERED,
            "pair",
            _between,
            "{label} is between {value}",
            "Between [low, high], both included.",
        ),
        _op(
            "contains",
            _TEXT | {"list"},
            "text-or-item",
            _contains,
            "{label} contains {value}",
            "A string containing this text, or a list containing this element.",
        ),
        _op(
            "starts_with",
            _TEXT,
            "text",
            _starts_with,
            "{label} starts with {value}",
            "A string starting with this text.",
        ),
        _op(
            "ends_with",
            _TEXT,
            "text",
            _ends_with,
            "{label} ends with {value}",
            "A string ending with this text.",
        ),
        _op(
            "matches",
            _TEXT,
            "pattern",
            _matches,
            "{label} matches {value}",
            "A string in which this RE2 regular expression finds a match (anywhere; "
            "anchor with ^ and $).",
        ),
        _op(
            "exists",
            _ALL,
            "bool",
            _exists,
            "{label} {value}",
            "true: the ticket has this field (or the event has happened); false: it does not.",
        ),
        _op(
            "empty",
            frozenset({"string", "list"}),
            "bool",
            _empty,
            "{label} {value}",
            "true: the string or list is present and empty; false: present and not empty.",
        ),
        _op(
            "any_of",
            frozenset({"list"}),
            "items",
            _any_of,
            "{label} include any of {value}",
            "A list containing at least one of these elements.",
        ),
        _op(
            "all_of",
            frozenset({"list"}),
            "items",
            _all_of,
            "{label} include all of {value}",
            "A list containing every one of these elements.",
        ),
        _op(
            "none_of",
            frozenset({"list"}),
            "items",
            _none_of,
            "{label} include none of {value}",
            "A list (present) containing none of these elements.",
        ),
    )
}
