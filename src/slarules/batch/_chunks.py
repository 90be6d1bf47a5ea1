"""Cutting a ticket file into chunks that workers read themselves.

A chunk is a description (file, byte range of JSON Lines, or Parquet row groups), not the
data: the parent never holds more than a few chunks' results, and workers read in parallel.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from slarules._errors import UsageError

from ._convert import ArrowRecords, Part, check_tickets, row_label
from ._deps import require
from ._input import WHOLE_CHUNK, check_regular, line_records, split_records
from ._records import Record

__all__ = [
    "PARQUET_SUFFIXES",
    "Chunk",
    "chunks_of",
    "input_format",
    "parquet_records",
    "read_chunk",
]

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
JSONL_SUFFIXES = (".jsonl", ".ndjson")

Format = Literal["jsonl", "parquet"]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Part of a ticket file.

    JSON Lines: bytes ``start`` to ``stop``, whose first line is line ``first + 1``.
    Parquet: row groups ``start`` to ``stop`` (exclusive), rows ``skip`` to
    ``skip + take`` of them (``take`` -1: all), whose first row is row ``first`` of the file.
    """

    path: str
    format: Format
    index: int
    start: int
    stop: int
    first: int
    skip: int = 0
    take: int = -1


def input_format(path: str) -> Format | None:
    """``"parquet"``, ``"jsonl"`` or ``None`` (a format that cannot be cut into chunks)."""
    lower = path.lower()
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return None


_BLOCK = 1 << 20  # bytes scanned at a time for line ends


def _jsonl_chunks(path: str, rows: int) -> list[Chunk]:
    """Chunks of ``rows`` lines, found by counting line ends a block at a time (the parent
    reads the file once at the speed of ``bytes.count``, and never holds a line whole)."""
    out: list[Chunk] = []
    with open(path, "rb") as stream:
        start = first = count = offset = 0  # chunk start (byte, line), lines in it, bytes read
        while block := stream.read(_BLOCK):
            ends = block.count(b"\n")
            at = -1
            while count + ends >= rows:  # the chunk ends in this block: find its last \n
                for _ in range(rows - count):
                    at = block.find(b"\n", at + 1)
                ends -= rows - count
                stop = offset + at + 1
                out.append(Chunk(path, "jsonl", len(out), start, stop, first))
                start, first, count = stop, first + rows, 0
            count += ends
            offset += len(block)
        if offset > start:
            out.append(Chunk(path, "jsonl", len(out), start, offset, first))
    return out


def _parquet_chunks(path: str, rows: int, parts: int) -> list[Chunk]:
    pq = require("pyarrow.parquet")
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise UsageError(f"{path}: cannot be read as Parquet ({exc})") from None
    groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    out: list[Chunk] = []
    first = 0
    if len(groups) < 2 * parts:
        # Few, large row groups (a single-file write): cut inside them. Each slice decodes
        # its whole row group, so write Parquet with row groups of ~100,000 rows instead.
        for g, n in enumerate(groups):
            pieces = max(1, min(-(-n // rows), -(-2 * parts // max(1, len(groups)))))
            size = -(-n // pieces) if n else 0
            for skip in range(0, n, max(1, size)):
                take = min(size, n - skip)
                out.append(Chunk(path, "parquet", len(out), g, g + 1, first + skip, skip, take))
            first += n
        return out
    g = 0
    while g < len(groups):
        stop, total = g, 0
        while stop < len(groups) and (total == 0 or total + groups[stop] <= rows):
            total += groups[stop]
            stop += 1
        out.append(Chunk(path, "parquet", len(out), g, stop, first))
        first += total
        g = stop
    return out


def chunks_of(path: str | os.PathLike[str], *, rows: int = 10_000, parts: int = 1) -> list[Chunk]:
    """Chunks of about ``rows`` tickets (Parquet: whole row groups; at least ``2 * parts``)."""
    name = os.fspath(path)
    fmt = input_format(name)
    if fmt is None:
        raise UsageError(
            f"{name}: only JSON Lines (.jsonl) and Parquet (.parquet) files can be split "
            "among workers"
        )
    check_regular(name)
    if fmt == "jsonl":
        return _jsonl_chunks(name, rows)
    return _parquet_chunks(name, rows, parts)


BATCH_ROWS = 10_000  # Parquet rows converted at a time: bounds a worker's memory


def _read_jsonl(chunk: Chunk) -> Iterator[Record]:
    size = chunk.stop - chunk.start
    with open(chunk.path, "rb") as stream:
        stream.seek(chunk.start)
        if size > WHOLE_CHUNK:  # a chunk of huge lines: a line at a time
            yield from line_records(
                stream, chunk.path, first_line=chunk.first, size=size, at_start=chunk.start == 0
            )
            return
        data = stream.read(size)
    yield from split_records(data, chunk.path, chunk.first, chunk.start == 0)


def _parquet_parts(chunk: Chunk) -> Iterator[Part]:
    pq = require("pyarrow.parquet")
    pf = pq.ParquetFile(chunk.path)
    groups = list(range(chunk.start, chunk.stop))
    seen = 0  # rows of the row groups passed so far
    end = chunk.skip + chunk.take if chunk.take >= 0 else None
    label = row_label(chunk.path)
    for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=groups):
        lo, hi = seen, seen + batch.num_rows
        seen = hi
        start = max(lo, chunk.skip)
        stop = hi if end is None else min(hi, end)
        if start >= stop:
            if end is not None and lo >= end:
                break
            continue
        part = batch.slice(start - lo, stop - start)
        check_tickets(part)
        yield part, label, chunk.first + (start - chunk.skip)


def read_chunk(chunk: Chunk) -> Iterator[Record]:
    """The tickets of a chunk, read lazily (Parquet: 10,000 rows at a time), as records
    that say where each came from."""
    if chunk.format == "jsonl":
        return _read_jsonl(chunk)
    return parquet_records(chunk)


def parquet_records(chunk: Chunk) -> ArrowRecords:
    """The tickets of a Parquet chunk as Arrow records, decoded 10,000 rows at a time."""
    return ArrowRecords(_parquet_parts(chunk))
