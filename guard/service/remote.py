"""The guard service as the tray sees it: ``RemoteGuard`` stands where a ``LiveGuard`` would,
and its ``RemoteEngine`` answers the tray's questions (which incidents, in what state) from
the service's own events, and sends the person's decisions back to the service, which
enforces the rules. The tray cannot tell the two apart except by what it is told:
``tamper_protected``.

If the service goes away (stopped by an administrator, restarting after an update), the
listeners hear a ``stopped`` event and the tray says it is not protecting; the connection is
tried again every ``RECONNECT_SECONDS`` and, once back, subscribing brings every open
incident (the warnings owed meanwhile) again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from typing import Any

from guard.engine.incidents import AllowScope, DecisionError, IncidentView
from guard.service.client import ServiceClient, ServiceUnavailable
from guard.service.wire import WireError, event_from_wire, incident_from_wire
from guard.sigdb.model import ToolSignature
from guard.state import paths
from guard.state.events import EventKind, GuardEvent, Listener

RECONNECT_SECONDS = 2.0


def scope_text(scope: AllowScope) -> str:
    """The protocol's words for a scope: ``until-closed`` or ``<seconds>s``."""
    if scope.kind == "for" and scope.seconds is not None:
        return f"{int(scope.seconds)}s"
    return scope.kind


class RemoteEngine:
    """The incidents of this person, mirrored from the service; decisions sent to it."""

    def __init__(
        self,
        tools: Callable[[], Mapping[str, ToolSignature]],
        report: Callable[[str], None],
    ):
        self.tools = tools
        self.report = report
        self.client: ServiceClient | None = None
        self._lock = threading.Lock()
        self._views: dict[str, IncidentView] = {}
        self._listeners: list[Listener] = []

    # --- what the tray asks, as of an Engine ---

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def incidents(self, pending_only: bool = False) -> list[IncidentView]:
        with self._lock:
            views = list(self._views.values())
        return [v for v in views if v.pending or not pending_only]

    def incident(self, incident_id: str) -> IncidentView:
        with self._lock:
            view = self._views.get(incident_id)
        if view is None:
            raise DecisionError(f"no incident {incident_id}")
        return view

    def block(self, incident_id: str) -> IncidentView:
        self._decide(incident_id, action="block")
        return self.incident(incident_id)

    def allow(self, incident_id: str, scope: AllowScope, via: str = "") -> IncidentView:
        """Sent only once the warning's question has been answered (the window asks it); the
        service checks the wait and the scope again itself."""
        self._decide(incident_id, action="allow", scope=scope_text(scope), nobody_on_phone=True)
        return self.incident(incident_id)

    def banking_opened(self, bank: str, person: str | None = None) -> list[str]:
        """A bank came to this person's foreground: the service freezes any tool with a live
        session (the service knows whose; ``person`` is the engine's parameter, unused)."""
        client = self.client
        if client is None:
            return []
        try:
            answer = client.request("banking", bank=bank[:64])
        except ServiceUnavailable:
            return []
        frozen = answer.get("frozen") if answer.get("ok") else None
        return [str(i) for i in frozen] if isinstance(frozen, list) else []

    def problem(self, message: str, **_data: Any) -> None:
        """The tray's own trouble: not the service's journal (a person cannot write it)."""
        self.report(message)

    def note(self, kind: EventKind, message: str, **data: Any) -> None:
        """An event of the tray's own (an update check it ran): to its listeners only."""
        self._tell(GuardEvent(kind, message, data=data), None)

    def _decide(self, incident_id: str, **fields: Any) -> None:
        client = self.client
        if client is None:
            raise DecisionError("the ScamGuard service is not connected; nothing was changed")
        try:
            answer = client.request("decide", incident=incident_id, **fields)
        except ServiceUnavailable as exc:
            raise DecisionError(str(exc)) from None
        if not answer.get("ok"):
            raise DecisionError(str(answer.get("message") or "refused by the ScamGuard service"))

    # --- what the service says ---

    def receive(self, message: dict[str, Any]) -> None:
        """One message from the service (on the client's reader thread)."""
        if message.get("type") != "event":
            return
        try:
            view = (
                incident_from_wire(message["incident"], self.tools())
                if message.get("incident")
                else None
            )
            event = event_from_wire(message["event"]) if message.get("event") else None
        except (WireError, KeyError) as exc:
            self.report(f"a message from the ScamGuard service was damaged ({exc})")
            return
        if view is not None:
            with self._lock:
                known = self._views.get(view.id)
                if known is None or _latest(view) >= _latest(known):  # never an older copy
                    self._views[view.id] = view
        if event is not None:
            self._tell(event, view)

    def disconnected(self, why: str) -> None:
        self.client = None
        with self._lock:
            self._views.clear()  # the service will say them all again when it is back
        self._tell(
            GuardEvent(
                EventKind.STOPPED,
                f"the ScamGuard service is not answering ({why}); trying again",
                data={"reason": "service-gone"},
            ),
            None,
        )

    def _tell(self, event: GuardEvent, view: IncidentView | None) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event, view)
            except Exception as exc:  # one listener never silences the others
                self.report(f"a listener failed ({exc!r})")


def _latest(view: IncidentView) -> float:
    """When an incident copy was last changed: its last event's time."""
    return view.timeline[-1].time if view.timeline else view.opened


class _NoLock:
    """A RemoteGuard holds no guard lock of the person's: nothing to warn about."""

    warnings: list[str] = []  # noqa: RUF012 - read only


class RemoteGuard:
    """Stands where the tray's ``LiveGuard`` would: ``start``, ``stop``, ``engine``."""

    def __init__(
        self,
        tools: Callable[[], Mapping[str, ToolSignature]],
        report: Callable[[str], None],
        *,
        on_reconnected: Callable[[], None] = lambda: None,
        endpoint: str | None = None,
    ):
        self.engine = RemoteEngine(tools, report)
        self.instance = _NoLock()
        self.endpoint = endpoint
        self.on_reconnected = on_reconnected
        self.welcome: dict[str, Any] = {}
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._watcher: threading.Thread | None = None

    @classmethod
    def find(
        cls,
        tools: Callable[[], Mapping[str, ToolSignature]],
        report: Callable[[str], None],
        **kwargs: Any,
    ) -> RemoteGuard | None:
        """A RemoteGuard connected to the service; one still waiting for it when the service
        is installed here but not answering yet (starting at boot, restarting, or its
        connections crowded out: the tray must not fall back to a guard of its own, which a
        caller could stop); None when there is no service on this computer."""
        made = cls(tools, report, **kwargs)
        try:
            made._connect()
        except ServiceUnavailable:
            if not paths.service_installed():
                return None
            made._lost.set()  # the link keeps trying from start()
        return made

    def start(self, ready_timeout: float = 30.0) -> None:
        """Subscribe (the owed warnings arrive first), and keep the connection up. Raises
        ServiceUnavailable (the tray says so) when the service is not answering yet; the
        link keeps trying, and ``on_reconnected`` says when it is back."""
        self._watcher = threading.Thread(target=self._keep_up, name="service-link", daemon=True)
        if self.engine.client is None:
            self._watcher.start()
            raise ServiceUnavailable(
                "the ScamGuard service is installed but not answering yet; trying again"
            )
        self._subscribe()
        self._watcher.start()

    def stop(self, reason: str = "") -> None:
        """The tray quits: say so (a window that goes without a word was killed)."""
        self._stop.set()
        self._lost.set()
        client = self.engine.client
        if client is not None:
            with contextlib.suppress(ServiceUnavailable):
                client.request("bye", reason=reason[:200], timeout=2.0)
            client.close()
        if self._watcher is not None:
            self._watcher.join(timeout=5)

    def request(self, kind: str, **fields: Any) -> dict[str, Any]:
        """One request to the service (trust, status...); a refusal or a lost service is an
        answer with ``ok`` False and the reason, never an exception."""
        client = self.engine.client
        if client is None:
            return {"ok": False, "message": "the ScamGuard service is not connected"}
        try:
            return client.request(kind, **fields)
        except ServiceUnavailable as exc:
            return {"ok": False, "message": str(exc)}

    def _connect(self) -> None:
        def on_message(message: dict[str, Any]) -> None:
            if message.get("type") in ("closed", "bye"):
                self._lost.set()
                return
            self.engine.receive(message)

        client = ServiceClient.connect("tray", on_event=on_message, endpoint=self.endpoint)
        self.welcome = client.welcome
        self._lost.clear()
        self.engine.client = client

    def _subscribe(self) -> None:
        client = self.engine.client
        if client is None:
            raise ServiceUnavailable("not connected")
        answer = client.request("subscribe")
        if not answer.get("ok"):
            raise ServiceUnavailable(str(answer.get("message")))

    def _keep_up(self) -> None:
        while not self._stop.is_set():
            self._lost.wait()  # set when the connection drops, and by stop()
            if self._stop.is_set():
                return
            if self.engine.client is not None:
                self.engine.disconnected("connection closed")
            while not self._stop.wait(RECONNECT_SECONDS):
                try:
                    self._connect()
                    self._subscribe()
                except ServiceUnavailable:
                    continue
                self.on_reconnected()
                break
