from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from slarules import PolicyError, TicketError
from slarules._shape import validate_shape
from slarules.conditions import MAX_STRING_LENGTH, FieldSpec

from .helpers import FIELDS, make_fields


def spec_problem(data: Any) -> tuple[str, tuple[str | int, ...], str]:
    with pytest.raises(PolicyError) as info:
        validate_shape(FieldSpec, data, prefix=("fields", "x"))
    p = info.value.problems[0]
    return p.code, p.path, p.message + "; " + (p.hint or "")


def test_string_enum_without_type_is_accepted() -> None:
    spec = FieldSpec.model_validate({"enum": ["urgent", "routine"]})
    assert spec.type is None
    assert spec.field_type().kind == "enum"


def test_integer_enum_is_accepted() -> None:
    assert FieldSpec.model_validate({"enum": [1, 2, 3]}).field_type().enum == (1, 2, 3)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"enum": []}, "at least one value"),
        ({"enum": ["a", "a"]}, "listed twice"),
        ({"enum": ["a", 1]}, "mixes"),
        ({"enum": [True]}, "boolean"),
        ({}, "needs a `type` or an `enum`"),
        ({"type": "boolean", "enum": ["a"]}, "cannot be combined"),
        ({"type": "list"}, "`items` goes with `type: list`"),
        ({"type": "string", "items": {"type": "string"}}, "`items` goes with"),
        ({"type": "object"}, "`properties` goes with"),
        ({"enum": ["a"], "required": True, "default": "a"}, "required field cannot have a default"),
        ({"type": "list", "items": {"type": "list", "items": {"type": "string"}}}, "scalars"),
    ],
)
def test_inconsistent_declarations_are_policy_errors(data: dict[str, Any], words: str) -> None:
    code, path, text = spec_problem(data)
    assert words in text
    assert code == "bad-value"
    assert path[:2] == ("fields", "x")


def test_unknown_declaration_key_suggests_the_right_one() -> None:
    code, path, text = spec_problem({"type": "string", "requred": True})
    assert code == "unknown-key"
    assert path == ("fields", "x", "requred")
    assert "'required'" in text


def test_field_spec_is_frozen() -> None:
    spec = FieldSpec.model_validate({"type": "string"})
    with pytest.raises(ValueError, match="frozen"):
        spec.type = "integer"  # type: ignore[misc]


def test_invalid_default_is_reported_at_its_key_path() -> None:
    with pytest.raises(PolicyError) as info:
        make_fields({"grade": {"enum": ["vip", "normal"], "default": "gold"}})
    (p,) = info.value.problems
    assert (p.code, p.path) == ("bad-default", ("grade", "default"))
    assert "vip, normal" in (p.hint or "")


def test_nested_default_path_goes_through_properties() -> None:
    with pytest.raises(PolicyError) as info:
        make_fields(
            {"c": {"type": "object", "properties": {"n": {"type": "integer", "default": "x"}}}}
        )
    assert info.value.problems[0].path == ("c", "properties", "n", "default")


def test_field_names_with_dots_are_refused() -> None:
    with pytest.raises(PolicyError) as info:
        make_fields({"a.b": {"type": "string"}})
    assert info.value.problems[0].code == "bad-field-name"


def test_validate_applies_defaults_and_keeps_extras() -> None:
    out = FIELDS.validate({"level": "urgent", "unknown_extra": [1, 2]})
    assert out["customer_grade"] == "normal"
    assert out["system_down"] is False
    assert out["unknown_extra"] == [1, 2]
    assert "subject" not in out


def test_validate_returns_a_read_only_mapping() -> None:
    out = FIELDS.validate({"level": "urgent"})
    with pytest.raises(TypeError):
        out["level"] = "routine"  # type: ignore[index]


def test_null_counts_as_absent_so_the_default_applies() -> None:
    assert FIELDS.validate({"customer_grade": None})["customer_grade"] == "normal"
    assert FIELDS.validate(None)["customer_grade"] == "normal"


def test_missing_required_field_names_field_and_allowed_values() -> None:
    fs = make_fields({"level": {"enum": ["urgent", "routine"], "required": True}})
    with pytest.raises(TicketError, match="'level' is required") as info:
        fs.validate({}, ticket_id="T-1")
    assert info.value.field == "level"
    assert info.value.ticket_id == "T-1"
    assert "urgent, routine" in str(info.value)
    assert str(info.value).startswith("ticket 'T-1': ")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level", "urgnet"),
        ("level", 1),
        ("system_down", "yes"),
        ("system_down", 1),
        ("acceptance_in_days", "3"),
        ("acceptance_in_days", 2.5),
        ("acceptance_in_days", True),
        ("score", float("nan")),
        ("score", "1.5"),
        ("subject", 42),
        ("due", "2025-10-09T14:30:00"),
        ("due", "tomorrow"),
        ("due", datetime(2025, 10, 9, 14, 30)),
        ("tags", "vip"),
        ("tags", ["ok", 3]),
        ("areas", ["billing", "biling"]),
        ("customer", "key"),
        ("customer", {"grade": "gold"}),
    ],
)
def test_wrong_values_are_ticket_errors_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(TicketError) as info:
        FIELDS.validate({field: value})
    assert info.value.field is not None
    assert info.value.field.split(".")[0] == field
    assert "accepts" in str(info.value) or "must be" in str(info.value)


def test_unknown_enum_value_error_lists_the_allowed_values() -> None:
    with pytest.raises(TicketError, match="one of urgent, important, routine"):
        FIELDS.validate({"level": "urgnet"})


def test_conversions_integral_float_iso_datetime_and_list() -> None:
    out = FIELDS.validate(
        {"acceptance_in_days": 3.0, "due": "2025-10-09T14:30:00Z", "tags": ["a", "b"]}
    )
    assert out["acceptance_in_days"] == 3
    assert isinstance(out["acceptance_in_days"], int)
    assert out["due"] == datetime(2025, 10, 9, 14, 30, tzinfo=UTC)
    assert out["tags"] == ("a", "b")


def test_aware_datetime_is_kept() -> None:
    when = datetime(2025, 1, 1, 9, tzinfo=timezone(timedelta(hours=8)))
    assert FIELDS.validate({"due": when})["due"] is when


def test_nested_object_is_validated_and_read_only() -> None:
    out = FIELDS.validate({"customer": {"grade": "key", "other": 1}})
    assert out["customer"]["grade"] == "key"
    assert out["customer"]["other"] == 1
    with pytest.raises(TypeError):
        out["customer"]["grade"] = "x"


def test_nested_required_field_is_named_by_its_path() -> None:
    fs = make_fields(
        {"c": {"type": "object", "properties": {"g": {"type": "string", "required": True}}}}
    )
    with pytest.raises(TicketError) as info:
        fs.validate({"c": {}})
    assert info.value.field == "c.g"
    assert fs.validate({}) == {}


def test_string_longer_than_the_limit_is_refused() -> None:
    assert FIELDS.validate({"subject": "x" * MAX_STRING_LENGTH})["subject"]
    with pytest.raises(TicketError, match="longer than the limit"):
        FIELDS.validate({"subject": "x" * (MAX_STRING_LENGTH + 1)})
    with pytest.raises(TicketError, match="longer than the limit"):
        FIELDS.validate({"tags": ["x" * (MAX_STRING_LENGTH + 1)]})


def test_fields_that_are_not_a_mapping_are_refused() -> None:
    with pytest.raises(TicketError, match="mapping"):
        FIELDS.validate(["level"])  # type: ignore[arg-type]


def test_names_paths_and_types() -> None:
    assert FIELDS.names[:2] == ("level", "customer_grade")
    assert "customer.grade" in FIELDS.paths
    grade = FIELDS.type_of("customer.grade")
    assert grade is not None
    assert grade.enum == ("key", "standard")
    assert FIELDS.type_of("nope") is None
    assert FIELDS.allowed("tags") == "a list of strings"


def test_field_spec_json_schema_is_generated_with_descriptions() -> None:
    schema = FieldSpec.model_json_schema()
    props = schema.get("properties") or schema["$defs"]["FieldSpec"]["properties"]
    for name in ("type", "enum", "items", "properties", "default", "required", "description"):
        assert props[name]["description"]
        assert "examples" in props[name]


def test_validated_fields_pickle_and_stay_read_only() -> None:
    import pickle

    out = pickle.loads(pickle.dumps(FIELDS.validate({"level": "urgent", "tags": ["a"]})))
    assert out["level"] == "urgent"
    with pytest.raises(TypeError):
        out["level"] = "routine"
