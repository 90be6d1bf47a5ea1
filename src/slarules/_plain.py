"""Data a host built (``Policy.from_dict``): the limits the YAML loader keeps, for mappings
that never were YAML.

The loader refuses nesting deeper than 64 levels, alias bombs and keys that collide once
loaded; a mapping built in Python can hold all of these and more (a list that contains
itself, a ``datetime.date`` key beside the string of the same date, an integer of 5,000
digits), and each had escaped as a plain Python exception. :func:`plain_copy` walks the
data once and either returns a copy fit for canonical JSON (every key a string) or raises
one ``PolicyError`` naming the path of every problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any, Final

from ._errors import Path, PolicyError, Problem
from ._yaml import MAX_DEPTH, MAX_PROBLEMS

__all__ = ["MAX_VALUES", "plain_copy"]

MAX_VALUES: Final = 1_000_000
"""The most values (mappings, lists and scalars, a shared one each time it is reached) a
policy mapping may hold: far more than any 1 MiB policy file expands to."""

_MAX_INT_BITS: Final = 14_000  # about 4,200 digits: Python refuses to print longer integers
_SCALARS: Final = frozenset({str, float, bool, type(None)})  # need no checking


class _Stop(Exception):
    """The walk cannot go on (too many values or problems)."""


class _Walk:
    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.values = 0
        self.open: set[int] = set()  # ids of the containers on the current path

    def problem(self, code: str, message: str, hint: str, path: Path) -> None:
        self.problems.append(Problem(code, message, hint, path, self.file))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(
                Problem("too-many-problems", "too many problems; stopped here", None, path)
            )
            raise _Stop

    def count(self, path: Path) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            self.problems.append(
                Problem(
                    "too-many-values",
                    f"the policy holds more than {MAX_VALUES:,} values",
                    "a list or mapping shared in many places counts each time; "
                    "policies are far smaller",
                    path,
                    self.file,
                )
            )
            raise _Stop

    def copy(self, value: Any, path: Path) -> Any:
        self.count(path)
        if isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > _MAX_INT_BITS:
                self.problem(
                    "invalid-scalar",
                    "the integer has too many digits",
                    "policies use small numbers; check the value",
                    path,
                )
                return 0
            return value
        is_mapping = isinstance(value, Mapping)
        if not is_mapping and not isinstance(value, list | tuple | Set):
            return value
        if id(value) in self.open:
            self.problem(
                "circular-reference",
                "this value contains itself",
                "a policy is a tree: build this part as a new list or mapping",
                path,
            )
            return None
        if len(path) >= MAX_DEPTH:
            self.problem(
                "too-deep",
                f"the policy is nested more than {MAX_DEPTH} levels deep",
                "policies are far shallower; look for a runaway nesting of all/any/not",
                path,
            )
            return None
        self.open.add(id(value))
        try:
            if is_mapping:
                return self.mapping(value, path)
            items = sorted(value, key=repr) if isinstance(value, Set) else value
            out: list[Any] = []
            for i, item in enumerate(items):
                if type(item) in _SCALARS:  # the common case, without a path of its own
                    self.count(path)
                    out.append(item)
                else:
                    out.append(self.copy(item, (*path, i)))
            return out
        finally:
            self.open.discard(id(value))

    def mapping(self, value: Mapping[Any, Any], path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        keys: dict[str, Any] = {}  # the key as given, by its name as text
        for key, item in value.items():
            name = key if type(key) is str else str(key)  # as SourceMap paths name keys
            if name in keys:
                first = keys[name]
                both = "" if type(first) is type(key) else f" (as {first!r} and as {key!r})"
                self.problem(
                    "duplicate-key",
                    f"the key {name!r} appears twice in this mapping{both}",
                    "keep one of them",
                    (*path, name),
                )
                continue
            keys[name] = key
            if type(item) in _SCALARS:  # the common case, without a path of its own
                self.count(path)
                out[name] = item
            else:
                out[name] = self.copy(item, (*path, name))
        return out


def plain_copy(data: Any, *, file: str | None = None) -> Any:
    """``data`` with every mapping key a string, checked against the loader's limits.

    Raises ``PolicyError`` for a value that contains itself (``circular-reference``),
    nesting deeper than ``MAX_DEPTH`` (``too-deep``), more than ``MAX_VALUES`` values
    (``too-many-values``), keys that are one once written as text (``duplicate-key``, e.g.
    ``date(2025, 12, 31)`` and ``"2025-12-31"``) and integers too long to print
    (``invalid-scalar``). Sets become lists in a fixed order.
    """
    walk = _Walk(file)
    try:
        out = walk.copy(data, ())
    except _Stop:
        out = None
    if walk.problems:
        raise PolicyError(walk.problems, file=file)
    return out
