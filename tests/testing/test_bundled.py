"""Every strategy draws only what the bundled policies accept: a drawn condition, target
or calendar put into a bundled policy leaves it valid."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given

from slarules import Policy
from slarules._yaml import load_yaml
from slarules.testing import calendars, conditions, targets
from tests.testing.helpers import FAST, POLICIES, POLICY_IDS


def source_of(policy: Policy) -> dict[str, Any]:
    assert policy.source is not None
    data, _ = load_yaml(policy.source)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_drawn_conditions_are_valid_priority_and_stage_conditions(policy_id: str) -> None:
    policy = POLICIES[policy_id]
    data = source_of(policy)
    first_stage = next(iter(data["stages"]))

    @FAST
    @given(conditions(policy), conditions(policy, builtins=True))
    def check(priority_when: dict[str, Any], stage_when: dict[str, Any]) -> None:
        changed = copy.deepcopy(data)
        changed["priorities"][0]["when"] = priority_when
        changed["stages"][first_stage]["when"] = stage_when
        Policy.from_dict(changed)

    check()


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_drawn_targets_are_valid_in_each_stage(policy_id: str) -> None:
    policy = POLICIES[policy_id]
    data = source_of(policy)
    events = sorted(policy.compiled.events or ())
    names = sorted(data.get("calendars", {}))

    @FAST
    @given(targets(events=events, calendars=names))
    def check(target: Any) -> None:
        for stage in data["stages"]:
            changed = copy.deepcopy(data)
            changed["stages"][stage]["target"] = target
            Policy.from_dict(changed)

    check()


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_drawn_calendars_can_replace_each_calendar(policy_id: str) -> None:
    data = source_of(POLICIES[policy_id])

    @FAST
    @given(calendars())
    def check(calendar: dict[str, Any]) -> None:
        for name in data.get("calendars", {}):
            changed = copy.deepcopy(data)
            changed["calendars"][name] = calendar
            Policy.from_dict(changed)

    check()
