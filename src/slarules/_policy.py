"""``Policy``: a loaded, compiled, immutable policy, and the functions that load them.

Loading is the only place that reads files. The pipeline is one way:
text -> ``_yaml.load_yaml`` (plain data + source map) -> ``_model.PolicySpec`` (shape)
-> ``_compile.compile_policy`` (meaning, compiled once) -> ``Policy``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from ._compile import compile_policy
from ._compiled import CompiledPolicy
from ._errors import PolicyError, Problem, UsageError
from ._model import PolicySpec
from ._plain import plain_copy
from ._repair import repaired, repaired_again
from ._shape import validate_shape
from ._suggest import suggestion_budget
from ._yaml import SourceMap, load_yaml
from .calendar import Calendar
from .engine import Evaluation, Explanation, Ticket, TimelineEntry, as_ticket
from .engine import explain as _explain
from .engine import timeline as _timeline
from .engine._evaluate import run as _run

__all__ = [
    "POLICY_SUFFIXES",
    "Policy",
    "duplicate_id",
    "load_policies",
    "load_policy",
    "read_source",
]

POLICY_SUFFIXES = (".yaml", ".yml")


def _from_source(text: str, file: str | None) -> Policy:
    return Policy.from_yaml(text, file=file)


def _from_data(data: Any, file: str | None) -> Policy:
    return Policy.from_dict(data, file=file)


class Policy:
    """A compiled SLA policy. Immutable, thread-safe and picklable.

    Build one with ``slarules.load_policy(path)``, ``Policy.from_yaml(text)`` or
    ``Policy.from_dict(mapping)``; then ``policy.evaluate(ticket, at=instant)``.
    It pickles as its source text and compiles again when unpickled, so it can be
    shipped to process pools and distributed workers.
    """

    __slots__ = ("_compiled", "_data", "_source", "_source_map", "_spec")

    _compiled: CompiledPolicy
    _source: str | None
    _data: Any
    _source_map: SourceMap | None
    _spec: PolicySpec

    def __init__(self) -> None:
        raise UsageError(
            "use slarules.load_policy(path), Policy.from_yaml(text) or Policy.from_dict(data)"
        )

    @classmethod
    def _build(
        cls,
        data: Any,
        *,
        source: str | None,
        source_map: SourceMap | None,
        file: str | None,
        content_hash: str,
    ) -> Policy:
        def locate(path: tuple[str | int, ...]) -> int | None:
            mark = source_map.value(path) if source_map is not None else None
            return mark.line if mark is not None else None

        def placed(problems: tuple[Problem, ...]) -> list[Problem]:
            if source_map is None:
                return list(problems)
            located = [source_map.locate(p) for p in problems]
            # a document with nothing in it (an empty file) has no marks: point at its start
            return [p if p.line is not None else replace(p, line=1, column=1) for p in located]

        with suggestion_budget():  # did-you-mean work is capped for the whole policy
            try:
                spec = validate_shape(PolicySpec, data)
            except PolicyError as exc:
                found = _and_meaning(exc.problems, data, content_hash, file, locate)
                raise PolicyError(_in_file_order(placed(found)), file=file) from None
            try:
                compiled = compile_policy(spec, content_hash=content_hash, file=file, locate=locate)
            except PolicyError as exc:
                raise PolicyError(_in_file_order(placed(exc.problems)), file=file) from None
            compiled = _with_warnings(compiled, placed(compiled.warnings))
            self = object.__new__(cls)
            object.__setattr__(self, "_compiled", compiled)
            object.__setattr__(self, "_source", source)
            object.__setattr__(self, "_data", data if source is None else None)
            object.__setattr__(self, "_source_map", source_map)
            object.__setattr__(self, "_spec", spec)
            if spec.report is not None:
                # the report section names fields and a condition: check them now, not later
                from .report._measures import measures_for

                try:
                    measures_for(self)
                except PolicyError as exc:
                    raise PolicyError(_in_file_order(placed(exc.problems)), file=file) from None
            return self

    @classmethod
    def from_yaml(cls, text: str | bytes, *, file: str | None = None) -> Policy:
        """Compile a policy from YAML text; ``file`` names it in error messages."""
        name = file if file is not None else "<string>"
        data, source_map = load_yaml(text, file=name)
        raw = text.encode("utf-8") if isinstance(text, str) else text
        source = text if isinstance(text, str) else text.decode("utf-8-sig")
        data = _version_as_written(data, source, source_map)
        digest = "sha256:" + hashlib.sha256(raw).hexdigest()
        return cls._build(
            data, source=source, source_map=source_map, file=file, content_hash=digest
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | None = None) -> Policy:
        """Compile a policy from a mapping of the same shape as the YAML file.

        Keys may be strings or what the YAML loader yields (``datetime.date`` keys under
        ``days:``); the loader's limits hold (nesting, size), and a value that contains
        itself is refused, each as a ``PolicyError`` naming the path.
        """
        plain = plain_copy(data, file=file)
        canonical = json.dumps(plain, sort_keys=True, default=str, ensure_ascii=False)
        digest = "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return cls._build(data, source=None, source_map=None, file=file, content_hash=digest)

    # -- immutability and pickling -------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a Policy is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("a Policy is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        if self._source is not None:
            return (_from_source, (self._source, self._compiled.file))
        return (_from_data, (self._data, self._compiled.file))

    def __repr__(self) -> str:
        c = self._compiled
        return f"<Policy {c.id!r} version {c.version!r} {c.content_hash[:19]}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return self.content_hash == other.content_hash

    def __hash__(self) -> int:
        return hash(self.content_hash)

    # -- what a policy is ------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._compiled.id

    @property
    def version(self) -> str:
        return self._compiled.version

    @property
    def title(self) -> str | None:
        return self._compiled.title

    @property
    def timezone(self) -> str:
        return self._compiled.timezone

    @property
    def content_hash(self) -> str:
        """``sha256:`` of the source text (of canonical JSON for a mapping)."""
        return self._compiled.content_hash

    @property
    def file(self) -> str | None:
        return self._compiled.file

    @property
    def source(self) -> str | None:
        """The YAML text the policy was compiled from (``None`` for a mapping)."""
        return self._source

    @property
    def priorities(self) -> tuple[str, ...]:
        """Priority ids, highest first."""
        return tuple(p.id for p in self._compiled.priorities)

    @property
    def stages(self) -> tuple[str, ...]:
        """Stage names, in file order."""
        return tuple(s.name for s in self._compiled.stages)

    @property
    def events(self) -> tuple[str, ...] | None:
        """The events the policy declares (``events:``), or ``None`` when it lists none."""
        events = self._spec.events
        return tuple(events) if events is not None else None

    @property
    def statuses(self) -> tuple[str, ...] | None:
        """The statuses the policy declares (``statuses:``), or ``None`` when it lists none."""
        statuses = self._spec.statuses
        return tuple(statuses) if statuses is not None else None

    @property
    def calendars(self) -> Mapping[str, Calendar]:
        """The compiled calendars by name (including the built-in ``24x7``)."""
        return self._compiled.calendars

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Suspicious things found while compiling (not errors)."""
        return self._compiled.warnings

    @property
    def spec(self) -> PolicySpec:
        """The validated policy file, as immutable pydantic models (for tools)."""
        return self._spec

    @property
    def compiled(self) -> CompiledPolicy:
        """The compiled form the engine reads (for tools built on slarules)."""
        return self._compiled

    def coverage_warnings(self, at: datetime) -> tuple[str, ...]:
        """Sentences for calendars whose holiday data does not cover the year of ``at``."""
        out: list[str] = []
        for name, cal in self._compiled.calendars.items():
            out.extend(f"calendar {name!r}: {w}" for w in cal.coverage_warnings(at, at))
        return tuple(dict.fromkeys(out))

    # -- evaluating --------------------------------------------------------------------------

    def evaluate(self, ticket: Ticket | Mapping[str, Any], *, at: datetime) -> Evaluation:
        """Evaluate ``ticket`` at the aware instant ``at``. Pure: no I/O, no clock."""
        if not isinstance(ticket, Ticket):  # a mapping: hints for its instants use our zone
            ticket = as_ticket(ticket, self._compiled.timezone)
        return _run(self._compiled, ticket, at)[0]

    def explain(self, ticket: Ticket | Mapping[str, Any], *, at: datetime) -> Explanation:
        """The evaluation at ``at`` with the reasons behind the priority and each deadline."""
        return _explain(self._compiled, as_ticket(ticket, self._compiled.timezone), at)

    def timeline(
        self,
        ticket: Ticket | Mapping[str, Any],
        *,
        until: datetime,
        since: datetime | None = None,
    ) -> tuple[TimelineEntry, ...]:
        """What changes, and when, from ``since`` (default: the first event) to ``until``,
        if nothing else happens to the ticket and every action is applied when due."""
        return _timeline(
            self._compiled, as_ticket(ticket, self._compiled.timezone), until=until, since=since
        )


def _and_meaning(
    shape: tuple[Problem, ...],
    data: Any,
    content_hash: str,
    file: str | None,
    locate: Callable[[tuple[str | int, ...]], int | None],
) -> tuple[Problem, ...]:
    """Shape problems plus the meaning problems of the rest: a missing ``version`` or a
    misspelt key must not hide an unknown calendar, a bad target or a bad step elsewhere.

    Each broken part gets a stand-in (``_repair``); what the rest then shows is reported
    unless it can be about a stand-in.
    """
    repair = repaired(data, shape)
    for _ in range(_REPAIR_ROUNDS):
        if repair is None:
            return shape
        try:
            spec = validate_shape(PolicySpec, repair.data)
        except PolicyError as exc:  # a stand-in uncovered more (a union's other branch)
            if not repaired_again(repair, exc.problems):
                return shape
            continue
        try:
            compile_policy(spec, content_hash=content_hash, file=file, locate=locate)
        except PolicyError as exc:
            return (*shape, *repair.kept(exc.problems))
        return shape
    return shape


_REPAIR_ROUNDS = 3


def _version_as_written(data: Any, source: str, source_map: SourceMap) -> Any:
    """Keep an unquoted numeric version as written: ``2025.10`` is not ``2025.1``.

    YAML reads it as a number before the model sees it; the source text still has it.
    """
    if not isinstance(data, dict) or not isinstance(data.get("version"), int | float):
        return data
    if isinstance(data["version"], bool):
        return data
    mark = source_map.value(("version",))
    if mark is None:
        return data
    lines = source.splitlines()
    if not 0 < mark.line <= len(lines):
        return data
    token = lines[mark.line - 1][mark.column - 1 :].split("#", 1)[0].strip()
    return {**data, "version": token} if token else data


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by position, each once (an aliased block is compiled where it is used,
    but its mistakes are written in one place)."""
    unique = {
        (p.file, p.line, p.column, p.code, p.message) if p.line is not None else p: p
        for p in problems
    }  # without lines (a mapping), problems at different paths stay apart
    return sorted(unique.values(), key=lambda p: (p.line is None, p.line or 0, p.column or 0))


def _with_warnings(compiled: CompiledPolicy, warnings: list[Problem]) -> CompiledPolicy:
    return replace(compiled, warnings=tuple(_in_file_order(warnings)))


def read_source(path: Path, *, folder_hint: str, limit: int = 1 << 20) -> bytes:
    """A file's bytes, at most ``limit + 1`` of them (enough for the loader to say the file
    is too large); a missing, unreadable or folder path, or one that is not a regular file
    (a FIFO, ``/dev/zero``), is a ``UsageError`` saying so. A FIFO is never waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder; {folder_hint}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise UsageError(f"{path}: is a folder; {folder_hint}")
        raise UsageError(
            f"{path}: is not a regular file (a FIFO, device or socket); give a policy file"
        )
    with os.fdopen(fd, "rb") as stream:
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        try:
            return stream.read(limit + 1)
        except OSError as exc:
            raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Load and compile one policy file. Raises ``PolicyError`` listing every problem."""
    p = Path(path)
    source = read_source(p, folder_hint="use load_policies() for folders")
    return Policy.from_yaml(source, file=str(path))


def is_policy_file(path: Path) -> bool:
    """A YAML file that is not a policy test file (``*.test.yaml``)."""
    name = path.name
    return name.endswith(POLICY_SUFFIXES) and not name.endswith((".test.yaml", ".test.yml"))


def duplicate_id(policy: Policy, seen: dict[str, Policy]) -> Problem | None:
    """The ``duplicate-id`` problem of ``policy`` (at its ``id:`` line) when a policy in
    ``seen`` has its id; otherwise ``None``, and ``policy`` is added to ``seen``.

    ``load_policies`` and ``slarules validate FOLDER`` both use it, so validate refuses
    exactly what a host loading the folder would.
    """
    first = seen.get(policy.id)
    if first is None:
        seen[policy.id] = policy
        return None
    problem = Problem(
        "duplicate-id",
        f"policy id {policy.id!r} is also used by {first.file}",
        "give each policy its own id",
        ("id",),
        file=policy.file,
    )
    marks = policy._source_map
    return marks.locate(problem) if marks is not None else problem


def load_policies(folder: str | os.PathLike[str]) -> dict[str, Policy]:
    """Load every policy under ``folder`` (recursively), by id.

    Test files (``*.test.yaml``) are skipped. Problems in several files are reported
    together in one ``PolicyError``; two files with the same id are an error.
    """
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"{folder}: not a folder")
    policies: dict[str, Policy] = {}
    problems: list[Problem] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and is_policy_file(p)):
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        twin = duplicate_id(policy, policies)
        if twin is not None:
            problems.append(twin)
    if problems:
        raise PolicyError(problems)
    return policies
