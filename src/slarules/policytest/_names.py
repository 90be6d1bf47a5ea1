"""Names a test file uses that its policy must have: priorities, stages, ladder steps."""

from __future__ import annotations

from slarules._errors import PolicyError
from slarules._policy import Policy
from slarules._suggest import did_you_mean

from ._collect import Collector
from ._expect import parse_signed
from ._spec import ExpectSpec

__all__ = ["check_names"]


def check_names(
    spec: ExpectSpec, policy: Policy, out: Collector, base: tuple[str | int, ...]
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
                    parse_signed(value)
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
