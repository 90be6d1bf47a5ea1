"""What every verb shares: exit codes, reading inputs, printing problems."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import click

from slarules._errors import PolicyError, Problem, SlaRulesError, TicketError, UsageError
from slarules._github import problem_annotation
from slarules._policy import Policy, is_policy_file, load_policy
from slarules._yaml import load_yaml

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "InputError",
    "TicketRecord",
    "check_parallel",
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


class InputError(click.ClickException):
    """Unreadable input: printed as ``error: ...`` and exits with 2."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def parse_instant(value: str | None, option: str = "--at") -> datetime | None:
    """An ISO 8601 instant with a UTC offset, for ``--at`` style options."""
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
    return parsed


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


@dataclass(frozen=True, slots=True)
class TicketRecord:
    """One ticket read from an input, with where it came from."""

    source: str
    line: int
    data: Any
    size: int = 0  # bytes of input it came from, for progress bars

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


def _open(path: str) -> IO[str]:
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def read_tickets(path: str) -> Iterator[TicketRecord]:
    """Stream tickets from JSON Lines, a JSON array or object, or YAML (``-``: stdin).

    JSON Lines are read one line at a time, so memory stays bounded on any input size.
    """
    name = "<stdin>" if path == "-" else path
    if path.endswith((".yaml", ".yml")):
        try:
            text = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
        try:
            data, _ = load_yaml(text, file=name)
        except PolicyError as exc:
            raise InputError(str(exc.problems[0])) from None
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            yield TicketRecord(name, i + 1, item)
        return
    stream = _open(path)
    try:
        first = stream.readline()
        while first and not first.strip():
            first = stream.readline()
        if first.lstrip().startswith("[") or (
            first.strip().startswith("{") and not _whole_json_line(first)
        ):
            whole = first + stream.read()
            try:
                data = json.loads(whole)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"
                ) from None
            items = data if isinstance(data, list) else [data]
            for i, item in enumerate(items):
                yield TicketRecord(name, i + 1, item)
            return
        lineno = 0
        line = first
        while line:
            lineno += 1
            if line.strip():
                size = len(line.encode("utf-8"))
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield TicketRecord(name, lineno, _BadJson(exc.msg), size)
                else:
                    yield TicketRecord(name, lineno, item, size)
            line = stream.readline()
    finally:
        if stream is not sys.stdin:
            stream.close()


@dataclass(frozen=True, slots=True)
class _BadJson:
    message: str


def _whole_json_line(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def check_record(record: TicketRecord) -> None:
    """Raise ``TicketError`` for a line that was not valid JSON."""
    if isinstance(record.data, _BadJson):
        raise TicketError(f"not valid JSON ({record.data.message})")


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
