"""Run test cases: evaluate each case's ticket at its instant and check every claim."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from slarules._errors import PolicyError, Problem, SlaRulesError, UsageError
from slarules._policy import Policy

from ._load import TEST_SUFFIXES, Case, TestFile, load_test_file

__all__ = [
    "CaseResult",
    "Failure",
    "RunResult",
    "find_test_files",
    "run_case",
    "run_file",
    "run_paths",
]


@dataclass(frozen=True, slots=True)
class Failure:
    """A claim that did not hold: what was checked, what was expected, what was found."""

    expectation: str
    expected: str
    actual: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.expectation}: expected {self.expected}, got {self.actual}"


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case. ``passed`` when no claim failed."""

    file: str
    name: str
    line: int | None
    failures: tuple[Failure, ...] = ()
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.failures


def run_case(test_file: TestFile, case: Case, *, policy: Policy | None = None) -> CaseResult:
    """Evaluate ``case`` against the test file's policy (or ``policy``, e.g. a mutant)."""
    started = time.perf_counter()
    target = policy if policy is not None else test_file.policy
    try:
        evaluation = target.evaluate(case.ticket, at=case.at)
    except SlaRulesError as exc:
        failure = Failure("ticket", "a ticket the policy can evaluate", str(exc), case.line)
        return CaseResult(
            test_file.path, case.name, case.line, (failure,), time.perf_counter() - started
        )
    failures: list[Failure] = []
    for claim in case.expectations:
        try:
            actual = claim.check(evaluation)
        except KeyError as exc:  # a stage the policy run against does not have
            actual = f"no stage {exc.args[0]!r}"
        if actual is not None:
            failures.append(Failure(claim.text, claim.expected, actual, claim.line))
    return CaseResult(
        test_file.path, case.name, case.line, tuple(failures), time.perf_counter() - started
    )


def run_file(test_file: TestFile, *, policy: Policy | None = None) -> tuple[CaseResult, ...]:
    """Every case of ``test_file``, in file order."""
    return tuple(run_case(test_file, case, policy=policy) for case in test_file.cases)


@dataclass(frozen=True, slots=True)
class RunResult:
    """The outcome of a run: the files loaded, one result per case, and the counts."""

    files: tuple[TestFile, ...]
    results: tuple[CaseResult, ...]
    problems: tuple[Problem, ...] = field(default=())  # of the test files that did not load
    unloaded: tuple[str, ...] = field(default=())  # those test files

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return self.total - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.problems

    def summary(self) -> str:
        """``N tests, N passed, N failed``: the last line of every report."""
        return f"{self.total} tests, {self.passed} passed, {self.failed} failed"

    def by_file(self) -> dict[str, list[CaseResult]]:
        """The results grouped by test file, in run order."""
        out: dict[str, list[CaseResult]] = {f.path: [] for f in self.files}
        for result in self.results:
            out.setdefault(result.file, []).append(result)
        return out


def _tests_of(path: Path) -> Path | None:
    if path.name.endswith(TEST_SUFFIXES) or path.suffix not in (".yaml", ".yml"):
        return None
    tests = path.with_name(path.stem + ".test" + path.suffix)
    return tests if tests.is_file() else None


def find_test_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, and the ``*.test.yaml`` files under folders named, in a stable order.

    A policy file named (``x.yaml`` with an ``x.test.yaml`` beside it) stands for its test
    file, so a hook can pass the files that changed. Raises ``UsageError`` for a path that
    does not exist.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                child
                for child in sorted(path.rglob("*"))
                if child.is_file() and child.name.endswith(TEST_SUFFIXES)
            )
        elif path.is_file():
            tests = _tests_of(path)
            found.append(tests if tests is not None else path)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return list(dict.fromkeys(found))


def run_files(paths: Iterable[str | os.PathLike[str]]) -> RunResult:
    """Load and run each test file; a malformed one is recorded in ``problems``, not raised.

    Raises ``UsageError`` only for a file that cannot be read.
    """
    files: list[TestFile] = []
    problems: list[Problem] = []
    unloaded: list[str] = []
    for path in paths:
        try:
            files.append(load_test_file(path))
        except PolicyError as exc:
            problems.extend(
                p if p.file is not None else replace(p, file=str(path)) for p in exc.problems
            )
            unloaded.append(str(path))
    results = tuple(r for f in files for r in run_file(f))
    return RunResult(tuple(files), results, tuple(problems), tuple(unloaded))


def run_paths(paths: Iterable[str | os.PathLike[str]]) -> RunResult:
    """Find, load and run every test file under ``paths``.

    Raises ``UsageError`` when a path is missing or no test file is found, and
    ``PolicyError`` (every problem of every malformed file) when a test file or a policy
    it tests is invalid.
    """
    names = [str(p) for p in paths]
    found = find_test_files(names)
    if not found:
        raise UsageError(f"no test files (*.test.yaml) found in {', '.join(names)}")
    result = run_files(found)
    if result.problems:
        raise PolicyError(result.problems)
    return result
