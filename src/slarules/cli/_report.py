"""``slarules report POLICY TICKETS --as-of INSTANT``: the SLA review in four formats."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from slarules._errors import PolicyError, TicketError, UsageError
from slarules._policy import Policy
from slarules.batch._chunks import PARQUET_SUFFIXES
from slarules.engine import as_ticket
from slarules.report import FORMATS, ReportAccumulator, ReportOptions, render

if TYPE_CHECKING:
    from slarules.batch import Record
    from slarules.batch._typed import Item
    from slarules.engine import Evaluation
    from slarules.engine._ticket import TicketLike

from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    InputError,
    atomic_output,
    check_parallel,
    check_record,
    check_showable,
    exit_with_problems,
    load_policy_or_exit,
    parallel_options,
    read_tickets,
)

__all__ = ["report"]

_SUFFIX = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".csv": "csv"}


def _as_of(text: str, zone: str) -> datetime:
    """An ISO instant with an offset, or a date (its midnight in the policy's zone)."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(), ZoneInfo(zone))
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--as-of {text!r} is not an ISO 8601 instant; write e.g. 2025-11-01T00:00:00+08:00 "
            "or a date such as 2025-11-01 (midnight in the policy's time zone)"
        ) from None
    if parsed.tzinfo is None:
        raise InputError(f"--as-of {text!r} has no UTC offset; add one, e.g. +08:00 or Z")
    return check_showable(parsed, text, "--as-of", [zone])


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date; write e.g. 2025-10-01") from None


@contextmanager
def _open_out(path: Path) -> Iterator[IO[str]]:
    """A text file to write ``path`` through, whole or not at all (``atomic_output``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror})") from None
    with atomic_output(path) as temporary:
        try:
            with open(temporary, "w", encoding="utf-8", newline="") as stream:
                yield stream
        except OSError as exc:
            raise InputError(f"{path}: cannot be written ({exc.strerror})") from None


def _csv_paths(output: str) -> tuple[Path, Path]:
    out = Path(output)
    if out.suffix.lower() == ".csv":
        return out, out.with_name(out.stem + "-stages.csv")
    return out / "summary.csv", out / "stages.csv"


@click.command("report")
@click.argument("policy_path", metavar="POLICY")
@click.argument("tickets", metavar="TICKETS")
@click.option(
    "--as-of",
    "as_of_text",
    required=True,
    help="The instant every ticket is evaluated at (ISO 8601 with offset, or a date).",
)
@click.option("--from", "from_text", metavar="DATE", help="First day of the range (inclusive).")
@click.option("--to", "to_text", metavar="DATE", help="Last day of the range (inclusive).")
@click.option(
    "--period",
    type=click.Choice(["month", "week", "day"]),
    default="month",
    show_default=True,
    help="The period of trends and of the default range.",
)
@click.option(
    "--period-by",
    type=click.Choice(["decided", "created"]),
    default="decided",
    show_default=True,
    help="Count a stage in the period it was decided or created.",
)
@click.option(
    "--by",
    "by_text",
    metavar="FIELD,...",
    help="Break down by these fields (default: the policy's report.by).",
)
@click.option(
    "--risk",
    type=float,
    default=0.75,
    show_default=True,
    help="Open stages past this share of their limit are at risk.",
)
@click.option(
    "--closed-only", is_flag=True, help="Leave out stages still open past their deadline."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: from the -o suffix, else md).",
)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Write here (csv: a folder, or FILE.csv plus FILE-stages.csv).",
)
@click.option(
    "--charts/--no-charts",
    default=None,
    help="HTML charts (default: when vl-convert-python is installed).",
)
@parallel_options("Build the report")
def report(
    policy_path: str,
    tickets: str,
    as_of_text: str,
    from_text: str | None,
    to_text: str | None,
    period: Any,
    period_by: Any,
    by_text: str | None,
    risk: float,
    closed_only: bool,
    fmt: str | None,
    output: str | None,
    charts: bool | None,
    workers: int,
    scheduler: str | None,
) -> None:
    """The SLA review of TICKETS (JSON Lines, JSON, YAML, Parquet; - for stdin) under POLICY.

    Every ticket is evaluated at --as-of, so the same inputs always give the same report.
    Exit status: 0 report written, 1 invalid policy or some tickets could not be
    evaluated (each is reported on stderr; the report leaves them out), 2 usage error or
    unreadable input.
    """
    if fmt is None:
        fmt = _SUFFIX.get(Path(output).suffix.lower(), "md") if output else "md"
    parallel = check_parallel(tickets, workers, scheduler)
    if parallel:
        if not tickets.endswith((".jsonl", ".parquet")):
            raise InputError(
                f"--workers and --scheduler split a .jsonl or .parquet file; {tickets!r} is not one"
            )
        if fmt == "csv" and output:
            raise InputError(
                "the per-stage CSV is written by one process; drop --workers/--scheduler "
                "or use --format json|md|html"
            )
    policy = load_policy_or_exit(policy_path)
    by = tuple(b.strip() for b in by_text.split(",") if b.strip()) if by_text else None
    with ExitStack() as files:  # every file is written whole or not at all
        try:
            options = ReportOptions(
                as_of=_as_of(as_of_text, policy.timezone),
                start=_date(from_text, "--from"),
                end=_date(to_text, "--to"),
                period=period,
                period_by=period_by,
                by=by,
                risk=risk,
                closed_only=closed_only,
            )
            acc = ReportAccumulator(policy, options)
            sink = None
            if fmt == "csv" and output:
                from slarules.report._render_csv import StageRowWriter

                summary_path, stages_path = _csv_paths(output)
                sink = StageRowWriter(files.enter_context(_open_out(stages_path)), acc.measures.by)
                acc.stage_rows = sink
        except UsageError as exc:
            raise InputError(str(exc)) from None
        except PolicyError as exc:
            exit_with_problems(exc)
        try:
            _read(acc, policy, tickets, options, parallel, workers, scheduler)
            text = render(acc.finish(), fmt, charts=charts)
        except UsageError as exc:
            raise InputError(str(exc)) from None
        if fmt == "csv" and output:
            files.enter_context(_open_out(summary_path)).write(text)
            done = f"wrote {summary_path} and {stages_path} ({sink.rows if sink else 0} stage rows)"
        elif output:
            files.enter_context(_open_out(Path(output))).write(text)
            done = f"wrote {output}"
        else:
            sys.stdout.write(text)
            done = ""
    if done:
        click.echo(done, err=True)
    if acc.tickets_rejected:
        n = acc.tickets_rejected
        click.echo(f"{n} ticket{'s' if n != 1 else ''} could not be evaluated", err=True)
    raise SystemExit(EXIT_FAILED if acc.tickets_rejected else EXIT_OK)


def _read(
    acc: ReportAccumulator,
    policy: Policy,
    tickets: str,
    options: ReportOptions,
    parallel: bool,
    workers: int,
    scheduler: str | None,
) -> None:
    """Every ticket of ``tickets`` evaluated into ``acc``; bad ones are reported on stderr."""
    if parallel:
        from slarules.batch import map_chunks

        part = functools.partial(_accumulate, options=options)
        pieces = map_chunks(policy, tickets, part, workers=workers, scheduler=scheduler)
        with closing(pieces):  # now, whatever stops the loop: that ends the workers
            for piece in pieces:
                acc.merge(piece)
        for line in acc.rejected:
            click.echo(f"{line.replace(': ', ': error: ', 1)}", err=True)
    elif tickets.endswith(PARQUET_SUFFIXES):  # typed columns go straight to the engine
        from slarules.batch import chunks_of, read_chunk

        for chunk in chunks_of(tickets):
            _fill(acc, read_chunk(chunk), echo=_echo_error)
    else:
        for record in read_tickets(tickets):
            try:
                check_record(record)
                acc.add_ticket(as_ticket(record.data))
            except TicketError as exc:
                _echo_error(record.where, str(exc))
                acc.reject(record.where, str(exc))


def _echo_error(where: str, message: str) -> None:
    click.echo(f"{where}: error: {message}", err=True)


def _accumulate(policy: Policy, records: Iterable[Record], *, options: ReportOptions) -> Any:
    """The report's partial aggregate of one chunk (runs in a worker process)."""
    acc = ReportAccumulator(policy, options)
    _fill(acc, records)
    return acc


def _fill(
    acc: ReportAccumulator,
    records: Iterable[Record],
    echo: Callable[[str, str], None] | None = None,
) -> None:
    """Evaluate ``records`` at the report's instant into ``acc``; typed Parquet columns go
    straight into the engine's ticket form, as ``slarules evaluate`` reads them. ``echo``
    is told of each bad ticket as it is met."""
    from slarules.batch._records import evaluate_items
    from slarules.batch._typed import map_slices
    from slarules.engine import evaluate

    policy = acc.policy
    compiled, at = policy.compiled, acc.options.as_of

    def answer(ticket: TicketLike) -> tuple[TicketLike, Evaluation]:
        return ticket, evaluate(compiled, ticket, at)

    def fill(items: list[Item], label: str, first: int) -> None:
        pairs, bad = evaluate_items(
            policy, items, answer, errors="collect", label=label, first_row=first
        )
        for ticket, ev in pairs:
            acc.add(ev, ticket)
        for _, _, where, message in bad:
            if echo is not None:
                echo(where, message)
            acc.reject(where, message)

    for _ in map_slices(records, fill):
        pass
