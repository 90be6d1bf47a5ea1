"""The words ``explain`` and ``timeline`` print: channels, business time, the clause."""

from __future__ import annotations

from pathlib import Path

from .helpers import Run, write_tickets

POLICY = """\
slarules: 1
id: desk
version: "1"
timezone: Europe/Berlin
calendars:
  office:
    hours: {mon-fri: [09:00-17:00]}
fields:
  level: {enum: [p1, p2], required: true}
  vip: {type: boolean, default: false}
priorities:
  - id: p1
    when: {any: [{level: p1}, {vip: true}]}
  - id: p2
    default: true
stages:
  resolution:
    start: created
    stop: resolved
    calendar: office
    target: {p1: 2 business days, p2: 5 business days}
    ladder:
      - at: breach
        id: late
        notify: [head_of_it]
        via: [sms, email]
"""
TICKET = {
    "id": "IT-7",
    "fields": {"level": "p2", "vip": True},
    "events": {"created": "2025-10-06T09:00:00+02:00"},
}


def files(tmp_path: Path) -> tuple[Path, Path]:
    policy = tmp_path / "desk.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    return policy, write_tickets(tmp_path / "t.jsonl", [TICKET])


def test_explain_prints_the_clause_business_hours_and_the_channels(
    run: Run, tmp_path: Path
) -> None:
    policy, tickets = files(tmp_path)
    result = run("explain", policy, tickets, "--at", "2025-10-09T12:00:00+02:00")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "Priority p1: vip is true (priorities[0].when.any[1], line 13)."
    assert (
        "  Status: breached; working time used 27h (169% of the target), 11h past the target."
        in lines
    )
    assert (
        "  IT-7/resolution/late: notify head_of_it via sms, email — resolution for ticket IT-7 "
        "breached its 2 business days target (due 2025-10-07 17:00)"
    ) in lines


def test_timeline_prints_the_channels_of_each_action(run: Run, tmp_path: Path) -> None:
    policy, tickets = files(tmp_path)
    result = run("timeline", policy, tickets, "--until", "2025-10-09T00:00:00+02:00")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2025-10-06 09:00",
        "  resolution: running",
        "2025-10-07 17:00",
        "  resolution: running -> breached",
        "  notify head_of_it via sms, email: resolution for ticket IT-7 breached its "
        "2 business days target (due 2025-10-07 17:00)",
    ]


def test_a_naive_at_suggests_no_other_zone_s_offset(run: Run, tmp_path: Path) -> None:
    policy, tickets = files(tmp_path)
    result = run("explain", policy, tickets, "--at", "2025-10-09T12:00")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --at '2025-10-09T12:00' has no UTC offset; add the one it is meant in, "
        "2025-10-09T12:00+HH:MM, or 2025-10-09T12:00Z for UTC\n"
    )
