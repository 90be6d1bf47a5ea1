"""Outcomes to Arrow tables of the fixed schemas, and the ``evaluate_*`` functions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slarules.engine import instant

from ._convert import NAIVE_HINT, naive_columns, records_from_arrow
from ._deps import require
from ._records import ErrorMode, Outcome, evaluate_records
from ._schema import actions_schema, errors_schema, stages_schema

if TYPE_CHECKING:
    import pyarrow as pa

    from slarules._policy import Policy

__all__ = ["BatchResult", "evaluate_batch", "evaluate_table", "outcome_tables"]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The three tables of a bulk evaluation.

    ``stages``: one row per ticket and stage (``stages_schema()``); ``actions``: the due
    actions (``actions_schema()``); ``errors``: the tickets that could not be evaluated,
    with why (``errors_schema()``; always empty unless ``errors="collect"``).
    """

    stages: pa.Table
    actions: pa.Table
    errors: pa.Table


def _seconds(value: Any) -> float | None:
    return value.total_seconds() if value is not None else None


def outcome_tables(outcomes: Iterable[Outcome], *, actions: bool = True) -> BatchResult:
    """Tables from evaluated records (the building block the pool and Dask share)."""
    pa = require("pyarrow")
    st: dict[str, list[Any]] = {name: [] for name in stages_schema().names}
    ac: dict[str, list[Any]] = {name: [] for name in actions_schema().names}
    er: dict[str, list[Any]] = {name: [] for name in errors_schema().names}
    for outcome in outcomes:
        ev = outcome.evaluation
        if ev is None:
            er["row"].append(outcome.record.row)
            er["ticket_id"].append(outcome.record.ticket_id)
            er["where"].append(outcome.record.where)
            er["error"].append(outcome.error)
            continue
        for name, r in ev.stages.items():
            st["ticket_id"].append(ev.ticket_id)
            st["priority"].append(ev.priority)
            st["stage"].append(name)
            st["status"].append(r.status.value)
            st["target"].append(r.target)
            st["calendar"].append(r.calendar)
            st["started_at"].append(r.started_at)
            st["deadline"].append(r.deadline)
            st["stopped_at"].append(r.stopped_at)
            st["elapsed_s"].append(_seconds(r.elapsed))
            st["remaining_s"].append(_seconds(r.remaining))
            st["used"].append(r.used)
            st["paused_s"].append(_seconds(r.paused))
            st["next_evaluation_at"].append(ev.next_evaluation_at)
        if not actions:
            continue
        for a in ev.actions:
            ac["ticket_id"].append(ev.ticket_id)
            ac["key"].append(a.key)
            ac["kind"].append(a.kind.value)
            ac["stage"].append(a.stage)
            ac["step"].append(a.step)
            ac["due_at"].append(a.due_at)
            ac["to"].append(list(a.to))
            ac["via"].append(list(a.via))
            ac["reason"].append(a.reason)
            ac["data"].append(json.dumps(dict(a.data), ensure_ascii=False, sort_keys=True))
    return BatchResult(
        stages=pa.table(st, schema=stages_schema()),
        actions=pa.table(ac, schema=actions_schema()),
        errors=pa.table(er, schema=errors_schema()),
    )


def evaluate_batch(
    policy: Policy,
    tickets: pa.Table | pa.RecordBatch,
    at: datetime,
    *,
    errors: ErrorMode = "raise",
    source: str = "",
    first_row: int = 0,
    actions: bool = True,
) -> BatchResult:
    """Evaluate every ticket of an Arrow table at ``at``: stage rows, due actions, errors.

    ``errors="raise"`` (the default) raises ``TicketError`` for the first bad ticket,
    naming it and its row; ``errors="collect"`` evaluates the others and returns each bad
    ticket in ``BatchResult.errors`` with its message. ``source`` names the input in
    messages; ``first_row`` is the position of the table's first row in a larger input;
    ``actions=False`` leaves the actions table empty (a little faster).
    """
    instant(at)
    if errors not in ("raise", "collect"):
        from slarules._errors import UsageError

        raise UsageError(f"errors must be 'raise' or 'collect', not {errors!r}")
    records = records_from_arrow(tickets, source=source, first_row=first_row)
    naive = naive_columns(tickets.schema)
    hint = NAIVE_HINT.format(column=", ".join(naive)) if naive else None
    outcomes = evaluate_records(policy, records, at, errors=errors, hint=hint)
    return outcome_tables(outcomes, actions=actions)


def evaluate_table(policy: Policy, tickets: pa.Table | pa.RecordBatch, at: datetime) -> pa.Table:
    """One row per ticket and stage (``stages_schema()``); a bad ticket raises ``TicketError``.

    Equal, ticket by ticket, to ``policy.evaluate(ticket, at=at)``.
    """
    return evaluate_batch(policy, tickets, at, actions=False).stages
