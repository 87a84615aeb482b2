"""Typed, immutable views of validated signature data.

Only the loader builds these, and only after every field has passed the schema, so the rest of
the engine can trust their shapes without re-checking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from guard.sigdb.globs import Glob

OSES: tuple[str, ...] = ("windows", "macos", "linux")
KINDS: tuple[str, ...] = (
    "remote-desktop",  # general remote control: AnyDesk, TeamViewer, RustDesk
    "remote-support",  # attended helpdesk sessions: Quick Assist, LogMeIn Rescue, ScreenConnect
    "rmm-agent",  # unattended fleet management: Atera, NinjaOne, Kaseya
    "vnc",  # VNC servers and viewers
    "screen-share",  # view-only or meeting-style screen sharing with remote input
    "remote-admin",  # admin tools: Radmin, DameWare, NetSupport Manager
)
RISKS: tuple[str, ...] = ("high", "medium", "low")
PE_FIELDS: dict[str, str] = {
    # signature key -> the StringFileInfo name Windows uses
    "company": "CompanyName",
    "product": "ProductName",
    "original_filename": "OriginalFilename",
    "description": "FileDescription",
    "internal_name": "InternalName",
}


@dataclass(frozen=True, slots=True)
class PeIdentity:
    """A set of PE version-info values that together name one tool; all must match."""

    values: tuple[tuple[str, Glob], ...]  # (StringFileInfo name, compiled value pattern)

    def describe(self) -> str:
        return ", ".join(f"{k}={g.text!r}" for k, g in self.values)


# What a live session can be told by, besides sockets and traffic: signals the OS itself gives
# (guard/session/os_signals.py), named in a tool's [session] table as ``os``.
OS_SIGNALS: tuple[str, ...] = (
    "rdp",  # a Remote Desktop session on this Windows computer (WTSEnumerateSessions)
    "remote-assistance",  # Windows Remote Assistance's own events, while msra.exe runs
)


@dataclass(frozen=True, slots=True)
class SessionLogs:
    """A tool's own connection logs: files per OS, and the literal text that marks a line
    recording an incoming session (case-insensitive; ``ignore`` wins, e.g. "REJECTED")."""

    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)  # os -> log files
    markers: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionRules:
    """How to tell that someone is connected through a tool right now ([session] table).

    Signals, any of which makes a session live (guard/session/decide.py):
    - an established inbound connection accepted on one of ``listen_ports`` (any peer,
      loopback too: an SSH tunnel to a VNC server arrives on loopback);
    - an established outbound connection to a non-loopback peer on one of ``remote_ports``,
      or to any non-loopback peer with ``any_remote``; when ``traffic`` is set (bytes per
      second) that connection counts only while the tool moves at least that much data,
      because these tools keep an idle connection to their vendor's servers all day;
    - a new line in one of its ``logs`` that records an incoming session;
    - the OS signal ``os`` ("rdp").
    """

    remote_ports: tuple[int, ...] = ()
    listen_ports: tuple[int, ...] = ()
    any_remote: bool = False
    traffic: int = 0  # bytes/s of the tool's I/O; 0: a matching connection alone counts
    os: str = ""
    logs: SessionLogs | None = None


@dataclass(frozen=True, slots=True)
class ToolSignature:
    """Everything we know that identifies one remote-access product."""

    id: str
    name: str
    vendor: str
    kind: str
    risk: str
    platforms: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed: dt.date
    description: str = ""
    abuse_url: str = ""
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # os -> executable names
    installers: tuple[Glob, ...] = ()
    pe: tuple[PeIdentity, ...] = ()
    bundle_ids: tuple[str, ...] = ()
    desktop_ids: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    build_ids: tuple[str, ...] = ()  # GNU build IDs of the tool's Linux builds (hex)
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)  # os -> install paths
    domains: tuple[str, ...] = ()
    ports: tuple[int, ...] = ()
    sha256: tuple[str, ...] = ()
    signers: tuple[str, ...] = ()  # code-signing publishers only this tool's vendor uses
    session: SessionRules | None = None  # how a live session through it is told ([session])
    file: str = ""  # where it was loaded from, for messages

    def all_names(self) -> tuple[str, ...]:
        """Every executable name on every OS, in file order, without repeats."""
        seen: dict[str, None] = {}
        for os_names in self.names.values():
            for n in os_names:
                seen.setdefault(n, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class SignatureSet:
    """A whole validated database: the tools plus the version and date it was published with."""

    tools: tuple[ToolSignature, ...]
    version: int
    released: dt.date | None
    source: str  # directory it came from

    def by_id(self) -> dict[str, ToolSignature]:
        return {t.id: t for t in self.tools}
