"""The JSON Schema of a policy file, generated from the models (draft-07 for editors).

The YAML language server supports no draft newer than 07, so pydantic's 2020-12 output is
translated: ``$defs`` becomes ``definitions`` and references follow.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ._model import PolicySpec
from .conditions import condition_json_schema

__all__ = ["SCHEMA_ID", "TEST_SCHEMA_ID", "policy_schema", "policy_test_schema"]

SCHEMA_ID = "https://slarules.dev/schema/policy.schema.json"
TEST_SCHEMA_ID = "https://slarules.dev/schema/policy-test.schema.json"
_CONDITION_REF = "#/definitions/Condition"


def _retarget(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            elif key == "$defs":
                continue
            else:
                out[key] = _retarget(value)
        return out
    if isinstance(node, list):
        return [_retarget(v) for v in node]
    return node


def _one_of_as_any_of(node: Any) -> Any:
    """Tagged unions come out as ``oneOf``, but their branches may overlap in JSON Schema
    (``{due, calendar}`` is also a mapping of priority to text): the tag decides, so
    ``anyOf`` is the faithful translation."""
    if isinstance(node, dict):
        return {
            ("anyOf" if key == "oneOf" else key): _one_of_as_any_of(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_one_of_as_any_of(v) for v in node]
    return node


def _use_condition(node: Any) -> Any:
    """Point every condition-valued key at the condition definition."""
    if isinstance(node, dict):
        for key in ("when",):
            prop = node.get("properties", {}).get(key)
            if isinstance(prop, dict):
                node["properties"][key] = {
                    "description": prop.get("description", "A condition."),
                    "examples": prop.get("examples", [{"level": "urgent"}]),
                    "anyOf": [{"$ref": _CONDITION_REF}, {"type": "null"}],
                }
        for value in node.values():
            _use_condition(value)
    elif isinstance(node, list):
        for value in node:
            _use_condition(value)
    return node


def _draft07(model: type[BaseModel], *, schema_id: str, title: str) -> dict[str, Any]:
    """A pydantic model's schema as draft-07, with the condition language merged in."""
    raw = _one_of_as_any_of(model.model_json_schema(by_alias=True))
    definitions = {name: _retarget(d) for name, d in raw.get("$defs", {}).items()}
    cond = condition_json_schema()
    cond_defs = cond.pop("definitions", {})
    definitions.update({k: _retarget(v) for k, v in cond_defs.items()})
    definitions["Condition"] = _retarget(cond)
    body = _retarget(raw)
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": schema_id,
        "title": title,
        **{k: v for k, v in body.items() if k != "title"},
        "definitions": definitions,
    }
    result: dict[str, Any] = json.loads(json.dumps(_use_condition(schema)))
    return result


def policy_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a policy file."""
    return _draft07(PolicySpec, schema_id=SCHEMA_ID, title="slarules policy")


def policy_test_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of a policy test file (``*.test.yaml``)."""
    from .policytest._spec import TestFileSpec

    schema = _draft07(TestFileSpec, schema_id=TEST_SCHEMA_ID, title="slarules policy tests")
    definitions = schema["definitions"]
    for key in [k for k in definitions if k == "Condition" or k.startswith("slarules_condition")]:
        del definitions[key]  # test files hold no conditions
    # `no_actions: all` is read as "no action at all" before the model sees it
    no_actions = definitions["ExpectSpec"]["properties"]["no_actions"]
    no_actions["anyOf"].append({"const": "all"})
    return schema
