"""``slarules timeline POLICY TICKET``: what happens to a ticket, and when."""

from __future__ import annotations

import json
from datetime import timedelta

import click

from slarules._errors import TicketError
from slarules.engine import as_ticket

from ._common import EXIT_FAILED, load_policy_or_exit, parse_instant
from ._explain import pick_ticket
from ._time import local


@click.command("timeline")
@click.argument("policy_path", metavar="POLICY")
@click.argument("ticket_path", metavar="TICKET")
@click.option("--since", "since_text", help="Start (ISO 8601). Default: the ticket's first event.")
@click.option("--until", "until_text", help="End (ISO 8601). Default: 30 days after the start.")
@click.option("--ticket", "ticket_id", help="The ticket's id, when TICKET holds several.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def timeline(
    policy_path: str,
    ticket_path: str,
    since_text: str | None,
    until_text: str | None,
    ticket_id: str | None,
    fmt: str,
) -> None:
    """List every instant at which the ticket's evaluation changes, if nothing else happens."""
    policy = load_policy_or_exit(policy_path)
    zones = [policy.timezone]
    since = parse_instant(since_text, "--since", zones=zones)
    until = parse_instant(until_text, "--until", zones=zones)
    try:
        ticket = as_ticket(pick_ticket(ticket_path, ticket_id), policy.timezone)  # type: ignore[arg-type]
        start = since or min(
            [*ticket.events.values(), *(s.at for s in ticket.statuses)], default=None
        )
        if start is None:
            click.echo("the ticket has no events: nothing happens")
            return
        entries = policy.timeline(ticket, since=start, until=until or start + timedelta(days=30))
    except TicketError as exc:
        click.echo(f"{ticket_path}: error: {exc}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    if fmt == "json":
        click.echo(json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False))
        return
    for entry in entries:
        click.echo(local(entry.at, policy.timezone))
        for change in entry.changes:
            click.echo(f"  {change}")
