"""Bulk evaluation: Arrow tables and Parquet in, Arrow tables out, on one core or many.

    >>> import pyarrow.parquet as pq, slarules, slarules.batch
    >>> policy = slarules.load_policy("policies/after-sales-response.yaml")
    >>> stages = slarules.batch.evaluate_table(policy, pq.read_table("tickets.parquet"), at)
    >>> result = slarules.batch.evaluate_batch(policy, table, at, errors="collect")
    >>> result.stages, result.actions, result.errors

Every answer equals ``policy.evaluate(ticket, at=at)`` ticket by ticket. The Arrow functions
need ``pyarrow`` (``pip install 'slarules[arrow]'``); importing this module does not, and
``map_chunks`` (the process pool behind ``--workers``) works on JSON Lines without it.
"""

from __future__ import annotations

from ._cache import PolicyRef, cached_policy
from ._chunks import Chunk, chunks_of, read_chunk
from ._convert import TICKET_COLUMNS, records_from_arrow
from ._deps import MissingDependencyError
from ._pool import map_chunks
from ._read import read_json, read_tickets
from ._records import ErrorMode, Outcome, Record, evaluate_records
from ._schema import actions_schema, errors_schema, spark_ddl, stages_schema
from ._tables import BatchResult, evaluate_batch, evaluate_table, outcome_tables
from ._tasks import ChunkResult, evaluate_chunk

__all__ = [
    "TICKET_COLUMNS",
    "BatchResult",
    "Chunk",
    "ChunkResult",
    "ErrorMode",
    "MissingDependencyError",
    "Outcome",
    "PolicyRef",
    "Record",
    "actions_schema",
    "cached_policy",
    "chunks_of",
    "errors_schema",
    "evaluate_batch",
    "evaluate_chunk",
    "evaluate_records",
    "evaluate_table",
    "map_chunks",
    "outcome_tables",
    "read_chunk",
    "read_json",
    "read_tickets",
    "records_from_arrow",
    "spark_ddl",
    "stages_schema",
]
