"""The worked examples of docs/testing.md run as they are written, under pytest, with
Hypothesis' default settings (and a fresh example database)."""

from __future__ import annotations

import re
import shutil
from datetime import datetime

import pytest

from tests.testing.helpers import ROOT

pytest_plugins = ["pytester"]

DOC = ROOT / "docs" / "testing.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
FALSE_CLAIM = "test_five_business_days_fit_in_a_calendar_week"


def test_the_doc_has_its_worked_examples() -> None:
    names = [re.findall(r"^def (test_\w+)", b, re.MULTILINE) for b in BLOCKS]
    assert names == [
        ["test_an_urgent_first_response_is_due_within_30_minutes"],
        ["test_waiting_never_brings_a_breach_forward"],
        ["test_every_bundled_policy_keeps_the_invariants"],
        [FALSE_CLAIM],
    ]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A host project: the bundled policies (with their test files) and nothing else."""
    shutil.copytree(ROOT / "policies", pytester.path / "policies")
    return pytester


@pytest.mark.parametrize("block", [b for b in BLOCKS if FALSE_CLAIM not in b])
def test_each_true_claim_of_the_docs_passes(project: pytest.Pytester, block: str) -> None:
    project.makepyfile(test_example=block)
    result = project.runpytest("test_example.py", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1
    assert "failed" not in outcomes, result.stdout.str()


def test_the_false_claim_is_disproved_by_national_day_within_the_default_budget(
    project: pytest.Pytester,
) -> None:
    block = next(b for b in BLOCKS if FALSE_CLAIM in b)
    project.makepyfile(test_example=block)
    result = project.runpytest("test_example.py", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    created = re.search(r"'created': '([^']+)'", output)
    assert created is not None, output
    when = datetime.fromisoformat(created.group(1))
    # created in the week before National Day: five office days end after 8 October
    assert "2025-09-20" <= when.date().isoformat() <= "2025-10-08", output
