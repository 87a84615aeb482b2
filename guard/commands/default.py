"""What ``python -m guard`` with no command does: the headless guard.

``python -m guard`` is the engine alone (no Qt), so it never opens a window; the
``scamguard`` command (``ui.cli``) opens the tray where there is a display and comes back
here, with its own one-line reason, where there is none.
"""

from __future__ import annotations

import argparse

from guard.commands import watch
from guard.commands.output import warn


def run_headless(reason: str) -> int:
    """Say why there is no window, in one line, then guard with ``watch``'s defaults."""
    warn(f"{reason}; running the headless guard (see: scamguard watch --help)")
    return watch.run(watch.build_defaults())


def run(_args: argparse.Namespace) -> int:
    return run_headless("'python -m guard' has no tray (the tray is 'scamguard')")
