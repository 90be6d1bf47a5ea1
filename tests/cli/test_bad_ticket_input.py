"""A ticket the engine cannot take (a list where a field's value belongs, an instant that
overflows in UTC, a number for an instant) is one error line: every other ticket is still
written, and no verb prints a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .helpers import REFERENCE, Run, write_tickets

AT = "2025-10-10T00:00:00+08:00"
CREATED = "2025-10-09T14:30:00+08:00"


def good(ticket_id: str) -> dict[str, Any]:
    return {"id": ticket_id, "fields": {"level": "urgent"}, "events": {"created": CREATED}}


BAD = {
    "enum-list": {"fields": {"level": ["urgent"]}},
    "enum-mapping": {"fields": {"level": {"is": "urgent"}}},
    "overflow-event": {"events": {"created": "0001-01-01T00:00:00+01:00"}},
    "overflow-status": {"statuses": [{"at": "9999-12-31T23:00:00-01:00", "status": "open"}]},
    "numeric-event": {"events": {"created": 1760000000}},
    "numeric-text-event": {"events": {"created": "1760000000"}},
}
WHAT = {
    "enum-list": "field 'level'",
    "enum-mapping": "field 'level'",
    "overflow-event": "events.created",
    "overflow-status": "statuses[0].at",
    "numeric-event": "events.created",
    "numeric-text-event": "events.created",
}


@pytest.fixture(params=sorted(BAD))
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def three(tmp_path: Path, case: str) -> Path:
    bad = {**good("B"), **BAD[case]}
    return write_tickets(tmp_path / "t.jsonl", [good("A"), bad, good("C")])


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
def test_evaluate_writes_every_other_ticket_and_names_the_bad_one(
    run: Run, tmp_path: Path, case: str, fmt: str
) -> None:
    path = three(tmp_path, case)
    result = run("evaluate", REFERENCE, path, "--at", AT, "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if "error:" in x]
    assert line.startswith(f"{path}:2: error: ticket 'B': ")
    assert WHAT[case] in line
    if fmt == "jsonl":
        written = [json.loads(x)["ticket"] for x in result.stdout.splitlines()]
        assert written == ["A", "C"]
    else:
        rows = [x.split("│")[1].strip() for x in result.stdout.splitlines() if x.startswith("│")]
        assert rows == ["A", "C"]


def test_evaluate_to_a_file_writes_every_other_ticket(run: Run, tmp_path: Path, case: str) -> None:
    path = three(tmp_path, case)
    out = tmp_path / "out.jsonl"
    result = run("evaluate", REFERENCE, path, "--at", AT, "-o", out)
    assert result.exit_code == 1, result.output
    assert f"{path}:2: error: ticket 'B': " in result.stderr
    assert [json.loads(x)["ticket"] for x in out.read_text().splitlines()] == ["A", "C"]


@pytest.mark.parametrize("verb", ["explain", "timeline"])
def test_explain_and_timeline_of_the_bad_ticket_exit_1_naming_it(
    run: Run, tmp_path: Path, case: str, verb: str
) -> None:
    path = three(tmp_path, case)
    when = ["--at", AT] if verb == "explain" else ["--until", AT]
    result = run(verb, REFERENCE, path, "--ticket", "B", *when)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"{path}: error: ticket 'B': ")
    assert WHAT[case] in result.stderr


def test_report_counts_every_other_ticket_and_names_the_bad_one(
    run: Run, tmp_path: Path, case: str
) -> None:
    path = three(tmp_path, case)
    result = run("report", REFERENCE, path, "--as-of", AT, "--format", "json")
    assert result.exit_code == 1, result.output
    assert f"{path}:2: error: ticket 'B': " in result.stderr
    assert "Traceback" not in result.stderr
