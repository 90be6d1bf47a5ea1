"""Every error slarules raises, under one root.

    SlaRulesError          the root: ``except slarules.SlaRulesError`` catches them all
    ├── PolicyError        a policy file or mapping is invalid; ``.problems`` lists every problem
    │   └── CalendarError  a calendar mapping (``Calendar.from_dict``) is invalid
    ├── TicketError        a ticket snapshot does not fit the policy (bad time, field or type)
    └── UsageError         the host program called the API wrongly (naive datetime, bad argument)

Policy problems carry where they are (file, line, column, and the path of keys inside the
document), a stable code, a message and a hint, so an editor, a CI annotation and a person
can all act on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

__all__ = [
    "CalendarError",
    "Path",
    "PolicyError",
    "Problem",
    "Severity",
    "SlaRulesError",
    "TicketError",
    "UsageError",
    "format_path",
]

Severity = Literal["error", "warning"]
Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Render a key path the way a policy author reads it: ``stages.closure.ladder[0].at``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a policy, and where it is."""

    code: str
    message: str
    hint: str | None = None
    path: Path = ()
    file: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"

    @property
    def location(self) -> str:
        """``file:line:col`` when known, else the key path, else ``<policy>``."""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            return where
        if self.path:
            return format_path(self.path)
        return "<policy>"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (for ``--format json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "path": list(self.path),
        }

    def rebased(self, prefix: Path) -> Problem:
        """The same problem with ``prefix`` put in front of its key path."""
        return replace(self, path=(*prefix, *self.path))

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text


class SlaRulesError(Exception):
    """Root of every error slarules raises."""


class PolicyError(SlaRulesError):
    """A policy is invalid. ``problems`` holds every error found, in file order."""

    def __init__(self, problems: Sequence[Problem], *, file: str | None = None) -> None:
        if not problems:
            raise ValueError("PolicyError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.file = file
        super().__init__(self._summary())

    @classmethod
    def single(
        cls,
        code: str,
        message: str,
        *,
        hint: str | None = None,
        path: Path = (),
    ) -> PolicyError:
        """An error holding one problem (used by the compilers of each concept)."""
        return cls([Problem(code, message, hint, path)])

    def rebased(self, prefix: Path) -> PolicyError:
        """The same error with ``prefix`` put in front of every problem's key path."""
        return type(self)([p.rebased(prefix) for p in self.problems], file=self.file)

    def _summary(self) -> str:
        lines = [str(p) for p in self.problems]
        return "\n".join(lines)


class CalendarError(PolicyError):
    """A calendar definition (one ``calendars:`` entry) is invalid."""


class TicketError(SlaRulesError):
    """A ticket snapshot cannot be evaluated: a bad instant, a missing or mistyped field.

    ``ticket_id`` and ``field`` name what to fix, when known.
    """

    def __init__(
        self, message: str, *, ticket_id: str | None = None, field: str | None = None
    ) -> None:
        self.ticket_id = ticket_id
        self.field = field
        prefix = f"ticket {ticket_id!r}: " if ticket_id is not None else ""
        super().__init__(prefix + message)


class UsageError(SlaRulesError, ValueError):
    """The host program used the API wrongly, e.g. passed a naive ``datetime``."""


def collect(errors: Iterable[PolicyError]) -> list[Problem]:
    """Flatten the problems of several errors, keeping their order."""
    return [p for e in errors for p in e.problems]
