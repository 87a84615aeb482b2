"""The journal grouped the way a person reads it: one incident per caught tool instance,
with its events in order, plus the guard's own notices. Used by ``scamguard history`` and
the tray's history window, so both always tell the same story."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guard.engine.incidents import State
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


def build(events: list[dict[str, Any]], journal: Path | None = None) -> dict[str, Any]:
    """Group journal rows (``journal.read``) into incidents (oldest first) and notices
    without one. ``journal`` is only reported back, defaulting to the live journal's path."""
    incidents: dict[str, dict[str, Any]] = {}
    other = []
    for row in events:
        event = as_event(row)
        iid = row["incident"]
        if not iid:
            other.append(event)
            continue
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
