"""Which of the three desktop OS families we are on, as the names signature files use."""

from __future__ import annotations

import sys


def current_os() -> str:
    """``windows``, ``macos`` or ``linux`` (other Unixes are treated as Linux)."""
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"
