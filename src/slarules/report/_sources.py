"""Streaming tickets from files for reports: JSON Lines always, Parquet with pyarrow."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from slarules._errors import UsageError

__all__ = ["PARQUET_SUFFIXES", "iter_parquet", "parquet_row"]

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
_NESTED = ("fields", "events", "statuses", "done")


def parquet_row(row: dict[str, Any]) -> dict[str, Any]:
    """A ticket mapping from one Parquet row: nested columns may be structs or JSON text."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in _NESTED and isinstance(value, str):
            value = json.loads(value)
        if key in ("fields", "events") and isinstance(value, list):
            value = dict(value)  # a map column arrives as (key, value) pairs
        if key == "events" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if v is not None}
        if value is None and key in _NESTED:
            continue
        out[key] = value
    return out


def iter_parquet(path: str | os.PathLike[str], *, batch_rows: int = 8192) -> Iterator[Any]:
    """Ticket mappings from a Parquet file, one record batch at a time (needs pyarrow)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(
            f"{path}: reading Parquet needs pyarrow; pip install 'slarules[arrow]'"
        ) from None
    try:
        reader = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot be read as Parquet ({exc})") from None
    for batch in reader.iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            yield parquet_row(row)
