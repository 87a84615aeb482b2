"""Remote sessions the OS itself knows about, behind an adapter (Linux tests use a fake).

Windows: a Remote Desktop session, from ``WTSEnumerateSessionsW`` and each session's
``WTSClientProtocolType`` (2: an RDP client), active or connected (guard/platform/_winapi.py
``wts_sessions``). The RDP server runs inside svchost, which is never given to the monitor as
a tool process, so this is how a Remote Desktop session is seen. It answers to the tool whose
``[session]`` table has ``os = "rdp"`` (windows-remote-desktop).

Not done yet: Quick Assist's Application-log events (its sockets and traffic are watched).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from guard import platform

RDP_PROTOCOL = 2  # WTSClientProtocolType: a Remote Desktop client
WTS_ACTIVE, WTS_CONNECTED = 0, 1
RDP_TOOL_ID = "windows-remote-desktop"

WtsRow = tuple[int, int, str, int, str]  # (session id, state, user, protocol, client ip)


@dataclass(frozen=True, slots=True)
class OsSession:
    """One remote session the OS reports."""

    tool_id: str
    signal: str  # the [session] os value it answers to: "rdp"
    owner: str | None
    peer: str
    evidence: str
    session_id: int | None = None  # Windows: the WTS session id ("Disconnect now" logs it off)


class WindowsRdpSessions:
    """Callable: the Remote Desktop sessions open now. ``sessions`` is the call into Windows
    (``_winapi.wts_sessions``); tests pass a fake returning the same rows."""

    def __init__(
        self, sessions: Callable[[], list[WtsRow]] | None = None, tool_id: str = RDP_TOOL_ID
    ):
        if sessions is None:
            from guard.platform import _winapi  # noqa: PLC0415

            sessions = _winapi.wts_sessions
        self.sessions = sessions
        self.tool_id = tool_id

    def __call__(self) -> list[OsSession]:
        out = []
        for sid, state, user, protocol, ip in self.sessions():
            if protocol != RDP_PROTOCOL or state not in (WTS_ACTIVE, WTS_CONNECTED):
                continue
            who = f" as {user}" if user else ""
            came = f" from {ip}" if ip else ""
            out.append(
                OsSession(
                    self.tool_id,
                    "rdp",
                    user or None,
                    ip,
                    f"Windows reports a Remote Desktop session{came}{who} (session {sid})",
                    sid,
                )
            )
        return out


def default_os_sessions() -> Callable[[], list[OsSession]] | None:
    """The OS adapter for this computer: Windows' Remote Desktop sessions; None elsewhere."""
    return WindowsRdpSessions() if platform.current_os() == "windows" else None
