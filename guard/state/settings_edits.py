"""Changes made to the settings file outside ScamGuard: found, put in words, journalled once.

A caller can dictate "open Notepad, paste this into settings.json", and TeamViewer is then
trusted, never frozen. The change still takes effect (the person may well have made it
themselves), but it is never silent: whenever ScamGuard loads the settings to act on them
(the running guard, at its start and at every re-read, and every change made through
ScamGuard, before it saves), the file is compared with what ScamGuard last wrote
(``settings_written``), and a difference is journalled as one "settings" event, in words
for whoever helps the person afterwards ("TeamViewer added to the trusted tools by hand").
The record is then moved on to the file as it now is, so it is said once, not at every
restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guard import clock
from guard.state import settings, settings_written
from guard.state.events import EventKind, GuardEvent
from guard.state.settings import Settings
from guard.state.settings_written import Written, fingerprint

Names = Callable[[str], str | None]  # a tool id -> its display name, if known
Report = Callable[[str], None]


@dataclass(frozen=True)
class HandEdit:
    """The settings file differs from anything ScamGuard wrote. ``message`` is "" when the
    difference changes nothing (spacing, key order): nothing to journal, but ``accept`` still
    moves the record on. ``accept`` is the record saying the edit has been journalled."""

    message: str
    accept: Written
    data: dict[str, Any] = field(default_factory=dict)
    tool: str | None = None
    tool_name: str | None = None

    def event(self) -> GuardEvent:
        return GuardEvent(
            EventKind.SETTINGS,
            self.message,
            tool=self.tool,
            tool_name=self.tool_name,
            data=self.data,
            time=clock.timestamp(),
        )


def describe(
    raw: bytes | None,
    record: Written | None,
    path: Path,
    *,
    record_problem: str = "",
    names: Names | None = None,
) -> HandEdit | None:
    """Was the settings file at ``path`` (``raw``: its bytes, None when there is none)
    changed outside ScamGuard, given ``record`` of what ScamGuard last wrote, and how?

    None when the bytes are ScamGuard's own, or when there is neither a file nor a record
    ("no settings"). A damaged file counts as a change (its problem is reported by
    ``settings.load``, so it is not repeated here). ``record_problem`` is why a record that
    exists could not be read: the file is then described as if there were none.
    """
    if record is not None and record.file != str(path):
        record = None  # a record of some other settings file says nothing about this one
    sha = fingerprint(raw)
    if (record is not None and record.knows(sha)) or (record is None and raw is None):
        return None
    current = Settings() if raw is None else settings.parse(raw, path)
    damaged = bool(current.problem)
    if damaged:
        current = Settings()  # how a damaged file is read: as empty
    before = _parse_record(record.settings if record else {}, path)
    named = names or (lambda _tool: None)
    parts, changes = _compare(before, current, damaged, named)
    state = "unreadable" if record_problem else "missing" if record is None else "kept"
    why = {
        # Also the first start after upgrading from a ScamGuard that kept no record.
        "missing": " (ScamGuard has no record of writing it, so it was made by hand or by "
        "an older ScamGuard)",
        "unreadable": " (ScamGuard's record of writing it could not be read)",
        "kept": "",
    }[state]
    what = "deleted" if raw is None else "changed"
    message = f"the settings file was {what} outside ScamGuard{why}: " + "; ".join(parts)
    hand_made = [*changes["trusted_added"], *changes["trusted_changed"]]
    by_hand = {
        tool: entry
        for tool, entry in (record.by_hand.items() if record else ())
        if current.trusted.get(tool) == entry  # still as the hand left it
    }
    by_hand.update({tool: current.trusted[tool] for tool in hand_made})
    accept = Written(
        sha, current.to_json(), file=str(path), by="hand", damaged=damaged, by_hand=by_hand
    )
    data = {
        "setting": "edited-by-hand",
        "sha256": sha,
        "record": state,
        "damaged": damaged,
        "deleted": raw is None,
        **changes,
    }
    tools = sorted({*changes["trusted_added"], *changes["trusted_removed"], *hand_made})
    one = tools[0] if len(tools) == 1 else None
    name = (named(one) or one) if one else None
    return HandEdit(message if parts else "", accept, data, tool=one, tool_name=name)


def _compare(
    before: Settings, current: Settings, damaged: bool, names: Names
) -> tuple[list[str], dict[str, Any]]:
    """What changed from ``before`` to ``current``: phrases for a person, fields for the
    journal. Nothing but a damaged file's lost trust is described for a damaged file: what
    the hand wrote in it is not read, and the damage itself is said by ``settings.load``."""
    added = sorted(set(current.trusted) - set(before.trusted))
    removed = sorted(set(before.trusted) - set(current.trusted))
    kept = set(current.trusted) & set(before.trusted)
    changed = sorted(t for t in kept if current.trusted[t] != before.trusted[t])
    folders_added = [f for f in current.folders if f not in before.folders]
    folders_removed = [f for f in before.folders if f not in current.folders]

    def named(tools: list[str]) -> str:
        return _and([names(t) or t for t in tools])

    parts = []
    if damaged:
        parts.append("it is now damaged, so ScamGuard ignores it until it is fixed")
    else:
        if added:
            parts.append(f"{named(added)} added to the trusted tools by hand")
        if changed:
            parts.append(f"the trusted entry for {named(changed)} changed by hand")
        if current.provider != before.provider:
            parts.append(
                f"the warning's provider changed by hand from "
                f"{before.provider or 'the default'} to {current.provider or 'the default'}"
            )
        if folders_added:
            parts.append(f"{_and(folders_added)} added to the watched folders by hand")
        if folders_removed:
            parts.append(f"{_and(folders_removed)} removed from the watched folders by hand")
        if current.speak != before.speak:
            state = "on" if current.speak else "off"
            parts.append(f"reading the warning aloud turned {state} by hand")
    if removed and damaged:  # the trust a damaged file held is gone: those tools get frozen
        parts.append(f"{named(removed)} no longer trusted")
    elif removed:
        parts.append(f"{named(removed)} removed from the trusted tools by hand")
    return parts, {
        "trusted_added": added,
        "trusted_removed": removed,
        "trusted_changed": changed,
        "provider": current.provider,
        "previous_provider": before.provider,
        "folders_added": folders_added,
        "folders_removed": folders_removed,
        "speak": current.speak,
    }


def journal_hand_edit(
    path: Path,
    raw: bytes | None,
    current: Settings,
    *,
    record_event: Callable[[GuardEvent], object],
    report: Report,
    names: Names | None = None,
) -> HandEdit | None:
    """Journal a hand edit of the settings file (``raw``/``current``: as just read by
    ``settings.read``) once, through ``record_event``, then move the record on to it.

    ``record_event`` returning False means the event may not have reached the journal: the
    record then stays as it was, so the edit is said again at the next load, never lost.

    ``report`` gets one line for a record that cannot be read or written; a file that
    cannot be read at all has been reported by the caller and is not compared.
    """
    if raw is None and current.problem:
        return None  # unreadable, not absent: nothing to compare, said already
    loaded = settings_written.read()
    if loaded.problem:
        report(loaded.problem)
    edit = describe(raw, loaded.record, path, record_problem=loaded.problem, names=names)
    if edit is None:
        return None
    if edit.message and record_event(edit.event()) is False:
        return edit
    try:
        settings_written.write(edit.accept)
    except OSError as exc:
        report(
            f"{settings_written.record_path()}: cannot be written ({exc.strerror or exc}); "
            "the change to the settings file may be journalled again"
        )
    return edit


def _parse_record(content: dict[str, Any], path: Path) -> Settings:
    """The settings a record holds, read the way the file itself is (anything odd in it
    reads as empty: the difference is then described in full, which loses nothing)."""
    parsed = settings.parse(json.dumps(content).encode(), path)
    return Settings() if parsed.problem else parsed


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
