"""Bulk evaluation benchmark: one process, ``--workers 2`` and a Dask LocalCluster, in one run.

    .venv/bin/python benchmarks/bench_batch.py              # 1,000,000 tickets
    .venv/bin/python benchmarks/bench_batch.py --tickets 100000 --dir /tmp/bench

It writes realistic after-sales tickets to Parquet (``scripts/generate_parquet_tickets.py``,
row groups of 100,000), then evaluates them at one instant three ways (Dask twice), each
writing the stage rows to Parquet (dictionaries for the repeated names only, as the CLI):

1. ``slarules evaluate POLICY tickets.parquet -o out.parquet`` (one process);
2. the same with ``--workers 2`` (a local process pool over row groups);
3. ``slarules.dask.evaluate(policy, path, at).to_parquet(...)`` on a ``LocalCluster`` of
   2 worker processes with 1 thread each (cluster start-up not counted), once with Dask's
   defaults and once with the settings ``docs/scale.md`` recommends for CPU-bound work
   (``CPU_BOUND``: the statistical profiler off, glibc's own malloc trim threshold, one
   root task per worker thread at a time).

Per core, on a sample of the same tickets (``--sample``), these are timed in
alternate rounds (best of ``--rounds`` each), so machine noise hits them alike:
``evaluate_batch`` on the sample as an Arrow table (and ``evaluate_table``, stage rows
only, as the command line and Dask run; and on the same tickets with instants as ISO 8601
text, which are validated ticket by ticket), and the single-ticket path both as
``policy.evaluate(mapping)`` with JSON mappings (ISO 8601 text, validated on the way) and
as ``policy.evaluate(ticket)`` of already validated ``Ticket`` objects (what
``bench_evaluate.py`` times). ``--per-core-only`` stops there.
Peak memory is the largest resident set of each process, sampled every 0.2 s. The
outputs are checked equal. ``--repeat N`` runs each way N times and reports medians.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import psutil  # type: ignore[import-untyped]
import pyarrow as pa
import pyarrow.parquet as pq

import slarules
from slarules.batch import evaluate_batch, records_from_arrow

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from generate_parquet_tickets import AT, write  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

POLICY_PATH = ROOT / "policies" / "after-sales-response.yaml"
SLARULES = str(Path(sys.executable).with_name("slarules"))

# Dask settings for CPU-bound tasks (docs/scale.md): each worker stops sampling its task's
# stack every 10 ms and keeps glibc's own malloc trim threshold instead of Dask's 64 KiB,
# and the scheduler hands a worker thread its next partition only when it is free (no
# partition waits behind another on a busy worker while a second worker idles).
CPU_BOUND: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.scheduler.worker-saturation": 1.0,
}


class Peaks:
    """Largest RSS of each process in a tree (or a fixed set of pids), sampled in a thread."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids():
                try:
                    rss = psutil.Process(pid).memory_info().rss
                except psutil.Error:
                    continue
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
            self._stop.wait(0.2)

    def __enter__(self) -> Peaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def tree(pid: int) -> Callable[[], list[int]]:
    def pids() -> list[int]:
        try:
            root = psutil.Process(pid)
            return [pid, *(c.pid for c in root.children(recursive=True))]
        except psutil.Error:
            return []

    return pids


class PerCore(NamedTuple):
    """Seconds per ticket on one core, on the same tickets."""

    mapping: float  # policy.evaluate(mapping): validation of ISO 8601 text included
    ticket: float  # policy.evaluate(ticket) of an already validated Ticket
    batch: float  # slarules.batch.evaluate_batch on the Arrow table (stages and actions)
    table: float  # slarules.batch.evaluate_table: stage rows only, as the CLI and Dask do
    text: float  # evaluate_batch with instants as ISO 8601 text: each ticket validated


def per_core(policy: slarules.Policy, path: Path, sample: int, rounds: int) -> PerCore:
    """Time the single-ticket path and ``evaluate_batch`` on the same ``sample`` tickets,
    alternately, ``rounds`` times (best of each), so machine noise hits them alike.

    The single-ticket loops run with the garbage collector off, as ``timeit`` (and so
    ``bench_evaluate.py``) runs them; ``evaluate_batch`` pauses it itself, slice by slice.
    """
    table = pq.ParquetFile(path).read_row_group(0).slice(0, sample)
    mappings: list[dict[str, Any]] = []
    for record in records_from_arrow(table):
        t = record.data
        mappings.append(
            {
                **t,
                "events": {k: v.isoformat() for k, v in t.get("events", {}).items()},
                "statuses": [{**s, "at": s["at"].isoformat()} for s in t.get("statuses", [])],
            }
        )
    tickets = [slarules.Ticket.model_validate(m) for m in mappings]
    as_text = pa.Table.from_pylist(mappings)  # as slarules.batch.read_json reads JSON Lines

    def single(items: list[Any]) -> float:
        was = gc.isenabled()
        gc.disable()
        try:
            start = time.perf_counter()
            for item in items:
                policy.evaluate(item, at=AT)
            return time.perf_counter() - start
        finally:
            if was:
                gc.enable()

    def bulk(actions: bool, tickets: pa.Table = table) -> float:
        start = time.perf_counter()
        evaluate_batch(policy, tickets, AT, actions=actions)
        return time.perf_counter() - start

    runs: dict[str, Callable[[], float]] = {
        "mapping": lambda: single(mappings),
        "ticket": lambda: single(tickets),
        "batch": lambda: bulk(True),
        "table": lambda: bulk(False),
        "text": lambda: bulk(True, as_text),
    }
    best = dict.fromkeys(runs, float("inf"))
    for i in range(rounds):
        order = list(runs) if i % 2 == 0 else list(reversed(runs))
        for name in order:
            best[name] = min(best[name], runs[name]() / len(mappings))
    return PerCore(best["mapping"], best["ticket"], best["batch"], best["table"], best["text"])


def write_jsonl(parquet: Path, path: Path) -> None:
    """The tickets of ``parquet`` as JSON Lines, instants as ISO 8601 text (as a host
    exports them), a row group at a time."""
    import json

    file = pq.ParquetFile(parquet)
    part = path.with_suffix(".part")
    with part.open("w", encoding="utf-8") as out:
        for group in range(file.num_row_groups):
            for record in records_from_arrow(file.read_row_group(group)):
                text = json.dumps(record.data, default=datetime.isoformat, ensure_ascii=False)
                out.write(text + "\n")
    part.replace(path)  # whole or not at all: a stopped run leaves no short file behind


def cli(path: Path, out: Path, workers: int) -> tuple[float, int, int, list[str]]:
    args = [SLARULES, "evaluate", str(POLICY_PATH), str(path), "--at", AT.isoformat()]
    args += ["-o", str(out)]
    if workers > 1:
        args += ["--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    with Peaks(tree(proc.pid)) as peaks:
        _, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    parent = peaks.peak.pop(proc.pid, 0)
    child = max(peaks.peak.values(), default=0)
    return wall, parent, child, args


def on_dask(
    policy: slarules.Policy, path: Path, out: Path, config: dict[str, Any]
) -> tuple[float, int, int]:
    import dask
    import distributed

    import slarules.dask
    from slarules.batch._schema import STAGE_DICTIONARY_COLUMNS

    with (
        dask.config.set(config),
        distributed.LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        pids = list(client.run(os.getpid).values())
        me = os.getpid()
        with Peaks(lambda: [*pids, me]) as peaks:
            start = time.perf_counter()
            stages = slarules.dask.evaluate(policy, path, AT)
            stages.to_parquet(
                str(out), write_index=False, use_dictionary=list(STAGE_DICTIONARY_COLUMNS)
            )
            wall = time.perf_counter() - start
    parent = peaks.peak.pop(me, 0)
    return wall, parent, max(peaks.peak.values(), default=0)


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp one)")
    parser.add_argument("--sample", type=int, default=20_000, help="single-ticket sample size")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; medians reported")
    parser.add_argument("--rounds", type=int, default=5, help="per-core rounds (best of)")
    parser.add_argument("--per-core-only", action="store_true", help="only the per-core comparison")
    parser.add_argument("--no-dask", action="store_true", help="skip the two Dask runs")
    parser.add_argument(
        "--no-jsonl",
        action="store_true",
        help="skip the two runs over the same tickets as JSON Lines",
    )
    ns = parser.parse_args()
    folder = ns.dir or Path(tempfile.mkdtemp(prefix="slarules-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tickets-{ns.tickets}.parquet"
    n = ns.tickets
    if not path.exists() or pq.ParquetFile(path).metadata.num_rows != n:
        start = time.perf_counter()
        write(n, str(path))
        print(
            f"wrote {n:,} tickets to {path} in {time.perf_counter() - start:.1f} s "
            f"({path.stat().st_size / 2**20:,.0f} MiB)"
        )
    jsonl = path.with_suffix(".jsonl")
    if not ns.no_jsonl and (not jsonl.exists() or jsonl.stat().st_mtime < path.stat().st_mtime):
        start = time.perf_counter()
        write_jsonl(path, jsonl)
        print(
            f"wrote them as JSON Lines to {jsonl} in {time.perf_counter() - start:.1f} s "
            f"({jsonl.stat().st_size / 2**20:,.0f} MiB)"
        )
    policy = slarules.load_policy(POLICY_PATH)
    print(
        f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB;"
        f" Python {sys.version.split()[0]}; load before: {os.getloadavg()[0]:.2f}"
    )

    core = per_core(policy, path, ns.sample, ns.rounds)
    print(f"one core, the same {ns.sample:,} tickets, best of {ns.rounds} alternate rounds:")
    for label, value in [
        ("evaluate_batch (Arrow table)", core.batch),
        ("evaluate_table (stage rows only)", core.table),
        ("evaluate_batch, instants as text", core.text),
        ("policy.evaluate(mapping)", core.mapping),
        ("policy.evaluate(validated Ticket)", core.ticket),
    ]:
        print(f"  {label:<36}{value * 1e6:7.1f} µs  ({1 / value:,.0f}/s)")
    print(
        f"  evaluate_batch throughput = {core.mapping / core.batch:.0%} of evaluate(mapping),"
        f" {core.ticket / core.batch:.0%} of evaluate(validated Ticket);"
        f" evaluate_table: {core.mapping / core.table:.0%} and {core.ticket / core.table:.0%}"
    )
    if ns.per_core_only:
        return

    runs: dict[str, list[tuple[float, int, int]]] = {}
    args1: list[str] = []
    for i in range(ns.repeat):
        wall, parent, _, args1 = cli(path, folder / "out-1.parquet", 1)
        runs.setdefault("one process", []).append((wall, parent, 0))
        wall, parent, child, _ = cli(path, folder / "out-2.parquet", 2)
        runs.setdefault("--workers 2", []).append((wall, parent, child))
        if not ns.no_dask:
            wall, parent, child = on_dask(policy, path, folder / "out-dask", {})
            runs.setdefault("Dask 2x1, defaults", []).append((wall, parent, child))
            wall, parent, child = on_dask(policy, path, folder / "out-dask-cpu", CPU_BOUND)
            runs.setdefault("Dask 2x1, CPU_BOUND", []).append((wall, parent, child))
        if not ns.no_jsonl:
            wall, parent, _, _ = cli(jsonl, folder / "out-1j.parquet", 1)
            runs.setdefault("JSONL, one process", []).append((wall, parent, 0))
            wall, parent, child, _ = cli(jsonl, folder / "out-2j.parquet", 2)
            runs.setdefault("JSONL, --workers 2", []).append((wall, parent, child))
        print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1][0]:.1f} s" for k, v in runs.items()))
    rows = [
        (
            name,
            statistics.median(r[0] for r in results),
            max(r[1] for r in results),
            max(r[2] for r in results),
        )
        for name, results in runs.items()
    ]
    one = rows[0][1]
    one_jsonl = next((wall for name, wall, _, _ in rows if name == "JSONL, one process"), one)

    print(f"\ncommand: {' '.join(args1)} [--workers 2]")
    print(
        f"{'run':<24}{'wall':>9}{'tickets/s':>12}{'speed-up':>10}"
        f"{'peak, main':>13}{'peak, worker':>14}"
    )
    for name, wall, parent, child in rows:
        base = one_jsonl if name.startswith("JSONL") else one  # each input against its own
        print(
            f"{name:<24}{wall:>8.1f}s{n / wall:>12,.0f}{base / wall:>9.2f}x"
            f"{mib(parent):>13}{mib(child) if child else '-':>14}"
        )
    print(
        f"\none process end to end (read, evaluate, write Parquet): {n / one:,.0f} tickets/s"
        f" = {n / one * core.mapping:.0%} of evaluate(mapping),"
        f" {n / one * core.ticket:.0%} of evaluate(validated Ticket) on the sample"
    )
    print(f"load after: {os.getloadavg()[0]:.2f}")

    a = pq.read_table(folder / "out-1.parquet")
    b = pq.read_table(folder / "out-2.parquet")
    key = [("ticket_id", "ascending"), ("stage", "ascending")]
    same = a.equals(b)
    others = [] if ns.no_dask else ["out-dask", "out-dask-cpu"]
    others += [] if ns.no_jsonl else ["out-1j.parquet", "out-2j.parquet"]
    for name in others:
        c = pq.read_table(folder / name).select(a.column_names).cast(a.schema)
        same = same and a.sort_by(key).equals(c.sort_by(key))
    print(f"outputs: {a.num_rows:,} stage rows each; equal: {same}")
    if not same:
        raise SystemExit("the runs disagree")


if __name__ == "__main__":
    main()
