"""Changes a person makes to their settings, saved and journalled the same way everywhere.

The CLI (``scamguard trust``, ``scamguard provider set``) and the settings window both come
here. A caller on the phone may be dictating these very changes ("set your provider to…",
"add this folder…", "trust this program…"), so every one is written to the journal with the
time, for whoever helps the person afterwards. A change made to the settings file by hand
since ScamGuard last wrote it is journalled here too, before it is saved over
(``settings_edits``), so it is never folded silently into ScamGuard's own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from guard import settings, settings_edits
from guard.engine.events import EventKind, GuardEvent
from guard.engine.journal import record_now
from guard.live import journal_path

Report = Callable[[str], None]


def stderr(message: str) -> None:
    print(f"scamguard: {message}", file=sys.stderr)


def load(report: Report = stderr) -> settings.Settings:
    """The settings as on disk now (a damaged file is reported and read as empty), with a
    hand edit not yet journalled journalled first: what is loaded here is about to be saved."""
    path = settings.settings_path()
    raw, current = settings.read(path)
    if current.problem:
        report(current.problem)
    settings_edits.journal_hand_edit(
        path, raw, current, record_event=lambda event: _record(event, report), report=report
    )
    return current


def _record(event: GuardEvent, report: Report) -> bool:
    """Journal ``event`` now; False when anything went wrong, so a hand edit whose event
    may be lost is said again next time rather than never (``settings_edits``)."""
    said: list[str] = []

    def both(line: str) -> None:
        said.append(line)
        report(line)

    record_now(journal_path(), [event], both)
    return not said


def journal(kind: EventKind, message: str, report: Report = stderr, **fields: Any) -> None:
    """One journal entry for a change; ``tool``/``tool_name`` go to their own columns."""
    tool, name = fields.pop("tool", None), fields.pop("tool_name", None)
    event = GuardEvent(kind, message, tool=tool, tool_name=name, data=fields)
    record_now(journal_path(), [event], report)


def set_provider(profile_id: str, name: str, *, report: Report = stderr) -> None:
    """Make the warning speak for ``profile_id`` (already checked to exist)."""
    current = load(report)
    before = current.provider
    current.provider = profile_id
    settings.save(current)
    journal(
        EventKind.SETTINGS,
        f"the warning's provider is now {name}",
        report,
        setting="provider",
        value=profile_id,
        previous=before,
    )


def set_folders(folders: list[str], message: str, *, report: Report = stderr) -> None:
    """Replace the extra watched folders; ``message`` says what changed, for the journal."""
    current = load(report)
    before = list(current.folders)
    current.folders = list(folders)
    settings.save(current)
    journal(
        EventKind.SETTINGS, message, report, setting="watch_folders", value=folders, previous=before
    )
