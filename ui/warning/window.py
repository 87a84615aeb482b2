"""The full-screen warning: what the person sees while the caught tool is frozen.

The rules (docs/architecture.md): lead with "Hang up.", the provider's promise and real
numbers, the safe choice big and first, the unsafe one small, with no keyboard default and
only after a visible wait, then a second plain-language check. Enter and Esc do nothing;
closing the window does not let the tool run (the window stays until the person chooses or
the tool goes away). The window never talks to the engine itself: it emits what the person
chose and the controller carries it out, so the window can be rendered offscreen for
``preview-warning`` and tested on its own.

The way to "let it run" is four deliberate steps a caller has to talk someone through, each
of which says again that this is how the scam works: wait out the countdown, press the small
"Nobody is on the phone: I set this up myself" link, answer "No" to "Is anyone on the phone
with you?", then choose how long.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QResizeEvent, QScreen, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from guard.engine.incidents import IncidentView
from guard.providers.model import Profile
from ui import card, style
from ui.i18n import tr
from ui.warning.parts import (
    BLOCKED_KEYS,
    WINDOW_FLAGS,
    BrandBand,
    KeyGuard,
    NumbersPanel,
    describe,
    plain_style,
    quiet_style,
    safe_style,
    scrolling,
)
from ui.warning.text import (
    SWITCH_STILL_ON,
    Caught,
    NumberLine,
    WarningText,
    build,
    could_not_hold,
    join_names,
    running,
)
from ui.widgets import button, label

DEFAULT_ALLOW_WAIT = 30  # seconds before the "nobody is on the phone" link can be pressed
CHOICE, QUESTION, SCOPE, DONE = 0, 1, 2, 3
NARROW = 1100  # logical px: below this the columns and buttons stack
SHORT = 900  # logical px: below this the headline is smaller
BAR_MARGIN = 48  # the choice bar's side margins


class _Pages(QWidget):
    """Pages of which one shows, and the stack is exactly as tall as that page.

    (A QStackedWidget's layout is as tall as its tallest page whatever is on show, which left
    a gap under the buttons and pushed the phone numbers off small screens.)
    """

    currentChanged = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []
        self._current = -1

    def addWidget(self, page: QWidget) -> None:
        self._pages.append(page)
        self._layout.addWidget(page)
        page.setVisible(False)
        if self._current < 0:
            self.setCurrentIndex(0)

    def setCurrentIndex(self, index: int) -> None:
        if index == self._current:
            return
        for n, page in enumerate(self._pages):
            page.setVisible(n == index)
        self._current = index
        self.currentChanged.emit(index)

    def currentIndex(self) -> int:
        return self._current

    def count(self) -> int:
        return len(self._pages)

    def widget(self, index: int) -> QWidget:
        return self._pages[index]


class WarningWindow(QWidget):
    """One warning for every tool caught, however many incidents it spans.

    ``remove_requested`` and ``allow_requested`` carry incident ids; ``closed`` fires when the
    window goes: Done pressed, an allowance given here, or ``dismiss`` (the app quitting).
    """

    remove_requested = Signal(list)
    allow_requested = Signal(list, str)
    pack_requested = Signal(str)  # an incident id: save its recovery pack (ui/report_pdf.py)
    closed = Signal()

    def __init__(
        self,
        provider: Profile,
        generic: Profile | None,
        allow_wait: int = DEFAULT_ALLOW_WAIT,
        today: dt.date | None = None,
    ):
        super().__init__(None, WINDOW_FLAGS)
        self.provider, self.generic = provider, generic
        self.allow_wait = max(0, allow_wait)
        self.today = today
        # Qt frees the window when it closes: one is built per warning, and a closed one
        # held only by signal connections would otherwise stay in memory for good.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.views: dict[str, IncidentView] = {}
        self.resolved: dict[str, IncidentView] = {}
        self._closable = False
        self._removing = False
        self.remaining = self.allow_wait
        self.setObjectName("warning")
        self.setProperty(style.FIXED, True)  # already as large as fits: see ui/style.py
        self.setWindowTitle(tr("ScamGuard warning: hang up"))
        self.setStyleSheet(
            f"#warning, #body {{ background: {style.PAPER}; }} "
            f"#warning QLabel {{ color: {style.INK}; }}"
        )
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._keys = KeyGuard(self)
        self._outer = QVBoxLayout(self)
        # The window is the screen's size, whatever the content wants: on a small screen the
        # body scrolls; the window never grows past the edge (where its buttons would hide).
        self._outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self._outer.setSpacing(0)
        self._content: QWidget | None = None

    # --- what it shows ---

    def show_incidents(self, views: Sequence[IncidentView]) -> None:
        """Add tools to the warning (a new tool restarts the wait: the unsafe path is slow)."""
        fresh = False
        for view in views:
            known = self.views.get(view.id)
            # New, or now waiting for the bank (a different warning): built afresh, and the
            # wait starts again.
            fresh |= known is None or known.banking != view.banking
            self.views[view.id] = view
            self.resolved.pop(view.id, None)
        if fresh or self._content is None:
            self._render()
            self.remaining = self.allow_wait
            self._closable = self._removing = False
            self.pages.setCurrentIndex(CHOICE)
            self._update_allow_button()
            self._timer.start()
        else:  # "downloaded" may become "started", "stopped" may become "could not stop"
            self._render_details()
            if self.pages.currentIndex() != DONE:
                text = self.text()
                self.caught_label.setText(text.caught)
                self.caught_label.setAccessibleName(f"{text.headline} {text.caught}")
                # The screen reader hears what is on screen now, not the first words (a
                # resume from outside changes "stopped" into "could not stop it").
                self.frozen_label.setText(text.frozen)
                self.frozen_label.setAccessibleName(text.frozen)

    def update_incident(self, view: IncidentView) -> None:
        """A tool's incident changed: still waiting, or gone (removed, closed, allowed)."""
        if view.id not in self.views and view.id not in self.resolved:
            return
        if view.pending:
            self.show_incidents([view])
            return
        self.views.pop(view.id, None)
        self.resolved[view.id] = view
        if not self.views:
            self._show_done()

    @property
    def pending_ids(self) -> list[str]:
        return list(self.views)

    def text(self) -> WarningText:
        views = list(self.views.values()) or list(self.resolved.values())
        caught = [Caught.from_incident(v) for v in views]
        banking = any(v.banking for v in views)
        return build(caught, self.provider, self.generic, self.today, banking=banking)

    def _render(self) -> None:
        """Build the new content completely, then swap it in: if building fails, the old
        content (with its buttons) stays, never an empty full-screen window."""
        with style.fixed_scale():
            self._build()

    def _build(self) -> None:
        self._styled_short: bool | None = None  # new buttons: styled by the next _arrange
        text = self.text()
        style.name(self, tr("ScamGuard warning"), f"{text.headline} {text.caught}")
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.band = BrandBand(self.provider, text.headline)
        layout.addWidget(self.band)
        layout.addWidget(scrolling(self._body(text)), 1)
        layout.addWidget(self._choices(text))
        if self._content is not None:
            self._outer.removeWidget(self._content)
            self._content.deleteLater()
        self._outer.addWidget(content)
        self._content = content
        self._render_details()
        self._arrange()

    def _body(self, text: WarningText) -> QWidget:
        body = QWidget()
        body.setObjectName("body")
        self._grid = QGridLayout(body)
        self._grid.setContentsMargins(48, 24, 48, 16)
        self._grid.setHorizontalSpacing(40)
        self._grid.setVerticalSpacing(14)
        # Read first: "Hang up." and what happened, in one name for a screen reader.
        self.caught_label = label(text.caught, style.LEAD_PT, bold=True)
        self.caught_label.setAccessibleName(f"{text.headline} {text.caught}")
        self.caught_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.frozen_label = label(text.frozen, style.BODY_PT)
        rest = QWidget()
        col = QVBoxLayout(rest)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(14)
        col.addWidget(self.frozen_label)
        col.addWidget(label(text.promise, style.BODY_PT, bold=True))
        caution = label(text.coaching, style.BODY_PT, bold=True)
        caution.setObjectName("caution")
        caution.setStyleSheet(
            f"#caution {{ background: {style.CAUTION_BG}; color: {style.INK}; "
            f"border-left: 8px solid {style.CAUTION_EDGE}; padding: 12px; }}"
        )
        col.addWidget(caution)
        col.addSpacing(8)
        col.addWidget(label(text.already_title, style.BODY_PT, bold=True))
        for n, step in enumerate(text.already_steps, 1):
            col.addWidget(label(f"{n}. {step}", style.BODY_PT))
        self.details = label("", style.NOTE_PT, accessible=tr("Details"))
        self.details.setVisible(False)
        col.addWidget(self.details)
        col.addStretch(1)
        self._rest, self._rest_col = rest, col
        self.numbers = NumbersPanel(text)
        return body

    def _place_body(self, narrow: bool) -> None:
        """Wide: what happened and the advice on the left, numbers on the right. Narrow: what
        happened, then the numbers, then the advice, so a number is in view without scrolling."""
        grid = self._grid
        for widget in (self.caught_label, self.numbers, self._rest):
            grid.removeWidget(widget)
        top = Qt.AlignmentFlag.AlignTop
        if narrow:
            grid.addWidget(self.caught_label, 0, 0)
            grid.addWidget(self.numbers, 1, 0, top)
            grid.addWidget(self._rest, 2, 0)
            grid.setColumnStretch(1, 0)
        else:
            grid.addWidget(self.caught_label, 0, 0)
            grid.addWidget(self._rest, 1, 0)
            grid.addWidget(self.numbers, 0, 1, 2, 1, top)
            # The numbers' column the wider: its lines wrap less, which keeps the first
            # number and "hang up first" higher up, in view on a short screen.
            grid.setColumnStretch(0, 2)
            grid.setColumnStretch(1, 3)
        grid.setRowStretch(2 if narrow else 1, 1)

    def _choices(self, text: WarningText) -> QWidget:
        bar = QFrame()
        bar.setObjectName("choices")
        bar.setStyleSheet(
            f"#choices {{ background: {style.PAPER}; border-top: 2px solid #c8ccd0; }}"
        )
        self.pages = _Pages()
        outer = QVBoxLayout(bar)
        outer.setContentsMargins(BAR_MARGIN, 14, BAR_MARGIN, 16)
        outer.addWidget(self.pages)
        self._bar = outer
        self._lines: list[tuple[QBoxLayout, list[tuple[QBoxLayout, list[QPushButton]]]]] = []
        self._page_columns: list[QVBoxLayout] = []
        self.remove_button = self._safe(text.remove, text.remove_tip)
        self.details_button = button(
            tr("Details"), tr("Shows where the program is and why it was caught."), styled=True
        )
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self.details_toggled)
        self._allow_text = (
            tr("Nobody is on the phone: keep the connection")
            if text.banking
            else tr("Nobody is on the phone: I set this up myself")
        )
        self.allow_button = button(self._allow_text, "", styled=True)
        self.allow_button.clicked.connect(self._ask_phone)
        self.pages.addWidget(
            self._page(
                [self.remove_button, self.details_button, None, self.allow_button],
                text.remove_explains,
            )
        )

        # The second check: a plain question whose safe answer is the big button.
        self.yes_button = self._safe(text.yes, text.remove_tip)
        self.no_button = button(
            tr("No"), tr("Only if nobody is on the phone and nobody asked you."), styled=True
        )
        self.no_button.clicked.connect(self._ask_scope)
        asked = (
            tr("Is anyone on the phone with you, or did anyone ask you to open your bank?")
            if text.banking
            else tr("Is anyone on the phone with you, or did anyone ask you to switch on {tools}?")
            if text.settings_only
            else tr("Is anyone on the phone with you, or did anyone ask you to install {tools}?")
        )
        self.question = label(asked.format(tools=text.tools), style.LEAD_PT, bold=True)
        self.pages.addWidget(self._page([self.yes_button, None, self.no_button], "", self.question))

        # How long: never for good (that is a setting, away from any caller's script).
        self.remove_again = self._safe(text.remove, text.remove_tip)
        if text.settings_only:  # a setting stays on; it does not run or close
            until, until_tip = (
                tr("Leave it on until I switch it off"),
                tr("ScamGuard warns again if it is switched on again later."),
            )
            hour, hour_tip = (
                tr("Leave it on for 1 hour"),
                tr("After an hour ScamGuard warns again."),
            )
            how_long = tr("How long may {tools} stay switched on?").format(tools=text.tools)
        else:
            until, until_tip = (
                tr("Let it run until it closes"),
                tr("It is stopped again if it starts again later."),
            )
            hour, hour_tip = tr("Let it run for 1 hour"), tr("After an hour it is stopped again.")
            how_long = tr("How long may {tools} run?").format(tools=text.tools)
        longest = "1h"
        if text.banking:  # while the bank is open: 10 minutes at most (guard/engine/sessions.py)
            hour, hour_tip = (
                tr("Keep the connection for 10 minutes"),
                tr("After 10 minutes it is stopped again."),
            )
            how_long = tr("Keep {tools} connected while your bank is open?").format(
                tools=text.tools
            )
            longest = "10m"
        self.until_closed_button = button(until, until_tip, styled=True)
        self.until_closed_button.clicked.connect(lambda: self._allow("until-closed"))
        self.until_closed_button.setVisible(not text.banking)
        self.hour_button = button(hour, hour_tip, styled=True)
        self.hour_button.clicked.connect(lambda: self._allow(longest))
        self.pages.addWidget(
            self._page(
                [self.remove_again, None, self.until_closed_button, self.hour_button],
                "",
                label(how_long, style.BODY_PT, True),
            )
        )

        # Nothing left to decide.
        self.done_label = label("", style.LEAD_PT, bold=True)
        self.done_button = button(
            tr("Done"), tr("Closes this message."), points=style.BUTTON_PT, bold=True, styled=True
        )
        self.done_button.clicked.connect(self._finish)
        # For the bank and the police: what ran, when, what was allowed and what to do now.
        self.pack_button = button(
            tr("Save a recovery pack"),
            tr("A one-page record of what happened and what to do now, for your bank."),
            styled=True,
        )
        self.pack_button.clicked.connect(self._ask_pack)
        # A number to take away (issue 17): a printable card, and the first number as a QR
        # code a mobile phone can scan to call it.
        self.card_button = button(
            tr("Print a card"),
            tr("A page with these numbers to keep by your phone."),
            styled=True,
        )
        self.card_button.clicked.connect(self._print_card)
        self.done_heading = QWidget()
        self._done_row = QHBoxLayout(self.done_heading)
        self._done_row.setContentsMargins(0, 0, 0, 0)
        self._done_row.addWidget(self.done_label, 1)
        self.done_qr: card.QrCode | None = None
        self.pages.addWidget(
            self._page(
                [self.done_button, None, self.card_button, self.pack_button],
                "",
                self.done_heading,
            )
        )

        self.hint = label("", style.NOTE_PT)
        self.hint.setVisible(False)
        outer.addWidget(self.hint)
        # What Remove does is said only while Remove is offered (it may sit in the body).
        self.pages.currentChanged.connect(lambda index: self.explains.setVisible(index == CHOICE))
        return bar

    def _safe(self, text: str, tip: str) -> QPushButton:
        safe = button(
            text,
            tip,
            points=style.BUTTON_PT,
            bold=True,
            styled=True,
        )
        safe.clicked.connect(self._remove)
        return safe

    def _page(
        self, buttons: list[QPushButton | None], note: str, heading: QWidget | None = None
    ) -> QWidget:
        """A heading, a line of buttons (None = the gap that pushes the rest right), a note.

        Groups of buttons between gaps stay together: when the line does not fit, the groups
        go one under another, and a group that still does not fit stacks its buttons."""
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        self._page_columns.append(col)
        if heading is not None:
            col.addWidget(heading)
        line = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        groups: list[list[QPushButton]] = [[]]
        for item in buttons:
            if item is None:
                groups.append([])
            else:
                groups[-1].append(item)
        subs = []
        for n, group in enumerate(groups):
            sub = QBoxLayout(QBoxLayout.Direction.LeftToRight)
            sub.setSpacing(20)
            for widget in group:
                sub.addWidget(widget)
            sub.addStretch(1)  # buttons keep their width and sit left when groups stack
            line.addLayout(sub)
            if n < len(groups) - 1:
                line.addStretch(1)
            subs.append((sub, group))
        self._lines.append((line, subs))
        col.addLayout(line)
        if note:  # what the safe button does (see _place_explains)
            self.explains = label(note, style.NOTE_PT)
            self._explains_home = col
            col.addWidget(self.explains)
        return page

    def _place_explains(self, short: bool) -> None:
        """What Remove does ("always safe") sits under the buttons; on a short screen it
        moves into the body, under what happened, so that the first number and "hang up
        first" above the buttons stay in view. (Its words are also the button's
        description, so a screen reader says them with the button wherever they show.)"""
        home, rest = self._explains_home, self._rest_col
        inside = rest.indexOf(self.explains) >= 0
        if short and not inside:
            home.removeWidget(self.explains)
            rest.insertWidget(1, self.explains)  # after "ScamGuard has stopped it"
        elif not short and inside:
            rest.removeWidget(self.explains)
            home.addWidget(self.explains)

    # --- fitting the screen ---

    def _arrange(self) -> None:
        """Side by side on a wide screen, stacked on a small one: never cut off. On a short
        screen the headline is smaller and the buttons' padding less, so that the first
        number, "hang up first" and the Remove button are in view without scrolling."""
        if self._content is None:
            return
        narrow, short = self.width() < NARROW, self.height() < SHORT
        with style.fixed_scale():
            self.band.arrange(False, short, self.width())  # stacked only if it must be
        self._place_body(narrow)
        self._grid.setContentsMargins(48, 12 if short else 24, 48, 16)
        self._grid.setVerticalSpacing(8 if short else 14)
        self.numbers.compact(short)
        self._place_explains(short)
        if self.done_qr is not None:  # on a short screen the number itself comes first
            self.done_qr.setVisible(not short)
        if self._styled_short != short:  # style sheets only when it changes (not per pixel)
            self._style_choices(short)
        room = self.width() - 2 * BAR_MARGIN

        def width(group: list[QPushButton]) -> int:
            return sum(b.sizeHint().width() + 20 for b in group if not b.isHidden())

        for line, subs in self._lines:
            fits = width([b for _sub, group in subs for b in group]) <= room
            line.setDirection(
                QBoxLayout.Direction.LeftToRight if fits else QBoxLayout.Direction.TopToBottom
            )
            for sub, group in subs:
                stack = width(group) > room  # never a button cut off at the edge
                sub.setDirection(
                    QBoxLayout.Direction.TopToBottom if stack else QBoxLayout.Direction.LeftToRight
                )
                for n in range(sub.count()):
                    item = sub.itemAt(n)
                    if item is not None:
                        item.setAlignment(
                            Qt.AlignmentFlag.AlignLeft if stack else Qt.AlignmentFlag(0)
                        )
        self.pages.updateGeometry()

    def _style_choices(self, short: bool) -> None:
        """The buttons' padding and the bar's margins: trimmed on a short screen."""
        self._styled_short = short
        self._bar.setContentsMargins(BAR_MARGIN, 8 if short else 14, BAR_MARGIN, 8 if short else 16)
        for safe in (self.remove_button, self.yes_button, self.remove_again, self.done_button):
            safe.setStyleSheet(safe_style(self.provider, compact=short))
            safe.setMinimumWidth(safe.sizeHint().width())  # shrinking would cut words off
        for plain in (self.details_button, self.pack_button, self.card_button):
            plain.setStyleSheet(plain_style(compact=short))
        quiet = (self.allow_button, self.no_button, self.until_closed_button, self.hour_button)
        for link in quiet:
            link.setStyleSheet(quiet_style(compact=short))
        for page in self._page_columns:
            page.setSpacing(4 if short else 8)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    # --- the wait ---

    def _tick(self) -> None:
        self.remaining = max(0, self.remaining - 1)
        self._update_allow_button()
        if self.remaining == 0:
            self._timer.stop()

    def _update_allow_button(self) -> None:
        ready = self.remaining <= 0
        self.allow_button.setEnabled(ready)
        base = self._allow_text
        wait = tr("(in {seconds} seconds)").format(seconds=self.remaining)
        self.allow_button.setText(base if ready else f"{base} {wait}")
        # The name stays put (a screen reader must not re-read it every second).
        self.allow_button.setAccessibleDescription(
            tr("Only if nobody is on the phone with you.")
            if ready
            else tr("Available after a short wait.")
        )

    # --- choices ---

    def _remove(self) -> None:
        """Ask for the removal once, and say it is happening (moving a large download can
        take a few seconds, and a second press or a change of mind must not get in)."""
        if not self.views or self._removing:
            return
        self._removing = True
        for choice in (self.remove_button, self.remove_again, self.yes_button):
            choice.setEnabled(False)
        self._say(tr("Removing {tools}…").format(tools=self.text().tools))
        self.remove_requested.emit(self.pending_ids)

    def removal_failed(self, message: str) -> None:
        """The controller could not remove it: say so, and offer the choice again."""
        self._removing = False
        for choice in (self.remove_button, self.remove_again, self.yes_button):
            choice.setEnabled(True)
        self._say(message)

    def _ask_pack(self) -> None:
        chosen = next(iter(self.resolved), None) or next(iter(self.views), None)
        if chosen is not None:
            self.pack_requested.emit(chosen)

    def said(self, message: str) -> None:
        """A line from outside the window under its buttons (where a pack was saved)."""
        self._say(message)

    def _say(self, message: str) -> None:
        self.hint.setText(message)
        self.hint.setAccessibleName(message)
        self.hint.setVisible(bool(message))

    def _ask_phone(self) -> None:
        if self.remaining > 0 or not self.views:
            return
        self.pages.setCurrentIndex(QUESTION)
        self.question.setFocus()

    def _ask_scope(self) -> None:
        if self.remaining > 0 or not self.views or self.pages.currentIndex() != QUESTION:
            return
        self.pages.setCurrentIndex(SCOPE)
        self.remove_again.setFocus()

    def _allow(self, scope: str) -> None:
        if self.remaining > 0 or not self.views or self.pages.currentIndex() != SCOPE:
            return
        self.allow_requested.emit(self.pending_ids, scope)

    def details_toggled(self, on: bool) -> None:
        self.details.setVisible(on)
        self.details_button.setText(tr("Hide details") if on else tr("Details"))

    def _render_details(self) -> None:
        views = list(self.views.values()) or list(self.resolved.values())
        self.details.setText("\n\n".join(describe(v) for v in views))

    def _show_done(self) -> None:
        self._timer.stop()
        self._say("")  # "Removing…" is over, one way or the other
        states = {str(v.state) for v in self.resolved.values()}
        names = [v.tool.name for v in self.resolved.values()]
        tools = join_names(names)
        several = len(set(names)) > 1
        text = self.text()
        call = ""
        if text.provider_numbers:
            first = text.provider_numbers[0]
            call = tr("Then call {number} ({label}) from a different phone.").format(
                number=first.number, label=first.label
            )
        still_on = self._switches_still_on()
        if states == {"allowed"}:
            happened = (
                tr("{tools} was left switched on.")
                if text.settings_only
                else tr("{tools} was allowed to run.")
            ).format(tools=tools)
        elif "blocked" in states and still_on:
            # Switching a setting off needs an administrator on Windows and macOS: say so,
            # and how to do it by hand (the engine's note), never "removed".
            settings = join_names([name for name, _ in still_on])
            notes = " ".join(dict.fromkeys(note for _, note in still_on if note))
            happened = " ".join(
                part
                for part in (
                    tr("ScamGuard could not switch off {tools}.").format(tools=settings),
                    notes,
                    tr("Until it is off, turn off the internet, and hang up."),
                )
                if part
            )
        elif "blocked" in states and self._still_running():
            happened = tr(
                "ScamGuard could not remove all of {tools}: part of it is still there. Turn "
                "off the internet or switch the computer off, then get help from someone you "
                "trust."
            ).format(tools=tools)
        elif "blocked" in states:
            hang_up = tr("Hang up now.")
            happened = f"{self._removed_sentence()} {hang_up} {call}".strip()
        else:
            happened = (
                tr("{tools} have closed.") if several else tr("{tools} has closed.")
            ).format(tools=tools)
            happened += " " + tr(
                "It cannot control this computer now. If someone on the phone asked you to "
                "install it, hang up."
            )
        self.caught_label.setText(happened)
        self.caught_label.setAccessibleName(happened)
        self.frozen_label.setVisible(False)
        self._show_qr(text.provider_numbers[0] if text.provider_numbers else None)
        self.done_label.setText(tr("Write the number down before you press Done."))
        self.done_label.setVisible(bool(call))
        self.done_label.setAccessibleName(self.done_label.text())
        self.pages.setCurrentIndex(DONE)
        self._closable = True
        self.done_button.setFocus()

    def _show_qr(self, first: NumberLine | None) -> None:
        """The first number as a QR code beside "Write the number down" (a phone dials it)."""
        if self.done_qr is not None:  # out of the row and out of sight now, freed later
            self.done_qr.hide()
            self._done_row.removeWidget(self.done_qr)
            self.done_qr.deleteLater()
            self.done_qr = None
        if first is not None and first.dial:
            self.done_qr = card.QrCode.from_line(first, module_px=4)
            self._done_row.addWidget(self.done_qr, 0, Qt.AlignmentFlag.AlignTop)
            # Under 900 px tall it would push "hang up first" out of view; the card has it.
            self.done_qr.setVisible(self.height() >= SHORT)

    def _print_card(self) -> None:
        said = card.print_or_save(self, self.provider, self.generic)
        if said:
            self._say(said)

    def _removed_sentence(self) -> str:
        """What became of the blocked tools: removed at the person's choice, or closed by
        ScamGuard because it kept being started again from outside (never "frozen")."""
        blocked = [v for v in self.resolved.values() if str(v.state) == "blocked"]
        held_names = list(dict.fromkeys(v.tool.name for v in blocked if could_not_hold(v)))
        # A setting alone (nothing ran or was downloaded) is switched off, not removed.
        switched_names = [
            v.tool.name for v in blocked if v.switches and not (v.processes or v.files)
        ]
        removed_names = [
            v.tool.name
            for v in blocked
            if v.tool.name not in held_names and v.tool.name not in switched_names
        ]
        said = []
        if held_names:
            said.append(
                (
                    tr(
                        "{tools} were started again from outside ScamGuard and could not be "
                        "kept stopped, so ScamGuard closed them."
                    )
                    if len(held_names) > 1
                    else tr(
                        "{tools} was started again from outside ScamGuard and could not be kept "
                        "stopped, so ScamGuard closed it."
                    )
                ).format(tools=join_names(held_names))
            )
        if switched_names:
            said.append(
                tr("{tools} has been switched off.").format(tools=join_names(switched_names))
            )
        if removed_names:
            said.append(
                (
                    tr("{tools} have been removed.")
                    if len(set(removed_names)) > 1
                    else tr("{tools} has been removed.")
                ).format(tools=join_names(removed_names))
            )
        return " ".join(said)

    def _switches_still_on(self) -> list[tuple[str, str]]:
        """(setting, what to do by hand) for each setting a removal did not switch off."""
        blocked = [v for v in self.resolved.values() if str(v.state) == "blocked"]
        return [
            (str(s.get("title") or v.tool.name), str(s.get("note") or ""))
            for v in blocked
            for s in v.switches
            if str(s.get("state")) in SWITCH_STILL_ON
        ]

    def _still_running(self) -> bool:
        """A removal that left a process alive (access denied, a system name) or a download
        in place (it could not be moved) must not read "removed"."""
        blocked = [v for v in self.resolved.values() if str(v.state) == "blocked"]
        return any(running(p) for v in blocked for p in v.processes) or any(
            f.get("state") in ("present", "failed") for v in blocked for f in v.files
        )

    def _finish(self) -> None:
        self._closable = True
        self.close()

    def dismiss(self) -> None:
        """Close now: after an allowance given from this window, or when the app quits (the
        tools stay as they are: frozen ones stay frozen)."""
        self._finish()

    def skip_wait(self) -> None:
        """End the wait now: for previews of the later pages, never from a person's input."""
        self.remaining = 0
        self._timer.stop()
        self._update_allow_button()

    # --- staying put ---

    def show_on(self, screen: QScreen | None) -> None:
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.caught_label.setFocus()

    def come_back(self) -> None:
        """Full screen again after being hidden or minimised from outside (a window manager,
        the native window destroyed, a caller's "minimise that"); the wait is not reset."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show_on(self.screen())

    def _come_back(self) -> None:
        if not self._closable and (not self.isVisible() or self.isMinimized()):
            self.come_back()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if not self._closable:  # not closed by a choice: hidden from outside
            QTimer.singleShot(0, self, self._come_back)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        minimised = event.type() == QEvent.Type.WindowStateChange and self.isMinimized()
        if minimised and not self._closable:
            QTimer.singleShot(0, self, self._come_back)

    def showEvent(self, event: QShowEvent) -> None:
        app = QApplication.instance()  # never None while a window shows
        if app is not None:
            app.installEventFilter(self._keys)
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in BLOCKED_KEYS:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closable:
            event.ignore()  # Alt+F4 / the window manager: the tool stays frozen, we stay
            self._say(
                tr("This message stays until you choose. Removing {tools} is always safe.").format(
                    tools=self.text().tools
                )
            )
            return
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._keys)
        super().closeEvent(event)
        self.closed.emit()
