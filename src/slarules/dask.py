"""slarules on Dask: evaluate a ``dask.dataframe`` of tickets lazily, partition by partition.

    >>> import slarules, slarules.dask
    >>> policy = slarules.load_policy("policies/after-sales-response.yaml")
    >>> stages = slarules.dask.evaluate(policy, "s3://bucket/tickets/", at)   # lazy
    >>> stages[stages.status == "breached"].groupby("stage").size().compute()

Each partition goes through ``slarules.batch`` (the same seam, the same answers as
``policy.evaluate``). The policy travels by content hash and source and is compiled once
per worker process, not once per partition. A local Parquet file is read in the task that
evaluates it, a row group per partition, 10,000 rows at a time, as ``--workers`` reads it;
other paths and dask dataframes are evaluated partition by partition (``map_partitions``).
Needs ``pip install 'slarules[dask]'``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from slarules._errors import UsageError
from slarules.batch._cache import PolicyRef, cached_policy
from slarules.batch._chunks import Chunk, chunks_of, input_format, parquet_records, read_chunk
from slarules.batch._convert import records_from_arrow
from slarules.batch._deps import MissingDependencyError
from slarules.batch._pool import run_chunk
from slarules.batch._records import ErrorMode, Record
from slarules.batch._schema import actions_schema, stages_schema
from slarules.batch._tables import BatchResult, evaluate_arrow_records, evaluate_batch, naive_hint
from slarules.engine import instant

try:
    import dask.dataframe as dd
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from dask.delayed import delayed
except ImportError:  # pragma: no cover - exercised without the extra installed
    raise MissingDependencyError(
        "slarules.dask needs dask[dataframe] and pyarrow; install them with: "
        "pip install 'slarules[dask]'"
    ) from None

if TYPE_CHECKING:
    from slarules._policy import Policy

__all__ = ["DaskResult", "aggregate", "due_actions", "evaluate", "read_tickets"]

R = TypeVar("R")


class DaskResult(NamedTuple):
    """Stage rows and bad tickets of ``evaluate(..., errors="collect")``, both lazy.

    They share one evaluation: compute them together, ``dask.compute(r.stages, r.errors)``.
    """

    stages: dd.DataFrame
    errors: dd.DataFrame


def _pandas(table: pa.Table) -> pd.DataFrame:
    frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
    return frame


def _meta(schema: pa.Schema) -> pd.DataFrame:
    return _pandas(schema.empty_table())


def read_tickets(path: str | os.PathLike[str], **options: Any) -> dd.DataFrame:
    """Tickets from Parquet (a file, a folder, a glob, ``s3://...``) as a dask dataframe.

    Columns keep their Arrow types (``dtype_backend="pyarrow"``), and each row group is a
    partition (``split_row_groups=True``), so a single big file still spreads over the
    cluster: write row groups of about 100,000 tickets. ``options`` go to
    ``dask.dataframe.read_parquet``.
    """
    options.setdefault("dtype_backend", "pyarrow")
    options.setdefault("split_row_groups", True)
    name = os.fspath(path)
    try:
        frame: dd.DataFrame = dd.read_parquet(name, **options)
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file or folder") from None
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise UsageError(
            f"{name}: cannot be read as Parquet ({first}); slarules.dask reads Parquet, a "
            "local JSON Lines file (.jsonl), or a dask dataframe"
        ) from None
    return frame


def _frame(tickets: dd.DataFrame | str | os.PathLike[str]) -> Any:
    """The tickets as a dask dataframe (typed ``Any``: dask's methods are untyped)."""
    if isinstance(tickets, str | os.PathLike):
        return read_tickets(tickets)
    if not isinstance(tickets, dd.DataFrame):
        raise UsageError(
            "tickets must be a dask.dataframe.DataFrame or a Parquet path, "
            f"not {type(tickets).__name__}"
        )
    return tickets


def _file_chunks(tickets: object) -> list[Chunk] | None:
    """A local file's chunks, the ones ``--workers`` reads: a Parquet file's row groups
    (a file of one row group is cut in two), a JSON Lines file's 10,000 lines at a time;
    ``None`` for anything else (a folder, a glob, a URL, a dask dataframe)."""
    if not isinstance(tickets, str | os.PathLike):
        return None
    name = os.path.abspath(os.fspath(tickets))
    fmt = input_format(name)
    if fmt == "jsonl" and not ("://" in os.fspath(tickets) or any(c in name for c in "*?[")):
        return chunks_of(name) or None  # a missing file or a FIFO is a UsageError here
    if fmt != "parquet" or not os.path.isfile(name):
        return None
    return chunks_of(name, rows=1) or None


def _lazy(
    tickets: dd.DataFrame | str | os.PathLike[str],
    on_partition: Callable[..., pd.DataFrame],
    on_chunk: Callable[..., pd.DataFrame],
    args: tuple[Any, ...],
    meta: pd.DataFrame,
) -> Any:
    """``on_chunk(chunk, *args)`` over a local Parquet file's chunks, or
    ``on_partition(partition, *args)`` over the partitions of anything else."""
    chunks = _file_chunks(tickets)
    if chunks is not None:
        return dd.from_map(on_chunk, chunks, args=args, meta=meta)  # type: ignore[no-untyped-call]
    return _frame(tickets).map_partitions(on_partition, *args, meta=meta, align_dataframes=False)


def _table(part: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(part, preserve_index=False)


def _where(info: dict[str, Any] | None) -> str:
    number = info["number"] if info else 0
    return f"partition {number}"


def _combined_schema() -> pa.Schema:
    fields = [f.with_nullable(True) for f in stages_schema()]
    fields += [
        pa.field("error_row", pa.int64()),
        pa.field("error_where", pa.string()),
        pa.field("error", pa.string()),
    ]
    return pa.schema(fields)


def _nulls(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with every other column of ``schema`` added as nulls, in its order."""
    n = table.num_rows
    columns = [
        table.column(f.name) if f.name in table.column_names else pa.nulls(n, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _stage_frame(result: BatchResult, errors: ErrorMode) -> pd.DataFrame:
    if errors == "raise":
        return _pandas(result.stages)
    schema = _combined_schema()
    bad = result.errors.rename_columns(["error_row", "ticket_id", "error_where", "error"])
    return _pandas(pa.concat_tables([_nulls(result.stages, schema), _nulls(bad, schema)]))


def _stages_part(
    part: pd.DataFrame,
    ref: PolicyRef,
    at: datetime,
    errors: ErrorMode,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    policy = cached_policy(ref)
    source = _where(partition_info)
    result = evaluate_batch(policy, _table(part), at, errors=errors, source=source, actions=False)
    return _stage_frame(result, errors)


def _chunk_result(
    chunk: Chunk, ref: PolicyRef, at: datetime, errors: ErrorMode, actions: bool
) -> BatchResult:
    """A chunk of a file evaluated as it is read, as ``--workers`` does."""
    if chunk.format == "jsonl":  # instants are ISO 8601 text, checked ticket by ticket
        hint, records = None, read_chunk(chunk)
    else:
        hint, records = naive_hint(pq.read_schema(chunk.path)), parquet_records(chunk)
    policy = cached_policy(ref)
    return evaluate_arrow_records(policy, records, at, errors=errors, hint=hint, actions=actions)


def _stages_chunk(chunk: Chunk, ref: PolicyRef, at: datetime, errors: ErrorMode) -> pd.DataFrame:
    return _stage_frame(_chunk_result(chunk, ref, at, errors, actions=False), errors)


def evaluate(
    policy: Policy,
    tickets: dd.DataFrame | str | os.PathLike[str],
    at: datetime,
    *,
    errors: ErrorMode = "raise",
) -> Any:
    """Evaluate every ticket at ``at``; a lazy dask dataframe of ``stages_schema()`` rows.

    ``tickets`` is a dask dataframe whose columns follow the ticket JSON shape, or a Parquet
    path. With ``errors="collect"`` the answer is a ``DaskResult`` (stages, errors) where
    ``errors`` has columns ``error_row`` (the row in the file, for a local Parquet file;
    else in its partition), ``ticket_id``, ``error_where`` and ``error``.
    """
    instant(at)
    if errors not in ("raise", "collect"):
        raise UsageError(f"errors must be 'raise' or 'collect', not {errors!r}")
    meta = _meta(stages_schema() if errors == "raise" else _combined_schema())
    args = (PolicyRef.of(policy), at, errors)
    both = _lazy(tickets, _stages_part, _stages_chunk, args, meta)
    if errors == "raise":
        return both
    ok = both[both["error"].isna()][list(stages_schema().names)]
    bad = both[~both["error"].isna()][["error_row", "ticket_id", "error_where", "error"]]
    return DaskResult(ok, bad)


def _actions_part(part: pd.DataFrame, ref: PolicyRef, at: datetime) -> pd.DataFrame:
    result = evaluate_batch(cached_policy(ref), _table(part), at, errors="collect")
    return _pandas(result.actions)


def _actions_chunk(chunk: Chunk, ref: PolicyRef, at: datetime) -> pd.DataFrame:
    return _pandas(_chunk_result(chunk, ref, at, "collect", actions=True).actions)


def due_actions(
    policy: Policy, tickets: dd.DataFrame | str | os.PathLike[str], at: datetime
) -> dd.DataFrame:
    """The actions due at ``at``, a lazy dask dataframe of ``actions_schema()`` rows.

    Bad tickets have no actions; find them with ``evaluate(..., errors="collect")``.
    """
    instant(at)
    args = (PolicyRef.of(policy), at)
    out: dd.DataFrame = _lazy(tickets, _actions_part, _actions_chunk, args, _meta(actions_schema()))
    return out


def _partial(
    part: pd.DataFrame, ref: PolicyRef, fn: Callable[[Policy, Iterable[Record]], R], number: int
) -> R:
    records = records_from_arrow(_table(part), source=f"partition {number}")
    return fn(cached_policy(ref), records)


def aggregate(
    policy: Policy,
    tickets: dd.DataFrame | str | os.PathLike[str],
    partial: Callable[[Policy, Iterable[Record]], R],
    merge: Callable[[Sequence[R]], R],
    *,
    compute: bool = True,
) -> Any:
    """``merge`` of ``partial(policy, records)`` over every partition (a report's aggregates).

    ``partial`` is the same per-chunk function ``slarules.batch.map_chunks`` takes, so one
    aggregate runs in process, on a local pool and on a cluster. ``compute=False`` returns
    the lazy ``dask.delayed`` value.
    """
    ref = PolicyRef.of(policy)
    chunks = _file_chunks(tickets)
    if chunks is not None:  # the chunks --workers runs, read on the workers
        parts = [delayed(run_chunk, pure=True)(ref, partial, chunk) for chunk in chunks]
    else:
        frame = _frame(tickets)
        parts = [
            delayed(_partial, pure=True)(part, ref, partial, i)
            for i, part in enumerate(frame.to_delayed())
        ]
    total = delayed(merge, pure=True)(parts)
    return total.compute() if compute else total
