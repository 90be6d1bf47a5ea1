"""Outcomes to Arrow tables of the fixed schemas, and the ``evaluate_*`` functions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slarules.engine import instant

from ._convert import NAIVE_HINT, check_tickets, naive_columns, records_from_arrow
from ._deps import require
from ._records import ErrorMode, Outcome, evaluate_records
from ._schema import actions_schema, errors_schema, stages_schema

if TYPE_CHECKING:
    import pyarrow as pa

    from slarules._policy import Policy

__all__ = ["SLICE_ROWS", "BatchResult", "evaluate_batch", "evaluate_table", "outcome_tables"]

SLICE_ROWS = 10_000  # tickets converted and evaluated at a time


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


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def _data(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True) if value else "{}"


def _table(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    pa = require("pyarrow")
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows, strict=True))
    arrays = [pa.array(values, f.type) for values, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def outcome_tables(outcomes: Iterable[Outcome], *, actions: bool = True) -> BatchResult:
    """Tables from evaluated records (the building block the pool and Dask share)."""
    stages: list[tuple[Any, ...]] = []
    due: list[tuple[Any, ...]] = []
    bad: list[tuple[Any, ...]] = []
    for outcome in outcomes:
        ev = outcome.evaluation
        if ev is None:
            rec = outcome.record
            bad.append((rec.row, rec.ticket_id, rec.where, outcome.error))
            continue
        tid, priority, nxt = ev.ticket_id, ev.priority, ev.next_evaluation_at
        for name, r in ev.stages.items():
            stages.append(
                (
                    tid,
                    priority,
                    name,
                    r.status.value,
                    r.target,
                    r.calendar,
                    r.started_at,
                    r.deadline,
                    r.stopped_at,
                    _seconds(r.elapsed),
                    _seconds(r.remaining),
                    r.used,
                    _seconds(r.paused),
                    nxt,
                )
            )
        if actions:
            for a in ev.actions:
                due.append(
                    (
                        tid,
                        a.key,
                        a.kind.value,
                        a.stage,
                        a.step,
                        a.due_at,
                        list(a.to),
                        list(a.via),
                        a.reason,
                        _data(a.data),
                    )
                )
    return BatchResult(
        stages=_table(stages, stages_schema()),
        actions=_table(due, actions_schema()),
        errors=_table(bad, errors_schema()),
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
    ``actions=False`` leaves the actions table empty (a little faster). The table is
    evaluated 10,000 rows at a time, so memory does not grow with its size beyond the
    input and the output tables.
    """
    instant(at)
    if errors not in ("raise", "collect"):
        from slarules._errors import UsageError

        raise UsageError(f"errors must be 'raise' or 'collect', not {errors!r}")
    check_tickets(tickets)
    naive = naive_columns(tickets.schema)
    hint = NAIVE_HINT.format(column=", ".join(naive)) if naive else None
    parts: list[BatchResult] = []
    for offset in range(0, max(tickets.num_rows, 1), SLICE_ROWS):
        piece = tickets.slice(offset, SLICE_ROWS)
        records = records_from_arrow(piece, source=source, first_row=first_row + offset)
        outcomes = evaluate_records(policy, records, at, errors=errors, hint=hint)
        parts.append(outcome_tables(outcomes, actions=actions))
    if len(parts) == 1:
        return parts[0]
    pa = require("pyarrow")
    return BatchResult(
        stages=pa.concat_tables([p.stages for p in parts]),
        actions=pa.concat_tables([p.actions for p in parts]),
        errors=pa.concat_tables([p.errors for p in parts]),
    )


def evaluate_table(policy: Policy, tickets: pa.Table | pa.RecordBatch, at: datetime) -> pa.Table:
    """One row per ticket and stage (``stages_schema()``); a bad ticket raises ``TicketError``.

    Equal, ticket by ticket, to ``policy.evaluate(ticket, at=at)``.
    """
    return evaluate_batch(policy, tickets, at, actions=False).stages
