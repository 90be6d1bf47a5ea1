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
from ._records import Bad, ErrorMode, Outcome, evaluate_items, paused_gc
from ._schema import actions_schema, errors_schema, stages_schema
from ._typed import slices

if TYPE_CHECKING:
    import pyarrow as pa

    from slarules._policy import Policy
    from slarules.engine import Action, Evaluation, StageResult

__all__ = [
    "BatchResult",
    "concat_results",
    "evaluate_batch",
    "evaluate_table",
    "outcome_tables",
    "result_tables",
]


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


def _data(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True) if value else "{}"


def _table(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    pa = require("pyarrow")
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows, strict=True))
    arrays = [pa.array(values, f.type) for values, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


_SPREAD: dict[int, pa.Array] = {}  # per count n: 0, 0, ..., 1, 1, ... (each n times)


def _spread(values: pa.Array, counts: list[int]) -> pa.Array:
    """``values[i]`` repeated ``counts[i]`` times, for each ``i`` in turn.

    The values of a ticket (its id, priority, next evaluation) are turned into Arrow once
    per ticket, not once per stage row.
    """
    pa = require("pyarrow")
    n = counts[0] if counts else 0
    total = n * len(counts)
    if counts.count(n) == len(counts):
        index = _SPREAD.get(n)
        if index is None or len(index) < total:
            size = max(total, n * 1024)
            index = _SPREAD[n] = pa.array([i // n for i in range(size)] if n else [], pa.int32())
        return values.take(index.slice(0, total))
    rows = [i for i, c in enumerate(counts) for _ in range(c)]
    return values.take(pa.array(rows, pa.int32()))


def _stage_table(evaluations: list[Evaluation]) -> pa.Table:
    """Column by column, from Python lists turned into Arrow once each."""
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    schema = stages_schema()
    if not evaluations:
        return schema.empty_table()
    results: list[StageResult] = []
    names: list[str] = []
    counts: list[int] = []
    for ev in evaluations:
        stages = ev.stages
        results.extend(stages.values())
        names.extend(stages)
        counts.append(len(stages))
    ts = schema.field("started_at").type
    us = pa.duration("us")

    def seconds(values: list[timedelta | None]) -> Any:
        # int microseconds / 1e6 is exactly timedelta.total_seconds() up to 2**53 µs
        try:
            return pc.divide(pa.array(values, us).cast(pa.int64()), 1e6)
        except pa.ArrowInvalid:  # longer than 285 years: one by one
            return pa.array([v if v is None else v.total_seconds() for v in values], pa.float64())

    def per_ticket(values: list[Any], typ: Any) -> Any:
        return _spread(pa.array(values, typ), counts)

    columns = [
        per_ticket([ev.ticket_id for ev in evaluations], pa.string()),
        per_ticket([ev.priority for ev in evaluations], pa.string()),
        pa.array(names, pa.string()),
        pa.array([r.status for r in results], pa.string()),  # a StrEnum: its value
        pa.array([r.target for r in results], pa.string()),
        pa.array([r.calendar for r in results], pa.string()),
        pa.array([r.started_at for r in results], ts),
        pa.array([r.deadline for r in results], ts),
        pa.array([r.stopped_at for r in results], ts),
        seconds([r.elapsed for r in results]),
        seconds([r.remaining for r in results]),
        pa.array([r.used for r in results], pa.float64()),
        seconds([r.paused for r in results]),
        per_ticket([ev.next_evaluation_at for ev in evaluations], ts),
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _action_table(evaluations: list[Evaluation]) -> pa.Table:
    """The due actions, column by column; a step's data is written as JSON once."""
    pa = require("pyarrow")
    schema = actions_schema()
    actions: list[Action] = []
    ids: list[str] = []
    for ev in evaluations:
        due = ev.actions
        if due:
            actions.extend(due)
            ids.extend([ev.ticket_id] * len(due))
    if not actions:
        return schema.empty_table()
    texts: dict[int, str] = {}  # by id(): the mappings are alive while this runs
    data: list[str] = []
    for a in actions:
        value = a.data
        text = texts.get(id(value))
        if text is None:
            text = texts[id(value)] = _data(value)
        data.append(text)
    words = pa.list_(pa.string())
    columns = [
        pa.array(ids, pa.string()),
        pa.array([a.key for a in actions], pa.string()),
        pa.array([a.kind for a in actions], pa.string()),  # a StrEnum: its value
        pa.array([a.stage for a in actions], pa.string()),
        pa.array([a.step for a in actions], pa.string()),
        pa.array([a.due_at for a in actions], schema.field("due_at").type),
        pa.array([a.to for a in actions], words),
        pa.array([a.via for a in actions], words),
        pa.array([a.reason for a in actions], pa.string()),
        pa.array(data, pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def result_tables(
    evaluations: list[Evaluation], bad: list[Bad], *, actions: bool = True
) -> BatchResult:
    """The three tables of evaluations and of the tickets that failed."""
    return BatchResult(
        stages=_stage_table(evaluations),
        actions=_action_table(evaluations) if actions else actions_schema().empty_table(),
        errors=_table(list(bad), errors_schema()),
    )


def outcome_tables(outcomes: Iterable[Outcome], *, actions: bool = True) -> BatchResult:
    """Tables from evaluated records (the building block the pool and Dask share)."""
    evaluations: list[Evaluation] = []
    bad: list[Bad] = []
    for outcome in outcomes:
        ev = outcome.evaluation
        if ev is None:
            rec = outcome.record
            bad.append((rec.row, rec.ticket_id, rec.where, outcome.error or ""))
            continue
        evaluations.append(ev)
    return result_tables(evaluations, bad, actions=actions)


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
    evaluated 2,000 rows at a time, so memory does not grow with its size beyond the input
    and the output tables. Typed columns (timestamps with a zone, see ``_typed``) go
    straight into the engine's form; others (JSON text, ...) are validated ticket by ticket
    as ``policy.evaluate`` validates a mapping.
    """
    instant(at)
    if errors not in ("raise", "collect"):
        from slarules._errors import UsageError

        raise UsageError(f"errors must be 'raise' or 'collect', not {errors!r}")
    check_tickets(tickets)
    naive = naive_columns(tickets.schema)
    hint = NAIVE_HINT.format(column=", ".join(naive)) if naive else None
    parts: list[BatchResult] = []
    records = records_from_arrow(tickets, source=source, first_row=first_row)
    for read, label, first in slices(records):
        with paused_gc():
            evaluations, bad = evaluate_items(
                policy, read(), at, errors=errors, hint=hint, label=label, first_row=first
            )
            parts.append(result_tables(evaluations, bad, actions=actions))
    return concat_results(parts)


def concat_results(parts: list[BatchResult]) -> BatchResult:
    """One result of several, with contiguous columns."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return result_tables([], [])
    pyarrow = require("pyarrow")

    def concat(tables: list[pa.Table]) -> pa.Table:
        return pyarrow.concat_tables(tables).combine_chunks()

    return BatchResult(
        stages=concat([p.stages for p in parts]),
        actions=concat([p.actions for p in parts]),
        errors=concat([p.errors for p in parts]),
    )


def evaluate_table(policy: Policy, tickets: pa.Table | pa.RecordBatch, at: datetime) -> pa.Table:
    """One row per ticket and stage (``stages_schema()``); a bad ticket raises ``TicketError``.

    Equal, ticket by ticket, to ``policy.evaluate(ticket, at=at)``.
    """
    return evaluate_batch(policy, tickets, at, actions=False).stages
