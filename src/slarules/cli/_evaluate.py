"""``slarules evaluate POLICY TICKETS``: evaluate many tickets, as a table or JSON Lines."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import click

from slarules._errors import TicketError
from slarules.engine import Evaluation, StageStatus, as_ticket

from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    TicketRecord,
    check_record,
    load_policy_or_exit,
    parse_instant,
    read_tickets,
)

_STYLE = {
    StageStatus.MET: "green",
    StageStatus.MET_LATE: "yellow",
    StageStatus.BREACHED: "bold red",
    StageStatus.PAUSED: "cyan",
    StageStatus.RUNNING: "",
    StageStatus.PENDING: "dim",
    StageStatus.SKIPPED: "dim",
}


def _cell(ev: Evaluation, stage: str, tz: str) -> str:
    from ._time import local

    r = ev.stages[stage]
    if r.status in (StageStatus.SKIPPED, StageStatus.PENDING):
        return str(r.status)
    when: str = local(r.deadline, tz, short=True) if r.deadline else ""
    text = str(r.status) + (f" {when}" if when else "")
    style = _STYLE[r.status]
    return f"[{style}]{text}[/]" if style else text


@click.command("evaluate")
@click.argument("policy_path", metavar="POLICY")
@click.argument("tickets", metavar="TICKETS")
@click.option("--at", "at_text", help="The instant to evaluate at (ISO 8601). Default: now.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="A readable table, or one JSON evaluation per line.",
)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar on stderr.")
def evaluate(
    policy_path: str, tickets: str, at_text: str | None, fmt: str, progress: bool | None
) -> None:
    """Evaluate every ticket in TICKETS (JSON Lines, a JSON array, YAML; - for stdin).

    Exit status: 0 all evaluated, 1 some tickets could not be (each is reported on
    stderr with its line), 2 usage error or unreadable input.
    """
    policy = load_policy_or_exit(policy_path)
    at = parse_instant(at_text) or datetime.now(UTC)
    bad = 0
    rows: list[Evaluation] = []
    records = read_tickets(tickets)
    show_progress = (
        progress
        if progress is not None
        else (sys.stderr.isatty() and tickets != "-" and os.path.getsize(tickets) > 1 << 20)
    )
    if show_progress:
        records = _with_progress(records, tickets)
    out = sys.stdout
    for record in records:
        try:
            check_record(record)
            ev = policy.evaluate(as_ticket(record.data), at=at)
        except TicketError as exc:
            bad += 1
            click.echo(f"{record.where}: error: {exc}", err=True)
            continue
        if fmt == "jsonl":
            out.write(json.dumps(ev.to_dict(), ensure_ascii=False) + "\n")
        else:
            rows.append(ev)
    if fmt == "table":
        _table(policy.stages, rows, policy.timezone, at)
    if bad:
        click.echo(f"{bad} ticket{'s' if bad != 1 else ''} could not be evaluated", err=True)
    raise SystemExit(EXIT_FAILED if bad else EXIT_OK)


def _with_progress(records: Iterator[TicketRecord], path: str) -> Iterator[TicketRecord]:
    """Pass records through while a progress bar on stderr follows the bytes read."""
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("evaluating", total=os.path.getsize(path))
        for record in records:
            yield record
            bar.advance(task, record.size)


def _table(stages: tuple[str, ...], rows: list[Evaluation], tz: str, at: datetime) -> None:
    from rich.console import Console
    from rich.table import Table

    from ._time import local

    table = Table(title=f"at {local(at, tz)} ({tz})", title_justify="left")
    table.add_column("ticket")
    table.add_column("priority")
    for stage in stages:
        table.add_column(stage)
    table.add_column("actions due", justify="right")
    for ev in rows:
        table.add_row(
            ev.ticket_id,
            ev.priority,
            *(_cell(ev, s, tz) for s in stages),
            str(len(ev.actions)),
        )
    Console(width=max(100, 30 + 24 * len(stages))).print(table)
