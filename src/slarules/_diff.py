"""What a policy change does to real tickets: evaluate each under the old and the new policy.

``diff_ticket`` compares the two evaluations of one ticket at one instant: the priority,
each stage's status and deadline (and by how much it moved), the breaches that appear or
disappear, and the due actions added or removed (by key, or moved when the same key falls
due at another instant). ``diff_policies`` does it for many tickets and counts. Pure: no
I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ._errors import TicketError
from ._policy import Policy
from .engine import Action, Evaluation, Ticket

__all__ = [
    "ActionChange",
    "PolicyDiff",
    "StageChange",
    "TicketDiff",
    "diff_policies",
    "diff_ticket",
]


@dataclass(frozen=True, slots=True)
class StageChange:
    """One stage whose status or deadline differs. ``None`` status: the stage does not exist."""

    stage: str
    old_status: str | None
    new_status: str | None
    old_deadline: datetime | None
    new_deadline: datetime | None

    @property
    def moved(self) -> timedelta | None:
        """How far the deadline moved (later is positive), when both deadlines are known."""
        if self.old_deadline is None or self.new_deadline is None:
            return None
        return self.new_deadline - self.old_deadline

    @property
    def deadline_changed(self) -> bool:
        return self.old_deadline != self.new_deadline


@dataclass(frozen=True, slots=True)
class ActionChange:
    """A due action only one policy yields (``old`` or ``new`` is ``None``), or that moved."""

    key: str
    old: Action | None
    new: Action | None

    @property
    def change(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"


@dataclass(frozen=True, slots=True)
class TicketDiff:
    """How one ticket's evaluation differs between the old and the new policy."""

    ticket_id: str
    old_priority: str | None
    new_priority: str | None
    stages: tuple[StageChange, ...] = ()
    breaches_added: tuple[str, ...] = ()
    breaches_removed: tuple[str, ...] = ()
    actions: tuple[ActionChange, ...] = ()
    old_error: str | None = None
    new_error: str | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.old_priority != self.new_priority
            or self.stages
            or self.breaches_added
            or self.breaches_removed
            or self.actions
            or self.old_error != self.new_error
        )

    @property
    def deadlines_moved(self) -> tuple[StageChange, ...]:
        return tuple(s for s in self.stages if s.deadline_changed)


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    """The change over many tickets; ``tickets`` holds every ticket compared, in input order."""

    old: Policy
    new: Policy
    at: datetime
    tickets: tuple[TicketDiff, ...] = field(default=())

    @property
    def changed(self) -> tuple[TicketDiff, ...]:
        return tuple(t for t in self.tickets if t.changed)

    def counts(self) -> dict[str, int]:
        """How many tickets changed, and in which way (a ticket may count in several)."""
        ts = self.tickets
        return {
            "tickets": len(ts),
            "changed": sum(1 for t in ts if t.changed),
            "unchanged": sum(1 for t in ts if not t.changed),
            "priority_changed": sum(1 for t in ts if t.old_priority != t.new_priority),
            "deadlines_moved": sum(1 for t in ts if t.deadlines_moved),
            "breaches_appeared": sum(1 for t in ts if t.breaches_added),
            "breaches_disappeared": sum(1 for t in ts if t.breaches_removed),
            "actions_added": sum(1 for t in ts for a in t.actions if a.change == "added"),
            "actions_removed": sum(1 for t in ts for a in t.actions if a.change == "removed"),
            "actions_changed": sum(1 for t in ts for a in t.actions if a.change == "changed"),
            "errors": sum(1 for t in ts if t.old_error or t.new_error),
        }


def _evaluate(policy: Policy, ticket: Ticket, at: datetime) -> Evaluation | str:
    try:
        return policy.evaluate(ticket, at=at)
    except TicketError as exc:
        return str(exc)


def _stage_changes(old: Evaluation, new: Evaluation) -> tuple[StageChange, ...]:
    out: list[StageChange] = []
    for name in dict.fromkeys([*old.stages, *new.stages]):
        a, b = old.stages.get(name), new.stages.get(name)
        old_status = a.status.value if a is not None else None
        new_status = b.status.value if b is not None else None
        old_deadline = a.deadline if a is not None else None
        new_deadline = b.deadline if b is not None else None
        if old_status != new_status or old_deadline != new_deadline:
            out.append(StageChange(name, old_status, new_status, old_deadline, new_deadline))
    return tuple(out)


def _same_action(a: Action, b: Action) -> bool:
    return (a.kind, a.due_at, a.to, a.via, a.stage) == (b.kind, b.due_at, b.to, b.via, b.stage)


def _action_changes(old: Evaluation, new: Evaluation) -> tuple[ActionChange, ...]:
    before = {a.key: a for a in old.actions}
    after = {a.key: a for a in new.actions}
    out: list[ActionChange] = []
    for key in dict.fromkeys([*before, *after]):
        a, b = before.get(key), after.get(key)
        if a is None or b is None or not _same_action(a, b):
            out.append(ActionChange(key, a, b))
    return tuple(out)


def diff_ticket(old: Policy, new: Policy, ticket: Ticket, at: datetime) -> TicketDiff:
    """Compare the evaluations of ``ticket`` at ``at`` under ``old`` and ``new``."""
    a, b = _evaluate(old, ticket, at), _evaluate(new, ticket, at)
    if isinstance(a, str) or isinstance(b, str):
        return TicketDiff(
            ticket.id,
            None if isinstance(a, str) else a.priority,
            None if isinstance(b, str) else b.priority,
            old_error=a if isinstance(a, str) else None,
            new_error=b if isinstance(b, str) else None,
        )
    return TicketDiff(
        ticket.id,
        a.priority,
        b.priority,
        _stage_changes(a, b),
        tuple(s for s in b.breaches if s not in a.breaches),
        tuple(s for s in a.breaches if s not in b.breaches),
        _action_changes(a, b),
    )


def diff_policies(old: Policy, new: Policy, tickets: Iterable[Ticket], at: datetime) -> PolicyDiff:
    """Compare every ticket of ``tickets`` at ``at``."""
    return PolicyDiff(old, new, at, tuple(diff_ticket(old, new, t, at) for t in tickets))
