"""Run a function over the chunks of a ticket file: in process, on a local process pool, or
on a running Dask cluster. Results come back in chunk order; only a few are in flight.

This is the hook ``slarules evaluate`` and ``slarules report`` share for ``--workers`` and
``--scheduler``: the caller gives a per-chunk function ``fn(policy, records)`` that returns
something picklable (rows, or a partial aggregate), and merges what comes back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from slarules._errors import UsageError

from ._cache import PolicyRef, cached_policy
from ._chunks import Chunk, chunks_of, read_chunk
from ._deps import require
from ._records import Record

if TYPE_CHECKING:
    from slarules._policy import Policy

__all__ = ["ChunkFn", "map_chunks", "run_chunk"]

R = TypeVar("R")
ChunkFn = Callable[["Policy", Iterable[Record]], R]

DEFAULT_ROWS = 10_000
CONNECT_TIMEOUT = "10s"  # how long to try reaching a Dask scheduler


def run_chunk(ref: PolicyRef, fn: Callable[[Policy, Iterable[Record]], R], chunk: Chunk) -> R:
    """Read ``chunk`` and apply ``fn`` with the policy compiled once in this process."""
    return fn(cached_policy(ref), read_chunk(chunk))


def _in_order(
    submit: Callable[[Chunk], Future[R]], chunks: list[Chunk], window: int
) -> Iterator[R]:
    pending: deque[Future[R]] = deque()
    todo = iter(chunks)
    for chunk in todo:
        pending.append(submit(chunk))
        if len(pending) >= window:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(submit(nxt))
        yield result


def _local(ref: PolicyRef, fn: Any, chunks: list[Chunk], workers: int) -> Iterator[Any]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            yield from _in_order(lambda c: pool.submit(run_chunk, ref, fn, c), chunks, 2 * workers)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _dask(ref: PolicyRef, fn: Any, chunks: list[Chunk], address: str) -> Iterator[Any]:
    distributed = require("distributed")
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        workers = max(1, sum(client.nthreads().values()))
        yield from _in_order(
            lambda c: client.submit(run_chunk, ref, fn, c, pure=False), chunks, 2 * workers
        )
    finally:
        client.close()


def map_chunks(
    policy: Policy,
    path: str | os.PathLike[str],
    fn: Callable[[Policy, Iterable[Record]], R],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    rows: int = DEFAULT_ROWS,
) -> Iterator[R]:
    """``fn(policy, records)`` for each chunk of the ticket file ``path``, in chunk order.

    ``path`` is JSON Lines (``.jsonl``, read without pyarrow) or Parquet (cut at row groups).
    ``workers`` > 1 runs a local process pool; ``scheduler`` (``tcp://host:8786``) runs on a
    Dask cluster whose workers can read ``path``. ``fn`` must be picklable (a module-level
    function or a ``functools.partial`` of one); the policy is compiled once per process.
    """
    if workers < 1:
        raise UsageError(f"workers must be at least 1, not {workers}")
    if rows < 1:
        raise UsageError(f"rows must be at least 1, not {rows}")
    name = os.path.abspath(os.fspath(path)) if scheduler else os.fspath(path)
    chunks = chunks_of(name, rows=rows, parts=workers)
    ref = PolicyRef.of(policy)
    if scheduler is not None:
        return _dask(ref, fn, chunks, scheduler)
    if workers == 1:
        return (fn(policy, read_chunk(c)) for c in chunks)
    return _local(ref, fn, chunks, workers)
