"""The settings window's "Trusted programs" tab: the programs ScamGuard never freezes.

Permanent trust is the one dangerous setting: it is explained first in plain words ("if
anyone on the phone asks you to do this, it is a scam"), can only be confirmed after a
visible wait, and goes through :mod:`guard.state.changes`, so it is journalled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QStackedWidget, QTableWidgetItem

from guard.sigdb.model import ToolSignature
from guard.state import changes, paths, settings
from ui import style, widgets
from ui.i18n import tr
from ui.windows import common
from ui.windows.settings.saving import Saving, other, page, row

# A request to the guard service (``RemoteGuard.request``): kind, fields -> its answer.
Ask = Callable[..., dict[str, Any]]


def trust_explanation() -> str:
    """Said before anything else when someone starts to trust a program."""
    return tr(
        "Only for a program you set up yourself for someone you know, like a family member "
        "who helps you. If anyone on the phone asks you to do this, it is a scam: hang up."
    )


class TrustedTab(QStackedWidget):
    """The list of trusted programs, or the "trust a program" panel in its place.

    ``trusted_table``/``remove_trust_button`` stop trusting one; ``trust_button`` opens
    ``trust_panel``: ``tool_combo`` (item data = tool id), ``note_edit``,
    ``confirm_trust_button`` (enabled ``trust_wait`` seconds after the panel opens). Each
    change is saved, then ``changed("trusted")``.
    """

    changed = Signal(str)

    def __init__(
        self,
        tools: Sequence[ToolSignature],
        saving: Saving,
        trust_wait: int = 30,
        service: Ask | None = None,
    ):
        super().__init__()
        # With the guard service, the list is the service's (the machine's, every account's)
        # and changing it is a request to the service, which only an administrator's is granted.
        self.service = service
        self.tools = sorted(tools, key=lambda t: (t.name.casefold(), t.id))
        self.tool_names = {t.id: t.name for t in self.tools}
        self.trust_wait = max(0, int(trust_wait))
        self.saving = saving
        self._remaining = 0
        title = widgets.heading(tr("Trusted programs"))
        intro = widgets.label(
            tr(
                "ScamGuard never freezes a trusted program. It still notes in the history "
                "when one starts."
            )
        )
        self.trusted_table = widgets.table(
            [tr("Program"), tr("Trusted since"), tr("Note")],
            tr("Trusted programs"),
            tr(
                "Programs ScamGuard will not freeze. Choose one and press Stop trusting to "
                "protect against it again."
            ),
        )
        if service is not None:
            intro = widgets.label(
                tr(
                    "ScamGuard never freezes a trusted program. It still notes in the history "
                    "when one starts. On this computer the list is kept for every account, and "
                    "only an administrator can change it (for example, in a terminal: sudo "
                    "scamguard trust add teamviewer)."
                )
            )
        self.intro_label = intro
        self.trusted_table.setMinimumHeight(170)
        self.trusted_table.itemSelectionChanged.connect(self._trusted_selection)
        self.no_trusted_label = widgets.label(tr("No program is trusted."))
        self.remove_trust_button = widgets.button(
            tr("Stop trusting"),
            tr("ScamGuard will freeze the chosen program again whenever it runs"),
        )
        self.remove_trust_button.clicked.connect(self.remove_trust)
        self.trust_button = widgets.button(
            tr("Trust a program…"),
            tr(
                "Let one remote-access program run without being frozen. Read the explanation "
                "that follows first."
            ),
        )
        self.trust_button.clicked.connect(self.start_trust)
        self.trust_status = widgets.label(accessible=tr("Trust change"))

        # "Trust a program": its own page, the explanation first, then the choice and a wait.
        trust_title = widgets.heading(tr("Trust a program"))
        self.trust_explain = widgets.caution(trust_explanation())
        self.trust_explain.setFont(style.font(style.BODY_PT, bold=True))
        tool_label = widgets.label(tr("Which program?"), bold=True)
        self.tool_combo = widgets.combo(tr("Program to trust"), trust_explanation())
        self.tool_combo.setPlaceholderText(tr("Choose a program"))
        self.tool_combo.currentIndexChanged.connect(self._update_confirm)
        tool_label.setBuddy(self.tool_combo)
        note_label = widgets.label(tr("A note for later (optional): who it is for, and why"))
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
        self.countdown_label = widgets.label(accessible=tr("Wait before confirming"))
        self.confirm_trust_button = widgets.button(
            tr("Trust this program"),
            tr(
                "ScamGuard will not freeze the chosen program. Only if you set it up yourself "
                "for someone you know."
            ),
        )
        self.confirm_trust_button.setEnabled(False)
        self.confirm_trust_button.clicked.connect(self.confirm_trust)
        self.cancel_trust_button = widgets.button(
            tr("Cancel"), tr("Do not trust any program"), tr("Cancel trusting a program")
        )
        self.cancel_trust_button.clicked.connect(self.cancel_trust)
        self.trust_panel = page(
            trust_title, self.trust_explain, tool_label, self.tool_combo, note_label,
            self.note_edit, self.countdown_label,
            row(self.confirm_trust_button, self.cancel_trust_button),
        )  # fmt: skip
        self.trusted_list_page = page(
            title, self.intro_label, self.trusted_table, self.no_trusted_label,
            row(self.remove_trust_button, self.trust_button), self.trust_status,
        )  # fmt: skip
        self.addWidget(self.trusted_list_page)
        self.addWidget(self.trust_panel)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def saved_list(self) -> settings.Settings:
        """The trusted programs that count here: the service's, or the person's own."""
        if self.service is not None:
            return settings.load(paths.service_settings_path())
        return settings.load()

    def show_saved(self, current: settings.Settings) -> None:
        """Show the trusted programs saved now."""
        self.trusted_table.setRowCount(0)
        for tool_id, info in sorted(
            current.trusted.items(), key=lambda kv: self.tool_names.get(kv[0], kv[0]).casefold()
        ):
            at = self.trusted_table.rowCount()
            self.trusted_table.insertRow(at)
            name = QTableWidgetItem(self.tool_names.get(tool_id, tool_id))
            name.setData(Qt.ItemDataRole.UserRole, tool_id)
            self.trusted_table.setItem(at, 0, name)
            self.trusted_table.setItem(at, 1, QTableWidgetItem(_added(info.get("added", ""))))
            self.trusted_table.setItem(at, 2, QTableWidgetItem(info.get("note", "")))
        self.trusted_table.setVisible(bool(current.trusted))
        self.no_trusted_label.setVisible(not current.trusted)
        self._trusted_selection()

    # --- trust ----------------------------------------------------------------------------

    def start_trust(self) -> None:
        """Open the "trust a program" panel and start the wait before it can be confirmed."""
        trusted = self.saved_list().trusted
        self.tool_combo.clear()
        for tool in self.tools:
            if tool.id not in trusted:
                self.tool_combo.addItem(tool.name, tool.id)
        self.tool_combo.setCurrentIndex(-1)
        self.note_edit.clear()
        widgets.set_text(self.trust_status, "")
        self._remaining = self.trust_wait
        self.setCurrentWidget(self.trust_panel)
        self._update_confirm()
        if self._remaining > 0:
            self._timer.start()
        self.tool_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel_trust(self) -> None:
        self._timer.stop()
        self._remaining = 0
        was_open = self.currentWidget() is self.trust_panel
        self.setCurrentWidget(self.trusted_list_page)
        self.confirm_trust_button.setEnabled(False)
        if was_open and self.window().isVisible():
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
        widgets.set_text(self.countdown_label, text)
        self.confirm_trust_button.setEnabled(
            self.currentWidget() is self.trust_panel
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
        if self.service is not None:
            answer = self.service("trust", tool=tool.id, action="add", note=self.note_edit.text())
            self._answered(answer, tr("{name} is trusted: ScamGuard will not freeze it.").format(
                name=tool.name))  # fmt: skip
            return
        notes: list[str] = []
        damaged = settings.load().problem
        try:
            changes.add_trust(tool, self.note_edit.text().strip(), report=notes.append)
        except OSError as exc:
            widgets.set_text(
                self.trust_status,
                tr("{name} could not be trusted: the settings could not be saved ({why}).").format(
                    name=tool.name, why=exc.strerror or exc
                ),
            )
            return
        self.cancel_trust()
        self.saving.saved(damaged)
        self.show_saved(settings.load())
        said = tr("{name} is trusted: ScamGuard will not freeze it.").format(name=tool.name)
        widgets.set_text(self.trust_status, " ".join([said, *other(notes, damaged)]))
        self.changed.emit("trusted")

    def remove_trust(self) -> None:
        rows = self.trusted_table.selectionModel().selectedRows()
        if not rows:
            return
        cell = self.trusted_table.item(rows[0].row(), 0)
        if cell is None:
            return
        tool_id = cell.data(Qt.ItemDataRole.UserRole)
        name = self.tool_names.get(tool_id, tool_id)
        if self.service is not None:
            answer = self.service("trust", tool=tool_id, action="remove")
            self._answered(answer, tr(
                "{name} is no longer trusted: ScamGuard will freeze it if it runs.").format(
                name=name))  # fmt: skip
            return
        notes: list[str] = []
        damaged = settings.load().problem
        try:
            removed = changes.remove_trust(tool_id, name=name, report=notes.append)
        except OSError as exc:
            widgets.set_text(
                self.trust_status,
                tr("The settings could not be saved ({why}).").format(why=exc.strerror or exc),
            )
            return
        self.show_saved(settings.load())
        if removed:
            self.saving.saved(damaged)
            said = tr("{name} is no longer trusted: ScamGuard will freeze it if it runs.").format(
                name=name
            )
            widgets.set_text(self.trust_status, " ".join([said, *other(notes, damaged)]))
            self.changed.emit("trusted")
        self.remove_trust_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _answered(self, answer: dict[str, Any], done: str) -> None:
        """The service's answer to a trust change, said beside the buttons."""
        if answer.get("ok"):
            self.cancel_trust()
            self.show_saved(self.saved_list())
            widgets.set_text(self.trust_status, done)
            self.changed.emit("trusted")
            return
        self.cancel_trust()  # back to the list, where the answer is said
        widgets.set_text(
            self.trust_status,
            tr("Nothing was changed: {why}").format(why=answer.get("message", "")),
        )

    def _trusted_selection(self) -> None:
        self.remove_trust_button.setEnabled(
            bool(self.trusted_table.selectionModel().selectedRows())
        )


def _added(stamp: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return stamp
    return common.long_date(moment.date())
