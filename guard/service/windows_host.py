"""The guard service as a Windows service: ``ScamGuard`` ("ScamGuard protection"), run by the
Service Control Manager as LocalSystem, the same ``ServiceRunner`` that ``scamguard service
run`` builds on Linux and macOS.

``scamguard-service.exe service run`` asks the SCM for its dispatcher first
(``StartServiceCtrlDispatcherW``): started by the SCM, the process becomes the service, and
the call returns once the service has stopped; started from a console, the call fails at once
with ERROR_FAILED_SERVICE_CONTROLLER_CONNECT and the command runs in the foreground as it
does elsewhere.

Plain ctypes (``guard/platform/_winapi.py``), not pywin32's ``ServiceFramework``: a service
needs three calls and two callbacks, and pywin32 would add a 10 MB dependency whose service
hosting (``pythonservice.exe``, ``servicemanager``) needs its own post-install step and
PyInstaller hooks. What the service *decides* (which control stops it, with which reason,
what it tells the SCM when) is ``ServiceHost``, tested on any OS with a fake ``_winapi``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Protocol

from guard.platform import _winapi
from guard.platform.service_host import WINDOWS_SERVICE
from guard.service.health import SHUTDOWN

SERVICE_NAME = WINDOWS_SERVICE
DISPLAY_NAME = "ScamGuard protection"
STOP_REASON = "stopped from the Windows service manager"
SHUTDOWN_REASON = SHUTDOWN  # the next start sees the boot move: not a gap
START_HINT_MS = 30_000
STOP_HINT_MS = 20_000
SERVICE_SPECIFIC_START_FAILED = 1


class Runner(Protocol):
    """What the host drives: ``guard.service.runner.ServiceRunner``."""

    reason: str

    def start(self) -> None: ...
    def wait(self, timeout: float | None = None) -> bool: ...
    def request_stop(self, reason: str = "") -> None: ...
    def stop(self, reason: str = "") -> None: ...


class ServiceHost:
    """ServiceMain and the control handler of the ``ScamGuard`` service."""

    def __init__(self, make_runner: Callable[[], Runner]):
        self.make_runner = make_runner
        self.runner: Runner | None = None
        self.error = ""  # why the service could not start, if it could not
        self._lock = threading.Lock()
        self._asked = ""  # a stop asked for before the runner was made
        self._handle: int | None = None
        self._checkpoint = 0

    def main(self) -> None:
        """ServiceMain: runs on the SCM's thread until the service has stopped."""
        self._handle = _winapi.service_register(SERVICE_NAME, self.control)
        self._report(_winapi.SERVICE_START_PENDING, wait_hint_ms=START_HINT_MS)
        try:
            runner = self.make_runner()
        except Exception as exc:  # the SCM records the failure; the reason goes to the event
            self.error = str(exc) or repr(exc)
            self._report(
                _winapi.SERVICE_STOPPED,
                exit_code=_winapi.ERROR_SERVICE_SPECIFIC_ERROR,
                specific=SERVICE_SPECIFIC_START_FAILED,
            )
            return
        with self._lock:
            self.runner = runner
            asked = self._asked
        if asked:
            runner.request_stop(asked)
        try:
            runner.start()
            self._report(_winapi.SERVICE_RUNNING)
            runner.wait()
            self._report(_winapi.SERVICE_STOP_PENDING, wait_hint_ms=STOP_HINT_MS)
        finally:
            try:
                runner.stop(runner.reason or STOP_REASON)
            finally:
                self._report(_winapi.SERVICE_STOPPED)

    def control(self, code: int) -> int:
        """The SCM's control handler: stop and shutdown stop the runner with their reason;
        interrogate is answered; anything else is not ours."""
        if code == _winapi.SERVICE_CONTROL_INTERROGATE:
            return _winapi.NO_ERROR
        if code == _winapi.SERVICE_CONTROL_STOP:
            reason = STOP_REASON
        elif code in (_winapi.SERVICE_CONTROL_SHUTDOWN, _winapi.SERVICE_CONTROL_PRESHUTDOWN):
            reason = SHUTDOWN_REASON
        else:
            return _winapi.ERROR_CALL_NOT_IMPLEMENTED
        with self._lock:
            runner = self.runner
            if runner is None:
                self._asked = self._asked or reason
        if runner is not None:
            runner.request_stop(reason)
        self._report(_winapi.SERVICE_STOP_PENDING, wait_hint_ms=STOP_HINT_MS)
        return _winapi.NO_ERROR

    def _report(
        self, state: int, *, exit_code: int = 0, specific: int = 0, wait_hint_ms: int = 0
    ) -> None:
        """Tell the SCM; pending states count their checkpoints up, as the SCM expects."""
        if self._handle is None:
            return
        with self._lock:
            pending = state in (_winapi.SERVICE_START_PENDING, _winapi.SERVICE_STOP_PENDING)
            self._checkpoint = self._checkpoint + 1 if pending else 0
            checkpoint = self._checkpoint
        accepted = (
            _winapi.SERVICE_ACCEPT_STOP | _winapi.SERVICE_ACCEPT_SHUTDOWN
            if state == _winapi.SERVICE_RUNNING
            else 0
        )
        # The SCM gone (the computer going down) leaves nothing to tell.
        with contextlib.suppress(OSError):
            _winapi.service_set_status(
                self._handle,
                state,
                accepted=accepted,
                exit_code=exit_code,
                specific=specific,
                checkpoint=checkpoint,
                wait_hint_ms=wait_hint_ms,
            )


def dispatch(make_runner: Callable[[], Runner]) -> str | None:
    """Run as the ``ScamGuard`` service if the SCM started this process. None when it did
    not (a console: run in the foreground instead); otherwise, once the service has stopped,
    "" or why it could not start."""
    host = ServiceHost(make_runner)
    try:
        started = _winapi.service_dispatch(SERVICE_NAME, host.main)
    except OSError:
        return None  # no dispatcher to be had: the foreground is still protection
    return host.error if started else None
