"""The pause before commands a scam caller may dictate: at a terminal it warns and waits,
and Ctrl-C stops the command before anything changes. The terminal is the controlling one,
so redirecting the command's streams does not skip it; with no terminal at all, only
``--yes-i-am-not-on-the-phone`` lets it go ahead, and that is journalled."""

from __future__ import annotations

import errno
import io
import os
import shlex
import signal
import subprocess
import sys

import pytest

from guard.commands import pause
from guard.commands.pause import think_first
from guard.errors import UsageError
from guard.state import settings
from guard.state.journal import read
from guard.state.paths import journal_path
from tests.child_output import read_until
from tests.conftest import REPO, run_cli
from tests.helpers import not_on_windows


def _no_terminal() -> io.StringIO:
    raise OSError(errno.ENXIO, "No such device or address")


def test_a_person_at_a_terminal_is_warned_then_waits_even_with_the_flag():
    slept: list[float] = []
    out = io.StringIO()
    out.close = lambda: None  # type: ignore[method-assign]  # read it after think_first
    skipped: list[bool] = []
    think_first(
        "let AnyDesk run",
        scripted=True,
        on_skipped=lambda: skipped.append(True),
        seconds=3,
        opener=lambda: out,
        sleep=slept.append,
    )
    assert slept == [1, 1, 1] and skipped == []
    said = out.getvalue()
    assert "this will let AnyDesk run" in said and "asked you to type this, it is a scam" in said


def test_with_no_terminal_nothing_is_done_without_the_flag():
    skipped: list[bool] = []
    with pytest.raises(UsageError, match="--yes-i-am-not-on-the-phone"):
        think_first(
            "do it", scripted=False, on_skipped=lambda: skipped.append(True), opener=_no_terminal
        )
    assert skipped == []
    slept: list[float] = []
    think_first(
        "do it",
        scripted=True,
        on_skipped=lambda: skipped.append(True),
        opener=_no_terminal,
        sleep=slept.append,
    )
    assert skipped == [True] and slept == []


_kept: list[int] = []


def _on_a_terminal(
    args: list[str], redirected: bool, ctrl_c_ignored: bool = False
) -> tuple[subprocess.Popen, int]:
    """``python -m guard ARGS`` in its own session whose controlling terminal is a new pty,
    as a person's terminal window; ``redirected``: its stdin, stdout and stderr are not
    the terminal (``</dev/null >/dev/null 2>&1``, as a caller might dictate);
    ``ctrl_c_ignored``: started with SIGINT ignored (``trap '' INT;`` dictated first)."""
    import pty  # POSIX only: the Windows lane skips these tests

    main, child = pty.openpty()
    command = shlex.join([sys.executable, "-m", "guard", *args])
    if redirected:
        command += " </dev/null >/dev/null 2>&1"
    # setsid --ctty: a new session whose controlling terminal is its stdin, the pty.
    ignore = "trap '' INT; " if ctrl_c_ignored else ""
    proc = subprocess.Popen(
        ["setsid", "--ctty", "sh", "-c", f"{ignore}exec {command}"],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=REPO,
    )
    # The test keeps the pty's other end open: with the streams redirected, nothing else
    # has it open until the command opens /dev/tty, and reads would end early (EIO).
    if redirected:
        _kept.append(child)
    else:
        os.close(child)
    return proc, main


@not_on_windows("a controlling terminal (a pty, setsid --ctty) is POSIX only")
@pytest.mark.parametrize(
    ("redirected", "ctrl_c_ignored"),
    [(False, False), (True, False), (True, True)],
    ids=["typed", "streams-redirected", "ctrl-c-ignored-first"],
)
def test_ctrl_c_during_the_pause_trusts_nothing(redirected: bool, ctrl_c_ignored: bool):
    """A real terminal (a pty), as when a caller dictates the command; redirecting the
    command's streams does not skip the pause, and the flag does not either. Nor does
    having Ctrl-C ignored first (``trap '' INT``): the countdown still stops on it."""
    args = ["trust", "add", "anydesk", "--yes-i-am-not-on-the-phone"]
    proc, main = _on_a_terminal(args, redirected, ctrl_c_ignored)
    try:
        seen = read_until(main, b"going ahead in")
        assert b"it is a scam" in seen
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=10) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
        while _kept:
            os.close(_kept.pop())
    assert settings.load().trusted == {}
    assert not [e for e in read_journal() if e["kind"] == "settings"]


def read_journal() -> list[dict]:
    path = journal_path()
    return read(path) if path.exists() else []


def test_with_no_terminal_trust_add_needs_the_flag_and_its_use_is_journalled():
    refused = run_cli("trust", "add", "anydesk")
    assert refused.returncode == 2
    [line] = refused.stderr.splitlines()
    assert "nothing was done" in line and "--yes-i-am-not-on-the-phone" in line
    assert settings.load().trusted == {}
    done = run_cli("trust", "add", "anydesk", "--yes-i-am-not-on-the-phone")
    assert done.returncode == 0, done.stderr
    assert "anydesk" in settings.load().trusted
    [skipped] = [e for e in read_journal() if e["data"].get("setting") == "pause-skipped"]
    assert skipped["kind"] == "settings" and skipped["tool"] == "anydesk"
    assert "--yes-i-am-not-on-the-phone" in skipped["message"]
    assert "the 30-second pause was skipped" in skipped["message"]


def test_the_countdown_turns_ctrl_c_back_on_and_then_puts_things_back() -> None:
    """In this process (the real handler swap; on Windows also the console's own switch):
    an ignored Ctrl-C is Python's KeyboardInterrupt inside, and ignored again after."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with pause.ctrl_c_stops():
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
