"""The journal grouped the way a person reads it: one incident per caught tool instance,
with its events in order, plus the guard's own notices. Used by ``scamguard history`` and
the tray's history window, so both always tell the same story."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from guard.engine.incidents import PENDING, State
from guard.engine.process_tree import is_alive
from guard.state.events import EventKind, iso
from guard.state.paths import journal_path

# Which event moves an incident to which state (the others leave it as it was).
_STATE_OF = {
    EventKind.DETECTED: State.DETECTED,
    EventKind.INSTALLER: State.DETECTED,
    EventKind.FROZEN: State.FROZEN,
    EventKind.BLOCKED: State.BLOCKED,
    EventKind.ALLOWED: State.ALLOWED,
    EventKind.ENDED: State.ENDED,
}


# A guard run ends with "stopped" (or, after a crash, the next run's "started"): an incident
# still open then is no longer watched by anyone, and a restarted guard gives a tool it
# finds still frozen a new incident.
_RUN_ENDS = frozenset({EventKind.STARTED, EventKind.STOPPED})
# A process started this long after an incident's event is another program on a reused pid.
_PID_REUSE_SLACK = 2.0

Alive = Callable[[int, float], bool]


def build(
    events: list[dict[str, Any]], journal: Path | None = None, alive: Alive | None = None
) -> dict[str, Any]:
    """Group journal rows (``journal.read``) into incidents (oldest first) and notices
    without one. ``journal`` is only reported back, defaulting to the live journal's path.

    An incident left detected or frozen by a guard run that has ended (the journal can
    never say more about it) reads "ended" once the tool has gone: its processes have all
    exited (``alive(pid, seen_at)``, by default asked of the system), or, for an installer
    alone, the file is no longer where it was found. It gets ``"gone": true`` so a reader
    can say it closed after ScamGuard stopped; one still frozen stays "frozen", which is
    true (a guard started again gives it a new incident).
    """
    incidents: dict[str, dict[str, Any]] = {}
    other = []
    unwatched: set[str] = set()  # open when their guard run ended
    for row in events:
        event = as_event(row)
        iid = row["incident"]
        if not iid:
            if row["kind"] in _RUN_ENDS:
                unwatched.update(i for i, inc in incidents.items() if inc["state"] in PENDING)
            other.append(event)
            continue
        unwatched.discard(iid)
        inc = incidents.setdefault(
            iid,
            {
                "incident": iid,
                "tool": row["tool"],
                "name": row["name"],
                "state": State.DETECTED,
                "opened": event["time"],
                "last": event["time"],
                "events": [],
            },
        )
        new_state = _STATE_OF.get(row["kind"], inc["state"])
        # Another process or file joining does not undo a freeze or a decision; it only
        # re-opens an incident that had ended.
        if new_state != State.DETECTED or inc["state"] == State.ENDED:
            inc["state"] = new_state
        inc["last"] = event["time"]
        inc["events"].append(event)
        inc.setdefault("_rows", []).append(row)
    check = alive or process_alive
    for iid in unwatched:
        inc = incidents[iid]
        if inc["state"] in PENDING and _nothing_left(inc["_rows"], check):
            inc["state"], inc["gone"] = State.ENDED, True
    for inc in incidents.values():
        inc.pop("_rows", None)
    return {
        "journal": str(journal or journal_path()),
        "incidents": list(incidents.values()),
        "other": other,
    }


def as_event(row: dict[str, Any]) -> dict[str, Any]:
    """One journal row in the documented event shape (``watch --json``)."""
    return {
        "event": row["kind"],
        "time": iso(row["time"]),
        "incident": row["incident"],
        "tool": row["tool"],
        "name": row["name"],
        "pid": row["pid"],
        "path": row["path"],
        "message": row["message"],
        **row["data"],
    }


def process_alive(pid: int, seen_at: float) -> bool:
    """Is the process the journal saw as ``pid`` at ``seen_at`` still there (frozen counts)?
    A pid now used by a program started later is not it. When the system will not say
    (access denied), it is taken as still there: never "ended" on a guess."""
    try:
        proc = psutil.Process(pid)
        if proc.create_time() > seen_at + _PID_REUSE_SLACK:
            return False
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True
    return is_alive(proc)


def _nothing_left(rows: list[dict[str, Any]], alive: Alive) -> bool:
    """Nothing of the tool is left: no process of the incident runs (or waits frozen); for
    an installer alone, it is no longer where it was found. An incident of a setting alone
    (Remote Desktop switched on) is left as it is: nothing here can tell if it is still on."""
    pids: dict[int, float] = {}
    files: set[str] = set()
    for row in rows:
        data = row.get("data") or {}
        if row.get("pid"):
            pids.setdefault(int(row["pid"]), row["time"])
        for pid in data.get("pids") or ():
            if isinstance(pid, int):
                pids.setdefault(pid, row["time"])
        if row["kind"] == EventKind.INSTALLER and row.get("path"):
            files.add(str(row["path"]))
    if pids:  # the tool ran: it has gone when none of it runs (a download may remain)
        return not any(alive(pid, seen) for pid, seen in pids.items())
    return bool(files) and not any(_may_exist(path) for path in files)


def _may_exist(path: str) -> bool:
    """False only when the file is certainly gone: a folder this account cannot read (the
    service's history of another person's Downloads) is not "gone", it is unknown."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True
