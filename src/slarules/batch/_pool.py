"""Run a function over the chunks of a ticket file: in process, on a local process pool, or
on a running Dask cluster. Results come back in chunk order; only a few are in flight.

This is the hook ``slarules evaluate`` and ``slarules report`` share for ``--workers`` and
``--scheduler``: the caller gives a per-chunk function ``fn(policy, records)`` that returns
something picklable (rows, or a partial aggregate), and merges what comes back.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future
from contextlib import suppress
from typing import TYPE_CHECKING, Any, TypeVar

from slarules._errors import UsageError

from ._cache import PolicyRef, cached_policy
from ._chunks import Chunk, chunks_of, read_chunk
from ._deps import require
from ._records import Record

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from slarules._policy import Policy

__all__ = ["ChunkFn", "map_chunks", "run_chunk", "stop_helpers"]

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


def _watch_parent() -> None:
    """In a worker: leave Ctrl-C to the parent, and end when the parent ends.

    A terminal sends SIGINT to the whole process group; the parent stops its workers
    itself (``_local``), so they print no traceback of their own. A worker whose parent was
    killed (SIGKILL, a crash) would wait for work forever: a thread watches the parent's
    sentinel and ends the worker when the parent is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - a pool worker always has a parent
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="slarules-parent-watch", daemon=True).start()


def _serve(conn: Connection, ref: PolicyRef) -> None:
    """A worker: compile the policy once, then run each ``(fn, chunk)`` the parent sends
    and send back ``(True, result)`` or ``(False, exception)``, until it sends ``None``."""
    _watch_parent()
    cached_policy(ref)  # once, as the worker starts
    while (task := conn.recv()) is not None:
        fn, chunk = task
        try:
            answer: tuple[bool, Any] = (True, run_chunk(ref, fn, chunk))
        except Exception as exc:
            answer = (False, exc)
        conn.send(answer)


class _Worker:
    """A worker process, the pipe the parent talks to it through, and the numbers of the
    chunks it has been given and not yet answered, in the order it got them."""

    __slots__ = ("conn", "pending", "process")

    def __init__(self, context: Any, ref: PolicyRef) -> None:
        self.conn, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(theirs, ref), name="slarules-worker", daemon=True
        )
        self.pending: deque[int] = deque()
        self.process.start()
        theirs.close()

    def give(self, fn: Any, index: int, chunk: Chunk) -> None:
        self.conn.send((fn, chunk))
        self.pending.append(index)

    def receive(self) -> tuple[int, bool, Any]:
        """The next answer: ``(chunk number, ok, result or the worker's exception)``. A
        worker that ended without answering is a ``UsageError``."""
        ready = multiprocessing.connection.wait([self.conn, self.process.sentinel])
        try:
            if self.conn not in ready:
                raise EOFError
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join()
            raise UsageError(
                f"a worker process ended unexpectedly (exit status {self.process.exitcode}); "
                "if the machine ran out of memory, use fewer --workers or smaller chunks"
            ) from None
        return self.pending.popleft(), ok, value

    def stop(self, *, now: bool) -> None:
        """End the worker (``now``: at once, without waiting for its chunk) and wait for it."""
        with suppress(OSError, ValueError):
            if now:
                self.process.terminate()
            else:
                self.conn.send(None)
        self.process.join()
        self.conn.close()


IN_FLIGHT = 2  # chunks a worker holds at a time: one to work on, one waiting
AHEAD = 4  # per worker: chunks given out beyond the next one to hand on, at most


class _Dispatch:
    """Which chunk goes to which worker, and the answers waiting for their turn.

    A worker gets the next chunk as soon as it has answered one (never more than
    ``IN_FLIGHT`` at a time), whichever worker that is, so a worker never idles because
    another is slow with an earlier chunk; answers are handed on in chunk order, those that
    come early waiting here. At most ``AHEAD`` chunks per worker are given out beyond the
    next one to hand on, which bounds the answers held (the memory of a few chunks' rows).
    """

    def __init__(self, pool: list[_Worker], fn: Any, chunks: list[Chunk]) -> None:
        self.pool = pool
        self.fn = fn
        self.chunks = chunks
        self.given = 0  # chunks given out so far (they are given in order)
        self.handed = 0  # chunks whose answers were handed on
        self.early: dict[int, tuple[bool, Any]] = {}
        self.window = AHEAD * len(pool)

    def top_up(self) -> None:
        """Give chunks round the workers, one at a time, to each that has room."""
        while True:
            takers = [w for w in self.pool if len(w.pending) < IN_FLIGHT]
            if not takers:
                return
            for worker in takers:
                if self.given == len(self.chunks) or self.given - self.handed >= self.window:
                    return
                worker.give(self.fn, self.given, self.chunks[self.given])
                self.given += 1

    def wait(self) -> None:
        """Take every answer that is ready (at least one), giving their workers more."""
        busy = [w for w in self.pool if w.pending]
        ready = multiprocessing.connection.wait(
            [w.conn for w in busy] + [w.process.sentinel for w in busy]
        )
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                index, ok, value = worker.receive()
                self.early[index] = (ok, value)
        self.top_up()

    def answers(self) -> Iterator[Any]:
        self.top_up()
        while self.handed < len(self.chunks):
            while self.handed not in self.early:
                self.wait()
            ok, value = self.early.pop(self.handed)
            self.handed += 1
            if not ok:
                raise value  # in chunk order, as one process would have met it
            self.top_up()
            yield value


def _local(
    ref: PolicyRef, fn: Any, chunks: list[Chunk], workers: int
) -> Generator[Any, None, None]:
    """The results of ``workers`` local processes, in chunk order (``_Dispatch``).

    However the consumer stops (at the end, on an error, on Ctrl-C, or by closing this
    generator), every worker has ended and been waited for when this returns: at the end
    they are told to stop, otherwise they are terminated, since nobody wants the chunks they
    are working on. Each worker talks through a pipe of its own, so terminating one
    mid-answer cannot block the others or the parent.
    """
    context = multiprocessing.get_context("spawn")
    pool: list[_Worker] = []
    finished = False
    try:
        pool.extend(_Worker(context, ref) for _ in range(min(workers, len(chunks))))
        yield from _Dispatch(pool, fn, chunks).answers()
        finished = True
    finally:
        for worker in pool:
            worker.stop(now=not finished)


def stop_helpers() -> None:
    """Stop the helper process ``multiprocessing`` started for the pool in this process
    (its resource tracker), and wait for it, so that no process outlives a command that
    used ``--workers``. Only for a process about to exit: the tracker is started again if
    anything needs it, but whatever it was tracking is released when it stops."""
    if "multiprocessing.resource_tracker" not in sys.modules:
        return
    from multiprocessing import resource_tracker

    for process in multiprocessing.active_children():  # none, unless a pool was leaked
        process.terminate()
        process.join()
    gc.collect()  # a pool's queues release what the tracker tracks when they are freed

    tracker = getattr(resource_tracker, "_resource_tracker", None)  # not public
    stop = getattr(tracker, "_stop", None)
    if stop is not None and getattr(tracker, "_pid", None) is not None:
        with suppress(Exception):  # best effort: the process is about to exit anyway
            stop()


def _dask(ref: PolicyRef, fn: Any, chunks: list[Chunk], address: str) -> Generator[Any, None, None]:
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
) -> Generator[R, None, None]:
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
