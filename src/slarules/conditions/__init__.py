"""The condition language: field declarations, ticket-field validation and compiled conditions.

See ``docs/conditions.md``. Everything here is re-exported from the private modules.
"""

from __future__ import annotations

from ._compile import compile_condition
from ._condition import TRUE, Condition
from ._env import Env
from ._fields import FieldSet, FieldSpec
from ._regex import MAX_PATTERN_LENGTH
from ._resolve import Scope
from ._schema import condition_json_schema
from ._select import first_match
from ._types import MAX_STRING_LENGTH, FieldType

__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_STRING_LENGTH",
    "TRUE",
    "Condition",
    "Env",
    "FieldSet",
    "FieldSpec",
    "FieldType",
    "Scope",
    "compile_condition",
    "condition_json_schema",
    "first_match",
]
