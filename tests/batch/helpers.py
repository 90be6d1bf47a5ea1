"""Shared pieces of the bulk-evaluation tests: the bundled policy, tickets, expected rows."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from slarules import Policy, load_policy

ROOT = Path(__file__).resolve().parents[2]
POLICY_PATH = ROOT / "policies" / "after-sales-response.yaml"
EXAMPLES = ROOT / "examples" / "after-sales-tickets.jsonl"
AT = datetime.fromisoformat("2025-10-10T20:00:00+08:00")

POLICY: Policy = load_policy(POLICY_PATH)


def generated_tickets(n: int, seed: int) -> Any:
    """``n`` realistic after-sales tickets as a typed Arrow table (``pyarrow.Table``), made
    by ``scripts/generate_parquet_tickets.py`` as the bulk benchmark makes them."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from generate_parquet_tickets import generate
    finally:
        sys.path.pop(0)
    return generate(n, seed=seed)


def example_tickets() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXAMPLES.read_text().splitlines() if line.strip()]


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def expected_stage_rows(
    policy: Policy, tickets: Iterable[Mapping[str, Any]], at: datetime
) -> list[dict[str, Any]]:
    """What ``evaluate_table`` must return, computed with ``policy.evaluate`` one by one."""
    rows = []
    for ticket in tickets:
        ev = policy.evaluate(ticket, at=at)
        for name, r in ev.stages.items():
            rows.append(
                {
                    "ticket_id": ev.ticket_id,
                    "priority": ev.priority,
                    "stage": name,
                    "status": str(r.status),
                    "target": r.target,
                    "calendar": r.calendar,
                    "started_at": r.started_at,
                    "deadline": r.deadline,
                    "stopped_at": r.stopped_at,
                    "elapsed_s": _seconds(r.elapsed),
                    "remaining_s": _seconds(r.remaining),
                    "used": r.used,
                    "paused_s": _seconds(r.paused),
                    "next_evaluation_at": ev.next_evaluation_at,
                }
            )
    return rows


def expected_action_rows(
    policy: Policy, tickets: Iterable[Mapping[str, Any]], at: datetime
) -> list[dict[str, Any]]:
    rows = []
    for ticket in tickets:
        ev = policy.evaluate(ticket, at=at)
        for a in ev.actions:
            rows.append(
                {
                    "ticket_id": ev.ticket_id,
                    "key": a.key,
                    "kind": str(a.kind),
                    "stage": a.stage,
                    "step": a.step,
                    "due_at": a.due_at,
                    "to": list(a.to),
                    "via": list(a.via),
                    "reason": a.reason,
                    "data": json.dumps(dict(a.data), ensure_ascii=False, sort_keys=True),
                }
            )
    return rows
