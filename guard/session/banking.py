"""Between the person's foreground window and the engine: a bank coming up during a live
session, or just after one (issue 16).

The foreground watcher (guard/platform/foreground.py) reports each change of the window in
front; this asks the banking data whether it is a bank's site or app and, if so, tells the
engine (``banking_opened``: a tool with someone connected through it is frozen, and the
banking warning shows). Only the bank's name ever leaves here: never a window title, so
nothing a person reads in a window is recorded or sent to the service.

When no session is live but one ended in the last two minutes, the person gets one gentle
notice with the recovery steps: the caller may have hung up the remote session only to have
the person log in to the bank "to check the refund" on their own.

After the log-in, a bank's pages are titled "Payments | Barclays" or "Barclays - Home", which
the banking data's patterns (a bank's name AND a banking word) deliberately do not match. So
once a bank is recognised, the same program's later titles that still name that bank count as
the bank too, until a title without its name (or another program) comes to the front.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from guard.banking.titles import normalize_title
from guard.state.events import EventKind, GuardEvent

RECENT_SECONDS = 120.0  # a bank opened this soon after a session ended gets the notice


class Engineish(Protocol):
    """What this needs of an engine: the local ``Engine`` or the tray's ``RemoteEngine``."""

    def banking_opened(self, bank: str, person: str | None = None) -> list[str]: ...


class BankingGuard:
    """Foreground changes in, ``banking_opened`` and the after-session notice out."""

    def __init__(
        self,
        engine: Engineish,
        match: Callable[[str, str], str | None],
        notice: Callable[[str], Any],
        *,
        clock: Callable[[], float] = time.monotonic,
        recent: float = RECENT_SECONDS,
        names_of: Callable[[str], Iterable[str]] | None = None,
    ):
        self.engine = engine
        self.match = match  # (title, process name) -> the bank's name, or None
        # A bank's name -> every name it goes by ("HSBC UK": "HSBC"), for its pages after
        # the log-in; by default only the name itself.
        self.names_of = names_of or (lambda bank: (bank,))
        self.notice = notice  # called with the bank's name, once per ended session
        self.clock = clock
        self.recent = recent
        self._lock = threading.Lock()
        self._ended: float | None = None  # when the last session ended (self.clock)
        self._told = True  # the notice for that ended session was given (or none is due)
        self.in_front: str | None = None  # the bank whose window is in front now, if any
        self._recognised: tuple[str, str] | None = None  # (bank, program) last recognised

    def on_event(self, event: GuardEvent, _view: Any = None) -> None:
        """An engine listener: remember when a session ended; and a session that starts
        while the bank is already in front ("log in first, then I will connect") freezes
        its tool as if the bank had just come up. (Asked on a thread of its own: this runs
        on the engine's, or the service link's, delivery thread.)"""
        if event.kind == EventKind.SESSION_ENDED:
            with self._lock:
                self._ended, self._told = self.clock(), False
        elif event.kind == EventKind.SESSION_STARTED and self.in_front is not None:
            bank = self.in_front
            threading.Thread(
                target=self.engine.banking_opened, args=(bank,), name="banking", daemon=True
            ).start()

    def on_focus(self, title: str, process: str = "") -> str | None:
        """The window in front changed. Returns what was done, for the caller's log:
        "frozen", "notice", or None (not a bank, or nothing to do)."""
        bank = self._bank(title, process)
        self.in_front = bank
        if bank is None:
            return None
        if self.engine.banking_opened(bank):
            return "frozen"
        with self._lock:
            due = (
                not self._told
                and self._ended is not None
                and self.clock() - self._ended <= self.recent
            )
            if due:
                self._told = True
        if due:
            self.notice(bank)
            return "notice"
        return None

    def _bank(self, title: str, process: str) -> str | None:
        """The bank in front: recognised by the banking data, or the one last recognised in
        this same program while its titles still name it (the pages after the log-in)."""
        bank = self.match(title, process)
        if bank is not None:
            self._recognised = (bank, process)
            return bank
        last = self._recognised
        if (
            last is not None
            and process
            and last[1] == process
            and any(names(title, name) for name in self.names_of(last[0]))
        ):
            return last[0]
        self._recognised = None
        return None


def names(title: str, bank: str) -> bool:
    """Whether ``title`` names ``bank`` as a whole word ("Barclays", not "Barclaysfan")."""
    wanted = re.escape(normalize_title(bank))  # a literal: no pattern from data
    return re.search(rf"(?<!\w){wanted}(?!\w)", normalize_title(title)) is not None
