"""``slarules explain`` and ``slarules timeline``: one ticket, in plain words or JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .helpers import REFERENCE, TICKETS, Run, write_tickets

AT = "2025-10-09T16:00:00+08:00"


def test_explain_says_why_the_priority_and_each_deadline(
    run: Run, small: Path, small_tickets: Path
) -> None:
    result = run("explain", small, small_tickets, "--ticket", "T-1", "--at", AT)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Ticket T-1 under small 1 at {AT}"
    assert lines[1].startswith("Priority urgent: level is urgent")
    assert "response:" in lines
    assert "Actions due:" in lines
    assert "  T-1/response/overdue: notify supervisor — " in result.stdout


def test_explain_json(run: Run, small: Path, small_tickets: Path) -> None:
    result = run("explain", small, small_tickets, "--ticket", "T-2", "--at", AT, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    assert "response" in json.dumps(data)


def test_explain_the_reference_policy(run: Run) -> None:
    result = run("explain", REFERENCE, TICKETS, "--ticket", "AS-1002", "--at", AT)
    assert result.exit_code == 0, result.output
    assert "Priority important: level is important" in result.stdout


def test_explain_needs_a_ticket_id_when_the_file_holds_several(
    run: Run, small: Path, small_tickets: Path
) -> None:
    result = run("explain", small, small_tickets, "--at", AT)
    assert result.exit_code == 2
    assert "holds 2 tickets; choose one with --ticket ID" in result.stderr


def test_explain_an_unknown_ticket_id_is_a_usage_error(
    run: Run, small: Path, small_tickets: Path
) -> None:
    result = run("explain", small, small_tickets, "--ticket", "T-9", "--at", AT)
    assert result.exit_code == 2
    assert "no ticket with id 'T-9'" in result.stderr


def test_explain_a_ticket_that_does_not_fit_exits_1(run: Run, small: Path, tmp_path: Path) -> None:
    path = write_tickets(tmp_path / "t.jsonl", [{"id": "X", "fields": {}, "events": {}}])
    result = run("explain", small, path, "--at", AT)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: error: ")


def test_timeline_lists_the_changes_in_order(run: Run, small: Path, small_tickets: Path) -> None:
    result = run(
        "timeline", small, small_tickets, "--ticket", "T-1", "--until", "2025-10-09T12:00:00+08:00"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2025-10-09 09:00",
        "  response: running",
        "2025-10-09 10:00",
        "  response: running -> breached",
        "  notify supervisor: " + result.stdout.split("notify supervisor: ")[1].splitlines()[0],
    ]


def test_timeline_json(run: Run, small: Path, small_tickets: Path) -> None:
    result = run(
        "timeline",
        small,
        small_tickets,
        "--ticket",
        "T-1",
        "--until",
        "2025-10-09T12:00:00+08:00",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [datetime.fromisoformat(e["at"]) for e in entries] == [
        datetime.fromisoformat("2025-10-09T09:00:00+08:00"),
        datetime.fromisoformat("2025-10-09T10:00:00+08:00"),
    ]


def test_timeline_of_a_ticket_without_events(run: Run, small: Path, tmp_path: Path) -> None:
    path = write_tickets(tmp_path / "t.jsonl", [{"id": "X", "fields": {"level": "urgent"}}])
    result = run("timeline", small, path)
    assert result.exit_code == 0
    assert result.stdout == "the ticket has no events: nothing happens\n"


def test_timeline_bad_until_is_a_usage_error(run: Run, small: Path, small_tickets: Path) -> None:
    result = run("timeline", small, small_tickets, "--ticket", "T-1", "--until", "soon")
    assert result.exit_code == 2
    assert "--until 'soon' is not an ISO 8601 instant" in result.stderr
