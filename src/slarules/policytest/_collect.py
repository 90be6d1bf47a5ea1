"""Problems found while loading a test file, each placed at its file:line:col."""

from __future__ import annotations

from dataclasses import replace

from slarules._errors import Problem
from slarules._yaml import SourceMap

__all__ = ["Collector", "KeyPath"]

KeyPath = tuple[str | int, ...]


class Collector:
    """Collects located problems; ``line`` finds where a value was written."""

    def __init__(self, file: str, source_map: SourceMap) -> None:
        self.file = file
        self.source_map = source_map
        self.problems: list[Problem] = []

    def add(
        self,
        code: str,
        message: str,
        path: KeyPath,
        hint: str | None = None,
        *,
        at_key: bool = False,
    ) -> None:
        problem = Problem(code, message, hint, path, file=self.file)
        mark = self.source_map.key(path) if at_key else None
        if mark is not None:
            problem = replace(problem, line=mark.line, column=mark.column)
        self.problems.append(self.source_map.locate(problem))

    def line(self, path: KeyPath) -> int | None:
        mark = self.source_map.value(path)
        return mark.line if mark is not None else None
