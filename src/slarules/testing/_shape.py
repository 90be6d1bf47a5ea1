"""What a policy says about its tickets' events: which exist, which precede which, which are
scheduled ahead, and the action keys its ladders can yield."""

from __future__ import annotations

from dataclasses import dataclass

from slarules._compiled import CompiledPolicy
from slarules._durations import Before, EveryEndOfDay, EveryInterval

__all__ = ["EventGraph", "action_keys", "event_graph"]


@dataclass(frozen=True, slots=True)
class EventGraph:
    """The events of a policy in an order its stages can meet.

    ``order`` lists every event so that a stage's start comes before its stop (cycles, which
    a policy may have, are broken in file order); ``before[e]`` are the starts of the stages
    that ``e`` stops; ``root`` is the first stage's start (a ticket's ``created``);
    ``scheduled`` are events that targets count back from, which may lie in the future.
    """

    order: tuple[str, ...]
    before: dict[str, frozenset[str]]
    root: str | None
    scheduled: frozenset[str]


def event_graph(policy: CompiledPolicy) -> EventGraph:
    seen: dict[str, None] = {}
    before: dict[str, set[str]] = {}
    scheduled: set[str] = set()
    for stage in policy.stages:
        seen.setdefault(stage.start)
        seen.setdefault(stage.stop)
        if stage.stop != stage.start:
            before.setdefault(stage.stop, set()).add(stage.start)
        for target in stage.targets.values():
            if target is not None and isinstance(target.target, Before):
                seen.setdefault(target.target.event)
                scheduled.add(target.target.event)
    for name in sorted(policy.events or ()):
        seen.setdefault(name)
    if policy.restart_on_priority_change:
        seen.setdefault(policy.priority_change_event)
    names = list(seen)
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(names):
        ready = [n for n in names if n not in placed and before.get(n, set()) <= placed]
        nxt = ready[0] if ready else next(n for n in names if n not in placed)  # a cycle
        order.append(nxt)
        placed.add(nxt)
    root = policy.stages[0].start if policy.stages else None
    return EventGraph(
        tuple(order),
        {n: frozenset(before.get(n, ())) for n in names},
        root,
        frozenset(scheduled),
    )


def action_keys(policy: CompiledPolicy, ticket_id: str, repeats: int = 2) -> tuple[str, ...]:
    """Keys the ladders can yield for ``ticket_id`` (recurring steps: the first ``repeats``)."""
    keys: list[str] = []
    for stage in policy.stages:
        for step in stage.steps:
            key = f"{ticket_id}/{stage.name}/{step.id}"
            if isinstance(step.trigger, EveryInterval | EveryEndOfDay):
                keys.extend(f"{key}/{n}" for n in range(1, repeats + 1))
            else:
                keys.append(key)
    return tuple(dict.fromkeys(keys))
