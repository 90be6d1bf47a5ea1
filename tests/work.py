"""Counting work instead of timing it.

A test that bounds how long something takes fails on a busy machine and passes on a fast one
whatever the code does. These helpers count the Python steps (calls and lines executed, as
``sys.settrace`` sees them) that a piece of code takes, which is the same on every machine, so
a test can say "at most this many steps per node of input" or "no more steps for a longer
input". A budget stops runaway work where it happens instead of letting the test hang.

Work done inside C code (a regular expression, ``str.count``) is one step however long it
runs; the Python code around it is what these counts see. A tracer already set (coverage,
a debugger) is set aside while counting and restored afterwards.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

import pytest


class OverBudget(BaseException):
    """Raised inside the counted code when it exceeds its budget.

    A ``BaseException``, so that no ``except Exception`` in the code under test swallows it.
    """


class Work:
    """The steps counted so far, and the most allowed."""

    __slots__ = ("budget", "steps")

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.steps = 0


@contextmanager
def counting(budget: int) -> Iterator[Work]:
    """Count the steps of the code called inside the ``with`` block; fail past ``budget``.

    The steps of the ``with`` block's own frame are not counted, only those of what it calls.
    Going over the budget stops the counted code at once and fails the test.
    """
    work = Work(budget)

    def trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        work.steps += 1
        if work.steps > budget:
            raise OverBudget
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield work
    except OverBudget:
        message = f"the work took more than {budget:,} steps"
        raise pytest.fail.Exception(message, pytrace=False) from None
    finally:
        sys.settrace(previous)


def steps_of(call: Callable[[], object], budget: int) -> int:
    """How many steps ``call()`` takes; an exception it raises is part of its work."""
    with counting(budget) as work, suppress(Exception):  # the work up to a refusal counts
        call()
    return work.steps
