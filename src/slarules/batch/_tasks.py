"""Per-chunk tasks for ``map_chunks``: what ``slarules evaluate`` runs in each worker."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal

from ._records import Record, evaluate_records

if TYPE_CHECKING:
    from slarules._policy import Policy
    from slarules.engine import Evaluation

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


def evaluate_chunk(
    policy: Policy, records: Iterable[Record], *, at: datetime, output: Output
) -> ChunkResult:
    """Evaluate a chunk of records, collecting bad tickets, in the form ``output`` names.

    Records are taken 10,000 at a time, so only that many evaluations are held at once.
    """
    result = ChunkResult()
    tables = []
    todo = iter(records)
    while batch := list(islice(todo, 10_000)):
        result.count += len(batch)
        outcomes = list(evaluate_records(policy, batch, at, errors="collect"))
        for outcome in outcomes:
            if outcome.evaluation is None:
                error = outcome.error or "cannot be evaluated"
                result.errors.append((outcome.record.where, error))
            elif output == "evaluations":
                result.evaluations.append(_picklable(outcome.evaluation))
            elif output == "jsonl":
                result.lines.append(json.dumps(outcome.evaluation.to_dict(), ensure_ascii=False))
        if output == "arrow":
            from ._tables import outcome_tables

            tables.append(outcome_tables(outcomes, actions=False).stages)
    if output == "arrow":
        from ._deps import require
        from ._schema import stages_schema

        pa = require("pyarrow")
        result.table = pa.concat_tables(tables) if tables else stages_schema().empty_table()
    return result
