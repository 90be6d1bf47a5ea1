"""Shared builders for tests: a small policy with overrides, tickets, and ISO instants."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from slarules import Policy

SHANGHAI = "+08:00"

BASE: dict[str, Any] = {
    "slarules": 1,
    "id": "test-policy",
    "version": "1",
    "timezone": "Asia/Shanghai",
    "calendars": {
        "office": {
            "hours": {"mon-fri": ["09:00-12:00", "13:30-18:00"]},
            "holidays": {"country": "CN"},
        }
    },
    "fields": {
        "level": {"enum": ["urgent", "routine"], "required": True},
        "vip": {"type": "boolean", "default": False},
    },
    "priorities": [
        {"id": "urgent", "when": {"any": [{"level": "urgent"}, {"vip": True}]}},
        {"id": "routine", "default": True},
    ],
    "stages": {
        "response": {
            "start": "created",
            "stop": "responded",
            "target": {"urgent": "30m", "routine": "4h"},
        }
    },
}


def t(text: str) -> datetime:
    """An instant from ISO text; a bare local time is taken in Asia/Shanghai."""
    if "+" not in text[10:] and not text.endswith("Z"):
        text += SHANGHAI
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def make_policy(**overrides: Any) -> Policy:
    """The base policy with top-level keys replaced; ``stage_<name>=`` replaces one stage."""
    data = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if key.startswith("stage_"):
            data["stages"][key[len("stage_") :]] = value
        else:
            data[key] = value
    return Policy.from_dict(data)


def stage(**fields: Any) -> dict[str, Any]:
    """A stage from created to responded with the given settings."""
    base: dict[str, Any] = {"start": "created", "stop": "responded", "target": "30m"}
    base.update(fields)
    return base


def ticket(
    *,
    level: str = "urgent",
    id: str = "T-1",
    done: tuple[str, ...] = (),
    statuses: tuple[tuple[str, str], ...] = (),
    **events: str,
) -> dict[str, Any]:
    """A ticket with the given events (local Shanghai times) and status changes."""
    return {
        "id": id,
        "fields": {"level": level},
        "events": {name: t(value).isoformat() for name, value in events.items()},
        "statuses": [{"at": t(at).isoformat(), "status": s} for at, s in statuses],
        "done": list(done),
    }
