"""Semantic checks over a policy's shape: a list of named rules, each yielding problems.

Rules here need only the ``PolicySpec``; what needs compiling (calendars, conditions,
targets) is checked by the compilers of those concepts and collected in ``_compile``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

from ._durations import AtBreach, Duration, format_duration, parse_target, parse_threshold
from ._errors import PolicyError, Problem
from ._model import PolicySpec, StepSpec, TargetSpec
from ._suggest import did_you_mean, listing, suggest
from .calendar._hours import format_minutes, parse_interval

__all__ = ["MAX_PRIORITIES", "MAX_STAGES", "RULES", "check", "too_many"]

Rule = Callable[[PolicySpec], Iterator[Problem]]

BUILTIN_CALENDARS = ("24x7",)

MAX_PRIORITIES = 100
"""The most priorities a policy may list (a 10 x 10 urgency-impact matrix)."""
MAX_STAGES = 1_000
"""The most stages a policy may have. Each stage compiles a target per priority, so the two
limits together bound that work (and the compiled policy) to 100,000 targets."""

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_NAME_HINT = "use letters, digits, '_', '-' and '.', starting with a letter"


def _unique_priority_ids(spec: PolicySpec) -> Iterator[Problem]:
    seen: Counter[str] = Counter()
    for i, prio in enumerate(spec.priorities):
        seen[prio.id] += 1
        if seen[prio.id] == 2:
            yield Problem(
                "duplicate-id",
                f"priority {prio.id!r} is defined twice",
                "give each priority its own id",
                ("priorities", i, "id"),
            )


def _one_default_last(spec: PolicySpec) -> Iterator[Problem]:
    defaults = [i for i, p in enumerate(spec.priorities) if p.default]
    if not spec.priorities:
        yield Problem("no-priorities", "the policy has no priorities", None, ("priorities",))
        return
    if not defaults:
        yield Problem(
            "no-default-priority",
            "no priority is the default",
            "add 'default: true' to the last priority, the one tickets get when nothing else "
            "matches",
            ("priorities",),
        )
        return
    for extra in defaults[1:]:
        yield Problem(
            "several-default-priorities",
            f"priority {spec.priorities[extra].id!r} is a second default",
            f"only one priority may be the default; {spec.priorities[defaults[0]].id!r} already is",
            ("priorities", extra, "default"),
        )
    first = defaults[0]
    # with several defaults, which to keep is the author's call: say only that
    single = len(defaults) == 1
    if single and first != len(spec.priorities) - 1:
        after = spec.priorities[first + 1].id
        yield Problem(
            "default-not-last",
            f"priority {after!r} comes after the default and can never be chosen",
            "move the default priority to the end of the list",
            ("priorities", first + 1),
        )
    default = spec.priorities[first]
    if single and default.when is not None:
        yield Problem(
            "default-with-condition",
            f"the default priority {default.id!r} also has a condition",
            "remove 'when' from the default: it applies whenever nothing else matches",
            ("priorities", first, "when"),
        )
    for i, prio in enumerate(spec.priorities):
        if not prio.default and prio.when is None:
            yield Problem(
                "missing-condition",
                f"priority {prio.id!r} has no condition",
                "add 'when:' with the criteria for this level, or make it the default",
                ("priorities", i),
            )


def _events_declared(spec: PolicySpec) -> Iterator[Problem]:
    if spec.events is None:
        return
    known = set(spec.events)
    for name, stage in spec.stages.items():
        for key in ("start", "stop"):
            event = getattr(stage, key)
            if event not in known:
                yield Problem(
                    "unknown-event",
                    f"event {event!r} is not declared in 'events'",
                    did_you_mean(event, known) or "add it to the policy's 'events' list",
                    ("stages", name, key),
                )
    for name, count in Counter(spec.events).items():
        if count > 1:
            yield Problem(
                "duplicate-id",
                f"event {name!r} is listed twice",
                "list each event once",
                ("events",),
            )


def _stage_start_differs_from_stop(spec: PolicySpec) -> Iterator[Problem]:
    for name, stage in spec.stages.items():
        if stage.start == stage.stop:
            yield Problem(
                "stage-stops-at-start",
                f"stage {name!r} starts and stops at the same event {stage.start!r}",
                "a stage measures the time between two different events",
                ("stages", name, "stop"),
            )


def _calendars_resolve(spec: PolicySpec) -> Iterator[Problem]:
    names = set(spec.calendars) | set(BUILTIN_CALENDARS)
    defined = listing(sorted(names))

    def bad(calendar: str | None) -> bool:
        return calendar is not None and calendar not in names

    def problem(calendar: str, path: tuple[str | int, ...]) -> Problem:
        return Problem(
            "unknown-calendar",
            f"calendar {calendar!r} is not defined",
            did_you_mean(calendar, names) or f"define it under 'calendars' (defined: {defined})",
            path,
        )

    for name, stage in spec.stages.items():
        if bad(stage.calendar):
            yield problem(stage.calendar or "", ("stages", name, "calendar"))
        targets = stage.target if isinstance(stage.target, dict) else {None: stage.target}
        for prio, value in targets.items():
            cal = getattr(value, "calendar", None)
            if isinstance(cal, str) and bad(cal):
                where = ("stages", name, "target") + ((prio,) if prio else ()) + ("calendar",)
                yield problem(cal, where)
        for i, step in enumerate(stage.ladder):
            if bad(step.calendar):
                yield problem(step.calendar or "", ("stages", name, "ladder", i, "calendar"))


def _reachable_priorities(spec: PolicySpec) -> list[str]:
    """Priority ids up to the default: those after it can never be chosen."""
    ids: list[str] = []
    for prio in spec.priorities:
        ids.append(prio.id)
        if prio.default:
            break
    return list(dict.fromkeys(ids))


def _targets_cover_priorities(spec: PolicySpec) -> Iterator[Problem]:
    ids = dict.fromkeys(p.id for p in spec.priorities)
    named = listing(ids)
    reachable = _reachable_priorities(spec)
    for name, stage in spec.stages.items():
        if not isinstance(stage.target, dict):
            continue
        meant: set[str] = set()
        free: list[str] | None = None  # the priorities this mapping gives no target
        for prio in stage.target:
            if prio not in ids:
                if free is None:
                    free = [p for p in ids if p not in stage.target]
                close = suggest(prio, free)
                if close is not None:
                    meant.add(close)
                yield Problem(
                    "unknown-priority",
                    f"{prio!r} is not a priority of this policy",
                    (f"did you mean {close!r}?" if close else None) or f"priorities are: {named}",
                    ("stages", name, "target", prio),
                )
        missing = [p for p in reachable if p not in stage.target and p not in meant]
        if missing:
            yield Problem(
                "missing-target",
                f"stage {name!r} has no target for {', '.join(map(repr, missing))}",
                "give every priority a target, 'none' to track without a deadline, "
                "or 'skip' when the stage does not apply to it",
                ("stages", name, "target"),
            )


def _pause_statuses_declared(spec: PolicySpec) -> Iterator[Problem]:
    if spec.statuses is None:
        return
    known = set(spec.statuses)
    for name, stage in spec.stages.items():
        if stage.pause is None:
            continue
        for i, status in enumerate(stage.pause.status):
            if status not in known:
                yield Problem(
                    "unknown-status",
                    f"status {status!r} is not declared in 'statuses'",
                    did_you_mean(status, known) or "add it to the policy's 'statuses' list",
                    ("stages", name, "pause", "status", i),
                )


def _one_trigger_one_action(spec: PolicySpec) -> Iterator[Problem]:
    for name, stage in spec.stages.items():
        for i, step in enumerate(stage.ladder):
            path = ("stages", name, "ladder", i)
            triggers = [k for k in ("at", "on", "every") if getattr(step, k) is not None]
            if len(triggers) != 1:
                yield Problem(
                    "bad-step",
                    "a ladder step needs exactly one of 'at', 'on' or 'every'"
                    + (f" (it has {', '.join(triggers)})" if triggers else ""),
                    "write e.g. 'at: 80%', 'on: start' or 'every: 2h'",
                    path,
                )
            kinds = [k for k in ("notify", "escalate", "assign") if getattr(step, k) is not None]
            if len(kinds) != 1:
                yield Problem(
                    "bad-step",
                    "a ladder step needs exactly one of 'notify', 'escalate' or 'assign'"
                    + (f" (it has {', '.join(kinds)})" if kinds else ""),
                    "split it into one step per action",
                    path,
                )
            elif not getattr(step, kinds[0]):
                yield Problem(
                    "bad-step",
                    f"'{kinds[0]}' names nobody",
                    "list at least one role, e.g. [supervisor]",
                    (*path, kinds[0]),
                )


def _unique_step_ids(spec: PolicySpec) -> Iterator[Problem]:
    for name, stage in spec.stages.items():
        seen: dict[str, int] = {}
        for i, step in enumerate(stage.ladder):
            if step.id is None:
                continue
            if step.id in seen:
                yield Problem(
                    "duplicate-id",
                    f"step id {step.id!r} is used twice in stage {name!r}",
                    "step ids make action keys; give each step its own",
                    ("stages", name, "ladder", i, "id"),
                )
            seen[step.id] = i


def _names_fit_action_keys(spec: PolicySpec) -> Iterator[Problem]:
    """Stage names and step ids make action keys (``ticket/stage/step``): no '/' or spaces."""
    for name, stage in spec.stages.items():
        if not _NAME.match(name):
            yield Problem(
                "bad-name",
                f"{name!r} is not a valid stage name",
                f"stage names are used in action keys; {_NAME_HINT}",
                ("stages", name),
            )
        for i, step in enumerate(stage.ladder):
            if step.id is not None and not _NAME.match(step.id):
                yield Problem(
                    "bad-name",
                    f"{step.id!r} is not a valid step id",
                    f"step ids are used in action keys; {_NAME_HINT}",
                    ("stages", name, "ladder", i, "id"),
                )


def _statuses_unique(spec: PolicySpec) -> Iterator[Problem]:
    for status, count in Counter(spec.statuses or ()).items():
        if count > 1:
            yield Problem(
                "duplicate-id",
                f"status {status!r} is listed twice",
                "list each status once",
                ("statuses",),
            )


def _priority_change_event_declared(spec: PolicySpec) -> Iterator[Problem]:
    change = spec.priority_change
    if spec.events is None or change.mode != "restart" or change.event in spec.events:
        return
    yield Problem(
        "unknown-event",
        f"event {change.event!r} is not declared in 'events'",
        did_you_mean(change.event, spec.events)
        or "add it to the policy's 'events' list: restarting clocks needs it",
        ("priority_change", "event"),
    )


def _pause_pauses_something(spec: PolicySpec) -> Iterator[Problem]:
    for name, stage in spec.stages.items():
        if stage.pause is not None and not stage.pause.status and stage.pause.when is None:
            yield Problem(
                "empty-pause",
                f"stage {name!r} has a 'pause' that never pauses the clock",
                "list statuses under 'status', add a 'when' condition, or remove 'pause'",
                ("stages", name, "pause"),
                severity="warning",
            )


def _stage_applies_to_someone(spec: PolicySpec) -> Iterator[Problem]:
    skip = {"skip", "n/a", "-"}
    for name, stage in spec.stages.items():
        target = stage.target
        values = list(target.values()) if isinstance(target, dict) else [target]
        texts = [v.strip().lower() for v in values if isinstance(v, str)]
        if values and len(texts) == len(values) and all(t in skip for t in texts):
            yield Problem(
                "stage-never-applies",
                f"stage {name!r} is skipped for every priority",
                "give at least one priority a target, or remove the stage",
                ("stages", name, "target"),
                severity="warning",
            )


def _calendars_used(spec: PolicySpec) -> Iterator[Problem]:
    """A calendar nothing uses, while a stage runs on the default ``24x7`` because it names
    no calendar, usually means that stage forgot its ``calendar:``."""
    defaulted = [name for name, stage in spec.stages.items() if stage.calendar is None]
    if not defaulted:
        return  # every stage chose its calendar: an unused one is deliberate
    used: set[str] = set()
    for stage in spec.stages.values():
        targets = stage.target.values() if isinstance(stage.target, dict) else [stage.target]
        used.update(t.calendar for t in targets if isinstance(t, TargetSpec))
        used.update(step.calendar for step in stage.ladder if step.calendar)
        used.add(stage.calendar or "24x7")
    for name in spec.calendars:
        if name not in used:
            yield Problem(
                "unused-calendar",
                f"calendar {name!r} is not used, and stage {defaulted[0]!r} names no calendar",
                f"a stage without 'calendar:' runs round the clock (24x7); add "
                f"'calendar: {name}' to it, or 'calendar: 24x7' to say it is meant",
                ("calendars", name),
                severity="warning",
            )


LONGEST_NIGHT = 12 * 60
"""An overnight interval longer than this (in minutes) looks like a day's hours reversed."""


def _intervals(spec: PolicySpec) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Every ``HH:MM-HH:MM`` of every calendar, with its path."""
    for name, calendar in spec.calendars.items():
        base: tuple[str | int, ...] = ("calendars", name)
        weekly = calendar.hours if isinstance(calendar.hours, dict) else {}
        for key, texts in weekly.items():
            for i, text in enumerate(texts):
                yield text, (*base, "hours", key, i)
        for day, texts in calendar.days.items():
            for i, text in enumerate(texts):
                yield text, (*base, "days", str(day), i)


def _overnight_not_reversed(spec: PolicySpec) -> Iterator[Problem]:
    """``17:00-08:00`` runs overnight; a night that long is more often ``08:00-17:00``
    written the wrong way round. Real night shifts (``22:00-06:00``, ``20:00-08:00``) are
    at most 12 hours and do not warn."""
    for text, path in _intervals(spec):
        try:
            start, end = parse_interval(text)
        except ValueError:
            continue  # reported by the model
        if end <= 1440 or end - start <= LONGEST_NIGHT:
            continue
        opens, closes = format_minutes(start), format_minutes(end)
        length = format_duration(timedelta(minutes=end - start))
        yield Problem(
            "reversed-interval",
            f"{text.strip()!r} is read as an overnight shift of {length}, "
            f"from {opens} to {closes} the next day",
            f"if {closes}-{opens} was meant, write that; if the night shift is meant, split it "
            f"at midnight ({opens}-24:00, and 00:00-{closes} on the next day)",
            path,
            severity="warning",
        )


def _step_signature(step: StepSpec) -> tuple[object, ...]:
    trigger = step.at if step.at is not None else step.on if step.on is not None else step.every
    text = " ".join(str(trigger).lower().split())
    kinds = tuple((k, tuple(getattr(step, k) or ())) for k in ("notify", "escalate", "assign"))
    return (text, kinds, tuple(step.via), repr(step.when))


def _steps_not_repeated(spec: PolicySpec) -> Iterator[Problem]:
    for name, stage in spec.stages.items():
        seen: dict[tuple[object, ...], int] = {}
        for i, step in enumerate(stage.ladder):
            signature = _step_signature(step)
            if signature in seen:
                yield Problem(
                    "duplicate-step",
                    f"this step repeats ladder step {seen[signature] + 1} of stage {name!r}",
                    "the same people would get the same action twice; remove one",
                    ("stages", name, "ladder", i),
                    severity="warning",
                )
            else:
                seen[signature] = i


def _fixed_length(value: object) -> timedelta | None:
    """The working time of a plain duration target, else ``None``."""
    text = value.due if isinstance(value, TargetSpec) else value
    if not isinstance(text, str) or text.strip().lower() in {"none", "no target", "skip", "n/a"}:
        return None
    try:
        parsed = parse_target(text)
    except PolicyError:
        return None  # reported by the compiler
    return parsed.delta if isinstance(parsed, Duration) else None


def _steps_after_start(spec: PolicySpec) -> Iterator[Problem]:
    """``2h before breach`` on a 30m target would be due before the clock even starts."""
    for name, stage in spec.stages.items():
        targets = (
            dict(stage.target)
            if isinstance(stage.target, dict)
            else {"every priority": stage.target}
        )
        lengths: dict[str, timedelta] | None = None  # parsed once per stage, when needed
        for i, step in enumerate(stage.ladder):
            if step.at is None:
                continue
            try:
                threshold = parse_threshold(step.at)
            except PolicyError:
                continue  # reported by the compiler
            if not isinstance(threshold, AtBreach) or threshold.offset >= timedelta(0):
                continue
            if lengths is None:
                lengths = {
                    prio: length
                    for prio, value in targets.items()
                    if (length := _fixed_length(value)) is not None
                }
            early = [
                f"{prio} ({targets[prio]})"
                for prio, length in lengths.items()
                if -threshold.offset >= length
            ]
            if early:
                yield Problem(
                    "step-before-start",
                    f"'{step.at}' is at or before the stage starts for {', '.join(early)}",
                    "it would fire as soon as the clock starts; use a percentage such as 50%",
                    ("stages", name, "ladder", i, "at"),
                    severity="warning",
                )


RULES: tuple[Rule, ...] = (
    _unique_priority_ids,
    _one_default_last,
    _events_declared,
    _stage_start_differs_from_stop,
    _calendars_resolve,
    _targets_cover_priorities,
    _pause_statuses_declared,
    _one_trigger_one_action,
    _unique_step_ids,
    _names_fit_action_keys,
    _statuses_unique,
    _priority_change_event_declared,
    _pause_pauses_something,
    _stage_applies_to_someone,
    _calendars_used,
    _steps_not_repeated,
    _steps_after_start,
    _overnight_not_reversed,
)


def too_many(spec: PolicySpec) -> list[Problem]:
    """Priorities or stages beyond the limits: checked before anything that works per pair."""
    found: list[Problem] = []
    if len(spec.priorities) > MAX_PRIORITIES:
        found.append(
            Problem(
                "too-many-priorities",
                f"the policy lists {len(spec.priorities)} priorities; at most {MAX_PRIORITIES} "
                "are allowed",
                "priorities are levels of urgency, a handful; a ticket attribute with many "
                "values belongs in a field and its conditions",
                ("priorities", MAX_PRIORITIES),
            )
        )
    if len(spec.stages) > MAX_STAGES:
        found.append(
            Problem(
                "too-many-stages",
                f"the policy has {len(spec.stages)} stages; at most {MAX_STAGES} are allowed",
                "split it into several policies",
                ("stages", list(spec.stages)[MAX_STAGES]),
            )
        )
    return found


def check(spec: PolicySpec) -> list[Problem]:
    """Every problem the rules find, errors and warnings, in rule order."""
    return [problem for rule in RULES for problem in rule(spec)]
