"""Asking before ScamGuard stops: the one question a scam caller most wants answered "yes".

"Keep ScamGuard running" is the default and what Esc or closing the box means; stopping
takes a deliberate click on the second button.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QLayout, QPushButton, QVBoxLayout

from ui import style
from ui.i18n import tr


class QuitDialog(QDialog):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(tr("Stop ScamGuard?"))
        style.name(self, tr("Stop ScamGuard?"))
        col = QVBoxLayout(self)
        col.setContentsMargins(28, 24, 28, 24)
        col.setSpacing(14)
        for text, bold in (
            (tr("Stop ScamGuard?"), True),
            (
                tr("While it is stopped, nothing warns you if a remote-control program starts."),
                False,
            ),
            (
                tr(
                    "If someone on the phone asked you to close ScamGuard, that is a scam. Hang up."
                ),
                True,
            ),
        ):
            label = QLabel(text)
            label.setWordWrap(True)
            label.setFont(style.font(style.BODY_PT, bold))
            style.name(label, text)
            col.addWidget(label)
        # One under the other, full width, "keep" first: neither can be cut off, and the
        # safe answer is the one the eye meets first.
        self.keep_button = QPushButton(tr("Keep ScamGuard running"))
        self.stop_button = QPushButton(tr("Stop ScamGuard"))
        for button, description in (
            (self.keep_button, tr("Closes this question. ScamGuard goes on protecting you.")),
            (self.stop_button, tr("Stops ScamGuard until you start it again.")),
        ):
            button.setFont(style.font(style.BODY_PT, bold=button is self.keep_button))
            button.setMinimumHeight(56)
            style.name(button, button.text(), description)
            col.addWidget(button)
        self.keep_button.setDefault(True)
        self.stop_button.setAutoDefault(False)
        self.keep_button.clicked.connect(self.reject)
        self.stop_button.clicked.connect(self.accept)
        col.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.resize(640, self.sizeHint().height())
