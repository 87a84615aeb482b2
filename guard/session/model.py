"""The shapes the session monitor and the engine exchange (the issue-16 seam).

The engine hands the monitor the tool processes it knows (``ToolProcess``: every member of
an incident, frozen, allowed, trusted or exempt); the monitor says when a remote party
connects through one of them and when it leaves (``SessionChange``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ToolProcess:
    """One process of a remote-access tool the monitor should look at."""

    pid: int
    create_time: float  # psutil's, to tell a reused pid
    tool_id: str
    owner: str | None  # account name; None: everyone (a system account's tool)


@dataclass(frozen=True, slots=True)
class SessionChange:
    """A remote party connected (``started``) or left, through one tool."""

    started: bool
    tool_id: str
    pids: tuple[int, ...]  # the tool's processes holding the session
    owner: str | None
    signal: str  # "socket" | "traffic" | "log" | "os"
    peer: str  # "203.0.113.5:6568", or "" when not known
    evidence: str  # one plain line
    since: float  # time.time() when the session started (for an end: when it started)
