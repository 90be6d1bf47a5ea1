"""Outcomes to Arrow tables of the fixed schemas, and the ``evaluate_*`` functions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain, islice
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from slarules.calendar._localtime import to_us
from slarules.engine import instant

from ._convert import NAIVE_HINT, ArrowRecords, check_tickets, naive_columns, records_from_arrow
from ._deps import require
from ._records import Bad, ErrorMode, Outcome, Record, evaluate_items, facts_at
from ._schema import actions_schema, errors_schema, stages_schema
from ._typed import Item, map_slices

if TYPE_CHECKING:
    import pyarrow as pa

    from slarules._policy import Policy
    from slarules.engine import Action, Evaluation, StageResult
    from slarules.engine._evaluate import Facts

__all__ = [
    "BatchResult",
    "concat_results",
    "evaluate_arrow_records",
    "evaluate_batch",
    "evaluate_table",
    "fact_tables",
    "naive_hint",
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


_EXACT = 2**53  # µs: below it, µs / 1e6 in float64 is exactly timedelta.total_seconds()
_US_DELTA = timedelta(microseconds=1)


class _Rows(NamedTuple):
    """The stage rows of a slice as columns of Python values, instants and durations in
    integer UTC microseconds.

    Per ticket: ``ids``, ``priorities``, ``nexts`` and ``counts`` (its number of stage
    rows); per row the rest. A row whose stage has not started (``start`` is None) has
    no elapsed or paused time, whatever those columns hold; ``budget`` is the target as
    working time (None: the target is a fixed instant, or there is none).
    """

    ids: Sequence[str]
    priorities: Sequence[str]
    nexts: Sequence[int | None]
    counts: list[int]
    stages: Sequence[str]
    status: Sequence[str]
    target: Sequence[str | None]
    calendar: Sequence[str | None]
    start: Sequence[int | None]
    deadline: Sequence[int | None]
    stop: Sequence[int | None]
    elapsed: Sequence[int | None]
    budget: Sequence[int | None]
    paused: Sequence[int | None]


_NAME = attrgetter("name")
# the leading fields of the engine's StageState, in order (tests/batch/test_tables.py)
STATE_FIELDS = [
    "stage",
    "status",
    "target",
    "calendar",
    "start",
    "shown",
    "stop",
    "elapsed",
    "budget",
    "paused",
]


def _rows_of_facts(facts: list[Facts]) -> _Rows:
    """The engine's integers, transposed (``zip(*...)`` in C, no loop per value here)."""
    ids, priorities, states, _, nexts = zip(*facts, strict=True)
    counts = [len(s) for s in states]
    flat = list(chain.from_iterable(states))
    stage, status, target, calendar, start, shown, stop, elapsed, budget, paused = islice(
        zip(*flat, strict=True), len(STATE_FIELDS)
    )
    stages = list(map(_NAME, stage))
    return _Rows(
        ids,
        priorities,
        nexts,
        counts,
        stages,
        status,
        target,
        calendar,
        start,
        shown,
        stop,
        elapsed,
        budget,
        paused,
    )


def _us(value: datetime | None) -> int | None:
    return None if value is None else to_us(value)


def _rows_of_evaluations(evaluations: list[Evaluation]) -> _Rows:
    """Public answers back to integers (``outcome_tables``; the engine hands the batch
    its integers directly)."""
    results: list[StageResult] = []
    names: list[str] = []
    counts: list[int] = []
    for ev in evaluations:
        stages = ev.stages
        results.extend(stages.values())
        names.extend(stages)
        counts.append(len(stages))
    elapsed = [None if r.elapsed is None else r.elapsed // _US_DELTA for r in results]
    remaining = [None if r.remaining is None else r.remaining // _US_DELTA for r in results]
    return _Rows(
        ids=[ev.ticket_id for ev in evaluations],
        priorities=[ev.priority for ev in evaluations],
        nexts=[_us(ev.next_evaluation_at) for ev in evaluations],
        counts=counts,
        stages=names,
        status=[r.status for r in results],
        target=[r.target for r in results],
        calendar=[r.calendar for r in results],
        start=[_us(r.started_at) for r in results],
        deadline=[_us(r.deadline) for r in results],
        stop=[_us(r.stopped_at) for r in results],
        elapsed=elapsed,
        budget=[
            None if e is None or r is None else e + r
            for e, r in zip(elapsed, remaining, strict=True)
        ],
        paused=[None if r.paused is None else r.paused // _US_DELTA for r in results],
    )


def _largest(values: pa.Array) -> int:
    """The largest absolute value of an integer array (0 when all are null)."""
    pc = require("pyarrow.compute")
    return int(pc.max(pc.abs_checked(values)).as_py() or 0)


def _python_derived(rows: _Rows) -> tuple[list[float | None], ...]:
    """Elapsed, remaining, used and paused, computed in Python: exact at any size."""
    elapsed_s: list[float | None] = []
    remaining_s: list[float | None] = []
    used: list[float | None] = []
    paused_s: list[float | None] = []
    for start, elapsed, budget, paused in zip(
        rows.start, rows.elapsed, rows.budget, rows.paused, strict=True
    ):
        if start is None or elapsed is None:
            elapsed_s.append(None)
            paused_s.append(None)
            remaining_s.append(None)
            used.append(None)
            continue
        elapsed_s.append(elapsed / 1_000_000)
        paused_s.append(None if paused is None else paused / 1_000_000)
        remaining_s.append(None if budget is None else (budget - elapsed) / 1_000_000)
        used.append(None if budget is None else elapsed / budget if budget > 0 else 1.0)
    return elapsed_s, remaining_s, used, paused_s


def _stage_table(rows: _Rows) -> pa.Table:
    """Column by column: each column of Python values turned into Arrow once, and the
    derived ones (remaining, used, seconds) computed on the Arrow arrays."""
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    schema = stages_schema()
    if not rows.ids:
        return schema.empty_table()
    ts = schema.field("started_at").type
    i64, f64 = pa.int64(), pa.float64()
    started = pa.array(rows.start, ts)
    not_started = started.is_null()
    elapsed = pc.if_else(not_started, None, pa.array(rows.elapsed, i64))
    paused = pc.if_else(not_started, None, pa.array(rows.paused, i64))
    budget = pa.array(rows.budget, i64)  # a budget beyond int64 µs has no deadline to show
    remaining = pc.subtract_checked(budget, elapsed)
    if all(_largest(a) < _EXACT for a in (elapsed, paused, remaining)):
        elapsed_s, paused_s, remaining_s = (
            pc.divide(a.cast(f64), 1e6) for a in (elapsed, paused, remaining)
        )
        used = pc.if_else(
            pc.greater(budget, 0), pc.divide(elapsed.cast(f64), budget.cast(f64)), 1.0
        )
    else:  # one by one, with Python's exact int / int
        elapsed_s, remaining_s, used, paused_s = (
            pa.array(values, f64) for values in _python_derived(rows)
        )
    counts = rows.counts

    def per_ticket(values: Sequence[Any], typ: Any) -> Any:
        return _spread(pa.array(values, typ), counts)

    columns = [
        per_ticket(rows.ids, pa.string()),
        per_ticket(rows.priorities, pa.string()),
        pa.array(rows.stages, pa.string()),
        pa.array(rows.status, pa.string()),  # a StrEnum: its value
        pa.array(rows.target, pa.string()),
        pa.array(rows.calendar, pa.string()),
        started,
        pa.array(rows.deadline, ts),
        pa.array(rows.stop, ts),
        elapsed_s,
        remaining_s,
        used,
        paused_s,
        per_ticket(rows.nexts, ts),
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _action_table(due: list[tuple[str, Sequence[Action]]]) -> pa.Table:
    """The due actions of each ticket id, column by column; a step's data is written as
    JSON once."""
    pa = require("pyarrow")
    schema = actions_schema()
    actions: list[Action] = []
    ids: list[str] = []
    for tid, some in due:
        if some:
            actions.extend(some)
            ids.extend([tid] * len(some))
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
        stages=_stage_table(_rows_of_evaluations(evaluations)),
        actions=(
            _action_table([(ev.ticket_id, ev.actions) for ev in evaluations])
            if actions
            else actions_schema().empty_table()
        ),
        errors=_table(list(bad), errors_schema()),
    )


def fact_tables(facts: list[Facts], bad: list[Bad], *, actions: bool = True) -> BatchResult:
    """``result_tables`` of the engine's integers (what ``evaluate_batch`` builds)."""
    return BatchResult(
        stages=_stage_table(_rows_of_facts(facts)) if facts else stages_schema().empty_table(),
        actions=(
            _action_table([(f.ticket_id, f.actions) for f in facts if f.actions])
            if actions
            else actions_schema().empty_table()
        ),
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
    records = records_from_arrow(tickets, source=source, first_row=first_row)
    return evaluate_arrow_records(
        policy, records, at, errors=errors, hint=naive_hint(tickets.schema), actions=actions
    )


def naive_hint(schema: pa.Schema) -> str | None:
    """What to add to a bad ticket's message when the input's timestamps have no zone."""
    naive = naive_columns(schema)
    return NAIVE_HINT.format(column=", ".join(naive)) if naive else None


def evaluate_arrow_records(
    policy: Policy,
    records: ArrowRecords | Iterable[Record],
    at: datetime,
    *,
    errors: ErrorMode = "raise",
    hint: str | None = None,
    actions: bool = True,
) -> BatchResult:
    """``evaluate_batch`` of Arrow records: a table, or a file's row groups read as they go
    (``read_chunk``), a slice at a time (evaluating each piece of a file while its decoded
    columns are still in the CPU's caches is some 5 % faster than reading the file first)."""
    answer = facts_at(policy, at)

    def tables(items: list[Item], label: str, first: int) -> BatchResult:
        facts, bad = evaluate_items(
            policy, items, answer, errors=errors, hint=hint, label=label, first_row=first
        )
        return fact_tables(facts, bad, actions=actions)

    return concat_results(list(map_slices(records, tables)))


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
