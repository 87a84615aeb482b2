"""What ``python -m guard`` with no command does: the headless guard.

``python -m guard`` is the engine alone (no Qt), so it never opens a window; the
``scamguard`` command (``ui.cli``) opens the tray where there is a display and comes back
here, with its own one-line reason, where there is none.
"""

from __future__ import annotations

import argparse

from guard.headless import run_headless


def run(_args: argparse.Namespace) -> int:
    return run_headless("'python -m guard' has no tray (the tray is 'scamguard')")
