"""The fixed Arrow schemas of bulk evaluation: stage rows, due actions, bad tickets.

Instants are ``timestamp[us, tz=UTC]``; durations are seconds as ``float64`` (the same
numbers ``Evaluation.to_dict()`` gives); statuses and kinds are their plain names.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from ._deps import require

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "STAGE_DICTIONARY_COLUMNS",
    "actions_schema",
    "errors_schema",
    "spark_ddl",
    "stages_schema",
]

# Stage-row columns with a few distinct values per file: worth Parquet dictionary encoding.
# Ids, instants and seconds are nearly all distinct, so trying a dictionary for them only
# costs time (writing 1,000,000 tickets' rows this way takes half as long, in a smaller file).
STAGE_DICTIONARY_COLUMNS = ("priority", "stage", "status", "target", "calendar")


@cache
def stages_schema() -> pa.Schema:
    """One row per ticket and stage, in ticket order then the policy's stage order."""
    pa = require("pyarrow")
    ts = pa.timestamp("us", tz="UTC")
    return pa.schema(
        [
            pa.field("ticket_id", pa.string(), nullable=False),
            pa.field("priority", pa.string(), nullable=False),
            pa.field("stage", pa.string(), nullable=False),
            pa.field("status", pa.string(), nullable=False),
            pa.field("target", pa.string()),
            pa.field("calendar", pa.string()),
            pa.field("started_at", ts),
            pa.field("deadline", ts),
            pa.field("stopped_at", ts),
            pa.field("elapsed_s", pa.float64()),
            pa.field("remaining_s", pa.float64()),
            pa.field("used", pa.float64()),
            pa.field("paused_s", pa.float64()),
            pa.field("next_evaluation_at", ts),
        ]
    )


@cache
def actions_schema() -> pa.Schema:
    """One row per due action (due at or before ``at`` and not in the ticket's ``done``)."""
    pa = require("pyarrow")
    return pa.schema(
        [
            pa.field("ticket_id", pa.string(), nullable=False),
            pa.field("key", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),
            pa.field("stage", pa.string(), nullable=False),
            pa.field("step", pa.string(), nullable=False),
            pa.field("due_at", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("to", pa.list_(pa.string()), nullable=False),
            pa.field("via", pa.list_(pa.string()), nullable=False),
            pa.field("reason", pa.string(), nullable=False),
            pa.field("data", pa.string(), nullable=False),  # JSON text of the step's data
        ]
    )


@cache
def errors_schema() -> pa.Schema:
    """One row per ticket that could not be evaluated (``errors="collect"``)."""
    pa = require("pyarrow")
    return pa.schema(
        [
            pa.field("row", pa.int64(), nullable=False),  # position in the input
            pa.field("ticket_id", pa.string()),
            pa.field("where", pa.string(), nullable=False),
            pa.field("error", pa.string(), nullable=False),
        ]
    )


def _ddl_type(typ: pa.DataType) -> str:
    pa = require("pyarrow")
    if pa.types.is_timestamp(typ):
        return "timestamp"
    if pa.types.is_float64(typ):
        return "double"
    if pa.types.is_int64(typ):
        return "bigint"
    if pa.types.is_list(typ):
        return f"array<{_ddl_type(typ.value_type)}>"
    return "string"


def spark_ddl(schema: pa.Schema) -> str:
    """The schema as a Spark DDL string, for ``DataFrame.mapInArrow(fn, spark_ddl(...))``."""
    return ", ".join(f"`{f.name}` {_ddl_type(f.type)}" for f in schema)
