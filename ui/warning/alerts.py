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
from pathlib import Path
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from guard.engine.incidents import AllowScope, DecisionError, IncidentView
from guard.providers.model import Profile
from guard.state.events import GuardEvent
from ui import style
from ui.i18n import tr
from ui.warning.parts import WINDOW_FLAGS, CoverWindow
from ui.warning.speech import AfterFirstPaint, WarningVoice
from ui.warning.text import WarningText
from ui.warning.window import DEFAULT_ALLOW_WAIT, WarningWindow


class EngineBridge(QObject):
    """An engine listener whose calls arrive as a signal on the GUI thread."""

    # GuardEvent, IncidentView | None. Not named ``event``: that is QObject's event handler.
    received = Signal(object, object)

    def __call__(self, event: GuardEvent, view: IncidentView | None) -> None:
        self.received.emit(event, view)  # queued: the receiver lives on the GUI thread


class Decisions(Protocol):
    """What the warning needs of an engine: the tray's own (``Engine``) or the guard
    service's as the tray sees it (``guard/service/remote.py``, which sends each decision
    to the service and raises DecisionError when the service refuses it)."""

    def incidents(self, pending_only: bool = False) -> list[IncidentView]: ...
    def incident(self, incident_id: str) -> IncidentView: ...
    def block(self, incident_id: str) -> IncidentView: ...
    def allow(self, incident_id: str, scope: AllowScope, via: str = "") -> IncidentView: ...
    def problem(self, message: str) -> None: ...


def _pack_saver(
    window: WarningWindow, incident_id: str, journal_file: Path | None
) -> tuple[Path | None, str]:
    from ui.report_pdf import save_pack  # noqa: PLC0415 - the PDF writer loads on use

    return save_pack(window, incident_id, journal_file)


class AlertController(QObject):
    """Keeps exactly one warning up while any tool waits for a decision.

    ``profiles`` is called each time a warning opens, so a provider changed in settings is
    used by the next warning without a restart.

    The warning can go without the person choosing: a window manager or ``xdotool`` closing
    or destroying it, a crash in Qt. A dead window is never taken for a warning on screen:
    every path asks ``_current`` (which checks the C++ object still exists), and a warning
    destroyed while a tool still waits is built again at once.

    A warning is read aloud (``voice``) once, when it first opens: not when it is refreshed
    or brought forward, and not when one destroyed from outside is built again for the same
    tools. Closing the warning or shutting down silences it; the next warning after a close
    is heard again (the same tool started again by the caller included).
    """

    warning_shown = Signal(object)  # the WarningWindow, once it is on screen
    warning_closed = Signal()
    decision_failed = Signal(str)
    # The words a warning was read aloud with, once its first paint is done ("" when the
    # person turned reading aloud off).
    read_aloud = Signal(str)

    def __init__(
        self,
        engine: Decisions,
        profiles: Callable[[], tuple[Profile, Profile | None]],
        allow_wait: int = DEFAULT_ALLOW_WAIT,
        today: Callable[[], dt.date] = dt.date.today,
        journal_file: Path | None = None,
        *,
        voice: WarningVoice | None = None,
    ):
        super().__init__()
        self.engine = engine
        # Speech problems (no voice installed) go to the journal, once each.
        self.voice = voice or WarningVoice(engine.problem)
        self._announced: set[str] = set()  # incidents whose warning was read aloud
        # Where the incidents are recorded (the service's journal when it runs): the
        # recovery pack is made from it.
        self.journal_file = journal_file
        self.profiles = profiles
        self.allow_wait = allow_wait
        self.today = today
        self.window: WarningWindow | None = None
        self.fallback: FallbackWarning | None = None
        self.covers: list[CoverWindow] = []
        self._shut = False
        self._serial = 0  # which window is current, for its ``destroyed`` signal
        self.decision_failed.connect(self._show_failure)

    @property
    def open(self) -> bool:
        """A warning is up, or should be: a tool waiting for a decision counts even while
        its window is being built again (the tray keeps saying "warning")."""
        if self._current() is not None or self._fallback() is not None:
            return True
        return not self._shut and bool(self.engine.incidents(pending_only=True))

    def _current(self) -> WarningWindow | None:
        """The warning window, if it still exists. One destroyed from outside (its C++
        object gone, no ``closed`` signal) is forgotten here, with its covers."""
        if self.window is not None and not shiboken6.isValid(self.window):
            self.window = None
            self._release_covers()
        return self.window

    def _fallback(self) -> FallbackWarning | None:
        if self.fallback is not None and not shiboken6.isValid(self.fallback):
            self.fallback = None
        return self.fallback

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
        fallback = self._fallback()
        if fallback is not None:
            if not self.engine.incidents(pending_only=True):
                fallback.release()  # everything it stood for has been decided
            return
        window = self._current()
        if view.pending:
            self._warn(view)
        elif window is not None:
            self._guarded(lambda: window.update_incident(view))

    def show_pending(self) -> bool:
        """Bring up the warning for anything already waiting, and bring it forward (the
        tray's "Show the warning", a second launch): built again if it was destroyed, shown
        again if it was hidden or minimised. True if a warning is on screen after."""
        if self._shut:
            return False
        fallback = self._fallback()
        if fallback is not None:
            fallback.showFullScreen()
            fallback.raise_()
            return True
        for view in self.engine.incidents(pending_only=True):
            self._warn(view)
        window = self._current()
        if window is not None:
            self._guarded(lambda: _bring_forward(window))
        return self._current() is not None or self._fallback() is not None

    def shutdown(self) -> None:
        """The app is stopping: close the warning without opening another (tools stay as
        they are) and take no more events."""
        self._shut = True
        self._silence()
        window, fallback = self._current(), self._fallback()
        self.window = self.fallback = None
        if window is not None:
            window.closed.disconnect(self._closed)
            window.dismiss()
        if fallback is not None:
            fallback.release()
        self._release_covers()

    def _warn(self, view: IncidentView) -> None:
        fallback = self._fallback()
        if fallback is not None:
            fallback.raise_()
            return
        window = self._current()
        if window is None:
            self._guarded(lambda: self._open(view))
            return

        # A tool joining a warning already up was announced with it: the warning is not
        # read aloud again if it is built again for both.
        self._announced.add(view.id)

        def refresh() -> None:
            before = window.text()
            window.show_incidents([view])
            _bring_forward(window, activate=False)
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
            window, self.window = self._current(), None
            if window is not None:
                window.closed.disconnect(self._closed)
                window.dismiss()
            if self._fallback() is None:
                self.fallback = FallbackWarning(self._remove_all)
                self.fallback.destroyed.connect(self._fallback_gone)
                self.fallback.show_on(QGuiApplication.primaryScreen())
                self.warning_shown.emit(self.fallback)
                self._announce_fallback(self.fallback)

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
        window.pack_requested.connect(self._save_pack)
        window.closed.connect(self._closed)
        self._serial += 1
        serial = self._serial
        window.destroyed.connect(lambda *_: self._destroyed(serial))
        self.window = window
        # Everything waiting, not only the one that called: a warning built again (the old
        # one destroyed from outside) must not drop a tool the person has not decided on.
        views = {v.id: v for v in self.engine.incidents(pending_only=True)}
        views[view.id] = view
        window.show_incidents(list(views.values()))
        window.show_on(QGuiApplication.primaryScreen())
        self._cover_other_screens(provider, window.text())
        self.warning_shown.emit(window)
        self._announce(window, provider, list(views))

    def _announce(self, window: WarningWindow, provider: Profile, ids: list[str]) -> None:
        """Read the warning aloud, if it is about a tool not announced before, once it is
        painted. Never able to take the warning down: a failure is one journal line."""
        if set(ids) <= self._announced:
            return  # built again for the same tools: it was heard the first time
        self._announced.update(ids)
        self._say_once_painted(
            window,
            lambda: self._current() is window,
            lambda: self.voice.announce(window.text(), provider),
        )

    def _announce_fallback(self, fallback: FallbackWarning) -> None:
        """The plain warning is read aloud too, once painted, unless every tool it stands
        for was heard already (the real warning failed only on a refresh)."""
        ids = {v.id for v in self.engine.incidents(pending_only=True)}
        if ids and ids <= self._announced:
            return
        self._announced.update(ids)
        self._say_once_painted(
            fallback,
            lambda: self._fallback() is fallback,
            lambda: self.voice.say(fallback.spoken()),
        )

    def _say_once_painted(
        self, window: QWidget, still_up: Callable[[], bool], say: Callable[[], str]
    ) -> None:
        """``say`` once ``window`` is first painted, if it is still the one up then (not
        closed or replaced before its first paint). Never able to take the warning down: a
        failure is one journal line."""

        def speak() -> None:
            if self._shut or not still_up():
                return
            try:
                said = say()
            except Exception as exc:
                self.engine.problem(f"the warning could not be read aloud ({exc!r})")
                return
            self.read_aloud.emit(said)

        AfterFirstPaint(window, speak)

    def _silence(self) -> None:
        try:
            self.voice.stop()
        except Exception as exc:
            self.engine.problem(f"reading the warning aloud could not be stopped ({exc!r})")

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
                    failed.append(
                        tr("ScamGuard could not remove it; the problem is in its history")
                    )
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
                self.engine.allow(incident_id, parsed, via="warning")
        except DecisionError as exc:
            self._show_failure(str(exc))
            return
        window = self._current()
        if window is not None:
            window.dismiss()

    @Slot(str)
    def _show_failure(self, message: str) -> None:
        window, fallback = self._current(), self._fallback()
        if window is not None:
            window.removal_failed(message)
        if fallback is not None:
            fallback.remove_button.setEnabled(True)

    def _release_covers(self) -> None:
        covers, self.covers = self.covers, []
        for cover in covers:
            if shiboken6.isValid(cover):  # one destroyed from outside is gone already
                cover.release()

    @Slot(str)
    def _save_pack(self, incident_id: str) -> None:
        """The done page's "Save a recovery pack": ask where, save, say where it went."""
        window = self._current()
        if window is None:
            return
        _saved, message = _pack_saver(window, incident_id, self.journal_file)
        if message and shiboken6.isValid(window):
            window.said(message)

    def _closed(self) -> None:
        self._silence()
        self._announced.clear()  # closed by a choice: the next warning is heard, whatever it is
        self._release_covers()
        self.window = None
        self.warning_closed.emit()
        if not self._shut and self.engine.incidents(pending_only=True):
            self.show_pending()  # something new arrived as the window closed

    def _destroyed(self, serial: int) -> None:
        """A warning went without closing (destroyed from outside, not by a choice). If it
        is still the current one, forget it now and, once Qt is done destroying it, put the
        warning back for whatever still waits."""
        if serial != self._serial or self.window is None:
            return  # it closed the ordinary way first, or a newer warning is up
        self.window = None
        self._release_covers()
        self.warning_closed.emit()
        if not self._shut:
            QTimer.singleShot(0, self, self._come_back)

    def _come_back(self) -> None:
        if self._shut or self._current() is not None or self._fallback() is not None:
            return
        if self.engine.incidents(pending_only=True):
            self.engine.problem(
                "the warning was closed from outside ScamGuard while a tool was waiting for a "
                "decision; it was shown again"
            )
            self.show_pending()


def _bring_forward(window: WarningWindow, activate: bool = True) -> None:
    """On screen, full size, on top: a hidden or minimised warning (a window manager, a
    caller's "minimise that") is shown again before it is raised."""
    if not window.isVisible() or window.isMinimized():
        window.come_back()
    window.raise_()
    if activate:
        window.activateWindow()


class FallbackWarning(QWidget):
    """The last resort if the real warning cannot be built (a broken translation, say):
    plain words, the safe choice, nothing else. Its strings have no placeholders, so even a
    broken translation file cannot stop them being drawn. It stays until nothing is left
    waiting (the controller releases it); the tools stay as they are behind it."""

    def __init__(self, remove: Callable[[], None]):
        super().__init__(None, WINDOW_FLAGS)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setProperty(style.FIXED, True)  # full screen: "larger text" leaves it as it is
        with style.fixed_scale():
            self._build(remove)

    def _build(self, remove: Callable[[], None]) -> None:
        self.setStyleSheet(f"background: {style.PAPER}; color: {style.INK};")
        col = QVBoxLayout(self)
        col.setContentsMargins(64, 64, 64, 64)
        self._said: list[str] = []
        for text, points in (
            (tr("Hang up."), style.HEADLINE_PT),
            (
                tr(
                    "ScamGuard caught a program that lets someone control this computer. If "
                    "the caller told you to expect this warning, that is part of the scam. "
                    "Remove it, then call your bank on the number on the back of your card, "
                    "from a different phone."
                ),
                style.LEAD_PT,
            ),
        ):
            self._said.append(text)
            line = QLabel(text)
            line.setWordWrap(True)
            line.setFont(style.font(points, bold=True))
            style.name(line, text)
            col.addWidget(line)
        self.remove_button = QPushButton(tr("Remove it"))
        self.remove_button.setFont(style.font(style.BUTTON_PT, bold=True))
        self.remove_button.setAutoDefault(False)
        style.name(self.remove_button, tr("Remove it"), tr("Closes the program. Always safe."))
        self.remove_button.clicked.connect(remove)
        self.remove_button.clicked.connect(lambda: self.remove_button.setEnabled(False))
        col.addWidget(self.remove_button)
        col.addStretch(1)
        self._closable = False

    def show_on(self, screen: object) -> None:
        self.showFullScreen()

    def spoken(self) -> str:
        """What is read aloud: its own words, as drawn."""
        return " ".join(self._said)

    def release(self) -> None:
        self._closable = True
        self.close()

    def closeEvent(self, event) -> None:
        if self._closable:
            super().closeEvent(event)
        else:
            event.ignore()
