"""Benchmark: ``slarules.report`` on a JSON Lines file of after-sales tickets.

Run: .venv/bin/python benchmarks/bench_report.py [TICKETS.jsonl] [--limit N]

Default input: the bundled month (examples/after-sales-month.jsonl). For the 1,000,000
ticket figure in docs/performance.md, make the file and time the CLI (see docs/report.md):

    .venv/bin/python scripts/generate_sample_tickets.py --tickets 1000000 \\
        --start 2025-01-01 --days 365 -o /tmp/tickets-1m.jsonl
    /usr/bin/time -v .venv/bin/slarules report policies/after-sales-response.yaml \\
        /tmp/tickets-1m.jsonl --as-of 2026-01-01 --from 2025-12-01 --to 2025-12-31 \\
        --format json -o /tmp/report-1m.json

This script splits the time of one streaming pass into reading and validating tickets,
evaluating them, and adding them to the report (the accumulator's own cost), then times
merging, finishing and rendering, and prints the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date, datetime
from pathlib import Path

import slarules
from slarules.report import ReportAccumulator, ReportOptions, render

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tickets", nargs="?", default=str(ROOT / "examples/after-sales-month.jsonl"))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--as-of", default="2025-11-01T00:00:00+08:00")
    args = ap.parse_args()
    policy = slarules.load_policy(ROOT / "policies/after-sales-response.yaml")
    as_of = datetime.fromisoformat(args.as_of)
    options = ReportOptions(as_of=as_of, start=date(2025, 10, 1), end=date(2025, 10, 31))
    acc = ReportAccumulator(policy, options)
    other = ReportAccumulator(policy, options)
    t_read = t_eval = t_add = 0.0
    n = 0
    with open(args.tickets, encoding="utf-8") as f:
        for line in f:
            t0 = time.perf_counter()
            ticket = slarules.Ticket.model_validate(json.loads(line))
            t1 = time.perf_counter()
            ev = policy.evaluate(ticket, at=as_of)
            t2 = time.perf_counter()
            (acc if n % 2 else other).add(ev, ticket)
            t3 = time.perf_counter()
            t_read += t1 - t0
            t_eval += t2 - t1
            t_add += t3 - t2
            n += 1
            if args.limit and n >= args.limit:
                break
    t0 = time.perf_counter()
    acc.merge(other)
    t_merge = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = acc.finish()
    t_finish = time.perf_counter() - t0
    timings = {}
    for fmt in ("json", "md", "csv", "html"):
        t0 = time.perf_counter()
        render(result, fmt)
        timings[fmt] = time.perf_counter() - t0
    total = t_read + t_eval + t_add
    print(f"{n:,} tickets in {total:.2f} s: {n / total:,.0f} tickets/s")
    print(f"  read + validate  {t_read / n * 1e6:8.1f} µs/ticket")
    print(f"  evaluate         {t_eval / n * 1e6:8.1f} µs/ticket")
    print(f"  add to report    {t_add / n * 1e6:8.1f} µs/ticket")
    print(f"merge {t_merge * 1e3:.1f} ms, finish {t_finish * 1e3:.1f} ms")
    print("render " + ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in timings.items()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
