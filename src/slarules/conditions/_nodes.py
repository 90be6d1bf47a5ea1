"""The compiled condition tree: each node keeps its closure, its key path and its words.

The closures do the work; the tree is kept only to ``explain`` (which clause made a
condition true) and ``describe`` (one human sentence).
"""

from __future__ import annotations

from dataclasses import dataclass

from slarules._errors import Path

from ._env import Env
from ._operators import Test

__all__ = ["All", "Any_", "Const", "Leaf", "Node", "Not"]


@dataclass(frozen=True, slots=True)
class Node:
    """Base of the condition tree."""

    path: Path
    test: Test

    def explain(self, env: Env) -> Path | None:
        """The key path of the clause that makes this node true, or ``None``."""
        return self.path if self.test(env) else None

    def describe(self) -> str:  # pragma: no cover - every node overrides it
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Const(Node):
    """``true`` or ``false`` written as a condition."""

    value: bool

    def describe(self) -> str:
        return "always" if self.value else "never"


@dataclass(frozen=True, slots=True)
class Leaf(Node):
    """One operator applied to one field or built-in."""

    words: str

    def describe(self) -> str:
        return self.words


@dataclass(frozen=True, slots=True)
class All(Node):
    """A mapping of several keys, or ``all: [...]``: every part must hold."""

    parts: tuple[Node, ...]
    is_mapping: bool

    def explain(self, env: Env) -> Path | None:
        if not self.test(env):
            return None
        if len(self.parts) == 1:
            only = self.parts[0]
            if not (self.is_mapping and isinstance(only, Leaf)):
                return only.explain(env)
        return self.path

    def describe(self) -> str:
        words = []
        for part in self.parts:
            text = part.describe()
            if len(self.parts) > 1 and isinstance(part, Any_) and len(part.parts) > 1:
                text = f"({text})"
            words.append(text)
        return " and ".join(words)


@dataclass(frozen=True, slots=True)
class Any_(Node):
    """``any: [...]``: the first part that holds decides."""

    parts: tuple[Node, ...]

    def explain(self, env: Env) -> Path | None:
        for part in self.parts:
            if part.test(env):
                return part.explain(env)
        return None

    def describe(self) -> str:
        return ", or ".join(p.describe() for p in self.parts)


@dataclass(frozen=True, slots=True)
class Not(Node):
    """``not: {...}``: holds when the inner condition does not."""

    inner: Node

    def describe(self) -> str:
        inner = self.inner
        if isinstance(inner, All) and len(inner.parts) == 1:
            inner = inner.parts[0]
        text = inner.describe()
        return f"not {text}" if isinstance(inner, Leaf) else f"not ({text})"
