"""Remote sessions the OS itself knows about, behind an adapter (Linux tests use a fake).

Windows: a Remote Desktop session, from ``WTSEnumerateSessionsW`` and each session's
``WTSClientProtocolType`` (2: an RDP client), active or connected (guard/platform/_winapi.py
``wts_sessions``). The RDP server runs inside svchost, which is never given to the monitor as
a tool process, so this is how a Remote Desktop session is seen. It answers to the tool whose
``[session]`` table has ``os = "rdp"`` (windows-remote-desktop).

Windows Remote Assistance (msra.exe): its own event channel,
``Microsoft-Windows-RemoteAssistance/Operational``, read with ``EvtQuery``
(``_winapi.recent_events``). A helper connecting (15), the password accepted (16), the helper
seeing the screen (22) or sharing control (21) start a session; a disconnect either way
(18, 19) or the invitation closing (20) ends it. The ids are those of the provider's event
manifest (``wevtutil gp Microsoft-Windows-RemoteAssistance /ge /gm``). Such an event counts
only while msra.exe runs and only if it came after that process started (``at``): an old
session's event must not make today's msra look connected. It answers to ``os =
"remote-assistance"``.

Quick Assist writes no session event of its own (the only trace in a log is a key use by
CryptoNG, event 9 of Microsoft-Windows-Crypto-NCrypt, which does not tell a session from an
idle window): it is seen through its sockets and traffic, from its ``[session]`` table.

None of these calls has run on a real Windows: the decisions are tested on Linux with rows
shaped like Windows', and the calls run in the Windows lane under Wine, which has no sessions
or events of these kinds.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from guard import platform

RDP_PROTOCOL = 2  # WTSClientProtocolType: a Remote Desktop client
WTS_ACTIVE, WTS_CONNECTED = 0, 1
RDP_TOOL_ID = "windows-remote-desktop"
RA_TOOL_ID = "windows-remote-assistance"
RA_CHANNEL = "Microsoft-Windows-RemoteAssistance/Operational"
RA_STARTS = {15: "a helper connected", 16: "the helper's password was accepted",
             21: "the helper is sharing control", 22: "the helper can see the screen"}  # fmt: skip
RA_ENDS = {18: "disconnected by the helper", 19: "disconnected here", 20: "invitation closed"}
# Signals that belong to a running tool process: a hit counts only for that tool's running
# processes, and only if it came after the oldest of them started.
PROCESS_BOUND = frozenset({"remote-assistance"})

log = logging.getLogger(__name__)

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
    at: float | None = None  # when the OS recorded it (epoch seconds), where it says


class OsSessions(Protocol):
    """A source of the OS's own remote sessions. ``running`` names the tools that have
    processes now (None: not known), so a source tied to one program can skip its work."""

    def __call__(self, running: frozenset[str] | None = None) -> list[OsSession]: ...


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

    def __call__(self, running: frozenset[str] | None = None) -> list[OsSession]:
        """``running`` (the tools with processes now) does not matter: an RDP session is
        Windows' own, with no program of its own to wait for."""
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


EventRow = tuple[int, str]  # (event id, the event's XML), newest first
_SYSTEM_TIME = re.compile(r"SystemTime=['\"](\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,9})?Z?['\"]")


def event_time(xml: str) -> float | None:
    """An event's ``TimeCreated/@SystemTime`` (UTC) as epoch seconds; None if it has none."""
    found = _SYSTEM_TIME.search(xml)
    if not found:
        return None
    stamp = dt.datetime.fromisoformat(found.group(1)).replace(tzinfo=dt.UTC)
    fraction = float(found.group(2)) if found.group(2) else 0.0
    return stamp.timestamp() + fraction


class RemoteAssistanceEvents:
    """Callable: a Remote Assistance session open now, from the newest of its start and end
    events. ``events`` is the call into Windows (``_winapi.recent_events``); tests pass a fake
    returning the same rows. A channel that cannot be read is said once, then quietly skipped
    (the monitor still watches msra.exe's sockets)."""

    def __init__(
        self,
        events: Callable[[str, Sequence[int], int], list[EventRow]] | None = None,
        tool_id: str = RA_TOOL_ID,
    ):
        if events is None:
            from guard.platform import _winapi  # noqa: PLC0415

            events = _winapi.recent_events
        self.events = events
        self.tool_id = tool_id
        self.problem: str | None = None

    def __call__(self, running: frozenset[str] | None = None) -> list[OsSession]:
        """``running``: the tools with processes now. A session counts only while msra.exe
        runs, so the log is not read at all otherwise (the monitor ticks every second)."""
        if running is not None and self.tool_id not in running:
            return []
        try:
            rows = self.events(RA_CHANNEL, [*RA_STARTS, *RA_ENDS], 8)
        except OSError as exc:
            if self.problem is None:
                self.problem = f"Remote Assistance's event log cannot be read ({exc})"
                log.info("%s", self.problem)
            return []
        for event_id, xml in rows:  # newest first: the newest start or end decides
            if event_id in RA_ENDS:
                return []
            if event_id in RA_STARTS:
                at = event_time(xml)
                when = dt.datetime.fromtimestamp(at).strftime(" at %H:%M:%S") if at else ""
                return [
                    OsSession(
                        self.tool_id,
                        "remote-assistance",
                        None,
                        "",
                        f"Windows Remote Assistance logged that {RA_STARTS[event_id]}"
                        f" (event {event_id}{when})",
                        None,
                        at,
                    )
                ]
        return []


class AllOsSessions:
    """Callable: every OS adapter's sessions together; one that fails costs only its own."""

    def __init__(self, *sources: OsSessions):
        self.sources = sources

    def __call__(self, running: frozenset[str] | None = None) -> list[OsSession]:
        out: list[OsSession] = []
        for source in self.sources:
            try:
                out.extend(source(running))
            except Exception as exc:  # one source's failure costs only its own
                log.info("OS sessions not readable: %r", exc)
        return out


def default_os_sessions() -> OsSessions | None:
    """The OS adapters for this computer: Windows' Remote Desktop and Remote Assistance
    sessions; None elsewhere."""
    if platform.current_os() != "windows":
        return None
    return AllOsSessions(WindowsRdpSessions(), RemoteAssistanceEvents())
