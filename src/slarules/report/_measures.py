"""The policy's ``report:`` section, checked against its fields and compiled for reporting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slarules._compiled import CompiledStage
from slarules._errors import PolicyError, Problem, UsageError
from slarules._policy import Policy
from slarules._report_spec import ReportSpec, SatisfactionSpec
from slarules._suggest import did_you_mean
from slarules._yaml import SourceMap
from slarules.conditions import Condition, compile_condition

__all__ = ["Measures", "field_value", "measures_for", "report_spec"]


def _source_map(policy: Policy) -> SourceMap | None:
    return policy._source_map  # the loader's marks, to place problems at file:line:col


def report_spec(policy: Policy) -> ReportSpec | None:
    """The policy's ``report:`` section (already shape-checked when the policy loaded)."""
    return policy.spec.report


def field_value(fields: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted field path, or ``None``."""
    value: Any = fields
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


@dataclass(frozen=True, slots=True)
class Measures:
    """What a report measures beyond the stages, resolved against one policy."""

    spec: ReportSpec | None
    satisfaction: SatisfactionSpec | None
    complaint: Condition | None
    complaint_reason: str | None
    overdue_reason: str | None
    first_contact: str | None
    created_event: str
    closed_event: str
    by: tuple[str, ...]
    headline: tuple[str, ...] = ()  # the stages with median and p90 cards, in order

    @property
    def needs_fields(self) -> bool:
        return bool(
            self.satisfaction
            or self.complaint
            or self.overdue_reason
            or self.first_contact
            or self.by
        )

    def class_label(self, name: str) -> str:
        if self.satisfaction is None:
            return name
        spec = self.satisfaction.classes.get(name)
        return spec.label if spec is not None and spec.label else name


_KINDS = {
    "score": ({"integer", "number"}, "an integer or number field"),
    "reason": ({"string", "enum"}, "a string or enum field"),
    "flag": ({"boolean"}, "a boolean field"),
}


def measures_for(policy: Policy, by: tuple[str, ...] | None = None) -> Measures:
    """Check the ``report:`` section against the policy's fields and compile its condition.

    Raises ``PolicyError`` (file:line) for a section that names unknown or mistyped fields,
    and ``UsageError`` for an unknown ``by`` field.
    """
    compiled = policy.compiled
    fields = compiled.fields
    source_map = _source_map(policy)
    spec = report_spec(policy)
    problems: list[Problem] = []

    def check(path: tuple[str | int, ...], name: str | None, kind: str) -> str | None:
        if name is None:
            return None
        allowed, what = _KINDS[kind]
        ftype = fields.type_of(name)
        if ftype is None:
            hint = did_you_mean(name, list(fields.paths)) or (
                f"declare it under fields:, e.g. {name}: {{type: string}}"
            )
            problems.append(Problem("unknown-field", f"field {name!r} is not declared", hint, path))
            return None
        kind_name = ftype.kind if ftype.kind != "enum" else "enum"
        if (
            ftype.kind == "enum"
            and kind == "score"
            and all(isinstance(v, int) for v in ftype.enum or ())
        ):
            kind_name = "integer"
        if kind_name not in allowed:
            problems.append(
                Problem(
                    "wrong-field-type",
                    f"field {name!r} is {ftype.describe()}, not {what}",
                    None,
                    path,
                )
            )
            return None
        return name

    first, last = compiled.stages[0], compiled.stages[-1]
    headline = tuple(stage.name for stage in compiled.stages if _has_deadline(stage))
    created_event, closed_event = first.start, last.stop
    satisfaction = complaint = None
    complaint_reason = overdue_reason = first_contact = None
    default_by: tuple[str, ...] = ()
    if spec is not None:
        root: tuple[str | int, ...] = ("report",)
        if spec.satisfaction is not None and check(
            (*root, "satisfaction", "field"), spec.satisfaction.field, "score"
        ):
            satisfaction = spec.satisfaction
        if spec.complaints is not None:
            try:
                complaint = compile_condition(
                    spec.complaints.when,
                    fields,
                    scope="stage",
                    priorities=[p.id for p in compiled.priorities],
                    events=sorted(compiled.events or ()),
                )
            except PolicyError as exc:
                problems.extend(p.rebased((*root, "complaints", "when")) for p in exc.problems)
            complaint_reason = check(
                (*root, "complaints", "reason"), spec.complaints.reason, "reason"
            )
        overdue_reason = check((*root, "overdue_reason"), spec.overdue_reason, "reason")
        first_contact = check(
            (*root, "first_contact_resolution"), spec.first_contact_resolution, "flag"
        )
        if spec.closed_event is not None:
            if compiled.events is not None and spec.closed_event not in compiled.events:
                problems.append(
                    Problem(
                        "unknown-event",
                        f"event {spec.closed_event!r} is not declared",
                        did_you_mean(spec.closed_event, sorted(compiled.events)),
                        (*root, "closed_event"),
                    )
                )
            closed_event = spec.closed_event
        for i, name in enumerate(spec.by):
            if fields.type_of(name) is None:
                problems.append(
                    Problem(
                        "unknown-field",
                        f"field {name!r} is not declared",
                        did_you_mean(name, list(fields.paths)),
                        (*root, "by", i),
                    )
                )
        default_by = tuple(spec.by)
        if spec.headline is not None:
            headline = tuple(spec.headline)
            problems += _headline_problems(spec.headline, [s.name for s in compiled.stages])
    if problems:
        if source_map is not None:
            problems = [source_map.locate(p) for p in problems]
        raise PolicyError(problems, file=policy.file)
    if by is not None:
        for name in by:
            if fields.type_of(name) is None:
                hint = did_you_mean(name, list(fields.paths))
                known = ", ".join(fields.paths)
                raise UsageError(
                    f"--by {name!r} is not a declared field"
                    + (f"; {hint}" if hint else f"; the fields are {known}")
                )
    return Measures(
        spec=spec,
        satisfaction=satisfaction,
        complaint=complaint,
        complaint_reason=complaint_reason,
        overdue_reason=overdue_reason,
        first_contact=first_contact,
        created_event=created_event,
        closed_event=closed_event,
        by=tuple(by) if by is not None else default_by,
        headline=headline,
    )


def _has_deadline(stage: CompiledStage) -> bool:
    """Whether some priority's target gives the stage a deadline (not only tracked)."""
    return any(t is not None and t.target is not None for t in stage.targets.values())


def _headline_problems(names: list[str], stages: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        path: tuple[str | int, ...] = ("report", "headline", i)
        if name not in stages:
            hint = did_you_mean(name, stages) or f"the stages are {', '.join(stages)}"
            problems.append(
                Problem("unknown-stage", f"{name!r} is not a stage of this policy", hint, path)
            )
        elif name in seen:
            problems.append(
                Problem(
                    "duplicate-id", f"stage {name!r} is listed twice", "list each stage once", path
                )
            )
        seen.add(name)
    return problems
