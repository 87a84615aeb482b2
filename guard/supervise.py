"""Keep the tray running: start it, and start it again if it is closed by force.

A caller may talk someone into ending ScamGuard in Task Manager. Where the system has its own
way to restart a program (systemd's ``Restart=``, launchd's ``KeepAlive``) the packages use
that; on Windows, and on Linux desktops without a systemd user session, the login entry runs
``scamguard keep-running``, which is this loop.

The rule is the same everywhere: the tray exits 0 only when it was meant to stop (Quit from
its menu, which asks first and is journalled, or a second copy handing over to the first),
so 0 ends the loop and anything else (killed, crashed, SIGTERM from someone other than the
session) starts it again, while the session's display is still there. Quick repeated
failures back off, up to five minutes apart, so a
broken install does not spin the CPU; a run that lasted a while resets the back-off.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Set for the supervised guard (by `keep-running`, systemd or launchd): the tray then waits
# for another copy to end instead of exiting (ui.cli.wait_for_other_guard).
ENV_SUPERVISED = "SCAMGUARD_SUPERVISED"

Report = Callable[[str], None]


@dataclass(frozen=True)
class Backoff:
    first: float = 1.0  # seconds before the first restart
    most: float = 300.0  # never wait longer than this
    healthy: float = 60.0  # a run this long counts as working: the next failure waits `first`


def describe_exit(code: int) -> str:
    """``-9`` → "killed (signal 9)", as a person reading History can follow."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"stopped by {name}"
    return f"exit code {code}"


class Supervisor:
    """Runs ``command`` until it exits 0 or :meth:`stop` is called."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        backoff: Backoff = Backoff(),
        report: Report = lambda _line: None,
        on_restart: Callable[[str], None] = lambda _why: None,
        session_alive: Callable[[], bool] = lambda: True,
    ) -> None:
        self.command = list(command)
        self.backoff = backoff
        self.report = report
        self.on_restart = on_restart
        self.session_alive = session_alive
        self.child: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()

    def run(self) -> int:
        """Exit status: 0 when the program quit on purpose or we were told to stop."""
        delay = self.backoff.first
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                self.child = subprocess.Popen(self.command)
                if self._stopping.is_set():  # stop() ran before the child was visible to it
                    self.child.terminate()
            except OSError as exc:
                code, why = 127, f"could not be started ({exc.strerror or exc})"
            else:
                code = self.child.wait()
                why = describe_exit(code)
            if code == 0 or self._stopping.is_set():
                return 0
            if not self.session_alive():
                self.report(f"ScamGuard stopped ({why}) as the session ended")
                return 0
            if time.monotonic() - started >= self.backoff.healthy:
                delay = self.backoff.first
            self.report(f"ScamGuard stopped unexpectedly ({why}); starting it again in {delay:g} s")
            if self._stopping.wait(delay):
                return 0
            self.restarts += 1
            self.on_restart(why)
            delay = min(delay * 2, self.backoff.most)
        return 0

    def stop(self) -> None:
        """Stop for good (logout, shutdown, a service manager): end the child too."""
        self._stopping.set()
        child = self.child
        if child is not None and child.poll() is None:
            with contextlib.suppress(OSError):
                child.terminate()
