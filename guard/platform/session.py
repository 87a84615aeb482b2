"""Is there a desktop session, and is it still there? The checks that decide between the
tray and the headless guard, and whether a supervisor should stop at logout.

Windows and macOS sessions always have a display (and the session ending ends every
program in it); on Linux it is X11 or Wayland, told by the environment.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from guard import platform

# Qt platforms that draw without a display server (QT_QPA_PLATFORM): tests, kiosks, VNC.
SERVERLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")


def has_display(env: Mapping[str, str] | None = None) -> bool:
    """Windows and macOS sessions always have one; on Linux look for X11 or Wayland, or a
    Qt platform chosen that needs neither."""
    env = os.environ if env is None else env
    if platform.current_os() != "linux":
        return True
    qt_platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0]
    if qt_platform in SERVERLESS_PLATFORMS:
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def display_alive(env: Mapping[str, str] | None = None) -> bool:
    """Is this session's display still there? Linux only (elsewhere the session ending ends
    every program in it): the X11 socket for a local ``DISPLAY``, or the Wayland socket.
    True when it cannot tell (a remote or offscreen display): never a reason to stop."""
    env = os.environ if env is None else env
    if platform.current_os() != "linux":
        return True
    wayland = env.get("WAYLAND_DISPLAY", "")
    if wayland:
        runtime = env.get("XDG_RUNTIME_DIR", "")
        socket = (
            Path(wayland) if os.path.isabs(wayland) else Path(runtime or "/nonexistent") / wayland
        )
        return socket.exists()
    local = re.fullmatch(r"(?:unix)?:([0-9]+)(?:\.[0-9]+)?", env.get("DISPLAY", ""))
    if local:
        return Path(f"/tmp/.X11-unix/X{local.group(1)}").exists()  # noqa: S108 - X's own path
    return True


def x11_library_missing(env: Mapping[str, str] | None = None) -> str:
    """The system library Qt's X11 plugin cannot start without, if it is missing.

    Without it Qt aborts the whole process with a message no person at home can act on;
    checked first, the guard still runs (headless) and the line says what to install.
    """
    env = os.environ if env is None else env
    qt_platform = env.get("QT_QPA_PLATFORM", "")
    on_x11 = env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY")
    if platform.current_os() != "linux" or not on_x11:
        return ""
    if qt_platform and not qt_platform.startswith("xcb"):
        return ""
    bundled = getattr(sys, "_MEIPASS", None)  # a PyInstaller build carries its own copy
    if bundled and any(Path(bundled).glob("libxcb-cursor.so*")):
        return ""
    return "" if platform.shared_library_present("xcb-cursor") else "libxcb-cursor0"
