"""Chunks of ticket files and ``map_chunks``, in process and on a local process pool."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from slarules import Policy, UsageError
from slarules.batch import Record, chunks_of, map_chunks, read_chunk
from slarules.batch._cache import PolicyRef, cached_policy

from .helpers import AT, POLICY, example_tickets


def _write_jsonl(path: Path, tickets: list[dict[str, Any]], *, bad_line: int | None = None) -> Path:
    lines = [json.dumps(t) for t in tickets]
    if bad_line is not None:
        lines.insert(bad_line, "{oops")
    path.write_text("\n".join(lines) + "\n")
    return path


def _many(n: int) -> list[dict[str, Any]]:
    base = example_tickets()
    return [{**base[i % len(base)], "id": f"T-{i}"} for i in range(n)]


def count_priorities(policy: Policy, records: Iterable[Record], at: datetime) -> dict[str, Any]:
    """A partial aggregate, the way a report would write one."""
    out: dict[str, Any] = {"lines": [], "errors": []}
    for record in records:
        try:
            if record.problem:
                raise ValueError(record.problem)
            ev = policy.evaluate(record.data, at=at)
        except Exception as exc:
            out["errors"].append(f"{record.where}: {exc}")
            continue
        out["lines"].append((record.row, ev.ticket_id, ev.priority))
    return out


def test_jsonl_chunks_cover_every_line(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "t.jsonl", _many(25), bad_line=7)
    chunks = chunks_of(path, rows=10)
    assert [c.first for c in chunks] == [0, 10, 20]
    records = [r for c in chunks for r in read_chunk(c)]
    assert [r.row for r in records] == list(range(26))
    assert records[7].problem is not None
    assert records[7].problem.startswith("not valid JSON")
    assert records[8].where == f"{path}:9"
    assert records[8].data["id"] == "T-7"


@pytest.mark.parametrize("batch_rows", [10_000, 3])
def test_parquet_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int) -> None:
    monkeypatch.setattr("slarules.batch._chunks.BATCH_ROWS", batch_rows)
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from slarules.batch import read_json

    src = _write_jsonl(tmp_path / "t.jsonl", _many(50))
    table = read_json(src)
    many = tmp_path / "many.parquet"
    pq.write_table(table, many, row_group_size=5)  # 10 row groups
    chunks = chunks_of(many, rows=12, parts=2)
    assert [(c.start, c.stop, c.first) for c in chunks] == [
        (0, 2, 0),
        (2, 4, 10),
        (4, 6, 20),
        (6, 8, 30),
        (8, 10, 40),
    ]
    one = tmp_path / "one.parquet"
    pq.write_table(table, one)  # a single row group: cut inside it
    chunks = chunks_of(one, rows=12, parts=2)
    assert len(chunks) == 4
    assert [c.first for c in chunks] == [0, 13, 26, 39]
    records = [r for c in chunks for r in read_chunk(c)]
    assert [r.data["id"] for r in records] == [f"T-{i}" for i in range(50)]
    assert [r.row for r in records] == list(range(50))
    many_records = [r for c in chunks_of(many, rows=12, parts=2) for r in read_chunk(c)]
    assert [r.row for r in many_records] == list(range(50))
    assert next(read_chunk(chunks[1])).where == f"{one} row 14"
    _ = pa


def test_chunk_mistakes(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="only JSON Lines"):
        chunks_of(tmp_path / "t.yaml")
    with pytest.raises(UsageError, match="no such file"):
        chunks_of(tmp_path / "missing.jsonl")
    with pytest.raises(UsageError, match="workers must be at least 1"):
        map_chunks(POLICY, tmp_path / "t.jsonl", count_priorities, workers=0)


def test_map_chunks_in_process_and_on_a_pool(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "t.jsonl", _many(40), bad_line=3)
    fn = functools.partial(count_priorities, at=AT)
    one = list(map_chunks(POLICY, path, fn, rows=7))
    two = list(map_chunks(POLICY, path, fn, rows=7, workers=2))
    assert one == two
    lines = [line for part in two for line in part["lines"]]
    assert [row for row, _, _ in lines] == [r for r in range(41) if r != 3]
    assert [e.split(": ")[0] for part in two for e in part["errors"]] == [f"{path}:4"]


def test_policy_ref_compiles_once_per_process() -> None:
    ref = PolicyRef.of(POLICY)
    assert PolicyRef.of(ref) is ref
    first = cached_policy(ref)
    assert first is cached_policy(PolicyRef.of(POLICY))
    assert first == POLICY
    assert cached_policy(POLICY) is POLICY
    assert "PolicyRef('sha256:" in repr(ref)


def _fails_on_chunk_two(policy: Policy, records: Iterable[Record]) -> int:
    rows = [r.row for r in records]
    if 7 in rows:
        raise UsageError("chunk two is refused")
    return len(rows)


def test_a_worker_error_reaches_the_caller_and_no_worker_outlives_it(tmp_path: Path) -> None:
    import multiprocessing

    path = _write_jsonl(tmp_path / "t.jsonl", _many(30))
    with pytest.raises(UsageError, match="chunk two is refused"):
        list(map_chunks(POLICY, path, _fails_on_chunk_two, rows=7, workers=2))
    assert multiprocessing.active_children() == []


def test_a_pool_dropped_early_leaves_no_worker(tmp_path: Path) -> None:
    import multiprocessing

    path = _write_jsonl(tmp_path / "t.jsonl", _many(40))
    parts = map_chunks(POLICY, path, functools.partial(count_priorities, at=AT), rows=5, workers=2)
    first = next(parts)
    assert [row for row, _, _ in first["lines"]] == [0, 1, 2, 3, 4]
    assert len(multiprocessing.active_children()) == 2
    parts.close()
    assert multiprocessing.active_children() == []


def _dies(policy: Policy, records: Iterable[Record]) -> int:
    import os

    os._exit(3)


def test_a_worker_that_dies_is_a_usage_error_not_a_hang(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "t.jsonl", _many(20))
    with pytest.raises(UsageError, match="a worker process ended unexpectedly"):
        list(map_chunks(POLICY, path, _dies, rows=5, workers=2))


def _first_chunk_waits(marker: str, policy: Policy, records: Iterable[Record]) -> tuple[int, bool]:
    """Chunk 0 waits (up to a minute, so a regression fails instead of hanging) until the
    chunk of row 25 has been worked on by the other worker; every chunk says which it was."""
    import os
    import time

    rows = [r.row for r in records]
    if rows[0] == 25:
        Path(marker).touch()
    if rows[0] != 0:
        return os.getpid(), True
    for _ in range(600):
        if os.path.exists(marker):
            return os.getpid(), True
        time.sleep(0.1)
    return os.getpid(), False


def test_a_slow_chunk_does_not_hold_up_the_other_worker(tmp_path: Path) -> None:
    """The other worker takes chunk after chunk while one works on a slow one (chunks are
    given to whichever worker answers first), and the answers still come in chunk order."""
    path = _write_jsonl(tmp_path / "t.jsonl", _many(40))
    fn = functools.partial(_first_chunk_waits, str(tmp_path / "row-25-done"))
    answers = list(map_chunks(POLICY, path, fn, rows=5, workers=2))
    assert len(answers) == 8
    assert answers[0][1], "chunk 5 (rows 25-29) was not worked on while chunk 0 was"
    other = {answers[i][0] for i in (1, 3, 4, 5)}  # chunks 0 and 2 went to the first worker
    assert len(other) == 1
    assert answers[0][0] not in other


def test_an_error_is_raised_in_chunk_order_whichever_worker_meets_it_first(
    tmp_path: Path,
) -> None:
    path = _write_jsonl(tmp_path / "t.jsonl", _many(30))
    parts = map_chunks(POLICY, path, _fails_on_chunk_two, rows=7, workers=2)
    assert next(parts) == 7  # chunk one is handed on before chunk two's error
    with pytest.raises(UsageError, match="chunk two is refused"):
        next(parts)
