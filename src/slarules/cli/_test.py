"""``slarules test PATH...``: run policy test files (``*.test.yaml``) and report."""

from __future__ import annotations

from pathlib import Path

import click

from slarules._errors import UsageError
from slarules.policytest import find_test_files, run_files
from slarules.policytest._report import FORMATS, render, render_junit

from ._common import EXIT_FAILED, EXIT_OK, InputError


@click.command("test")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations.",
)
@click.option(
    "--junit-xml",
    "junit_xml",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write a JUnit XML report to this file.",
)
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too (text format).")
def test(paths: tuple[str, ...], fmt: str, junit_xml: str | None, verbose: bool) -> None:
    """Run the test files named, and every *.test.yaml under folders named.

    Each case evaluates a ticket at an instant and checks the priority, stages, actions
    and next evaluation it expects. The last line reads "N tests, N passed, N failed"
    (on stderr with --format json, so stdout stays JSON).

    Exit status: 0 all tests passed, 1 a test failed or a test file or policy is invalid,
    2 usage error, unreadable path, or no test files found.
    """
    try:
        found = find_test_files(paths)
        if not found:
            raise InputError(f"no test files (*.test.yaml) found in {', '.join(paths)}")
        result = run_files(found)
    except UsageError as exc:
        raise InputError(str(exc)) from None
    click.echo(render(result, fmt, verbose=verbose))
    if fmt == "json":
        click.echo(result.summary(), err=True)
    if junit_xml is not None:
        try:
            Path(junit_xml).write_text(render_junit(result), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{junit_xml}: cannot be written ({exc.strerror})") from None
    raise SystemExit(EXIT_OK if result.ok else EXIT_FAILED)
