"""A real X desktop for the foreground-window tests and benchmark: Xvfb, the openbox window
manager (which keeps ``_NET_ACTIVE_WINDOW``), xterm windows with chosen titles, and a
pager-style activator that asks the window manager to bring a window to the front.

The activator sends the same ``_NET_ACTIVE_WINDOW`` client message ``xdotool
windowactivate`` (or a taskbar) sends, from this process through libxcb: no program is
spawned per change, so a thousand changes take seconds.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

from guard.platform import foreground

PROGRAMS = ("Xvfb", "openbox", "xterm", "xdotool")
DEBIAN = "xvfb openbox xterm xdotool (tests/debian-packages.txt; `make test` installs them)"


def missing_programs() -> list[str]:
    return [p for p in PROGRAMS if shutil.which(p) is None]


def require_programs() -> None:
    """Skip with the reason when a program is missing. As root with apt-get (the CI, where
    `make test` installs tests/debian-packages.txt first) a missing program fails instead:
    a broken CI image must not pass by skipping."""
    missing = missing_programs()
    if not missing:
        return
    message = f"missing {', '.join(missing)}: install {DEBIAN}"
    if os.environ.get("SCAMGUARD_REQUIRE_X11") == "1" or (
        getattr(os, "geteuid", lambda: 1)() == 0 and shutil.which("apt-get")
    ):
        pytest.fail(message)
    pytest.skip(message)


def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.005)


class XDesktop:
    """Xvfb + openbox on a free display; windows are xterms running ``sleep``."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        self.display = ""
        self._activator: _Activator | None = None

    def start(self, *, window_manager: bool = True) -> XDesktop:
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "640x480x24", "-nolisten",
             "tcp", "-noreset"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.procs.append(xvfb)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as fh:
            number = fh.readline().strip().decode()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        if not window_manager:
            return self
        env = {**os.environ, "DISPLAY": self.display}
        self.procs.append(
            subprocess.Popen(
                ["openbox", "--config-file", "/dev/null"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(self._wm_ready, what="openbox to manage the screen")
        return self

    def _wm_ready(self) -> bool:
        out = subprocess.run(
            ["xprop", "-root", "-display", self.display, "_NET_SUPPORTING_WM_CHECK"],
            capture_output=True, text=True, check=False,
        ) if shutil.which("xprop") else None  # fmt: skip
        if out is None:  # no xprop: ask through xdotool instead
            out = subprocess.run(
                ["xdotool", "getactivewindow"], env={**os.environ, "DISPLAY": self.display},
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            return out.returncode == 0 or "window" in out.stderr
        return "window id" in out.stdout

    def window(self, title: str) -> tuple[int, subprocess.Popen[bytes]]:
        """A new xterm titled ``title`` (running sleep, so no shell renames it); its id."""
        env = {**os.environ, "DISPLAY": self.display}
        proc = subprocess.Popen(
            ["xterm", "-T", title, "-geometry", "40x5", "-e", "sleep", "600"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.procs.append(proc)
        ids: list[str] = []

        def mapped() -> bool:
            out = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--pid", str(proc.pid)],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            ids[:] = out.stdout.split()
            return bool(ids)

        wait_for(mapped, what=f"the window {title!r} to appear")
        return int(ids[0]), proc

    def focus(self, window: int) -> None:
        """Give ``window`` the input focus directly (what happens with no window manager)."""
        subprocess.run(
            ["xdotool", "windowfocus", str(window)],
            env={**os.environ, "DISPLAY": self.display}, check=True,
        )  # fmt: skip

    def rename(self, window: int, title: str) -> None:
        subprocess.run(
            ["xdotool", "set_window", "--name", title, str(window)],
            env={**os.environ, "DISPLAY": self.display}, check=True,
        )  # fmt: skip

    def activate(self, window: int) -> None:
        """Ask the window manager to bring ``window`` to the front (returns at once)."""
        if self._activator is None:
            self._activator = _Activator(self.display)
        self._activator.activate(window)

    def stop(self) -> None:
        if self._activator is not None:
            self._activator.close()
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("format", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("window", ctypes.c_uint32),
        ("type", ctypes.c_uint32),
        ("data", ctypes.c_uint32 * 5),
    ]


class _Activator:
    """Sends ``_NET_ACTIVE_WINDOW`` requests to the root window, as a pager does (source
    indication 2, which openbox always honours)."""

    def __init__(self, display: str):
        xcb, _free = foreground._xcb()
        self.xcb = xcb
        xcb.xcb_send_event.restype = foreground._Cookie
        xcb.xcb_send_event.argtypes = [
            ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_void_p,
        ]  # fmt: skip
        self.reader = foreground.X11Reader(display)  # for its connection, root and atoms
        assert self.reader.unavailable_reason is None, self.reader.unavailable_reason
        self.conn = self.reader._conn
        self.root = self.reader._root
        self.atom = self.reader._atoms["_NET_ACTIVE_WINDOW"]

    def activate(self, window: int) -> None:
        msg = _ClientMessage(33, 32, 0, window, self.atom)  # 33: XCB_CLIENT_MESSAGE
        msg.data[:] = [2, 0, 0, 0, 0]
        mask = 0x80000 | 0x100000  # SubstructureNotify | SubstructureRedirect
        self.xcb.xcb_send_event(self.conn, 0, self.root, mask, ctypes.byref(msg))
        self.xcb.xcb_flush(self.conn)

    def close(self) -> None:
        self.reader.close()


@contextlib.contextmanager
def x_desktop() -> Iterator[XDesktop]:
    desktop = XDesktop().start()
    try:
        yield desktop
    finally:
        desktop.stop()
