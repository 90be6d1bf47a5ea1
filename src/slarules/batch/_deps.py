"""Optional dependencies: import them on first use, with an error that says what to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from slarules._errors import UsageError

__all__ = ["MissingDependencyError", "require"]

_EXTRA = {"pyarrow": "arrow", "dask": "dask", "distributed": "dask"}


class MissingDependencyError(UsageError, ImportError):
    """An optional dependency (pyarrow, dask, distributed) is needed and not installed."""


def require(module: str) -> ModuleType:
    """Import ``module`` or raise ``MissingDependencyError`` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        extra = _EXTRA.get(top, "arrow")
        raise MissingDependencyError(
            f"{top} is not installed; install it with: pip install 'slarules[{extra}]'"
        ) from None
