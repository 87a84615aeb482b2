"""The settings window: provider, watched folders, trusted programs, start at login.

Every change is saved the moment it is made (there is no "Apply" to forget) and announced
with ``changed`` so the tray can pick it up. Settings are re-read from disk before each
change, so a change made meanwhile with ``scamguard trust`` or ``scamguard provider set`` is
never overwritten. Permanent trust is the one dangerous setting: it is explained first in
plain words ("if anyone on the phone asks you to do this, it is a scam"), and can only be
confirmed after a visible wait, and it goes through :mod:`guard.state.changes`, so it is journalled.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from guard import clock, locations
from guard.platform.autostart import Autostart, AutostartError, login_command
from guard.providers.active import active_profile
from guard.providers.model import ContactNumber, Profile, ProfileSet
from guard.sigdb.model import ToolSignature
from guard.state import changes, machine_config, settings
from ui import style
from ui.i18n import tr
from ui.windows import common


def trust_explanation() -> str:
    """Said before anything else when someone starts to trust a program."""
    return tr(
        "Only for a program you set up yourself for someone you know, like a family member "
        "who helps you. If anyone on the phone asks you to do this, it is a scam: hang up."
    )


def country_name(code: str) -> str:
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return code
    return QLocale.territoryToString(territory)


def profile_label(profile: Profile) -> str:
    """What the provider list shows: "BT (United Kingdom)", "No provider: UK fraud
    helplines"."""
    if profile.generic:
        return tr("No provider: {name}").format(name=profile.name)
    return tr("{name} ({country})").format(name=profile.name, country=country_name(profile.country))


def _why_autostart() -> str:
    return tr(
        "Recommended: ScamGuard can only protect you while it is running. If someone "
        "on the phone asked you to untick this, that is a scam: hang up."
    )


def _page(*widgets: QWidget | None) -> QScrollArea:
    """A tab's contents, top-aligned, scrolling if the screen is small."""
    inner = QWidget()
    layout = QVBoxLayout(inner)
    layout.setContentsMargins(20, 20, 20, 20)
    layout.setSpacing(14)
    for widget in widgets:
        if widget is not None:
            layout.addWidget(widget)
    layout.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def _row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(12)
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    return holder


class SettingsWindow(QWidget):
    """ScamGuard's settings, saved at once.

    ``changed`` is emitted with ``"provider"``, ``"folders"``, ``"trusted"`` or
    ``"autostart"`` after that change has been saved. Tests drive the controls directly:
    ``provider_combo`` (item data = profile id), ``choose_folder`` (replace it with a
    callable returning a path, or "" for cancel), ``add_folder_button``/``folder_list``/
    ``remove_folder_button``, ``trust_button`` → ``tool_combo`` (item data = tool id),
    ``note_edit``, ``confirm_trust_button`` (enabled ``trust_wait`` seconds after the
    panel opens), ``trusted_table``/``remove_trust_button``, ``autostart_box``.
    """

    changed = Signal(str)

    def __init__(
        self,
        profiles: ProfileSet,
        tools: Sequence[ToolSignature],
        autostart: Autostart | None,
        trust_wait: int = 30,
        *,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.profiles = profiles
        self.tools = sorted(tools, key=lambda t: (t.name.casefold(), t.id))
        self.tool_names = {t.id: t.name for t in self.tools}
        self.autostart = autostart
        self.trust_wait = max(0, int(trust_wait))
        self.today = today
        self.choose_folder: Callable[[], str] = self._folder_dialog
        self._remaining = 0
        self._loading = False

        self.setWindowTitle(tr("ScamGuard: settings"))
        self.setFont(style.font(style.BODY_PT))
        self.resize(1000, 780)

        self.problem_label = common.caution(accessible=tr("Problem with the saved settings"))
        self.problem_label.hide()

        self.tabs = QTabWidget()
        self.tabs.setFont(style.font(style.BODY_PT))
        self.tabs.tabBar().setFont(style.font(style.BODY_PT))
        style.name(
            self.tabs,
            tr("Settings sections"),
            tr("Provider, watched folders, trusted programs and starting at login"),
        )
        self.tabs.addTab(self._provider_page(), tr("Provider"))
        self.tabs.addTab(self._folders_page(), tr("Watched folders"))
        self.tabs.addTab(self._trusted_page(), tr("Trusted programs"))
        self.autostart_page = self._autostart_page()
        index = self.tabs.addTab(self.autostart_page, tr("Start at login"))
        self.tabs.setTabVisible(index, autostart is not None)  # hidden where unsupported

        self.close_button = common.button(tr("Close"), tr("Close the settings window"))
        self.close_button.clicked.connect(self.close)
        common.close_on_escape(self)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.refresh()

    # --- building -------------------------------------------------------------------------

    def _provider_page(self) -> QWidget:
        title = common.heading(tr("Your broadband or phone provider"))
        intro = common.label(
            tr(
                "When ScamGuard stops a remote-access program, its warning shows this "
                "provider's real phone numbers. Choose the company you pay for your broadband "
                "or phone line."
            )
        )
        self.provider_combo = common.combo(
            tr("Provider"),
            tr(
                "The company whose real phone numbers the warning shows. Saved as soon as "
                "you choose."
            ),
        )
        for profile in self.profiles.sorted():
            self.provider_combo.addItem(profile_label(profile), profile.id)
        self.provider_combo.currentIndexChanged.connect(self._provider_chosen)
        self.provider_note = common.label(accessible=tr("About the provider choice"))
        self.numbers_title = common.label(tr("The numbers the warning will show:"), bold=True)
        self.numbers_box = QWidget()
        self.numbers_layout = QVBoxLayout(self.numbers_box)
        self.numbers_layout.setContentsMargins(0, 0, 0, 0)
        self.numbers_layout.setSpacing(14)
        self.stale_labels: list[QWidget] = []
        return _page(
            title, intro, self.provider_combo, self.provider_note, self.numbers_title,
            self.numbers_box,
        )  # fmt: skip

    def _folders_page(self) -> QWidget:
        title = common.heading(tr("Folders ScamGuard watches"))
        intro = common.label(
            tr(
                "ScamGuard looks in these folders for remote-access programs being downloaded "
                "or installed. These are always watched:"
            )
        )
        self.default_folders_label = common.label(accessible=tr("Folders always watched"))
        self.default_folders_label.setStyleSheet(f"QLabel {{ color: {style.QUIET_INK}; }}")
        extra_title = common.label(tr("Also watched, because you added them:"), bold=True)
        self.folder_list = QListWidget()
        self.folder_list.setFont(style.font(style.BODY_PT))
        self.folder_list.setMinimumHeight(150)
        style.name(
            self.folder_list,
            tr("Folders you added"),
            tr("Extra folders ScamGuard watches. Choose one and press Remove to stop watching it."),
        )
        self.folder_list.itemSelectionChanged.connect(self._folder_selection)
        self.no_folders_label = common.label(tr("None yet."))
        self.add_folder_button = common.button(
            tr("Add a folder…"), tr("Choose another folder for ScamGuard to watch")
        )
        self.add_folder_button.clicked.connect(self.add_folder)
        self.remove_folder_button = common.button(
            tr("Remove"), tr("Stop watching the chosen folder"), tr("Remove folder")
        )
        self.remove_folder_button.clicked.connect(self.remove_folder)
        self.folder_status = common.label(accessible=tr("Folder change"))
        applies = common.label(
            tr(
                "Changes are saved at once. ScamGuard starts watching a new folder straight "
                "away, or once no remote-control program is waiting for you or allowed to run."
            ),
            style.NOTE_PT,
        )
        return _page(
            title, intro, self.default_folders_label, extra_title, self.folder_list,
            self.no_folders_label,
            _row(self.add_folder_button, self.remove_folder_button),
            self.folder_status, applies,
        )  # fmt: skip

    def _trusted_page(self) -> QWidget:
        title = common.heading(tr("Trusted programs"))
        intro = common.label(
            tr(
                "ScamGuard never freezes a trusted program. It still notes in the history "
                "when one starts."
            )
        )
        self.trusted_table = common.table(
            [tr("Program"), tr("Trusted since"), tr("Note")],
            tr("Trusted programs"),
            tr(
                "Programs ScamGuard will not freeze. Choose one and press Stop trusting to "
                "protect against it again."
            ),
        )
        self.trusted_table.setMinimumHeight(170)
        self.trusted_table.itemSelectionChanged.connect(self._trusted_selection)
        self.no_trusted_label = common.label(tr("No program is trusted."))
        self.remove_trust_button = common.button(
            tr("Stop trusting"),
            tr("ScamGuard will freeze the chosen program again whenever it runs"),
        )
        self.remove_trust_button.clicked.connect(self.remove_trust)
        self.trust_button = common.button(
            tr("Trust a program…"),
            tr(
                "Let one remote-access program run without being frozen. Read the explanation "
                "that follows first."
            ),
        )
        self.trust_button.clicked.connect(self.start_trust)
        self.trust_status = common.label(accessible=tr("Trust change"))

        # "Trust a program": its own page, the explanation first, then the choice and a wait.
        trust_title = common.heading(tr("Trust a program"))
        self.trust_explain = common.caution(trust_explanation())
        self.trust_explain.setFont(style.font(style.BODY_PT, bold=True))
        tool_label = common.label(tr("Which program?"), bold=True)
        self.tool_combo = common.combo(tr("Program to trust"), trust_explanation())
        self.tool_combo.setPlaceholderText(tr("Choose a program"))
        self.tool_combo.currentIndexChanged.connect(self._update_confirm)
        tool_label.setBuddy(self.tool_combo)
        note_label = common.label(tr("A note for later (optional): who it is for, and why"))
        self.note_edit = QLineEdit()
        self.note_edit.setFont(style.font(style.BODY_PT))
        self.note_edit.setMinimumHeight(48)
        self.note_edit.setMaxLength(200)
        self.note_edit.setPlaceholderText(tr("For example: Sam, my son, helps me with it"))
        style.name(
            self.note_edit,
            tr("Note"),
            tr("Optional. Saved with the trusted program and shown in the history."),
        )
        note_label.setBuddy(self.note_edit)
        self.countdown_label = common.label(accessible=tr("Wait before confirming"))
        self.confirm_trust_button = common.button(
            tr("Trust this program"),
            tr(
                "ScamGuard will not freeze the chosen program. Only if you set it up yourself "
                "for someone you know."
            ),
        )
        self.confirm_trust_button.setEnabled(False)
        self.confirm_trust_button.clicked.connect(self.confirm_trust)
        self.cancel_trust_button = common.button(
            tr("Cancel"), tr("Do not trust any program"), tr("Cancel trusting a program")
        )
        self.cancel_trust_button.clicked.connect(self.cancel_trust)
        self.trust_panel = _page(
            trust_title, self.trust_explain, tool_label, self.tool_combo, note_label,
            self.note_edit, self.countdown_label,
            _row(self.confirm_trust_button, self.cancel_trust_button),
        )  # fmt: skip
        self.trusted_list_page = _page(
            title, intro, self.trusted_table, self.no_trusted_label,
            _row(self.remove_trust_button, self.trust_button), self.trust_status,
        )  # fmt: skip
        self.trusted_stack = QStackedWidget()
        self.trusted_stack.addWidget(self.trusted_list_page)
        self.trusted_stack.addWidget(self.trust_panel)
        return self.trusted_stack

    def _autostart_page(self) -> QWidget:
        title = common.heading(tr("Start at login"))
        self.autostart_box = QCheckBox(tr("Start ScamGuard when I log in"))
        self.autostart_box.setFont(style.font(style.BODY_PT, bold=True))
        self.autostart_box.setStyleSheet("QCheckBox::indicator { width: 28px; height: 28px; }")
        style.name(
            self.autostart_box,
            tr("Start ScamGuard when I log in"),
            tr("Recommended. ScamGuard can only protect you while it is running."),
        )
        self.autostart_box.clicked.connect(self._autostart_clicked)
        self.autostart_why = why = common.label(_why_autostart())
        self.autostart_error = common.caution(accessible=tr("Start at login problem"))
        self.autostart_error.hide()
        self.autostart_where = common.label(
            accessible=tr("Where this is set"), points=style.NOTE_PT
        )
        self.autostart_where.setStyleSheet(f"QLabel {{ color: {style.QUIET_INK}; }}")
        return _page(title, self.autostart_box, why, self.autostart_error, self.autostart_where)

    # --- showing --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.cancel_trust()  # a half-finished trust never waits, counted down, for later
        super().hideEvent(event)

    def refresh(self) -> None:
        """Show what is saved now (another program may have changed it)."""
        current = settings.load()
        self._show_problem(current.problem)
        self._show_provider(current)
        self._show_folders(current)
        self._show_trusted(current)
        self._show_autostart()

    def _show_problem(self, problem: str) -> None:
        common.set_text(
            self.problem_label,
            tr(
                "Your saved settings could not be used, so ScamGuard is using its defaults "
                "({problem}). Changing a setting here saves new ones; the old file is kept."
            ).format(problem=problem)
            if problem
            else "",
        )

    def active_profile(self, current: settings.Settings | None = None) -> tuple[Profile, str]:
        current = current or settings.load()
        return active_profile(self.profiles, current.provider)

    def _show_provider(self, current: settings.Settings) -> None:
        try:
            profile, warning = self.active_profile(current)
        except LookupError:
            self.provider_combo.setEnabled(False)
            common.set_text(
                self.provider_note,
                tr(
                    "No provider details could be loaded. The warning will still stop the "
                    "program, but without phone numbers."
                ),
            )
            self._show_numbers(None)
            return
        self._loading = True
        try:
            self.provider_combo.setCurrentIndex(self.provider_combo.findData(profile.id))
        finally:
            self._loading = False
        installed = machine_config.provider_id()
        self.provider_combo.setEnabled(not installed)
        if installed and not warning:
            note = tr(
                "{name} set this up for you, so the warning always shows their real phone "
                "numbers. You do not need to change anything here. If you move to a different "
                "broadband company, ask them or someone you trust to change it. If someone on "
                "the phone asks you to change it, that is a scam: hang up."
            ).format(name=profile.name)
        elif warning:
            note = tr(
                "The provider you chose is not available any more; the warning uses "
                "{name} instead. Choose again to fix this."
            ).format(name=profile.name)
        elif not current.provider:
            note = tr("Not chosen yet: the warning uses the helplines for your country.")
        else:
            note = ""
        common.set_text(self.provider_note, note)
        self._show_numbers(profile)

    def _show_numbers(self, profile: Profile | None) -> None:
        while self.numbers_layout.count():
            item = self.numbers_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.stale_labels = []
        self.numbers_title.setVisible(bool(profile and profile.numbers))
        if profile is None:
            return
        today = self.today or clock.today()
        for number in profile.numbers:
            self.numbers_layout.addWidget(self._number_widget(number, today))

    def _number_widget(self, number: ContactNumber, today: dt.date) -> QWidget:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(common.label(number.label, style.BODY_PT))
        col.addWidget(
            common.label(
                number.number,
                style.SMALL_NUMBER_PT,
                bold=True,
                accessible=" ".join(number.number),  # read digit by digit
            )
        )
        details = [number.hours] if number.hours else []
        details.append(tr("checked {date}").format(date=common.long_date(number.verified)))
        col.addWidget(common.label(" · ".join(details), style.NOTE_PT))
        if number.is_stale(today):
            stale = common.caution(
                tr(
                    "Checked more than a year ago: this number may have changed. An update "
                    "of ScamGuard will check it again."
                )
            )
            stale.setFont(style.font(style.NOTE_PT))
            self.stale_labels.append(stale)
            col.addWidget(stale)
        style.name(box, tr("{label}: {number}").format(label=number.label, number=number.number))
        return box

    def _show_folders(self, current: settings.Settings) -> None:
        self.default_folders_label.setText(
            "\n".join(str(folder.path) for folder in locations.watch_folders())
        )
        self.folder_list.clear()
        for folder in current.folders:
            item = QListWidgetItem(folder)
            item.setData(Qt.ItemDataRole.UserRole, folder)
            self.folder_list.addItem(item)
        self.no_folders_label.setVisible(not current.folders)
        self.folder_list.setVisible(bool(current.folders))
        self._folder_selection()

    def _show_trusted(self, current: settings.Settings) -> None:
        self.trusted_table.setRowCount(0)
        for tool_id, info in sorted(
            current.trusted.items(), key=lambda kv: self.tool_names.get(kv[0], kv[0]).casefold()
        ):
            row = self.trusted_table.rowCount()
            self.trusted_table.insertRow(row)
            name = QTableWidgetItem(self.tool_names.get(tool_id, tool_id))
            name.setData(Qt.ItemDataRole.UserRole, tool_id)
            self.trusted_table.setItem(row, 0, name)
            self.trusted_table.setItem(row, 1, QTableWidgetItem(_added(info.get("added", ""))))
            self.trusted_table.setItem(row, 2, QTableWidgetItem(info.get("note", "")))
        self.trusted_table.setVisible(bool(current.trusted))
        self.no_trusted_label.setVisible(not current.trusted)
        self._trusted_selection()

    def _show_autostart(self) -> None:
        if self.autostart is None:
            return
        common.set_text(self.autostart_error, "")
        everyone = self.autostart.for_everyone()
        if everyone:  # the installer's: a caller cannot talk anyone out of it here
            self.autostart_box.setChecked(True)
            self.autostart_box.setEnabled(False)
            common.set_text(
                self.autostart_why,
                tr(
                    "ScamGuard always starts when anyone logs in to this computer. It was set "
                    "up this way for you, so there is nothing to change here. If someone on "
                    "the phone asks you to stop ScamGuard, that is a scam: hang up."
                ),
            )
            # Where it is set matters to support staff, not to the person: said to screen
            # readers and shown small.
            common.set_text(self.autostart_where, tr("Set for everyone in: {where}").format(
                where=everyone))  # fmt: skip
            return
        self.autostart_box.setEnabled(True)
        common.set_text(self.autostart_why, _why_autostart())
        try:
            enabled = self.autostart.is_enabled()
        except AutostartError as exc:
            enabled = False
            common.set_text(self.autostart_error, str(exc))
        self.autostart_box.setChecked(enabled)
        try:
            where = self.autostart.describe()
        except AutostartError as exc:
            where = str(exc)
        common.set_text(self.autostart_where, tr("Set in: {where}").format(where=where))

    # --- provider -------------------------------------------------------------------------

    def _provider_chosen(self, index: int) -> None:
        if self._loading or index < 0:
            return
        profile_id = self.provider_combo.itemData(index)
        profile = self.profiles.get(profile_id)
        name = profile.name if profile is not None else profile_id
        if not self._change(
            lambda report: changes.set_provider(profile_id, name, report=report),
            self.provider_note,
        ):
            return
        self._show_provider(settings.load())
        self.changed.emit("provider")

    # --- folders --------------------------------------------------------------------------

    def _folder_dialog(self) -> str:
        return QFileDialog.getExistingDirectory(
            self, tr("Choose a folder for ScamGuard to watch"), str(Path.home())
        )

    def add_folder(self) -> None:
        chosen = self.choose_folder()
        if not chosen:
            return
        folder = os.path.abspath(chosen)
        if not os.path.isdir(folder):
            common.set_text(
                self.folder_status, tr("{folder} is not a folder.").format(folder=folder)
            )
            return
        current = settings.load()
        watched = [str(f.path) for f in locations.watch_folders()] + current.folders
        if _norm(folder) in {_norm(f) for f in watched}:
            common.set_text(
                self.folder_status, tr("{folder} is already watched.").format(folder=folder)
            )
            return
        self._set_folders(
            [*current.folders, folder],
            f"ScamGuard also watches {folder}",
            tr("ScamGuard now watches {folder} as well.").format(folder=folder),
        )

    def remove_folder(self) -> None:
        items = self.folder_list.selectedItems()
        if not items:
            return
        folder = items[0].data(Qt.ItemDataRole.UserRole)
        current = settings.load()
        if folder not in current.folders:
            self.refresh()
            return
        self._set_folders(
            [f for f in current.folders if f != folder],
            f"ScamGuard no longer watches {folder}",
            tr("ScamGuard no longer watches {folder}.").format(folder=folder),
        )

    def _set_folders(self, folders: list[str], journal: str, said: str) -> None:
        """Save and journal the new folder list, then say what changed (``said``)."""
        if self._change(
            lambda report: changes.set_folders(folders, journal, report=report),
            self.folder_status,
        ):
            self._show_folders(settings.load())
            common.set_text(self.folder_status, said)
            self.changed.emit("folders")

    def _folder_selection(self) -> None:
        self.remove_folder_button.setEnabled(bool(self.folder_list.selectedItems()))

    # --- trust ----------------------------------------------------------------------------

    def start_trust(self) -> None:
        """Open the "trust a program" panel and start the wait before it can be confirmed."""
        trusted = settings.load().trusted
        self.tool_combo.clear()
        for tool in self.tools:
            if tool.id not in trusted:
                self.tool_combo.addItem(tool.name, tool.id)
        self.tool_combo.setCurrentIndex(-1)
        self.note_edit.clear()
        common.set_text(self.trust_status, "")
        self._remaining = self.trust_wait
        self.trusted_stack.setCurrentWidget(self.trust_panel)
        self._update_confirm()
        if self._remaining > 0:
            self._timer.start()
        self.tool_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel_trust(self) -> None:
        self._timer.stop()
        self._remaining = 0
        was_open = self.trusted_stack.currentWidget() is self.trust_panel
        self.trusted_stack.setCurrentWidget(self.trusted_list_page)
        self.confirm_trust_button.setEnabled(False)
        if was_open and self.isVisible():
            self.trust_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tick(self) -> None:
        self._remaining = max(0, self._remaining - 1)
        if self._remaining == 0:
            self._timer.stop()
        self._update_confirm()

    def _update_confirm(self) -> None:
        if self._remaining > 0:
            text = (
                tr("Take a moment. You can confirm in 1 second.")
                if self._remaining == 1
                else tr("Take a moment. You can confirm in {n} seconds.").format(n=self._remaining)
            )
        elif self.tool_combo.currentIndex() < 0:
            text = tr("Choose the program first.")
        else:
            text = tr("If you are sure, press “Trust this program”.")
        common.set_text(self.countdown_label, text)
        self.confirm_trust_button.setEnabled(
            self.trusted_stack.currentWidget() is self.trust_panel
            and self._remaining == 0
            and self.tool_combo.currentIndex() >= 0
        )

    def confirm_trust(self) -> None:
        if self._remaining > 0 or self.tool_combo.currentIndex() < 0:
            return  # the button is disabled; a stray call must not skip the wait
        tool_id = self.tool_combo.currentData()
        tool = next((t for t in self.tools if t.id == tool_id), None)
        if tool is None:
            return
        notes: list[str] = []
        damaged = settings.load().problem
        try:
            changes.add_trust(tool, self.note_edit.text().strip(), report=notes.append)
        except OSError as exc:
            common.set_text(
                self.trust_status,
                tr("{name} could not be trusted: the settings could not be saved ({why}).").format(
                    name=tool.name, why=exc.strerror or exc
                ),
            )
            return
        self.cancel_trust()
        self._saved(damaged)
        self._show_trusted(settings.load())
        said = tr("{name} is trusted: ScamGuard will not freeze it.").format(name=tool.name)
        common.set_text(self.trust_status, " ".join([said, *_other(notes, damaged)]))
        self.changed.emit("trusted")

    def remove_trust(self) -> None:
        rows = self.trusted_table.selectionModel().selectedRows()
        if not rows:
            return
        tool_id = self.trusted_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        name = self.tool_names.get(tool_id, tool_id)
        notes: list[str] = []
        damaged = settings.load().problem
        try:
            removed = changes.remove_trust(tool_id, name=name, report=notes.append)
        except OSError as exc:
            common.set_text(
                self.trust_status,
                tr("The settings could not be saved ({why}).").format(why=exc.strerror or exc),
            )
            return
        self._show_trusted(settings.load())
        if removed:
            self._saved(damaged)
            said = tr("{name} is no longer trusted: ScamGuard will freeze it if it runs.").format(
                name=name
            )
            common.set_text(self.trust_status, " ".join([said, *_other(notes, damaged)]))
            self.changed.emit("trusted")
        self.remove_trust_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _trusted_selection(self) -> None:
        self.remove_trust_button.setEnabled(
            bool(self.trusted_table.selectionModel().selectedRows())
        )

    # --- start at login -------------------------------------------------------------------

    def _autostart_clicked(self, checked: bool) -> None:
        if self.autostart is None:
            return
        common.set_text(self.autostart_error, "")
        try:
            if checked:
                self.autostart.enable(login_command())
            else:
                self.autostart.disable()
            now = self.autostart.is_enabled()
        except AutostartError as exc:
            common.set_text(self.autostart_error, str(exc))
            self.autostart_box.setChecked(not checked)
            return
        self.autostart_box.setChecked(now)
        changes.journal(
            "settings",
            "ScamGuard will start at login" if now else "ScamGuard will no longer start at login",
            lambda line: common.set_text(self.autostart_error, line),
            setting="start_at_login",
            value=now,
            previous=not checked,
        )
        if now != checked:
            common.set_text(
                self.autostart_error,
                tr("This did not take effect: {where}").format(where=self.autostart.describe()),
            )
        self.changed.emit("autostart")

    # --- saving ---------------------------------------------------------------------------

    def _change(self, action: Callable[[Callable[[str], None]], object], where: QLabel) -> bool:
        """Carry out a journalled change (guard.state.changes); on failure say why in ``where``
        (the settings on disk stay as they were). Other notes it reports go there too."""
        notes: list[str] = []
        damaged = settings.load().problem
        try:
            action(notes.append)
        except OSError as exc:
            common.set_text(
                where,
                tr("The settings could not be saved ({why}).").format(why=exc.strerror or exc),
            )
            return False
        self._saved(damaged)
        common.set_text(where, " ".join(_other(notes, damaged)))
        return True

    def _saved(self, damaged: str) -> None:
        """After a save: if the file had been damaged, say (once) that it was set aside."""
        common.set_text(
            self.problem_label,
            tr("The damaged settings file was kept beside the new one, and your change was saved.")
            if damaged
            else "",
        )


def _added(stamp: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return stamp
    return common.long_date(moment.date())


def _other(notes: list[str], damaged: str) -> list[str]:
    """What guard.state.changes reported, less the damaged-file line atop the window."""
    return [n for n in notes if n != damaged]


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))
