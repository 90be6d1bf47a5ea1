"""A policy shipped to worker processes by reference, compiled once per process.

A ``Policy`` pickles as its source and compiles again when unpickled. Shipping one with
every partition would compile it once per partition; ``PolicyRef`` carries the source
and the content hash instead, and ``cached_policy`` compiles each hash once per process.
"""

from __future__ import annotations

import pickle
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slarules._policy import Policy

__all__ = ["PolicyRef", "cached_policy", "compile_count"]

_CACHE: dict[str, Policy] = {}
_LOCK = threading.Lock()
_COMPILES = [0]


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """A policy by content hash, with its pickled source to compile it where it is missing."""

    content_hash: str
    payload: bytes

    @classmethod
    def of(cls, policy: Policy | PolicyRef) -> PolicyRef:
        if isinstance(policy, PolicyRef):
            return policy
        return cls(policy.content_hash, pickle.dumps(policy))

    def __repr__(self) -> str:
        return f"PolicyRef({self.content_hash[:19]!r})"


def cached_policy(policy: Policy | PolicyRef) -> Policy:
    """The compiled policy for ``policy``: compiled at most once per process and hash."""
    if not isinstance(policy, PolicyRef):
        return policy
    found = _CACHE.get(policy.content_hash)
    if found is not None:
        return found
    with _LOCK:
        found = _CACHE.get(policy.content_hash)
        if found is None:
            found = pickle.loads(policy.payload)  # our own bytes
            _COMPILES[0] += 1
            _CACHE[policy.content_hash] = found
    return found


def compile_count() -> int:
    """How many policies this process compiled through ``cached_policy`` (for tests)."""
    return _COMPILES[0]
