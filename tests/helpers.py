"""Test helpers: waiting on conditions with a deadline, and writing small signature databases."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

T = TypeVar("T")

# The Windows lane (tests/wine-lane, `make test-windows`) runs this suite on Windows Python.
ON_WINDOWS = sys.platform == "win32"
# Deadlines stretch under Wine, where starting a process or a thread costs several times what
# it does natively: the tests still wait on a condition, only for longer before failing.
TIME_FACTOR = 3 if ON_WINDOWS else 1


# On Windows a program ended from outside (Popen.kill, Task Manager's "End task":
# TerminateProcess) exits with this code; there is no signal to read.
END_TASK_EXIT_CODE = 1


def interrupt(proc: subprocess.Popen[Any]) -> None:
    """Ctrl-C for a guard a test started: SIGINT on POSIX. Windows cannot send a signal to
    another console's program: there it is ended (TerminateProcess), as "End task" does."""
    if proc.poll() is not None:
        return
    if ON_WINDOWS:
        proc.kill()
    else:
        proc.send_signal(signal.SIGINT)


def not_on_windows(reason: str) -> pytest.MarkDecorator:
    """Skip a test in the Windows lane, saying why it cannot run there (listed by ``-rs``)."""
    return pytest.mark.skipif(ON_WINDOWS, reason=reason)


MINIMAL_TOOL = """\
id = "{id}"
name = "{name}"
vendor = "Example Vendor"
kind = "remote-desktop"
risk = "high"
platforms = ["windows", "linux"]
sources = ["https://example.com/docs"]
reviewed = 2026-11-01
"""


def wait_for(
    condition: Callable[[], T],
    timeout: float = 5.0,
    interval: float = 0.01,
    message: str = "condition",
) -> T:
    """Poll ``condition`` until it returns something truthy, or fail after ``timeout`` s
    (times TIME_FACTOR in the Windows lane)."""
    timeout *= TIME_FACTOR
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def tool_toml(tool_id: str, name: str | None = None, extra: str = "") -> str:
    """A valid tool file plus ``extra`` TOML appended (tables, more fields)."""
    head = MINIMAL_TOOL.format(id=tool_id, name=name or tool_id.title())
    return head + textwrap.dedent(extra)


def write_database(root: Path, tools: dict[str, str], version: int = 1) -> Path:
    """A database folder with database.toml and tools/<stem>.toml for each entry."""
    (root / "tools").mkdir(parents=True, exist_ok=True)
    (root / "database.toml").write_text(f"schema = 1\nversion = {version}\nreleased = 2026-11-01\n")
    for stem, text in tools.items():
        (root / "tools" / f"{stem}.toml").write_text(text)
    return root


def resume_from_outside(pid: int) -> None:
    """What a caller dictates to undo a freeze: ``kill -CONT pid``; on Windows a resume
    (psutil's, NtResumeProcess) as Process Explorer's "Resume" does. Gone: nothing."""
    if ON_WINDOWS:
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).resume()
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGCONT)


@contextlib.contextmanager
def keep_resuming(pid: int) -> Iterator[None]:
    """While inside: ``resume_from_outside(pid)`` every 10 ms, as a script a caller left
    running would, so a frozen tool keeps waking up."""
    stop = threading.Event()

    def resume() -> None:
        while not stop.wait(0.01):
            resume_from_outside(pid)

    resumer = threading.Thread(target=resume, daemon=True)
    resumer.start()
    try:
        yield
    finally:
        stop.set()
        resumer.join()


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A real small file system at ``folder`` (a tmpfs mounted with ``options``, e.g.
    ``ro,size=64k`` or ``size=1m``), so a read-only or full disk is real, not mocked.
    Skips the test where mounting is not possible (not root, no mount)."""
    if ON_WINDOWS:
        pytest.skip("a real read-only or full disk is a mounted tmpfs: Linux only")
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


# Remote-access programs the test suite installs itself (tests/debian-packages.txt: a real
# VNC server for the live-session tests). On the machine the suite runs on they are real
# findings, which the tests that expect a clean machine leave aside (test_benign_names
# checks this list is complete).
RIG_TOOLS = frozenset({"x11vnc"})


def signatures_without_rig_tools(folder: Path) -> Path:
    """A copy of the shipped signature database without ``RIG_TOOLS``' files, for a command
    that must see this machine as clean (``--signatures``)."""
    from guard.state import paths

    shutil.copytree(paths.builtin_signatures_dir(), folder)
    for tool in RIG_TOOLS:
        (folder / "tools" / f"{tool}.toml").unlink()
    return folder


class ManualClock:
    """A clock the test moves by hand (``clock.now += 60``), for an engine or a service:
    no test depends on the real date or on waiting real time."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
