"""The tray's eye on the window in front (issue 16): a bank's site or app during a live
remote session freezes the tool (the engine, or the service, does that and the banking
warning follows from the incident); just after a session, one gentle notice.

The window in front can only be read in the person's own session, so this runs in the tray
(the service, a system process, has no desktop). Titles never leave this process: the
banking data turns a title into a bank's name, and only that name is passed on
(guard/session/banking.py).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from guard.banking.loader import BankingCatalog
from guard.platform.foreground import FocusWatcher, Foreground
from guard.session.banking import BankingGuard

log = logging.getLogger(__name__)


class BankingWatch(QObject):
    """Foreground window → banking data → engine; ``after_session`` (a bank's name) when a
    bank is opened soon after a session ended, delivered on the GUI thread."""

    after_session = Signal(str)

    def __init__(self, report: Any = None):
        super().__init__()
        self.report = report or (lambda line: log.warning("%s", line))
        self.catalog = BankingCatalog()
        self.guard: BankingGuard | None = None
        self.watcher: FocusWatcher | None = None
        self._engine: Any = None

    def start(self, engine: Any) -> str | None:
        """Watch the window in front for ``engine`` (the tray's own or the service's as the
        tray sees it). Returns why it cannot (one line: Wayland, macOS), or None."""
        self.stop()
        for problem in self.catalog.reload():
            self.report(f"banking data: {problem}")
        self.guard = BankingGuard(
            engine, self._bank_name, self.after_session.emit, names_of=self._names_of
        )
        engine.add_listener(self.guard.on_event)
        self._engine = engine
        self.watcher = FocusWatcher(self._changed)
        if self.watcher.unavailable_reason is not None:
            return self.watcher.unavailable_reason
        if self.watcher.limitation is not None:  # it works, but cannot see every window
            self.report(f"banking watch: {self.watcher.limitation}")
        self.watcher.start()
        return None

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.guard is not None and self._engine is not None:
            self._engine.remove_listener(self.guard.on_event)
        self.guard = self._engine = None

    def _bank_name(self, title: str, process: str) -> str | None:
        bank = self.catalog.matcher.match(title, process)
        return bank.name if bank is not None else None

    def _names_of(self, bank_name: str) -> tuple[str, ...]:
        """Every name a bank goes by ("HSBC UK", "HSBC"): its pages after the log-in."""
        for bank in self.catalog.matcher.banks:
            if bank.name == bank_name:
                return (bank.name, *bank.aliases)
        return (bank_name,)

    def _changed(self, window: Foreground) -> None:
        guard = self.guard
        if guard is not None:
            guard.on_focus(window.title, window.process)
