"""Write N realistic after-sales tickets as JSON Lines, deterministically (fixed seed).

Run: .venv/bin/python benchmarks/make_tickets.py 1000000 /tmp/tickets.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LEVELS = ["urgent", "important", "routine"]
STEPS = ["first_response", "support_engaged", "solution_provided", "closed"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ticket(i: int, rng: random.Random) -> dict[str, object]:
    created = datetime(2025, 9, 1, tzinfo=SHANGHAI) + timedelta(minutes=rng.randrange(60 * 24 * 60))
    events = {"created": created}
    t = created
    for step in STEPS:
        if rng.random() < 0.8:
            t += timedelta(minutes=rng.randrange(5, 60 * 30))
            events[step] = t
        else:
            break
    statuses = []
    if rng.random() < 0.3:
        start = created + timedelta(minutes=rng.randrange(10, 600))
        statuses = [
            {"at": start.isoformat(), "status": "waiting_for_parts"},
            {
                "at": (start + timedelta(minutes=rng.randrange(30, 3000))).isoformat(),
                "status": "open",
            },
        ]
    return {
        "id": f"AS-{i:07d}",
        "fields": {
            "level": rng.choice(LEVELS),
            "customer_grade": rng.choice(["vip", "normal", "normal"]),
            "channel": rng.choice(["phone", "chat", "email", "social"]),
        },
        "events": {k: v.isoformat() for k, v in events.items()},
        "statuses": statuses,
        "done": [],
    }


def main() -> None:
    count, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20251009)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps(ticket(i, rng)) + "\n")


if __name__ == "__main__":
    main()
