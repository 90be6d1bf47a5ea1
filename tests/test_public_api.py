"""The public API is exactly ``slarules.__all__`` plus a few public subpackages (style #1).

What is checked:

* ``__all__`` is sorted, every name in it exists, and every public name of the package is
  in it (or is one of the public subpackages below);
* every exported class says ``__module__ == "slarules"`` (tracebacks and reprs show the
  public path, not the private module it lives in);
* every module directly under ``slarules`` is private (``_x``) or one of the public
  subpackages: ``calendar``, ``conditions``, ``engine`` (the concepts, for tools built on
  slarules), ``cli`` (the console script), ``testing`` (Hypothesis strategies),
  ``policytest`` (policy test files), ``report``, ``batch`` and ``dask`` (bulk evaluation);
* every module declares ``__all__``, and each name in it exists;
* every exception the package exports derives from ``SlaRulesError``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil

import pytest

import slarules

PUBLIC_SUBPACKAGES = {
    "batch",
    "calendar",
    "cli",
    "conditions",
    "dask",
    "engine",
    "policytest",
    "report",
    "testing",
}
MODULES = sorted(m.name for m in pkgutil.iter_modules(slarules.__path__))


def test_all_is_sorted() -> None:
    assert slarules.__all__ == sorted(slarules.__all__)


def test_all_has_no_duplicates() -> None:
    assert len(set(slarules.__all__)) == len(slarules.__all__)


@pytest.mark.parametrize("name", slarules.__all__)
def test_every_exported_name_is_importable(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from slarules import {name}", namespace)
    assert namespace[name] is getattr(slarules, name)


def test_every_public_name_is_exported_or_a_public_subpackage() -> None:
    for module in MODULES:
        importlib.import_module(f"slarules.{module}")
    # `annotations` is the __future__ feature imported by `from __future__ import annotations`;
    # names that are not identifiers (`@py_builtins`) come from pytest's assertion rewriting
    public = {
        n
        for n in dir(slarules)
        if n.isidentifier() and not n.startswith("_") and n != "annotations"
    }
    assert public - PUBLIC_SUBPACKAGES == set(slarules.__all__) - {"__version__"}


@pytest.mark.parametrize(
    "name", [n for n in slarules.__all__ if isinstance(getattr(slarules, n), type)]
)
def test_every_exported_class_belongs_to_the_package(name: str) -> None:
    assert getattr(slarules, name).__module__ == "slarules"


def test_the_design_names_are_exported() -> None:
    expected = {
        "Action",
        "Calendar",
        "Evaluation",
        "Policy",
        "PolicyError",
        "SlaRulesError",
        "StageResult",
        "StageStatus",
        "Ticket",
        "TicketError",
        "load_policies",
        "load_policy",
    }
    assert expected <= set(slarules.__all__)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_is_private_or_a_public_subpackage(module: str) -> None:
    assert module.startswith("_") or module in PUBLIC_SUBPACKAGES


@pytest.mark.parametrize("module", MODULES)
def test_every_module_declares_all_with_existing_names(module: str) -> None:
    imported = importlib.import_module(f"slarules.{module}")
    names = imported.__all__
    assert isinstance(names, list | tuple)
    missing = [n for n in names if not hasattr(imported, n)]
    assert missing == []


@pytest.mark.parametrize(
    "name",
    [n for n in slarules.__all__ if isinstance(getattr(slarules, n), type)],
)
def test_every_exported_exception_derives_from_the_root(name: str) -> None:
    cls = getattr(slarules, name)
    if issubclass(cls, BaseException):
        assert issubclass(cls, slarules.SlaRulesError)


def test_the_error_tree_is_the_documented_one() -> None:
    assert issubclass(slarules.PolicyError, slarules.SlaRulesError)
    assert issubclass(slarules.CalendarError, slarules.PolicyError)
    assert issubclass(slarules.TicketError, slarules.SlaRulesError)
    assert issubclass(slarules.UsageError, slarules.SlaRulesError)
    assert issubclass(slarules.UsageError, ValueError)


def test_version_matches_the_installed_distribution() -> None:
    assert slarules.__version__ == importlib.metadata.version("slarules")
