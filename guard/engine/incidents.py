"""Incidents: everything one tool instance did, gathered so a person sees one alert, not ten.

A scammer's "now open the file you downloaded" produces an installer in Downloads, a main
process, a helper or two, perhaps a service and an updater, and a relaunch when the first
copy is frozen. All of it belongs to one incident keyed by the tool, while that incident is
open or closed less than ``join_window`` seconds ago. The incident carries its state and a
timeline, and hands listeners immutable views so the tray can render without locks.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import psutil

from guard.errors import ScamGuardError
from guard.identify.evidence import Evidence
from guard.session.model import SessionChange
from guard.sigdb.model import ToolSignature
from guard.state.events import GuardEvent, iso


class State(StrEnum):
    DETECTED = "detected"  # seen, nothing frozen (log mode, a file only, or freezing denied)
    FROZEN = "frozen"  # the tool's processes are suspended, waiting for a decision
    BLOCKED = "blocked"  # killed and/or quarantined: final
    ALLOWED = "allowed"  # resumed under a scope that expires
    ENDED = "ended"  # the tool closed by itself, or an allowance ran out with it closed


PENDING = frozenset({State.DETECTED, State.FROZEN})


class MemberState(StrEnum):
    """Where one process of an incident stands (shown in the warning's Details and in
    ``watch --json``, so the values never change)."""

    RUNNING = "running"
    FROZEN = "frozen"  # suspended by the guard
    KILLED = "killed"  # killed by the guard
    EXITED = "exited"  # gone by itself (or became another program)
    DENIED = "denied"  # the operating system refused to let the guard act on it
    EXEMPT = "exempt"  # never frozen (the guard itself, a protected system process)


class FileState(StrEnum):
    """Where one installer or installed folder of an incident stands."""

    PRESENT = "present"  # where it was found: a decision is due
    MOVING = "moving"  # being moved to quarantine (outside the engine's lock)
    QUARANTINED = "quarantined"
    GONE = "gone"  # deleted or moved away by the person
    FAILED = "failed"  # could not be moved to quarantine


class DecisionError(ScamGuardError):
    """A decision that cannot be carried out (unknown incident, already removed)."""


class SwitchState(StrEnum):
    """Where one of the operating system's remote-access switches stands (Remote Desktop,
    Screen Sharing...: guard/platform/remote_switches.py)."""

    ON = "on"  # switched on: a decision is due
    SWITCHING_OFF = "switching-off"  # being switched off (outside the engine's lock)
    OFF = "off"  # switched off, by the guard or by the person
    FAILED = "failed"  # could not be switched off: the note says why and what to do
    LEFT_ON = "left-on"  # the person allowed it


@dataclass
class SwitchMember:
    """A switch of the operating system that belongs to the incident of its tool."""

    id: str
    title: str
    how: str  # turned-on | while-not-watching | still-on
    state: SwitchState = SwitchState.ON
    note: str = ""
    seen: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return {
            "switch": self.id,
            "title": self.title,
            "how": self.how,
            "state": self.state,
            "note": self.note,
            "seen": iso(self.seen),
        }


# The longest a person's "I started this myself" can last (guard/engine/allowing.py
# enforces it again when an allowance is restored).
LONGEST_ALLOW_HOURS = 24
LONGEST_ALLOW_SECONDS = LONGEST_ALLOW_HOURS * 3600


class ScopeTooLong(ScamGuardError, ValueError):
    """An allowance asked for longer than the limit: refused, saying what the limit is."""


@dataclass(frozen=True, slots=True)
class AllowScope:
    """How long a person's "I started this myself" lasts. Never permanent: permanent trust
    is a setting, made deliberately, not a click under pressure from a caller."""

    kind: str  # "until-closed" | "for" | "trusted" (a permanent setting, never from the alert)
    seconds: float | None = None

    @classmethod
    def parse(cls, text: str) -> AllowScope:
        """``until-closed``, or a duration such as ``1h``, ``30m``, ``90s`` (at most 24 h;
        ``1d`` is the same). A longer one is refused with the limit in the message."""
        text = text.strip().casefold()
        if text in ("until-closed", "until-it-closes"):
            return cls("until-closed")
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        if len(text) >= 2 and text[-1] in units and text[:-1].isdigit():
            seconds = int(text[:-1]) * units[text[-1]]
            if seconds > LONGEST_ALLOW_SECONDS:  # the one limit, named: never "not a scope"
                raise ScopeTooLong(
                    f"{text!r} is longer than the {LONGEST_ALLOW_HOURS}-hour limit: allow it "
                    f"for {LONGEST_ALLOW_HOURS}h at most, or until it closes"
                )
            if seconds > 0:
                return cls("for", float(seconds))
        raise ValueError(f"{text!r} is not a scope: use until-closed, or a time such as 1h or 30m")

    @property
    def label(self) -> str:
        if self.kind == "until-closed":
            return "until it closes"
        if self.kind == "trusted":
            return "always (trusted in settings)"
        assert self.seconds is not None
        if self.seconds % 3600 == 0:
            hours = int(self.seconds // 3600)
            return f"for {hours} hour" + ("s" if hours != 1 else "")
        if self.seconds % 60 == 0:
            return f"for {int(self.seconds // 60)} minutes"
        return f"for {int(self.seconds)} seconds"


@dataclass
class Member:
    """One process in an incident."""

    proc: psutil.Process
    name: str
    exe: str | None
    role: str  # "tool" (matched itself) | "child" (started by a member)
    state: MemberState = MemberState.RUNNING
    note: str = ""
    ppid: int | None = None  # the program that started it, for the warning's Details
    started: float | None = None
    frozen_at: float | None = None  # monotonic: when the guard last stopped it
    resumed: int = 0  # times it was found running again after being frozen (not by us)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def to_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "name": self.name,
            "path": self.exe,
            "role": self.role,
            "state": self.state,
            "note": self.note,
            "ppid": self.ppid,
            "started": iso(self.started) if self.started else None,
            "resumed_from_outside": self.resumed,
        }


@dataclass
class FileMember:
    """An installer or installed folder that belongs to the incident."""

    path: str
    how: str  # created | moved | closed | scan | installed
    quarantinable: bool = True
    state: FileState = FileState.PRESENT
    quarantine_id: str | None = None
    note: str = ""
    seen: float = field(default_factory=time.time)  # when it arrived (the download time)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "how": self.how,
            "seen": iso(self.seen),
            "state": self.state,
            "quarantine_id": self.quarantine_id,
            "note": self.note,
        }


@dataclass(frozen=True)
class IncidentView:
    """An immutable snapshot of an incident for listeners (the tray) and the CLI."""

    id: str
    tool: ToolSignature
    state: State
    opened: float
    processes: tuple[dict[str, Any], ...]
    files: tuple[dict[str, Any], ...]
    evidence: tuple[Evidence, ...]
    facts: dict[str, str]
    allow: str | None
    allow_expires: float | None
    problems: tuple[str, ...]
    timeline: tuple[GuardEvent, ...]
    switches: tuple[dict[str, Any], ...] = ()  # the OS switches turned on (remote_switches)
    owner: str | None = None  # the person it is about (the guard service); None: everyone
    # Someone connected through it now: {"since", "peer", "signal", "evidence"} (issue 16).
    session: dict[str, Any] | None = None
    # Frozen because this bank came up during a live session: the banking warning shows.
    banking: str | None = None

    @property
    def pending(self) -> bool:
        """Waiting for a person's decision (the warning is up)."""
        return self.state in PENDING

    def to_json(self) -> dict[str, Any]:
        return {
            "incident": self.id,
            "tool": self.tool.id,
            "name": self.tool.name,
            "state": str(self.state),
            "opened": iso(self.opened),
            "processes": list(self.processes),
            "files": list(self.files),
            "evidence": [e.to_json() for e in self.evidence],
            "allow": self.allow,
            "allow_expires": iso(self.allow_expires) if self.allow_expires else None,
            "problems": list(self.problems),
            "switches": list(self.switches),
            "session": self.session,
            "banking": self.banking,
        }


@dataclass
class Incident:
    """The engine's mutable record; only the engine touches it, under its lock."""

    tool: ToolSignature
    opened: float
    id: str = field(default_factory=lambda: secrets.token_hex(4))
    owner: str | None = None  # whose: the engine's person_of (None: a system account's)
    state: State = State.DETECTED
    members: dict[int, Member] = field(default_factory=dict)
    files: dict[str, FileMember] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)
    allow: AllowScope | None = None
    allow_expires: float | None = None
    allowed_at: float | None = None
    allowed_pids: set[int] = field(default_factory=set)  # what the person saw running
    closed: float | None = None  # when it became blocked/ended (for the join window)
    problems: list[str] = field(default_factory=list)
    timeline: list[GuardEvent] = field(default_factory=list)
    switches: dict[str, SwitchMember] = field(default_factory=dict)
    session: SessionChange | None = None  # someone connected through it now (sessions.py)
    banking: str | None = None  # the bank that came up during the session (sessions.py)
    banking_grace_until: float | None = None  # let go on through the banking warning until

    def live_members(self) -> list[Member]:
        return [
            m
            for m in self.members.values()
            if m.state not in (MemberState.KILLED, MemberState.EXITED)
        ]

    def files_present(self) -> bool:
        """Any installer or installation still where it was found (a decision is due)."""
        return any(f.state in (FileState.PRESENT, FileState.MOVING) for f in self.files.values())

    def switches_on(self) -> list[SwitchMember]:
        """Switches still on that a "Remove" should switch off (one that failed is tried
        again)."""
        return [
            s for s in self.switches.values() if s.state in (SwitchState.ON, SwitchState.FAILED)
        ]

    def pending_files(self) -> list[FileMember]:
        return [f for f in self.files.values() if f.state == FileState.PRESENT and f.quarantinable]

    def add_evidence(self, evidence: tuple[Evidence, ...], facts: dict[str, str]) -> None:
        known = {(e.kind, e.value) for e in self.evidence}
        self.evidence += [e for e in evidence if (e.kind, e.value) not in known]
        for key, value in facts.items():
            self.facts.setdefault(key, value)

    def note_problem(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def view(self) -> IncidentView:
        return IncidentView(
            id=self.id,
            tool=self.tool,
            state=self.state,
            opened=self.opened,
            processes=tuple(m.to_json() for m in self.members.values()),
            files=tuple(f.to_json() for f in self.files.values()),
            evidence=tuple(self.evidence),
            facts=dict(self.facts),
            allow=self.allow.label if self.allow else None,
            allow_expires=self.allow_expires,
            problems=tuple(self.problems),
            timeline=tuple(self.timeline),
            switches=tuple(s.to_json() for s in self.switches.values()),
            owner=self.owner,
            session=_session_json(self.session),
            banking=self.banking if self.state in PENDING else None,
        )


def _session_json(session: SessionChange | None) -> dict[str, Any] | None:
    if session is None:
        return None
    return {"since": iso(session.since), "peer": session.peer, "signal": session.signal,
            "evidence": session.evidence}  # fmt: skip
