"""Regular expressions for ``matches``: RE2 only (linear time), errors said plainly at load."""

from __future__ import annotations

from typing import Any

import re2

from ._values import BadValue

__all__ = ["MAX_PATTERN_LENGTH", "compile_regex"]

MAX_PATTERN_LENGTH = 1_000
"""The longest ``matches`` pattern accepted, in characters."""

_UNSUPPORTED = ("invalid escape sequence: \\", "invalid perl operator: (?", "invalid named capture")
_HINT_UNSUPPORTED = (
    "RE2 runs in linear time on any input, so it has no back-references or look-around "
    "((?=...), (?!...), (?<=...)); rewrite the pattern without them"
)
_HINT_SYNTAX = "see https://github.com/google/re2/wiki/Syntax"


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # otherwise RE2 prints parse errors to stderr
    return options


_OPTIONS = _options()


def compile_regex(pattern: Any) -> Any:
    """Compile ``pattern`` with RE2; raise ``BadValue(code="bad-regex")`` saying why not."""
    if not isinstance(pattern, str):
        raise BadValue(
            f"a pattern must be a string, not {type(pattern).__name__}",
            "quote the pattern",
            "bad-regex",
        )
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise BadValue(
            f"the pattern is {len(pattern)} characters long; the limit is {MAX_PATTERN_LENGTH}",
            None,
            "bad-regex",
        )
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "unknown error"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        reason = str(reason)
        hint = _HINT_UNSUPPORTED if reason.startswith(_UNSUPPORTED) else _HINT_SYNTAX
        raise BadValue(f"RE2 cannot compile {pattern!r}: {reason}", hint, "bad-regex") from exc
