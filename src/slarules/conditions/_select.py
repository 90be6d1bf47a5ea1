"""Priority selection: the index of the first of several conditions that holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ._condition import Condition
from ._env import Env

__all__ = ["first_match"]


def first_match(conditions: Sequence[Condition]) -> Callable[[Env], int]:
    """A closure giving the index of the first condition that holds for an ``Env``, or -1.

    It decides exactly as ``next((i for i, c in enumerate(conditions) if c(env)), -1)``,
    calling the bare closures one after another without a loop for up to four conditions
    (a policy's priorities). Use ``conditions[i].explain(env)`` afterwards for the clause.
    """
    tests = tuple(c.test for c in conditions)
    if len(tests) == 3:
        t0, t1, t2 = tests

        def first3(env: Env) -> int:
            if t0(env):
                return 0
            if t1(env):
                return 1
            return 2 if t2(env) else -1

        return first3
    if len(tests) == 4:
        t0, t1, t2, t3 = tests

        def first4(env: Env) -> int:
            if t0(env):
                return 0
            if t1(env):
                return 1
            if t2(env):
                return 2
            return 3 if t3(env) else -1

        return first4

    def first(env: Env) -> int:
        for i, test in enumerate(tests):
            if test(env):
                return i
        return -1

    return first
