"""The recovery pack as a plain structure: what a person, their bank and the police read.

Every text here is already in plain words and local time, so the HTML (``html.py``), the PDF
(``ui/report_pdf.py``) and a test all read the same sentences: a renderer lays them out and
escapes them, it never re-words or re-times anything. Nothing is added that the journal does
not hold, except the help steps and the numbers of the installed provider profiles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Moment:
    """One row of "what happened, in order"."""

    time: float  # seconds since the epoch, as journalled
    when: str  # local time as read on the page ("14:02:07", or with the day when it changed)
    who: str  # who acted, in a word: "ScamGuard", "Connection", "Decision", "Program"
    what: str  # one plain sentence
    kind: str  # the journal's event kind (tests, styling)


@dataclass(frozen=True, slots=True)
class ProgramRun:
    """One process of the tool as the journal recorded it (a ``detected`` event)."""

    pid: int | None
    path: str  # "" when the journal has no program file for it
    when: str


@dataclass(frozen=True, slots=True)
class Session:
    """Someone connected through the tool: from ``session-started`` to ``session-ended``."""

    started: str  # local time, "" when only the end was journalled
    ended: str  # local time, "" while it had not ended when the pack was made
    length: str  # "4 minutes and 12 seconds", "" when unknown
    peer: str  # "203.0.113.5:6568", "" when the tool did not show it
    signal: str  # in words: "its network connections", "its own connection log"...
    evidence: str  # the journal's one line


@dataclass(frozen=True, slots=True)
class Allowance:
    """One "allowed" event: for how long, and by which path."""

    when: str
    scope: str  # in words: "until it closed", "for 1 hour (until 15:02)", "permanently..."
    how: str  # in words: the warning, the command line, settings trust, a restart
    certain: bool  # False when the journal cannot tell which of two paths it was


@dataclass(frozen=True, slots=True)
class FileRecord:
    """An installer or program file of the tool, with its SHA-256 when the journal has it."""

    path: str
    found: str  # in words: "appeared in a watched folder at 14:01:55"
    sha256: str  # "" when not journalled
    size: int | None
    fate: str  # "moved to quarantine at ...", "put back from quarantine...", "left in place"


@dataclass(frozen=True, slots=True)
class Contact:
    """A number from an installed, validated provider profile: never written here."""

    label: str
    number: str
    note: str  # audience, hours, cost in one line ("" when the profile gives none)


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do now, in order of urgency."""

    title: str
    text: str
    contacts: tuple[Contact, ...] = ()
    link: str = ""  # a web address from a profile ("" when none)


@dataclass(frozen=True, slots=True)
class RecoveryPack:
    """Everything on the page, for one incident."""

    incident: str
    tool: str  # the tool's id ("anydesk")
    name: str  # its name ("AnyDesk")
    day: str  # the first event's local date in words ("Tuesday 3 March 2026")
    first: str  # local time of the first event
    last: str  # local time of the last event
    zone: str  # the time zone the times are in ("GMT", "BST", "UTC+02:00")
    made: str  # when the pack was made, local date and time
    summary: str  # two or three plain sentences
    outcome: str  # "removed", "allowed", "frozen", "closed" ... in words
    moments: tuple[Moment, ...]
    programs: tuple[ProgramRun, ...]
    sessions: tuple[Session, ...]
    allowances: tuple[Allowance, ...]
    files: tuple[FileRecord, ...]
    did: tuple[str, ...]  # what ScamGuard did, one sentence each
    steps: tuple[Step, ...]
    provider: str  # the provider profile the numbers come from ("" when none loaded)
    journal: str  # the journal file it was made from
    notes: tuple[str, ...] = ()  # what the journal does not hold, said plainly
