"""Read a ``*.test.yaml`` file into a ``TestFile``: its policy, its tickets and its cases.

Everything a test file gets wrong is found here, before anything runs, and reported as one
``PolicyError`` whose problems carry file, line and column: the shape (unknown keys with a
did-you-mean), stage and priority names the policy does not have, tickets that are not
valid snapshots, and a policy file that is missing or invalid.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slarules._errors import PolicyError, Problem, TicketError, UsageError
from slarules._policy import Policy, load_policy
from slarules._shape import validate_shape
from slarules._suggest import did_you_mean
from slarules._yaml import SourceMap, load_yaml
from slarules.engine import Ticket, as_ticket

from ._expect import Expectation, _parse_signed, build_expectations
from ._hints import with_key_hints
from ._spec import CaseSpec, ExpectSpec, TestFileSpec

__all__ = ["DEFAULT_TICKET_ID", "Case", "TestFile", "load_test_file", "policy_path_for"]

DEFAULT_TICKET_ID = "T-1"
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


class _Collector:
    def __init__(self, file: str, source_map: SourceMap) -> None:
        self.file = file
        self.source_map = source_map
        self.problems: list[Problem] = []

    def add(
        self,
        code: str,
        message: str,
        path: tuple[str | int, ...],
        hint: str | None = None,
        *,
        at_key: bool = False,
    ) -> None:
        problem = Problem(code, message, hint, path, file=self.file)
        mark = self.source_map.key(path) if at_key else None
        if mark is not None:
            problem = replace(problem, line=mark.line, column=mark.column)
        self.problems.append(self.source_map.locate(problem))

    def line(self, path: tuple[str | int, ...]) -> int | None:
        mark = self.source_map.value(path)
        return mark.line if mark is not None else None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a test file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None


def _ticket_from_file(path: Path, out: _Collector, at: tuple[str | int, ...]) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.add("ticket-file", f"ticket file {str(path)!r} cannot be read ({exc.strerror})", at)
        return None
    if path.suffix in (".yaml", ".yml"):
        try:
            data, _ = load_yaml(raw, file=str(path))
        except PolicyError as exc:
            out.problems.extend(exc.problems)
            return None
        return data
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        out.add("ticket-file", f"ticket file {str(path)!r} is not valid JSON ({exc})", at)
        return None


def _ticket(
    data: Any, default_id: str, out: _Collector, at: tuple[str | int, ...]
) -> Ticket | None:
    if isinstance(data, Mapping) and "id" not in data:
        data = {"id": default_id, **data}
    try:
        return as_ticket(data)
    except TicketError as exc:
        out.add("bad-ticket", str(exc), at, "a ticket has id, fields, events, statuses and done")
        return None


def _check_names(
    spec: ExpectSpec, policy: Policy, out: _Collector, base: tuple[str | int, ...]
) -> None:
    stages = policy.stages
    if spec.priority is not None and spec.priority not in policy.priorities:
        out.add(
            "unknown-priority",
            f"the policy has no priority {spec.priority!r}",
            (*base, "priority"),
            did_you_mean(spec.priority, policy.priorities)
            or f"its priorities are {', '.join(policy.priorities)}",
        )
    for name, stage in (spec.stages or {}).items():
        if name not in stages:
            out.add(
                "unknown-stage",
                f"the policy has no stage {name!r}",
                (*base, "stages", name),
                did_you_mean(name, stages) or f"its stages are {', '.join(stages)}",
                at_key=True,
            )
        for key in ("elapsed", "remaining"):
            value = getattr(stage, key)
            if value is not None:
                try:
                    _parse_signed(value)
                except PolicyError as exc:
                    problem = exc.problems[0]
                    out.add(
                        problem.code, problem.message, (*base, "stages", name, key), problem.hint
                    )
    for name in spec.breaches or ():
        if name not in stages:
            out.add(
                "unknown-stage",
                f"the policy has no stage {name!r}",
                (*base, "breaches"),
                did_you_mean(name, stages),
            )
    steps = {s.name: {step.id for step in s.steps} for s in policy.compiled.stages}
    lists = [("actions", spec.actions or [])]
    lists.append(("no_actions", spec.no_actions or []))
    for key, matchers in lists:
        for i, matcher in enumerate(matchers):
            where = (*base, key, i)
            if matcher.stage is not None and matcher.stage not in stages:
                out.add(
                    "unknown-stage",
                    f"the policy has no stage {matcher.stage!r}",
                    (*where, "stage"),
                    did_you_mean(matcher.stage, stages),
                )
            if matcher.step is not None:
                known = (
                    steps.get(matcher.stage, set())
                    if matcher.stage is not None
                    else set().union(*steps.values())
                )
                if matcher.step not in known:
                    out.add(
                        "unknown-step",
                        f"no ladder step {matcher.step!r}"
                        + (f" in stage {matcher.stage!r}" if matcher.stage else ""),
                        (*where, "step"),
                        did_you_mean(matcher.step, sorted(known)),
                    )


def _load_policy(spec: TestFileSpec, path: Path, out: _Collector) -> Policy | None:
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
    data, source_map = load_yaml(_read(p), file=file)
    out = _Collector(file, source_map)
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
        ticket = _ticket(raw, name, out, ("tickets", name))
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
        ticket = _case_ticket(case, spec, shared, p, out, base)
        if not case.expect.model_fields_set:
            out.add(
                "empty-expect",
                "this case expects nothing, so it could never fail",
                (*base, "expect"),
                "add priority, stages, breaches, actions, no_actions or next_evaluation_at",
            )
        _check_names(case.expect, policy, out, (*base, "expect"))
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


def _case_ticket(
    case: CaseSpec,
    spec: TestFileSpec,
    shared: Mapping[str, Ticket],
    path: Path,
    out: _Collector,
    base: tuple[str | int, ...],
) -> Ticket | None:
    where = (*base, "ticket")
    if isinstance(case.ticket, str):
        if case.ticket in shared:
            return shared[case.ticket]
        if case.ticket not in spec.tickets:  # a known name with a bad ticket is reported once
            out.add(
                "unknown-ticket",
                f"no ticket named {case.ticket!r} under `tickets:`",
                where,
                did_you_mean(case.ticket, spec.tickets)
                or "write the ticket inline, or {file: PATH}",
            )
        return None
    if set(case.ticket) == {"file"}:
        if not isinstance(case.ticket["file"], str):
            out.add("wrong-type", "`file:` takes a path", (*where, "file"))
            return None
        data = _ticket_from_file(path.parent / case.ticket["file"], out, where)
        return None if data is None else _ticket(data, DEFAULT_TICKET_ID, out, where)
    return _ticket(case.ticket, DEFAULT_TICKET_ID, out, where)
