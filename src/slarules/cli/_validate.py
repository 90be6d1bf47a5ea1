"""``slarules validate PATH...``: check policy files and report every problem."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from slarules._errors import PolicyError, Problem, UsageError
from slarules._policy import Policy, duplicate_id, load_policy

from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    InputError,
    ci_format_option,
    expand_paths,
    format_problem,
    problem_dict,
)


@click.command("validate")
@click.argument("paths", nargs=-1, required=True)
@ci_format_option
@click.option("--strict", is_flag=True, help="Treat warnings as failures.")
def validate(paths: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check policy files (or every policy under folders) and report every problem.

    Exit status: 0 all valid, 1 problems found, 2 usage error or unreadable path.
    """
    # a folder is checked as load_policies() loads it: one id per policy in it
    groups = [(Path(raw).is_dir(), expand_paths([raw])) for raw in paths]
    if not any(files for _, files in groups):
        raise InputError(f"no policy files (*.yaml) found in {', '.join(paths)}")
    today = datetime.now(UTC)  # the edge may read the clock: for holiday-coverage warnings
    results: list[tuple[str, list[Problem]]] = []
    for is_folder, files in groups:
        ids: dict[str, Policy] = {}
        for path in files:
            try:
                policy = load_policy(path)
            except UsageError as exc:
                raise InputError(str(exc)) from None
            except PolicyError as exc:
                results.append((str(path), list(exc.problems)))
                continue
            twin = duplicate_id(policy, ids) if is_folder else None
            problems = [twin] if twin is not None else []
            problems.extend(policy.warnings)
            problems.extend(
                Problem("holidays-not-covered", w, None, file=str(path), severity="warning")
                for w in policy.coverage_warnings(today)
            )
            results.append((str(path), problems))
    errors = sum(1 for _, ps in results for p in ps if p.severity == "error")
    warnings_n = sum(1 for _, ps in results for p in ps if p.severity == "warning")
    failed = errors > 0 or (strict and warnings_n > 0)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": not failed,
                    "files": [
                        {"file": f, "problems": [problem_dict(p) for p in ps]} for f, ps in results
                    ],
                    "errors": errors,
                    "warnings": warnings_n,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for _, problems in results:
            for problem in problems:
                click.echo(format_problem(problem, fmt))
        if fmt == "text":
            bad = sum(1 for _, ps in results if any(p.severity == "error" for p in ps))
            click.echo(
                f"{len(results)} polic{'y' if len(results) == 1 else 'ies'} checked: "
                f"{len(results) - bad} valid, {bad} invalid "
                f"({errors} error{'s' if errors != 1 else ''}, "
                f"{warnings_n} warning{'s' if warnings_n != 1 else ''})"
            )
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)
