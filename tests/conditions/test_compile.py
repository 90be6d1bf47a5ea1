from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from slarules import PolicyError
from slarules.conditions import TRUE, Env, compile_condition

from .helpers import FIELDS, cond, env, only_problem, problems

T1 = "2025-10-09T10:00:00+08:00"
T2 = "2025-10-09T12:00:00+08:00"


@pytest.mark.parametrize(
    ("raw", "fields", "expected"),
    [
        ({"level": "urgent"}, {"level": "urgent"}, True),
        ({"level": "urgent"}, {"level": "routine"}, False),
        ({"level": ["urgent", "important"]}, {"level": "important"}, True),
        ({"level": {"ne": "urgent"}}, {"level": "routine"}, True),
        ({"level": {"not_in": ["urgent", "routine"]}}, {"level": "important"}, True),
        ({"acceptance_in_days": {"lte": 2}}, {"acceptance_in_days": 2}, True),
        ({"acceptance_in_days": {"lt": 2}}, {"acceptance_in_days": 2}, False),
        ({"acceptance_in_days": {"gt": 2}}, {"acceptance_in_days": 3}, True),
        ({"acceptance_in_days": {"gte": 2, "lte": 7}}, {"acceptance_in_days": 8}, False),
        ({"acceptance_in_days": {"between": [2, 7]}}, {"acceptance_in_days": 7}, True),
        ({"acceptance_in_days": {"between": [2, 7]}}, {"acceptance_in_days": 1}, False),
        ({"score": {"gt": 1}}, {"score": 1.5}, True),
        ({"system_down": True}, {"system_down": True}, True),
        ({"system_down": True}, {}, False),
        ({"subject": {"contains": "down"}}, {"subject": "all down!"}, True),
        ({"subject": {"starts_with": "RE:"}}, {"subject": "RE: hi"}, True),
        ({"subject": {"ends_with": "!"}}, {"subject": "RE: hi"}, False),
        ({"subject": {"matches": "^RE:"}}, {"subject": "RE: hi"}, True),
        ({"subject": {"matches": "(?i)outage"}}, {"subject": "Big OUTAGE now"}, True),
        ({"subject": {"empty": True}}, {"subject": ""}, True),
        ({"subject": {"empty": False}}, {"subject": "x"}, True),
        ({"tags": {"contains": "vip"}}, {"tags": ["a", "vip"]}, True),
        ({"tags": {"any_of": ["x", "vip"]}}, {"tags": ["vip"]}, True),
        ({"tags": {"all_of": ["x", "vip"]}}, {"tags": ["vip"]}, False),
        ({"tags": {"none_of": ["x", "y"]}}, {"tags": ["vip"]}, True),
        ({"tags": {"empty": True}}, {"tags": []}, True),
        ({"areas": {"contains": "billing"}}, {"areas": ["billing"]}, True),
        ({"customer.grade": "key"}, {"customer": {"grade": "key"}}, True),
        ({"fields.customer.grade": "key"}, {"customer": {"grade": "key"}}, True),
        ({"customer.grade": "key"}, {"customer": {}}, False),
        ({"customer": {"exists": True}}, {"customer": {}}, True),
        ({"due": {"lt": T2}}, {"due": T1}, True),
        ({"due": {"gte": "2025-10-09T04:00:00Z"}}, {"due": T2}, True),
        ({"due": T1}, {"due": "2025-10-09T02:00:00Z"}, True),
        ({"customer_grade": "vip", "level": "important"}, {"level": "important"}, False),
        ({"all": [{"level": "urgent"}, {"system_down": True}]}, {"level": "urgent"}, False),
        ({"any": [{"level": "urgent"}, {"system_down": True}]}, {"system_down": True}, True),
        ({"not": {"level": "urgent"}}, {"level": "routine"}, True),
        (True, {}, True),
        (False, {}, False),
    ],
)
def test_condition_decides(raw: Any, fields: dict[str, Any], expected: bool) -> None:
    c = cond(raw)
    assert c(env(fields)) is expected
    assert c.test(env(fields)) is expected


@pytest.mark.parametrize(
    "raw",
    [
        {"subject": "x"},
        {"subject": {"ne": "x"}},
        {"subject": {"not_in": ["x"]}},
        {"acceptance_in_days": {"lt": 5}},
        {"acceptance_in_days": {"between": [0, 9]}},
        {"subject": {"contains": ""}},
        {"subject": {"matches": ""}},
        {"subject": {"empty": True}},
        {"subject": {"empty": False}},
        {"subject": {"exists": True}},
        {"tags": {"none_of": ["x"]}},
        {"customer.grade": {"ne": "key"}},
    ],
)
def test_a_test_on_a_missing_field_is_false_and_its_negation_true(raw: Any) -> None:
    assert cond(raw)(env({})) is False
    assert cond({"not": raw})(env({})) is True


def test_exists_false_holds_only_for_a_missing_field() -> None:
    c = cond({"subject": {"exists": False}})
    assert c(env({})) is True
    assert c(env({"subject": ""})) is False


def test_default_value_counts_as_present() -> None:
    assert cond({"customer_grade": "normal"})(env({})) is True


# --- built-ins -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "priority", "expected"),
    [
        ({"priority": "urgent"}, "urgent", True),
        ({"priority": ["urgent", "important"]}, "routine", False),
        ({"priority": {"gte": "important"}}, "urgent", True),
        ({"priority": {"gte": "important"}}, "important", True),
        ({"priority": {"gte": "important"}}, "routine", False),
        ({"priority": {"gt": "important"}}, "important", False),
        ({"priority": {"lt": "urgent"}}, "important", True),
        ({"priority": {"lte": "important"}}, "urgent", False),
        ({"priority": {"between": ["routine", "important"]}}, "important", True),
        ({"priority": {"ne": "urgent"}}, None, False),
        ({"priority": {"exists": False}}, None, True),
    ],
)
def test_priority_builtin_orders_by_urgency_first_listed_highest(
    raw: Any, priority: str | None, expected: bool
) -> None:
    assert cond(raw)(env(priority=priority)) is expected


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"priority": {"eq": ["urgent"]}}, ("priority", "eq")),
        ({"priority": {"ne": {"a": 1}}}, ("priority", "ne")),
        ({"priority": {"in": [["urgent"]]}}, ("priority", "in")),
        ({"priority": {"gte": ["important"]}}, ("priority", "gte")),
        ({"priority": {"between": [["routine"], "urgent"]}}, ("priority", "between")),
        ({"priority": [{"a": 1}]}, ("priority",)),
        ({"priority": {"eq": None}}, ("priority", "eq")),
        ({"status": {"eq": ["open"]}}, ("status", "eq")),
        ({"status": {"in": [{"a": 1}]}}, ("status", "in")),
    ],
)
def test_a_list_or_mapping_as_a_priority_or_status_operand_is_a_type_mismatch(
    raw: Any, path: tuple[str, ...]
) -> None:
    for statuses in (None, ["open", "closed"]):
        problem = only_problem(raw, statuses=statuses)
        assert (problem.code, problem.path) == ("operator-type-mismatch", path)
        assert "single value" in problem.message or "null" in problem.message


def test_bare_priority_is_the_builtin_and_fields_priority_the_ticket_field() -> None:
    c = cond({"priority": "urgent", "fields.priority": 3})
    assert c(env({"priority": 3}, priority="urgent")) is True
    assert c(env({"priority": 3}, priority="routine")) is False
    assert c.uses_priority
    assert c.fields_used == {"priority"}


def test_status_builtin_and_ticket_field_named_status_do_not_collide() -> None:
    c = cond({"status": ["waiting", "parts"], "fields.status": "open"})
    assert c(env({"status": "open"}, status="waiting")) is True
    assert c(env({"status": "waiting"}, status="open")) is False
    assert c.uses_status
    assert cond({"status": {"exists": False}})(env()) is True


def test_events_exist_only_at_or_before_the_instant() -> None:
    c = cond({"events.first_response": {"exists": True}})
    events = {"first_response": T2}
    assert c(env(events=events, at=T2)) is True
    assert c(env(events=events, at=T1)) is False
    assert c(env(events=events)) is True
    assert c.events_used == {"first_response"}
    assert cond({"not": {"events.closed": {"exists": True}}})(env(events=events, at=T2))


def test_event_times_compare_with_iso_datetimes() -> None:
    c = cond({"events.created": {"lt": "2025-10-09T03:00:00Z"}})
    assert c(env(events={"created": T1}, at=T2)) is True
    assert c(env(events={"created": T2}, at=T2)) is False


@pytest.mark.parametrize(
    "raw",
    [{"priority": "urgent"}, {"status": "open"}, {"events.created": {"exists": True}}],
)
def test_builtins_are_not_available_in_priority_conditions(raw: Any) -> None:
    p = only_problem(raw, scope="priority")
    assert p.code == "builtin-not-available"
    assert p.path == (next(iter(raw)),)


def test_priority_in_a_priority_condition_points_to_fields_priority() -> None:
    p = only_problem({"priority": 2}, scope="priority")
    assert "not known while it is being chosen" in p.hint
    assert "fields.priority" in p.hint


def test_ticket_fields_are_fine_in_priority_conditions() -> None:
    assert cond({"fields.priority": 2}, scope="priority")(env({"priority": 2}))


def test_statuses_are_checked_when_given() -> None:
    p = only_problem({"status": "wating"}, statuses=["waiting", "open"])
    assert (p.code, p.hint) == ("unknown-status", "did you mean 'waiting'?")


# --- load-time errors ------------------------------------------------------------------------


def test_misspelt_enum_value_suggests_the_declared_one() -> None:
    p = only_problem({"any": [{"customer_grade": "vip"}, {"level": "urgnet"}]})
    assert (p.code, p.path) == ("unknown-enum-value", ("any", 1, "level"))
    assert "did you mean 'urgent'?" in p.hint
    assert "urgent, important, routine" in p.hint


def test_all_problems_in_one_condition_are_reported_together() -> None:
    found = problems(
        {
            "any": [
                {"levl": "urgent"},
                {"level": {"lt": "urgent"}},
                {"tags": {"contians": "x"}},
                {"subject": {"matches": "(a)\\1"}},
            ],
            "priority": {"gte": "importnt"},
            "events.closd": {"exists": True},
            "customer_grade": ["vip", "gold"],
        }
    )
    assert found == [
        ("unknown-field", ("any", 0, "levl")),
        ("operator-type-mismatch", ("any", 1, "level", "lt")),
        ("bad-operator", ("any", 2, "tags", "contians")),
        ("bad-regex", ("any", 3, "subject", "matches")),
        ("unknown-priority", ("priority", "gte")),
        ("unknown-event", ("events.closd",)),
        ("unknown-enum-value", ("customer_grade",)),
    ]


def test_unknown_field_suggests_a_declared_name() -> None:
    p = only_problem({"customer.grad": "key"})
    assert (p.code, p.hint) == ("unknown-field", "did you mean 'customer.grade'?")


def test_misspelt_operator_suggests_the_operator() -> None:
    assert only_problem({"level": {"nin": ["urgent"]}}).code == "bad-operator"
    assert only_problem({"subject": {"start_with": "x"}}).hint == "did you mean 'starts_with'?"


def test_object_field_with_a_property_key_hints_at_the_dotted_path() -> None:
    p = only_problem({"customer": {"grade": "key"}})
    assert p.code == "bad-operator"
    assert "customer.grade" in p.hint


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"level": {"lt": "urgent"}}, "operator-type-mismatch"),
        ({"subject": {"gt": "a"}}, "operator-type-mismatch"),
        ({"system_down": "yes"}, "operator-type-mismatch"),
        ({"acceptance_in_days": "3"}, "operator-type-mismatch"),
        ({"acceptance_in_days": True}, "operator-type-mismatch"),
        ({"acceptance_in_days": {"between": [5, 1]}}, "bad-value"),
        ({"acceptance_in_days": {"between": [1, 2, 3]}}, "operator-type-mismatch"),
        ({"acceptance_in_days": {"in": []}}, "operator-type-mismatch"),
        ({"subject": {"exists": "yes"}}, "operator-type-mismatch"),
        ({"subject": {"contains": 3}}, "operator-type-mismatch"),
        ({"subject": None}, "operator-type-mismatch"),
        ({"subject": {"matches": 3}}, "bad-regex"),
        ({"subject": {"matches": "x" * 1001}}, "bad-regex"),
        ({"tags": "vip"}, "operator-type-mismatch"),
        ({"tags": {"any_of": "vip"}}, "operator-type-mismatch"),
        ({"areas": {"any_of": ["biling"]}}, "unknown-enum-value"),
        ({"customer": "key"}, "operator-type-mismatch"),
        ({"due": {"lt": "2025-10-09"}}, "operator-type-mismatch"),
        ({"due": {"lt": "2025-10-09T10:00:00"}}, "operator-type-mismatch"),
        ({"level": {}}, "bad-operator"),
        ({"events.created": "x"}, "operator-type-mismatch"),
        ({"events": {"exists": True}}, "unknown-field"),
        ({"status.x": "a"}, "unknown-field"),
        ({"all": []}, "bad-condition"),
        ({"any": {"level": "urgent"}}, "bad-condition"),
        ({"not": [{"level": "urgent"}]}, "bad-condition"),
        ({}, "bad-condition"),
        ([{"level": "urgent"}], "bad-condition"),
        ("level", "bad-condition"),
        ({1: "x"}, "bad-condition"),
    ],
)
def test_bad_conditions_are_refused_at_load(raw: Any, code: str) -> None:
    assert only_problem(raw).code == code


def test_policy_error_message_has_path_code_and_hint() -> None:
    with pytest.raises(PolicyError, match=r"any\[0\]\.level: error\[unknown-enum-value\]"):
        cond({"any": [{"level": "urgnet"}]})


def test_dates_from_yaml_are_refused_with_a_hint_to_add_time_and_offset() -> None:
    from datetime import date

    p = only_problem({"due": {"lt": date(2025, 10, 9)}})
    assert "2025-10-09T00:00:00" in p.hint


def test_datetime_operands_from_yaml_are_accepted_when_aware() -> None:
    from datetime import datetime

    c = cond({"due": {"lt": datetime.fromisoformat(T2)}})
    assert c(env({"due": T1}))


# --- explain, describe, immutability -------------------------------------------------------

SEED = {"any": [{"level": "urgent"}, {"customer_grade": "vip", "level": "important"}]}


def test_explain_names_the_matching_any_branch() -> None:
    c = cond(SEED)
    assert c.explain(env({"level": "urgent"})) == ("any", 0)
    assert c.explain(env({"level": "important", "customer_grade": "vip"})) == ("any", 1)
    assert c.explain(env({"level": "important"})) is None


def test_explain_of_a_plain_mapping_is_the_root() -> None:
    assert cond({"level": "urgent"}).explain(env({"level": "urgent"})) == ()
    assert (
        cond({"level": "urgent", "system_down": True}).explain(
            env({"level": "urgent", "system_down": True})
        )
        == ()
    )


def test_explain_goes_through_nesting() -> None:
    c = cond({"all": [{"any": [{"level": "urgent"}, {"not": {"system_down": False}}]}]})
    assert c.explain(env({"system_down": True})) == ("all", 0, "any", 1, "not")
    assert TRUE.explain(env()) == ()


def test_describe_reads_like_a_sentence() -> None:
    assert cond(SEED).describe() == (
        "level is urgent, or customer_grade is vip and level is important"
    )
    assert (
        cond(
            {"any": [{"level": "urgent"}, {"system_down": True}], "tags": {"any_of": ["a"]}}
        ).describe()
        == "(level is urgent, or system_down is true) and tags include any of a"
    )
    assert cond({"priority": {"gte": "important"}}).describe() == (
        "the priority is important or more urgent"
    )
    assert cond({"events.closed": {"exists": False}}).describe() == "event closed has not happened"
    assert cond({"not": {"subject": {"contains": "x"}}}).describe() == "not subject contains 'x'"
    assert TRUE.describe() == "always"


def test_condition_is_immutable_and_not_picklable() -> None:
    c = cond({"level": "urgent"})
    with pytest.raises(AttributeError):
        c.test = lambda env: True
    with pytest.raises(TypeError, match="pickle the policy"):
        pickle.dumps(c)
    assert copy.copy(c) is c
    assert copy.deepcopy({"c": c})["c"] is c


def test_compile_condition_accepts_plain_sequences() -> None:
    c = compile_condition(
        {"priority": "P1"}, FIELDS, scope="stage", priorities=["P1", "P2"], events=[]
    )
    assert c(Env({}, priority="P1"))


def test_an_undeclared_extra_field_cannot_be_tested() -> None:
    assert only_problem({"colour": "red"}).code == "unknown-field"


def test_env_is_immutable_and_shows_its_contents() -> None:
    e = Env({"level": "urgent"}, priority="urgent")
    with pytest.raises(AttributeError):
        e.priority = "routine"
    with pytest.raises(AttributeError):
        del e.status
    assert "priority='urgent'" in repr(e)
    assert e.events == {}
    assert e.at is None


def test_describe_keeps_the_authors_order_of_values() -> None:
    assert cond({"level": ["routine", "urgent"]}).describe() == "level is one of routine, urgent"
    assert cond({"tags": {"none_of": ["b", "a"]}}).describe() == "tags include none of b, a"
