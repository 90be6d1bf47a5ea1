"""``timeline``: what will happen to a ticket over time if nothing else happens to it.

It steps from one ``next_evaluation_at`` to the next, assuming the host applies every
action as it falls due, and records what changed at each instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slarules._compiled import CompiledPolicy

from ._evaluate import evaluate, instant
from ._evaluation import Action, Evaluation, describe_action
from ._ticket import Ticket

__all__ = ["TimelineEntry", "timeline"]

MAX_STEPS = 10_000


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One instant of a timeline: what changed then, and the evaluation at it."""

    at: datetime
    changes: tuple[str, ...]
    actions: tuple[Action, ...]
    evaluation: Evaluation

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "changes": list(self.changes),
            "actions": [a.to_dict() for a in self.actions],
        }


def _changes(before: Evaluation | None, after: Evaluation) -> list[str]:
    out: list[str] = []
    for name, now in after.stages.items():
        prev = before.stages.get(name) if before is not None else None
        if prev is None:
            if now.status.value != "skipped":
                out.append(f"{name}: {now.status.value}")
            continue
        if prev.status != now.status:
            out.append(f"{name}: {prev.status.value} -> {now.status.value}")
        elif prev.deadline != now.deadline and now.deadline is not None:
            out.append(f"{name}: deadline now {now.deadline.isoformat()}")
    return out


def timeline(
    policy: CompiledPolicy,
    ticket: Ticket,
    *,
    until: datetime,
    since: datetime | None = None,
) -> tuple[TimelineEntry, ...]:
    """Every instant in ``[since, until]`` at which the evaluation changes.

    ``since`` defaults to the ticket's earliest event. Actions are assumed applied when due.
    """
    until = instant(until, "until")
    instants = [*ticket.events.values(), *(s.at for s in ticket.statuses)]
    if since is None:
        if not instants:
            return ()
        since = min(instants)
    t: datetime | None = instant(since, "since")
    entries: list[TimelineEntry] = []
    previous: Evaluation | None = None
    current = ticket
    steps = 0
    while t is not None and t <= until and steps < MAX_STEPS:
        steps += 1
        ev = evaluate(policy, current, t)
        changes = _changes(previous, ev)
        changes.extend(f"{describe_action(a)}: {a.reason}" for a in ev.actions)
        if changes:
            entries.append(TimelineEntry(ev.at, tuple(changes), ev.actions, ev))
        if ev.actions:
            current = current.replace(done=current.done | {a.key for a in ev.actions})
        previous = ev
        t = ev.next_evaluation_at
    return tuple(entries)
