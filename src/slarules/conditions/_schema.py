"""A draft-07 JSON Schema fragment for conditions, for editors (merged into the policy schema)."""

from __future__ import annotations

from typing import Any

from ._operators import OPERATORS

__all__ = ["condition_json_schema"]

_REF = "#/definitions/"
_SCALAR: dict[str, Any] = {
    "description": "A string, number, boolean or ISO 8601 date-time.",
    "type": ["string", "number", "integer", "boolean"],
}
_OPERAND: dict[str, dict[str, Any]] = {
    "one": {"$ref": _REF + "slarules_condition_scalar"},
    "many": {"type": "array", "minItems": 1, "items": {"$ref": _REF + "slarules_condition_scalar"}},
    "items": {
        "type": "array",
        "minItems": 1,
        "items": {"$ref": _REF + "slarules_condition_scalar"},
    },
    "pair": {
        "type": "array",
        "minItems": 2,
        "maxItems": 2,
        "items": {"$ref": _REF + "slarules_condition_scalar"},
    },
    "bool": {"type": "boolean"},
    "pattern": {"type": "string"},
    "text": {"type": "string"},
    "text-or-item": {"$ref": _REF + "slarules_condition_scalar"},
}


# one example operand per operator, for editors' completion (a test checks none is missing)
_EXAMPLES: dict[str, Any] = {
    "eq": "urgent",
    "ne": "suggestion",
    "in": ["urgent", "important"],
    "not_in": ["suggestion"],
    "lt": 2,
    "lte": 2,
    "gt": 7,
    "gte": 7,
    "between": [0, 7],
    "contains": "refund",
    "starts_with": "VIP-",
    "ends_with": "@example.com",
    "matches": "^ORD-[0-9]+$",
    "exists": True,
    "empty": False,
    "any_of": ["billing", "refund"],
    "all_of": ["billing", "refund"],
    "none_of": ["spam"],
}


def condition_json_schema() -> dict[str, Any]:
    """The schema of one condition: ``{"$ref": ..., "definitions": {...}}`` (draft-07)."""
    condition = _REF + "slarules_condition"
    operators = {
        name: {
            "description": op.description,
            **({"examples": [_EXAMPLES[name]]} if name in _EXAMPLES else {}),
            **_OPERAND[op.operand],
        }
        for name, op in OPERATORS.items()
    }
    junction = {"type": "array", "minItems": 1, "items": {"$ref": condition}}
    return {
        "$ref": condition,
        "definitions": {
            "slarules_condition": {
                "description": (
                    "A condition: a mapping of field to test (every key must hold), combined "
                    "with all/any/not. A test on a field the ticket lacks is false."
                ),
                "oneOf": [
                    {"type": "boolean", "description": "Always (true) or never (false)."},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "properties": {
                            "all": {
                                "description": "Every condition holds.",
                                "examples": [[{"level": "urgent"}, {"customer_grade": "vip"}]],
                                **junction,
                            },
                            "any": {
                                "description": "At least one condition holds.",
                                "examples": [[{"system_down": True}, {"return_requested": True}]],
                                **junction,
                            },
                            "not": {
                                "description": "The condition does not hold.",
                                "examples": [{"kind": "suggestion"}],
                                "$ref": condition,
                            },
                        },
                        "additionalProperties": {"$ref": _REF + "slarules_condition_test"},
                    },
                ],
            },
            "slarules_condition_test": {
                "description": (
                    "A value (equality), a list of values (one of them), or a mapping of "
                    "operators (all must hold). Keys are field names, dotted paths "
                    "(customer.grade), fields.<name>, or the built-ins priority, status and "
                    "events.<name> (stage and ladder conditions only)."
                ),
                "anyOf": [
                    {"$ref": _REF + "slarules_condition_scalar"},
                    {"type": "array", "items": {"$ref": _REF + "slarules_condition_scalar"}},
                    {"$ref": _REF + "slarules_condition_operators"},
                ],
            },
            "slarules_condition_operators": {
                "description": "Operators applied to the field; every one must hold.",
                "type": "object",
                "minProperties": 1,
                "additionalProperties": False,
                "properties": operators,
            },
            "slarules_condition_scalar": _SCALAR,
        },
    }
