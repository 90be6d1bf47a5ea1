"""The ``slarules`` command line. Each verb lives in its own module and only formats."""

from __future__ import annotations

import click

from slarules import __version__
from slarules._errors import SlaRulesError, UsageError

from ._common import EXIT_FAILED, EXIT_USAGE
from ._diff import diff
from ._evaluate import evaluate
from ._explain import explain
from ._report import report
from ._schema import schema
from ._test import test
from ._timeline import timeline
from ._validate import validate

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="slarules")
def cli() -> None:
    """slarules: service-level agreements as executable, testable policies.

    Exit status: 0 ok, 1 policy, ticket or test failures, 2 usage error or unreadable input.
    """


for _command in (validate, test, diff, schema, evaluate, explain, timeline, report):
    cli.add_command(_command)


def main() -> None:
    """The console script."""
    try:
        cli.main(prog_name="slarules", standalone_mode=True)
    except SlaRulesError as exc:  # a user mistake the verb did not format itself
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED) from None
