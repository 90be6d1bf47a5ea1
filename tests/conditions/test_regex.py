from __future__ import annotations

import pytest

from slarules import TicketError
from slarules.conditions import MAX_STRING_LENGTH, Env

from .helpers import cond, env, only_problem


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a)\\1", "invalid escape sequence"),
        ("(?=x)", "invalid perl operator: (?="),
        ("(?!x)y", "invalid perl operator: (?!"),
        ("(?<=x)y", "(?<"),
    ],
)
def test_backreference_and_lookaround_are_refused_at_load_silently(
    pattern: str, reason: str, capfd: pytest.CaptureFixture[str]
) -> None:
    p = only_problem({"subject": {"matches": pattern}})
    assert p.code == "bad-regex"
    assert reason in p.message
    assert "linear time" in p.hint
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_syntax_error_points_to_the_re2_syntax(capfd: pytest.CaptureFixture[str]) -> None:
    p = only_problem({"subject": {"matches": "[a-"}})
    assert "missing ]" in p.message
    assert "re2/wiki/Syntax" in p.hint
    assert capfd.readouterr().err == ""


def test_matches_finds_a_match_anywhere_unless_anchored() -> None:
    assert cond({"subject": {"matches": "b+"}})(env({"subject": "abbc"}))
    assert not cond({"subject": {"matches": "^b+$"}})(env({"subject": "abbc"}))


def test_matches_is_fast_on_hostile_input() -> None:
    # catastrophic for a backtracking engine; linear for RE2
    c = cond({"subject": {"matches": "^(a+)+$"}})
    assert not c(env({"subject": "a" * 50_000 + "!"}))


def test_status_builtin_matches_and_refuses_overlong_values() -> None:
    c = cond({"status": {"matches": "^waiting"}})
    assert c(Env({}, status="waiting_on_customer"))
    with pytest.raises(TicketError, match="not scanned"):
        c(Env({}, status="w" * (MAX_STRING_LENGTH + 1)))


def test_unicode_text_is_matched() -> None:
    assert cond({"subject": {"matches": "宕机"}})(env({"subject": "系统宕机了"}))
