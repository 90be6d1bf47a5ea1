"""The compiled condition: a callable with explain and describe."""

from __future__ import annotations

from functools import partial
from typing import Any

from slarules._errors import Path

from ._env import Env
from ._nodes import All, Any_, Const, Node, Not
from ._operators import Test

__all__ = ["TRUE", "Condition", "always_false", "always_true"]


class Condition(partial[bool]):
    """A compiled condition: call it with an ``Env`` to get ``True`` or ``False``.

    ``test`` is the bare closure; ``explain(env)`` gives the key path of the clause that made
    it true; ``describe()`` says it in one sentence. ``fields_used`` and ``events_used`` name
    what it reads; ``uses_priority`` and ``uses_status`` say whether it reads those built-ins.

    A ``functools.partial`` of the closure, so that calling a condition costs a C-level call
    rather than a Python ``__call__`` frame (the hot path of priority selection).
    """

    __slots__ = ("_node", "events_used", "fields_used", "test", "uses_priority", "uses_status")

    test: Test
    fields_used: frozenset[str]
    events_used: frozenset[str]
    uses_priority: bool
    uses_status: bool
    _node: Node

    def __new__(
        cls,
        node: Node,
        *,
        fields_used: frozenset[str] = frozenset(),
        events_used: frozenset[str] = frozenset(),
        uses_priority: bool = False,
        uses_status: bool = False,
    ) -> Condition:
        self = super().__new__(cls, node.test)
        set_ = object.__setattr__
        set_(self, "_node", node)
        set_(self, "test", node.test)
        set_(self, "fields_used", fields_used)
        set_(self, "events_used", events_used)
        set_(self, "uses_priority", uses_priority)
        set_(self, "uses_status", uses_status)
        return self

    def explain(self, env: Env) -> Path | None:
        """The key path (relative to the condition) of the clause that made it true, or None."""
        return self._node.explain(env)

    def describe(self) -> str:
        """The condition in one sentence: ``level is urgent, or customer_grade is vip``."""
        return self._node.describe()

    def describe_clause(self, path: Path) -> str:
        """The clause at ``path`` (a path ``explain`` gave) in one sentence: of
        ``any: [{level: urgent}, {vip: true}]`` the one that held, ``vip is true``.
        The whole condition if no clause is at ``path``."""
        found = _clause(self._node, path)
        return (found or self._node).describe()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Condition is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Condition is immutable")

    def __copy__(self) -> Condition:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> Condition:
        return self

    def __reduce__(self) -> Any:
        raise TypeError("a Condition cannot be pickled; pickle the policy (its source) instead")

    def __repr__(self) -> str:
        return f"<Condition {self.describe()}>"


def _clause(node: Node, path: Path) -> Node | None:
    """The node of the tree at ``path``."""
    if node.path == path:
        return node
    if len(node.path) >= len(path) or path[: len(node.path)] != node.path:
        return None  # the clause is not under this node
    inner: tuple[Node, ...] = ()
    if isinstance(node, All | Any_):
        inner = node.parts
    elif isinstance(node, Not):
        inner = (node.inner,)
    for part in inner:
        found = _clause(part, path)
        if found is not None:
            return found
    return None


def always_true(env: Env) -> bool:
    """The test of ``true``."""
    return True


def always_false(env: Env) -> bool:
    """The test of ``false``."""
    return False


TRUE = Condition(Const((), always_true, True))
"""The condition that always holds (a default priority's)."""
