"""Shared by the tests of ``slarules.testing``: the bundled policies and a test profile."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from hypothesis import Phase, given, seed, settings
from hypothesis.strategies import SearchStrategy

import slarules

ROOT = Path(__file__).resolve().parents[2]
POLICIES = slarules.load_policies(ROOT / "policies")
POLICY_IDS = sorted(POLICIES)
AFTER_SALES = POLICIES["after-sales-response"]

T = TypeVar("T")

FAST = settings(max_examples=40, deadline=None)
"""Enough examples per bundled policy to catch a strategy that strays, quickly."""


def sample(strategy: SearchStrategy[T], n: int = 300) -> list[T]:
    """``n`` draws of ``strategy`` (no shrinking, no database): to check what turns up.

    Seeded, so that a test asking whether something turns up at all in ``n`` draws gives
    the same answer on every run (a rare outcome would otherwise fail now and then).
    """
    out: list[T] = []

    @seed(20251009)
    @settings(max_examples=n, phases=[Phase.generate], database=None, deadline=None)
    @given(strategy)
    def collect(value: T) -> None:
        out.append(value)

    collect()
    return out
