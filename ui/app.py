"""The tray app: the live guard off the GUI thread, the warning, the tray and its windows.

Threads: the guard's watchers, engine and journal run on their own threads exactly as under
``scamguard watch``; the engine's listener (``EngineBridge``) hands each event to the GUI
thread as a queued signal. Starting the guard (which first looks at every running program)
also happens off the GUI thread, so the tray appears at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon, QWidget

from guard import clock
from guard import instance as guard_instance
from guard.database import ActiveDatabase, load_active
from guard.engine.incidents import AllowScope, IncidentView, State
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.instance import AlreadyRunning
from guard.live import GuardOptions, LiveGuard
from guard.platform import autostart
from guard.providers.model import Profile
from guard.service.remote import RemoteGuard
from guard.state import changes, machine_config, paths, settings
from guard.state.events import EventKind, GuardEvent
from guard.updates import client as update_client
from guard.updates import installed
from guard.updates import schedule as update_schedule
from guard.watch.process_source import SourceUnavailable
from ui import style
from ui.banking_watch import BankingWatch
from ui.i18n import install_translator, tr
from ui.profiles import active_profiles
from ui.single_instance import ANSWERED, FAILED, SingleInstance
from ui.tray import Menu, Status, StatusWindow, TrayIcon, running_tools, status_of, whose_numbers
from ui.warning.alerts import AlertController, EngineBridge
from ui.warning.preview import paint
from ui.warning.speech import WarningVoice
from ui.warning.window import DEFAULT_ALLOW_WAIT
from ui.windows import first_run
from ui.windows.about import AboutWindow
from ui.windows.history import HistoryWindow
from ui.windows.notices import NumbersWindow, StoppedAgainNotices, TrustedNotice
from ui.windows.quit_dialog import QuitDialog
from ui.windows.settings.window import SettingsWindow

# With no update installed, the database shipped with the app counts as out of date this long
# after its release (with one, the manifest's expiry decides).
OUTDATED_AFTER_DAYS = 60
PREWARM_LATEST_MS = 1000  # with the first-run window: the warning's warm-up paint at the latest
OPEN_STATES = frozenset({State.DETECTED, State.FROZEN, State.ALLOWED})  # not yet settled
TRUSTED = AllowScope("trusted").label


def _unsettled(view: IncidentView) -> bool:
    """Waiting for the person, or allowed by them for a while: a fresh engine would not know
    and would freeze it again. A trusted tool is trusted again from settings, so it is not."""
    return view.state in OPEN_STATES and view.allow != TRUSTED


log = logging.getLogger(__name__)


@dataclass
class AppOptions:
    guard: GuardOptions = field(default_factory=GuardOptions)
    allow_wait: int = DEFAULT_ALLOW_WAIT
    use_tray: bool | None = None  # None: wherever the desktop has a tray
    signatures: Path | None = None
    # Connect to the guard service when it runs (False: always the tray's own guard).
    use_service: bool = True
    # What "today" is when judging whether the built-in signatures are out of date.
    today: Callable[[], dt.date] = clock.today
    # Watch the window in front for a bank's site during a live session (issue 16).
    watch_banking: bool = True
    # Show the first-run window after the tray starts, if this person has not seen it.
    welcome: bool = True


class TrayApp(QObject):
    """Everything the person sees outside the warning, and the guard behind it."""

    status_changed = Signal(object)
    guard_running = Signal(object)  # the LiveGuard that started
    guard_failed = Signal(object, str)  # the LiveGuard (or None), why
    stopped = Signal()
    quit_requested = Signal()  # the person confirmed Quit: ``run`` ends the event loop
    update_done = Signal(str, bool, bool)  # message, installed or current, quiet

    def __init__(self, options: AppOptions | None = None):
        super().__init__()
        self.options = options or AppOptions()
        self._load_database()
        self.guard: LiveGuard | RemoteGuard | None = None
        self.alerts: AlertController | None = None
        self.running = False
        self.reason = ""
        self.windows: dict[str, QWidget] = {}
        self.quit_dialog: QuitDialog | None = None
        self._restart_reason = ""
        self._reported: set[str] = set()
        self._noticed: set[str] = set()
        self.notices: list[TrustedNotice] = []
        self.boxes: set[QMessageBox] = set()
        self.problems: list[str] = [self.database.warning] if self.database.warning else []
        self.menu = Menu()
        has_tray = self.options.use_tray
        if has_tray is None:
            has_tray = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray = TrayIcon(self.menu, self.bring_forward) if has_tray else None
        self.status_window = StatusWindow(self.menu, has_tray=has_tray)
        self.bridge = EngineBridge()
        # A removed tool started or downloaded again: a small notice, never silence.
        self.again = StoppedAgainNotices(self.profiles, self._report)
        self.again.numbers_requested.connect(lambda: self.open_window("numbers"))
        self.bridge.received.connect(self.again.on_event)
        self.menu.show_warning.connect(self.show_warning)
        self.menu.numbers.connect(lambda: self.open_window("numbers"))
        self.menu.history.connect(lambda: self.open_window("history"))
        self.menu.settings.connect(lambda: self.open_window("settings"))
        self.menu.setup.connect(lambda: self.open_window("first_run"))
        self.menu.stop_tool.connect(self.stop_tool)
        self._numbers: tuple[object, str] = ((), "")  # (what it was read from, the line)
        self._prewarmed = False
        self.menu.about.connect(lambda: self.open_window("about"))
        self.menu.updates.connect(self.check_updates)
        self.menu.quit.connect(self.request_quit)
        self.guard_running.connect(self._on_running)
        self.update_done.connect(self._update_done)
        self._updating = self._show_result = False
        self._update_timer = QTimer(self)
        self._update_timer.setSingleShot(True)
        self._update_timer.timeout.connect(self._scheduled_update)
        self.guard_failed.connect(self._on_failed)
        # A bank's site in front during a live session: the tool is frozen (issue 16).
        self.banking = BankingWatch(self._report)
        # One voice for the app's whole run: a missing voice is said once, not per restart.
        self.voice = WarningVoice(self._report)
        self.banking.after_session.connect(self._notice_after_session)

    # --- the guard ---

    def start(self) -> None:
        """Show the tray (or status window), then start the guard in the background."""
        self._refresh()
        if self.tray is not None:
            self.tray.show()
        else:
            self.status_window.show()
        try:
            remote = self._service_guard()
            # With the service, its update is the one in use (signatures and numbers);
            # without, this person's own again (a restart that fell back to its own guard),
            # chosen before its own guard is made with the identifier.
            paths.follow_service_updates(remote is not None)
            reloaded = installed.current_folder() != self._database_from
            if reloaded:  # 50 ms: only when it is another
                self._load_database()
            guard = remote or LiveGuard(self.identifier, self.options.guard)
        except (AlreadyRunning, SourceUnavailable, OSError) as exc:
            self._on_failed(None, str(exc))
            return
        self.guard = guard
        if reloaded and self.database.warning:
            self._report(self.database.warning)
        self.alerts = AlertController(
            guard.engine,
            self.profiles,
            self.options.allow_wait,
            journal_file=paths.service_journal_path() if isinstance(guard, RemoteGuard) else None,
            voice=self.voice,
        )
        self.alerts.warning_shown.connect(self._refresh)
        self.alerts.warning_closed.connect(self._refresh)
        self.alerts.warning_closed.connect(self._maybe_restart)
        self.bridge.received.connect(self.alerts.on_event)  # the warning hears first
        self.bridge.received.connect(self._on_event)
        guard.engine.add_listener(self.bridge)

        def start_guard() -> None:
            try:
                guard.start()
            except Exception as exc:  # shown in the tray; the app stays up to say so
                self.guard_failed.emit(guard, f"the guard could not start ({exc})")
                return
            self.guard_running.emit(guard)

        threading.Thread(target=start_guard, name="guard-start", daemon=True).start()
        if self.options.welcome and "first_run" not in self.windows and not first_run.seen():
            # After the guard's start (it protects while the window is open); the warm-up
            # paint of the warning waits until the window is on screen (it took ~200 ms).
            QTimer.singleShot(0, self._welcome)
        else:
            QTimer.singleShot(0, self._prewarm)
        if not self._update_timer.isActive() and not isinstance(guard, RemoteGuard):
            self._schedule_updates(first=True)  # with the service, it keeps the schedule

    def _load_database(self) -> None:
        """The signatures in use again (an update was installed, or the service's is now
        the one to follow): for names, the status and "out of date"."""
        self._database_from = installed.current_folder()
        self.database: ActiveDatabase = load_active(self.options.signatures)
        self.identifier = Identifier(SignatureIndex(self.database.signatures))

    def _service_guard(self) -> RemoteGuard | None:
        """The guard service's engine, when the service runs here: then this window only
        shows and asks, and the service (root) decides and cannot be stopped by the person.
        Without it (pip, a source checkout) the tray runs its own guard as before."""
        if not self.options.use_service:
            return None
        return RemoteGuard.find(
            lambda: self.identifier.index.tools,
            lambda line: print(f"scamguard: {line}", file=sys.stderr),
            on_reconnected=self._service_back,
        )

    def _service_back(self) -> None:
        """The service answers again (on the link's thread): protecting again."""
        if self.guard is not None:
            self.guard_running.emit(self.guard)

    def _welcome(self) -> None:
        """The first-run window, then (once it has been painted, or after a second at most)
        the warm-up paint of the warning."""
        window = self.open_window("first_run")
        if isinstance(window, first_run.FirstRunWindow):
            window.painted.connect(lambda: QTimer.singleShot(0, self._prewarm))
        QTimer.singleShot(PREWARM_LATEST_MS, self._prewarm)

    def _prewarm(self) -> None:
        """Paint one warning offscreen while nothing is happening, so fonts and styles are
        loaded before the first real one: the first warning is the one that matters."""
        if self._prewarmed:
            return
        self._prewarmed = True
        tools = self.database.signatures.tools
        if tools:
            provider, generic = self.profiles()
            paint(tools[0], provider, generic, width=800, height=600)

    def stop(self, reason: str, *, restarting: bool = False) -> None:
        """Stop the guard (frozen tools stay frozen) and, unless restarting, close every
        window. Whatever fails on the way, the tray ends up saying it is not protecting."""
        guard, self.guard = self.guard, None
        alerts, self.alerts = self.alerts, None
        try:
            if alerts is not None:
                self.bridge.received.disconnect(alerts.on_event)
                self.bridge.received.disconnect(self._on_event)
                alerts.shutdown()
            self.banking.stop()
            if guard is not None:
                guard.engine.remove_listener(self.bridge)
                guard.stop(reason)
        finally:
            self.running = False
            self.reason = reason
            paths.follow_service_updates(False)  # until a guard is chosen again at start
            if not restarting:
                self.again.close_all()
                for window in [*self.windows.values(), *self.notices, *self.boxes]:
                    if isinstance(window, first_run.FirstRunWindow) and shiboken6.isValid(window):
                        window.dismiss()  # not finished with: shown again next time
                    elif shiboken6.isValid(window):
                        window.close()
                if self.tray is not None:
                    self.tray.hide()
                self.status_window.hide()
            self._refresh()
            self.stopped.emit()

    def restart_guard(self, reason: str) -> None:
        """New watched folders take effect by starting the guard again. Not while a tool is
        waiting for a decision or allowed to run: a fresh engine knows no allowances and would
        freeze an allowed tool again. It happens once nothing is open."""
        self._restart_reason = reason
        self._maybe_restart()

    def _maybe_restart(self) -> None:
        if not self._restart_reason or self.guard is None or not self.running:
            return  # (still starting: it is tried again once the guard runs)
        if self.alerts is not None and self.alerts.open:
            return  # the warning (even its last page, with the number to write down) stays
        if any(_unsettled(v) for v in self.guard.engine.incidents()):
            return
        reason, self._restart_reason = self._restart_reason, ""
        self.stop(reason, restarting=True)
        self.start()

    def profiles(self) -> tuple[Profile, Profile | None]:
        provider, generic, _all = active_profiles(self._report)
        return provider, generic

    def _report(self, line: str) -> None:
        """Journal a problem once per run of the app (profiles are re-read for every warning,
        and the same damaged file must not fill the journal)."""
        if line in self._reported:
            return
        if self.guard is not None:
            self._reported.add(line)
            self.guard.engine.problem(line)
        elif line not in self.problems:
            self.problems.append(line)

    @Slot(object)
    def _on_running(self, guard: LiveGuard) -> None:
        if guard is not self.guard:
            return  # a guard stopped (restarted) while it was still starting
        self.running, self.reason = True, ""
        waiting, self.problems = self.problems, []
        for line in waiting:
            self._report(line)
        if self.options.watch_banking:
            why = self.banking.start(guard.engine)
            if why:  # Wayland, macOS: the rest protects as before; said once, not an error
                log.info("the window in front is not watched for banking: %s", why)
        self._refresh()
        self._maybe_restart()

    @Slot(object, str)
    def _on_failed(self, guard: LiveGuard | None, reason: str) -> None:
        if guard is not None and guard is not self.guard:
            return
        self.running, self.reason = False, reason
        self._refresh()

    @Slot(object, object)
    def _on_event(self, event: GuardEvent, _view: IncidentView | None) -> None:
        if event.kind == EventKind.STOPPED:
            self.running = False
            if event.data.get("reason") == "service-gone":  # the link tries again itself
                self.reason = event.message
        if event.kind == EventKind.ALLOWED and event.data.get("scope") == "trusted":
            self._notice_trusted(event, _view)
        if event.kind == EventKind.PROTECTION_OFF and event.data.get("notice"):
            self._notice_protection_off(event)
        if event.kind == EventKind.ENDED and event.incident:
            self._noticed.discard(event.incident)  # its next start gets a notice again
        self._refresh()
        if event.kind in (EventKind.ENDED, EventKind.BLOCKED):
            self._maybe_restart()
        if event.kind == EventKind.UPDATE:  # the guard switched to an installed update (CLI or us)
            self._load_database()
            self._refresh()

    # --- what the person sees ---

    def status(self) -> Status:
        outdated = bool(update_client.out_of_date())
        released = self.database.signatures.released
        if self.database.origin == "built-in" and released is not None:
            outdated = outdated or (self.options.today() - released).days > OUTDATED_AFTER_DAYS
        warning_open = self.alerts is not None and self.alerts.open
        concern = "; ".join(self.guard.instance.warnings) if self.guard is not None else ""
        tools = running_tools(self.guard.engine.incidents()) if self.guard is not None else ()
        return status_of(
            self.running,
            warning_open,
            outdated,
            self.reason,
            concern,
            numbers=self.whose_numbers(),
            tools=tools,
        )

    def whose_numbers(self) -> str:
        """ "The warning shows TalkTalk's numbers": the profiles are read again only when a
        file that decides it changed (the person's settings, the ISP's install, an update),
        so a change made with ``scamguard provider set`` shows without a restart, and an
        event storm does not re-read every profile."""
        inputs = _profile_inputs()
        if self._numbers[0] != inputs or not self._numbers[1]:
            provider, _generic = self.profiles()
            self._numbers = (inputs, whose_numbers(None if provider.id == "none" else provider))
        return self._numbers[1]

    def stop_tool(self, incident: str) -> None:
        """ "Stop it now" for an allowed or trusted tool: removed exactly as the warning's
        Remove does (the engine's block: the whole tree killed, installers quarantined)."""
        if self.alerts is not None:
            self.alerts.remove([incident])

    @Slot()
    def _refresh(self, *_args: object) -> None:
        status = self.status()
        self.menu.set_status(status)
        if self.tray is not None:
            self.tray.set_status(status)
        # An update check still running at Quit answers after the windows are gone.
        if shiboken6.isValid(self.status_window):
            self.status_window.set_status(status)
        self.status_changed.emit(status)

    def bring_forward(self) -> None:
        """A second launch, or a click on the tray icon."""
        if self.alerts is None or not self.alerts.show_pending():
            self.status_window.bring_forward()

    def show_warning(self) -> None:
        """Built again, shown again or raised: whatever became of the warning window (a
        window manager may have destroyed, hidden or minimised it), while a tool waits."""
        if self.alerts is not None:
            self.alerts.show_pending()

    def _notice_trusted(self, event: GuardEvent, view: IncidentView | None) -> None:
        """A trusted program started (or arrived): say so, once each time, with a way out."""
        if not event.incident or event.incident in self._noticed or not event.tool:
            return
        self._noticed.add(event.incident)
        provider, _generic = self.profiles()
        started = view is None or any(p.get("role") == "tool" for p in view.processes)
        notice = TrustedNotice(
            provider, event.incident, event.tool, event.tool_name or event.tool, started
        )
        notice.remove_requested.connect(self._remove_trusted)
        notice.show()
        self.notices.append(notice)
        notice.destroyed.connect(lambda *_: self.notices.remove(notice))

    def _notice_protection_off(self, event: GuardEvent) -> None:
        """Once, in plain words: protection was off, when and for how long, and what to do
        if a caller had the person do it."""
        provider, _generic = self.profiles()
        number = next((n.number for n in provider.numbers), "").replace(" ", "\u00a0")
        call = (
            tr("hang up, then call {name} on {number} from another phone.").format(
                name=provider.name, number=number
            )
            if number
            else tr("hang up, then call your provider from another phone.")
        )
        box = self._box(
            tr("ScamGuard was switched off"),
            tr("ScamGuard was not protecting this computer for {how_long}, from {start} to "
               "{end}.").format(
                how_long=_how_long(float(event.data.get("seconds") or 0)),
                start=_local_time(str(event.data.get("from", ""))),
                end=_local_time(str(event.data.get("to", ""))),
            )
            + "\n\n"
            + tr("If someone on the phone asked you to switch it off, or to type a command, "
                 "it is a scam:")
            + " "
            + call,
            warning=True,
        )  # fmt: skip
        box.setFont(style.font(style.BODY_PT))
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 640px; }")  # readable lines

    @Slot(str)
    def _notice_after_session(self, bank: str) -> None:
        """A bank opened just after someone was connected: once, gently, the steps."""
        provider, generic = self.profiles()
        lines = [n for n in (*provider.numbers, *(generic.numbers if generic else ()))
                 if n.role == "bank"]  # fmt: skip
        call = (
            tr("call your bank on {number} from a different phone").format(number=lines[0].number)
            if lines
            else tr("call your bank from a different phone, on the number on your card")
        )
        self._box(
            tr("Someone was connected to this computer a moment ago"),
            tr(
                "You opened {bank} just after someone was connected to this computer. If a "
                "caller asked you to do this, it is a scam. Hang up, then {call}. Change your "
                "passwords from another device, starting with email."
            ).format(bank=bank, call=call),
            warning=True,
        )

    def _remove_trusted(self, incident: str, tool_id: str) -> None:
        name = next((t.name for t in self.database.signatures.tools if t.id == tool_id), tool_id)
        if isinstance(self.guard, RemoteGuard):  # the service's trust list: administrators'
            said = self.guard.request("trust", tool=tool_id, action="remove")
            if not said.get("ok"):
                self._box(tr("Trusted programs"), str(said.get("message", "")))
                return  # still trusted: the notice's tool is left as it was
        else:
            changes.remove_trust(tool_id, name=name, report=self._report)
        if self.alerts is not None:
            self.alerts.remove([incident])

    def open_window(self, which: str) -> QWidget:
        if which == "numbers":  # always the provider chosen now
            old = self.windows.pop(which, None)
            if old is not None and shiboken6.isValid(old):
                old.close()
        window = self.windows.get(which)
        if window is None:
            window = self._make_window(which)
            self.windows[which] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _make_window(self, which: str) -> QWidget:
        if which == "first_run":
            _provider, _generic, everything = active_profiles(self._report)
            welcome = first_run.FirstRunWindow(
                everything,
                self.database.signatures.tools,
                autostart.for_this_system(),
                report=self._report,
            )
            welcome.changed.connect(self._refresh)
            # Finished: forgotten, so the menu's "Set up ScamGuard again" starts afresh.
            welcome.finished.connect(lambda _how: self._forget_window("first_run", welcome))
            # Freed once closed (its preview picture is a few MB): each "Set up again" is new.
            welcome.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            return welcome
        if which == "numbers":
            provider, generic = self.profiles()
            return NumbersWindow(provider, generic)
        if which == "history":
            # With the service, its journal is the computer's record (readable by all).
            service = isinstance(self.guard, RemoteGuard)
            return HistoryWindow(paths.service_journal_path() if service else None)
        if which == "settings":
            _provider, _generic, everything = active_profiles(self._report)
            window = SettingsWindow(
                everything,
                self.database.signatures.tools,
                autostart.for_this_system(),
                service=self.guard.request if isinstance(self.guard, RemoteGuard) else None,
            )
            window.changed.connect(self._settings_changed)
            return window
        if which == "about":
            return AboutWindow()
        raise ValueError(which)

    def _forget_window(self, which: str, window: QWidget) -> None:
        if self.windows.get(which) is window:
            del self.windows[which]
        self._refresh()

    @Slot(str)
    def _settings_changed(self, what: str) -> None:
        if what == "folders":
            self.options.guard.extra_folders = [Path(p) for p in settings.load().folders]
            self.restart_guard(tr("watched folders changed in settings"))

    def check_updates(self, quiet: bool = False) -> None:
        """Ask the feed now, off the GUI thread; the answer arrives as ``update_done``.
        ``quiet`` (the schedule) only journals and refreshes the icon; the menu item says
        what happened in a small box."""
        if isinstance(self.guard, RemoteGuard):
            self._ask_service_to_update(self.guard, quiet)
            return
        feed = machine_config.feed_url()
        if not feed:
            if not quiet:
                self._box(
                    tr("Updates"),
                    tr(
                        "No update feed is set up on this computer, so ScamGuard keeps the "
                        "list it came with: {count} remote-control programs (version "
                        "{version})."
                    ).format(
                        count=len(self.database.signatures.tools),
                        version=self.database.signatures.version,
                    ),
                )
            return
        if self._updating:
            self._show_result |= not quiet  # a click during a scheduled check gets its box
            return
        self._updating, self._show_result = True, not quiet

        def run() -> None:
            try:
                outcome = update_client.update(feed, channel=machine_config.channel())
                text, ok = outcome.message, True
            except update_client.Rejected as exc:
                text, ok = tr("The update was refused: {why}").format(why=exc), False
            except Exception as exc:  # the check must never take the tray down
                text, ok = tr("The update check failed: {why}").format(why=exc), False
            self.update_done.emit(text, ok, quiet)

        threading.Thread(target=run, name="update-check", daemon=True).start()

    def _ask_service_to_update(self, guard: RemoteGuard, quiet: bool) -> None:
        """With the service, updates are its own (it checks on the same schedule); the menu
        item asks it to check now and says what it answered."""
        if self._updating:
            return
        self._updating, self._show_result = True, not quiet

        def run() -> None:
            answer = guard.request("update", timeout=120.0)
            self.update_done.emit(str(answer.get("message", "")), bool(answer.get("ok")), quiet)

        threading.Thread(target=run, name="update-check", daemon=True).start()

    @Slot(str, bool, bool)
    def _update_done(self, text: str, ok: bool, quiet: bool) -> None:
        self._updating = False
        quiet = not self._show_result
        if self.guard is None:
            self._report(text)
        elif ok:
            self.guard.engine.note(EventKind.UPDATE, text)
        else:
            self.guard.engine.problem(text)
        self._load_database()
        self._refresh()
        if not quiet:
            self._box(tr("Updates"), text)

    def _schedule_updates(self, first: bool = False) -> None:
        """The one schedule (guard/updates/schedule.py): every 6 hours give or take half an
        hour; within minutes of start when the last check is older than that."""
        self._update_timer.start(int(update_schedule.next_wait(first) * 1000))

    def _scheduled_update(self) -> None:
        if not update_client.wait_asked():
            self.check_updates(quiet=True)
        self._schedule_updates()

    def _box(self, title: str, text: str, *, warning: bool = False) -> QMessageBox:
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.boxes.add(box)  # held until it closes (Python would delete it at once otherwise)
        box.destroyed.connect(lambda *_: self.boxes.discard(box))
        box.show()
        return box

    def request_quit(self) -> QuitDialog:
        """Ask first; the answer that keeps protection is the default."""
        if self.quit_dialog is None:
            dialog = QuitDialog()
            dialog.accepted.connect(self._quit_confirmed)
            dialog.finished.connect(lambda _result: setattr(self, "quit_dialog", None))
            self.quit_dialog = dialog
        self.quit_dialog.show()
        self.quit_dialog.raise_()
        self.quit_dialog.activateWindow()
        return self.quit_dialog

    def _quit_confirmed(self) -> None:
        try:
            self.stop(tr("the person chose Quit in the tray menu"))
        finally:  # the person asked to quit: a failure while stopping must not keep us up
            self.quit_requested.emit()


def run(argv: list[str] | None = None, options: AppOptions | None = None) -> int:
    """``scamguard`` with no command: one tray per user; a second launch shows the first."""
    existing = QApplication.instance()  # a test's, or none: a QCoreApplication cannot show a tray
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(argv if argv is not None else sys.argv[:1])
    )
    app.setApplicationName("ScamGuard")
    app.setQuitOnLastWindowClosed(False)
    install_translator(app)
    style.apply_app_font(app, settings.load().larger_text)  # one type scale: ui/style.py
    instance = SingleInstance()
    claimed = instance.listen()
    if claimed == ANSWERED and _another_guard_runs():
        print("scamguard: ScamGuard is already running; showing it", file=sys.stderr)
        return 0
    if claimed == ANSWERED:  # something else holds the name: never let it switch us off
        print("scamguard: another program answered on ScamGuard's socket, but no ScamGuard "
              "guard is running; carrying on", file=sys.stderr)  # fmt: skip
    if claimed == FAILED:  # still protect; a second launch just will not find this one
        why = instance.server.errorString()
        print(f"scamguard: no single-instance socket ({why}); carrying on", file=sys.stderr)
    tray = TrayApp(options or AppOptions(guard=_saved_guard_options()))
    instance.show_requested.connect(tray.bring_forward)
    # exit, not quit: in Qt 6 quit() first asks every window to close, and the warning and
    # the status window refuse.
    tray.quit_requested.connect(lambda: app.exit(0))
    QTimer.singleShot(0, tray.start)
    signalled = _quit_on_signals(app)
    try:
        return app.exec()
    finally:
        if tray.guard is not None:
            tray.stop(signalled[0] if signalled else tr("the app closed"))
        instance.close()


HANDOVER_WAIT_S = 10.0


def _profile_inputs() -> tuple[tuple[int, int] | None, ...]:
    """The files that decide whose numbers the warning shows, by size and time changed."""
    machine = paths.machine_dir()
    found: list[tuple[int, int] | None] = []
    for path in (
        paths.settings_path(),
        machine / machine_config.CONFIG_FILE,
        machine / machine_config.PROFILE_FILE,
        paths.installed_signatures_dir() / "providers.json",
    ):
        try:
            stat = path.stat()
        except OSError:
            found.append(None)
            continue
        found.append((stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _another_guard_runs() -> bool:
    """Does a real guard run for this user? Its lock (a file lock in this user's own state
    folder) proves it; a listener on the socket name alone does not: any program, even
    another user's, could answer there. A tray that has only just started takes a moment
    to lock, so wait a little for it."""
    deadline = time.monotonic() + HANDOVER_WAIT_S
    while not guard_instance.is_running(unknown=False):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _how_long(seconds: float) -> str:
    """ "3 minutes", "2 hours", "a few seconds": a gap as a person would say it."""
    if seconds < 60:
        return tr("a few seconds")
    if seconds < 3600:
        minutes = round(seconds / 60)
        return tr("1 minute") if minutes == 1 else tr("{n} minutes").format(n=minutes)
    hours = round(seconds / 3600)
    return tr("1 hour") if hours == 1 else tr("{n} hours").format(n=hours)


def _local_time(stamp: str) -> str:
    """An ISO time from the journal as the person's clock shows it (with the day if it was
    not today)."""
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    today = dt.datetime.now().astimezone().date()
    return moment.strftime("%H:%M" if moment.date() == today else "%d %B %H:%M")


TERMINATED = 128 + 15  # the shell's code for "ended by SIGTERM"


def _quit_on_signals(app: QApplication) -> list[str]:
    """Ctrl-C in a terminal (``make run``) and SIGTERM (logout, a service manager, or
    ``kill``) stop the tray cleanly, journalled; the returned list receives the reason.

    Ctrl-C exits 0, like Quit. SIGTERM exits 143, which supervisors (systemd's
    ``Restart=``, ``scamguard keep-running``) treat as "start it again" unless they sent it
    themselves at logout: a caller's ``pkill scamguard`` must not end protection. Qt's loop
    does not return to Python on its own, so a timer lets Python's signal handlers run.
    ``exit`` rather than ``quit``: in Qt 6 ``quit`` first asks every window to close, and
    the warning and the status window refuse."""
    why: list[str] = []

    def stop(reason: str, code: int) -> None:
        why[:] = [reason]
        app.exit(code)

    signal.signal(signal.SIGINT, lambda *_: stop(tr("the app closed (Ctrl-C)"), 0))
    signal.signal(signal.SIGTERM, lambda *_: stop(tr("the app was told to stop"), TERMINATED))
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    return why


def _saved_guard_options() -> GuardOptions:
    """The person's watched folders (confined in a test home: ``paths.confined_to``)."""
    folders = [Path(p) for p in settings.load().folders]
    confine = paths.confined_to()
    if confine is not None:
        return GuardOptions(extra_folders=folders, default_folders=False, only_under=confine)
    return GuardOptions(extra_folders=folders)
