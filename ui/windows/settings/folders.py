"""The settings window's "Watched folders" tab: the folders always watched, and the ones the
person added. What may be added or removed, and what is saved, is :mod:`guard.state.folders`;
this tab asks for the folder and says the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QListWidget, QListWidgetItem, QScrollArea

from guard.state import changes, settings
from guard.state import folders as policy
from ui import style, widgets
from ui.i18n import tr
from ui.windows.settings.saving import Saving, fill, row


class FoldersTab(QScrollArea):
    """``add_folder_button`` asks ``choose_folder`` (replace it with a callable returning a
    path, or "" for cancel); ``folder_list``/``remove_folder_button`` stop watching one.
    Each change is saved, then ``changed("folders")``; ``outdated`` asks the window to
    show what is saved now, when the list on screen turns out to be out of date."""

    changed = Signal(str)
    outdated = Signal()

    def __init__(self, saving: Saving):
        super().__init__()
        self.saving = saving
        self.choose_folder: Callable[[], str] = self._folder_dialog
        title = widgets.heading(tr("Folders ScamGuard watches"))
        intro = widgets.label(
            tr(
                "ScamGuard looks in these folders for remote-access programs being downloaded "
                "or installed. These are always watched:"
            )
        )
        self.default_folders_label = widgets.label(accessible=tr("Folders always watched"))
        self.default_folders_label.setStyleSheet(f"QLabel {{ color: {style.QUIET_INK}; }}")
        extra_title = widgets.label(tr("Also watched, because you added them:"), bold=True)
        self.folder_list = QListWidget()
        self.folder_list.setFont(style.font(style.BODY_PT))
        self.folder_list.setMinimumHeight(150)
        style.name(
            self.folder_list,
            tr("Folders you added"),
            tr("Extra folders ScamGuard watches. Choose one and press Remove to stop watching it."),
        )
        self.folder_list.itemSelectionChanged.connect(self._folder_selection)
        self.no_folders_label = widgets.label(tr("None yet."))
        self.add_folder_button = widgets.button(
            tr("Add a folder…"), tr("Choose another folder for ScamGuard to watch")
        )
        self.add_folder_button.clicked.connect(self.add_folder)
        self.remove_folder_button = widgets.button(
            tr("Remove"), tr("Stop watching the chosen folder"), tr("Remove folder")
        )
        self.remove_folder_button.clicked.connect(self.remove_folder)
        self.folder_status = widgets.label(accessible=tr("Folder change"))
        applies = widgets.label(
            tr(
                "Changes are saved at once. ScamGuard starts watching a new folder straight "
                "away, or once no remote-control program is waiting for you or allowed to run."
            ),
            style.NOTE_PT,
        )
        fill(
            self, title, intro, self.default_folders_label, extra_title, self.folder_list,
            self.no_folders_label,
            row(self.add_folder_button, self.remove_folder_button),
            self.folder_status, applies,
        )  # fmt: skip

    def show_saved(self, current: settings.Settings) -> None:
        self.default_folders_label.setText("\n".join(policy.always_watched()))
        self.folder_list.clear()
        for folder in current.folders:
            item = QListWidgetItem(folder)
            item.setData(Qt.ItemDataRole.UserRole, folder)
            self.folder_list.addItem(item)
        self.no_folders_label.setVisible(not current.folders)
        self.folder_list.setVisible(bool(current.folders))
        self._folder_selection()

    def _folder_dialog(self) -> str:
        return QFileDialog.getExistingDirectory(
            self, tr("Choose a folder for ScamGuard to watch"), str(Path.home())
        )

    def add_folder(self) -> None:
        chosen = self.choose_folder()
        if not chosen:
            return
        decision = policy.add(chosen, settings.load().folders, policy.always_watched())
        if isinstance(decision, policy.Refusal):
            refused = (
                tr("{folder} is not a folder.")
                if decision.reason == policy.NOT_A_FOLDER
                else tr("{folder} is already watched.")
            )
            widgets.set_text(self.folder_status, refused.format(folder=decision.folder))
            return
        self._save(
            decision,
            tr("ScamGuard now watches {folder} as well.").format(folder=decision.folder),
        )

    def remove_folder(self) -> None:
        items = self.folder_list.selectedItems()
        if not items:
            return
        folder = items[0].data(Qt.ItemDataRole.UserRole)
        decision = policy.remove(folder, settings.load().folders)
        if decision is None:
            self.outdated.emit()
            return
        self._save(decision, tr("ScamGuard no longer watches {folder}.").format(folder=folder))

    def _save(self, change: policy.FolderChange, said: str) -> None:
        """Save and journal the new folder list, then say what changed (``said``)."""
        if self.saving.change(
            lambda report: changes.set_folders(list(change.folders), change.journal, report=report),
            self.folder_status,
        ):
            self.show_saved(settings.load())
            widgets.set_text(self.folder_status, said)
            self.changed.emit("folders")

    def _folder_selection(self) -> None:
        self.remove_folder_button.setEnabled(bool(self.folder_list.selectedItems()))
