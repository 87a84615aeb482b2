"""The first-run window: four short pages, once per person, and again from the tray menu.

A new user's tray used to start silently, with no provider chosen and nothing starting it at
the next login. This window says what ScamGuard does, lets the person choose whose real phone
numbers the warning shows (an ISP's own install has chosen already: then it only says whose),
turns on starting at login (on unless they untick it), and shows the real warning, scaled
down, so the first one they meet is not a surprise.

Every page has "Skip"; closing the window counts as skipping. Either way it is remembered
(``changes.mark_welcomed``) and not shown again at the next start. Protection does not wait
for it: the tray starts the guard first, and this window only changes settings, through the
same journalled calls the settings window uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QPainter, QPaintEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from guard.platform.autostart import Autostart, AutostartError, login_command
from guard.providers.active import active_profile, system_country
from guard.providers.model import Profile, ProfileSet
from guard.sigdb.model import ToolSignature
from guard.state import changes, machine_config, settings
from guard.state.events import EventKind
from ui import style, widgets
from ui.i18n import tr
from ui.tray import whose_numbers
from ui.windows.settings.provider import profile_label

WELCOME, PROVIDER, AUTOSTART, PREVIEW = "welcome", "provider", "autostart", "preview"
DONT_KNOW = ""  # the list's "I don't know / none" item: the country's helplines
# The largest the window grows to; smaller screens get less (``fit_to``).
MAX_SIZE = QSize(920, 700)
SCREEN_MARGIN = 48  # kept free around the window for the taskbar and the window frame
TASKBAR = 40  # a typical panel: what a screen of this size leaves free (pictures only)
PREVIEW_SIZE = QSize(1366, 768)  # the warning is painted as on this screen, then scaled down

Report = Callable[[str], None]
Painter = Callable[[ToolSignature, Profile, Profile | None], QPixmap]


def _paint_warning(tool: ToolSignature, provider: Profile, generic: Profile | None) -> QPixmap:
    from ui.warning.preview import paint  # noqa: PLC0415 - loads the warning when needed

    return paint(tool, provider, generic, width=PREVIEW_SIZE.width(), height=PREVIEW_SIZE.height())


def set_autostart(autostart: Autostart, want: bool, report: Report) -> str:
    """Turn starting at login on or off, journalled as the settings window does; returns
    what went wrong in one line, or ""."""
    try:
        before = autostart.is_enabled()
        if want:
            autostart.enable(login_command())
        else:
            autostart.disable()
        now = autostart.is_enabled()
    except AutostartError as exc:
        return str(exc)
    if now != before:
        changes.journal(
            EventKind.SETTINGS,
            "ScamGuard will start at login" if now else "ScamGuard will no longer start at login",
            report,
            setting="start_at_login",
            value=now,
            previous=before,
            via="first run",
        )
    if now != want:
        return tr("This did not take effect: {where}").format(where=autostart.describe())
    return ""


class Picture(QWidget):
    """A picture scaled down to whatever room it is given, never cropped or stretched."""

    def __init__(self, accessible: str) -> None:
        super().__init__()
        self.image = QPixmap()
        self.setMinimumSize(240, 135)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        style.name(self, accessible)

    def set_image(self, image: QPixmap) -> None:
        self.image = image
        self.update()

    def shown_rect(self) -> QRect:
        """Where the picture is drawn: as large as fits, centred, its shape kept."""
        if self.image.isNull():
            return QRect()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        left = (self.width() - size.width()) // 2
        return QRect(left, 0, size.width(), size.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        if self.image.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self.shown_rect()
        painter.drawPixmap(target, self.image)
        painter.setPen(style.INK)
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.end()


def _page(*parts: QWidget) -> QScrollArea:
    """One page: its parts top to bottom; it scrolls rather than cut anything off if the
    text is larger than the screen (200% scaling, larger text)."""
    inner = QWidget()
    col = QVBoxLayout(inner)
    col.setContentsMargins(0, 0, 8, 0)
    col.setSpacing(16)
    for part in parts:
        col.addWidget(part)
    if not any(p.sizePolicy().verticalPolicy() == QSizePolicy.Policy.Expanding for p in parts):
        col.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


class FirstRunWindow(QWidget):
    """The pages, in order: ``WELCOME``, ``PROVIDER`` (choose, or for an ISP's install whose
    numbers), ``AUTOSTART`` (only where this system can start ScamGuard at login) and
    ``PREVIEW``. ``finished`` says "done" or "skipped" once the choice is remembered;
    ``changed`` says "provider" or "autostart" after that was saved."""

    finished = Signal(str)
    changed = Signal(str)
    painted = Signal()  # once, when first on screen (the tray then warms up the warning)

    def __init__(
        self,
        profiles: ProfileSet,
        tools: Sequence[ToolSignature],
        autostart: Autostart | None,
        *,
        report: Report = changes.stderr,
        paint_warning: Painter = _paint_warning,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.profiles = profiles
        self.tools = tools
        self.autostart = autostart
        self.report = report
        self.paint_warning = paint_warning
        self.installed = machine_config.provider_id()  # an ISP's install: chosen for everyone
        self._ended = False
        self._painted = False
        self._preview_for = ""  # the provider the preview was painted for
        self.setWindowTitle(tr("Welcome to ScamGuard"))
        self.setFont(style.font(style.BODY_PT))
        style.name(self, tr("Welcome to ScamGuard"), tr("Setting up ScamGuard, in a few steps."))

        self.order: list[str] = [WELCOME, PROVIDER]
        self.stack = QStackedWidget()
        self.stack.addWidget(self._welcome_page())
        self.stack.addWidget(self._installed_page() if self.installed else self._provider_page())
        if autostart is not None:
            self.order.append(AUTOSTART)
            self.stack.addWidget(self._autostart_page(autostart))
        self.order.append(PREVIEW)
        self.stack.addWidget(self._preview_page())

        self.step = widgets.label("", style.NOTE_PT, selectable=False)
        self.step.setStyleSheet(f"QLabel {{ color: {style.QUIET_INK}; }}")
        self.skip_button = widgets.button(
            tr("Skip"), tr("Close this and keep ScamGuard as it is. It protects either way.")
        )
        self.back_button = widgets.button(tr("Back"), tr("The page before this one"))
        self.next_button = widgets.button(tr("Next"), tr("The next page"), bold=True)
        self.done_button = widgets.button(tr("Done"), tr("Finish setting up"), bold=True)
        self.skip_button.clicked.connect(self.skip)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.done_button.clicked.connect(self.done)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.done_button):
            buttons.addWidget(button)

        col = QVBoxLayout(self)
        col.setContentsMargins(32, 24, 32, 24)
        col.setSpacing(12)
        col.addWidget(self.step)
        col.addWidget(self.stack, 1)
        col.addLayout(buttons)
        self.go(WELCOME)
        self.fit_to(self._available())

    # --- the pages ------------------------------------------------------------------------

    def _welcome_page(self) -> QWidget:
        return _page(
            widgets.heading(tr("ScamGuard is protecting this computer")),
            widgets.label(
                tr(
                    "Scammers phone pretending to be from your broadband company, your bank "
                    "or a computer firm, and ask you to install a program that lets them "
                    "control your computer. ScamGuard watches for these programs. If one "
                    "starts, ScamGuard stops it at once and shows a warning with real phone "
                    "numbers to call."
                )
            ),
            widgets.label(
                tr(
                    "It is already protecting you while you read this. Three short questions "
                    "follow; you can skip them."
                )
            ),
        )

    def _provider_page(self) -> QWidget:
        title = widgets.heading(tr("Your broadband or phone provider"))
        intro = widgets.label(
            tr(
                "Choose the company on your broadband or phone bill. The warning shows its "
                "real phone numbers."
            )
        )
        self.provider_list = QListWidget()
        self.provider_list.setFont(style.font(style.BODY_PT))
        self.provider_list.setStyleSheet("QListWidget::item { padding: 2px 6px; }")
        self.provider_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.provider_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.provider_list.setWordWrap(True)
        self.provider_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.provider_list.setMinimumHeight(160)
        style.name(
            self.provider_list,
            tr("Your broadband or phone provider"),
            tr("Saved as soon as you choose."),
        )
        for text, profile_id in self._choices():
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, profile_id)
            self.provider_list.addItem(item)
        saved = settings.load().provider
        for row in range(self.provider_list.count()):
            if self.provider_list.item(row).data(Qt.ItemDataRole.UserRole) == saved:
                self.provider_list.setCurrentRow(row)
        self.provider_note = widgets.label("", bold=True, accessible=tr("Whose numbers"))
        self.provider_error = widgets.caution(accessible=tr("Saving problem"))
        self.provider_error.hide()
        self._show_choice()
        self.provider_list.currentRowChanged.connect(self._provider_chosen)
        return _page(title, intro, self.provider_list, self.provider_note, self.provider_error)

    def _choices(self) -> list[tuple[str, str]]:
        """This country's providers by name, then "I don't know", then everything else
        (someone whose computer is set to another country can still find theirs)."""
        country = system_country()
        ours = [p for p in self.profiles.sorted() if not p.generic and p.country == country]
        others = [p for p in self.profiles.sorted() if p.country != country or p.generic]
        helplines = self.profiles.generic_for(country)
        dont_know = (
            tr("I don't know, or none of these (the {name})").format(name=helplines.name)
            if helplines is not None
            else tr("I don't know, or none of these")
        )
        return [
            *((p.name, p.id) for p in ours),
            (dont_know, DONT_KNOW),
            *((profile_label(p), p.id) for p in others if p is not helplines),
        ]

    def _installed_page(self) -> QWidget:
        """An ISP's own install: nothing to choose; say whose numbers and how to stay safe."""
        profile = self.active()
        title = widgets.heading(tr("Whose numbers the warning shows"))
        if profile is not None and profile.id == self.installed:
            said = tr(
                "{name} set up ScamGuard on this computer, so the warning shows {name}'s real "
                "phone numbers. There is nothing to choose here."
            ).format(name=profile.name)
        else:
            said = whose_numbers(profile) + "."
        numbers = [
            widgets.label(
                tr("{label}: {number}").format(label=n.label, number=n.number),
                bold=True,
                accessible=tr("{label}: {number}").format(label=n.label, number=" ".join(n.number)),
            )
            for n in (profile.numbers[:2] if profile is not None else ())
        ]
        scam = widgets.caution(
            tr("If someone on the phone asks you to change these numbers, it is a scam: hang up.")
        )
        self.provider_note = widgets.label(said)
        return _page(title, self.provider_note, *numbers, scam)

    def _autostart_page(self, autostart: Autostart) -> QWidget:
        title = widgets.heading(tr("Start ScamGuard when you log in"))
        self.autostart_box = QCheckBox(tr("Start ScamGuard when I log in"))
        self.autostart_box.setFont(style.font(style.BODY_PT, bold=True))
        self.autostart_box.setStyleSheet("QCheckBox::indicator { width: 28px; height: 28px; }")
        style.name(
            self.autostart_box,
            tr("Start ScamGuard when I log in"),
            tr("Recommended. ScamGuard can only protect you while it is running."),
        )
        self.autostart_error = widgets.caution(accessible=tr("Start at login problem"))
        self.autostart_error.hide()
        try:
            everyone = autostart.for_everyone()
        except AutostartError:
            everyone = ""
        self.autostart_for_everyone = bool(everyone)
        if everyone:  # set up by the installer: already on, and not the person's to change
            self.autostart_box.setChecked(True)
            self.autostart_box.setEnabled(False)
            why = tr(
                "ScamGuard starts by itself whenever anyone logs in to this computer. It was "
                "set up this way for you, so there is nothing to change."
            )
        else:
            self.autostart_box.setChecked(True)  # on unless the person unticks it
            why = tr(
                "ScamGuard can only protect you while it is running. Leave this ticked so it "
                "starts every time you log in. If someone on the phone asks you to untick "
                "it, that is a scam: hang up."
            )
        self.autostart_why = widgets.label(why)
        return _page(title, self.autostart_box, self.autostart_why, self.autostart_error)

    def _preview_page(self) -> QWidget:
        title = widgets.heading(tr("What the warning looks like"))
        intro = widgets.label(
            tr(
                "If a remote-control program starts, ScamGuard stops it and this warning "
                "fills the screen. Hang up the phone first, then do what it says."
            )
        )
        self.preview = Picture(tr("A small picture of ScamGuard's warning"))
        return _page(title, intro, self.preview)

    # --- moving between pages --------------------------------------------------------------

    @property
    def page(self) -> str:
        return self.order[self.stack.currentIndex()]

    def go(self, page: str) -> None:
        index = self.order.index(page)
        self.stack.setCurrentIndex(index)
        last = index == len(self.order) - 1
        self.step.setText(tr("Step {n} of {total}").format(n=index + 1, total=len(self.order)))
        self.back_button.setVisible(index > 0)
        self.next_button.setVisible(not last)
        self.done_button.setVisible(last)
        self.skip_button.setVisible(not last)  # on the last page, Done is the way out
        if page == PREVIEW:
            self._paint_preview()
        (self.done_button if last else self.next_button).setFocus()

    def next(self) -> None:
        if self.page == AUTOSTART and not self._save_autostart():
            return  # said on the page; a second Next goes on
        self.go(self.order[self.stack.currentIndex() + 1])

    def back(self) -> None:
        self.go(self.order[max(0, self.stack.currentIndex() - 1)])

    def skip(self) -> None:
        self._end("skipped")

    def done(self) -> None:
        self._end("done")

    def _end(self, how: str) -> None:
        if self._ended:
            return
        self._ended = True
        try:
            changes.mark_welcomed(report=self.report)
        except OSError as exc:  # shown again next time: better than a crash now
            self.report(f"the first-run window could not be marked as seen ({exc})")
        self.finished.emit(how)
        self.close()

    def dismiss(self) -> None:
        """Close without remembering anything: the app is stopping (logout, Quit), so the
        person has not finished with it, and it is shown again at the next start."""
        self._ended = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closed with the window's own button: the same as Skip (shown once)."""
        self._end("skipped")
        event.accept()

    # --- saving ----------------------------------------------------------------------------

    def active(self) -> Profile | None:
        try:
            return active_profile(self.profiles, settings.load().provider)[0]
        except LookupError:
            return None

    def _provider_chosen(self, row: int) -> None:
        item = self.provider_list.item(row)
        if item is None:
            return
        profile_id = str(item.data(Qt.ItemDataRole.UserRole))
        if profile_id == settings.load().provider:
            self._show_choice()
            return
        profile = self.profiles.get(profile_id) if profile_id else None
        name = profile.name if profile is not None else item.text()
        notes: list[str] = []
        try:
            changes.set_provider(profile_id, name, report=notes.append)
        except OSError as exc:
            widgets.set_text(
                self.provider_error,
                tr("The settings could not be saved ({why}).").format(why=exc.strerror or exc),
            )
            return
        for note in notes:
            self.report(note)
        widgets.set_text(self.provider_error, "")
        self._show_choice()
        self.changed.emit("provider")

    def _show_choice(self) -> None:
        widgets.set_text(self.provider_note, whose_numbers(self.active()) + ".")

    def _save_autostart(self) -> bool:
        """Leaving the page with Next saves the box; a failure is said and Next again goes
        on (the settings window can try again later)."""
        if self.autostart is None or self.autostart_for_everyone:
            return True
        if self.autostart_error.isVisible():
            return True  # said once already: let the person go on
        problem = set_autostart(self.autostart, self.autostart_box.isChecked(), self.report)
        if problem:
            widgets.set_text(self.autostart_error, problem)
            return False
        self.changed.emit("autostart")
        return True

    def _paint_preview(self) -> None:
        """The real warning, in the chosen provider's name: painted when the page is first
        reached (and again if the provider changed), so opening the window stays quick."""
        profile = self.active()
        if profile is None or not self.tools or self._preview_for == profile.id:
            return
        tool = next((t for t in self.tools if t.id == "anydesk"), self.tools[0])
        generic = self.profiles.generic_for(profile.country)
        try:
            image = self.paint_warning(tool, profile, generic)
        except Exception as exc:  # a picture is not worth failing the window for
            self.report(f"the first-run window could not paint the warning ({exc!r})")
            return
        self._preview_for = profile.id
        self.preview.set_image(image)

    # --- size ------------------------------------------------------------------------------

    def _available(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)

    def fit_to(self, available: QRect | None = None) -> None:
        """As large as ``MAX_SIZE`` allows, never larger than the screen it opens on (that
        screen's available area when ``available`` is not given: "larger text" refits every
        open window this way)."""
        available = available if available is not None else self._available()
        width = min(MAX_SIZE.width(), available.width() - SCREEN_MARGIN)
        height = min(MAX_SIZE.height(), available.height() - SCREEN_MARGIN)
        self.resize(width, height)
        self.move(
            available.left() + (available.width() - width) // 2,
            available.top() + (available.height() - height) // 2,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

    def showEvent(self, event: QShowEvent) -> None:
        self.fit_to(self._available())
        super().showEvent(event)


def seen(current: settings.Settings | None = None) -> bool:
    """Has this person seen (or skipped) the first-run window?"""
    return bool((current or settings.load()).welcomed)


def render_pages(
    out: Path,
    profiles: ProfileSet,
    tools: Sequence[ToolSignature],
    autostart: Autostart | None,
    *,
    width: int = 1366,
    height: int = 768,
) -> list[Path]:
    """Each page as a PNG, as it opens on a ``width`` x ``height`` screen (for the README
    and for checking by eye; nothing is saved or changed)."""
    window = FirstRunWindow(profiles, tools, autostart)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.show()
    window.fit_to(QRect(0, 0, width, height - TASKBAR))
    made = []
    out.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(window.order, start=1):
        window.go(page)
        QGuiApplication.processEvents()
        path = out / f"first-run-{number}-{page}.png"
        if not window.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        made.append(path)
    window.dismiss()  # a picture, not the person finishing: nothing is remembered
    return made


def main(argv: list[str] | None = None) -> int:
    """``python -m ui.windows.first_run --out DIR``: the README's pictures of each page, as
    a new person on a 1366x768 screen sees them (their own settings are never read)."""
    import argparse  # noqa: PLC0415
    import os  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=768)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="scamguard-first-run-"))
    os.environ["SCAMGUARD_HOME"] = str(scratch / "home")  # a new person: nothing chosen
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from guard.database import load_active  # noqa: PLC0415
    from guard.platform.autostart import for_this_system  # noqa: PLC0415
    from ui.profiles import active_profiles  # noqa: PLC0415

    _app = QApplication.instance() or QApplication([])
    env = {"HOME": str(scratch), "XDG_CONFIG_HOME": str(scratch / "config"),
           "XDG_CONFIG_DIRS": str(scratch / "xdg")}  # fmt: skip
    _provider, _generic, profiles = active_profiles()
    tools = load_active(None).signatures.tools
    for path in render_pages(
        args.out, profiles, tools, for_this_system("linux", env=env),
        width=args.width, height=args.height,
    ):  # fmt: skip
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
