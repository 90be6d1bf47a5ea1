"""Read a ``*.test.yaml`` file into a ``TestFile``: its policy, its tickets and its cases.

Everything a test file gets wrong is found here, before anything runs, and reported as one
``PolicyError`` whose problems carry file, line and column: the shape (unknown keys with a
did-you-mean), stage and priority names the policy does not have, tickets that are not
valid snapshots, and a policy file that is missing or invalid.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from slarules._errors import PolicyError
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


def _load_policy(spec: TestFileSpec, path: Path, out: Collector) -> Policy | None:
    given = spec.policy
    policy_path = path.parent / given if given is not None else policy_path_for(path)
    if not policy_path.is_file():
        where: tuple[str | int, ...] = ("policy",) if spec.policy is not None else ()
        out.add(
            "policy-not-found",
            f"policy file {str(policy_path)!r} not found",
            where,
            "write `policy: FILE` relative to the test file"
            if spec.policy is None
            else "the path is relative to the test file",
        )
        return None
    return load_policy(policy_path)  # its PolicyError names the policy file's own lines


def load_test_file(path: str | os.PathLike[str]) -> TestFile:
    """Load and check one test file and the policy it tests.

    Raises ``PolicyError`` (every problem, with file:line:col) when the test file is
    malformed or its policy is invalid, and ``UsageError`` when the file cannot be read.
    """
    p = Path(path)
    file = str(path)
    data, source_map = load_yaml(read_source(p, folder_hint="not a test file"), file=file)
    out = Collector(file, source_map)
    if not isinstance(data, Mapping):
        out.add("not-a-test-file", "a test file is a mapping with `cases:`", ())
        raise PolicyError(out.problems, file=file)
    try:
        spec = validate_shape(TestFileSpec, data)
    except PolicyError as exc:
        problems = with_key_hints(TestFileSpec, exc.problems)
        raise PolicyError([source_map.locate(pr) for pr in problems], file=file) from None
    policy = _load_policy(spec, p, out)
    if policy is None:
        raise PolicyError(out.problems, file=file)
    tz = ZoneInfo(policy.timezone)
    shared: dict[str, Ticket] = {}
    for name, raw in spec.tickets.items():
        ticket = make_ticket(raw, name, out, ("tickets", name))
        if ticket is not None:
            shared[name] = ticket
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for i, case in enumerate(spec.cases):
        base: tuple[str | int, ...] = ("cases", i)
        if case.name in seen:
            out.add(
                "duplicate-case",
                f"case name {case.name!r} is used twice",
                (*base, "name"),
                "give each case its own name",
            )
        seen[case.name] = i
        ticket = case_ticket(case, spec, shared, p, out, base)
        if not case.expect.model_fields_set:
            out.add(
                "empty-expect",
                "this case expects nothing, so it could never fail",
                (*base, "expect"),
                "add priority, stages, breaches, actions, no_actions or next_evaluation_at",
            )
        check_names(case.expect, policy, out, (*base, "expect"))
        expectations = build_expectations(case.expect, out.line, (*base, "expect"), tz)
        if ticket is not None:
            cases.append(
                Case(case.name, out.line(base), ticket, case.at, expectations, case.description)
            )
    if out.problems:
        raise PolicyError(
            sorted(out.problems, key=lambda pr: (pr.line or 0, pr.column or 0)), file=file
        )
    return TestFile(file, policy, tuple(cases), spec.description)
