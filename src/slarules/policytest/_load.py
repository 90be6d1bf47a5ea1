"""Read a ``*.test.yaml`` file into a ``TestFile``: its policy, its tickets and its cases.

Everything a test file gets wrong is found here, before anything runs, and reported as one
``PolicyError`` whose problems carry file, line and column: the shape (unknown keys with a
did-you-mean), stage and priority names the policy does not have, tickets that are not
valid snapshots, and a policy file that is missing or invalid.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slarules._errors import PolicyError, Problem
from slarules._policy import Policy, load_policy, read_source
from slarules._shape import validate_shape
from slarules._yaml import load_yaml
from slarules.engine import Ticket

from ._collect import Collector
from ._expect import Expectation, build_expectations
from ._hints import with_key_hints
from ._names import check_names
from ._spec import TestFileSpec
from ._tickets import DEFAULT_TICKET_ID, case_ticket, make_ticket

__all__ = ["DEFAULT_TICKET_ID", "Case", "TestFile", "load_test_file", "policy_path_for"]

TEST_SUFFIXES = (".test.yaml", ".test.yml")


@dataclass(frozen=True, slots=True)
class Case:
    """One example of a test file: a ticket, an instant, and the claims about the answer."""

    __test__ = False

    name: str
    line: int | None
    ticket: Ticket
    at: datetime
    expectations: tuple[Expectation, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class TestFile:
    """A loaded test file. ``policy`` is the compiled policy its cases are run against."""

    __test__ = False

    path: str
    policy: Policy
    cases: tuple[Case, ...]
    description: str | None = None


def policy_path_for(test_path: Path) -> Path:
    """The policy a test file tests by default: ``x.test.yaml`` tests ``x.yaml``."""
    name = test_path.name
    for suffix in TEST_SUFFIXES:
        if name.endswith(suffix):
            return test_path.with_name(name[: -len(suffix)] + suffix[len(".test") :])
    return test_path.with_name(name + ".yaml")


def _load_policy(
    given: object, path: Path, out: Collector, policy_problems: list[Problem]
) -> Policy | None:
    """The policy the test file tests, or ``None`` (a problem says why).

    A ``policy:`` that is not text is left to the shape check; an invalid policy's own
    problems (at the policy file's lines) go to ``policy_problems``.
    """
    if given is not None and not isinstance(given, str):
        return None
    policy_path = path.parent / given if given is not None else policy_path_for(path)
    if not policy_path.is_file():
        where: tuple[str | int, ...] = ("policy",) if given is not None else ()
        out.add(
            "policy-not-found",
            f"policy file {str(policy_path)!r} not found",
            where,
            "write `policy: FILE` relative to the test file"
            if given is None
            else "the path is relative to the test file",
        )
        return None
    try:
        return load_policy(policy_path)
    except PolicyError as exc:
        policy_problems.extend(exc.problems)
        return None


def _written_at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at ``path`` in the data as written, or ``None``."""
    value = data
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _with_policy_offset(problem: Problem, data: Any, zone: ZoneInfo) -> Problem:
    """An instant written without an offset, hinted with the policy's own offset for it."""
    value = _written_at(data, problem.path) if problem.code == "bad-value" else None
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return problem
    text = value.isoformat()
    offset = value.replace(tzinfo=zone).isoformat()[len(text) :]
    message = f"{text} has no UTC offset; write it with one, e.g. {text}{offset} ({zone.key})"
    return replace(problem, message=message, hint=None)


def _line_order(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def load_test_file(path: str | os.PathLike[str]) -> TestFile:
    """Load and check one test file and the policy it tests.

    Raises ``PolicyError`` (every problem, with file:line:col) when the test file is
    malformed or its policy is invalid, and ``UsageError`` when the file cannot be read.
    Every problem of the test file is reported at once, in line order: a shape problem
    (an unknown key, an instant without an offset) does not hide a misspelt stage name
    elsewhere. The policy's own problems, at its own lines, follow.
    """
    p = Path(path)
    file = str(path)
    data, source_map = load_yaml(read_source(p, folder_hint="not a test file"), file=file)
    out = Collector(file, source_map)
    if not isinstance(data, Mapping):
        out.add("not-a-test-file", "a test file is a mapping with `cases:`", ())
        raise PolicyError(out.problems, file=file)
    spec: TestFileSpec | None = None
    shape: list[Problem] = []
    try:
        spec = validate_shape(TestFileSpec, data)
    except PolicyError as exc:
        shape = with_key_hints(TestFileSpec, exc.problems)
    policy_problems: list[Problem] = []
    policy = _load_policy(data.get("policy"), p, out, policy_problems)
    if policy is not None:
        zone = ZoneInfo(policy.timezone)
        shape = [_with_policy_offset(pr, data, zone) for pr in shape]
    out.problems.extend(source_map.locate(pr) for pr in shape)

    # the checks below read the file as written, so that they run whatever its shape
    named = data.get("tickets")
    named = named if isinstance(named, Mapping) else {}
    shared: dict[str, Ticket] = {}
    for name, raw in named.items():
        if isinstance(raw, Mapping):
            ticket = make_ticket(raw, str(name), out, ("tickets", name))
            if ticket is not None:
                shared[str(name)] = ticket
    written = data.get("cases")
    tickets: dict[int, Ticket] = {}
    seen: set[str] = set()
    for i, case in enumerate(written if isinstance(written, list) else []):
        if not isinstance(case, Mapping):
            continue
        base: tuple[str | int, ...] = ("cases", i)
        name = case.get("name")
        if isinstance(name, str):
            if name in seen:
                out.add(
                    "duplicate-case",
                    f"case name {name!r} is used twice",
                    (*base, "name"),
                    "give each case its own name",
                )
            seen.add(name)
        ticket = case_ticket(case.get("ticket"), named, shared, p, out, base)
        if ticket is not None:
            tickets[i] = ticket
        expect = case.get("expect")
        if isinstance(expect, Mapping):
            if not expect:
                out.add(
                    "empty-expect",
                    "this case expects nothing, so it could never fail",
                    (*base, "expect"),
                    "add priority, stages, breaches, actions, no_actions or next_evaluation_at",
                )
            if policy is not None:
                check_names(expect, policy, out, (*base, "expect"))
    if out.problems or policy_problems or spec is None or policy is None:
        problems = sorted(out.problems, key=_line_order)
        raise PolicyError([*problems, *policy_problems], file=file)

    tz = ZoneInfo(policy.timezone)
    cases = tuple(
        Case(
            case.name,
            out.line(("cases", i)),
            tickets[i],
            case.at,
            build_expectations(case.expect, out.line, ("cases", i, "expect"), tz),
            case.description,
        )
        for i, case in enumerate(spec.cases)
    )
    return TestFile(file, policy, cases, spec.description)
