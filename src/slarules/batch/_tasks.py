"""Per-chunk tasks for ``map_chunks``: what ``slarules evaluate`` runs in each worker."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ._records import Record, evaluate_items, evaluations_at, facts_at

if TYPE_CHECKING:
    from slarules._policy import Policy
    from slarules.engine import Evaluation

    from ._typed import Item

__all__ = ["ChunkResult", "Output", "evaluate_chunk"]

Output = Literal["evaluations", "jsonl", "arrow"]


@dataclass(slots=True)
class ChunkResult:
    """What one chunk gave: evaluations, JSON lines or an Arrow table, and the bad tickets.

    ``errors`` holds ``(where, message)`` for each ticket that could not be evaluated.
    """

    count: int = 0
    evaluations: list[Evaluation] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    table: Any = None  # pyarrow.Table of stages_schema() rows for output="arrow"
    errors: list[tuple[str, str]] = field(default_factory=list)


def _picklable(ev: Evaluation) -> Evaluation:
    """The evaluation with plain dicts for its read-only mappings, to cross processes."""
    actions = tuple(replace(a, data=dict(a.data)) for a in ev.actions)
    return replace(ev, stages=dict(ev.stages), actions=actions)


def _add(
    result: ChunkResult,
    tables: list[Any],
    policy: Policy,
    items: list[Item],
    at: datetime,
    output: Output,
    label: str = "row",
    first: int = 0,
) -> None:
    result.count += len(items)
    if output == "arrow":
        from ._tables import fact_tables

        facts, bad = evaluate_items(
            policy, items, facts_at(policy, at), errors="collect", label=label, first_row=first
        )
        tables.append(fact_tables(facts, [], actions=False).stages)
    else:
        answer = evaluations_at(policy, at)
        evaluations, bad = evaluate_items(
            policy, items, answer, errors="collect", label=label, first_row=first
        )
        if output == "evaluations":
            result.evaluations.extend(_picklable(ev) for ev in evaluations)
        else:
            lines = (json.dumps(ev.to_dict(), ensure_ascii=False) for ev in evaluations)
            result.lines.extend(lines)
    for _, _, where, error in bad:
        result.errors.append((where, error or "cannot be evaluated"))


def evaluate_chunk(
    policy: Policy, records: Iterable[Record], *, at: datetime, output: Output
) -> ChunkResult:
    """Evaluate a chunk of records, collecting bad tickets, in the form ``output`` names
    (``map_slices``: one slice of evaluations alive at a time)."""
    from ._typed import map_slices

    result = ChunkResult()
    tables: list[Any] = []

    def add(items: list[Item], label: str, first: int) -> None:
        _add(result, tables, policy, items, at, output, label, first)

    for _ in map_slices(records, add):
        pass
    if output == "arrow":
        from ._deps import require
        from ._schema import stages_schema

        pa = require("pyarrow")
        empty = stages_schema().empty_table()
        result.table = pa.concat_tables(tables).combine_chunks() if tables else empty
    return result
