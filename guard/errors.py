"""Exit codes, the project's root exception and the exceptions that map onto exit codes,
and the one wording of an ``OSError`` for a person."""

from __future__ import annotations

import errno

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3

# Windows' ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION: another program has the file
# open without sharing it (Python reports both as a PermissionError).
_WINERROR_IN_USE = (32, 33)

FILE_IN_THE_WAY = "a file stands where a folder should be"

_WORDS = {
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: FILE_IN_THE_WAY,
    errno.ENOSPC: "the disk is full",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


class ScamGuardError(Exception):
    """The root of ScamGuard's own failures.

    Why: callers (the CLI, the tray app, the guard's threads) catch the project's own
    failures in one place, apart from programming errors, and word them as one line for a
    person; every exception class the project defines derives from this one."""


class UsageError(ScamGuardError):
    """Bad usage or bad input: the message is the one line the person sees (exit 2)."""


class RejectedError(ScamGuardError):
    """A signature database or update was refused: the message is one line (exit 3)."""


def describe_os_error(exc: OSError) -> str:
    """Why an operating-system call failed, in a few words a person can read in the middle
    of a sentence ("… cannot be read (permission denied)"): the same words wherever
    ScamGuard reports a file it could not use, on every OS, never a traceback's wording.

    A Windows sharing violation is named for what it is (another program has the file);
    otherwise the words follow the errno, and an error with none of these is the system's
    own text with its first letter lower-cased (an acronym such as "I/O" is left alone)."""
    if getattr(exc, "winerror", None) in _WINERROR_IN_USE:
        return "it is in use by another program"
    words = _WORDS.get(exc.errno) if exc.errno is not None else None
    if words is not None:
        return words
    text = exc.strerror or str(exc) or type(exc).__name__
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text
