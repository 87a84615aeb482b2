"""What the engine tells the world: one event per thing that happened, and who listens.

The tray (next issue), ``watch --json`` and the journal all consume the same events, so what a
person sees, what a script parses and what ``history`` shows can never disagree.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# The documented event kinds (docs/cli.md). "started"/"stopped" bracket a watch run;
# "restored", "trusted" and "settings" come from the quarantine and trust commands and the
# settings a person changes (provider, watched folders).
EVENT_KINDS = frozenset(
    {
        "started",
        "detected",
        "frozen",
        "blocked",
        "allowed",
        "ended",
        "installer",
        "error",
        "restored",
        "trusted",
        "settings",
        "update",
        "stopped",
        "resumed-from-outside",  # a frozen tool found running again: frozen again, or closed
        "stopped-again",  # a removed tool started or downloaded again, and stopped at once
    }
)


def iso(timestamp: float) -> str:
    """UTC ISO-8601 with milliseconds: sortable, unambiguous across time zones."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class GuardEvent:
    """One thing that happened. ``message`` is a plain-language line for people; ``data``
    carries the machine-readable rest (evidence, pids, scope, quarantine id)."""

    kind: str
    message: str
    incident: str | None = None
    tool: str | None = None
    tool_name: str | None = None
    pid: int | None = None
    path: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}")

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

    def __call__(self, event: GuardEvent, incident: Any | None) -> None: ...
