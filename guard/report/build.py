"""From the journal to a recovery pack: one incident's events, told in plain words.

Everything on the page is read from the journal (``guard.state.journal``) as ``history``
reads it; nothing is guessed. Where the journal cannot tell something (which of two paths an
allowance came by, a file's fingerprint that was never taken), the pack says so rather than
filling the gap, because a bank or the police may act on what it says.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guard.errors import UsageError
from guard.history import build as group_incidents
from guard.providers.model import Profile
from guard.report import words
from guard.report.model import (
    Allowance,
    FileRecord,
    Moment,
    ProgramRun,
    RecoveryPack,
    Session,
)
from guard.report.steps import recovery_steps
from guard.state import journal
from guard.state.events import EventKind

Row = dict[str, Any]

# Who acted, in a word, per event kind (the table's "Who" column: text, never a colour).
_WHO = {
    EventKind.DETECTED: "Program",
    EventKind.INSTALLER: "Program",
    EventKind.ENDED: "Program",
    EventKind.SESSION_STARTED: "Connection",
    EventKind.SESSION_ENDED: "Connection",
    EventKind.ALLOWED: "Decision",
    EventKind.RESTORED: "Decision",
    EventKind.TRUSTED: "Decision",
    EventKind.SETTINGS: "Decision",
}
_OUTCOME = {
    "blocked": "removed by ScamGuard",
    "allowed": "allowed to run",
    "frozen": "still frozen, waiting for a decision",
    "ended": "closed",
    "detected": "seen, but not frozen",
}
_SIGNAL = {
    "socket": "its network connections",
    "traffic": "its network traffic",
    "log": "its own connection log",
    "os": "the operating system (a remote desktop session)",
}
# How an allowance was given, when the event says (a ``via`` field, if the engine adds one).
_VIA = {
    "warning": "on ScamGuard's warning screen",
    "command-line": "with the command 'scamguard allow'",
    "service": "through the ScamGuard service, by an administrator's command",
}
UNSURE_HOW = (
    "by someone at this computer: on ScamGuard's warning screen, or with the command "
    "'scamguard allow' (the journal does not say which)"
)
# A command-line decision reaches the guard through the journal's requests table, and is
# carried out within a few seconds of being asked (guard/engine/requests.py).
_REQUEST_WINDOW = 10.0


class ReportError(UsageError):
    """The pack cannot be made: one line for the person (unknown incident, no journal, a
    file that cannot be written). A usage error: the command line exits 2 with it."""


def load_pack(
    incident: str,
    journal_file: Path,
    *,
    provider: Profile | None,
    generic: Profile | None,
    tz: dt.tzinfo | None = None,
    now: float | None = None,
) -> RecoveryPack:
    """The pack for ``incident`` from the journal at ``journal_file``."""
    incident = incident.strip()
    if not journal_file.exists():
        raise ReportError(
            f"there is no journal at {journal_file} yet, so there is no incident {incident!r} "
            "(list incidents with: scamguard history)"
        )
    try:
        rows = journal.read(journal_file)
    except journal.JournalError as exc:
        raise ReportError(str(exc)) from None
    return build_pack(
        rows,
        incident,
        provider=provider,
        generic=generic,
        tz=tz,
        now=now,
        journal_name=str(journal_file),
        allow_requests=_allow_requests(journal_file, incident),
    )


def build_pack(
    rows: Sequence[Row],
    incident: str,
    *,
    provider: Profile | None,
    generic: Profile | None,
    tz: dt.tzinfo | None = None,
    now: float | None = None,
    journal_name: str = "",
    allow_requests: Sequence[float] = (),
) -> RecoveryPack:
    """The pack from journal rows (``journal.read``), oldest first. ``allow_requests``: the
    times of answered ``scamguard allow`` requests for this incident (the requests table)."""
    mine = _incident_rows(rows, incident)
    if not mine:
        raise ReportError(
            f"there is no incident {incident!r} in the journal {journal_name or ''}".rstrip()
            + " (list incidents with: scamguard history)"
        )
    now = time.time() if now is None else now
    tool = next((r["tool"] for r in mine if r["tool"]), "") or ""
    name = next((r["name"] for r in mine if r["name"]), "") or tool or "the program"
    first, last = mine[0]["time"], mine[-1]["time"]
    first_day = words.local(first, tz).date()

    def when(t: float) -> str:
        if words.local(t, tz).date() != first_day:
            return f"{words.short_day(t, tz)} {words.clock(t, tz)}"
        return words.clock(t, tz)

    skipped = _skipped_pauses(rows, incident)
    allowances = [
        _allowance(r, when, tz, allow_requests, skipped)
        for r in mine
        if r["kind"] == EventKind.ALLOWED
    ]
    allowed_how = iter(allowances)
    moments = []
    for row in mine:
        how = next(allowed_how) if row["kind"] == EventKind.ALLOWED else None
        moments.append(
            Moment(
                time=row["time"],
                when=when(row["time"]),
                who=_WHO.get(row["kind"], "ScamGuard"),
                what=_what(row, name, how, tz),
                kind=str(row["kind"]),
            )
        )
    sessions = _sessions(mine, when)
    files = _files(mine, when)
    state = _state(mine)
    outcome = _OUTCOME.get(state, state)
    notes = []
    if any(not f.sha256 for f in files):
        notes.append(
            "ScamGuard records a file's SHA-256 fingerprint when it moves the file to "
            "quarantine (or recognises it by that fingerprint); the others have none in the "
            "journal."
        )
    if any(not a.certain for a in allowances):
        notes.append(
            "The journal does not record whether an allowance was given on the warning "
            "screen or with the command line."
        )
    return RecoveryPack(
        incident=incident,
        tool=tool,
        name=name,
        day=words.day(first, tz),
        first=words.clock(first, tz),
        last=when(last),
        zone=words.zone(first, tz),
        made=words.stamp(now, tz),
        summary=_summary(name, words.day(first, tz), sessions, outcome),
        outcome=outcome,
        moments=tuple(moments),
        programs=_programs(mine, when),
        sessions=tuple(sessions),
        allowances=tuple(allowances),
        files=tuple(files),
        did=tuple(_did(mine, name, when)),
        steps=tuple(recovery_steps(incident, provider, generic)),
        provider=provider.name if provider is not None else "",
        journal=journal_name,
        notes=tuple(notes),
    )


def _incident_rows(rows: Sequence[Row], incident: str) -> list[Row]:
    """The incident's own rows, plus connections through the same tool that the journal
    did not tie to an incident but that started while it was open (a session may be seen
    before the engine joins it to the incident)."""
    mine = [r for r in rows if r["incident"] == incident]
    if not mine:
        return []
    tool, start, end = mine[0]["tool"], mine[0]["time"], mine[-1]["time"]
    sessions = (EventKind.SESSION_STARTED, EventKind.SESSION_ENDED)
    for row in rows:
        if row["incident"] or row["kind"] not in sessions or not tool or row["tool"] != tool:
            continue
        began = row["time"] - _seconds(row["data"].get("seconds"))
        if start <= began <= end:
            mine.append(row)
    mine.sort(key=lambda r: (r["time"], r["seq"]))
    return mine


def _state(mine: list[Row]) -> str:
    grouped = group_incidents(mine, Path(""))["incidents"]
    return str(grouped[0]["state"]) if grouped else "detected"


def _what(row: Row, name: str, allowance: Allowance | None, tz: dt.tzinfo | None) -> str:
    data, kind, message = row["data"], row["kind"], row["message"]
    if kind == EventKind.SESSION_STARTED:
        peer = _text(data.get("peer"))
        said = f"Someone connected to this computer through {name}"
        return f"{said}, from {peer}." if peer else f"{said}."
    if kind == EventKind.SESSION_ENDED:
        seconds = data.get("seconds")
        said = f"The connection through {name} ended"
        if isinstance(seconds, int | float) and seconds > 0:
            return f"{said} after {words.length(seconds)}."
        return f"{said}."
    if kind == EventKind.ALLOWED and allowance is not None:
        how = allowance.how if allowance.certain else "how: see below"
        return f"{name} was allowed to run {allowance.scope} ({how})."
    return message or str(kind)


def _allowance(
    row: Row,
    when: Any,
    tz: dt.tzinfo | None,
    requests: Sequence[float],
    skipped: Sequence[float],
) -> Allowance:
    data = row["data"]
    scope = data.get("scope")
    if scope == "trusted":
        scope_words = "with no end, as long as it stays trusted in settings"
    elif scope == "for":
        expires = words.parse_iso(data.get("expires"))
        seconds = _seconds(data.get("seconds"))
        scope_words = f"for {words.length(seconds)}" if seconds else "for a while"
        if expires is not None:
            scope_words += f" (until {when(expires)})"
    else:
        scope_words = "until it closed (24 hours at most)"
    t = row["time"]
    via = data.get("via")
    if isinstance(via, str) and via in _VIA:
        return Allowance(when(t), scope_words, _VIA[via], True)
    if scope == "trusted":
        how = (
            "because it is trusted in ScamGuard's settings (added with 'scamguard trust add' "
            "or in the settings window)"
        )
        return Allowance(when(t), scope_words, how, True)
    if data.get("restored"):
        how = "given back when ScamGuard restarted, as it had been allowed before"
        return Allowance(when(t), scope_words, how, True)
    if any(t - _REQUEST_WINDOW <= s <= t for s in skipped):
        how = (
            "with the command 'scamguard allow', run by a program with no screen, so its "
            "30-second pause was skipped"
        )
        return Allowance(when(t), scope_words, how, True)
    if any(t - _REQUEST_WINDOW <= r <= t + 1 for r in requests):
        how = "with the command 'scamguard allow', after its 30-second pause"
        return Allowance(when(t), scope_words, how, True)
    return Allowance(when(t), scope_words, UNSURE_HOW, False)


def _skipped_pauses(rows: Sequence[Row], incident: str) -> list[float]:
    """When ``scamguard allow`` for this incident was run with its pause skipped (a
    ``settings`` event, ``guard.commands.pause.journal_skipped``)."""
    return [
        r["time"]
        for r in rows
        if r["kind"] == EventKind.SETTINGS
        and r["data"].get("setting") == "pause-skipped"
        and str(r["data"].get("for_incident", "")) == incident
    ]


def _allow_requests(path: Path, incident: str) -> list[float]:
    """Times of the ``scamguard allow`` requests the guard carried out for ``incident``
    (the journal database's requests table); [] when it cannot be read."""
    with contextlib.suppress(sqlite3.Error):
        uri = path.absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=journal.BUSY_TIMEOUT_MS / 1000)
        try:
            rows = conn.execute(
                "SELECT time FROM requests WHERE incident = ? AND action = 'allow'"
                " AND state = 'done'",
                (incident,),
            ).fetchall()
        finally:
            conn.close()
        return [float(t) for (t,) in rows]
    return []


def _sessions(mine: list[Row], when: Any) -> list[Session]:
    """Starts paired with the ends that follow them (the latest open one first)."""
    out: list[Session] = []
    open_: list[tuple[Row, int]] = []
    for row in mine:
        data = row["data"]
        if row["kind"] == EventKind.SESSION_STARTED:
            out.append(
                Session(
                    started=when(row["time"]),
                    ended="",
                    length="",
                    peer=_text(data.get("peer")),
                    signal=_SIGNAL.get(_text(data.get("signal")), _text(data.get("signal"))),
                    evidence=_quoted(data.get("evidence")),
                )
            )
            open_.append((row, len(out) - 1))
        elif row["kind"] == EventKind.SESSION_ENDED:
            seconds = _seconds(data.get("seconds"))
            if open_:
                start, index = open_.pop()
                seconds = seconds or row["time"] - start["time"]
                s = out[index]
                out[index] = Session(
                    s.started,
                    when(row["time"]),
                    words.length(seconds),
                    s.peer,
                    s.signal,
                    s.evidence,
                )
            else:  # its start was before the journal's oldest entry
                began = when(row["time"] - seconds) if seconds else ""
                out.append(
                    Session(
                        began,
                        when(row["time"]),
                        words.length(seconds) if seconds else "",
                        "",
                        _SIGNAL.get(_text(data.get("signal")), _text(data.get("signal"))),
                        "",
                    )
                )
    return out


def _programs(mine: list[Row], when: Any) -> tuple[ProgramRun, ...]:
    seen: set[tuple[Any, str]] = set()
    out = []
    for row in mine:
        if row["kind"] != EventKind.DETECTED or (row["pid"] is None and not row["path"]):
            continue
        key = (row["pid"], row["path"] or "")
        if key not in seen:
            seen.add(key)
            out.append(ProgramRun(row["pid"], row["path"] or "", when(row["time"])))
    return tuple(out)


def _files(mine: list[Row], when: Any) -> list[FileRecord]:
    """Installers and program files, with their fingerprint where the journal holds one."""
    found: dict[str, dict[str, Any]] = {}

    def entry(path: str) -> dict[str, Any]:
        return found.setdefault(
            path, {"found": "", "sha256": "", "size": None, "fate": "not moved by ScamGuard"}
        )

    for row in mine:
        data, kind, path = row["data"], row["kind"], row["path"] or ""
        if kind == EventKind.INSTALLER and path:
            e = entry(path)
            how = "found by a scan" if data.get("how") == "scan" else "appeared"
            e["found"] = e["found"] or f"{how} at {when(row['time'])}"
            e["sha256"] = e["sha256"] or _hash_evidence(data)
        elif kind == EventKind.DENIED and path:
            e = entry(path)
            e["found"] = e["found"] or f"refused by the system before it ran, {when(row['time'])}"
            e["sha256"] = e["sha256"] or _hash_evidence(data)
        elif kind == EventKind.BLOCKED:
            for record in data.get("quarantined") or []:
                if not isinstance(record, dict) or not record.get("original_path"):
                    continue
                e = entry(str(record["original_path"]))
                e["found"] = e["found"] or "found when the program was removed"
                e["sha256"] = _text(record.get("sha256")) or e["sha256"]
                size = record.get("size")
                e["size"] = size if isinstance(size, int) else e["size"]
                qid = _text(record.get("id"))
                e["fate"] = f"moved to quarantine at {when(row['time'])}" + (
                    f" (quarantine item {qid})" if qid else ""
                )
        elif kind == EventKind.RESTORED and path:
            sha = _text(data.get("sha256"))
            target = next((p for p, e in found.items() if sha and e["sha256"] == sha), path)
            e = entry(target)
            e["sha256"] = e["sha256"] or sha
            e["fate"] = f"put back from quarantine at {when(row['time'])}, to {path}"
    return [
        FileRecord(path, e["found"] or "recorded", e["sha256"], e["size"], e["fate"])
        for path, e in found.items()
    ]


def _hash_evidence(data: dict[str, Any]) -> str:
    for item in data.get("evidence") or []:
        if isinstance(item, dict) and item.get("kind") == "sha256":
            return _text(item.get("value")).lower()
    return ""


def _did(mine: list[Row], name: str, when: Any) -> list[str]:
    """What ScamGuard itself did, one sentence each, in order."""
    out = []
    refrozen = 0
    frozen_once = False
    for row in mine:
        kind, data, t = row["kind"], row["data"], when(row["time"])
        if kind == EventKind.FROZEN and not frozen_once:
            frozen_once = True
            out.append(f"Froze {name} at {t}: a frozen program can do nothing until it is let go.")
        elif kind == EventKind.RESUMED_FROM_OUTSIDE:
            if data.get("refrozen"):
                refrozen += 1
            else:
                out.append(
                    f"Closed {name} at {t}: it was restarted from outside and could not be held."
                )
        elif kind == EventKind.BLOCKED:
            killed = len(data.get("killed") or [])
            moved = len(data.get("quarantined") or [])
            out.append(
                f"Removed {name} at {t}: {_count(killed, 'program')} stopped, "
                f"{_count(moved, 'file')} moved to quarantine."
            )
        elif kind == EventKind.STOPPED_AGAIN:
            what = "downloaded" if data.get("what") == "installer" else "started"
            out.append(f"Stopped {name} again at {t}, when it was {what} again.")
        elif kind == EventKind.DENIED:
            out.append(f"Stopped {row['path'] or name} from starting at {t}.")
        elif kind == EventKind.ERROR and row["message"]:
            out.append(f"Could not do everything at {t}: {row['message']}")
    if refrozen:
        again = "once" if refrozen == 1 else f"{refrozen} times"
        out.append(f"Froze it again {again}, when something outside ScamGuard restarted it.")
    if not out:
        out.append(f"Recorded {name}; it did not freeze or remove it.")
    return out


def _summary(name: str, day: str, sessions: list[Session], outcome: str) -> str:
    said = (
        f"On {day}, {name} was found on this computer. It is a remote-access program: it "
        "lets someone elsewhere see and control the computer."
    )
    if sessions:
        s = sessions[0]
        span = (
            f"from {s.started} to {s.ended}"
            if s.started and s.ended
            else (f"from {s.started}" if s.started else f"until {s.ended}")
        )
        more = "" if len(sessions) == 1 else f" (and {len(sessions) - 1} more time(s))"
        said += f" Someone was connected through it {span}{more}."
    else:
        said += " ScamGuard's journal records no one connecting through it."
    return f"{said} In the end it was {outcome}."


def _count(n: int, unit: str) -> str:
    return f"1 {unit}" if n == 1 else f"{n} {unit}s"


def _seconds(value: object) -> float:
    return float(value) if isinstance(value, int | float) and value > 0 else 0.0


# A log line or a peer's name is written by whoever runs the tool: shown as a short quote,
# so a scammer's "call 0800..." in it can never pass for the pack's own advice.
QUOTE_LIMIT = 200


def _quoted(value: object) -> str:
    text = " ".join(_text(value).split())
    if not text:
        return ""
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{text}”"


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
