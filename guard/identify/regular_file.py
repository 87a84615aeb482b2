"""Open a watched file for reading only if it really is a regular file, without ever blocking.

A file in Downloads can be swapped for a FIFO (or a socket, or a device) between the moment it
is looked at and the moment it is opened. A plain ``open()`` of a FIFO with no writer waits
forever, and the thread that opened it (the install watcher's only worker) with it: the
tray would keep saying "watching" while nothing is checked any more. So every read of a
watched file goes through here: open with ``O_NONBLOCK`` (opening a FIFO returns at once),
then ``fstat`` the descriptor actually opened (not the name, which may have changed again)
and refuse anything that is not a regular file. ``O_NONBLOCK`` changes nothing for reads of
a regular file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import BinaryIO

from guard.errors import ScamGuardError

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # not on Windows, where no FIFO can sit in a folder
    | getattr(os, "O_NOCTTY", 0)  # a terminal device must never become our terminal
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotRegularFile(OSError, ScamGuardError):
    """The path is (now) a FIFO, socket, device or folder: nothing to read."""


def open_regular(
    path: str | os.PathLike[str], buffering: int = 0
) -> tuple[BinaryIO, os.stat_result]:
    """A binary handle on ``path`` (unbuffered unless asked) and the ``fstat`` of what was
    opened.

    Raises ``NotRegularFile`` for anything but a regular file, ``OSError`` if it cannot be
    opened at all. The caller closes the handle (use it in a ``with``)."""
    fd = os.open(os.fspath(path), _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile("not a regular file")
        handle = os.fdopen(fd, "rb", buffering=buffering)
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise
    return handle, st
