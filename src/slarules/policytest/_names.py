"""Names a test file uses that its policy must have: priorities, stages, ladder steps.

The check reads the ``expect:`` mapping as written, not its validated form, so that a
misspelt name is reported in the same run as a shape problem elsewhere in the case (an
unknown key, an instant without an offset): every problem of a test file at once.
Values of the wrong shape are left to the shape check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slarules._errors import PolicyError
from slarules._policy import Policy
from slarules._suggest import did_you_mean

from ._collect import Collector
from ._expect import parse_signed

__all__ = ["check_names"]


def _names(value: Any) -> list[Any]:
    """A name or a list of names, as the ``Names`` fields accept them."""
    return [value] if isinstance(value, str) else value if isinstance(value, list) else []


def check_names(
    expect: Mapping[Any, Any], policy: Policy, out: Collector, base: tuple[str | int, ...]
) -> None:
    stages = policy.stages
    priority = expect.get("priority")
    if isinstance(priority, str) and priority not in policy.priorities:
        out.add(
            "unknown-priority",
            f"the policy has no priority {priority!r}",
            (*base, "priority"),
            did_you_mean(priority, policy.priorities)
            or f"its priorities are {', '.join(policy.priorities)}",
        )
    written = expect.get("stages")
    for name, stage in (written if isinstance(written, Mapping) else {}).items():
        if not isinstance(name, str):
            continue
        if name not in stages:
            out.add(
                "unknown-stage",
                f"the policy has no stage {name!r}",
                (*base, "stages", name),
                did_you_mean(name, stages) or f"its stages are {', '.join(stages)}",
                at_key=True,
            )
        for key in ("elapsed", "remaining"):
            value = stage.get(key) if isinstance(stage, Mapping) else None
            if isinstance(value, str):
                try:
                    parse_signed(value)
                except PolicyError as exc:
                    problem = exc.problems[0]
                    out.add(
                        problem.code, problem.message, (*base, "stages", name, key), problem.hint
                    )
    for name in _names(expect.get("breaches")):
        if isinstance(name, str) and name not in stages:
            out.add(
                "unknown-stage",
                f"the policy has no stage {name!r}",
                (*base, "breaches"),
                did_you_mean(name, stages),
            )
    steps = {s.name: {step.id for step in s.steps} for s in policy.compiled.stages}
    for key in ("actions", "no_actions"):
        matchers = expect.get(key)
        for i, matcher in enumerate(matchers if isinstance(matchers, list) else []):
            if not isinstance(matcher, Mapping):
                continue
            where = (*base, key, i)
            stage_name = matcher.get("stage")
            stage_name = stage_name if isinstance(stage_name, str) else None
            if stage_name is not None and stage_name not in stages:
                out.add(
                    "unknown-stage",
                    f"the policy has no stage {stage_name!r}",
                    (*where, "stage"),
                    did_you_mean(stage_name, stages),
                )
            step = matcher.get("step")
            if isinstance(step, str):
                known = (
                    steps.get(stage_name, set())
                    if stage_name is not None
                    else set().union(*steps.values())
                )
                if step not in known:
                    out.add(
                        "unknown-step",
                        f"no ladder step {step!r}"
                        + (f" in stage {stage_name!r}" if stage_name else ""),
                        (*where, "step"),
                        did_you_mean(step, sorted(known)),
                    )
