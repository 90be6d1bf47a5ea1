"""A clear message when ``slarules.testing`` is imported without Hypothesis installed."""

from __future__ import annotations

import importlib.util

__all__ = ["needs_hypothesis"]


def needs_hypothesis() -> None:
    """Raise ``ImportError`` saying how to install Hypothesis, when it is missing."""
    if importlib.util.find_spec("hypothesis") is None:
        raise ImportError(
            "slarules.testing needs Hypothesis; install it with `pip install hypothesis`"
        )
