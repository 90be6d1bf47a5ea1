"""The evaluation engine: tickets in, evaluations out. Pure: no I/O, no clock."""

from __future__ import annotations

from ._evaluate import choose_priority, evaluate, instant
from ._evaluation import Action, Evaluation, PriorityChoice, StageResult, StageStatus
from ._explain import Explanation, explain
from ._ticket import StatusChange, Ticket, as_ticket
from ._timeline import TimelineEntry, timeline

__all__ = [
    "Action",
    "Evaluation",
    "Explanation",
    "PriorityChoice",
    "StageResult",
    "StageStatus",
    "StatusChange",
    "Ticket",
    "TimelineEntry",
    "as_ticket",
    "choose_priority",
    "evaluate",
    "explain",
    "instant",
    "timeline",
]
