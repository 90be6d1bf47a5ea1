"""``durations()``, ``targets()`` and ``conditions()``: only what a policy accepts."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import find, given, settings

from slarules import Policy, UsageError
from slarules._durations import parse_duration
from slarules.conditions import compile_condition
from slarules.testing import conditions, durations, targets
from tests.builders import BASE
from tests.conditions.helpers import DECLARATIONS, FIELDS
from tests.testing.helpers import FAST, POLICIES, POLICY_IDS, sample

DURATIONS = sample(durations(), 200)
TARGETS = sample(targets(events=["review_meeting"]), 300)
CONDITIONS = sample(conditions(DECLARATIONS), 500)


@settings(max_examples=200, deadline=None)
@given(durations(min_value=timedelta(minutes=5), max_value=timedelta(hours=30)))
def test_durations_parse_to_a_value_inside_the_bounds(text: str) -> None:
    assert timedelta(minutes=5) <= parse_duration(text) <= timedelta(hours=30)


@pytest.mark.parametrize("spelling", ["30m", "2h30m", "PT4H", "2 hours 30 minutes"])
def test_each_spelling_of_the_policy_syntax_is_drawn(spelling: str) -> None:
    import re

    shape = {
        "30m": r"^\d+m$",
        "2h30m": r"^\d+h\d+m$",
        "PT4H": r"^P(\d+D)?T(\d+H)?(\d+M)?(\d+S)?$",
        "2 hours 30 minutes": r"^\d+ hours? \d+ minutes?$",
    }[spelling]
    assert any(re.match(shape, t) for t in DURATIONS)


def test_durations_shrink_to_zero() -> None:
    assert find(durations(), lambda t: True) == "0m"


def test_impossible_duration_bounds_are_a_usage_error() -> None:
    with pytest.raises(UsageError):
        durations(min_value=timedelta(hours=2), max_value=timedelta(hours=1))


def policy_with_target(target: Any) -> Policy:
    data = copy.deepcopy(BASE)
    data["events"] = ["created", "responded", "review_meeting"]
    data["stages"]["response"]["target"] = {"urgent": target, "routine": "4h"}
    return Policy.from_dict(data)


@settings(max_examples=200, deadline=None)
@given(targets(events=["review_meeting"], calendars=["office"]))
def test_every_target_is_valid_in_a_policy(target: Any) -> None:
    policy = policy_with_target(target)
    assert policy.compiled.stages[0].targets["urgent"] is not None


@pytest.mark.parametrize(
    "words", ["business day", "end of business day", "next ", " before review_meeting", "week"]
)
def test_each_kind_of_target_is_drawn(words: str) -> None:
    assert any(isinstance(t, str) and words in t for t in TARGETS)


def test_targets_on_another_calendar_are_drawn_when_calendars_are_given() -> None:
    found = find(targets(calendars=["office"]), lambda t: isinstance(t, dict))
    assert isinstance(found, dict)
    assert found["calendar"] == "office"
    policy_with_target(found)


@settings(max_examples=300, deadline=None)
@given(conditions(DECLARATIONS))
def test_conditions_compile_against_their_declarations(raw: Any) -> None:
    compile_condition(raw, FIELDS, scope="priority")


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_conditions_with_built_ins_compile_in_stage_scope_for_each_bundled_policy(
    policy_id: str,
) -> None:
    policy = POLICIES[policy_id]
    compiled = policy.compiled

    @FAST
    @given(conditions(policy, builtins=True))
    def check(raw: Any) -> None:
        compile_condition(
            raw,
            compiled.fields,
            scope="stage",
            priorities=policy.priorities,
            events=sorted(compiled.events or ()),
        )

    check()


@pytest.mark.parametrize(
    "operator",
    ["between", "matches", "any_of", "not_in", "exists", "starts_with", "empty", "gte"],
)
def test_every_operator_family_is_drawn(operator: str) -> None:
    assert any(f"'{operator}'" in repr(c) for c in CONDITIONS)


def test_a_condition_used_as_a_priority_when_gives_a_valid_policy() -> None:
    @FAST
    @given(conditions(BASE["fields"]))
    def check(raw: Any) -> None:
        data = copy.deepcopy(BASE)
        data["priorities"][0]["when"] = raw
        Policy.from_dict(data)

    check()


def test_built_ins_need_the_policy() -> None:
    with pytest.raises(UsageError, match="needs the Policy"):
        conditions(DECLARATIONS, builtins=True)
