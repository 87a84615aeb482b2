"""Allowances that outlive a restart of the guard, read back from the journal.

A person who chose "let it run for 1 hour" (or "until it closes") must not see the tool
frozen again and called "just started" because the tray was restarted, updated or killed
and brought back by its supervisor. Every allowance is already an ``allowed`` event in the
journal, with its scope, expiry and the processes (pid and start time) it was given to; the
guard reads the recent journal at start and gives each allowance that is still running back
its incident. The journal is the only record, so History and the guard always agree.

Limits kept on the way back in: an allowance never lasts beyond its own expiry nor beyond
24 hours from when it was given; it covers only the very processes it was given to (same
pid *and* start time) that are still running; one ended, withdrawn or frozen again since is
over. The journal lives in the person's own folder, so a determined local program could
forge one; the privileged service (a later issue) moves the journal out of its reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from guard.state.events import EventKind

# Events after which an allowance is over.
_ENDS = frozenset({EventKind.ENDED, EventKind.BLOCKED, EventKind.FROZEN})
RESTORABLE = frozenset({"until-closed", "for"})
# How far back the guard reads at start: far more than a day of allowances.
JOURNAL_LOOKBACK = 5000


@dataclass(frozen=True)
class SavedAllowance:
    incident: str
    tool: str
    scope: str  # "until-closed" | "for"
    seconds: float | None
    allowed_at: float
    expires: float
    members: tuple[tuple[int, float], ...]  # (pid, start time) it was given to


def saved_allowances(events: Iterable[dict[str, Any]]) -> list[SavedAllowance]:
    """The allowances still open at the end of ``events`` (journal rows, oldest first)."""
    open_now: dict[str, SavedAllowance] = {}
    for event in events:
        incident = event.get("incident")
        if not isinstance(incident, str):
            continue
        kind = event.get("kind")
        if kind == EventKind.ALLOWED:
            saved = _parse(event)
            if saved is None:
                open_now.pop(incident, None)  # trusted, or unreadable: nothing to restore
            else:
                open_now[incident] = saved
        elif kind in _ENDS:
            open_now.pop(incident, None)
    return list(open_now.values())


def _parse(event: dict[str, Any]) -> SavedAllowance | None:
    data = event.get("data") or {}
    scope = data.get("scope")
    members = data.get("members")
    if scope not in RESTORABLE or not isinstance(members, list) or not event.get("tool"):
        return None
    try:
        expires = _epoch(data["expires"])
        allowed_at = _epoch(data.get("allowed_at") or event["time"])
        pairs = tuple((int(pid), float(started)) for pid, started in members)
        seconds = float(data["seconds"]) if data.get("seconds") is not None else None
    except (KeyError, TypeError, ValueError):
        return None
    return SavedAllowance(
        str(event["incident"]), str(event["tool"]), scope, seconds, allowed_at, expires, pairs
    )


def _epoch(text: object) -> float:
    if not isinstance(text, str):
        raise ValueError("not a time")
    return dt.datetime.fromisoformat(text).timestamp()
