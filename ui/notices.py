"""Small windows that tell the person something without stopping anything.

``TrustedNotice``: a trusted program has just started. Trust is permanent and set in
settings, which is exactly what a patient caller may have talked someone into earlier, so
each time it runs the person sees it once, with a way out.

``NumbersWindow``: who to call, from the tray, whenever the person wants it (after the
warning has gone, say, when they are ready to ring).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from guard.providers.model import Profile
from ui import style
from ui.i18n import tr
from ui.warning_parts import BrandBand, NumbersPanel, button, label, plain_style, safe_style
from ui.warning_text import Caught, build


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
        row = QHBoxLayout()
        self.remove_button = button(
            tr("Remove it and stop trusting it"),
            style.BODY_PT,
            tr("Closes {name} and removes it from the trusted programs.").format(name=tool_name),
            bold=True,
        )
        self.remove_button.setStyleSheet(safe_style(provider))
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(incident, tool_id))
        self.remove_button.clicked.connect(self.close)
        self.fine_button = button(
            tr("I set it up myself"), style.BODY_PT, tr("Closes this message. It keeps running.")
        )
        self.fine_button.setStyleSheet(plain_style())
        self.fine_button.clicked.connect(self.close)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(self.fine_button)
        col.addLayout(row)
        self.setMinimumWidth(760)


class NumbersWindow(QWidget):
    """The active provider's numbers and the country's helplines, as the warning shows them."""

    def __init__(self, provider: Profile, generic: Profile | None):
        super().__init__()
        self.setWindowTitle(tr("ScamGuard: who to call"))
        self.setObjectName("numberswindow")
        self.setStyleSheet(
            f"#numberswindow {{ background: {style.PAPER}; }} QLabel {{ color: {style.INK}; }}"
        )
        text = build([Caught("", "remote-desktop", True)], provider, generic)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 16)
        col.addWidget(BrandBand(provider, tr("Who to call")))
        self.panel = NumbersPanel(text)
        inner = QVBoxLayout()
        inner.setContentsMargins(24, 16, 24, 0)
        inner.addWidget(self.panel)
        col.addLayout(inner)
        self.setMinimumWidth(640)
