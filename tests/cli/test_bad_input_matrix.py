"""Every class of bad input, fed to every verb (issue 15, "Keep it so").

Whatever the mistake, a verb answers with a message and an exit code (0 all well, 1 some
tickets or checks failed, 2 the command cannot run), never a traceback; and a file it is
asked to write (``-o``) is whole or absent: never a half-written file that looks complete.
Ctrl-C (130) and SIGTERM (143) are proven in ``test_signals.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from .helpers import SMALL, Run

AT = "2025-10-09T16:00:00+08:00"
GOOD = {"id": "T-1", "fields": {"level": "urgent"}, "events": {"created": AT}}

Maker = Callable[[Path], Path]


def _file(name: str, data: bytes) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _missing(folder: Path) -> Path:
    return folder / "nowhere" / "missing.yaml"


def _folder(folder: Path) -> Path:
    path = folder / "a-folder.jsonl"
    path.mkdir()
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.jsonl"
    os.mkfifo(path)  # nobody writes to it: reading it would block for ever
    return path


def _lines(*tickets: object) -> bytes:
    return b"".join(
        (t if isinstance(t, bytes) else json.dumps(t).encode()) + b"\n" for t in tickets
    )


# a policy that cannot be used, by kind of mistake
BAD_POLICIES: dict[str, Maker] = {
    "missing": _missing,
    "folder": _folder,
    "fifo": _fifo,
    "empty": _file("empty.yaml", b""),
    "binary": _file("binary.yaml", b"\x00\xff\xfe" * 200),
    "not-utf8": _file("latin1.yaml", SMALL.replace("small", "kl\xe4ger").encode("latin-1")),
    "yaml-syntax": _file("syntax.yaml", SMALL.replace("stages:", "stages: [").encode()),
    "unknown-key": _file("unknown.yaml", SMALL.replace("stages:", "stagez:").encode()),
    "a-list": _file("list.yaml", b"- slarules: 1\n"),
    "deep": _file("deep.yaml", SMALL.encode() + b"x: " + b"[" * 5000 + b"\n"),
    "huge-duration": _file(
        "huge.yaml", SMALL.replace("urgent: 1h", "urgent: 9" * 60 + "h").encode()
    ),
    "too-large": _file("large.yaml", SMALL.encode() + b"# " + b"x" * (1 << 20) + b"\n"),
}

# tickets a policy cannot be applied to, by kind of mistake (good tickets around them)
BAD_TICKETS: dict[str, Maker] = {
    "missing": _missing,
    "folder": _folder,
    "fifo": _fifo,
    "empty": _file("empty.jsonl", b""),
    "not-json": _file("t.jsonl", _lines(GOOD, b"{oops", GOOD)),
    "not-utf8": _file("t.jsonl", _lines(GOOD, b'{"id": "\xff"}')),
    "deep": _file("t.jsonl", _lines(GOOD, b"[" * 100_000)),
    "huge-number": _file("t.jsonl", _lines(GOOD, b'{"id": ' + b"9" * 5000 + b"}")),
    "list-for-enum": _file(
        "t.jsonl", _lines({**GOOD, "id": "T-2", "fields": {"level": ["urgent"]}}, GOOD)
    ),
    "overflowing-instant": _file(
        "t.jsonl",
        _lines({**GOOD, "id": "T-3", "events": {"created": "0001-01-01T00:00:00+01:00"}}, GOOD),
    ),
    "naive-instant": _file(
        "t.jsonl", _lines({**GOOD, "id": "T-4", "events": {"created": "2025-10-09T09:00:00"}})
    ),
    "not-a-mapping": _file("t.jsonl", _lines([1, 2], "text", GOOD)),
    "broken-array": _file("t.json", b'[{"id": "T-1"}, '),
    "bad-yaml": _file("t.yaml", b"id: [\n"),
}

BAD_INSTANTS = {
    "not-a-date": "yesterday",
    "naive": "2025-10-09T16:00:00",
    "unshowable": "0001-01-01T00:00:00+23:59",
    "past-the-years": "9999-12-31T23:00:00-01:00",
}


def _policy(folder: Path) -> Path:
    path = folder / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _tickets(folder: Path) -> Path:
    path = folder / "good.jsonl"
    path.write_bytes(_lines(GOOD))
    return path


def _invocations(policy: Path, tickets: Path, out: Path) -> dict[str, list[str | Path]]:
    """Every verb that reads a policy and tickets, with ``policy`` and ``tickets``."""
    return {
        "evaluate": ["evaluate", policy, tickets, "--at", AT],
        "evaluate-jsonl": ["evaluate", policy, tickets, "--at", AT, "--format", "jsonl"],
        "evaluate-o": ["evaluate", policy, tickets, "--at", AT, "-o", out.with_suffix(".jsonl")],
        "explain": ["explain", policy, tickets, "--at", AT],
        "timeline": ["timeline", policy, tickets, "--since", AT],
        "report": ["report", policy, tickets, "--as-of", AT, "-o", out.with_suffix(".json")],
        "diff-old": ["diff", policy, _policy(out.parent), "--tickets", tickets, "--at", AT],
        "diff-new": ["diff", _policy(out.parent), policy, "--tickets", tickets, "--at", AT],
    }


def check(result: Result, args: list[str | Path], *, existed: bool = False) -> None:
    """No traceback, a known exit code, a message naming the trouble, whole-or-nothing -o."""
    shown = " ".join(str(a) for a in args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"slarules {shown} raised {result.exception!r}") from (
            result.exception
        )
    assert result.exit_code in (0, 1, 2), (shown, result.exit_code, result.output)
    assert "Traceback" not in result.output, shown
    if result.exit_code:
        assert result.output.strip(), f"slarules {shown}: exit {result.exit_code} said nothing"
    if "-o" not in args:
        return
    out = Path(args[args.index("-o") + 1])
    if existed:
        pass  # the test compares the folder before and after
    elif result.exit_code == 2:
        assert not out.exists(), f"slarules {shown}: exit 2 left {out.name} behind"
    elif not out.exists():
        assert result.exit_code == 1, f"slarules {shown}: exit 0 wrote no {out.name}"
    elif out.suffix == ".jsonl":
        for line in out.read_text(encoding="utf-8").splitlines():
            json.loads(line)  # every line whole
    else:
        json.loads(out.read_text(encoding="utf-8"))
    siblings = out.parent.iterdir() if out.parent.is_dir() else iter(())
    leftovers = [p.name for p in siblings if p.name.startswith(f".{out.name}")]
    assert not leftovers, f"slarules {shown} left temporary files {leftovers}"


VERBS = list(_invocations(Path("p"), Path("t"), Path("o")))


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("case", sorted(BAD_POLICIES))
def test_a_bad_policy_is_a_message_for_every_verb(
    run: Run, tmp_path: Path, verb: str, case: str
) -> None:
    policy = BAD_POLICIES[case](tmp_path)
    args = _invocations(policy, _tickets(tmp_path), tmp_path / "out")[verb]
    result = run(*args)
    check(result, args)
    assert result.exit_code in (1, 2), result.output  # 1: the policy has errors, 2: unreadable
    assert policy.name in result.stderr


@pytest.mark.parametrize("case", sorted(BAD_POLICIES))
def test_a_bad_policy_is_a_message_for_validate_and_test(
    run: Run, tmp_path: Path, case: str
) -> None:
    policy = BAD_POLICIES[case](tmp_path)
    for args in (["validate", policy], ["validate", policy, "--format", "json"], ["test", policy]):
        result = run(*args)
        check(result, args)
        assert result.exit_code in (1, 2), result.output
        assert policy.name in result.output


@pytest.mark.parametrize("verb", [v for v in VERBS if not v.startswith("diff-new")])
@pytest.mark.parametrize("case", sorted(BAD_TICKETS))
def test_bad_tickets_are_messages_for_every_verb(
    run: Run, tmp_path: Path, verb: str, case: str
) -> None:
    tickets = BAD_TICKETS[case](tmp_path)
    args = _invocations(_policy(tmp_path), tickets, tmp_path / "out")[verb]
    result = run(*args)
    check(result, args)
    if result.exit_code:
        assert tickets.name in result.stderr or "T-" in result.stderr, result.stderr


@pytest.mark.parametrize("case", sorted(BAD_INSTANTS))
@pytest.mark.parametrize(
    ("verb", "option"),
    [
        ("evaluate", "--at"),
        ("evaluate-o", "--at"),
        ("explain", "--at"),
        ("timeline", "--since"),
        ("timeline", "--until"),
        ("report", "--as-of"),
        ("diff-old", "--at"),
    ],
)
def test_a_bad_instant_is_one_usage_error_before_any_ticket_is_read(
    run: Run, tmp_path: Path, verb: str, option: str, case: str
) -> None:
    args = _invocations(_policy(tmp_path), _tickets(tmp_path), tmp_path / "out")[verb]
    if option in args:
        args[args.index(option) + 1] = BAD_INSTANTS[case]
    else:
        args += [option, BAD_INSTANTS[case]]
    result = run(*args)
    check(result, args)
    assert result.exit_code == 2, result.output
    assert option in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr  # one message


@pytest.mark.parametrize("name", ["missing/out.jsonl", "out.unknown", "a-folder"])
def test_an_output_evaluate_cannot_write_is_a_usage_error_and_writes_nothing(
    run: Run, tmp_path: Path, name: str
) -> None:
    (tmp_path / "a-folder").mkdir()
    args: list[str | Path] = ["evaluate", _policy(tmp_path), _tickets(tmp_path), "--at", AT]
    args += ["-o", tmp_path / name]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run(*args)
    check(result, args, existed=name == "a-folder")
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_report_makes_the_folders_of_its_output_and_reads_an_unknown_suffix_as_markdown(
    run: Run, tmp_path: Path
) -> None:
    out = tmp_path / "reviews" / "2025-10" / "review.txt"
    args: list[str | Path] = ["report", _policy(tmp_path), _tickets(tmp_path), "--as-of", AT]
    result = run(*args, "-o", out)
    check(result, args)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("#")  # documented: "else md"


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate"],
        ["evaluate", "--workers", "0", "p", "t"],
        ["report", "--risk", "lots", "p", "t"],
        ["explain", "--format", "pdf", "p", "t"],
        ["schema", "--no-such-flag"],
        ["no-such-verb"],
        ["test"],
        ["validate"],
    ],
)
def test_bad_arguments_are_usage_errors(run: Run, args: list[str]) -> None:
    result = run(*args)
    check(result, list(args))
    assert result.exit_code == 2
