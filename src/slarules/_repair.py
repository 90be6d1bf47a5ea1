"""Check what does not depend on the broken part: a policy with shape problems, repaired.

When a policy has shape problems (a missing ``version``, a list where a mapping belongs, a
misspelt key), the model cannot be built, and every check that needs it (targets, steps,
conditions, calendars) had gone unreported until the shape was fixed. :func:`repaired`
puts a stand-in where each broken part was, so the rest can be checked now:

* a misspelt key is read as the key it was meant to be; an unknown key is dropped;
* a missing or wrong top-level value gets a placeholder (``slarules: 1``, ``timezone: UTC``);
* a broken calendar becomes ``{hours: 24x7}`` under its own name (so references to it hold),
  a broken field or stage is left out, a broken target becomes ``none``, a broken ladder
  step a step that yields nothing, a broken optional setting is dropped.

Problems found in the repaired policy are kept only when they cannot be about a stand-in:
not at or under a repaired path, not at a path that holds one (a section's "no default"
is about its broken ``default``), and not a cross-reference into a repaired section (an
unknown priority, when a priority's id was a stand-in).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from ._errors import Path, Problem

__all__ = ["Repair", "repaired", "repaired_again"]

_MEANT: Final = re.compile(r"^did you mean '([^']+)'\?$")
_MISSING: Final = "\x00missing"  # a stand-in name nothing in a policy can be
_PRIORITY: Final = "slarules-stand-in-"  # a stand-in priority id (ids must be plain names)
_ROOT_PLACEHOLDERS: Final[dict[str, Any]] = {
    "slarules": 1,
    "id": "policy",
    "version": "0",
    "timezone": "UTC",
    "stages": {},
}
_NEUTRAL_STEP: Final[dict[str, Any]] = {"on": "stop", "notify": [_MISSING]}
# which codes refer into a section, by section: dropped when that section has a stand-in
_REFERENCES: Final[dict[str, frozenset[str]]] = {
    "priorities": frozenset({"unknown-priority", "missing-target"}),
    "calendars": frozenset({"unknown-calendar"}),
    "fields": frozenset({"unknown-field", "unknown-enum-value", "operator-type-mismatch"}),
    "events": frozenset({"unknown-event"}),
    "statuses": frozenset({"unknown-status"}),
}


@dataclass
class Repair:
    """A copy of the data with stand-ins, and what they stand in for."""

    data: Any
    touched: set[Path] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)  # whose names may be stand-ins

    def kept(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems (found in the repaired data) that cannot be about a stand-in."""
        touched = self.touched
        holders = {t[:i] for t in touched for i in range(len(t))}
        references = frozenset().union(*(_REFERENCES.get(s, ()) for s in self.sections))
        return [
            p
            for p in problems
            if not any(p.path[:i] in touched for i in range(len(p.path) + 1))  # at or under
            and p.path not in holders  # about a section that holds a stand-in
            and p.code not in references  # a reference into a section with stand-ins
        ]


def _key(mapping: dict[Any, Any], part: str | int) -> Any:
    """The key of ``mapping`` that a path part names (paths name keys as text)."""
    if part in mapping:
        return part
    return next((k for k in mapping if type(k) is not str and str(k) == part), _MISSING)


def _parent(data: Any, path: Path) -> Any:
    """The container at ``path``, or ``None`` when the data has no container there."""
    node = data
    for part in path:
        if isinstance(node, dict):
            key = _key(node, part)
            if key is _MISSING:
                return None
            node = node[key]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node if isinstance(node, dict | list) else None


class _Repairer:
    def __init__(self, data: dict[Any, Any]) -> None:
        self.repair = Repair(copy.deepcopy(data))

    def put(self, path: Path, value: Any, *, drop: bool = False) -> bool:
        """Set (or drop) the value at ``path``, creating nothing above it."""
        parent = _parent(self.repair.data, path[:-1])
        last = path[-1]
        if isinstance(parent, dict):
            key = _key(parent, last)
            if drop:
                parent.pop(key, None)
            else:
                parent[last if key is _MISSING else key] = value
        elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            if drop:
                return False  # would shift the items after it: put a stand-in instead
            parent[last] = value
        else:
            return False
        self.repair.touched.add(path)
        return True

    def rename(self, path: Path, meant: str) -> bool:
        parent = _parent(self.repair.data, path[:-1])
        if not isinstance(parent, dict):
            return False
        key = _key(parent, path[-1])
        if key is _MISSING:
            return False
        value = parent.pop(key)
        if meant not in parent:  # read as the key it was meant to be; else just drop it
            parent[meant] = value
        return True

    def fix(self, problem: Problem) -> bool:
        """Put a stand-in where ``problem`` is; whether that was possible."""
        path = problem.path
        if problem.code == "unknown-key" and path:
            meant = _MEANT.match(problem.hint or "")
            if meant is not None:
                return self.rename(path, meant.group(1))
            return self.put(path, None, drop=True)
        if not path:
            return False  # the whole policy is not a mapping
        head = path[0]
        if len(path) == 1:
            if head in _ROOT_PLACEHOLDERS:
                return self.put(path, _ROOT_PLACEHOLDERS[head])
            if head == "priorities":
                self.repair.sections.add("priorities")
                return self.put(path, [{"id": f"{_PRIORITY}0", "default": True}])
            if head in _REFERENCES:
                self.repair.sections.add(head)
            return self.put(path, None, drop=True)
        name = path[1]
        if head == "calendars":
            self.repair.sections.add("calendars")  # its name stays; references hold
            return self.put(path[:2], {"hours": "24x7"})
        if head == "fields":
            self.repair.sections.add("fields")
            return self.put(path[:2], None, drop=True)
        if head in ("events", "statuses"):
            self.repair.sections.add(head)
            return self.put(path[:1], None, drop=True)
        if head == "priorities" and isinstance(name, int):
            return self._priority(path)
        if head == "stages":
            return self._stage(path)
        if head in ("priority_change", "report"):
            return self.put(path[:1], None, drop=True)
        return False

    def _priority(self, path: Path) -> bool:
        if len(path) == 2 or path[2] == "id":
            self.repair.sections.add("priorities")
            if len(path) == 2:
                return self.put(path, {"id": f"{_PRIORITY}{path[1]}", "when": False})
            return self.put(path[:3], f"{_PRIORITY}{path[1]}")
        return self.put(path[:3], None, drop=True)  # title, description, default

    def _stage(self, path: Path) -> bool:
        if len(path) == 2:
            return self.put(path, None, drop=True)
        key = path[2]
        if key in ("start", "stop"):
            return self.put(path[:3], f"{_MISSING}{key}")
        if key == "target":
            # a broken entry of a per-priority mapping, or the one target: tracked, no deadline
            entry = path[:4] if len(path) > 3 and isinstance(path[3], str) else path[:3]
            if entry != path[:3] and _parent(self.repair.data, path[:3]) is None:
                entry = path[:3]
            return self.put(entry, "none")
        if key == "ladder":
            if len(path) > 3 and isinstance(path[3], int):
                return self.put(path[:4], dict(_NEUTRAL_STEP))
            return self.put(path[:3], [])
        return self.put(path[:3], None, drop=True)  # calendar, pause, when, title, ...


def repaired(data: Any, problems: Iterable[Problem]) -> Repair | None:
    """``data`` with a stand-in for each problem's part, or ``None`` when some cannot have
    one (the document is not a mapping, or the problem is somewhere unforeseen)."""
    if not isinstance(data, dict):
        return None
    repairer = _Repairer(data)
    for problem in problems:
        if not repairer.fix(problem):
            return None
    return repairer.repair


def repaired_again(repair: Repair, problems: Iterable[Problem]) -> bool:
    """Put stand-ins for the problems a repaired copy still has; whether all could be."""
    repairer = _Repairer.__new__(_Repairer)
    repairer.repair = repair
    return all(repairer.fix(p) for p in problems)
