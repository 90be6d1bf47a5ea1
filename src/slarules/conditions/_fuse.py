"""Combining tests with and/or, fusing simple tests on top-level fields for speed.

A Python call costs more than the comparison it wraps. When every part of an ``all`` or
``any`` is a simple test on a top-level field (``eq``, ``in``, ``ne``, ``lt``, ``lte``, ``gt``,
``gte``), the junction reads ``env.fields`` once and applies each comparison as a C-level
callable (a bound ``frozenset.__contains__`` or a ``partial`` of an ``operator`` function)
in one closure, instead of calling one closure per part. No code is generated: only closures.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from ._env import Env
from ._operators import Test

__all__ = ["Kernel", "conjunction", "disjunction", "kernel"]

Kernel = tuple[str, Callable[[Any], bool], Any]
"""A fusable test: the top-level field name, a one-argument check of its value, and the
value to check when the ticket lacks the field, chosen so that the check is false."""

_INF = float("inf")

# ``op(v, x)`` with the operand first, so ``partial(op, v)(x)`` reads ``x <op> v``; and what
# to give a missing field so that the test is false
_SWAPPED: Mapping[str, tuple[Callable[[Any, Any], Any], float]] = {
    "lt": (operator.gt, _INF),
    "lte": (operator.ge, _INF),
    "gt": (operator.lt, -_INF),
    "gte": (operator.le, -_INF),
}


def kernel(op: str, top: str | None, value: Any, kind: str) -> Kernel | None:
    """The fusable form of ``op`` on the top-level field ``top``, or ``None``.

    Equality and membership work for any type (a missing field reads as ``None``, which is
    in no set); ``ne`` reads a missing field as the operand itself; orderings are fused for
    numbers only, where a missing field reads as an infinity on the failing side.
    """
    if top is None:
        return None
    if op == "eq":
        return top, frozenset((value,)).__contains__, None
    if op == "in":
        return top, frozenset(value).__contains__, None
    if op == "ne":
        return top, partial(operator.ne, value), value
    if op in _SWAPPED and kind in ("integer", "number"):
        compare, missing = _SWAPPED[op]
        return top, partial(compare, value), missing
    return None


def conjunction(tests: tuple[Test, ...], kernels: Mapping[Test, Kernel]) -> Test:
    """A test that holds when every test holds (evaluated in order, stopping at the first no)."""
    if len(tests) == 1:
        return tests[0]
    fused = _kernels(tests, kernels)
    if fused is not None:
        return _fused_all(fused)
    if len(tests) == 2:
        a, b = tests

        def and2(env: Env) -> bool:
            return a(env) and b(env)

        return and2

    def and_n(env: Env) -> bool:
        for t in tests:  # noqa: SIM110 - a loop is faster than all() over a generator
            if not t(env):
                return False
        return True

    return and_n


def disjunction(tests: tuple[Test, ...], kernels: Mapping[Test, Kernel]) -> Test:
    """A test that holds when some test holds (evaluated in order, stopping at the first yes)."""
    if len(tests) == 1:
        return tests[0]
    fused = _kernels(tests, kernels)
    if fused is not None:
        return _fused_any(fused)
    if len(tests) == 2:
        a, b = tests

        def or2(env: Env) -> bool:
            return a(env) or b(env)

        return or2

    def or_n(env: Env) -> bool:
        for t in tests:  # noqa: SIM110 - a loop is faster than any() over a generator
            if t(env):
                return True
        return False

    return or_n


def _kernels(tests: tuple[Test, ...], kernels: Mapping[Test, Kernel]) -> tuple[Kernel, ...] | None:
    found = [kernels.get(t) for t in tests]
    if any(k is None for k in found):
        return None
    return tuple(k for k in found if k is not None)


def _fused_any(ks: tuple[Kernel, ...]) -> Test:
    if len(ks) == 2:
        (n0, f0, d0), (n1, f1, d1) = ks

        def any2(env: Env) -> bool:
            get = env.fields.get
            return f0(get(n0, d0)) or f1(get(n1, d1))

        return any2
    if len(ks) == 3:
        (n0, f0, d0), (n1, f1, d1), (n2, f2, d2) = ks

        def any3(env: Env) -> bool:
            get = env.fields.get
            return f0(get(n0, d0)) or f1(get(n1, d1)) or f2(get(n2, d2))

        return any3

    def any_n(env: Env) -> bool:
        get = env.fields.get
        for name, f, missing in ks:  # noqa: SIM110 - a loop is faster than any() over a generator
            if f(get(name, missing)):
                return True
        return False

    return any_n


def _fused_all(ks: tuple[Kernel, ...]) -> Test:
    if len(ks) == 2:
        (n0, f0, d0), (n1, f1, d1) = ks

        def all2(env: Env) -> bool:
            get = env.fields.get
            return f0(get(n0, d0)) and f1(get(n1, d1))

        return all2
    if len(ks) == 3:
        (n0, f0, d0), (n1, f1, d1), (n2, f2, d2) = ks

        def all3(env: Env) -> bool:
            get = env.fields.get
            return f0(get(n0, d0)) and f1(get(n1, d1)) and f2(get(n2, d2))

        return all3

    def all_n(env: Env) -> bool:
        get = env.fields.get
        for name, f, missing in ks:  # noqa: SIM110 - a loop is faster than all() over a generator
            if not f(get(name, missing)):
                return False
        return True

    return all_n
