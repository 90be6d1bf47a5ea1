"""Validate plain data against a pydantic model and report problems a policy author can fix.

This is the single place where pydantic's ``ValidationError`` becomes ``PolicyError``.
Messages name the section a key belongs to ("'taget' is not a stage setting; did you mean
'target'?") and say what was expected in the author's words ("should be a list"), never
pydantic's. A validator may raise ``PydanticCustomError("bad-target", "message; hint")``:
an error type containing ``-`` is used as the problem's code.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel

from ._durations import show
from ._errors import Path, PolicyError, Problem, format_path
from ._suggest import did_you_mean, suggest

__all__ = ["SECTION_NAMES", "validate_shape"]

M = TypeVar("M", bound=BaseModel)

SECTION_NAMES: dict[str, str] = {
    "PolicySpec": "policy setting",
    "CalendarSpec": "calendar setting",
    "HolidaysSpec": "holidays setting",
    "FieldSpec": "field setting",
    "PrioritySpec": "priority setting",
    "StageSpec": "stage setting",
    "PauseSpec": "pause setting",
    "TargetSpec": "target setting",
    "StepSpec": "ladder step setting",
    "PriorityChangeSpec": "priority_change setting",
    "ReportSpec": "report setting",
    "SatisfactionSpec": "satisfaction setting",
    "SatisfactionClassSpec": "satisfaction class setting",
    "ComplaintsSpec": "complaints setting",
}
"""How an unknown-key message names the section a key was written in, by model name."""

# pydantic error type -> what the value should have been, in a policy author's words
_EXPECTED: dict[str, str] = {
    "string_type": "text",
    "string_unicode": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of settings",
    "model_attributes_type": "a mapping of settings",
    "dataclass_type": "a mapping of settings",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time",
    "datetime_parsing": "a date and time",
}


def _options(tp: Any) -> list[Any]:
    """The alternatives of a type: ``Annotated`` unwrapped, unions flattened."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _options(typing.get_args(tp)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [o for arg in typing.get_args(tp) for o in _options(arg)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _step(tp: Any, part: str | int) -> Any:
    """The type found one key (or list index) below ``tp``, or ``None``."""
    for option in _options(tp):
        origin = typing.get_origin(option)
        if _is_model(option) and isinstance(part, str):
            for name, field in option.model_fields.items():
                if part in (name, field.alias):
                    return field.annotation
        elif origin is dict and isinstance(part, str):
            return typing.get_args(option)[1]
        elif origin in (list, tuple) and isinstance(part, int):
            return typing.get_args(option)[0]
    return None


def _model_at(model: type[BaseModel], loc: Path) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc`` (best effort, for messages)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    for option in _options(current):
        if _is_model(option):
            found: type[BaseModel] = option
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


def _name(loc: Path) -> str:
    """``workdays[0]`` for ``(..., "workdays", 0)``: the key as the author wrote it."""
    start = len(loc)
    while start > 0 and isinstance(loc[start - 1], int):
        start -= 1
    return format_path(loc[max(start - 1, 0) :]) or "the policy"


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _wrong_type(kind: str, loc: Path, got: Any) -> tuple[str, str | None] | None:
    expected = _EXPECTED.get(kind)
    if expected is None:
        return None
    name = _name(loc)
    message = f"{name!r} should be {expected}, not {_describe(got)}"
    hint: str | None = None
    if got is None:
        hint = "write a value after the colon"
    elif expected == "a list" and isinstance(got, str | int | float):
        hint = f"write it as a list: [{got}]"
    elif expected == "a list" and isinstance(got, dict):
        hint = "write one item per line, each starting with '- '"
    elif expected.startswith("a mapping") and isinstance(got, list):
        hint = "write 'name:' keys under it, not '- ' items"
    elif expected == "text" and isinstance(got, int | float) and not isinstance(got, bool):
        hint = f"quote it: '{got}'"
    elif expected == "text" and isinstance(got, list):
        one = len(got) == 1 and isinstance(got[0], str)
        short = one and len(got[0]) <= 40
        hint = f"write it without the brackets: {got[0]}" if short else "write a single value"
    elif expected == "true or false":
        hint = "write true or false, unquoted (yes, on and quoted 'true' are text)"
    elif expected.startswith("a date") and isinstance(got, str):
        hint = "write a date as YYYY-MM-DD, e.g. 2025-12-27"
    elif expected == "a mapping of settings" and isinstance(got, str):
        hint = "write 'key: value' settings under it, not a single value"
    return message, hint


def _wrong_root(model: type[BaseModel], got: Any) -> tuple[str, str]:
    """The whole document (or mapping) is not a mapping."""
    noun = SECTION_NAMES.get(model.__name__, "setting").removesuffix(" setting")
    if got is None:
        return f"the {noun} is empty", "write its settings as 'key: value' lines"
    return (
        f"a {noun} is a mapping of settings, not {_describe(got)}",
        "write its settings as 'key: value' lines, e.g. 'slarules: 1'"
        if noun == "policy"
        else "write its settings as 'key: value' lines",
    )


def _allowed(model: type[BaseModel], loc: Path) -> tuple[type[BaseModel] | None, list[str]]:
    """The section (model) holding the key at ``loc``, and the keys it allows."""
    section = _model_at(model, loc[:-1])
    if section is None:
        return None, []
    return section, [f.alias or name for name, f in section.model_fields.items()]


def _unknown_key(model: type[BaseModel], loc: Path, path: Path) -> Problem:
    key = str(loc[-1]) if loc else "?"
    section, allowed = _allowed(model, loc)
    noun = SECTION_NAMES.get(section.__name__, "known setting here") if section else None
    hint = did_you_mean(key, allowed) or (
        f"allowed keys are: {', '.join(sorted(allowed))}" if allowed else None
    )
    return Problem("unknown-key", f"{key!r} is not a {noun or 'known setting here'}", hint, path)


def _key_problem(model: type[BaseModel], err: Any, prefix: Path) -> Problem | None:
    """A mapping key of the wrong kind: ``5:`` for a stage name, ``7:`` among settings."""
    raw = tuple(err["loc"])
    if err["type"] == "invalid_key" and raw:  # a key of a settings mapping that is not text
        loc = (*_clean_loc(raw[:-1]), str(raw[-1]))
        return _unknown_key(model, loc, (*prefix, *loc))
    if not raw or raw[-1] != "[key]":
        return None
    loc = _clean_loc(raw[:-1])
    loc = (*loc[:-1], str(loc[-1])) if loc else loc  # paths name keys as text (SourceMap)
    key = err.get("input")
    expected = _EXPECTED.get(err["type"], "text")
    hint = "write a date as YYYY-MM-DD, e.g. 2025-12-31" if expected.startswith("a date") else None
    if expected == "text" and isinstance(key, int | float) and not isinstance(key, bool):
        hint = f"quote it: '{key}'"
    message = f"the key {show(key)} in {_name(loc[:-1])!r} should be {expected}"
    return Problem("wrong-type", message, hint, (*prefix, *loc))


def _problem(model: type[BaseModel], err: Any, prefix: Path) -> Problem:
    kind = err["type"]
    keyed = _key_problem(model, err, prefix)
    if keyed is not None:
        return keyed
    loc = _clean_loc(tuple(err["loc"]))
    path = (*prefix, *loc)
    where = loc[-1] if loc else "value"
    if kind == "extra_forbidden":
        return _unknown_key(model, loc, path)
    if kind == "missing":
        section = _model_at(model, loc[:-1])
        noun = SECTION_NAMES.get(section.__name__) if section else None
        owner = noun.removesuffix(" setting") if noun else None
        if owner is None:
            return Problem("missing-key", f"{where!r} is required here", None, path)
        return Problem(
            "missing-key",
            f"{where!r} is missing",
            f"every {owner} needs '{where}:'",
            path,
        )
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
    if "-" in kind:  # a PydanticCustomError raised with one of our codes
        code = kind
    elif kind in {"literal_error", "enum"}:
        code = "bad-value"
        expected = ctx.get("expected")
        if expected:
            hint = f"expected {expected}"
        got = err.get("input")
        options = [
            s.strip().strip("'") for s in str(expected or "").replace(" or ", ",").split(",")
        ]
        if isinstance(got, str):
            hint = did_you_mean(got, [o for o in options if o]) or hint
        msg = f"{got!r} is not allowed for {_name(loc)!r}"
    elif not loc and kind in _EXPECTED:
        msg, hint = _wrong_root(model, err.get("input"))
    else:
        friendly = _wrong_type(kind, loc, err.get("input"))
        if friendly is not None:
            msg, hint = friendly
    return Problem(code, msg, hint, path)


def _misspelt(model: type[BaseModel], errors: list[Any]) -> set[tuple[Path, str]]:
    """``(mapping path, key)`` of the keys that unknown keys look like misspellings of."""
    found: set[tuple[Path, str]] = set()
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        loc = _clean_loc(tuple(err["loc"]))
        meant = suggest(str(loc[-1]), _allowed(model, loc)[1]) if loc else None
        if meant is not None:
            found.add((loc[:-1], meant))
    return found


def _problems(model: type[BaseModel], errors: list[Any], prefix: Path) -> list[Problem]:
    """One problem per error, in order, without duplicates, and without a missing key
    that a misspelt key beside it already explains (``contry`` for ``country``)."""
    misspelt = _misspelt(model, errors)
    out: dict[Problem, None] = {}  # in order, each once (a list's `in` made this quadratic)
    for err in errors:
        loc = _clean_loc(tuple(err["loc"]))
        if err["type"] == "missing" and loc and (loc[:-1], str(loc[-1])) in misspelt:
            continue
        out.setdefault(_problem(model, err, prefix))
    return list(out)


def validate_shape(model: type[M], data: Any, *, prefix: Path = ()) -> M:
    """``model.model_validate(data)``, with every failure turned into a ``PolicyError``."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise PolicyError(_problems(model, list(exc.errors()), prefix)) from exc
