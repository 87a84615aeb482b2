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
