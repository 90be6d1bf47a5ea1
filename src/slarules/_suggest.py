"""Did-you-mean suggestions for misspelt keys, names, time zones and enum values.

Suggestions cost work: ``difflib`` compares the word with each choice, some 20-50 µs a pair,
so 1,500 misspelt events among 1,500 declared had taken two minutes. The work is capped:
within :func:`suggestion_budget` (``Policy`` loading opens one) all suggestions together
compare at most ``MAX_PAIRS`` pairs, and outside one each call does. A call that would go
over the budget suggests nothing, and the caller's hint falls back to its own words. Words
and choices longer than ``MAX_WORD`` characters are never compared (``difflib`` is
quadratic in their length).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice
from typing import Final

__all__ = ["MAX_PAIRS", "did_you_mean", "listing", "suggest", "suggestion_budget"]

MAX_PAIRS: Final = 10_000
"""The most word-choice comparisons one policy's problems may cost (well under a second)."""

MAX_WORD: Final = 64

_budget: ContextVar[list[int] | None] = ContextVar("slarules_suggestion_budget", default=None)


@contextmanager
def suggestion_budget(pairs: int = MAX_PAIRS) -> Iterator[None]:
    """Share ``pairs`` comparisons among every suggestion made inside the block."""
    token = _budget.set([pairs])
    try:
        yield
    finally:
        _budget.reset(token)


def _afford(pairs: int) -> bool:
    budget = _budget.get()
    if budget is None:
        return pairs <= MAX_PAIRS
    if pairs > budget[0]:
        return False
    budget[0] -= pairs
    return True


def suggest(word: str, choices: Iterable[object], *, cutoff: float = 0.6) -> str | None:
    """The choice closest to ``word`` (case-insensitive), or ``None`` when nothing is close
    or the suggestion budget does not stretch to comparing ``word`` with every choice."""
    if len(word) > MAX_WORD:
        return None
    if isinstance(choices, Collection):
        pool: Collection[object] = choices
    else:  # read no more of it than the budget could compare
        budget = _budget.get()
        pool = list(islice(choices, (budget[0] if budget is not None else MAX_PAIRS) + 1))
    if not _afford(len(pool)):
        return None
    lowered = {o.lower(): o for o in map(str, pool) if len(o) <= MAX_WORD}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def did_you_mean(word: str, choices: Iterable[object], *, cutoff: float = 0.6) -> str | None:
    """``"did you mean 'x'?"`` for the closest choice, or ``None``."""
    best = suggest(word, choices, cutoff=cutoff)
    return f"did you mean {best!r}?" if best is not None else None


def listing(names: Iterable[object], *, limit: int = 10) -> str:
    """``a, b, c`` for a hint; past ``limit`` names, ``a, b, … (and 1,490 more)``.

    Compute it once per list of names, not once per problem: a hint that lists every name
    of a long list, once for each of many problems, made the output quadratic in size.
    """
    if isinstance(names, Collection):
        shown = [str(name) for name in islice(names, limit)]
        more = len(names) - len(shown)
    else:
        shown, more = [], 0
        for name in names:
            if len(shown) < limit:
                shown.append(str(name))
            else:
                more += 1
    return ", ".join(shown) + (f", … (and {more:,} more)" if more else "")
