"""The policy JSON Schema: committed, fresh, draft-07 only, documented, and true to the policies.

``jsonschema`` is not a dependency, so a small validator below covers exactly the keywords
the generated schema uses (a test fails if a new keyword appears, so it cannot silently
accept what it does not understand).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from slarules import Policy, PolicyError
from slarules._policy import is_policy_file
from slarules._schema import policy_schema, policy_test_schema
from slarules._yaml import load_yaml

ROOT = Path(__file__).parent.parent
COMMITTED = ROOT / "schema" / "policy.schema.json"
POLICY_FILES = sorted(p for p in (ROOT / "policies").glob("*.yaml") if is_policy_file(p))
REGENERATE = "slarules schema > schema/policy.schema.json"

# draft 2019-09 / 2020-12 keywords a draft-07 consumer (the YAML language server) ignores
NEWER_KEYWORDS = {
    "$defs",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "$vocabulary",
    "prefixItems",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedItems",
    "unevaluatedProperties",
    "minContains",
    "maxContains",
    "contentSchema",
}
# the keywords the validator below implements, plus annotations it may ignore
VALIDATED = {
    "type", "properties", "additionalProperties", "required", "items", "anyOf", "oneOf",
    "allOf", "enum", "const", "$ref", "minItems", "maxItems", "minProperties",
    "propertyNames", "format", "minLength", "pattern", "minimum", "maximum",
}  # fmt: skip
ANNOTATIONS = {"$schema", "$id", "title", "description", "examples", "default", "definitions"}
SCHEMA_MAPS = {"properties", "definitions", "patternProperties"}
OTHERS = (
    "#/definitions/slarules_condition",
    "#/definitions/ReportSpec",
    "#/definitions/SatisfactionSpec",
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return policy_schema()


def _rendered(schema: dict[str, Any]) -> str:
    # exactly what `slarules schema` prints (click.echo adds the newline)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _subschemas(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    """Every schema object inside ``node``, with its JSON pointer."""
    out: list[tuple[str, dict[str, Any]]] = []
    if not isinstance(node, dict):
        return out
    out.append((path, node))
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                out.extend(_subschemas(sub, f"{path}/{key}/{name}"))
        elif key in {"anyOf", "oneOf", "allOf"} and isinstance(value, list):
            for i, sub in enumerate(value):
                out.extend(_subschemas(sub, f"{path}/{key}/{i}"))
        elif key in {"items", "additionalProperties", "propertyNames", "not"}:
            out.extend(_subschemas(value, f"{path}/{key}"))
    return out


def test_committed_schema_is_fresh(schema: dict[str, Any]) -> None:
    assert COMMITTED.exists(), f"schema/policy.schema.json is missing; run: {REGENERATE}"
    assert COMMITTED.read_text(encoding="utf-8") == _rendered(schema), (
        f"schema/policy.schema.json is stale; regenerate it with: {REGENERATE}"
    )


def test_schema_declares_draft_07(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"].endswith("/policy.schema.json")


def test_schema_uses_no_keyword_newer_than_draft_07(schema: dict[str, Any]) -> None:
    used = {key for _, node in _subschemas(schema) for key in node}
    assert not used & NEWER_KEYWORDS


def test_schema_uses_only_keywords_the_test_validator_understands(schema: dict[str, Any]) -> None:
    used = {key for _, node in _subschemas(schema) for key in node}
    assert used <= VALIDATED | ANNOTATIONS, used - VALIDATED - ANNOTATIONS


def test_every_reference_points_at_a_definition(schema: dict[str, Any]) -> None:
    refs = {n["$ref"] for _, n in _subschemas(schema) if "$ref" in n}
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/"), ref
        assert ref.removeprefix("#/definitions/") in schema["definitions"], ref


def test_every_key_has_a_description_and_an_example(schema: dict[str, Any]) -> None:
    missing = []
    for path, node in _subschemas(schema):
        if path.startswith(OTHERS):
            continue  # sections documented by their own packages: checked below
        for key, prop in (node.get("properties") or {}).items():
            if "description" not in prop or "examples" not in prop:
                missing.append(f"{path}/properties/{key}")
    assert missing == []


@pytest.mark.parametrize(
    "prefix",
    [
        "#/definitions/slarules_condition",
        "#/definitions/ReportSpec",
        "#/definitions/SatisfactionSpec",
    ],
)
def test_every_key_of_other_sections_has_a_description_and_an_example(
    schema: dict[str, Any], prefix: str
) -> None:
    missing = [
        f"{path}/properties/{key}"
        for path, node in _subschemas(schema)
        if path.startswith(prefix)
        for key, prop in (node.get("properties") or {}).items()
        if "description" not in prop or "examples" not in prop
    ]
    assert missing == []


def test_the_top_level_keys_are_the_policy_format(schema: dict[str, Any]) -> None:
    assert set(schema["required"]) == {
        "slarules",
        "id",
        "version",
        "timezone",
        "priorities",
        "stages",
    }
    assert schema["additionalProperties"] is False


# ------------------------------------------------------------ a small draft-07 validator


class _Validator:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def errors(self, value: Any, node: dict[str, Any], path: str = "") -> list[str]:
        out: list[str] = []
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/definitions/")
            out += self.errors(value, self.root["definitions"][name], path)
        if "type" in node and not _is_type(value, node["type"]):
            return [*out, f"{path or '/'}: {value!r} is not of type {node['type']}"]
        if "const" in node and value != node["const"]:
            out.append(f"{path}: {value!r} is not {node['const']!r}")
        if "enum" in node and value not in node["enum"]:
            out.append(f"{path}: {value!r} is not one of {node['enum']}")
        for key in ("anyOf", "oneOf"):
            if key in node:
                passing = sum(not self.errors(value, s, path) for s in node[key])
                if passing == 0 or (key == "oneOf" and passing > 1):
                    out.append(f"{path}: {key} matched {passing} of {len(node[key])}")
        for sub in node.get("allOf", []):
            out += self.errors(value, sub, path)
        if isinstance(value, dict):
            out += self._object(value, node, path)
        if isinstance(value, list):
            if "items" in node:
                for i, item in enumerate(value):
                    out += self.errors(item, node["items"], f"{path}/{i}")
            if len(value) < node.get("minItems", 0):
                out.append(f"{path}: fewer than {node['minItems']} items")
            if len(value) > node.get("maxItems", len(value)):
                out.append(f"{path}: more than {node['maxItems']} items")
        if isinstance(value, str):
            if len(value) < node.get("minLength", 0):
                out.append(f"{path}: shorter than {node['minLength']}")
            if "pattern" in node and not re.search(node["pattern"], value):
                out.append(f"{path}: does not match {node['pattern']}")
            if node.get("format") == "date":
                try:
                    date.fromisoformat(value)
                except ValueError:
                    out.append(f"{path}: {value!r} is not a date")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "minimum" in node and value < node["minimum"]:
                out.append(f"{path}: below {node['minimum']}")
            if "maximum" in node and value > node["maximum"]:
                out.append(f"{path}: above {node['maximum']}")
        return out

    def _object(self, value: dict[str, Any], node: dict[str, Any], path: str) -> list[str]:
        out: list[str] = []
        props = node.get("properties", {})
        for key in node.get("required", []):
            if key not in value:
                out.append(f"{path}: {key!r} is required")
        if len(value) < node.get("minProperties", 0):
            out.append(f"{path}: fewer than {node['minProperties']} keys")
        for key, item in value.items():
            if "propertyNames" in node:
                out += self.errors(key, node["propertyNames"], f"{path}/{key}")
            if key in props:
                out += self.errors(item, props[key], f"{path}/{key}")
            elif node.get("additionalProperties") is False:
                out.append(f"{path}: {key!r} is not allowed")
            elif isinstance(node.get("additionalProperties"), dict):
                out += self.errors(item, node["additionalProperties"], f"{path}/{key}")
        return out


def _is_type(value: Any, kind: str | list[str]) -> bool:
    kinds = [kind] if isinstance(kind, str) else kind
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    return any(checks[k](value) for k in kinds)


def _as_json(path: Path) -> Any:
    """The policy as an editor's YAML language server sees it (dates are strings)."""
    data, _ = load_yaml(path.read_bytes(), file=str(path))
    return json.loads(json.dumps(data, default=str))


def test_the_validator_rejects_what_it_should(schema: dict[str, Any]) -> None:
    validator = _Validator(schema)
    good = _as_json(ROOT / "policies" / "after-sales-response.yaml")
    bad = json.loads(json.dumps(good))
    bad["stages"]["closure"]["taget"] = bad["stages"]["closure"].pop("target")
    bad["calendars"]["office"]["hours"] = "24/7"
    bad["slarules"] = 2
    found = validator.errors(bad, schema)
    assert any("'taget' is not allowed" in e for e in found)
    assert any(e.startswith("/calendars/office/hours") for e in found)
    assert any(e.startswith("/slarules") for e in found)


@pytest.mark.parametrize("path", POLICY_FILES, ids=[p.stem for p in POLICY_FILES])
def test_bundled_policies_validate_against_the_schema(schema: dict[str, Any], path: Path) -> None:
    assert _Validator(schema).errors(_as_json(path), schema) == []


def test_the_reference_policy_points_editors_at_the_schema() -> None:
    first = (ROOT / "policies" / "after-sales-response.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/policy.schema.json"


def test_a_target_on_another_calendar_matches_the_schema(schema: dict[str, Any]) -> None:
    stage = {
        "start": "created",
        "stop": "closed",
        "target": {"due": "5 business days", "calendar": "office"},
    }
    node = schema["definitions"]["StageSpec"]
    assert _Validator(schema).errors(stage, node) == []


REFERENCE_MD = ROOT / "docs" / "policy-reference.md"
DOCUMENTED_SECTIONS = [
    "CalendarSpec",
    "FieldSpec",
    "HolidaysSpec",
    "PauseSpec",
    "PriorityChangeSpec",
    "PrioritySpec",
    "StageSpec",
    "StepSpec",
    "TargetSpec",
]


@pytest.mark.parametrize("section", ["<top level>", *DOCUMENTED_SECTIONS])
def test_every_key_is_in_the_policy_reference(schema: dict[str, Any], section: str) -> None:
    node = schema if section == "<top level>" else schema["definitions"][section]
    text = REFERENCE_MD.read_text(encoding="utf-8")
    missing = [key for key in node["properties"] if f"`{key}`" not in text]
    assert missing == [], f"document these keys of {section} in docs/policy-reference.md"


def test_the_schema_also_flags_misspelt_keys_in_editors(schema: dict[str, Any]) -> None:
    broken = ROOT / "tests" / "policies" / "broken"
    files = [p for p in sorted(broken.glob("*.yaml")) if "unknown-key" in p.read_text()[:60]]
    assert len(files) >= 5
    for path in files:
        errors = _Validator(schema).errors(_as_json(path), schema)
        assert errors, path.name


def test_spellings_the_loader_accepts_are_accepted_by_the_schema(schema: dict[str, Any]) -> None:
    text = (ROOT / "policies" / "after-sales-response.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2025.1"', "version: 2025.10")  # an unquoted number
    text = text.replace("notify: [assignee]", "notify: assignee")  # one role, no brackets
    text = text.replace(
        "pause: {status: [waiting_for_parts, waiting_on_customer]}",
        "pause: {status: waiting_for_parts}",
    )
    data, _ = load_yaml(text)
    assert Policy.from_yaml(text).version == "2025.10"
    assert _Validator(schema).errors(json.loads(json.dumps(data, default=str)), schema) == []


@pytest.mark.parametrize(
    ("find", "replace"),
    [
        ("    default: true", "    default: yes"),
        ("    default: true", "    default: on"),
        ("    default: true", '    default: "true"'),
        ("    default: true", "    default: 1"),
        ("required: true", "required: yes"),
        ("required: true", "required: 'true'"),
        ("slarules: 1", "slarules: true"),
        ("slarules: 1", "slarules: 1.0"),
        ("slarules: 1", 'slarules: "1"'),
    ],
)
def test_what_the_schema_refuses_as_not_a_boolean_the_loader_refuses_too(
    schema: dict[str, Any], find: str, replace: str
) -> None:
    text = (ROOT / "policies" / "after-sales-response.yaml").read_text(encoding="utf-8")
    assert find in text
    text = text.replace(find, replace, 1)
    data, _ = load_yaml(text)
    assert _Validator(schema).errors(json.loads(json.dumps(data, default=str)), schema)
    with pytest.raises(PolicyError) as info:
        Policy.from_yaml(text, file="p.yaml")
    (problem,) = info.value.problems
    line = text[: text.index(replace)].count("\n") + 1
    assert problem.line == line
    if replace.startswith("slarules"):
        assert (problem.code, problem.hint) == ("bad-value", "write slarules: 1 (unquoted)")
    else:
        assert problem.code == "wrong-type"
        assert "should be true or false" in problem.message
        assert (problem.hint or "").startswith("write true or false")


# ------------------------------------------------------------ the schema of policy test files

TEST_FILES = sorted((ROOT / "policies").glob("*.test.yaml"))


def test_committed_policy_test_schema_is_fresh() -> None:
    committed = (ROOT / "schema" / "policy-test.schema.json").read_text(encoding="utf-8")
    assert committed == json.dumps(policy_test_schema(), indent=2, ensure_ascii=False) + "\n", (
        "schema/policy-test.schema.json is stale; regenerate it with "
        "`slarules schema --test-file > schema/policy-test.schema.json`"
    )


def test_the_policy_test_schema_is_draft_07_and_self_contained() -> None:
    document = policy_test_schema()
    assert document["$schema"] == "http://json-schema.org/draft-07/schema#"
    used = {key for _, node in _subschemas(document) for key in node}
    assert not used & NEWER_KEYWORDS
    for ref in {n["$ref"] for _, n in _subschemas(document) if "$ref" in n}:
        assert ref.removeprefix("#/definitions/") in document["definitions"], ref


@pytest.mark.parametrize("path", TEST_FILES, ids=[p.stem for p in TEST_FILES])
def test_bundled_test_files_validate_against_their_schema(path: Path) -> None:
    document = policy_test_schema()
    assert _Validator(document).errors(_as_json(path), document) == []
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/policy-test.schema.json"


def test_the_policy_test_schema_flags_a_misspelt_expectation() -> None:
    document = policy_test_schema()
    data = _as_json(TEST_FILES[0])
    data["cases"][0]["expect"]["priorty"] = "urgent"
    assert any("'priorty' is not allowed" in e for e in _Validator(document).errors(data, document))
