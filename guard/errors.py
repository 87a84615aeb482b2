"""Exit codes and the exceptions that map onto them."""

from __future__ import annotations

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3


class UsageError(Exception):
    """Bad usage or bad input: the message is the one line the person sees (exit 2)."""


class RejectedError(Exception):
    """A signature database or update was refused: the message is one line (exit 3)."""
