from __future__ import annotations

import json
from typing import Any

from slarules.conditions import condition_json_schema
from slarules.conditions._operators import OPERATORS


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if "$ref" in node else set()
        for v in node.values():
            found |= _refs(v)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    return set()


def test_schema_is_json_and_every_reference_resolves() -> None:
    schema = condition_json_schema()
    json.dumps(schema)
    for ref in _refs(schema):
        assert ref.startswith("#/definitions/")
        assert ref.removeprefix("#/definitions/") in schema["definitions"]


def test_every_operator_is_described_in_the_schema() -> None:
    ops = condition_json_schema()["definitions"]["slarules_condition_operators"]
    assert set(ops["properties"]) == set(OPERATORS)
    assert ops["additionalProperties"] is False
    for spec in ops["properties"].values():
        assert spec["description"]


def test_combinators_are_in_the_schema() -> None:
    cond = condition_json_schema()["definitions"]["slarules_condition"]
    mapping = cond["oneOf"][1]
    assert set(mapping["properties"]) == {"all", "any", "not"}
