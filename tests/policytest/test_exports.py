"""slarules.policytest exports exactly its public names, each from one private module."""

from __future__ import annotations

import slarules.policytest as policytest


def test_all_lists_every_public_name_and_nothing_else() -> None:
    public = {
        name
        for name in vars(policytest)
        if not name.startswith("_") and not isinstance(getattr(policytest, name), type(policytest))
    }
    public.discard("annotations")
    assert sorted(policytest.__all__) == sorted(public)
    assert policytest.__all__ == sorted(policytest.__all__, key=lambda n: (not n.isupper(), n))


def test_the_api_the_pytest_plugin_builds_on_is_exported() -> None:
    for name in ("load_test_file", "run_case", "run_paths", "TestFile", "CaseResult", "Failure"):
        assert name in policytest.__all__
