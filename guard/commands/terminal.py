"""The person's terminal: the controlling terminal (POSIX) or console (Windows) of this
process, whatever its standard streams point at.

Why not ``isatty()`` on stdin or stderr: a caller dictating ``scamguard allow 3 </dev/null
2>/dev/null`` would then make the command look like a script and skip the pause meant for
the person typing. The controlling terminal is where the person sees and types, and is not
changed by redirecting the command's streams; only leaving the session (``setsid``, a
service, ``pythonw``) takes it away, and then the command asks for an explicit flag.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

Opener = Callable[[], TextIO]


def _open_posix_tty() -> TextIO:
    # O_NOCTTY: only look for the terminal this process already has, never acquire one.
    fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    try:
        return os.fdopen(fd, "w", encoding="utf-8", errors="replace")
    except BaseException:
        os.close(fd)
        raise


def _open_windows_console() -> TextIO:
    """The console this process is attached to, if any (never run on real Windows yet:
    ``CONOUT$`` is the documented name of the attached console's screen buffer, and opening
    it fails in a process without a console, e.g. pythonw or a service)."""
    return open("CONOUT$", "w", encoding="utf-8", errors="replace")


def default_opener(platform: str = sys.platform) -> Opener:
    return _open_windows_console if platform == "win32" else _open_posix_tty


def open_terminal(opener: Opener | None = None) -> TextIO | None:
    """A stream to the person's terminal, or None when this process has none."""
    try:
        return (opener or default_opener())()
    except OSError:
        return None
