"""Did-you-mean hints for unknown keys anywhere in a test file, lists and mappings included."""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from slarules._errors import Problem
from slarules._suggest import did_you_mean

__all__ = ["with_key_hints"]


def _models_in(tp: Any) -> tuple[list[type[BaseModel]], bool, bool]:
    """The models a type annotation may hold, and whether it is a list / a mapping of them."""
    origin = get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp], False, False
    if origin in (Union, types.UnionType) or (
        origin is not None and str(origin).endswith("Annotated")
    ):
        models: list[type[BaseModel]] = []
        is_list = is_map = False
        for arg in get_args(tp):
            found, lst, mp = _models_in(arg)
            models.extend(found)
            is_list, is_map = is_list or lst, is_map or mp
        return models, is_list, is_map
    if origin is list:
        models = _models_in(get_args(tp)[0])[0]
        return models, bool(models), False
    if origin is dict:
        models = _models_in(get_args(tp)[1])[0]
        return models, False, bool(models)
    return [], False, False


def _allowed(model: type[BaseModel], path: Sequence[str | int]) -> list[str]:
    current: type[BaseModel] | None = model
    i = 0
    while i < len(path) and current is not None:
        field = current.model_fields.get(str(path[i]))
        if field is None:
            return []
        models, is_list, is_map = _models_in(field.annotation)
        current = models[0] if models else None
        i += 1 + (1 if (is_list or is_map) and i + 1 < len(path) else 0)
    if current is None:
        return []
    return list(current.model_fields)


def with_key_hints(model: type[BaseModel], problems: Sequence[Problem]) -> list[Problem]:
    """``problems`` with a did-you-mean (or the allowed keys) on each unknown key."""
    out: list[Problem] = []
    for problem in problems:
        if problem.code == "unknown-key" and problem.path and not problem.hint:
            key = str(problem.path[-1])
            allowed = _allowed(model, problem.path[:-1])
            hint = did_you_mean(key, allowed) or (
                f"allowed keys are: {', '.join(sorted(allowed))}" if allowed else None
            )
            problem = replace(problem, hint=hint)
        out.append(problem)
    return out
