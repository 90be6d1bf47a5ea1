"""GitHub Actions workflow commands (``::error file=…,line=…::message``): one formatter.

Used by every verb with ``--format github`` so annotations are escaped the same way.
"""

from __future__ import annotations

from ._errors import Problem

__all__ = ["annotation", "problem_annotation"]


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: str,
    message: str,
    *,
    title: str,
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> str:
    """One annotation; ``level`` is ``error``, ``warning`` or ``notice``."""
    props = [f"file={_prop(file)}"] if file else []
    if line:
        props.append(f"line={line}")
    if column:
        props.append(f"col={column}")
    props.append(f"title={_prop(title)}")
    return f"::{level} {','.join(props)}::{_escape(message)}"


def problem_annotation(problem: Problem) -> str:
    """A policy problem as an annotation at its file, line and column."""
    message = problem.message + (f"; {problem.hint}" if problem.hint else "")
    return annotation(
        "error" if problem.severity == "error" else "warning",
        message,
        title=f"slarules {problem.code}",
        file=problem.file,
        line=problem.line,
        column=problem.column,
    )
