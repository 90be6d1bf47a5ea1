"""The bundled month: it has everything the review shows, and the script regenerates it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from slarules import load_policy
from slarules.report import build_report

SAMPLE = Path("examples/after-sales-month.jsonl")


def test_sample_covers_the_review() -> None:
    policy = load_policy("policies/after-sales-response.yaml")
    tickets = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    as_of = datetime.fromisoformat("2025-11-01T00:00:00+08:00")
    r = build_report(policy, tickets, as_of=as_of, start=date(2025, 10, 1), end=date(2025, 10, 31))
    assert all(row.decided > 0 for row in r.on_time)  # every priority and stage
    assert {s.status for s in r.late_stages} == {"met_late", "breached"}
    assert r.satisfaction is not None
    assert all(r.satisfaction.values())
    assert r.complaint_reasons
    assert r.overdue_reasons
    assert r.open_breached > 0
    assert any(
        any(s["status"] == "waiting_for_parts" for s in t.get("statuses", [])) for t in tickets
    )  # pauses
    scores = {t["fields"].get("satisfaction_score") for t in tickets}
    assert {69, 70, 89, 90} <= scores
    # tickets created during the National Day holiday (1-8 October)
    assert any(t["events"]["created"].startswith("2025-10-03") for t in tickets)
    assert not r.notes or all("left out" not in n for n in r.notes)


def test_generator_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "month.jsonl"
    subprocess.run(
        [sys.executable, "scripts/generate_sample_tickets.py", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == SAMPLE.read_bytes()
