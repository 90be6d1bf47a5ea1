"""``slarules.testing`` is one documented public door, importable without pytest."""

from __future__ import annotations

import subprocess
import sys

import slarules.testing

PUBLIC = [
    "InvariantError",
    "assert_actions_are_kept",
    "assert_evaluation_consistent",
    "assert_evaluation_repeatable",
    "assert_evaluation_well_formed",
    "assert_pauses_never_hasten",
    "assert_stable_until_next_evaluation",
    "calendars",
    "conditions",
    "durations",
    "instants",
    "snapshots",
    "targets",
    "tickets",
]


def test_all_lists_exactly_the_public_names() -> None:
    assert slarules.testing.__all__ == PUBLIC
    # ("@py_builtins" and "@pytest_ar" appear when pytest rewrote the module's asserts,
    # which it does for the distribution of a pytest11 plugin: slarules is one)
    public = {n for n in dir(slarules.testing) if not n.startswith(("_", "@"))}
    assert public - {"annotations"} == set(PUBLIC)


def test_every_public_name_is_documented() -> None:
    for name in PUBLIC:
        assert getattr(slarules.testing, name).__doc__, name


def test_the_package_imports_without_pytest() -> None:
    code = (
        "import sys; sys.modules['pytest'] = None; sys.modules['_pytest'] = None\n"
        "import slarules.testing\n"
        "print(len(slarules.testing.__all__))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(PUBLIC))


def test_invariant_errors_are_assertion_errors_and_slarules_errors() -> None:
    assert issubclass(slarules.testing.InvariantError, AssertionError)
    assert issubclass(slarules.testing.InvariantError, slarules.SlaRulesError)
