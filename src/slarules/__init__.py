"""slarules: service-level agreements as executable, testable policies."""

from __future__ import annotations

from ._errors import CalendarError, PolicyError, Problem, SlaRulesError, TicketError, UsageError

__all__ = [
    "CalendarError",
    "PolicyError",
    "Problem",
    "SlaRulesError",
    "TicketError",
    "UsageError",
]

__version__ = "0.1.0"

for _name in __all__:
    _obj = globals()[_name]
    if hasattr(_obj, "__module__"):
        try:
            _obj.__module__ = "slarules"
        except (AttributeError, TypeError):  # pragma: no cover - builtins
            pass
