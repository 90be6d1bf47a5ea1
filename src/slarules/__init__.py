"""slarules: service-level agreements as executable, testable policies.

    >>> import slarules
    >>> policy = slarules.load_policy("policies/after-sales-response.yaml")
    >>> evaluation = policy.evaluate(ticket, at=now)

The public API is exactly ``__all__``; every other module is private.
"""

from ._compiled import ActionKind
from ._errors import (
    CalendarError,
    PolicyError,
    Problem,
    SlaRulesError,
    TicketError,
    UsageError,
)
from ._policy import Policy, load_policies, load_policy
from .calendar import Calendar
from .engine import (
    Action,
    Evaluation,
    Explanation,
    PriorityChoice,
    StageResult,
    StageStatus,
    StatusChange,
    Ticket,
    TimelineEntry,
)

__all__ = [
    "Action",
    "ActionKind",
    "Calendar",
    "CalendarError",
    "Evaluation",
    "Explanation",
    "Policy",
    "PolicyError",
    "PriorityChoice",
    "Problem",
    "SlaRulesError",
    "StageResult",
    "StageStatus",
    "StatusChange",
    "Ticket",
    "TicketError",
    "TimelineEntry",
    "UsageError",
    "__version__",
    "load_policies",
    "load_policy",
]

__version__ = "0.1.0"

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = "slarules"
del _name, _obj
