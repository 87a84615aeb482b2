"""Changes a person makes to their settings, saved and journalled the same way everywhere.

The CLI (``scamguard trust``, ``scamguard provider set``) and the settings window both come
here. A caller on the phone may be dictating these very changes ("set your provider to…",
"add this folder…", "trust this program…"), so every one is written to the journal with the
time, for whoever helps the person afterwards.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from guard import settings
from guard.engine.events import GuardEvent
from guard.engine.journal import record_now
from guard.live import journal_path

Report = Callable[[str], None]


def stderr(message: str) -> None:
    print(f"scamguard: {message}", file=sys.stderr)


def load(report: Report = stderr) -> settings.Settings:
    """The settings as on disk now (a damaged file is reported and read as empty)."""
    current = settings.load()
    if current.problem:
        report(current.problem)
    return current


def journal(kind: str, message: str, report: Report = stderr, **fields: Any) -> None:
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
        "settings",
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
    journal("settings", message, report, setting="watch_folders", value=folders, previous=before)
