"""From the engine's events to the warning on screen, and from the person's choice back.

The engine calls its listeners on its own dispatch thread; ``EngineBridge`` turns each call
into a Qt signal, which Qt queues onto the GUI thread, so no widget is ever touched from an
engine thread and a slow paint can never hold up a freeze. Decisions go the other way on a
short-lived worker thread: a block quarantines installers (hashing a large file), which must
not stall the window.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication

from guard.engine.engine import DecisionError, Engine
from guard.engine.events import GuardEvent
from guard.engine.incidents import AllowScope, IncidentView
from guard.providers.model import Profile
from ui.warning import DEFAULT_ALLOW_WAIT, CoverWindow, WarningWindow


class EngineBridge(QObject):
    """An engine listener whose calls arrive as a signal on the GUI thread."""

    event = Signal(object, object)  # GuardEvent, IncidentView | None

    def __call__(self, event: GuardEvent, view: IncidentView | None) -> None:
        self.event.emit(event, view)  # queued: the receiver lives on the GUI thread


class AlertController(QObject):
    """Keeps exactly one warning up while any tool waits for a decision.

    ``profiles`` is called each time a warning opens, so a provider changed in settings is
    used by the next warning without a restart.
    """

    warning_shown = Signal(object)  # the WarningWindow, once it is on screen
    warning_closed = Signal()
    decision_failed = Signal(str)

    def __init__(
        self,
        engine: Engine,
        profiles: Callable[[], tuple[Profile, Profile | None]],
        allow_wait: int = DEFAULT_ALLOW_WAIT,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        super().__init__()
        self.engine = engine
        self.profiles = profiles
        self.allow_wait = allow_wait
        self.today = today
        self.window: WarningWindow | None = None
        self.covers: list[CoverWindow] = []
        self.decision_failed.connect(self._show_failure)

    @property
    def open(self) -> bool:
        return self.window is not None

    @Slot(object, object)
    def on_event(self, event: GuardEvent, view: IncidentView | None) -> None:
        if view is None:
            return
        if view.pending:
            self._warn(view)
        elif self.window is not None:
            self.window.update_incident(view)

    def show_pending(self) -> None:
        """Bring up the warning for anything already waiting (the tray's "show warning")."""
        for view in self.engine.incidents(pending_only=True):
            self._warn(view)

    def _warn(self, view: IncidentView) -> None:
        if self.window is None:
            provider, generic = self.profiles()
            window = WarningWindow(provider, generic, self.allow_wait, self.today())
            window.remove_requested.connect(self._remove)
            window.allow_requested.connect(self._allow)
            window.closed.connect(self._closed)
            window.show_incidents([view])
            self.window = window
            screens = QGuiApplication.screens()
            primary = QGuiApplication.primaryScreen()
            window.show_on(primary)
            text = window.text()
            for screen in screens:
                if screen is not primary:
                    cover = CoverWindow(provider, text)
                    cover.show_on(screen)
                    self.covers.append(cover)
            self.warning_shown.emit(window)
        else:
            self.window.show_incidents([view])
            self.window.raise_()

    # --- decisions (off the GUI thread) ---

    def _remove(self, ids: list[str]) -> None:
        self._in_background(lambda: [self.engine.block(i) for i in ids])

    def _allow(self, ids: list[str], scope: str) -> None:
        """Resuming is quick (no files move), so it happens here, before the window goes:
        the window must not close on a tool that is still waiting."""
        parsed = AllowScope.parse(scope)
        try:
            for incident_id in ids:
                self.engine.allow(incident_id, parsed)
        except DecisionError as exc:
            self._show_failure(str(exc))
            return
        if self.window is not None:
            self.window.finish_allowed()

    def _in_background(self, action: Callable[[], object]) -> None:
        def run() -> None:
            try:
                action()
            except DecisionError as exc:
                self.decision_failed.emit(str(exc))
            except Exception as exc:  # reported on screen; the tool stays frozen
                self.decision_failed.emit(f"{exc!r}")

        threading.Thread(target=run, name="decision", daemon=True).start()

    @Slot(str)
    def _show_failure(self, message: str) -> None:
        if self.window is not None:
            self.window.hint.setText(message)
            self.window.hint.setVisible(True)

    def _closed(self) -> None:
        for cover in self.covers:
            cover.release()
        self.covers.clear()
        self.window = None
        self.warning_closed.emit()
        if self.engine.incidents(pending_only=True):
            self.show_pending()  # something new arrived as the window closed
