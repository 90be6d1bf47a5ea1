"""Write realistic after-sales tickets to Parquet (for the bulk benchmark and tests).

    .venv/bin/python scripts/generate_parquet_tickets.py 1000000 /tmp/tickets.parquet

A year of tickets (2025, Asia/Shanghai) for policies/after-sales-response.yaml: levels
15 % urgent, 35 % important, 50 % routine; 10 % VIP; four channels. Each ticket moves
through first response, support, solution and closure after random (log-normal) delays
scaled to its level's targets, so most are met, some are late, and the last days' tickets
are still open at ``AT``; a third wait for parts or the customer for a while; half have
the first early warning in ``done``. Instants are ``timestamp[us, tz=UTC]``, as a
warehouse stores them; row groups hold 100,000 tickets. Needs numpy and pyarrow.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["AT", "generate", "write"]

AT = datetime(2025, 12, 31, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
START = datetime(2025, 1, 1, tzinfo=UTC)
LEVELS = np.array(["urgent", "important", "routine"], dtype=object)
CHANNELS = np.array(["phone", "chat", "email", "social"], dtype=object)
TS = pa.timestamp("us", tz="UTC")
# Typical delay of each step (minutes), per level: about 60 % of the target.
SCALE = {
    "first_response": (18, 72, 144),
    "support_engaged": (20, 60, 120),
    "solution_provided": (90, 300, 600),
    "closed": (600, 1800, 2400),
}
EVENTS = ("created", *SCALE)


def generate(n: int, *, seed: int = 7, first: int = 0) -> pa.Table:
    """``n`` tickets with ids ``AS-{first + 1}`` onwards."""
    rng = np.random.default_rng(seed + first)
    ids = pa.array([f"AS-{i}" for i in range(first + 1, first + n + 1)])
    level_ix = rng.choice(3, size=n, p=[0.15, 0.35, 0.5])
    grade = [("vip" if v < 0.1 else None) for v in rng.random(n)]
    fields = pa.StructArray.from_arrays(
        [
            pa.array(LEVELS[level_ix]),
            pa.array(grade, pa.string()),
            pa.array(CHANNELS[rng.integers(0, 4, n)]),
        ],
        names=["level", "customer_grade", "channel"],
    )
    at_us = int(AT.timestamp() * 1e6)
    span = at_us - int(START.timestamp() * 1e6)
    created = int(START.timestamp() * 1e6) + (rng.random(n) * span).astype(np.int64)
    created -= created % 60_000_000  # whole minutes
    times = [created]
    alive = np.ones(n, dtype=bool)
    for scales in SCALE.values():
        scale = np.array(scales)[level_ix] * 60e6
        delay = (rng.lognormal(0.0, 0.6, n) * scale).astype(np.int64)
        alive &= rng.random(n) < 0.985  # a few tickets stall at each step
        t = times[-1] + delay
        times.append(np.where(alive, t, at_us + 1))
    arrays = []
    for t in times:
        mask = t > at_us  # in the future: has not happened yet
        arrays.append(pa.array(t, type=pa.int64(), mask=mask).cast(TS))
    events = pa.StructArray.from_arrays(arrays, names=list(EVENTS))
    # Statuses: a third wait for parts or the customer after support, then reopen.
    waits = rng.random(n) < 0.33
    wait_at = times[2] + (rng.random(n) * 3600e6).astype(np.int64)
    back_at = wait_at + (rng.lognormal(0.0, 0.8, n) * 4 * 3600e6).astype(np.int64)
    wait_kind = np.where(rng.random(n) < 0.6, "waiting_for_parts", "waiting_on_customer")
    counts = np.where(waits & (wait_at <= at_us), np.where(back_at <= at_us, 2, 1), 0)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    has1, has2 = counts >= 1, counts >= 2
    at_vals = np.empty(int(offsets[-1]), dtype=np.int64)
    kinds = np.empty(int(offsets[-1]), dtype=object)
    at_vals[offsets[:-1][has1]] = wait_at[has1]
    kinds[offsets[:-1][has1]] = wait_kind[has1]
    at_vals[offsets[:-1][has2] + 1] = back_at[has2]
    kinds[offsets[:-1][has2] + 1] = "open"
    status_items = pa.StructArray.from_arrays(
        [pa.array(at_vals, pa.int64()).cast(TS), pa.array(kinds, pa.string())],
        names=["at", "status"],
    )
    statuses = pa.ListArray.from_arrays(pa.array(offsets), status_items)
    # done: half already applied the first-response early warning.
    warned = rng.random(n) < 0.5
    done_offsets = np.concatenate([[0], np.cumsum(warned)]).astype(np.int32)
    done_keys = [f"AS-{i}/first_response/early-warning" for i in np.flatnonzero(warned) + 1 + first]
    done = pa.ListArray.from_arrays(pa.array(done_offsets), pa.array(done_keys, pa.string()))
    return pa.table(
        {"id": ids, "fields": fields, "events": events, "statuses": statuses, "done": done}
    )


def write(n: int, path: str, *, row_group: int = 100_000, seed: int = 7) -> None:
    """Write ``n`` tickets to ``path`` in row groups of ``row_group`` tickets."""
    writer: pq.ParquetWriter | None = None
    try:
        for first in range(0, n, row_group):
            table = generate(min(row_group, n - first), seed=seed, first=first)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=row_group)
    finally:
        if writer is not None:
            writer.close()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    target = sys.argv[2] if len(sys.argv) > 2 else "tickets.parquet"
    write(count, target)
    print(f"wrote {count:,} tickets to {target}")
