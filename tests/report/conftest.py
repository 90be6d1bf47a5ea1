"""Builders for report tests: a small 24x7 policy with a report section, and tickets."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

import pytest

from slarules import Policy
from slarules.report import ReportResult, build_report

AS_OF = datetime.fromisoformat("2025-11-01T00:00:00+08:00")
OCT = {"start": date(2025, 10, 1), "end": date(2025, 10, 31)}

POLICY: dict[str, Any] = {
    "slarules": 1,
    "id": "report-test",
    "version": "1",
    "timezone": "Asia/Shanghai",
    "fields": {
        "level": {"enum": ["high", "low"]},
        "channel": {"enum": ["phone", "chat"]},
        "score": {"type": "integer"},
        "complaint": {"type": "string"},
        "late_why": {"type": "string"},
        "fcr": {"type": "boolean"},
    },
    "events": ["created", "responded", "closed", "escalated", "reviewed"],
    "priorities": [{"id": "high", "when": {"level": "high"}}, {"id": "low", "default": True}],
    "stages": {
        "response": {
            "start": "created",
            "stop": "responded",
            "target": {"high": "1h", "low": "4h"},
        },
        "fix": {"start": "created", "stop": "closed", "target": {"high": "4h", "low": "skip"}},
        "review": {"start": "escalated", "stop": "reviewed", "target": "1h"},
    },
    "report": {
        "satisfaction": {
            "field": "score",
            "classes": {
                "satisfied": {"label": "满意", "min": 90, "max": 100},
                "basically_satisfied": {"label": "基本满意", "min": 70, "max": 89},
                "dissatisfied": {"label": "不满意", "max": 69},
            },
        },
        "complaints": {"when": {"complaint": {"exists": True}}, "reason": "complaint"},
        "overdue_reason": "late_why",
        "first_contact_resolution": "fcr",
        "closed_event": "closed",
    },
}


def make_policy(**report: Any) -> Policy:
    data = copy.deepcopy(POLICY)
    for key, value in report.items():
        if value is None:
            data["report"].pop(key, None)
        else:
            data["report"][key] = value
    return Policy.from_dict(data)


def tk(tid: str, level: str, created: str, **events_and_fields: Any) -> dict[str, Any]:
    """A ticket; keyword names that are events take local times ``MM-DD HH:MM`` in 2025."""
    events = {"created": _t(created)}
    fields: dict[str, Any] = {"level": level}
    for key, value in events_and_fields.items():
        if key in POLICY["events"]:
            events[key] = _t(value)
        else:
            fields[key] = value
    return {"id": tid, "fields": fields, "events": events}


def _t(text: str) -> str:
    return f"2025-{text[:5]}T{text[6:]}:00+08:00"


# The hand-computed set (as of 2025-11-01 00:00 +08:00; report range October 2025):
#   T1 high  created 10-10 10:00, responded 10:30 (met, 30m), closed 12:00 (fix met)
#   T2 high  created 10-11 10:00, responded 11:30 (met late by 30m); not closed: fix breached
#   T3 low   created 10-20 10:00, never responded: response breached (deadline 14:00)
#   T4 low   created 10-31 22:00: response running, 2h of 4h used (not at risk)
#   T5 low   created 10-31 20:30: response running, 3h30 of 4h used (at risk at 75 %)
#   T6 high  created 09-30 23:30, responded 10-01 00:10 (met, 40m); fix breached 10-01 03:30
#   T8 high  created 09-15 10:00, responded 10:20, closed 11:00: September, all met
SET = [
    tk("T1", "high", "10-10 10:00", responded="10-10 10:30", closed="10-10 12:00"),
    tk("T2", "high", "10-11 10:00", responded="10-11 11:30", late_why="parts"),
    tk("T3", "low", "10-20 10:00", late_why="staff"),
    tk("T4", "low", "10-31 22:00"),
    tk("T5", "low", "10-31 20:30"),
    tk("T6", "high", "09-30 23:30", responded="10-01 00:10"),
    tk("T8", "high", "09-15 10:00", responded="09-15 10:20", closed="09-15 11:00"),
]


@pytest.fixture
def policy() -> Policy:
    return make_policy()


def report(policy: Policy, tickets: list[dict[str, Any]], **options: Any) -> ReportResult:
    kwargs: dict[str, Any] = {"as_of": AS_OF, **OCT}
    kwargs.update(options)
    return build_report(policy, tickets, **kwargs)
