"""``scamguard keep-running``: the tray, started again whenever it is closed by force.

What Windows' login entry (and a Linux desktop without a systemd user session) runs, so that
ending the tray in Task Manager, as a caller may ask, brings it straight back. Quitting from
the tray's menu (which asks first, and is journalled) ends it for the session, and so does
the session ending; SIGTERM or SIGHUP while the session's display is still there does not.
A person with the right commands can still end both processes (SIGKILL, ``taskkill /f``):
only a system service run by the OS would stop that, and that is not built yet.
"""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Callable

from guard.errors import EXIT_OK, UsageError
from guard.output import warn
from guard.platform import autostart
from guard.platform.session import display_alive
from guard.state import changes
from guard.state.events import EventKind
from guard.supervise import ENV_SUPERVISED, Supervisor


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
    os.environ[ENV_SUPERVISED] = "1"  # the tray waits for another copy instead of exiting
    supervisor = Supervisor(command, report=warn, on_restart=_journal, session_alive=display_alive)
    signal.signal(signal.SIGINT, lambda *_: supervisor.stop())  # Ctrl-C at a terminal
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, lambda *_: on_stop_signal(supervisor, display_alive))
    supervisor.run()
    return EXIT_OK


def on_stop_signal(supervisor: Supervisor, session_alive: Callable[[], bool]) -> None:
    """SIGTERM or SIGHUP: stop only if the session is ending. While its display is still
    there the signal came from someone in it (a caller's ``pkill scamguard``), and the
    person is still the one to protect; at logout the display goes, the tray exits, and the
    supervisor then sees the session gone and stops too."""
    if session_alive():
        warn("asked to stop while you are still logged in: ScamGuard keeps running")
        return
    supervisor.stop()


def _journal(why: str) -> None:
    changes.journal(
        EventKind.ERROR,
        f"ScamGuard was closed unexpectedly ({why}) and was started again",
        report=warn,
        restarted=why,
    )
