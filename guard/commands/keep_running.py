"""``scamguard keep-running``: the tray, started again whenever it is closed by force.

What Windows' login entry (and a Linux desktop without a systemd user session) runs, so that
ending ScamGuard in Task Manager, as a caller may ask, brings it straight back. Quitting from
the tray's menu (which asks first, and is journalled) ends it for the session.
"""

from __future__ import annotations

import argparse
import signal
import sys

from guard import autostart, choices
from guard.commands.output import warn
from guard.errors import EXIT_OK, UsageError
from guard.supervise import Supervisor


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "keep-running",
        help="start the tray and start it again if it is closed by force (used at login)",
        description="Start ScamGuard's tray and, if it stops for any reason other than "
        "Quit in its menu (ended in Task Manager, killed, crashed), start it again; quick "
        "repeated failures wait longer each time, up to five minutes. Stops when the tray "
        "is quit from its menu, or when this command is told to stop (logout, Ctrl-C).",
    )
    parser.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    try:
        command = autostart.tray_command()
    except autostart.AutostartError as exc:
        raise UsageError(str(exc)) from None
    supervisor = Supervisor(command, report=warn, on_restart=_journal)
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and (name != "SIGHUP" or sys.platform != "win32"):
            signal.signal(signum, lambda *_: supervisor.stop())
    supervisor.run()
    return EXIT_OK


def _journal(why: str) -> None:
    choices.journal(
        "error",
        f"ScamGuard was closed unexpectedly ({why}) and was started again",
        report=warn,
        restarted=why,
    )
