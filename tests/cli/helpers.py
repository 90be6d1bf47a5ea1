"""Paths and small inputs shared by the CLI tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

ROOT = Path(__file__).parent.parent.parent
BROKEN = ROOT / "tests" / "policies" / "broken"
REFERENCE = ROOT / "policies" / "after-sales-response.yaml"
TICKETS = ROOT / "examples" / "after-sales-tickets.jsonl"

# a policy whose validation does not depend on today's date (no holiday country)
SMALL = """\
slarules: 1
id: small
version: "1"
timezone: Asia/Shanghai
calendars:
  office:
    hours: {mon-fri: [09:00-18:00]}
fields:
  level: {enum: [urgent, routine], required: true}
priorities:
  - id: urgent
    when: {level: urgent}
  - id: routine
    default: true
stages:
  response:
    start: created
    stop: responded
    calendar: office
    target: {urgent: 1h, routine: 4h}
    ladder:
      - at: breach
        id: overdue
        notify: [supervisor]
"""

Run = Callable[..., Result]
"""``run("validate", path)``: the type of the ``run`` fixture."""


def write_tickets(path: Path, tickets: list[Any]) -> Path:
    path.write_text("".join(json.dumps(t) + "\n" for t in tickets), encoding="utf-8")
    return path
