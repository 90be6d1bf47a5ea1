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


def per_call(stmt: str, number: int) -> float:
    timer = timeit.Timer(stmt, globals=globals())
    return min(timer.repeat(repeat=7, number=number)) / number


def main() -> None:
    ticket = slarules.Ticket.model_validate(TICKET)
    ev = POLICY.evaluate(ticket, at=AT)
    assert ev.stages["solution_provided"].status is slarules.StageStatus.RUNNING
    globals()["ticket"] = ticket
    validated = per_call("POLICY.evaluate(ticket, at=AT)", 5_000)
    mapping = per_call("POLICY.evaluate(TICKET, at=AT)", 2_000)
    to_json = per_call("json.dumps(POLICY.evaluate(ticket, at=AT).to_dict())", 2_000)
    print(f"evaluate(validated Ticket)      {validated * 1e6:8.1f} µs  ({1 / validated:,.0f}/s)")
    print(f"evaluate(mapping, validates)    {mapping * 1e6:8.1f} µs  ({1 / mapping:,.0f}/s)")
    print(f"evaluate + to_dict + json.dumps {to_json * 1e6:8.1f} µs  ({1 / to_json:,.0f}/s)")
    print(f"actions due: {len(ev.actions)}; stages: {', '.join(ev.stages)}")
    _ = json  # used in the timed statement


if __name__ == "__main__":
    main()
