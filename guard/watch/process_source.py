"""Where "a program just started" comes from, chosen in one place per OS, with fallbacks (as
watchdog chooses its observer).

Every OS has polling: the pid-set diff in process_poller.py, which needs nothing from the
system. An event source, where the OS has one that works here, tells the watcher about a
program the moment it starts, and polling then runs only as a slow safety net:

* Linux: the netlink proc connector (proc_connector.py), then polling (a container, an old
  kernel, or no CAP_NET_ADMIN where the kernel asks for it).
* Windows: polling today. ETW process-start events (or WMI's ``Win32_ProcessStartTrace``)
  go in the ``etw`` slot of :data:`CHOICES`.
* macOS: polling today. NSWorkspace launch notifications go in the ``nsworkspace`` slot.

A source that cannot start here says why in one line; ``auto`` keeps that reason (for the
journal) and falls back to polling, while naming a source (``--source proc-connector``)
makes its failure an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from guard.errors import ScamGuardError
from guard.platform import current_os
from guard.watch import proc_connector

POLLING = "polling"


class ProcessSource(Protocol):
    """An event source of program starts: what the watcher reads between polls."""

    def read_execs(self, timeout: float | None) -> list[int]:
        """Pids that ran a new program, waiting at most ``timeout`` seconds; raises
        ``ConnectorOverflow`` when events were lost, ``OSError`` when the source broke."""
        ...

    def take_forks(self) -> list[tuple[int, int]]:
        """(child, parent) pairs seen since the last call."""
        ...

    def close(self) -> None: ...


class SourceUnavailable(ScamGuardError):
    """The requested source cannot run here; one line."""


@dataclass(frozen=True)
class Slot:
    """One event source: its name (as ``--source`` and the journal spell it), how the
    watcher names it in a sentence, and how to open it (None: a slot not built yet). An
    opener raises ``ConnectorUnavailable`` with a one-line reason."""

    name: str
    title: str
    open: Callable[[], ProcessSource] | None


def _open_proc_connector() -> ProcessSource:
    return proc_connector.ProcConnector.open()


SLOTS: dict[str, Slot] = {
    "proc-connector": Slot("proc-connector", "the proc connector", _open_proc_connector),
    # Windows: ETW (Microsoft-Windows-Kernel-Process) or WMI process-start events.
    "etw": Slot("etw", "Windows process events (ETW)", None),
    # macOS: NSWorkspace didLaunchApplication notifications (and EndpointSecurity later).
    "nsworkspace": Slot("nsworkspace", "NSWorkspace launch events", None),
}

# Per OS, the event sources tried in order before polling.
CHOICES: dict[str, tuple[str, ...]] = {
    "linux": ("proc-connector",),
    "windows": ("etw",),
    "macos": ("nsworkspace",),
}

# What ``--source`` accepts: the sources that exist, plus the choice and plain polling.
SOURCES = ("auto", "proc-connector", POLLING)


@dataclass
class Chosen:
    """The source to use: ``events`` None means polling alone; ``fallback_reason`` says why
    an event source this OS prefers is not in use ("" when none was refused)."""

    name: str
    events: ProcessSource | None
    title: str = ""
    fallback_reason: str = ""


def choose(
    requested: str = "auto",
    os_name: str | None = None,
    slots: Mapping[str, Slot] | None = None,
) -> Chosen:
    """The process source for ``requested`` (``auto``, ``polling`` or a source's name) on
    ``os_name`` (default: this OS). Raises :class:`SourceUnavailable` when a named source
    cannot run here; ``auto`` falls back to polling and keeps the reason."""
    slots = SLOTS if slots is None else slots
    if requested == POLLING:
        return Chosen(POLLING, None)
    if requested != "auto":
        slot = slots.get(requested)
        if slot is None:
            raise ValueError(f"unknown process source {requested!r}")
        try:
            return Chosen(slot.name, _open(slot), slot.title)
        except proc_connector.ConnectorUnavailable as exc:
            raise SourceUnavailable(f"{slot.title} cannot be used here: {exc}") from None
    reasons = []
    for name in CHOICES.get(os_name or current_os(), ()):
        slot = slots[name]
        try:
            return Chosen(slot.name, _open(slot), slot.title)
        except proc_connector.ConnectorUnavailable as exc:
            reasons.append(str(exc))
    return Chosen(POLLING, None, fallback_reason="; ".join(reasons))


def _open(slot: Slot) -> ProcessSource:
    if slot.open is None:
        raise proc_connector.ConnectorUnavailable(f"{slot.title} are not built yet")
    return slot.open()
