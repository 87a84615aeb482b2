"""Changes a person makes to their settings (trust, the provider, the watched folders), saved
and journalled the same way everywhere.

The CLI (``scamguard trust``, ``scamguard provider set``) and the settings window both come
here. A caller on the phone may be dictating these very changes ("set your provider to…",
"add this folder…", "trust this program…"), so every one is written to the journal with the
time, for whoever helps the person afterwards. A change made to the settings file by hand
since ScamGuard last wrote it is journalled here too, before it is saved over
(``settings_edits``), so it is never folded silently into ScamGuard's own.

Permanent trust: the remote-access tools a person has chosen never to freeze. A family
member's TeamViewer, set up on purpose. Trust is never offered by the warning, where a
caller may be dictating the clicks; it is made deliberately, with ``scamguard trust`` or the
settings window, and both come here so every change is saved the same way and journalled
the same way. The running guard re-reads the settings file, so a change applies without a
restart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from guard import clock
from guard.sigdb.model import ToolSignature
from guard.state import settings, settings_edits
from guard.state.events import EventKind, GuardEvent
from guard.state.journal import record_now
from guard.state.paths import journal_path

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


def set_speak(speak: bool, *, report: Report = stderr) -> None:
    """Turn reading the warning aloud on or off (journalled: a caller may dictate it)."""
    current = load(report)
    before, current.speak = current.speak, speak
    settings.save(current)
    state = "on" if speak else "off"
    journal(
        EventKind.SETTINGS,
        f"reading the warning aloud turned {state}",
        report,
        setting="speak",
        value=speak,
        previous=before,
    )


def set_larger_text(larger: bool, *, report: Report = stderr) -> None:
    """Use the larger type scale in every window, or the usual one. A matter of reading
    comfort, not of protection, so it is saved but not journalled."""
    current = load(report)
    current.larger_text = larger
    settings.save(current)


def mark_welcomed(*, report: Report = stderr) -> None:
    """Remember that this person has seen the first-run window, so it shows once."""
    current = load(report)
    current.welcomed = clock.now().isoformat(timespec="seconds")
    settings.save(current)


def add_trust(tool: ToolSignature, note: str, *, report: Report = stderr) -> None:
    """Trust ``tool`` from now on, with the person's ``note`` (who it is for, why).

    ``report`` gets one line for anything worth saying that does not stop the change: a
    damaged settings file (moved aside when saving), a journal that could not be written.
    """
    current = load(report)
    added = clock.now().isoformat(timespec="seconds")  # the one clock: tests can move it
    current.trusted[tool.id] = {"added": added, "note": note}
    settings.save(current)
    _journal_trust(
        tool.id, tool.name, f"{tool.name} is now trusted", report, action="add", note=note
    )


def remove_trust(tool_id: str, *, name: str = "", report: Report = stderr) -> bool:
    """Stop trusting ``tool_id``; False (and nothing saved or journalled) if it was not
    trusted. ``name`` is the tool's display name for the journal (default: the id, as
    ``scamguard trust remove`` has always written it)."""
    current = load(report)
    tool_id = tool_id.casefold()
    if tool_id not in current.trusted:
        return False
    del current.trusted[tool_id]
    settings.save(current)
    name = name or tool_id
    _journal_trust(tool_id, name, f"{name} is no longer trusted", report, action="remove")
    return True


def _journal_trust(tool: str, name: str, message: str, report: Report, **data: str) -> None:
    journal(EventKind.TRUSTED, message, report, tool=tool, tool_name=name, **data)
