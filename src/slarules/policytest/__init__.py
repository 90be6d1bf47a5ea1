"""Policy tests: ``*.test.yaml`` files of examples that prove a policy says what it should.

    >>> from slarules.policytest import run_paths
    >>> result = run_paths(["policies/"])
    >>> result.summary()
    '42 tests, 42 passed, 0 failed'

``load_test_file`` reads one file (raising ``PolicyError`` with file:line:col when it is
malformed), ``run_case`` checks one case, ``run_paths`` finds and runs every test file
under folders. The file format is described in docs/policy-tests.md.
"""

from __future__ import annotations

from ._load import DEFAULT_TICKET_ID, Case, TestFile, load_test_file, policy_path_for
from ._run import (
    CaseResult,
    Failure,
    RunResult,
    find_test_files,
    run_case,
    run_file,
    run_files,
    run_paths,
)

__all__ = [
    "DEFAULT_TICKET_ID",
    "Case",
    "CaseResult",
    "Failure",
    "RunResult",
    "TestFile",
    "find_test_files",
    "load_test_file",
    "policy_path_for",
    "run_case",
    "run_file",
    "run_files",
    "run_paths",
]
