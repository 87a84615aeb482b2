"""The history window: the journal as a person reads it.

One row per incident (when, which program, what happened, in plain words), newest first;
the selected row's step-by-step timeline underneath. Changes to permanent trust are shown
too, since someone checking on a parent's computer will want to see them. A missing journal
says "No history yet"; a damaged one says so in one line: never a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QTableWidgetItem, QVBoxLayout, QWidget

from guard.engine.allowing import MAX_ALLOW_SECONDS
from guard.history import build
from guard.state import journal
from guard.state.events import EventKind
from guard.state.paths import journal_path
from ui import style, widgets
from ui.i18n import tr
from ui.windows import common

JOURNAL_LIMIT = 2000
USUAL_SIZE = (1100, 720)  # logical px at the usual text size; smaller screens get less
# Entries without an incident worth a row of their own: trust and settings changes (a
# caller may have dictated them, so whoever helps afterwards must be able to see them).
NOTICE_KINDS = frozenset({EventKind.TRUSTED, EventKind.SETTINGS})


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return tr("for 1 hour") if hours == 1 else tr("for {n} hours").format(n=hours)
    if minutes == 1:
        return tr("for 1 minute")
    return tr("for {n} minutes").format(n=max(minutes, 1))


def allowed_how(event: dict[str, Any]) -> str:
    """How long an "allowed" event allowed the tool for, in words."""
    scope = event.get("scope")
    if scope == "trusted":
        return tr("because it is trusted in settings")
    if scope == "until-closed":
        return tr("until it closed")
    try:
        start = dt.datetime.fromisoformat(event["time"])
        end = dt.datetime.fromisoformat(str(event["expires"]))
    except (KeyError, TypeError, ValueError):
        return ""
    seconds = (end - start).total_seconds()
    return _duration(seconds) if 0 < seconds <= MAX_ALLOW_SECONDS + 60 else ""


def outcome(entry: dict[str, Any]) -> str:
    """What happened, in a few plain words ("Frozen, then removed", "Allowed for 1 hour",
    "Closed by itself"). ``entry`` is an incident from ``guard.history.build``."""
    events = entry["events"]
    kinds = [e["event"] for e in events]
    if entry.get("notice") and events[-1]["event"] == EventKind.SETTINGS:
        return tr("Settings changed: {what}").format(what=events[-1]["message"])
    if entry.get("notice"):
        if events[-1].get("action") == "remove":
            return tr("No longer trusted: it will be frozen if it runs")
        note = events[-1].get("note") or ""
        said = tr("Trusted in settings: it will not be frozen")
        return tr("{said} (note: {note})").format(said=said, note=note) if note else said
    frozen = EventKind.FROZEN in kinds
    allowed = [e for e in events if e["event"] == EventKind.ALLOWED]
    state = entry["state"]
    if state == "blocked":
        text = tr("Frozen, then removed") if frozen else tr("Removed")
    elif state == "allowed":
        how = allowed_how(allowed[-1]) if allowed else ""
        text = (tr("Allowed {how}").format(how=how) if how else tr("Allowed")).strip()
    elif state == "frozen":
        text = tr("Frozen")
    elif state == "ended":
        if allowed:
            how = allowed_how(allowed[-1])
            text = (
                tr("Allowed {how}, then closed").format(how=how)
                if how
                else tr("Allowed, then closed")
            )
        elif frozen:
            text = tr("Frozen, then closed")
        elif EventKind.DETECTED not in kinds and EventKind.INSTALLER in kinds:
            text = tr("Installer found, then deleted or moved away")
        else:
            text = tr("Closed by itself")
    elif EventKind.ERROR in kinds:
        text = tr("Seen, but it could not be frozen")
    elif EventKind.DETECTED not in kinds and EventKind.INSTALLER in kinds:
        text = tr("Installer found")
    else:
        text = tr("Seen, not frozen")
    if EventKind.RESTORED in kinds:
        text = tr("{text}; the installer was put back").format(text=text)
    return text


def entries_from(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Incidents and trust changes from journal rows, newest first."""
    result = build(rows)
    entries = list(result["incidents"])
    for event in result["other"]:
        if event["event"] in NOTICE_KINDS:
            entries.append(
                {
                    "incident": None,
                    "notice": True,
                    "tool": event["tool"],
                    "name": event["name"] or "ScamGuard",
                    "state": event["event"],
                    "opened": event["time"],
                    "last": event["time"],
                    "events": [event],
                }
            )
    entries.sort(key=lambda e: e["opened"], reverse=True)
    return entries


class HistoryWindow(QWidget):
    """What ScamGuard caught and what was done about it.

    Drive it with :meth:`refresh` (also run on every show); ``table`` has one row per entry
    of ``entries`` (newest first), selecting a row fills ``timeline``; ``status`` is the one
    line shown instead when there is nothing to show or the journal cannot be read.
    """

    def __init__(self, journal_file: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal_file = journal_file
        self.entries: list[dict[str, Any]] = []
        self.setWindowTitle(tr("ScamGuard: history"))
        self.setFont(style.font(style.BODY_PT))

        self.title = widgets.heading(tr("What ScamGuard has caught"))
        self.intro = widgets.label(
            tr(
                "Each line is one remote-access program ScamGuard noticed, newest first. "
                "Choose a line to see what happened, step by step."
            )
        )
        self.refresh_button = widgets.button(
            tr("Refresh"), tr("Read the history again, to show anything new")
        )
        self.refresh_button.clicked.connect(self.refresh)

        self.status = widgets.label(accessible=tr("History status"))
        self.status.hide()

        self.table = widgets.table(
            [tr("When"), tr("Program"), tr("What happened")],
            tr("History"),
            tr(
                "One line for each program ScamGuard caught, newest first. Use the arrow keys "
                "to choose one; its steps are shown below."
            ),
        )
        self.table.itemSelectionChanged.connect(self._show_selected)

        self.timeline_title = widgets.label(tr("Choose a line above to see its steps."), bold=True)
        self.timeline = widgets.table(
            [tr("Time"), tr("What happened")],
            tr("Steps"),
            tr("What happened to the chosen program, step by step, oldest first"),
        )

        self.pack_button = widgets.button(
            tr("Recovery pack…"),
            tr(
                "Save a one-page pack about the chosen line, to print or show your bank: what "
                "happened, and what to do now"
            ),
        )
        self.pack_button.clicked.connect(self.save_pack)
        self.pack_button.setEnabled(False)  # until a line is chosen
        self.pack_status = widgets.label(accessible=tr("Recovery pack status"))
        self.pack_status.hide()

        self.close_button = widgets.button(tr("Close"), tr("Close the history window"))
        self.close_button.clicked.connect(self.close)
        common.close_on_escape(self)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom = QHBoxLayout()
        bottom.addWidget(self.pack_status, 1)
        bottom.addStretch(1)  # the buttons keep their size when there is nothing to say
        bottom.addWidget(self.pack_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.timeline_title)
        layout.addWidget(self.timeline, 2)
        self.filler = QWidget()  # takes the room the tables would, when there are none
        layout.addWidget(self.filler, 1)
        layout.addLayout(bottom)

        self.setTabOrder(self.refresh_button, self.table)
        self.setTabOrder(self.table, self.timeline)
        self.setTabOrder(self.timeline, self.pack_button)
        self.setTabOrder(self.pack_button, self.close_button)
        self.fit_to()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        if not event.spontaneous():  # opened (not restored): fit the screen it is on
            self.fit_to()
        super().showEvent(event)

    def fit_to(self, area: QRect | None = None) -> None:
        """Its usual size (grown with larger text), never larger than ``area`` (the
        available part of the screen it opens on); what does not fit scrolls."""
        common.fit_to_screen(self, common.scaled(*USUAL_SIZE), area)

    def refresh(self) -> None:
        """Read the journal again, keeping the selected entry selected if it is still there."""
        keep = self.selected()
        path = self.journal_file or journal_path()
        try:
            self.entries = entries_from(journal.read(path, limit=JOURNAL_LIMIT))
            problem = ""
        except journal.JournalError as exc:
            self.entries, problem = [], str(exc)
        except Exception as exc:  # whatever the disk says, a line, never a traceback
            self.entries, problem = [], tr("The history could not be read ({why}).").format(why=exc)
        if problem:
            widgets.set_text(self.status, problem)
        elif not self.entries:
            widgets.set_text(
                self.status,
                tr("No history yet: ScamGuard has not caught any remote-access program."),
            )
        else:
            widgets.set_text(self.status, "")
        self._fill(keep)

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.entries):
            return None
        return self.entries[rows[0].row()]

    def _fill(self, keep: dict[str, Any] | None) -> None:
        showing = bool(self.entries)
        for widget in (self.intro, self.table, self.timeline_title, self.timeline):
            widget.setVisible(showing)
        self.filler.setVisible(not showing)
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.entries))
        again = None
        for row, entry in enumerate(self.entries):
            texts = [common.when(entry["opened"]), entry["name"] or entry["tool"] or "?"]
            texts.append(outcome(entry))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            if keep is not None and _key(entry) == _key(keep):
                again = row
        self.table.blockSignals(False)
        if again is not None:
            self.table.selectRow(again)
        self._show_selected()

    def save_pack(self) -> None:
        """The chosen incident's recovery pack: where to save it, then a line saying where
        it went (or why it did not)."""
        entry = self.selected()
        if entry is None or not entry.get("incident"):
            return
        from ui.report_pdf import save_pack  # noqa: PLC0415 - the PDF writer loads on use

        _saved, message = save_pack(self, entry["incident"], self.journal_file)
        widgets.set_text(self.pack_status, message)

    def _show_selected(self) -> None:
        entry = self.selected()
        self.pack_button.setEnabled(bool(entry and entry.get("incident")))
        if entry is None:
            self.timeline.setRowCount(0)
            self.timeline_title.setText(tr("Choose a line above to see its steps."))
            return
        self.timeline_title.setText(
            tr("{program}, {when}: step by step").format(
                program=entry["name"] or entry["tool"] or "?", when=common.when(entry["opened"])
            )
        )
        self.timeline.setRowCount(len(entry["events"]))
        for row, event in enumerate(entry["events"]):
            self.timeline.setItem(row, 0, QTableWidgetItem(common.clock_time(event["time"])))
            message = QTableWidgetItem(event["message"])
            message.setToolTip(event["message"])
            self.timeline.setItem(row, 1, message)


def _key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (entry["incident"], entry["opened"], entry["tool"])
