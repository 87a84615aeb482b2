"""The ``scamguard`` command: the engine's commands, plus the tray and ``preview-warning``.

``guard`` must never import Qt, so the commands that need it live here and are added to the
engine's parser. With no command, ``scamguard`` opens the tray where there is a display, and
says so in one line and runs the headless guard where there is none.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from guard import cli
from guard.commands.default import has_display, run_headless
from ui.commands import COMMANDS


def run_tray(_args: argparse.Namespace) -> int:
    if not has_display():
        return run_headless("no display found")
    from ui.app import run  # noqa: PLC0415 - Qt loads only when the tray starts

    return run()


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extra=COMMANDS, no_command=run_tray)
