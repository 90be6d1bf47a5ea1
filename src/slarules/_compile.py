"""Compile a validated ``PolicySpec`` into a ``CompiledPolicy``, collecting every problem.

Each concept compiles its own part (calendars, fields and conditions, targets); this
module walks the policy, hands each part to its compiler, puts the part's key path in
front of any problem it reports, and raises one ``PolicyError`` with all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import MappingProxyType
from typing import Any, TypeVar

from ._check import BUILTIN_CALENDARS, check, too_many
from ._compiled import (
    ActionKind,
    CompiledPolicy,
    CompiledPriority,
    CompiledStage,
    CompiledStep,
    CompiledTarget,
    OnEvent,
    Trigger,
)
from ._durations import (
    AtBreach,
    AtPercent,
    Before,
    BusinessDays,
    CalendarDays,
    Duration,
    EveryEndOfDay,
    EveryInterval,
    parse_every,
    parse_target,
    parse_threshold,
)
from ._errors import Path, PolicyError, Problem
from ._model import PolicySpec, StageSpec, StepSpec, TargetSpec
from ._suggest import did_you_mean
from .calendar import Calendar, CalendarSpec, compile_calendar
from .conditions import TRUE, Condition, FieldSet, compile_condition, first_match

__all__ = ["compile_policy"]

T = TypeVar("T")
Locate = Callable[[Path], int | None]


class _Problems:
    """Collects problems while compiling; ``attempt`` runs one part and keeps going."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def attempt(self, prefix: Path, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except PolicyError as exc:
            self.items.extend(p.rebased(prefix) for p in exc.problems)
            return None


def _compile_calendars(
    spec: PolicySpec, problems: _Problems
) -> tuple[dict[str, Calendar], Calendar]:
    """The calendars that compile, and a stand-in (24x7) for checking what uses the others."""
    calendars: dict[str, Calendar] = {}
    always = problems.attempt(
        (),
        lambda: compile_calendar(
            CalendarSpec.model_validate({"hours": "24x7"}), timezone=spec.timezone
        ),
    )
    if always is None:
        # the policy's own time zone is wrong: report it against 'timezone'
        problems.items[-1:] = [
            Problem(p.code, p.message, p.hint, ("timezone",), severity=p.severity)
            for p in problems.items[-1:]
        ]
    else:
        for name in BUILTIN_CALENDARS:
            calendars[name] = always
    for name, cal_spec in spec.calendars.items():
        if always is None and cal_spec.timezone is None:
            continue  # it inherits the policy's time zone, already reported as wrong
        compiled = problems.attempt(
            ("calendars", name),
            lambda cal_spec=cal_spec: compile_calendar(cal_spec, timezone=spec.timezone),  # type: ignore[misc]
        )
        if compiled is not None:
            calendars[name] = compiled
    stand_in = always or compile_calendar(
        CalendarSpec.model_validate({"hours": "24x7"}), timezone="UTC"
    )
    return calendars, stand_in


def _step_id(trigger: Trigger) -> str:
    text = str(trigger).replace("%", "pct").replace(" + ", "-plus-")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return (
        text if isinstance(trigger, OnEvent) else text if text.startswith("every") else "at-" + text
    )


def _trigger(step: StepSpec) -> Trigger:
    if step.on is not None:
        return OnEvent(step.on)
    if step.every is not None:
        return parse_every(step.every)
    return parse_threshold(step.at)


class _StageCompiler:
    def __init__(
        self,
        spec: PolicySpec,
        calendars: dict[str, Calendar],
        fields: FieldSet,
        problems: _Problems,
        locate: Locate,
        stand_in: Calendar,
    ) -> None:
        self.spec = spec
        self.calendars = calendars
        self.stand_in = stand_in  # for a calendar that is broken or unknown (reported)
        self.fields = fields
        self.problems = problems
        self.locate = locate
        self.priority_ids = [p.id for p in spec.priorities]
        self.events = tuple(spec.events or ())

    def condition(self, raw: Any, path: Path) -> Condition | None:
        if raw is None:
            return None
        return self.problems.attempt(
            path,
            lambda: compile_condition(
                raw,
                self.fields,
                scope="stage",
                priorities=self.priority_ids,
                events=self.events,
                statuses=self.spec.statuses,
            ),
        )

    def calendar(
        self, name: str | None, default: tuple[str, Calendar] | None = None
    ) -> tuple[str, Calendar] | None:
        if name is None:
            if default is not None:
                return default
            name = "24x7"
        cal = self.calendars.get(name)
        return (name, cal) if cal is not None else None

    def target(
        self, stage: str, value: str | TargetSpec | None, cal: tuple[str, Calendar], path: Path
    ) -> CompiledTarget | str | None:
        """A compiled target, ``None`` for skip, or ``"error"``."""
        line = self.locate(path)
        if value is None:
            return CompiledTarget(None, cal[1], cal[0], "none", line)
        broken = False
        if isinstance(value, TargetSpec):
            found = self.calendar(value.calendar)
            broken = found is None  # reported; the expression is still checked
            cal, text = found or (value.calendar, self.stand_in), value.due
            path = (*path, "due")
        else:
            text = value
        norm = text.strip().lower()
        if norm in {"skip", "n/a", "-"}:
            return None
        if norm in {"none", "no target"}:
            return CompiledTarget(None, cal[1], cal[0], "none", line)
        parsed = self.problems.attempt(path, lambda: parse_target(text))
        if parsed is None:
            return "error"
        events = self.spec.events
        if isinstance(parsed, Before) and events is not None and parsed.event not in events:
            self.problems.items.append(
                Problem(
                    "unknown-event",
                    f"event {parsed.event!r} in {text!r} is not declared in 'events'",
                    did_you_mean(parsed.event, events) or "add it to the policy's 'events' list",
                    path,
                )
            )
            return "error"
        return "error" if broken else CompiledTarget(parsed, cal[1], cal[0], text, line)

    def steps(
        self, name: str, stage: StageSpec, cal: tuple[str, Calendar]
    ) -> tuple[CompiledStep, ...]:
        out: list[CompiledStep] = []
        used: set[str] = set()
        tried: dict[str, int] = {}
        for i, step in enumerate(stage.ladder):
            path: Path = ("stages", name, "ladder", i)
            given = [k for k in ("on", "every", "at") if getattr(step, k) is not None]
            if len(given) != 1:
                continue  # reported by the rule that checks steps
            trigger = self.problems.attempt((*path, given[0]), lambda step=step: _trigger(step))  # type: ignore[misc]
            step_cal = self.calendar(step.calendar, cal)
            when = self.condition(step.when, (*path, "when"))
            kinds = [k for k in ActionKind if getattr(step, k.value)]
            if trigger is None or step_cal is None or len(kinds) != 1:
                continue
            if step.when is not None and when is None:
                continue
            sid = step.id or _step_id(trigger)
            base, n = sid, tried.get(sid, 2)
            while sid in used:
                sid, n = f"{base}-{n}", n + 1
            tried[base] = n  # the next repeat of this id starts counting here, not at 2
            used.add(sid)
            kind = kinds[0]
            out.append(
                CompiledStep(
                    id=sid,
                    index=i,
                    trigger=trigger,
                    kind=kind,
                    to=tuple(getattr(step, kind.value)),
                    via=tuple(step.via),
                    reason=step.reason,
                    data=MappingProxyType(dict(step.data)),
                    calendar=step_cal[1],
                    when=when,
                    line=self.locate(path),
                    key_suffix=f"/{name}/{sid}",
                    repeats=isinstance(trigger, EveryInterval | EveryEndOfDay),
                    calendar_named=step.calendar is not None,
                )
            )
        return tuple(out)

    @staticmethod
    def _keep(
        targets: dict[str, CompiledTarget | None], prio: str, found: CompiledTarget | str | None
    ) -> bool:
        """Put ``found`` in ``targets`` unless it is ``"error"``; whether it was kept."""
        if isinstance(found, str):
            return False
        targets[prio] = found
        return True

    def stage(self, name: str, stage: StageSpec) -> CompiledStage | None:
        base: Path = ("stages", name)
        cal = self.calendar(stage.calendar)
        broken = cal is None  # reported; targets, steps and conditions are still checked
        if cal is None:
            cal = (stage.calendar or "24x7", self.stand_in)
        targets: dict[str, CompiledTarget | None] = {}
        if isinstance(stage.target, dict):
            by_priority = stage.target
            ok = all(prio in by_priority for prio in self.priority_ids)
            for prio in self.priority_ids:
                if prio in by_priority:
                    found = self.target(name, by_priority[prio], cal, (*base, "target", prio))
                    ok = self._keep(targets, prio, found) and ok
            known = set(self.priority_ids)
            for prio, value in by_priority.items():
                if prio not in known:  # an unknown priority (reported); its target is checked
                    self.target(name, value, cal, (*base, "target", prio))
                    ok = False
        else:  # one target for every priority: compiled once, the same object for each
            found = self.target(name, stage.target, cal, (*base, "target"))
            ok = all([self._keep(targets, prio, found) for prio in self.priority_ids] or [True])
        pause_when = self.condition(
            stage.pause.when if stage.pause else None, (*base, "pause", "when")
        )
        when = self.condition(stage.when, (*base, "when"))
        steps = self.steps(name, stage, cal)
        if not ok or broken:
            return None
        return CompiledStage(
            name=name,
            title=stage.title,
            start=stage.start,
            stop=stage.stop,
            calendar=cal[1],
            calendar_name=cal[0],
            pause_statuses=frozenset(stage.pause.status if stage.pause else ()),
            pause_when=pause_when,
            when=when,
            targets=MappingProxyType(targets),
            steps=steps,
            line=self.locate(base),
        )


def _comparable(target: CompiledTarget | None) -> float | None:
    """A target's length in days when it can be compared without a start instant."""
    if target is None or target.target is None:
        return None
    t = target.target
    if isinstance(t, Duration):
        return t.delta / timedelta(days=1)
    if isinstance(t, CalendarDays):
        return float(t.days)
    if isinstance(t, BusinessDays):
        return t.days * 1.4  # a business day spans ~1.4 calendar days
    return None


def _ordering_warnings(
    stages: tuple[CompiledStage, ...], priority_ids: list[str]
) -> Iterator[Problem]:
    for stage in stages:
        previous: tuple[str, float] | None = None
        for prio in priority_ids:
            length = _comparable(stage.targets.get(prio))
            if length is None:
                continue
            if previous is not None and length < previous[1]:
                yield Problem(
                    "inverted-targets",
                    f"stage {stage.name!r}: {prio!r} ({stage.targets[prio].source}) is due sooner "  # type: ignore[union-attr]
                    f"than the higher priority {previous[0]!r}",
                    "priorities are listed highest first; check the order or the targets",
                    ("stages", stage.name, "target", prio),
                    severity="warning",
                )
            previous = (prio, length)


def _threshold_warnings(stages: tuple[CompiledStage, ...]) -> Iterator[Problem]:
    for stage in stages:
        has_target = any(t is not None and t.target is not None for t in stage.targets.values())
        for step in stage.steps:
            needs_target = isinstance(step.trigger, AtPercent | AtBreach)
            if needs_target and not has_target:
                yield Problem(
                    "step-never-fires",
                    f"stage {stage.name!r} has no target, so '{step.trigger}' never fires",
                    "give the stage a target or use 'on:' or 'every:'",
                    ("stages", stage.name, "ladder", step.index),
                    severity="warning",
                )


def compile_policy(
    spec: PolicySpec, *, content_hash: str, file: str | None, locate: Locate
) -> CompiledPolicy:
    """Compile ``spec``; raise one ``PolicyError`` holding every error found."""
    limits = too_many(spec)
    if limits:  # every further check works per stage and priority
        raise PolicyError(limits, file=file)
    problems = _Problems()
    found = check(spec)
    problems.items.extend(p for p in found if p.severity == "error")
    warnings = [p for p in found if p.severity == "warning"]

    calendars, stand_in = _compile_calendars(spec, problems)
    fields, field_problems = FieldSet.compile_partial(spec.fields)
    problems.items.extend(p.rebased(("fields",)) for p in field_problems)
    priorities: list[CompiledPriority] = []
    for i, prio in enumerate(spec.priorities):
        path: Path = ("priorities", i, "when")
        cond = None
        if prio.when is not None:
            cond = problems.attempt(
                path,
                lambda prio=prio: compile_condition(prio.when, fields, scope="priority"),  # type: ignore[misc]
            )
        priorities.append(
            CompiledPriority(
                prio.id,
                prio.title,
                cond,
                prio.default,
                ("priorities", i),
                locate(("priorities", i)),
            )
        )
    compiler = _StageCompiler(spec, calendars, fields, problems, locate, stand_in)
    stages = []
    for name, stage_spec in spec.stages.items():
        compiled = compiler.stage(name, stage_spec)
        if compiled is not None:
            stages.append(compiled)
    if problems.items:
        raise PolicyError(problems.items, file=file)
    compiled_stages = tuple(stages)
    warnings.extend(_ordering_warnings(compiled_stages, compiler.priority_ids))
    warnings.extend(_threshold_warnings(compiled_stages))
    return CompiledPolicy(
        id=spec.id,
        version=spec.version,
        title=spec.title,
        timezone=spec.timezone,
        content_hash=content_hash,
        file=file,
        calendars=MappingProxyType(calendars),
        fields=fields,
        priorities=tuple(priorities),
        stages=compiled_stages,
        events=frozenset(spec.events) if spec.events is not None else None,
        restart_on_priority_change=spec.priority_change.mode == "restart",
        priority_change_event=spec.priority_change.event,
        locate=locate,
        first_priority=first_match([p.condition or TRUE for p in priorities]),
        warnings=tuple(warnings),
    )
