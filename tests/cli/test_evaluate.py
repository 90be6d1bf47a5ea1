"""``slarules evaluate POLICY TICKETS``: JSON Lines and tables, bad tickets, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import BROKEN, REFERENCE, TICKETS, Run, write_tickets

AT = "2025-10-09T16:00:00+08:00"


def test_jsonl_gives_one_evaluation_per_ticket(run: Run, small: Path, small_tickets: Path) -> None:
    result = run("evaluate", small, small_tickets, "--at", AT, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["ticket"] for r in rows] == ["T-1", "T-2"]
    assert [r["priority"] for r in rows] == ["urgent", "routine"]
    assert rows[0]["stages"]["response"]["status"] == "breached"
    assert rows[0]["stages"]["response"]["deadline"] == "2025-10-09T10:00:00+08:00"
    assert rows[1]["stages"]["response"]["status"] == "met"
    assert [a["key"] for a in rows[0]["actions"]] == ["T-1/response/overdue"]
    assert rows[0]["policy"]["id"] == "small"


def test_the_table_names_each_ticket_and_stage(run: Run, small: Path, small_tickets: Path) -> None:
    result = run("evaluate", small, small_tickets, "--at", AT)
    assert result.exit_code == 0, result.output
    for word in ("T-1", "T-2", "urgent", "routine", "response", "breached", "met"):
        assert word in result.stdout


def test_the_reference_policy_evaluates_the_example_tickets(run: Run) -> None:
    result = run("evaluate", REFERENCE, TICKETS, "--at", AT, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = TICKETS.read_text().splitlines()
    assert len(result.stdout.splitlines()) == len([line for line in lines if line.strip()])


def test_tickets_from_stdin(run: Run, small: Path, small_tickets: Path) -> None:
    result = run(
        "evaluate", small, "-", "--at", AT, "--format", "jsonl", input=small_tickets.read_text()
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2


def test_a_bad_ticket_is_reported_with_its_line_and_exits_1(
    run: Run, small: Path, tmp_path: Path
) -> None:
    path = write_tickets(
        tmp_path / "t.jsonl",
        [
            {"id": "OK", "fields": {"level": "urgent"}, "events": {}},
            {"id": "BAD", "fields": {"level": "critical"}, "events": {}},
        ],
    )
    result = run("evaluate", small, path, "--at", AT, "--format", "jsonl")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr.startswith(f"{path}:2: error: ticket 'BAD': ")
    assert result.stderr.endswith("1 ticket could not be evaluated\n")


def test_a_line_that_is_not_json_is_reported_with_its_line(
    run: Run, small: Path, tmp_path: Path
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "A", "fields": {"level": "urgent"}, "events": {}}\n{oops\n')
    result = run("evaluate", small, path, "--at", AT, "--format", "jsonl")
    assert result.exit_code == 1
    assert f"{path}:2: error: not valid JSON" in result.stderr


def test_an_invalid_policy_prints_its_problems_and_exits_1(run: Run, small_tickets: Path) -> None:
    policy = BROKEN / "stage-key-misspelt.yaml"
    result = run("evaluate", policy, small_tickets, "--at", AT)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{policy}:36:5: error[unknown-key]: ")
    assert result.stdout == ""


def test_a_missing_policy_is_a_usage_error(run: Run, tmp_path: Path, small_tickets: Path) -> None:
    result = run("evaluate", tmp_path / "nope.yaml", small_tickets, "--at", AT)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_a_missing_ticket_file_is_a_usage_error(run: Run, small: Path, tmp_path: Path) -> None:
    result = run("evaluate", small, tmp_path / "nope.jsonl", "--at", AT)
    assert result.exit_code == 2
    assert "cannot be read" in result.stderr


def test_an_instant_without_offset_is_a_usage_error(
    run: Run, small: Path, small_tickets: Path
) -> None:
    result = run("evaluate", small, small_tickets, "--at", "2025-10-09T16:00:00")
    assert result.exit_code == 2
    assert "has no UTC offset" in result.stderr


def test_an_instant_that_is_not_iso_is_a_usage_error(
    run: Run, small: Path, small_tickets: Path
) -> None:
    result = run("evaluate", small, small_tickets, "--at", "tomorrow")
    assert result.exit_code == 2
    assert "is not an ISO 8601 instant" in result.stderr
