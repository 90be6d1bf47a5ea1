"""The ``slarules`` command line. Each verb lives in its own module and only formats."""

from __future__ import annotations

import signal
from contextlib import suppress
from typing import Any

import click

from slarules import __version__
from slarules._errors import SlaRulesError, UsageError

from ._common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_TERMINATED, InputError
from ._diff import diff
from ._evaluate import evaluate
from ._explain import explain
from ._report import report
from ._schema import schema
from ._test import test
from ._timeline import timeline
from ._validate import validate

__all__ = ["cli", "main"]


class Interrupted(InputError):
    """Ctrl-C (SIGINT): one line on stderr, exit status 130, as shells report a SIGINT."""

    exit_code = EXIT_INTERRUPTED


class Terminated(BaseException):
    """SIGTERM, raised in the main thread by the console script's handler: a
    ``BaseException`` like ``KeyboardInterrupt``, so that no ``except Exception`` collects it
    as one ticket's error."""


class _TerminatedExit(InputError):
    exit_code = EXIT_TERMINATED


class _Failed(InputError):
    """A library error that is not a usage error: ``error: ...``, exit status 1."""

    exit_code = EXIT_FAILED


class _Verbs(click.Group):
    """The verbs, with what none of them catches turned into an exit status and one line:
    a library error a user caused (``error: ...``, 2 for a usage error, else 1) and Ctrl-C
    (130). The files a verb writes are removed before this runs (``_common.atomic_output``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None
        except Terminated:
            raise _TerminatedExit("terminated") from None
        except UsageError as exc:
            raise InputError(str(exc)) from None
        except SlaRulesError as exc:
            raise _Failed(str(exc)) from None


@click.group(cls=_Verbs, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="slarules")
def cli() -> None:
    """slarules: service-level agreements as executable, testable policies.

    Exit status: 0 ok, 1 policy, ticket or test failures, 2 usage error or unreadable input,
    130 interrupted (Ctrl-C), 143 terminated (SIGTERM); an interrupted run leaves no
    output file half-written and no worker process running.
    """


for _command in (validate, test, diff, schema, evaluate, explain, timeline, report):
    cli.add_command(_command)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    """The console script. SIGTERM ends a verb as Ctrl-C does (exit 143, no output file
    left behind, no worker left running); helper processes are stopped before it exits."""
    from slarules.batch._pool import stop_helpers

    with suppress(ValueError, OSError):  # not in the main thread: keep the default
        signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(prog_name="slarules", standalone_mode=True)
    except KeyboardInterrupt:  # between the verb and the exit
        click.echo("error: interrupted", err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Terminated:
        click.echo("error: terminated", err=True)
        raise SystemExit(EXIT_TERMINATED) from None
    finally:
        stop_helpers()
