"""Outcomes to Arrow tables of the fixed schemas, and the ``evaluate_*`` functions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from slarules.engine import instant

from . import _convert as convert
from ._convert import NAIVE_HINT, check_tickets, naive_columns, records_from_arrow
from ._deps import require
from ._records import ErrorMode, Outcome, evaluate_records, paused_gc
from ._schema import actions_schema, errors_schema, stages_schema

if TYPE_CHECKING:
    import pyarrow as pa

    from slarules._policy import Policy
    from slarules.engine import Evaluation, StageResult

__all__ = ["BatchResult", "concat_results", "evaluate_batch", "evaluate_table", "outcome_tables"]


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


def _stage_table(evaluations: list[Evaluation]) -> pa.Table:
    """Column by column: far fewer Python objects than row tuples."""
    pa = require("pyarrow")
    schema = stages_schema()
    results: list[StageResult] = []
    names: list[str] = []
    ids: list[str] = []
    priorities: list[str] = []
    nexts: list[datetime | None] = []
    for ev in evaluations:
        stages = ev.stages
        n = len(stages)
        results.extend(stages.values())
        names.extend(stages)
        ids.extend([ev.ticket_id] * n)
        priorities.extend([ev.priority] * n)
        nexts.extend([ev.next_evaluation_at] * n)
    ts = schema.field("started_at").type
    us = pa.duration("us")

    def seconds(values: list[timedelta | None]) -> Any:
        # int microseconds / 1e6 is exactly timedelta.total_seconds()
        return pc.divide(pa.array(values, us).cast(pa.int64()), 1e6)

    pc = require("pyarrow.compute")
    columns = [
        pa.array(ids, pa.string()),
        pa.array(priorities, pa.string()),
        pa.array(names, pa.string()),
        pa.array([r.status.value for r in results], pa.string()),
        pa.array([r.target for r in results], pa.string()),
        pa.array([r.calendar for r in results], pa.string()),
        pa.array([r.started_at for r in results], ts),
        pa.array([r.deadline for r in results], ts),
        pa.array([r.stopped_at for r in results], ts),
        seconds([r.elapsed for r in results]),
        seconds([r.remaining for r in results]),
        pa.array([r.used for r in results], pa.float64()),
        seconds([r.paused for r in results]),
        pa.array(nexts, ts),
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def outcome_tables(outcomes: Iterable[Outcome], *, actions: bool = True) -> BatchResult:
    """Tables from evaluated records (the building block the pool and Dask share)."""
    evaluations: list[Evaluation] = []
    due: list[tuple[Any, ...]] = []
    bad: list[tuple[Any, ...]] = []
    for outcome in outcomes:
        ev = outcome.evaluation
        if ev is None:
            rec = outcome.record
            bad.append((rec.row, rec.ticket_id, rec.where, outcome.error))
            continue
        evaluations.append(ev)
        if actions:
            for a in ev.actions:
                due.append(
                    (
                        ev.ticket_id,
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
        stages=_stage_table(evaluations),
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
    evaluated a few hundred rows at a time, so memory does not grow with its size beyond
    the input and the output tables.
    """
    instant(at)
    if errors not in ("raise", "collect"):
        from slarules._errors import UsageError

        raise UsageError(f"errors must be 'raise' or 'collect', not {errors!r}")
    check_tickets(tickets)
    naive = naive_columns(tickets.schema)
    hint = NAIVE_HINT.format(column=", ".join(naive)) if naive else None
    records = records_from_arrow(tickets, source=source, first_row=first_row)
    outcomes = evaluate_records(policy, records, at, errors=errors, hint=hint)
    parts: list[BatchResult] = []
    while True:
        with paused_gc():
            piece = list(islice(outcomes, convert.SLICE_ROWS))
            if not piece:
                break
            parts.append(outcome_tables(piece, actions=actions))
    return concat_results(parts)


def concat_results(parts: list[BatchResult]) -> BatchResult:
    """One result of several, with contiguous columns."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return outcome_tables([])
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
