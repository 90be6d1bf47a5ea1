"""Renderers of a test run: text for people, JSON for tools, GitHub annotations, JUnit XML.

Each renderer takes the same ``RunResult`` and returns text; the CLI picks one by name
(``FORMATS``) and prints it. The summary line ``N tests, N passed, N failed`` is the
last line of the text and GitHub formats.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from slarules._github import annotation, problem_annotation

from ._run import CaseResult, Failure, RunResult

__all__ = ["FORMATS", "render", "render_junit"]


def _where(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line is not None else file


def _text(report: RunResult, verbose: bool) -> str:
    lines: list[str] = [str(p) for p in report.problems]
    for file, results in report.by_file().items():
        bad = [r for r in results if not r.passed]
        head = "FAIL" if bad else "ok  "
        lines.append(
            f"{head} {file} ({len(results)} tests" + (f", {len(bad)} failed)" if bad else ")")
        )
        for result in results:
            if result.passed:
                if verbose:
                    lines.append(f"  pass {_where(file, result.line)}  {result.name}")
                continue
            lines.append(f"  FAIL {_where(file, result.line)}  {result.name}")
            for failure in result.failures:
                lines.append(f"    {_where(file, failure.line)}: {failure.expectation}")
                lines.append(f"      expected: {failure.expected}")
                lines.append(f"      actual:   {failure.actual}")
    if report.unloaded:
        n = len(report.unloaded)
        lines.append(f"{n} test file{'s' if n != 1 else ''} could not be loaded")
    lines.append(report.summary())
    return "\n".join(lines)


def _annotation(file: str, result: CaseResult, failure: Failure) -> str:
    message = f"{failure.expectation}: expected {failure.expected}, got {failure.actual}"
    return annotation(
        "error",
        message,
        title=f"slarules test: {result.name}",
        file=file,
        line=failure.line or result.line,
    )


def _github(report: RunResult, verbose: bool) -> str:
    lines = [problem_annotation(p) for p in report.problems]
    for result in report.results:
        lines.extend(_annotation(result.file, result, f) for f in result.failures)
    lines.append(report.summary())
    return "\n".join(lines)


def _failure_dict(failure: Failure) -> dict[str, Any]:
    return {
        "expectation": failure.expectation,
        "expected": failure.expected,
        "actual": failure.actual,
        "line": failure.line,
    }


def _json(report: RunResult, verbose: bool) -> str:
    policies = {f.path: f.policy.id for f in report.files}
    data = {
        "ok": report.ok,
        "tests": report.total,
        "passed": report.passed,
        "failed": report.failed,
        "files": [
            {
                "file": file,
                "policy": policies.get(file),
                "cases": [
                    {
                        "name": r.name,
                        "line": r.line,
                        "passed": r.passed,
                        "failures": [_failure_dict(f) for f in r.failures],
                    }
                    for r in results
                ],
            }
            for file, results in report.by_file().items()
        ],
        "problems": [p.to_dict() for p in report.problems],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


FORMATS: dict[str, Callable[[RunResult, bool], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
}


def render(report: RunResult, fmt: str, *, verbose: bool = False) -> str:
    """The report in ``fmt`` (one of ``FORMATS``)."""
    return FORMATS[fmt](report, verbose)


def render_junit(report: RunResult) -> str:
    """JUnit XML: one ``testsuite`` per test file, one ``testcase`` per case."""
    root = ET.Element(
        "testsuites",
        name="slarules test",
        tests=str(report.total),
        failures=str(report.failed),
        errors=str(len(report.unloaded)),
    )
    policies = {f.path: f.policy.id for f in report.files}
    for file, results in report.by_file().items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file,
            tests=str(len(results)),
            failures=str(sum(1 for r in results if not r.passed)),
            errors="0",
            time=f"{sum(r.seconds for r in results):.6f}",
        )
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                name=result.name,
                classname=policies.get(file, file),
                file=file,
                line=str(result.line or 0),
                time=f"{result.seconds:.6f}",
            )
            if result.failures:
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=str(result.failures[0]),
                    type="expectation",
                )
                failure.text = "\n".join(f"{_where(file, f.line)}: {f}" for f in result.failures)
    for file in report.unloaded:
        suite = ET.SubElement(root, "testsuite", name=file, tests="1", failures="0", errors="1")
        case = ET.SubElement(suite, "testcase", name="load", classname=file, file=file)
        error = ET.SubElement(case, "error", message="the test file could not be loaded")
        error.text = "\n".join(str(p) for p in report.problems if p.file == file) or None
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
