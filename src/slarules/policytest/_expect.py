"""Expectations: one checkable claim of a test case about an evaluation.

Each expectation knows the text a person reads (``stages.closure.deadline``), the value it
expects, and the line of the test file that wrote it; checking it against an
``Evaluation`` gives the actual value when the claim does not hold. An action matcher
that matches nothing fails: a test never passes by matching nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from slarules._durations import format_duration, parse_duration
from slarules.engine import Action, Evaluation, StageResult

from ._spec import ActionMatcherSpec, ExpectSpec, StageExpectSpec

__all__ = [
    "Expectation",
    "build_expectations",
    "describe_action",
    "format_instant",
    "parse_signed",
]

Probe = Callable[[Evaluation], str | None]  # the actual value when the claim fails, else None


@dataclass(frozen=True, slots=True)
class Expectation:
    """One claim: ``text`` (what is checked), ``expected`` (as written), its ``line``."""

    text: str
    expected: str
    line: int | None
    probe: Probe

    def check(self, evaluation: Evaluation) -> str | None:
        """The actual value when the claim does not hold, else ``None``."""
        return self.probe(evaluation)


def format_instant(value: datetime | None, tz: tzinfo | None) -> str:
    """An instant as ISO 8601 in ``tz`` (the offset the test file wrote), or ``none``."""
    if value is None:
        return "none"
    return value.astimezone(tz).isoformat() if tz is not None else value.isoformat()


def _signed(delta: timedelta | None) -> str:
    if delta is None:
        return "none"
    if delta < timedelta(0):
        return "-" + format_duration(-delta)
    return format_duration(delta)


def parse_signed(text: str) -> timedelta:
    text = text.strip()
    if text.startswith("-"):
        return -parse_duration(text[1:].strip())
    return parse_duration(text)


def describe_action(action: Action, tz: tzinfo | None) -> str:
    """One due action in a line: ``notify first_response to assignee at ... (key)``."""
    via = f" via {', '.join(action.via)}" if action.via else ""
    return (
        f"{action.kind.value} {action.stage} to {', '.join(action.to)}{via} "
        f"at {format_instant(action.due_at, tz)} ({action.key})"
    )


def _actions_text(actions: Sequence[Action], tz: tzinfo | None) -> str:
    if not actions:
        return "no actions due"
    return "; ".join(describe_action(a, tz) for a in actions)


def _flow(matcher: ActionMatcherSpec) -> str:
    parts: list[str] = []
    for key, value in matcher.model_dump(exclude_none=True).items():
        if isinstance(value, list):
            text = value[0] if len(value) == 1 else "[" + ", ".join(value) + "]"
        elif isinstance(value, datetime):
            text = value.isoformat()
        else:
            text = str(value)
        parts.append(f"{key}: {text}")
    return "{" + ", ".join(parts) + "}"


def _matches(matcher: ActionMatcherSpec, action: Action) -> bool:
    return (
        (matcher.kind is None or action.kind.value == matcher.kind)
        and (matcher.stage is None or action.stage == matcher.stage)
        and (matcher.step is None or action.step == matcher.step)
        and (matcher.key is None or action.key == matcher.key)
        and (matcher.to is None or set(matcher.to) <= set(action.to))
        and (matcher.via is None or set(matcher.via) <= set(action.via))
        and (matcher.due_at is None or action.due_at == matcher.due_at)
    )


Locate = Callable[[tuple[str | int, ...]], int | None]


def _instant_of(key: str, zone: tzinfo | None) -> Callable[[StageResult], str]:
    """Reads one instant of a stage result, shown in ``zone``."""

    def read(result: StageResult) -> str:
        value: datetime | None = getattr(result, key)
        return format_instant(value, zone)

    return read


def _stage_expectations(
    name: str, spec: StageExpectSpec, locate: Locate, base: tuple[str | int, ...], tz: tzinfo
) -> list[Expectation]:
    out: list[Expectation] = []
    written = spec.model_fields_set

    def claim(key: str, expected: str, actual: Callable[[StageResult], str]) -> None:
        def probe(ev: Evaluation) -> str | None:
            got = actual(ev.stages[name])
            return None if got == expected else got

        out.append(Expectation(f"stages.{name}.{key}", expected, locate((*base, key)), probe))

    if spec.status is not None:
        claim("status", spec.status, lambda r: r.status.value)
    for key in ("deadline", "started_at", "stopped_at"):
        if key in written:
            want: datetime | None = getattr(spec, key)
            zone = want.tzinfo if want is not None else tz
            claim(key, format_instant(want, zone), _instant_of(key, zone))
    if spec.elapsed is not None:
        claim("elapsed", _signed(parse_signed(spec.elapsed)), lambda r: _signed(r.elapsed))
    if spec.remaining is not None:
        claim("remaining", _signed(parse_signed(spec.remaining)), lambda r: _signed(r.remaining))
    return out


def _action_expectation(
    index: int, matcher: ActionMatcherSpec, line: int | None, tz: tzinfo
) -> Expectation:
    zone = matcher.due_at.tzinfo if matcher.due_at is not None else tz
    want = matcher.count

    def probe(ev: Evaluation) -> str | None:
        found = sum(1 for a in ev.actions if _matches(matcher, a))
        if (want is None and found >= 1) or found == want:
            return None
        return f"{found} matching; due: {_actions_text(ev.actions, zone)}"

    expected = (
        f"{want} matching" if want is not None else "at least 1 matching"
    ) + f" {_flow(matcher)}"
    return Expectation(f"actions[{index}]", expected, line, probe)


def _no_action_expectation(
    index: int, matcher: ActionMatcherSpec, line: int | None, tz: tzinfo
) -> Expectation:
    def probe(ev: Evaluation) -> str | None:
        bad = [a for a in ev.actions if _matches(matcher, a)]
        return _actions_text(bad, tz) if bad else None

    text = f"no_actions[{index}]"
    everything = not matcher.model_fields_set
    expected = "no actions due" if everything else f"no action matching {_flow(matcher)}"
    return Expectation(text, expected, line, probe)


def build_expectations(
    spec: ExpectSpec, locate: Locate, base: tuple[str | int, ...], tz: tzinfo
) -> tuple[Expectation, ...]:
    """Every claim of one case's ``expect:``, in the order a reader meets them."""
    out: list[Expectation] = []
    if spec.priority is not None:
        want = spec.priority
        out.append(
            Expectation(
                "priority",
                want,
                locate((*base, "priority")),
                lambda ev: None if ev.priority == want else ev.priority,
            )
        )
    for name, stage_spec in (spec.stages or {}).items():
        out.extend(_stage_expectations(name, stage_spec, locate, (*base, "stages", name), tz))
    if spec.breaches is not None:
        expected_set = sorted(spec.breaches)

        def breaches(ev: Evaluation) -> str | None:
            got = sorted(ev.breaches)
            return None if got == expected_set else "[" + ", ".join(got) + "]"

        out.append(
            Expectation(
                "breaches",
                "[" + ", ".join(expected_set) + "]",
                locate((*base, "breaches")),
                breaches,
            )
        )
    for i, matcher in enumerate(spec.actions or ()):
        out.append(_action_expectation(i, matcher, locate((*base, "actions", i)), tz))
    for i, matcher in enumerate(spec.no_actions or ()):
        out.append(_no_action_expectation(i, matcher, locate((*base, "no_actions", i)), tz))
    if "next_evaluation_at" in spec.model_fields_set:
        nxt = spec.next_evaluation_at
        zone = nxt.tzinfo if nxt is not None else tz
        expected_next = format_instant(nxt, zone)
        out.append(
            Expectation(
                "next_evaluation_at",
                expected_next,
                locate((*base, "next_evaluation_at")),
                lambda ev: (
                    None
                    if format_instant(ev.next_evaluation_at, zone) == expected_next
                    else format_instant(ev.next_evaluation_at, zone)
                ),
            )
        )
    return tuple(out)
