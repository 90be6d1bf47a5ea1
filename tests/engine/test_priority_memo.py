"""The priority chosen for a combination of field values is remembered, and always right."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from slarules import Ticket
from tests.builders import BASE, make_policy, t

POLICY = make_policy(
    fields={
        **BASE["fields"],
        "tags": {"type": "list", "items": {"type": "string"}},
    },
    priorities=[
        {"id": "urgent", "when": {"any": [{"level": "urgent"}, {"vip": True}]}},
        {"id": "tagged", "when": {"tags": {"contains": "outage"}}},
        {"id": "routine", "default": True},
    ],
    stage_response={"start": "created", "stop": "responded", "target": "30m"},
)
CUSTOMER = {"type": "object", "properties": {"tier": {"enum": ["gold", "plain"]}}}
NESTED = make_policy(
    fields={**BASE["fields"], "customer": CUSTOMER},
    priorities=[
        {"id": "urgent", "when": {"customer.tier": "gold"}},
        {"id": "routine", "default": True},
    ],
)
AT = t("2025-10-09 15:00")


def expected(fields: dict[str, Any]) -> str:
    if fields["level"] == "urgent" or fields.get("vip"):
        return "urgent"
    return "tagged" if "outage" in fields.get("tags", []) else "routine"


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {"level": st.sampled_from(["urgent", "routine"])},
        optional={
            "vip": st.booleans(),
            "tags": st.lists(st.sampled_from(["outage", "billing"]), max_size=2),
        },
    )
)
def test_the_priority_is_the_same_whether_remembered_or_not(fields: dict[str, Any]) -> None:
    ticket = Ticket(id="T", fields=fields, events={"created": AT})
    first = POLICY.evaluate(ticket, at=AT).priority
    again = POLICY.evaluate(ticket, at=AT).priority  # remembered, or list values: afresh
    assert first == again == expected(fields)


def test_criteria_on_nested_fields_choose_without_remembering() -> None:
    gold = Ticket(id="T", fields={"level": "routine", "customer": {"tier": "gold"}})
    plain = Ticket(id="T", fields={"level": "routine", "customer": {"tier": "plain"}})
    assert NESTED.compiled.priority_fields is None
    assert NESTED.evaluate(gold, at=AT).priority == "urgent"
    assert NESTED.evaluate(plain, at=AT).priority == "routine"
    assert not NESTED.compiled.choices_by_fields


def test_the_clause_that_chose_is_remembered_with_the_choice() -> None:
    vip = Ticket(id="T", fields={"level": "routine", "vip": True})
    choice = POLICY.evaluate(vip, at=AT).priority_choice
    assert choice.path[-1] == 1  # the second clause of `any`: vip
    assert POLICY.evaluate(vip, at=AT).priority_choice is choice
    assert POLICY.compiled.choices_by_fields[("routine", None, True)] is choice
