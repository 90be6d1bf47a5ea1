"""Hypothesis strategies and invariant helpers for testing timing rules built on slarules.

    >>> from hypothesis import given
    >>> from slarules.testing import instants, tickets
    >>> @given(tickets(policy, fields={"level": "urgent"}), instants(policy))
    ... def test_urgent_tickets_get_a_first_response_deadline(ticket, at): ...

Needs Hypothesis (``pip install hypothesis``); it never needs pytest. See docs/testing.md.
"""

from __future__ import annotations

from . import _needs

_needs.needs_hypothesis()  # first: a clear message when Hypothesis is missing

from ._calendars import calendars  # noqa: E402
from ._conditions import conditions  # noqa: E402
from ._instants import instants  # noqa: E402
from ._invariants import (  # noqa: E402
    InvariantError,
    assert_actions_are_kept,
    assert_evaluation_consistent,
    assert_evaluation_repeatable,
    assert_evaluation_well_formed,
    assert_pauses_never_hasten,
    assert_stable_until_next_evaluation,
)
from ._snapshots import snapshots  # noqa: E402
from ._syntax import durations, targets  # noqa: E402
from ._tickets import tickets  # noqa: E402

__all__ = [
    "InvariantError",
    "assert_actions_are_kept",
    "assert_evaluation_consistent",
    "assert_evaluation_repeatable",
    "assert_evaluation_well_formed",
    "assert_pauses_never_hasten",
    "assert_stable_until_next_evaluation",
    "calendars",
    "conditions",
    "durations",
    "instants",
    "snapshots",
    "targets",
    "tickets",
]
