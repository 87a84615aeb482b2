"""The ``scamguard`` command: the engine's commands, plus the tray and ``preview-warning``.

``guard`` must never import Qt, so the commands that need it live here and are added to the
engine's parser. With no command, ``scamguard`` opens the tray where there is a display, and
says so in one line and runs the headless guard where there is none.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence

from guard import cli, instance
from guard.headless import run_headless
from guard.platform.session import has_display, x11_library_missing
from guard.supervise import ENV_SUPERVISED  # also set by systemd, launchd
from ui.commands import COMMANDS


def wait_for_other_guard(poll: float = 2.0, sleep: Callable[[float], None] = time.sleep) -> None:
    """Under a supervisor, while another guard runs for this user (a tray someone started
    by hand, say), wait for it to end instead of handing over and exiting: exit 0 would end
    the supervision, and then killing that other copy would end protection."""
    if os.environ.get(ENV_SUPERVISED) != "1":
        return
    while instance.is_running(unknown=False):
        sleep(poll)


def run_tray(_args: argparse.Namespace) -> int:
    wait_for_other_guard()
    if not has_display():
        return run_headless("no display found")
    missing = x11_library_missing()
    if missing:
        return run_headless(
            f"the tray needs the system library {missing} (for example: sudo apt install {missing})"
        )
    from ui.app import run  # noqa: PLC0415 - Qt loads only when the tray starts

    return run()


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extra=COMMANDS, no_command=run_tray)
