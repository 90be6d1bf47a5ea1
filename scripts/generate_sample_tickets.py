#!/usr/bin/env python3
"""Generate realistic after-sales tickets for `after-sales-response`, reproducibly.

    python scripts/generate_sample_tickets.py        # writes examples/after-sales-month.jsonl
    python scripts/generate_sample_tickets.py --tickets 1000000 --start 2025-01-01 \\
        --days 365 -o /tmp/tickets-1m.jsonl                        # the benchmark file

The same seed gives the same file, byte for byte. Tickets cover every priority and
channel, pauses while waiting for parts or the customer, stages met on time, met late and
still breached at the end, tickets still open, satisfaction scores (including the class
boundaries 69/70/89/90), complaint reasons, overdue reasons and first-contact resolution.
The default range, September and October 2025, holds China's National Day holiday
(1-8 October) and its make-up workday (Saturday 11 October). Which stages are late is
decided by the policy itself, evaluated at the end of the range.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import slarules  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
LEVELS = (("urgent", 0.15), ("important", 0.45), ("routine", 0.40))
CHANNELS = (("phone", 0.35), ("chat", 0.35), ("email", 0.2), ("social", 0.1))
# target per level and stage, in minutes (first response, support, solution)
TARGETS = {"urgent": (30, 60, 240), "important": (120, 180, 720), "routine": (240, 360, 1440)}
COMPLAINTS = (
    ("响应太慢 (slow response)", 0.30),
    ("问题未解决 (problem not solved)", 0.22),
    ("备件等待过长 (waited too long for parts)", 0.18),
    ("多次转接 (transferred too often)", 0.12),
    ("服务态度 (attitude)", 0.10),
    ("物流延迟 (logistics delay)", 0.08),
)
OVERDUE = (
    ("备件缺货 (spare parts out of stock)", 0.32),
    ("技术支持排班不足 (support understaffed)", 0.25),
    ("节假日积压 (holiday backlog)", 0.18),
    ("客户未及时回复 (customer slow to reply)", 0.15),
    ("升级流程延误 (escalation delayed)", 0.10),
)


def pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def created_at(rng: random.Random, day: date) -> datetime:
    # busier in office hours, some in the evening and at night
    hour = rng.choices(
        range(24),
        weights=[1, 1, 1, 1, 1, 2, 3, 5, 9, 12, 12, 11, 8, 10, 12, 12, 11, 10, 7, 6, 5, 4, 3, 2],
    )[0]
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=TZ)


def after(rng: random.Random, t: datetime, target_min: int, late_share: float) -> datetime:
    """An instant after ``t``: mostly well inside the target, sometimes past it."""
    if rng.random() < late_share:
        minutes = target_min * rng.uniform(1.05, 3.0)
    else:
        minutes = target_min * min(0.98, rng.lognormvariate(-1.0, 0.6))
    return t + timedelta(minutes=max(1, round(minutes)))


def iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def ticket(rng: random.Random, n: int, day: date, end: datetime, holiday: bool) -> dict[str, Any]:
    level = pick(rng, LEVELS)
    fields: dict[str, Any] = {"level": level, "channel": pick(rng, CHANNELS)}
    if rng.random() < 0.2:
        fields["customer_grade"] = "vip"
    created = created_at(rng, day)
    late = 0.22 if holiday else 0.07
    fr_t, se_t, sol_t = TARGETS[level]
    events = {"created": created}
    statuses = [{"at": iso(created), "status": "open"}]
    t = after(rng, created, fr_t, late)
    if t <= end:
        events["first_response"] = t
        statuses.append({"at": iso(t), "status": "contacted_customer"})
    se = after(rng, created, se_t, late)
    se = max(se, events.get("first_response", se))
    if se <= end and "first_response" in events:
        events["support_engaged"] = se
    paused = timedelta(0)
    if "support_engaged" in events and rng.random() < 0.18:  # waiting for spare parts
        start = se + timedelta(minutes=rng.randrange(10, 120))
        paused = timedelta(hours=rng.uniform(2, 60))
        why = "waiting_for_parts" if rng.random() < 0.7 else "waiting_on_customer"
        if start <= end:
            statuses.append({"at": iso(start), "status": why})
            if start + paused <= end:
                statuses.append({"at": iso(start + paused), "status": "open"})
    sol = after(rng, created, sol_t, late) + paused
    if "support_engaged" in events and rng.random() > 0.03:
        sol = max(sol, events["support_engaged"] + timedelta(minutes=5))
        if sol <= end:
            events["solution_provided"] = sol
    if "solution_provided" in events and rng.random() > 0.04:
        close_min = {"urgent": 20 * 60, "important": 48 * 60, "routine": 3 * 24 * 60}[level]
        closed = sol + timedelta(minutes=max(15, round(close_min * rng.uniform(0.05, 0.9))))
        if rng.random() < late:
            closed += timedelta(hours=rng.uniform(24, 96))
        if closed <= end:
            events["closed"] = closed
            statuses.append({"at": iso(closed), "status": "closed"})
    return {
        "id": f"AS-{n:07d}",
        "fields": fields,
        "events": {k: iso(v) for k, v in events.items()},
        "statuses": statuses,
    }


def measures(rng: random.Random, data: dict[str, Any], late: bool) -> None:
    """Survey, complaint, overdue reason and first-contact resolution, as people fill them."""
    fields = data["fields"]
    closed = "closed" in data["events"]
    if late and rng.random() < 0.85:
        fields["overdue_reason"] = pick(rng, OVERDUE)
    if rng.random() < (0.22 if late else 0.05):
        fields["complaint_reason"] = pick(rng, COMPLAINTS)
    if closed:
        fields["first_contact_resolved"] = rng.random() < (0.25 if late else 0.62)
        if rng.random() < 0.8:
            base = rng.gauss(74 if late else 90, 11)
            if rng.random() < 0.04:  # people like round numbers at the class boundaries
                base = rng.choice([69, 70, 89, 90])
            fields["satisfaction_score"] = max(0, min(100, round(base)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=20251101)
    ap.add_argument("--start", type=date.fromisoformat, default=date(2025, 9, 1))
    ap.add_argument("--days", type=int, default=61)
    ap.add_argument("--tickets", type=int, default=1500, help="about this many tickets")
    ap.add_argument("--policy", default=str(ROOT / "policies/after-sales-response.yaml"))
    ap.add_argument("-o", "--output", default=str(ROOT / "examples/after-sales-month.jsonl"))
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    policy = slarules.load_policy(args.policy)
    office = policy.calendars["office"]
    end = datetime.combine(args.start + timedelta(days=args.days), datetime.min.time(), TZ)
    per_day = args.tickets / args.days
    n = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for d in range(args.days):
            day = args.start + timedelta(days=d)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=TZ)
            workday = bool(office.is_open(noon.replace(hour=10)))
            holiday = not workday and day.weekday() < 5
            count = round(per_day * (1.2 if workday else 0.6) * rng.uniform(0.8, 1.2))
            for _ in range(count):
                n += 1
                data = ticket(rng, n, day, end, holiday)
                ev = policy.evaluate(data, at=end)
                measures(rng, data, bool(ev.breaches))
                out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{n} tickets written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
