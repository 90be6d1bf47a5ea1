"""What a condition is evaluated against: the ticket's fields and the built-ins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

__all__ = ["Env"]

_NO_EVENTS: Mapping[str, datetime] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Env:
    """One evaluation's inputs to conditions; the engine builds one per ticket and instant.

    ``fields`` is the mapping returned by ``FieldSet.validate``. ``priority`` is the SLA
    priority id (``None`` while priorities are being chosen), ``status`` the ticket's status
    at the instant, ``events`` when each event happened, ``at`` the evaluation instant (an
    event after ``at`` has not happened yet; ``None`` means every event counts).
    """

    fields: Mapping[str, Any]
    priority: str | None = None
    status: str | None = None
    events: Mapping[str, datetime] = field(default_factory=lambda: _NO_EVENTS)
    at: datetime | None = None
