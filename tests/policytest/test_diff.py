"""``slarules diff``: a changed target names exactly the tickets it affects, and how."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from slarules import Policy, load_policy
from slarules._diff import diff_policies, diff_ticket
from slarules.cli import cli
from slarules.engine import as_ticket

BUNDLED = Path(__file__).resolve().parents[2] / "policies" / "after-sales-response.yaml"
AT = "2025-10-11T12:00:00+08:00"


def _ticket(tid: str, level: str, **events: str) -> str:
    evs = {"created": "2025-10-09T09:00:00+08:00", **events}
    return json.dumps({"id": tid, "fields": {"level": level}, "events": evs})


TICKETS = [
    _ticket("D-1", "important"),  # open: closure due Sun 12 09:00, now Sat 11 09:00
    _ticket("D-2", "important", closed="2025-10-10T09:00:00+08:00"),  # on time either way
    _ticket("D-3", "urgent"),
    _ticket("D-4", "routine"),
    _ticket("D-5", "important", closed="2025-10-11T10:00:00+08:00"),  # late only under 48h
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The bundled policy, a copy whose important closure limit is 48h, and tickets."""
    new = tmp_path / "new.yaml"
    text = BUNDLED.read_text(encoding="utf-8")
    assert text.count("important: 72h") == 1
    new.write_text(text.replace("important: 72h", "important: 48h"), encoding="utf-8")
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("\n".join(TICKETS) + "\n", encoding="utf-8")
    return BUNDLED, new, tickets


def run(*args: str) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def test_one_changed_target_names_exactly_the_tickets_it_affects(
    files: tuple[Path, Path, Path],
) -> None:
    old, new, tickets = files
    code, out, _ = run(
        "diff", str(old), str(new), "--tickets", str(tickets), "--at", AT, "--format", "json"
    )
    assert code == 0
    data = json.loads("\n".join(out))
    assert [t["id"] for t in data["tickets"]] == ["D-1", "D-2", "D-5"]
    assert data["summary"] == {
        "tickets": 5,
        "changed": 3,
        "unchanged": 2,
        "priority_changed": 0,
        "deadlines_moved": 3,
        "breaches_appeared": 2,
        "breaches_disappeared": 0,
        "actions_added": 4,  # early warning (80 % of 48h: Fri 23:24) and overdue, D-1 and D-5
        "actions_removed": 0,
        "actions_changed": 0,
        "errors": 0,
    }
    d1 = data["tickets"][0]
    assert d1["where"] == f"{tickets}:1"
    assert d1["stages"] == [
        {
            "stage": "closure",
            "old_status": "running",
            "new_status": "breached",
            "old_deadline": "2025-10-12T09:00:00+08:00",
            "new_deadline": "2025-10-11T09:00:00+08:00",
            "moved_seconds": -86400.0,
        }
    ]
    assert d1["breaches_appeared"] == ["closure"]
    assert [(a["key"], a["change"]) for a in d1["actions"]] == [
        ("D-1/closure/early-warning", "added"),
        ("D-1/closure/overdue", "added"),
    ]


def test_text_output_gives_a_summary_and_per_ticket_detail(
    files: tuple[Path, Path, Path],
) -> None:
    old, new, tickets = files
    code, out, _ = run("diff", str(old), str(new), "--tickets", str(tickets), "--at", AT)
    assert code == 0
    assert out[0].startswith("after-sales-response 2025.1 (sha256:")
    assert out[0].endswith(" at 2025-10-11 12:00 (Asia/Shanghai)")
    assert out[1:4] == [
        f"D-1 ({tickets}:1)",
        "  closure: deadline 2025-10-12 09:00 → 2025-10-11 09:00 (-1d); running → breached",
        "  breach appears: closure",
    ]
    assert f"D-5 ({tickets}:5)" in out
    assert "  closure: deadline 2025-10-12 09:00 → 2025-10-11 09:00 (-1d); met → met_late" in out
    assert out[-1] == (
        "5 tickets: 3 changed, 2 unchanged (priority changed 0, deadlines moved 3, "
        "breaches appeared 2, disappeared 0, actions added 4, removed 0, changed 0)"
    )


def test_github_format_annotates_each_changed_ticket_at_its_line(
    files: tuple[Path, Path, Path],
) -> None:
    old, new, tickets = files
    _, out, _ = run(
        "diff", str(old), str(new), "--tickets", str(tickets), "--at", AT, "--format", "github"
    )
    assert [line.split("::")[1] for line in out[:-1]] == [
        f"warning file={tickets},line=1,title=slarules diff D-1",
        f"warning file={tickets},line=2,title=slarules diff D-2",
        f"warning file={tickets},line=5,title=slarules diff D-5",
    ]


def test_fail_on_change_exits_1_only_when_something_changed(
    files: tuple[Path, Path, Path],
) -> None:
    old, new, tickets = files
    args = ["--tickets", str(tickets), "--at", AT, "--fail-on-change"]
    assert run("diff", str(old), str(new), *args)[0] == 1
    code, out, _ = run("diff", str(old), str(old), *args)
    assert code == 0
    assert out[-1].startswith("5 tickets: 0 changed, 5 unchanged")


def test_a_ticket_that_cannot_be_read_is_reported_with_its_line(
    files: tuple[Path, Path, Path],
) -> None:
    old, new, tickets = files
    tickets.write_text(TICKETS[2] + "\n{oops\n", encoding="utf-8")
    code, _, err = run("diff", str(old), str(new), "--tickets", str(tickets), "--at", AT)
    assert code == 1
    assert err[0].startswith(f"{tickets}:2: error: not valid JSON")
    assert err[-1] == "1 ticket could not be read"


def test_unreadable_inputs_are_usage_errors(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, _ = files
    code, _, err = run("diff", str(old), str(new), "--tickets", str(tmp_path / "none.jsonl"))
    assert code == 2
    assert err[0].startswith("error: ")
    assert run("diff", str(old), str(new))[0] == 2  # --tickets is required


def test_a_priority_change_and_a_ticket_only_one_policy_accepts_are_changes() -> None:
    old = load_policy(BUNDLED)
    text = BUNDLED.read_text(encoding="utf-8")
    new = Policy.from_yaml(
        text.replace("when: {level: important}", "when: {level: important, channel: phone}")
    )
    ticket = as_ticket({"id": "P-1", "fields": {"level": "important"}, "events": {"created": AT}})
    at = ticket.events["created"] + timedelta(hours=1)
    d = diff_ticket(old, new, ticket, at)
    assert (d.old_priority, d.new_priority, d.changed) == ("important", "routine", True)
    assert [s.stage for s in d.deadlines_moved] == [
        "first_response",
        "support_engaged",
        "solution_provided",
        "closure",
    ]
    assert d.deadlines_moved[0].moved == timedelta(hours=2)

    stricter = Policy.from_yaml(
        text.replace(
            "channel:\n    enum: [phone, chat, email, social]",
            "channel:\n    enum: [phone, chat, email, social]\n    required: true",
        )
    )
    e = diff_ticket(old, stricter, ticket, at)
    assert e.old_error is None
    assert e.new_error is not None
    assert "channel" in e.new_error
    assert diff_policies(old, stricter, [ticket], at).counts()["errors"] == 1
