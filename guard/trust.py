"""Permanent trust: the remote-access tools a person has chosen never to freeze.

A family member's TeamViewer, set up on purpose. Trust is never offered by the warning,
where a caller may be dictating the clicks; it is made deliberately, with ``scamguard trust``
or the settings window, and both come here so every change is saved the same way and
journalled the same way. The running guard re-reads the settings file, so a change applies
without a restart.
"""

from __future__ import annotations

from guard import clock, settings
from guard.choices import Report, journal, load
from guard.choices import stderr as _stderr
from guard.engine.events import EventKind
from guard.sigdb.model import ToolSignature


def add(tool: ToolSignature, note: str, *, report: Report = _stderr) -> None:
    """Trust ``tool`` from now on, with the person's ``note`` (who it is for, why).

    ``report`` gets one line for anything worth saying that does not stop the change: a
    damaged settings file (moved aside when saving), a journal that could not be written.
    """
    current = load(report)
    added = clock.now().isoformat(timespec="seconds")  # the one clock: tests can move it
    current.trusted[tool.id] = {"added": added, "note": note}
    settings.save(current)
    _journal(tool.id, tool.name, f"{tool.name} is now trusted", report, action="add", note=note)


def remove(tool_id: str, *, name: str = "", report: Report = _stderr) -> bool:
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
    _journal(tool_id, name, f"{name} is no longer trusted", report, action="remove")
    return True


def _journal(tool: str, name: str, message: str, report: Report, **data: str) -> None:
    journal(EventKind.TRUSTED, message, report, tool=tool, tool_name=name, **data)
