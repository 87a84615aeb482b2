"""What the engine tells the world: one event per thing that happened, and who listens.

The tray (next issue), ``watch --json`` and the journal all consume the same events, so what a
person sees, what a script parses and what ``history`` shows can never disagree.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class EventKind(StrEnum):
    """The documented event kinds (docs/cli.md): the ``event`` field of ``watch --json`` and
    ``history --json`` and the ``kind`` column of the journal, so the values never change.
    "started"/"stopped" bracket a watch run; "restored", "trusted" and "settings" come from
    the quarantine and trust commands and the settings a person changes (provider, watched
    folders). A StrEnum is a ``str``: JSON and SQLite get the plain value."""

    STARTED = "started"
    DETECTED = "detected"
    FROZEN = "frozen"
    BLOCKED = "blocked"
    ALLOWED = "allowed"
    ENDED = "ended"
    INSTALLER = "installer"
    ERROR = "error"
    RESTORED = "restored"
    TRUSTED = "trusted"
    SETTINGS = "settings"
    UPDATE = "update"
    STOPPED = "stopped"
    # A frozen tool found running again: frozen again, or closed.
    RESUMED_FROM_OUTSIDE = "resumed-from-outside"
    # A removed tool started or downloaded again, and stopped at once.
    STOPPED_AGAIN = "stopped-again"
    # The guard service refused a client's request (a rule, a right, a malformed message).
    REFUSED = "refused"
    # Protection was off for a while: the service stopped, killed, or paused from outside.
    PROTECTION_OFF = "protection-off"
    # A tool's program file refused by the kernel before it ran (Linux exec gate, fanotify).
    DENIED = "denied"
    # Someone connected to this computer through a running tool (issue 16), and when they
    # left: from the tool's own sockets, its traffic, its connection log or the OS.
    SESSION_STARTED = "session-started"
    SESSION_ENDED = "session-ended"


def iso(timestamp: float) -> str:
    """UTC ISO-8601 with milliseconds: sortable, unambiguous across time zones."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class GuardEvent:
    """One thing that happened. ``message`` is a plain-language line for people; ``data``
    carries the machine-readable rest (evidence, pids, scope, quarantine id)."""

    kind: EventKind  # a plain string of one of its values is accepted and converted
    message: str
    incident: str | None = None
    tool: str | None = None
    tool_name: str | None = None
    pid: int | None = None
    path: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        try:
            kind = EventKind(self.kind)
        except ValueError:
            raise ValueError(f"unknown event kind {self.kind!r}") from None
        object.__setattr__(self, "kind", kind)  # frozen: the one place it is set

    def to_json(self) -> dict[str, Any]:
        """The documented one-line JSON shape of ``watch --json`` and ``history --json``."""
        return {
            "event": self.kind,
            "time": iso(self.time),
            "incident": self.incident,
            "tool": self.tool,
            "name": self.tool_name,
            "pid": self.pid,
            "path": self.path,
            "message": self.message,
            **self.data,
        }


class Listener(Protocol):
    """Anything that wants to hear about events (the tray, the CLI printer, a test).

    Called on the engine's threads, after the engine has acted and released its lock; a
    listener must return quickly and must not wait for a person (the tray marshals the event
    to its own thread). An exception in a listener is reported, never propagated.
    """

    def __call__(self, event: GuardEvent, incident: Any | None, /) -> None: ...
