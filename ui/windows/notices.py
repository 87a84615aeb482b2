"""Small windows that tell the person something without stopping anything.

``TrustedNotice``: a trusted program has just started. Trust is permanent and set in
settings, which is exactly what a patient caller may have talked someone into earlier, so
each time it runs the person sees it once, with a way out.

``StoppedAgainNotice``: a tool the person removed was started or downloaded again and
ScamGuard stopped it at once. Its incident is settled, so no full-screen warning; but never
in silence either, because "install it again" is exactly what the caller says next.

``NumbersWindow``: who to call, from the tray, whenever the person wants it (after the
warning has gone, say, when they are ready to ring).
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QVBoxLayout, QWidget

from guard.engine.incidents import IncidentView
from guard.providers.model import Profile
from guard.state.events import EventKind, GuardEvent
from ui import card, style
from ui.i18n import tr
from ui.warning.parts import BrandBand, NumbersPanel, plain_style, safe_style, scrolling
from ui.warning.text import Caught, build, running
from ui.widgets import WrappingRow, button, label
from ui.windows import common

NOTICE_WIDTH = 760


def fit(window: QWidget, width: int = NOTICE_WIDTH) -> None:
    """Wide enough for its buttons (``width``, grown with larger text, never wider than the
    screen: the buttons go one under another instead) and tall enough for every wrapped
    line. (A fixed minimum width alone stops the layout from sizing the window, which cut
    the words off.)"""
    layout = window.layout()
    if layout is None:  # nothing laid out in it: nothing to fit
        return
    layout.activate()
    room = common.screen_area(window).width() - 2 * common.FRAME_RESERVE.left()
    wide = min(max(round(width * style.scale()), layout.minimumSize().width()), room)
    tall = max(layout.totalHeightForWidth(wide), layout.minimumSize().height())
    window.setMinimumSize(wide, tall)
    window.resize(wide, tall)


class TrustedNotice(QWidget):
    """ "AnyDesk is running: you trusted it" with "Remove it and stop trusting it"."""

    remove_requested = Signal(str, str)  # incident id, tool id

    def __init__(
        self, provider: Profile, incident: str, tool_id: str, tool_name: str, started: bool
    ):
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(tr("ScamGuard: a trusted program started"))
        self.setObjectName("notice")
        self.setStyleSheet(
            f"#notice {{ background: {style.PAPER}; }} QLabel {{ color: {style.INK}; }}"
        )
        col = QVBoxLayout(self)
        col.setContentsMargins(32, 28, 32, 28)
        col.setSpacing(14)
        said = (
            tr("{name} has started. It was left running because it is trusted in settings.")
            if started
            else tr("{name} was downloaded. It was left alone because it is trusted in settings.")
        ).format(name=tool_name)
        col.addWidget(label(said, style.LEAD_PT, bold=True))
        col.addWidget(
            label(
                tr(
                    "If someone on the phone asked you to trust it, or is asking you to use it "
                    "now, that is a scam: hang up and remove it."
                ),
                style.BODY_PT,
            )
        )
        self.remove_button = button(
            tr("Remove it and stop trusting it"),
            tr("Closes {name} and removes it from the trusted programs.").format(name=tool_name),
            bold=True,
            styled=True,
        )
        self.remove_button.setStyleSheet(safe_style(provider))
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(incident, tool_id))
        self.remove_button.clicked.connect(self.close)
        self.fine_button = button(
            tr("I set it up myself"), tr("Closes this message. It keeps running."), styled=True
        )
        self.fine_button.setStyleSheet(plain_style())
        self.fine_button.clicked.connect(self.close)
        col.addWidget(WrappingRow([self.remove_button, self.fine_button], spread=True))
        fit(self)

    def fit_to(self) -> None:
        """Refit to its words (after the text size changed: ``ui.style.apply_app_font``)."""
        self.setMinimumSize(0, 0)
        fit(self)


class StoppedAgainNotice(QWidget):
    """ "AnyDesk tried to start again and was stopped", in the provider's name, with what it
    means (a caller asking you to install it again is the scam) and "Who to call".

    One per incident: another relaunch while it is up updates the count here rather than
    stacking windows. Closing it changes nothing; the tool stays removed.
    """

    numbers_requested = Signal()

    def __init__(self, provider: Profile, tool_name: str):
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tool_name = tool_name
        self.counts = {"process": 0, "installer": 0}
        self.still_running = False
        self.setWindowTitle(tr("ScamGuard: {name} was stopped again").format(name=tool_name))
        self.setObjectName("againnotice")
        self.setStyleSheet(
            f"#againnotice {{ background: {style.PAPER}; }} QLabel {{ color: {style.INK}; }}"
        )
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 24)
        col.setSpacing(14)
        band = BrandBand(provider, tr("Stopped again"))
        band.arrange(narrow=True, short=True)  # the provider's name under it, at notice size
        col.addWidget(band)
        inner = QVBoxLayout()
        inner.setContentsMargins(48, 8, 48, 0)  # in line with the band's words
        inner.setSpacing(14)
        self.said = label("", style.LEAD_PT, bold=True)
        inner.addWidget(self.said)
        self.reminder = label(
            tr(
                "If someone on the phone is asking you to install it again, that is the scam. "
                "Hang up. Removing it was the right thing to do."
            ),
            style.BODY_PT,
        )
        inner.addWidget(self.reminder)
        self.numbers_button = button(
            tr("Who to call"),
            tr("Shows the real numbers to call, from a different phone."),
            bold=True,
            styled=True,
        )
        self.numbers_button.setStyleSheet(safe_style(provider))
        self.numbers_button.clicked.connect(self.numbers_requested)
        self.close_button = button(
            tr("Close"),
            tr("Closes this message. {name} stays removed.").format(name=tool_name),
            styled=True,
        )
        self.close_button.setStyleSheet(plain_style())
        self.close_button.clicked.connect(self.close)
        inner.addWidget(WrappingRow([self.numbers_button, self.close_button], spread=True))
        col.addLayout(inner)
        fit(self)

    def fit_to(self) -> None:
        """Refit to its words (after the text size changed: ``ui.style.apply_app_font``)."""
        self.setMinimumSize(0, 0)
        fit(self)

    def add(self, what: str, still_running: bool) -> None:
        """One more relaunch (``process``) or download (``installer``), already stopped."""
        what = what if what in self.counts else "process"
        self.counts[what] += 1
        self.still_running = still_running
        self.said.setText(self.text())
        self.said.setAccessibleName(self.said.text())
        fit(self)  # a count or a line more: taller, never cut off

    def text(self) -> str:
        name = self.tool_name
        lines = []
        started, downloaded = self.counts["process"], self.counts["installer"]
        if started == 1:
            lines.append(tr("{name} tried to start again and was stopped.").format(name=name))
        elif started > 1:
            lines.append(
                tr("{name} tried to start again {count} times and was stopped each time.").format(
                    name=name, count=started
                )
            )
        if downloaded == 1:
            lines.append(tr("{name} was downloaded again and moved away.").format(name=name))
        elif downloaded > 1:
            lines.append(
                tr("{name} was downloaded again {count} times and moved away each time.").format(
                    name=name, count=downloaded
                )
            )
        if self.still_running:  # never "stopped" alone while part of it runs
            lines.append(
                tr(
                    "But ScamGuard could not stop all of it: part of it is still running. Turn "
                    "off the internet, then get help from someone you trust."
                )
            )
        return "\n".join(lines)


class StoppedAgainNotices(QObject):
    """Turns the engine's "stopped-again" events into notices: one per incident at a time,
    updated in place, and a new one if the person closed the last. Never silent: if the
    notice cannot be built, a plain message box says what the engine said."""

    numbers_requested = Signal()

    def __init__(
        self,
        profiles: Callable[[], tuple[Profile, Profile | None]],
        report: Callable[[str], None] | None = None,
    ):
        super().__init__()
        self.profiles = profiles
        self.report = report
        self.shown: dict[str, QWidget] = {}

    @Slot(object, object)
    def on_event(self, event: GuardEvent, view: IncidentView | None) -> None:
        if event.kind != EventKind.STOPPED_AGAIN:
            return
        key = event.incident or event.tool or event.message
        name = event.tool_name or event.tool or tr("A remote-control program")
        # Whatever the removal could not close (access denied) is still in the incident.
        still = view is not None and any(
            running(p) and p.get("state") != "frozen" for p in view.processes
        )
        try:
            notice = self.shown.get(key)
            if notice is None or not shiboken6.isValid(notice) or not hasattr(notice, "add"):
                notice = self._open(key, name)  # (a plain box left by a failure is replaced)
            notice.add(str(event.data.get("what") or "process"), still)
        except Exception as exc:  # a broken translation, say: still tell the person
            if self.report is not None:
                self.report(f"the stopped-again notice could not be shown ({exc!r})")
            notice = self._plain(key, event.message)
        notice.show()
        notice.raise_()

    def _open(self, key: str, name: str) -> StoppedAgainNotice:
        provider, _generic = self.profiles()
        notice = StoppedAgainNotice(provider, name)
        notice.numbers_requested.connect(self.numbers_requested)
        self._hold(key, notice)
        return notice

    def _plain(self, key: str, message: str) -> QWidget:
        box = QMessageBox(QMessageBox.Icon.Warning, "ScamGuard", message)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._hold(key, box)
        return box

    def _hold(self, key: str, window: QWidget) -> None:
        """Held until it closes (Python would delete it at once otherwise)."""
        self.shown[key] = window
        window.destroyed.connect(lambda *_: self._gone(key, window))

    def _gone(self, key: str, window: QWidget) -> None:
        if self.shown.get(key) is window:
            del self.shown[key]

    def notices(self) -> list[QWidget]:
        return [w for w in self.shown.values() if shiboken6.isValid(w)]

    def close_all(self) -> None:
        for window in self.notices():
            window.close()


class NumbersWindow(QWidget):
    """The active provider's numbers and the country's helplines, as the warning shows them.

    It opens as tall as its numbers need, up to the screen it opens on; below that the
    numbers scroll, with a scroll bar that shows (``fit_to``)."""

    def __init__(self, provider: Profile, generic: Profile | None):
        super().__init__()
        self.setWindowTitle(tr("ScamGuard: who to call"))
        self.setObjectName("numberswindow")
        self.setStyleSheet(
            f"#numberswindow, #numbersbody {{ background: {style.PAPER}; }} "
            f"QLabel {{ color: {style.INK}; }}"
        )
        text = build([Caught("", "remote-desktop", True)], provider, generic)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        self.band = BrandBand(provider, tr("Who to call"))
        self.band.arrange(narrow=False, short=True, width=NOTICE_WIDTH)
        col.addWidget(self.band)
        self.panel = NumbersPanel(text)
        self.body = QWidget()
        self.body.setObjectName("numbersbody")
        inner = QVBoxLayout(self.body)
        inner.setContentsMargins(24, 16, 24, 16)
        inner.addWidget(self.panel)
        # A number to take away (issue 17): the first number as a QR code to scan with a
        # mobile phone, and a card to print with all of them. Inside the scrolling body.
        self.provider, self.generic = provider, generic
        take_away = QHBoxLayout()
        first = text.provider_numbers[0] if text.provider_numbers else None
        self.qr: card.QrCode | None = None
        if first is not None and first.dial:
            self.qr = card.QrCode.from_line(first)
            take_away.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
            scan = tr("Scan with your mobile phone to call {number}").format(number=first.number)
            take_away.addWidget(label(scan, style.NOTE_PT), 1)
        inner.addLayout(take_away)
        self.card_button = button(
            tr("Print a card"), tr("A page with these numbers to keep by your phone."), styled=True
        )
        self.card_button.setStyleSheet(plain_style())
        self.card_button.clicked.connect(self._print_card)
        inner.addWidget(self.card_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.card_said = label("", style.NOTE_PT)
        self.card_said.setVisible(False)
        inner.addWidget(self.card_said)
        self.scroll_area = scrolling(self.body)
        col.addWidget(self.scroll_area, 1)
        common.close_on_escape(self)
        self.setMinimumWidth(min(NOTICE_WIDTH, 480))
        self.fit_to()

    def _print_card(self) -> None:
        """The print dialog (or, with no printer, the PDF saved), and what became of it."""
        said = card.print_or_save(self, self.provider, self.generic)
        self.card_said.setText(said)
        self.card_said.setAccessibleName(said)
        self.card_said.setVisible(bool(said))

    def wanted(self, width: int) -> QSize:
        """As tall as everything needs at ``width`` (the scroll bar's room included)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        body = self.body.heightForWidth(width - bar)
        band = self.band.heightForWidth(width)
        band = band if band > 0 else self.band.sizeHint().height()
        return QSize(width, band + max(body, self.body.sizeHint().height()) + 2)

    def fit_to(self, area: QRect | None = None) -> None:
        """As tall as the numbers need, never taller than ``area`` (the screen's)."""
        room = area if area is not None else common.screen_area(self)
        width = min(round(NOTICE_WIDTH * style.scale()), room.width() - 16)
        common.fit_to_screen(self, self.wanted(width), room)

    def showEvent(self, event: QShowEvent) -> None:
        if not event.spontaneous():  # opened (not restored): fit the screen it is on
            self.fit_to()
        super().showEvent(event)
