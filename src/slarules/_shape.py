"""Validate plain data against a pydantic model and report problems a policy author can fix.

This is the single place where pydantic's ``ValidationError`` becomes ``PolicyError``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel

from ._errors import Path, PolicyError, Problem
from ._suggest import did_you_mean

__all__ = ["validate_shape"]

M = TypeVar("M", bound=BaseModel)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a model accepts at ``loc`` (best effort, for suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
            # unwrap Optional / containers to the first BaseModel found
            current = _first_model(current)
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _first_model(tp: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in getattr(tp, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _clean_loc(loc: tuple[Any, ...]) -> Path:
    # pydantic inserts union-member tags and function names into ``loc``; drop them
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int):
            out.append(part)
        elif isinstance(part, str) and (
            part.startswith("function-") or "[" in part or part in {"str", "int", "float", "bool"}
        ):
            continue
        else:
            out.append(part)
    return tuple(out)


def _problem(model: type[BaseModel], err: Any, prefix: Path) -> Problem:
    kind = err["type"]
    loc = _clean_loc(tuple(err["loc"]))
    path = (*prefix, *loc)
    where = loc[-1] if loc else "value"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        allowed = _allowed_keys(model, loc)
        hint = did_you_mean(key, allowed) or (
            f"allowed keys are: {', '.join(sorted(allowed))}" if allowed else None
        )
        return Problem("unknown-key", f"{key!r} is not a known setting here", hint, path)
    if kind == "missing":
        return Problem("missing-key", f"{where!r} is required here", None, path)
    msg = err.get("msg", "invalid value")
    ctx = err.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        msg = str(ctx["error"])
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    hint = None
    if "; " in msg:
        msg, hint = msg.split("; ", 1)
    code = "bad-value" if kind in {"value_error", "assertion_error"} else "wrong-type"
    if kind in {"literal_error", "enum"}:
        code = "bad-value"
        expected = ctx.get("expected")
        if expected:
            hint = f"expected {expected}"
        got = err.get("input")
        options = [s.strip().strip("'") for s in str(expected or "").replace(" or ", ",").split(",")]
        if isinstance(got, str):
            hint = did_you_mean(got, [o for o in options if o]) or hint
        msg = f"{got!r} is not allowed for {where!r}"
    return Problem(code, msg, hint, path)


def validate_shape(model: type[M], data: Any, *, prefix: Path = ()) -> M:
    """``model.model_validate(data)``, with every failure turned into a ``PolicyError``."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = [_problem(model, e, prefix) for e in exc.errors()]
        raise PolicyError(problems) from exc
