"""Instants on the command line that no datetime can show (issue 15, item 7): one usage
error, exit 2, before any ticket is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import REFERENCE, TICKETS, Run

# UTC cannot show the first (0000-12-31T00:01Z); Asia/Shanghai cannot show the second
UNSHOWABLE = {
    "0001-01-01T00:00:00+23:59": "in UTC",
    "9999-12-31T20:00:00Z": "in the policy's time zone Asia/Shanghai",
}


def _commands(tickets: Path, value: str, tmp_path: Path) -> dict[str, list[str | Path]]:
    policy = REFERENCE
    out = tmp_path / "out.jsonl"
    return {
        "evaluate": ["evaluate", policy, tickets, "--at", value],
        "evaluate-jsonl": ["evaluate", policy, tickets, "--at", value, "--format", "jsonl"],
        "evaluate-output": ["evaluate", policy, tickets, "--at", value, "-o", out],
        "explain": ["explain", policy, tickets, "--at", value],
        "timeline-since": ["timeline", policy, tickets, "--since", value],
        "timeline-until": ["timeline", policy, tickets, "--until", value],
        "diff": ["diff", policy, policy, "--tickets", tickets, "--at", value],
        "report": ["report", policy, tickets, "--as-of", value],
    }


@pytest.mark.parametrize("value", sorted(UNSHOWABLE))
@pytest.mark.parametrize(
    "command",
    [
        "evaluate",
        "evaluate-jsonl",
        "evaluate-output",
        "explain",
        "timeline-since",
        "timeline-until",
        "diff",
        "report",
    ],
)
def test_an_instant_no_datetime_can_show_is_one_usage_error(
    run: Run, tmp_path: Path, value: str, command: str
) -> None:
    args = _commands(TICKETS, value, tmp_path)[command]
    result = run(*args)
    assert result.exit_code == 2, result.output
    option = next(str(a) for a in args if str(a).startswith("--") and str(a) != "--tickets")
    assert result.stderr.splitlines() == [
        f"error: {option} {value!r} falls outside the years 1 to 9999 {UNSHOWABLE[value]}, "
        "beyond what a datetime can hold; give an instant between those years"
    ]
    assert result.stdout == ""
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("command", ["evaluate", "explain", "diff", "report"])
def test_the_instant_is_checked_before_any_ticket_is_read(
    run: Run, tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "missing.jsonl"
    result = run(*_commands(missing, "0001-01-01T00:00:00+23:59", tmp_path)[command])
    assert result.exit_code == 2
    assert "falls outside the years 1 to 9999" in result.stderr
    assert "missing.jsonl" not in result.stderr


@pytest.mark.parametrize("options", [[], ["-o", "out.jsonl"]])
def test_an_instant_beyond_the_business_calendars_is_one_usage_error(
    run: Run, tmp_path: Path, options: list[str]
) -> None:
    """The last instant Asia/Shanghai can show passes the command line's check; the
    engine then says that business calendars end earlier, once, with exit 2 (the table and
    ``-o`` are whole or nothing; ``--format jsonl`` streams the tickets evaluated before a
    calendar was needed)."""
    options = [str(tmp_path / o) if o.endswith(".jsonl") else o for o in options]
    result = run("evaluate", REFERENCE, TICKETS, "--at", "9999-12-31T15:59:59Z", *options)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: at: 9999-12-31T15:59:59+00:00 falls outside the years 3 to 9996 that "
        "business calendars cover"
    ]
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []
