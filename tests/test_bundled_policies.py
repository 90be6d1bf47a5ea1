"""The bundled policies are valid, their tests pass, and no cell of their tables is untested.

The mutation test changes one thing at a time in a bundled policy (each stage's target for
each priority, each ladder step's trigger, roles, condition and the step itself, each pause
status, each alternative of a priority's criteria), compiles the mutant in-process and runs
the policy's own test file against it: at least one case must fail. A mutant that survives
names a cell or a step the test file does not pin down.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from slarules import Policy, load_policies
from slarules._durations import format_duration, parse_duration
from slarules._yaml import load_yaml
from slarules.policytest import TestFile, load_test_file, run_file, run_paths

POLICIES = Path(__file__).resolve().parent.parent / "policies"
BUNDLED = {
    "after-sales-response": "after-sales-response.yaml",
    "issue-notification": "issue-notification.yaml",
    "service-response": "service-response.yaml",
    "enterprise-support-review": "enterprise-support-review.yaml",
}

Mutate = Callable[[dict[str, Any]], None]


@cache
def _source(name: str) -> dict[str, Any]:
    data, _ = load_yaml((POLICIES / BUNDLED[name]).read_bytes(), file=BUNDLED[name])
    assert isinstance(data, dict)
    return data


@cache
def _tests(name: str) -> TestFile:
    return load_test_file(POLICIES / BUNDLED[name].replace(".yaml", ".test.yaml"))


# --------------------------------------------------------------------------- the mutations

_DAYS = re.compile(r"^(\d+) (business days?|days?)(.*)$")


def changed_target(expr: str) -> str:
    """A different target of the same family: one more minute, day, hour, or a new anchor."""
    if expr in ("skip", "none"):
        return "1h"
    if expr == "end of business day":
        return "1 business day"
    if expr.startswith("next "):
        head, _, clock = expr.rpartition(" ")
        hour, minute = clock.split(":")
        return f"{head} {int(hour) + 1:02d}:{minute}"
    m = _DAYS.match(expr)
    if m:
        n = int(m.group(1))
        if m.group(3):  # "3 business days before EVENT": one day fewer
            return f"{n - 1} {m.group(2)}{m.group(3)}"
        return f"{n + 1} {m.group(2)}"
    return format_duration(parse_duration(expr) + parse_duration("1m"))


def _priorities(data: dict[str, Any]) -> list[str]:
    return [p["id"] for p in data["priorities"]]


def _target_mutants(data: dict[str, Any]) -> Iterator[tuple[str, Mutate]]:
    for stage, spec in data["stages"].items():
        for prio in _priorities(data):
            target = spec.get("target", "none")
            cell = (
                target.get(prio, "none")
                if isinstance(target, dict) and "due" not in target
                else target
            )

            def mutate(d: dict[str, Any], stage: str = stage, prio: str = prio) -> None:
                s = d["stages"][stage]
                whole = s.get("target", "none")
                if not isinstance(whole, dict) or "due" in whole:  # one target for all
                    whole = {p: copy.deepcopy(whole) for p in _priorities(d)}
                one = whole[prio]
                if isinstance(one, dict):
                    one["due"] = changed_target(one["due"])
                else:
                    whole[prio] = changed_target(one)
                s["target"] = whole

            shown = cell["due"] if isinstance(cell, dict) else cell
            yield f"stages.{stage}.target.{prio} ({shown})", mutate


def _step_mutants(data: dict[str, Any]) -> Iterator[tuple[str, Mutate]]:
    for stage, spec in data["stages"].items():
        for i, step in enumerate(spec.get("ladder", [])):
            where = f"stages.{stage}.ladder[{i}] ({step.get('id', i)})"

            def remove(d: dict[str, Any], stage: str = stage, i: int = i) -> None:
                del d["stages"][stage]["ladder"][i]

            yield f"{where} removed", remove
            kind = next(k for k in ("notify", "escalate", "assign") if k in step)

            def other_role(
                d: dict[str, Any], stage: str = stage, i: int = i, k: str = kind
            ) -> None:
                d["stages"][stage]["ladder"][i][k] = ["somebody_else"]

            yield f"{where} {kind} somebody else", other_role
            if "when" in step:

                def always(d: dict[str, Any], stage: str = stage, i: int = i) -> None:
                    del d["stages"][stage]["ladder"][i]["when"]

                yield f"{where} without its condition", always
            if "at" in step:

                def later(d: dict[str, Any], stage: str = stage, i: int = i) -> None:
                    s = d["stages"][stage]["ladder"][i]
                    at = str(s["at"])
                    if at.endswith("%"):
                        s["at"] = f"{int(at[:-1]) + 5}%"
                    elif at == "breach":
                        s["at"] = "breach + 1m"
                    else:
                        base, _, offset = at.partition(" + ")
                        longer = parse_duration(offset) + parse_duration("1h")
                        s["at"] = f"{base} + {format_duration(longer)}"

                yield f"{where} at a later point", later
            if "every" in step and step["every"] != "end of business day":

                def slower(d: dict[str, Any], stage: str = stage, i: int = i) -> None:
                    s = d["stages"][stage]["ladder"][i]
                    s["every"] = format_duration(parse_duration(s["every"]) + parse_duration("1h"))

                yield f"{where} less often", slower


def _pause_mutants(data: dict[str, Any]) -> Iterator[tuple[str, Mutate]]:
    for stage, spec in data["stages"].items():
        for status in spec.get("pause", {}).get("status", []):

            def unpause(d: dict[str, Any], stage: str = stage, status: str = status) -> None:
                d["stages"][stage]["pause"]["status"].remove(status)

            yield f"stages.{stage}.pause without {status}", unpause


def _other_calendar(data: dict[str, Any], name: str | None) -> str:
    """The first calendar of the policy that is not ``name`` (a stage's default is 24x7)."""
    current = name or "24x7"
    names: list[str] = [*data.get("calendars", {}), "24x7"]
    return next(n for n in names if n != current)


def _calendar_mutants(data: dict[str, Any]) -> Iterator[tuple[str, Mutate]]:
    for stage, spec in data["stages"].items():

        def stage_calendar(d: dict[str, Any], stage: str = stage) -> None:
            s = d["stages"][stage]
            s["calendar"] = _other_calendar(d, s.get("calendar"))

        yield f"stages.{stage} on another calendar", stage_calendar
        target = spec.get("target")
        if isinstance(target, dict):
            for prio, cell in target.items():
                if isinstance(cell, dict):

                    def cell_calendar(
                        d: dict[str, Any], stage: str = stage, prio: str = prio
                    ) -> None:
                        c = d["stages"][stage]["target"][prio]
                        c["calendar"] = _other_calendar(d, c["calendar"])

                    yield f"stages.{stage}.target.{prio} on another calendar", cell_calendar
        for i, step in enumerate(spec.get("ladder", [])):
            if "calendar" in step:

                def step_calendar(d: dict[str, Any], stage: str = stage, i: int = i) -> None:
                    st = d["stages"][stage]["ladder"][i]
                    st["calendar"] = _other_calendar(d, st["calendar"])

                yield f"stages.{stage}.ladder[{i}] on another calendar", step_calendar


def _event_mutants(data: dict[str, Any]) -> Iterator[tuple[str, Mutate]]:
    for stage, spec in data["stages"].items():
        for end in ("start", "stop"):
            other = next(e for e in data["events"] if e not in (spec["start"], spec["stop"]))

            def swap(d: dict[str, Any], stage: str = stage, end: str = end, e: str = other) -> None:
                d["stages"][stage][end] = e

            yield f"stages.{stage}.{end} at {other}", swap


def _priority_mutants(data: dict[str, Any]) -> Iterator[tuple[str, Mutate]]:
    for i, prio in enumerate(data["priorities"]):
        alternatives = prio.get("when", {}).get("any", [])
        for j in range(len(alternatives)):

            def drop(d: dict[str, Any], i: int = i, j: int = j) -> None:
                del d["priorities"][i]["when"]["any"][j]

            yield f"priorities.{prio['id']} without criterion {j + 1}", drop


def mutants(name: str) -> list[tuple[str, Mutate]]:
    data = _source(name)
    return [
        *_target_mutants(data),
        *_step_mutants(data),
        *_pause_mutants(data),
        *_calendar_mutants(data),
        *_event_mutants(data),
        *_priority_mutants(data),
    ]


MUTANTS = [(name, label, mutate) for name in BUNDLED for label, mutate in mutants(name)]


# ------------------------------------------------------------------------------ the tests


def test_every_bundled_policy_is_valid_without_warnings() -> None:
    policies = load_policies(POLICIES)
    assert sorted(policies) == sorted(BUNDLED)
    for policy in policies.values():
        assert policy.warnings == ()


def test_every_bundled_policy_test_passes() -> None:
    result = run_paths([POLICIES])
    failures = [(r.name, [str(f) for f in r.failures]) for r in result.results if not r.passed]
    assert failures == []
    assert {Path(f.path).name for f in result.files} == {
        n.replace(".yaml", ".test.yaml") for n in BUNDLED.values()
    }


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_every_table_cell_gets_a_mutant(name: str) -> None:
    data = _source(name)
    cells = [label for label, _ in _target_mutants(data)]
    assert len(cells) == len(data["stages"]) * len(data["priorities"])


@pytest.mark.parametrize(
    ("name", "label", "mutate"),
    MUTANTS,
    ids=[f"{name}: {label}" for name, label, _ in MUTANTS],
)
def test_a_mutated_policy_fails_its_tests(name: str, label: str, mutate: Mutate) -> None:
    data = copy.deepcopy(_source(name))
    mutate(data)
    mutant = Policy.from_dict(data, file=f"{BUNDLED[name]} ({label})")
    assert mutant.content_hash != Policy.from_dict(_source(name)).content_hash
    results = run_file(_tests(name), policy=mutant)
    assert any(not r.passed for r in results), f"no test of {name} notices: {label}"
