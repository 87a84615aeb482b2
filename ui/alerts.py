"""From the engine's events to the warning on screen, and from the person's choice back.

The engine calls its listeners on its own dispatch thread; ``EngineBridge`` turns each call
into a Qt signal, which Qt queues onto the GUI thread, so no widget is ever touched from an
engine thread and a slow paint can never hold up a freeze. A removal runs on a short-lived
worker thread (it may move a large download to quarantine, which must not stall the
window); an allowance only resumes processes, so it runs at once, before the window goes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from guard.engine.engine import DecisionError, Engine
from guard.engine.events import GuardEvent
from guard.engine.incidents import AllowScope, IncidentView
from guard.providers.model import Profile
from ui import style
from ui.warning import DEFAULT_ALLOW_WAIT, WarningWindow
from ui.warning_parts import WINDOW_FLAGS, CoverWindow
from ui.warning_text import WarningText


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
        self.fallback: FallbackWarning | None = None
        self.covers: list[CoverWindow] = []
        self._shut = False
        self.decision_failed.connect(self._show_failure)

    @property
    def open(self) -> bool:
        return self.window is not None or self.fallback is not None

    @Slot(object, object)
    def on_event(self, event: GuardEvent, view: IncidentView | None) -> None:
        if view is None or self._shut:
            return
        if view.pending:
            # The event's snapshot may be older than the engine's decision (a trusted tool is
            # "detected" a moment before it is left running): ask for the incident as it is
            # now, so a warning never flashes up for something already settled.
            try:
                view = self.engine.incident(view.id)
            except DecisionError:
                return  # forgotten already: nothing to decide
        if self.fallback is not None:
            if not self.engine.incidents(pending_only=True):
                self.fallback.release()  # everything it stood for has been decided
            return
        if view.pending:
            self._warn(view)
        elif self.window is not None:
            self._guarded(lambda: self.window.update_incident(view))

    def show_pending(self) -> None:
        """Bring up the warning for anything already waiting (the tray's "show warning")."""
        if self.fallback is not None:
            self.fallback.raise_()
            return
        for view in self.engine.incidents(pending_only=True):
            self._warn(view)

    def shutdown(self) -> None:
        """The app is stopping: close the warning without opening another (tools stay as
        they are) and take no more events."""
        self._shut = True
        if self.window is not None:
            self.window.closed.disconnect(self._closed)
            self.window.dismiss()
            self.window = None
        if self.fallback is not None:
            self.fallback.release()
            self.fallback = None
        self._release_covers()

    def _warn(self, view: IncidentView) -> None:
        if self.fallback is not None:
            self.fallback.raise_()
            return
        if self.window is None:
            self._guarded(lambda: self._open(view))
            return
        window = self.window

        def refresh() -> None:
            before = window.text()
            window.show_incidents([view])
            window.raise_()
            after = window.text()
            if (after.caught, after.frozen) != (before.caught, before.frozen):
                self._release_covers()  # the other screens say the same as the main one
                self._cover_other_screens(window.provider, after)

        self._guarded(refresh)

    def _guarded(self, step: Callable[[], object]) -> None:
        """Any failure building or updating the warning (a broken translation, say) falls
        back to a plain one: the tool is frozen, and the person must still be told."""
        try:
            step()
        except Exception as exc:
            self.engine.problem(f"the warning could not be shown ({exc!r}); showing a plain one")
            self._release_covers()
            if self.window is not None:
                window, self.window = self.window, None
                window.closed.disconnect(self._closed)
                window.dismiss()
            if self.fallback is None:
                self.fallback = FallbackWarning(self._remove_all)
                self.fallback.destroyed.connect(self._fallback_gone)
                self.fallback.show_on(QGuiApplication.primaryScreen())
                self.warning_shown.emit(self.fallback)

    def _fallback_gone(self) -> None:
        self.fallback = None
        self.warning_closed.emit()
        if not self._shut and self.engine.incidents(pending_only=True):
            self.show_pending()  # the removal failed, or something new came: warn again

    def _open(self, view: IncidentView) -> None:
        provider, generic = self.profiles()
        window = WarningWindow(provider, generic, self.allow_wait, self.today())
        window.remove_requested.connect(self._remove)
        window.allow_requested.connect(self._allow)
        window.closed.connect(self._closed)
        self.window = window
        window.show_incidents([view])
        window.show_on(QGuiApplication.primaryScreen())
        self._cover_other_screens(provider, window.text())
        self.warning_shown.emit(window)

    def _cover_other_screens(self, provider: Profile, text: WarningText) -> None:
        primary = QGuiApplication.primaryScreen()
        for screen in QGuiApplication.screens():
            if screen is not primary:
                cover = CoverWindow(provider, text)
                cover.show_on(screen)
                self.covers.append(cover)

    # --- decisions ---

    def _remove(self, ids: list[str]) -> None:
        """Remove each tool on its own: one that cannot be removed must not stop the rest."""

        def remove_each() -> None:
            failed = []
            for incident_id in ids:
                try:
                    self.engine.block(incident_id)
                except DecisionError as exc:
                    failed.append(str(exc))
                except Exception as exc:  # journalled in full; the person gets plain words
                    self.engine.problem(f"removing incident {incident_id} failed ({exc!r})")
                    failed.append("ScamGuard could not remove it; the problem is in its history")
            if failed:
                self.decision_failed.emit(" ".join(failed))

        threading.Thread(target=remove_each, name="decision", daemon=True).start()

    remove = _remove  # for the tray's other windows (a trusted program's notice)

    def _remove_all(self) -> None:
        self._remove([v.id for v in self.engine.incidents(pending_only=True)])

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
            self.window.dismiss()

    @Slot(str)
    def _show_failure(self, message: str) -> None:
        if self.window is not None:
            self.window.removal_failed(message)
        if self.fallback is not None:
            self.fallback.remove_button.setEnabled(True)

    def _release_covers(self) -> None:
        for cover in self.covers:
            cover.release()
        self.covers.clear()

    def _closed(self) -> None:
        self._release_covers()
        self.window = None
        self.warning_closed.emit()
        if not self._shut and self.engine.incidents(pending_only=True):
            self.show_pending()  # something new arrived as the window closed


class FallbackWarning(QWidget):
    """The last resort if the real warning cannot be built (a broken translation, say):
    plain words, the safe choice, nothing else, in English. It stays until nothing is left
    waiting (the controller releases it); the tools stay as they are behind it."""

    def __init__(self, remove: Callable[[], None]):
        super().__init__(None, WINDOW_FLAGS)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setStyleSheet(f"background: {style.PAPER}; color: {style.INK};")
        col = QVBoxLayout(self)
        col.setContentsMargins(64, 64, 64, 64)
        for text, points in (
            ("Hang up.", style.HEADLINE_PT),
            (
                "ScamGuard caught a program that lets someone control this computer. If the "
                "caller told you to expect this warning, that is part of the scam. Remove it, "
                "then call your bank on the number on the back of your card, from a different "
                "phone.",
                style.LEAD_PT,
            ),
        ):
            line = QLabel(text)
            line.setWordWrap(True)
            line.setFont(style.font(points, bold=True))
            style.name(line, text)
            col.addWidget(line)
        self.remove_button = QPushButton("Remove it")
        self.remove_button.setFont(style.font(style.BUTTON_PT, bold=True))
        self.remove_button.setAutoDefault(False)
        style.name(self.remove_button, "Remove it", "Closes the program. Always safe.")
        self.remove_button.clicked.connect(remove)
        self.remove_button.clicked.connect(lambda: self.remove_button.setEnabled(False))
        col.addWidget(self.remove_button)
        col.addStretch(1)
        self._closable = False

    def show_on(self, screen: object) -> None:
        self.showFullScreen()

    def release(self) -> None:
        self._closable = True
        self.close()

    def closeEvent(self, event) -> None:
        if self._closable:
            super().closeEvent(event)
        else:
            event.ignore()
