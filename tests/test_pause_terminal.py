"""The pause's terminal is the controlling terminal, not the command's standard streams.

Complements ``test_pause.py``: here the terminal is made the way a terminal window makes
it (a new session whose controlling tty is a pty, via TIOCSCTTY), Ctrl-C is typed on it,
the adapter in ``guard/commands/terminal.py`` is checked for real (with and without a
controlling terminal) and with injected openers for Windows, and ``allow`` with the flag
and no terminal is carried through to a (stand-in) guard and journalled.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from guard.commands import terminal
from guard.commands.pause import PAUSE_SECONDS, SCRIPT_FLAG
from guard.engine.requests import RequestInbox
from guard.instance import GuardInstance
from guard.state import settings
from guard.state.journal import read
from guard.state.paths import journal_path
from tests.child_output import read_until
from tests.conftest import REPO, run_cli
from tests.helpers import wait_for

SAYS_IT_IS_A_SCAM = b"asked you to type this, it is a scam"


def _journal() -> list[dict[str, Any]]:
    path = journal_path()
    return read(path) if path.exists() else []


def _skips() -> list[dict[str, Any]]:
    return [e for e in _journal() if e["data"].get("setting") == "pause-skipped"]


# -- a real terminal -------------------------------------------------------------------


# Run in the child, already leading a session of its own (``start_new_session``): make the
# pty (fd ARGV[1], passed down) its controlling terminal, as a terminal window does for the
# shell in it, so it is also the pty's foreground process group and gets its Ctrl-C; then
# become the command. (Not ``preexec_fn``: unsafe when the test process has threads.)
_TAKE_THE_TERMINAL = (
    "import fcntl, os, sys, termios\n"
    "fd = int(sys.argv[1])\n"
    "fcntl.ioctl(fd, termios.TIOCSCTTY, 0)\n"
    "os.close(fd)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def _at_a_terminal(secondary: int, command: list[str], **popen: Any) -> subprocess.Popen:
    """``command`` in a new session whose controlling terminal is the pty ``secondary``;
    its standard streams are whatever ``popen`` says (none of them the terminal)."""
    return subprocess.Popen(
        [sys.executable, "-c", _TAKE_THE_TERMINAL, str(secondary), *command],
        cwd=REPO,
        start_new_session=True,
        pass_fds=(secondary,),
        **popen,
    )


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, int]]:
    """(main, secondary) ends of a new pty, both closed afterwards. The test keeps the
    secondary end open itself: with the command's streams redirected, nothing else has it
    open until the command opens /dev/tty, and reads of the main end would fail (EIO)."""
    main, secondary = os.openpty()
    yield main, secondary
    os.close(main)
    os.close(secondary)


def test_ctrl_c_typed_at_the_terminal_stops_trust_add_with_its_streams_redirected(
    pty_pair: tuple[int, int],
):
    """As a caller might dictate: ``scamguard trust add anydesk </dev/null 2>/dev/null |
    cat``. The warning still appears on the person's terminal, and Ctrl-C typed there
    (the byte the key sends, through the terminal's own line discipline) stops it."""
    main, secondary = pty_pair
    before = settings.settings_path().read_bytes() if settings.settings_path().exists() else None
    proc = _at_a_terminal(
        secondary,
        [sys.executable, "-m", "guard", "trust", "add", "anydesk"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        shown = read_until(main, b"going ahead in")
        assert SAYS_IT_IS_A_SCAM in shown and b"this will let AnyDesk run" in shown
        os.write(main, b"\x03")  # Ctrl-C
        assert proc.wait(timeout=10) == 130
        assert proc.stdout is not None
        assert b"scam" not in proc.stdout.read()  # on the terminal, not down the pipe
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    after = settings.settings_path().read_bytes() if settings.settings_path().exists() else None
    assert after == before and settings.load().trusted == {}
    assert [e for e in _journal() if e["kind"] in ("trusted", "settings")] == []


_ASK_THE_ADAPTER = (
    "from guard.commands import terminal\n"
    "out = terminal.open_terminal()\n"
    "print('none' if out is None else 'terminal')\n"
    "if out is not None:\n"
    "    out.write('hello from the adapter\\n'); out.close()\n"
)


def test_the_adapter_finds_the_controlling_terminal_whatever_the_streams_are(
    pty_pair: tuple[int, int],
):
    main, secondary = pty_pair
    proc = _at_a_terminal(
        secondary,
        [sys.executable, "-c", _ASK_THE_ADAPTER],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert stdout.strip() == "terminal"
    assert b"hello from the adapter" in read_until(main, b"hello from the adapter")


def test_the_adapter_finds_no_terminal_in_a_session_without_one():
    found = subprocess.run(
        [sys.executable, "-c", _ASK_THE_ADAPTER],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
        check=True,
        start_new_session=True,
    )
    assert found.stdout.strip() == "none"


# -- the adapter, with injected openers ------------------------------------------------


def test_posix_opens_dev_tty_without_taking_a_terminal(monkeypatch: pytest.MonkeyPatch):
    calls: list[tuple[str, int]] = []
    reader, writer = os.pipe()

    def fake_open(path: str, flags: int, *_: Any) -> int:
        calls.append((path, flags))
        return writer

    monkeypatch.setattr(terminal.os, "open", fake_open)
    out = terminal.open_terminal(terminal.default_opener("linux"))
    assert out is not None
    with out:
        out.write("on the terminal\n")
    monkeypatch.undo()
    with os.fdopen(reader, "rb") as pipe:
        assert pipe.read() == b"on the terminal\n"
    [(path, flags)] = calls
    assert path == "/dev/tty"
    assert flags & os.O_NOCTTY and flags & os.O_RDWR == os.O_RDWR


@pytest.mark.parametrize("code", [errno.ENXIO, errno.ENOENT, errno.EIO, errno.EACCES])
def test_posix_without_a_controlling_terminal_is_no_terminal(
    monkeypatch: pytest.MonkeyPatch, code: int
):
    def fake_open(path: str, flags: int, *_: Any) -> int:
        raise OSError(code, os.strerror(code), path)

    monkeypatch.setattr(terminal.os, "open", fake_open)
    assert terminal.open_terminal(terminal.default_opener("linux")) is None


class _FakeWindowsOpen:
    """``open`` as the Windows branch calls it; this branch has never run on real Windows,
    so only its decision is checked: the console is ``CONOUT$``, and failing to open it
    (pythonw, a service: no console) means no terminal."""

    def __init__(self, fail: bool):
        self.fail = fail
        self.calls: list[tuple[str, str]] = []
        self.console = io.StringIO()

    def __call__(self, name: str, mode: str = "r", **_: Any) -> io.StringIO:
        self.calls.append((name, mode))
        if self.fail:
            raise OSError(errno.EINVAL, "The handle is invalid", name)
        return self.console


def test_windows_writes_to_the_attached_console(monkeypatch: pytest.MonkeyPatch):
    fake = _FakeWindowsOpen(fail=False)
    monkeypatch.setattr(terminal, "open", fake, raising=False)
    assert terminal.open_terminal(terminal.default_opener("win32")) is fake.console
    assert fake.calls == [("CONOUT$", "w")]


def test_windows_without_a_console_is_no_terminal(monkeypatch: pytest.MonkeyPatch):
    fake = _FakeWindowsOpen(fail=True)
    monkeypatch.setattr(terminal, "open", fake, raising=False)
    assert terminal.open_terminal(terminal.default_opener("win32")) is None
    assert fake.calls == [("CONOUT$", "w")]


# -- commands run with no terminal -----------------------------------------------------


def test_help_tells_script_authors_about_the_flag():
    for command in (["allow", "--help"], ["trust", "add", "--help"]):
        shown = run_cli(*command)
        assert shown.returncode == 0, shown.stderr
        text = " ".join(shown.stdout.split())
        assert SCRIPT_FLAG in text
        assert "for scripts with no terminal" in text
        assert "At a terminal the pause happens anyway" in text
        assert "it is a scam" in text


class _StandInEngine:
    """The running guard's side of a request, as ``RequestInbox`` sees an engine."""

    def __init__(self) -> None:
        self.allowed: list[tuple[str, str]] = []
        self.problems: list[str] = []

    def allow(self, incident: str, scope: Any, via: str = "") -> SimpleNamespace:
        self.allowed.append((incident, scope.kind))
        return SimpleNamespace(tool=SimpleNamespace(name="AnyDesk"))

    def problem(self, message: str) -> None:
        self.problems.append(message)


def test_allow_with_the_flag_and_no_terminal_goes_ahead_at_once_and_is_journalled(
    tmp_path: Path,
):
    """A guard holds the lock and answers requests (the real inbox, over a stand-in
    engine); the command, run as a script with the flag, does not pause."""
    held = GuardInstance()
    engine = _StandInEngine()
    inbox: RequestInbox | None = None
    out, err = tmp_path / "out", tmp_path / "err"
    try:
        with out.open("w") as stdout, err.open("w") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "guard", "allow", "7", SCRIPT_FLAG],
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                cwd=REPO,
                start_new_session=True,
            )
        try:
            path = journal_path()
            wait_for(path.exists, timeout=20, message="the command to write the journal")
            inbox = RequestInbox(path, engine)  # type: ignore[arg-type]

            def answered() -> bool:
                inbox.poll()
                return proc.poll() is not None

            # Well inside the 30-second pause: the command did not wait for one.
            wait_for(answered, timeout=PAUSE_SECONDS * 2 / 3, message="the allow to finish")
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
    finally:
        if inbox is not None:
            inbox.close()
        held.release()
    assert proc.returncode == 0, err.read_text()
    assert "AnyDesk was allowed" in out.read_text()
    assert engine.allowed == [("7", "until-closed")] and engine.problems == []
    [skipped] = _skips()
    assert skipped["kind"] == "settings"
    assert skipped["data"]["command"] == "allow 7" and skipped["data"]["for_incident"] == "7"
    assert SCRIPT_FLAG in skipped["message"] and "pause was skipped" in skipped["message"]


def test_allow_refused_with_no_terminal_sends_nothing_to_the_guard():
    held = GuardInstance()
    try:
        refused = run_cli("allow", "7", "--for", "30m")
    finally:
        held.release()
    assert refused.returncode == 2
    [line] = refused.stderr.splitlines()
    assert "incident 7" in line and SCRIPT_FLAG in line
    assert _requests() == [] and _skips() == []


def _requests() -> list[tuple[str, str]]:
    path = journal_path()
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT incident, action FROM requests").fetchall()
