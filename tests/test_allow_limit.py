"""``scamguard allow ID --for TIME`` beyond the 24-hour limit is refused in one line that
names the limit, before anything is asked of a guard (exit 2); 24 hours itself is allowed."""

from __future__ import annotations

import pytest

from guard.engine.incidents import LONGEST_ALLOW_SECONDS, AllowScope, ScopeTooLong
from tests.conftest import run_cli


@pytest.mark.parametrize("too_long", ["25h", "2d", "1441m", "86401s"])
def test_longer_than_the_limit_is_refused_naming_it(too_long: str) -> None:
    result = run_cli("allow", "feedbeef", "--for", too_long)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"scamguard allow: --for '{too_long}' is longer than the 24-hour limit: allow it for "
        "24h at most, or until it closes"
    ]


def test_not_a_time_says_what_a_time_looks_like() -> None:
    result = run_cli("allow", "feedbeef", "--for", "forever")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "'forever' is not a time" in line and "at most 24h" in line


@pytest.mark.parametrize(("text", "seconds"), [("24h", 86400), ("1d", 86400), ("1440m", 86400)])
def test_the_limit_itself_is_allowed(text: str, seconds: int) -> None:
    scope = AllowScope.parse(text)
    assert scope.kind == "for" and scope.seconds == seconds == LONGEST_ALLOW_SECONDS


def test_the_service_and_the_warning_get_the_same_refusal() -> None:
    """They parse the scope a client sent with the same call: the message names the limit."""
    with pytest.raises(ScopeTooLong, match="longer than the 24-hour limit"):
        AllowScope.parse("48h")
    with pytest.raises(ValueError, match="is not a scope"):
        AllowScope.parse("0h")
