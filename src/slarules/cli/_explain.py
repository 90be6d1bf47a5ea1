"""``slarules explain POLICY TICKET``: why this priority, how each deadline was computed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from slarules._errors import TicketError
from slarules.engine import as_ticket
from slarules.engine._evaluation import describe_action

from ._common import (
    EXIT_FAILED,
    InputError,
    check_record,
    load_policy_or_exit,
    parse_instant,
    read_tickets,
)


def pick_ticket(path: str, ticket_id: str | None) -> object:
    """The one ticket in ``path``, or the one with ``ticket_id``."""
    records = list(read_tickets(path))
    if ticket_id is not None:
        records = [
            r for r in records if isinstance(r.data, dict) and str(r.data.get("id")) == ticket_id
        ]
        if not records:
            raise InputError(f"{path}: no ticket with id {ticket_id!r}")
    if len(records) != 1:
        raise InputError(f"{path} holds {len(records)} tickets; choose one with --ticket ID")
    check_record(records[0])
    return records[0].data


@click.command("explain")
@click.argument("policy_path", metavar="POLICY")
@click.argument("ticket_path", metavar="TICKET")
@click.option("--at", "at_text", help="The instant to explain at (ISO 8601). Default: now.")
@click.option("--ticket", "ticket_id", help="The ticket's id, when TICKET holds several.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def explain(
    policy_path: str, ticket_path: str, at_text: str | None, ticket_id: str | None, fmt: str
) -> None:
    """Explain the priority and every deadline of one ticket, in plain words."""
    policy = load_policy_or_exit(policy_path)
    at = parse_instant(at_text, zones=[policy.timezone]) or datetime.now(UTC)
    try:
        ticket = as_ticket(pick_ticket(ticket_path, ticket_id), policy.timezone)  # type: ignore[arg-type]
        explanation = policy.explain(ticket, at=at)
    except TicketError as exc:
        click.echo(f"{ticket_path}: error: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    if fmt == "json":
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
        return
    ev = explanation.evaluation
    click.echo(f"Ticket {ev.ticket_id} under {policy.id} {policy.version} at {at.isoformat()}")
    click.echo(explanation.text, nl=False)
    if ev.actions:
        click.echo("\nActions due:")
        for action in ev.actions:
            click.echo(f"  {action.key}: {describe_action(action)} — {action.reason}")
    if ev.next_evaluation_at is not None:
        click.echo(f"\nNext change: {ev.next_evaluation_at.isoformat()}")
