"""The pytest plugin of slarules: policy test files (``*.test.yaml``) as pytest tests.

Registered through the ``pytest11`` entry point, so installing slarules is enough: pytest
collects every ``*.test.yaml`` in the folders it is pointed at (or recurses into) and
reports each case as one test, named after the case and located at its line. The cases
are loaded by ``slarules.policytest.load_test_file`` and checked by ``run_case``, the code
``slarules test`` runs, so both agree.

A ``*.test.yaml`` file is taken for a policy test file when its policy is beside it
(``x.yaml`` for ``x.test.yaml``) or it has a top-level ``policy:`` or ``cases:`` key, so
another tool's ``*.test.yaml`` files are not collected. Turn collection off with
``slarules_policy_tests = false`` in the pytest configuration, or with ``-p no:slarules``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from slarules.policytest import Case, CaseResult, TestFile

__all__ = [
    "PolicyCase",
    "PolicyCaseFailed",
    "PolicyTestFile",
    "pytest_addoption",
    "pytest_collect_file",
]

_SUFFIXES = (".test.yaml", ".test.yml")
_INI = "slarules_policy_tests"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        _INI,
        type="bool",
        default=True,
        help="slarules: collect policy test files (*.test.yaml) as tests (default: true).",
    )


def _is_policy_test(path: Path) -> bool:
    """A policy test file has its policy beside it or a top-level ``policy:``/``cases:``
    key; other projects' ``*.test.yaml`` files (fixtures, CI recipes) are left alone."""
    suffix = next(s for s in _SUFFIXES if path.name.endswith(s))
    stem = path.name[: -len(suffix)]
    if any((path.parent / (stem + ext)).is_file() for ext in (".yaml", ".yml")):
        return True
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return True  # let the loader report it
    return re.search(r"^(policy|cases)\s*:", text, re.MULTILINE) is not None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect a ``*.test.yaml`` (or ``*.test.yml``) policy test file."""
    if (
        file_path.name.endswith(_SUFFIXES)
        and parent.config.getini(_INI)
        and _is_policy_test(file_path)
    ):
        collector: pytest.Collector = PolicyTestFile.from_parent(parent, path=file_path)
        return collector
    return None


class PolicyCaseFailed(AssertionError):
    """A policy test case whose expectations did not hold."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.name)
        self.result = result


class PolicyTestFile(pytest.File):
    """One policy test file: its policy is loaded and its cases become items."""

    def collect(self) -> Iterator[pytest.Item]:
        from slarules import SlaRulesError
        from slarules.policytest import load_test_file

        try:
            test_file = load_test_file(self.path)
        except SlaRulesError as exc:  # a malformed test file or policy: file:line:col
            raise self.CollectError(str(exc)) from None
        for case in test_file.cases:
            yield PolicyCase.from_parent(self, name=case.name, test_file=test_file, case=case)


class PolicyCase(pytest.Item):
    """One case of a policy test file, run by ``slarules.policytest.run_case``."""

    def __init__(self, *, test_file: TestFile, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test_file = test_file
        self.case = case

    def runtest(self) -> None:
        from slarules.policytest import run_case

        result = run_case(self.test_file, self.case)
        if not result.passed:
            raise PolicyCaseFailed(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        error = excinfo.value
        if not isinstance(error, PolicyCaseFailed):
            return str(super().repr_failure(excinfo, style=style))
        result = error.result
        file = self.path.name
        lines = [f"{file}:{result.line}: {result.name}" if result.line else result.name]
        for failure in result.failures:
            where = f"{file}:{failure.line}" if failure.line is not None else file
            lines.append(f"  {where}: {failure.expectation}")
            lines.append(f"    expected: {failure.expected}")
            lines.append(f"    actual:   {failure.actual}")
        return "\n".join(lines)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.line - 1 if self.case.line is not None else None
        return self.path, line, self.case.name
