"""The shapes the session monitor takes and gives (the seam with the engine: issue 16's design
brief). ``SessionRules`` is the validated ``[session]`` table of a tool signature file."""

from __future__ import annotations

from dataclasses import dataclass

from guard.sigdb.model import SessionLogs, SessionRules

__all__ = [
    "Conn",
    "ProcessLook",
    "SessionChange",
    "SessionLogs",
    "SessionRules",
    "Signal",
    "ToolProcess",
]

SIGNALS = ("socket", "traffic", "log", "os")


@dataclass(frozen=True, slots=True)
class ToolProcess:
    """What the monitor is asked to look at, each tick."""

    pid: int
    create_time: float  # psutil's, to tell a reused pid
    tool_id: str
    owner: str | None  # account name, None = everyone (a system account's tool)


@dataclass(frozen=True, slots=True)
class SessionChange:
    """A session through a tool started (``started``) or ended."""

    started: bool  # True: session-started, False: session-ended
    tool_id: str
    pids: tuple[int, ...]  # the tool's processes holding the session
    owner: str | None
    signal: str  # "socket" | "traffic" | "log" | "os"
    peer: str  # "203.0.113.5:6568", or "" when not known
    evidence: str  # one plain line: "anydesk (pid 4242) is connected to 203.0.113.5:6568"
    since: float  # time.time() when it started (for an end: when that session started)
    # The operating system's own session it is (a Windows Remote Desktop session id), so
    # "Disconnect now" can log it off; None for a tool's connection.
    os_session: int | None = None


@dataclass(frozen=True, slots=True)
class Conn:
    """One established TCP connection of a tool's process."""

    local_ip: str
    local_port: int
    remote_ip: str
    remote_port: int

    @property
    def peer(self) -> str:
        host = f"[{self.remote_ip}]" if ":" in self.remote_ip else self.remote_ip
        return f"{host}:{self.remote_port}"


@dataclass(frozen=True, slots=True)
class ProcessLook:
    """One process of a tool as seen in one tick: its established TCP connections."""

    pid: int
    name: str
    conns: tuple[Conn, ...]


@dataclass(frozen=True, slots=True)
class Signal:
    """Why a tool counts as being in a session in this tick."""

    kind: str  # one of SIGNALS
    pids: tuple[int, ...]
    peer: str
    evidence: str
    os_session: int | None = None  # the OS's session id (signal "os")
