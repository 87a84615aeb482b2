"""What ``scamguard`` with no command does: the tray app where it can, else the headless guard.

The tray arrives with the warning/tray issue; until then, and always on a machine with no
display, this says so in one line and runs ``watch``.
"""

from __future__ import annotations

import argparse
import os

from guard.commands import watch
from guard.commands.output import warn
from guard.oskind import current_os


def has_display() -> bool:
    """Windows and macOS sessions always have one; on Linux look for X11 or Wayland."""
    if current_os() != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    if has_display():
        warn("the tray app is not part of this build yet; running the headless guard")
    else:
        warn("no display found; running the headless guard")
    defaults = watch.build_defaults()
    return watch.run(defaults)
