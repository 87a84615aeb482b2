"""The pause before commands a scam caller may dictate: at a terminal it warns and waits,
and Ctrl-C stops the command before anything changes; scripts are not delayed."""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import subprocess
import sys
import time

from guard import settings
from guard.commands.pause import think_first
from tests.conftest import REPO


def test_scripts_are_not_delayed_and_a_person_is_warned_then_waits():
    slept: list[float] = []
    think_first("do it", interactive=False, sleep=slept.append)
    assert slept == []
    out = io.StringIO()
    think_first("let AnyDesk run", seconds=3, interactive=True, stream=out, sleep=slept.append)
    assert slept == [1, 1, 1]
    said = out.getvalue()
    assert "this will let AnyDesk run" in said and "asked you to type this, it is a scam" in said


def _read_until(fd: int, wanted: bytes, timeout: float = 30.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"never saw {wanted!r}; got {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen


def test_ctrl_c_during_the_pause_trusts_nothing():
    """A real terminal (a pty), as when a caller dictates the command."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guard", "trust", "add", "anydesk"],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(child)
    try:
        seen = _read_until(main, b"going ahead in")
        assert b"it is a scam" in seen
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=10) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    assert settings.load().trusted == {}
