"""What every verb shares: exit codes, reading inputs, printing problems."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import click

from slarules._errors import PolicyError, Problem, SlaRulesError, TicketError, UsageError
from slarules._github import problem_annotation
from slarules._policy import Policy, is_policy_file, load_policy
from slarules.batch._records import Record

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "InputError",
    "atomic_output",
    "check_parallel",
    "check_showable",
    "ci_format_option",
    "exit_with_problems",
    "expand_paths",
    "format_problem",
    "load_policy_or_exit",
    "parallel_options",
    "parse_instant",
    "read_tickets",
]

EXIT_OK = 0
EXIT_FAILED = 1  # the policy, a ticket or a test failed
EXIT_USAGE = 2  # bad arguments or unreadable input
EXIT_INTERRUPTED = 130  # SIGINT (Ctrl-C), as a shell reports a process it ended: 128 + 2
EXIT_TERMINATED = 143  # SIGTERM: 128 + 15


class InputError(click.ClickException):
    """Unreadable input: printed as ``error: ...`` and exits with 2."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def parse_instant(
    value: str | None, option: str = "--at", *, zones: Iterable[str] = ()
) -> datetime | None:
    """An ISO 8601 instant with a UTC offset, for ``--at`` style options, that UTC and each
    of ``zones`` (the policies' time zones) can show (``check_showable``)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{option} {value!r} is not an ISO 8601 instant; write e.g. 2025-10-09T14:30:00+08:00"
        ) from None
    if parsed.tzinfo is None:
        raise InputError(
            f"{option} {value!r} has no UTC offset; add the one it is meant in, "
            f"{value}+HH:MM, or {value}Z for UTC"
        )
    return check_showable(parsed, value, option, zones)


def check_showable(at: datetime, value: str, option: str, zones: Iterable[str]) -> datetime:
    """``at``, unless UTC or one of ``zones`` cannot show it (a datetime holds the years 1
    to 9999 only): then one ``InputError`` naming the option, before any ticket is read,
    instead of an error for every ticket and a traceback when the answer is printed."""
    from zoneinfo import ZoneInfo

    from slarules.calendar._localtime import showable, to_us

    us = to_us(at)
    for zone in ("UTC", *zones):
        first, last = showable(ZoneInfo(zone))
        if not first <= us <= last:
            where = "UTC" if zone == "UTC" else f"the policy's time zone {zone}"
            raise InputError(
                f"{option} {value!r} falls outside the years 1 to 9999 in {where}, beyond "
                "what a datetime can hold; give an instant between those years"
            )
    return at


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[str]:
    """Write the file ``path`` whole or not at all.

    The block writes to the temporary file whose name it is given, beside ``path`` (named
    ``.NAME.PID-XXXXXX.part``, so that nothing takes it for the output); when the block
    ends it is renamed to ``path``, replacing any file there in one step. When the block
    raises (an unreadable input, a usage error, Ctrl-C), the temporary file is removed and
    ``path`` is left as it was. An ``OSError`` is an ``InputError`` naming ``path``.
    """
    target = os.fspath(path)
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}-{secrets.token_hex(3)}.part")
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise InputError(f"{target}: cannot be written ({exc.strerror})") from None
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise InputError(f"{target}: cannot be written ({exc.strerror})") from None
        raise


def format_problem(problem: Problem, fmt: str) -> str:
    """One problem as text (``file:line:col: error[code]: ...``) or a GitHub annotation."""
    return problem_annotation(problem) if fmt == "github" else str(problem)


def problem_dict(problem: Problem) -> dict[str, Any]:
    return problem.to_dict()


def expand_paths(paths: Iterable[str], *, want: str = "policy") -> list[Path]:
    """Files named, and the matching files under folders named, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                if (want == "policy" and is_policy_file(child)) or (
                    want == "test" and child.name.endswith((".test.yaml", ".test.yml"))
                ):
                    found.append(child)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise InputError(f"{raw}: is not a regular file (a FIFO, device or socket)")
        else:
            raise InputError(f"{raw}: no such file or folder")
    return found


def load_policy_or_exit(path: str) -> Policy:
    """Load a policy for a verb that needs one; print its problems and exit 1 if invalid."""
    try:
        return load_policy(path)
    except UsageError as exc:
        raise InputError(str(exc)) from None
    except PolicyError as exc:
        exit_with_problems(exc)


def exit_with_problems(exc: PolicyError) -> NoReturn:
    """Print a policy's problems on stderr, one per line, and exit with status 1."""
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    raise SystemExit(EXIT_FAILED) from None


ci_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations.",
)
"""``--format text|json|github``, the same for every verb CI runs."""


def read_tickets(path: str, on_read: Callable[[int], None] | None = None) -> Iterator[Record]:
    """Every ticket of ``path`` (``-``: stdin) as records that say where each came from:
    JSON Lines, a JSON array or object, YAML or Parquet, read by the one reader every verb
    and ``--workers`` share (``slarules.batch._input``). An input that cannot be read at
    all is an ``InputError``; a bad line is a record with its ``problem``.

    JSON Lines are read one line at a time, so memory stays bounded on any input size.
    """
    from slarules.batch._input import read_records

    try:
        yield from read_records(path, on_read)
    except UsageError as exc:
        raise InputError(str(exc)) from None


def check_record(record: Record) -> None:
    """Raise ``TicketError`` for a record that could not be read as a ticket."""
    if record.problem is not None:
        raise TicketError(record.problem)


def handle_library_error(exc: SlaRulesError) -> None:
    """Print a library error a user caused and exit with the right code."""
    click.echo(f"error: {exc}", err=True)
    raise SystemExit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED)


F = TypeVar("F", bound=Callable[..., Any])


def parallel_options(what: str) -> Callable[[F], F]:
    """``--workers N`` and ``--scheduler ADDRESS``, worded the same for every verb."""

    def decorate(command: F) -> F:
        command = click.option(
            "--scheduler",
            metavar="ADDRESS",
            help=f"{what} on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (needs "
            "slarules[dask]; its workers must be able to read TICKETS).",
        )(command)
        return click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help=f"{what} on N local processes (JSON Lines or Parquet input).",
        )(command)

    return decorate


def check_parallel(tickets: str, workers: int, scheduler: str | None) -> bool:
    """Whether the run is split over processes; refuse combinations that cannot be."""
    if workers == 1 and scheduler is None:
        return False
    if workers > 1 and scheduler is not None:
        raise InputError("use --workers or --scheduler, not both")
    if tickets == "-":
        raise InputError("--workers and --scheduler need a file, not - (stdin)")
    return True
