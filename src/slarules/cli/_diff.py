"""``slarules diff OLD NEW --tickets FILE``: what a policy change does to real tickets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from slarules._diff import ActionChange, PolicyDiff, StageChange, TicketDiff, diff_ticket
from slarules._durations import format_duration
from slarules._errors import TicketError
from slarules._github import annotation
from slarules._policy import Policy
from slarules.engine import Action, as_ticket

from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    check_record,
    ci_format_option,
    load_policy_or_exit,
    parse_instant,
    read_tickets,
)
from ._time import local


def _signed(delta: timedelta) -> str:
    return ("-" if delta < timedelta(0) else "+") + format_duration(abs(delta))


def _when(t: datetime | None, tz: str) -> str:
    return local(t, tz) if t is not None else "none"


def _action_text(a: Action, tz: str) -> str:
    via = f" via {', '.join(a.via)}" if a.via else ""
    return f"{a.kind.value} {a.stage} to {', '.join(a.to)}{via} at {_when(a.due_at, tz)} ({a.key})"


def _stage_line(s: StageChange, tz: str) -> str:
    parts: list[str] = []
    if s.deadline_changed:
        text = f"deadline {_when(s.old_deadline, tz)} → {_when(s.new_deadline, tz)}"
        if s.moved is not None:
            text += f" ({_signed(s.moved)})"
        parts.append(text)
    if s.old_status != s.new_status:
        parts.append(f"{s.old_status or 'absent'} → {s.new_status or 'absent'}")
    return f"{s.stage}: " + "; ".join(parts)


def _action_line(c: ActionChange, tz: str) -> str:
    if c.old is not None and c.new is not None:
        return f"action changed: {_action_text(c.old, tz)} → {_action_text(c.new, tz)}"
    if c.new is not None:
        return "action added: " + _action_text(c.new, tz)
    assert c.old is not None  # an ActionChange has at least one side
    return "action removed: " + _action_text(c.old, tz)


def _ticket_lines(t: TicketDiff, tz: str) -> list[str]:
    lines: list[str] = []
    if t.old_error != t.new_error:
        lines.append(
            f"old policy: {t.old_error or 'evaluates'}; new policy: {t.new_error or 'evaluates'}"
        )
    if t.old_priority != t.new_priority:
        lines.append(f"priority: {t.old_priority} → {t.new_priority}")
    lines.extend(_stage_line(s, tz) for s in t.stages)
    if t.breaches_added:
        lines.append("breach appears: " + ", ".join(t.breaches_added))
    if t.breaches_removed:
        lines.append("breach disappears: " + ", ".join(t.breaches_removed))
    lines.extend(_action_line(c, tz) for c in t.actions)
    return lines


def _summary(diff: PolicyDiff) -> str:
    c = diff.counts()
    return (
        f"{c['tickets']} tickets: {c['changed']} changed, {c['unchanged']} unchanged "
        f"(priority changed {c['priority_changed']}, deadlines moved {c['deadlines_moved']}, "
        f"breaches appeared {c['breaches_appeared']}, disappeared {c['breaches_disappeared']}, "
        f"actions added {c['actions_added']}, removed {c['actions_removed']}, "
        f"changed {c['actions_changed']})"
    )


def _policy_dict(p: Policy) -> dict[str, Any]:
    return {"id": p.id, "version": p.version, "hash": p.content_hash, "file": p.file}


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def _ticket_dict(t: TicketDiff, where: str) -> dict[str, Any]:
    return {
        "id": t.ticket_id,
        "where": where,
        "priority": {"old": t.old_priority, "new": t.new_priority},
        "stages": [
            {
                "stage": s.stage,
                "old_status": s.old_status,
                "new_status": s.new_status,
                "old_deadline": _iso(s.old_deadline),
                "new_deadline": _iso(s.new_deadline),
                "moved_seconds": s.moved.total_seconds() if s.moved is not None else None,
            }
            for s in t.stages
        ],
        "breaches_appeared": list(t.breaches_added),
        "breaches_disappeared": list(t.breaches_removed),
        "actions": [
            {
                "key": c.key,
                "change": c.change,
                "old": c.old.to_dict() if c.old is not None else None,
                "new": c.new.to_dict() if c.new is not None else None,
            }
            for c in t.actions
        ],
        "errors": {"old": t.old_error, "new": t.new_error},
    }


@click.command("diff")
@click.argument("old_path", metavar="OLD")
@click.argument("new_path", metavar="NEW")
@click.option(
    "--tickets",
    "tickets_path",
    required=True,
    help="Tickets to compare on (JSON Lines, a JSON array, YAML; - for stdin).",
)
@click.option("--at", "at_text", help="The instant to evaluate at (ISO 8601). Default: now.")
@ci_format_option
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when any ticket's evaluation changes.")
def diff(
    old_path: str,
    new_path: str,
    tickets_path: str,
    at_text: str | None,
    fmt: str,
    fail_on_change: bool,
) -> None:
    """Show what changing policy OLD into NEW does to the tickets in --tickets.

    For each ticket whose evaluation changes: the priority, deadlines that move and by how
    much, breaches that appear or disappear, and due actions added, removed or changed.
    Pass --at for a result that does not depend on when it runs.

    Exit status: 0 compared (or, with --fail-on-change, nothing changed), 1 something
    changed with --fail-on-change, a policy is invalid, or a ticket could not be read,
    2 usage error or unreadable input.
    """
    old = load_policy_or_exit(old_path)
    new = load_policy_or_exit(new_path)
    at = parse_instant(at_text, zones=[old.timezone, new.timezone]) or datetime.now(UTC)
    tz = new.timezone
    bad = 0
    pairs: list[tuple[str, TicketDiff]] = []
    for record in read_tickets(tickets_path):
        try:
            check_record(record)
            ticket = as_ticket(record.data)
        except TicketError as exc:
            bad += 1
            click.echo(f"{record.where}: error: {exc}", err=True)
            continue
        pairs.append((record.where, diff_ticket(old, new, ticket, at)))
    result = PolicyDiff(old, new, at, tuple(d for _, d in pairs))
    changed = [(w, d) for w, d in pairs if d.changed]
    if fmt == "json":
        data = {
            "old": _policy_dict(old),
            "new": _policy_dict(new),
            "at": at.isoformat(),
            "summary": result.counts(),
            "tickets": [_ticket_dict(d, w) for w, d in changed],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "github":
        for where, d in changed:
            file, _, line = where.rpartition(":")
            message = "; ".join(_ticket_lines(d, tz))
            click.echo(
                annotation(
                    "warning",
                    message,
                    title=f"slarules diff {d.ticket_id}",
                    file=file,
                    line=int(line) if line.isdigit() else None,
                )
            )
        click.echo(_summary(result))
    else:
        click.echo(
            f"{old.id} {old.version} ({old.content_hash[:15]}) → {new.id} {new.version} "
            f"({new.content_hash[:15]}) at {local(at, tz)} ({tz})"
        )
        for where, d in changed:
            click.echo(f"{d.ticket_id} ({where})")
            for line in _ticket_lines(d, tz):
                click.echo(f"  {line}")
        click.echo(_summary(result))
    if bad:
        click.echo(f"{bad} ticket{'s' if bad != 1 else ''} could not be read", err=True)
    failed = bad > 0 or (fail_on_change and bool(changed))
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)
