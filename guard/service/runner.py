"""The guard service assembled: the live guard in the service layout, its socket, its
health record, and the administrator's actions. ``scamguard service run`` runs it; tests
run it in a test home (``SCAMGUARD_HOME``) as root, exactly as a system unit would.
"""

from __future__ import annotations

import threading
from typing import Any

from guard import __version__
from guard.errors import ScamGuardError
from guard.identify.identifier import Identifier
from guard.live import GuardOptions, LiveGuard
from guard.platform import sd_notify
from guard.service.health import Health
from guard.service.protocol import MAX_REPLY, MAX_REQUEST
from guard.service.server import ALLOW_WAIT, Actions, GuardService
from guard.state import changes, paths, settings
from guard.state.events import EventKind
from guard.updates import client, installed, schedule


class ServiceError(ScamGuardError):
    """The service cannot start; the message is the one-line reason."""


def listen(endpoint: str) -> Any:
    """The endpoint's listener for this OS: a Unix socket, or the Windows named pipe."""
    if endpoint.startswith("\\\\.\\pipe\\"):
        from guard.service import pipe  # noqa: PLC0415 - Windows only

        return pipe.PipeListener(endpoint, send_limit=MAX_REPLY, receive_limit=MAX_REQUEST)
    from guard.service.transport import UnixListener  # noqa: PLC0415

    return UnixListener(endpoint, send_limit=MAX_REPLY, receive_limit=MAX_REQUEST)


class ServiceRunner:
    """Start and stop the whole service; ``wait`` blocks until asked to stop."""

    def __init__(
        self, identifier: Identifier, options: GuardOptions, *, allow_wait: float | None = None
    ):
        paths.use_service_layout()
        installed.share_with_everyone()  # the trays read its update (install() keeps it so)
        self.guard = LiveGuard(identifier, options)
        self._stop = threading.Event()
        self.reason = ""
        try:
            self.listener = listen(paths.service_endpoint())
        except OSError as exc:
            self.guard.stop("the service could not listen")
            raise ServiceError(
                f"the service cannot listen on {paths.service_endpoint()} ({exc.strerror or exc})"
            ) from None
        engine = self.guard.engine
        self.server = GuardService(
            engine,
            self.listener,
            Actions(
                trust=self._trust,
                provider=self._provider,
                stop=self.request_stop,
                update=self.update_now,
            ),
            status=self.status,
            allow_wait=ALLOW_WAIT if allow_wait is None else allow_wait,
        )
        self.health = Health(
            paths.state_dir(),
            engine.note_event,
            self.guard.processes.rescan_soon,
            alive=self._alive if sd_notify.watchdog_enabled() else None,
        )
        self._updating = threading.Lock()
        self._updater = threading.Thread(target=self._update_loop, name="updates", daemon=True)

    def start(self) -> None:
        self.guard.start()
        self.server.start(accept=False)  # hears the gap found at start, for the windows
        self.health.start()
        # Clients last: a window that gets an answer finds the whole service running.
        self.server.accept_clients()
        sd_notify.notify(sd_notify.READY)  # systemd: started (units ordered after it go on)
        if self.guard.options.follow_updates:  # not when started on a chosen database
            self._updater.start()

    def request_stop(self, reason: str = "") -> None:
        self.reason = self.reason or reason
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._stop.wait(timeout)

    def stop(self, reason: str = "") -> None:
        reason = self.reason or reason or "stopped"
        sd_notify.notify(sd_notify.STOPPING)
        self.server.stop()
        self.health.stop(reason)
        self.guard.stop(reason)

    @staticmethod
    def _alive() -> None:
        sd_notify.notify(sd_notify.WATCHDOG)

    def update_now(self) -> tuple[str, bool]:
        """Check the feed once (the schedule, or a person's "Check for updates"); an update
        installed is followed by the live guard within a second (``LiveGuard``)."""
        with self._updating:
            checked = schedule.check_now(report=self._report)
        if checked is None:
            return "no update feed is set up on this computer", True
        said, ok = checked
        if ok:
            self.guard.engine.note(EventKind.UPDATE, said)
        else:
            self.guard.engine.problem(said)
        return said, ok

    def _update_loop(self) -> None:
        first = True
        while not self._stop.wait(schedule.next_wait(first)):
            first = False
            if not client.wait_asked():  # the feed asked us to come back later
                self.update_now()

    def status(self) -> dict[str, Any]:
        return {
            "version": __version__,
            "protecting": True,
            "tamper_protected": True,
            "source": self.guard.processes.source,
            "tools": len(self.guard.identifier.index),
            "provider": settings.load().provider,
        }

    def _report(self, line: str) -> None:
        self.guard.engine.problem(line)

    def _trust(self, tool_id: str, action: str, note: str, who: str) -> str:
        tool = self.guard.identifier.index.tools.get(tool_id.casefold())
        if action == "add":
            if tool is None:
                raise ValueError(f"{tool_id!r} is not a known tool")
            changes.add_trust(tool, f"{note} (by {who})".strip(), report=self._report)
            self._trust_changed()
            return f"{tool.name} is now trusted"
        name = tool.name if tool is not None else tool_id
        if not changes.remove_trust(tool_id, name=name, report=self._report):
            return f"{name} was not trusted"
        self._trust_changed()
        return f"{name} is no longer trusted"

    def _trust_changed(self) -> None:
        """The exec gate answers from the trust list housekeeping last read (up to 1 s old):
        a tool trusted a moment ago and started at once must not be refused for that."""
        engine = self.guard.engine
        engine.trusted_seen = frozenset(engine.trusted())

    def _provider(self, profile_id: str, who: str) -> str:
        from guard.providers.active import load_active_profiles  # noqa: PLC0415

        profile = load_active_profiles()[0].get(profile_id)
        if profile is None:
            raise ValueError(f"{profile_id!r} is not a provider profile")
        changes.set_provider(profile.id, profile.name, report=self._report)
        return f"the warning now shows {profile.name} (set by {who})"
