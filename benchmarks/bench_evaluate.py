"""Benchmark: ``Policy.evaluate`` on the after-sales policy (4 stages with ladders).

Run: .venv/bin/python benchmarks/bench_evaluate.py

It times one evaluation of an already validated ``Ticket`` (the host's hot path), and the
same including validation of a plain mapping, with the standard library's ``timeit``
(best of several repeats, per call). Goal (issue 5): at most 20 µs per evaluation of a
validated Ticket.
"""

from __future__ import annotations

import json
import timeit
from datetime import datetime
from pathlib import Path

import slarules

ROOT = Path(__file__).resolve().parent.parent
POLICY = slarules.load_policy(ROOT / "policies" / "after-sales-response.yaml")

# A realistic open ticket: first response met, support engaged, waiting for parts once.
TICKET = {
    "id": "AS-1001",
    "fields": {"level": "important", "customer_grade": "vip", "channel": "phone"},
    "events": {
        "created": "2025-10-09T14:30:00+08:00",
        "first_response": "2025-10-09T14:50:00+08:00",
        "support_engaged": "2025-10-09T15:20:00+08:00",
    },
    "statuses": [
        {"at": "2025-10-09T15:40:00+08:00", "status": "waiting_for_parts"},
        {"at": "2025-10-09T18:10:00+08:00", "status": "open"},
    ],
    "done": ["AS-1001/first_response/early-warning"],
}
AT = datetime.fromisoformat("2025-10-09T23:00:00+08:00")
GOAL = 20e-6  # seconds per evaluation of a validated Ticket (issue 5)


def per_call(stmt: str, number: int) -> float:
    timing = timeit.Timer(stmt, globals=globals())
    return min(timing.repeat(repeat=7, number=number)) / number


def main() -> None:
    ticket = slarules.Ticket.model_validate(TICKET)
    ev = POLICY.evaluate(ticket, at=AT)
    assert ev.stages["solution_provided"].status is slarules.StageStatus.RUNNING
    globals()["ticket"] = ticket
    rows = [
        ("evaluate(validated Ticket)", "POLICY.evaluate(ticket, at=AT)", 5_000),
        ("evaluate(mapping, validates)", "POLICY.evaluate(TICKET, at=AT)", 2_000),
        (
            "evaluate + to_dict + json.dumps",
            "json.dumps(POLICY.evaluate(ticket, at=AT).to_dict())",
            2_000,
        ),
    ]
    found: dict[str, float] = {}
    for label, stmt, number in rows:
        found[label] = seconds = per_call(stmt, number)
        print(f"{label:32s} {seconds * 1e6:6.1f} µs  ({1 / seconds:,.0f}/s)")
    print(f"actions due: {len(ev.actions)}; stages: {', '.join(ev.stages)}")
    verdict = "met" if found["evaluate(validated Ticket)"] <= GOAL else "NOT met"
    print(f"goal: at most {GOAL * 1e6:.0f} µs per evaluation of a validated Ticket: {verdict}")
    _ = json  # used in the timed statement


if __name__ == "__main__":
    main()
