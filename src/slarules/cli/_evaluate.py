"""``slarules evaluate POLICY TICKETS``: evaluate many tickets, as a table or JSON Lines."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Generator, Iterator
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

import click

from slarules._errors import TicketError, UsageError
from slarules.engine import Evaluation, StageStatus, as_ticket

from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    InputError,
    atomic_output,
    check_parallel,
    check_record,
    load_policy_or_exit,
    parallel_options,
    parse_instant,
    read_tickets,
)

if TYPE_CHECKING:
    from slarules._policy import Policy
    from slarules.batch import ChunkResult, Record
    from slarules.batch._tasks import Output

OUTPUT_SUFFIXES: dict[str, Output] = {".parquet": "arrow", ".jsonl": "jsonl", ".ndjson": "jsonl"}

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
@click.option(
    "--output",
    "-o",
    "output",
    metavar="FILE",
    help="Write to FILE instead: .parquet (one row per ticket and stage; needs pyarrow) "
    "or .jsonl (one evaluation per line).",
)
@parallel_options("Evaluate")
@click.pass_context
def evaluate(
    ctx: click.Context,
    policy_path: str,
    tickets: str,
    at_text: str | None,
    fmt: str,
    progress: bool | None,
    output: str | None,
    workers: int,
    scheduler: str | None,
) -> None:
    """Evaluate every ticket in TICKETS (JSON Lines, a JSON array, YAML, Parquet; - for stdin).

    Exit status: 0 all evaluated, 1 some tickets could not be (each is reported on
    stderr with its line), 2 usage error or unreadable input.
    """
    kind = _output_kind(ctx, output)
    bulk = _is_parquet(tickets) or output is not None or workers > 1 or scheduler is not None
    check_parallel(tickets, workers, scheduler)
    policy = load_policy_or_exit(policy_path)
    at = parse_instant(at_text, zones=[policy.timezone]) or datetime.now(UTC)
    if bulk:
        show = progress if progress is not None else (sys.stderr.isatty() and tickets != "-")
        _bulk(policy, tickets, at, fmt, kind, output, workers, scheduler, show)
        return
    bad = 0
    rows: list[Evaluation] = []
    if progress or (progress is None and sys.stderr.isatty() and tickets != "-"):
        records = _with_progress(tickets, smallest=0 if progress else 1 << 20)
    else:
        records = read_tickets(tickets)
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


def _is_parquet(path: str) -> bool:
    from slarules.batch._chunks import input_format

    return input_format(path) == "parquet"


def _output_kind(ctx: click.Context, output: str | None) -> Output | None:
    if output is None:
        return None
    suffix = os.path.splitext(output)[1].lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise InputError(f"--output {output}: write a .parquet or .jsonl file")
    if ctx.get_parameter_source("fmt") is click.core.ParameterSource.COMMANDLINE:
        raise InputError("use --format or --output, not both (--output takes its file's format)")
    return OUTPUT_SUFFIXES[suffix]


def _chunks(
    policy: Policy, tickets: str, at: datetime, kind: Output, workers: int, scheduler: str | None
) -> Generator[ChunkResult, None, None]:
    """Chunk results in input order, from the pool, the cluster, or this process."""
    from slarules.batch import evaluate_chunk, map_chunks
    from slarules.batch._chunks import input_format

    task = functools.partial(evaluate_chunk, at=at, output=kind)
    if input_format(tickets) is not None and tickets != "-":
        yield from map_chunks(policy, tickets, task, workers=workers, scheduler=scheduler)
        return
    if workers > 1 or scheduler is not None:
        raise InputError(
            f"{tickets}: --workers and --scheduler read JSON Lines (.jsonl) or Parquet files"
        )
    batch: list[Record] = []
    for record in read_tickets(tickets):
        batch.append(record)
        if len(batch) == 10_000:
            yield task(policy, batch)
            batch = []
    yield task(policy, batch)


def _bulk(
    policy: Policy,
    tickets: str,
    at: datetime,
    fmt: str,
    kind: Output | None,
    output: str | None,
    workers: int,
    scheduler: str | None,
    show_progress: bool,
) -> None:
    """``evaluate`` over chunks: Parquet input, ``--output``, ``--workers``, ``--scheduler``.

    ``--output`` is written whole or not at all (``atomic_output``)."""
    task_kind: Output = kind or ("jsonl" if fmt == "jsonl" else "evaluations")
    try:
        with ExitStack() as files:
            target = files.enter_context(atomic_output(output)) if output is not None else None
            count, bad, rows = _write_chunks(
                policy, tickets, at, task_kind, target, workers, scheduler, show_progress
            )
    except UsageError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"{output or tickets}: cannot be written ({exc.strerror})") from None
    if task_kind == "evaluations":
        _table(policy.stages, rows, policy.timezone, at)
    if output is not None:
        done = count - bad
        click.echo(f"wrote {done} evaluation{'s' if done != 1 else ''} to {output}", err=True)
    if bad:
        click.echo(f"{bad} ticket{'s' if bad != 1 else ''} could not be evaluated", err=True)
    raise SystemExit(EXIT_FAILED if bad else EXIT_OK)


def _write_chunks(
    policy: Policy,
    tickets: str,
    at: datetime,
    kind: Output,
    target: str | None,
    workers: int,
    scheduler: str | None,
    show_progress: bool,
) -> tuple[int, int, list[Evaluation]]:
    """Evaluate every chunk into ``target`` (None: stdout, or the rows of a table) and
    report bad tickets on stderr: how many tickets, how many bad, and the table's rows."""
    bad = 0
    count = 0
    rows: list[Evaluation] = []
    writer: Any = None
    stream: IO[str] = sys.stdout
    try:
        if kind == "arrow":
            from slarules.batch import stages_schema
            from slarules.batch._deps import require
            from slarules.batch._schema import STAGE_DICTIONARY_COLUMNS

            pq = require("pyarrow.parquet")
            dictionary = list(STAGE_DICTIONARY_COLUMNS)
            writer = pq.ParquetWriter(target, stages_schema(), use_dictionary=dictionary)
        elif target is not None:
            stream = open(target, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        parts = _chunks(policy, tickets, at, kind, workers, scheduler)
        if show_progress:
            parts = _counted(parts)
        with closing(parts):  # now, whatever stops the loop: that ends the workers
            for part in parts:
                count, bad = _write_part(part, count, bad, writer, stream, rows)
    finally:
        if writer is not None:
            writer.close()
        if stream is not sys.stdout:
            stream.close()
    return count, bad, rows


def _write_part(
    part: ChunkResult, count: int, bad: int, writer: Any, stream: IO[str], rows: list[Evaluation]
) -> tuple[int, int]:
    """One chunk's results written out, its bad tickets reported."""
    count += part.count
    for where, message in part.errors:
        bad += 1
        click.echo(f"{where}: error: {message}", err=True)
    if part.table is not None and writer is not None:
        writer.write_table(part.table)
    stream.writelines(line + "\n" for line in part.lines)
    rows.extend(part.evaluations)
    return count, bad


def _counted(
    parts: Generator[ChunkResult, None, None],
) -> Generator[ChunkResult, None, None]:
    """Pass chunk results through while stderr counts the tickets evaluated."""
    from rich.console import Console
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn("evaluating"), MofNCompleteColumn())
    with closing(parts), Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("evaluating", total=None)
        for part in parts:
            bar.advance(task, part.count)
            yield part


def _with_progress(path: str, smallest: int) -> Iterator[Record]:
    """The records of ``path`` while a progress bar on stderr follows the bytes read (for
    a file of more than ``smallest`` bytes)."""
    from rich.console import Console
    from rich.progress import Progress

    size = os.stat(path).st_size if path != "-" and os.path.isfile(path) else 0
    if size <= smallest:
        yield from read_tickets(path)
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("evaluating", total=size)
        yield from read_tickets(path, lambda n: bar.advance(task, n))


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
