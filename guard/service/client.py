"""Talking to the guard service: the tray's and the command line's side of the socket.

``ServiceClient.connect`` finds the service (``paths.service_endpoint()``), checks that what
answers really is the service (outside a test home its process must be root's: a user's
program cannot listen in the service's folder, and this makes sure), says hello and returns
a client whose ``request`` waits for the matching reply while events, delivered to
``on_event``, go on arriving on its reader thread.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from guard.errors import ScamGuardError, describe_os_error
from guard.service import protocol
from guard.service.protocol import MAX_REPLY, MAX_REQUEST, ProtocolError
from guard.service.transport import Channel, ChannelClosed
from guard.state import paths

CONNECT_TIMEOUT = 2.0
REPLY_TIMEOUT = 10.0


class ServiceUnavailable(ScamGuardError):
    """No service answers here (not installed, not running, or not the real one)."""


def open_channel(endpoint: str, timeout: float) -> Channel:
    if endpoint.startswith("\\\\.\\pipe\\"):
        from guard.service import pipe  # noqa: PLC0415 - Windows only

        return pipe.connect_pipe(
            endpoint, timeout=timeout, send_limit=MAX_REQUEST, receive_limit=MAX_REPLY
        )
    from guard.service.transport import connect_unix  # noqa: PLC0415

    return connect_unix(endpoint, timeout=timeout, send_limit=MAX_REQUEST, receive_limit=MAX_REPLY)


class ServiceClient:
    def __init__(self, channel: Channel, on_event: Callable[[dict[str, Any]], None] | None = None):
        self.channel = channel
        self.on_event = on_event
        self.welcome: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._replies: dict[int, dict[str, Any]] = {}
        self._arrived = threading.Condition(self._lock)
        self.closed = threading.Event()
        self.close_reason = ""
        self._reader = threading.Thread(target=self._read, name="service-client", daemon=True)

    @classmethod
    def connect(
        cls,
        client: str = "cli",
        *,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        endpoint: str | None = None,
        timeout: float = CONNECT_TIMEOUT,
    ) -> ServiceClient:
        """A client that has been welcomed; ServiceUnavailable when nothing (or an impostor)
        answers, with the one-line reason."""
        where = endpoint or paths.service_endpoint()
        try:
            channel = open_channel(where, timeout)
        except (OSError, ValueError) as exc:
            why = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
            raise ServiceUnavailable(
                f"the ScamGuard service is not running ({where}: {why})"
            ) from None
        peer = channel.peer
        if not paths.overridden() and not peer.admin:
            channel.close()
            raise ServiceUnavailable(
                f"{where} is answered by a program of {peer.name}'s, not by the ScamGuard "
                "service; not talking to it"
            )
        made = cls(channel, on_event)
        made._reader.start()
        try:
            made.welcome = made.request("hello", v=protocol.VERSION, client=client, timeout=timeout)
        except ServiceUnavailable:
            made.close()
            raise
        if made.welcome.get("type") != "welcome":
            made.close()
            raise ServiceUnavailable(
                f"the ScamGuard service refused us: {made.welcome.get('message')}"
            )
        return made

    def request(
        self, kind: str, *, timeout: float = REPLY_TIMEOUT, **fields: Any
    ) -> dict[str, Any]:
        """Send one request and wait for its reply (``ok`` False replies are returned, not
        raised: a refusal is an answer). ServiceUnavailable if the service goes away."""
        number = next(self._ids)
        try:
            self.channel.send({"type": kind, "id": number, **fields})
        except (ChannelClosed, OSError) as exc:
            raise ServiceUnavailable(f"the ScamGuard service went away ({exc})") from None
        with self._arrived:
            answered = self._arrived.wait_for(
                lambda: number in self._replies or self.closed.is_set(), timeout
            )
            if number in self._replies:
                return self._replies.pop(number)
        if not answered:
            raise ServiceUnavailable(f"the ScamGuard service did not answer within {timeout:.0f} s")
        raise ServiceUnavailable(f"the ScamGuard service went away ({self.close_reason})")

    def close(self) -> None:
        self.channel.close()
        self.closed.set()

    def _read(self) -> None:
        try:
            while True:
                message = self.channel.receive()
                kind = message.get("type")
                if kind in ("reply", "welcome") and isinstance(message.get("re"), int):
                    with self._arrived:
                        self._replies[message["re"]] = message
                        self._arrived.notify_all()
                elif kind in ("event", "bye") and self.on_event is not None:
                    self.on_event(message)
        except (ChannelClosed, ProtocolError, OSError) as exc:
            self.close_reason = str(exc) or "connection closed"
        finally:
            with self._arrived:
                self.closed.set()
                self._arrived.notify_all()
            self.channel.close()
            if self.on_event is not None:
                self.on_event({"type": "closed", "message": self.close_reason})


def ask(kind: str, **fields: Any) -> dict[str, Any] | None:
    """One request to the service, or None when no service runs here (the command then
    does it the way it always has, for the person's own guard)."""
    try:
        client = ServiceClient.connect("cli")
    except ServiceUnavailable:
        return None
    try:
        return client.request(kind, **fields)
    except ServiceUnavailable as exc:
        return {"ok": False, "message": str(exc)}
    finally:
        client.close()


def running() -> bool:
    """Does the service answer here now?"""
    try:
        ServiceClient.connect(timeout=1.0).close()
    except ServiceUnavailable:
        return False
    return True
