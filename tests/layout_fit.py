"""Does a shown window fit its screen and show all its words? The checker the size tests use.

``problems(window, key=..., area=...)`` looks at a window as it is laid out now and returns
one plain sentence per problem, naming the widget, so a failing test says what is wrong:

- a label, button, check box, line edit, combo box or tab whose words do not fit the room
  it was given (measured with the font's metrics, wrapped the way the label wraps), or that
  is cut off by the edge of something it sits in (scroll areas excepted: their content may
  scroll, with its scroll bar showing);
- a *key* widget that is not in view as the window opens: outside the window, or inside a
  scroll area but below (or beside) what shows before any scrolling;
- a scroll area with more content than room and no visible scroll bar, or whose content
  is wider than its room (words that must be scrolled sideways to read);
- a window larger than the screen's available area (``area``: by default the available
  geometry of the screen the window is on).

Widgets are named by their accessible name, object name or words, then their class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QWidget,
)

SLACK = 1  # px: rounding between the font's metrics and the layout


def describe(widget: QWidget) -> str:
    """A widget as a person debugging the test would recognise it."""
    said = widget.accessibleName() or widget.objectName()
    if not said and isinstance(widget, (QLabel, QAbstractButton)):
        said = widget.text()
    said = " ".join(said.split())
    if len(said) > 60:
        said = said[:57] + "..."
    return f"{type(widget).__name__} {said!r}" if said else type(widget).__name__


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def _label_room(widget: QLabel) -> QRect:
    room = widget.contentsRect()
    margin = widget.margin()
    return room.adjusted(margin, margin, -margin, -margin)


def _label_needs(widget: QLabel, width: int) -> tuple[int, int]:
    """(width, height) the label's text needs when given ``width`` px to wrap in."""
    text = widget.text()
    rich = widget.textFormat() == Qt.TextFormat.RichText or (
        widget.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    )
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(widget.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if widget.wordWrap():
            doc.setTextWidth(width)
        size = doc.size()
        return int(doc.idealWidth() + 0.999), int(size.height() + 0.999)
    metrics = QFontMetrics(widget.font())
    flags = int(widget.alignment().value) | int(Qt.TextFlag.TextExpandTabs.value)
    if widget.wordWrap():
        flags |= int(Qt.TextFlag.TextWordWrap.value)
        bounds = QRect(0, 0, width, 100_000)
    else:
        bounds = QRect(0, 0, 100_000, 100_000)
    needed = metrics.boundingRect(bounds, flags, text)
    return needed.width(), needed.height()


def clipped_text(widget: QWidget) -> str:
    """Why ``widget``'s words do not fit it, or ""."""
    if isinstance(widget, QLabel):
        pixmap = widget.pixmap()
        if not widget.text() or (pixmap is not None and not pixmap.isNull()):
            return ""
        room = _label_room(widget)
        width, height = _label_needs(widget, room.width())
        if height > room.height() + SLACK:
            return f"text needs {height} px of height, has {room.height()}"
        if width > room.width() + SLACK:
            return f"text needs {width} px of width, has {room.width()}"
        return ""
    if isinstance(widget, (QPushButton, QCheckBox, QRadioButton)):
        hint = widget.sizeHint()
        if widget.width() + SLACK < hint.width():
            return f"needs {hint.width()} px of width, has {widget.width()}"
        if widget.height() + SLACK < hint.height():
            return f"needs {hint.height()} px of height, has {widget.height()}"
        return ""
    if isinstance(widget, QComboBox):
        metrics = QFontMetrics(widget.font())
        option = QStyleOptionComboBox()
        option.initFrom(widget)
        text = QSize(metrics.horizontalAdvance(widget.currentText()), metrics.height())
        need = (
            widget.style()
            .sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, widget)
            .width()
        )
        if widget.width() + SLACK < need:
            return f"its choice needs {need} px of width, has {widget.width()}"
        if widget.height() + SLACK < widget.minimumSizeHint().height():
            return f"needs {widget.minimumSizeHint().height()} px of height, has {widget.height()}"
        return ""
    if isinstance(widget, QLineEdit):
        need = widget.minimumSizeHint().height()
        if widget.height() + SLACK < need:
            return f"needs {need} px of height, has {widget.height()}"
        return ""
    if isinstance(widget, QListWidget):
        room = widget.viewport().width()
        for row in range(widget.count()):
            item = widget.item(row)
            if item.isHidden():
                continue
            need = widget.sizeHintForColumn(0) if row == 0 else 0
            need = max(need, QFontMetrics(item.font()).horizontalAdvance(item.text()))
            if need > room + SLACK:
                return f"line {item.text()!r} needs {need} px of width, has {room}"
        return ""
    if isinstance(widget, QTabBar):
        for index in range(widget.count()):
            if not widget.isTabVisible(index):
                continue
            tab, hint = widget.tabRect(index), widget.tabSizeHint(index)
            name = widget.tabText(index)
            if tab.width() + SLACK < hint.width():
                return f"tab {name!r} needs {hint.width()} px of width, has {tab.width()}"
            if not widget.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(tab):
                return f"tab {name!r} is outside the tab bar (its words cannot all be seen)"
        return ""
    return ""


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    """The scroll area whose content ``widget`` is, if it is one."""
    viewport = widget.parentWidget()
    area = viewport.parentWidget() if viewport is not None else None
    if isinstance(area, QScrollArea) and area.widget() is widget:
        return area
    return None


def cut_off(widget: QWidget, window: QWidget, *, at_first_sight: bool) -> str:
    """Which ancestor's edge cuts ``widget`` off, or "".

    Inside a scroll area, ``at_first_sight`` checks against what shows with the area
    scrolled to the top left; otherwise against the whole content (it can be scrolled to).
    """
    rect = QRect(0, 0, widget.width(), widget.height())
    current = widget
    while current is not window:
        area = _scroll_area_of(current)
        parent = current.parentWidget()
        if parent is None:
            return "it is not in the window"
        if area is not None:
            # ``rect`` is in the content's own coordinates: where it is at scroll 0.
            view = area.viewport()
            if at_first_sight:
                seen = QRect(0, 0, view.width(), view.height())
                if not seen.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
                    return (
                        f"it is not in view without scrolling ({describe(area)} shows "
                        f"{seen.height()} px; it reaches {rect.bottom() + 1})"
                    )
                rect = rect.intersected(seen).translated(view.pos())
            else:  # any part of the content can be scrolled into the viewport
                rect = view.geometry()
            current = area
            continue
        rect = rect.translated(current.pos())
        bounds = parent.rect()
        if not bounds.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
            return f"cut off by the edge of {describe(parent)}"
        current = parent
    return ""


TEXT_KINDS = (QLabel, QAbstractButton, QLineEdit, QComboBox, QTabBar, QListWidget)


def _has_words(widget: QWidget) -> bool:
    if isinstance(widget, (QLabel, QAbstractButton)):
        return bool(widget.text())
    return True


def _text_widgets(window: QWidget) -> Iterable[QWidget]:
    for widget in window.findChildren(QWidget):
        if isinstance(widget, TEXT_KINDS) and _shown(widget, window):
            if isinstance(widget, QAbstractButton) and type(widget).__name__ in (
                "QToolButton",  # a tab bar's scroll arrows and the like
            ):
                continue
            if isinstance(widget, QAbstractButton) and isinstance(
                widget.parentWidget(), QAbstractScrollArea
            ):
                continue  # a scroll area's corner button
            yield widget


def scroll_bars_hidden(window: QWidget) -> list[str]:
    """Scroll areas with more to see than room and no scroll bar showing, and words that
    only fit by scrolling sideways (tables and lists excepted: their columns may)."""
    said = []
    for area in window.findChildren(QAbstractScrollArea):
        if not _shown(area, window):
            continue
        if isinstance(area, QScrollArea) and area.horizontalScrollBar().maximum() > 0:
            said.append(
                f"{describe(area)}: its content is wider than the window (scrolls sideways)"
            )
        bar = area.verticalScrollBar()
        if bar.maximum() > 0 and not bar.isVisible():
            said.append(f"{describe(area)}: more below but no scroll bar shows")
        bar = area.horizontalScrollBar()
        if bar.maximum() > 0 and not bar.isVisible():
            said.append(f"{describe(area)}: more to the side but no scroll bar shows")
    return said


def problems(
    window: QWidget,
    key: Sequence[QWidget] = (),
    area: QRect | None = None,
) -> list[str]:
    """Everything wrong with how ``window`` fits (see the module's docstring)."""
    said: list[str] = []
    screen = window.screen()
    room = area if area is not None else screen.availableGeometry() if screen else None
    if room is not None:
        frame = window.frameGeometry()
        if frame.width() > room.width() or frame.height() > room.height():
            said.append(
                f"{describe(window)} is {frame.width()}x{frame.height()}, larger than the "
                f"screen's {room.width()}x{room.height()}"
            )
    for widget in window.findChildren(QWidget):
        squeezed = widget.isVisibleTo(window) and (widget.width() <= 0 or widget.height() <= 0)
        if squeezed and isinstance(widget, TEXT_KINDS) and _has_words(widget):
            said.append(
                f"{describe(widget)}: squeezed to nothing ({widget.width()}x{widget.height()})"
            )
    for widget in _text_widgets(window):
        why = clipped_text(widget) or cut_off(widget, window, at_first_sight=False)
        if why:
            said.append(f"{describe(widget)}: {why}")
    for widget in key:
        if not _shown(widget, window):
            said.append(f"{describe(widget)}: a key widget, not shown")
            continue
        why = cut_off(widget, window, at_first_sight=True)
        if why:
            said.append(f"{describe(widget)}: a key widget, {why}")
    said.extend(scroll_bars_hidden(window))
    return said


# --- a whole screen, checked in a process of its own ---------------------------------------
#
# ``python -m tests.layout_fit OUT.json [PNG_PREFIX]`` with Qt's offscreen platform given a
# screen (``QT_QPA_PLATFORM=offscreen:configfile=screen.json``, and ``QT_SCALE_FACTOR`` or
# the screen's ``logicalDpi`` for the scaling): opens the warning, Who to call, Settings,
# About and History the way the tray does, lets them fit the screen they open on, and writes
# what ``problems`` found in each, with the screen's logical size and pixel ratio. The size
# tests run it (tests/test_fit.py), so the high-DPI path is Qt's own, not a stand-in.


def warning_key(window: QWidget) -> list[QWidget]:
    """What the warning must show without scrolling: the headline, what happened, the first
    number, "hang up first... different phone" and the safe button of the page on show."""
    from ui.warning.window import DONE

    safe = window.done_button if window.pages.currentIndex() == DONE else window.remove_button
    numbers = window.numbers
    return [window.band.headline, window.caught_label, numbers.numbers[0], numbers.how, safe]


def main(argv: list[str]) -> int:
    import json
    import time
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    import ui
    from guard.platform import autostart
    from guard.providers.active import load_active_profiles
    from guard.sigdb.loader import load_database
    from guard.state import paths
    from ui.warning.preview import sample_incident
    from ui.warning.window import WarningWindow
    from ui.windows import AboutWindow, HistoryWindow, SettingsWindow
    from ui.windows.notices import NumbersWindow

    out, prefix = argv[0], argv[1] if len(argv) > 1 else ""
    app = QApplication([])
    screen = app.primaryScreen()
    profiles, _problems = load_active_profiles()
    tools = load_database(paths.builtin_signatures_dir()).tools
    provider = profiles.get("talktalk")
    generic = profiles.generic_for(provider.country)
    found: dict[str, object] = {
        "screen": [screen.geometry().width(), screen.geometry().height()],
        "available": [screen.availableGeometry().width(), screen.availableGeometry().height()],
        "ratio": screen.devicePixelRatio(),
        "code": str(Path(ui.__file__).resolve().parent.parent),  # which checkout ran
    }

    def settle(window: QWidget) -> None:
        deadline = time.monotonic() + 5
        while not window.isVisible() and time.monotonic() < deadline:
            app.processEvents()
        for _ in range(5):
            app.processEvents()

    def record(name: str, window: QWidget, key: Sequence[QWidget], area: QRect) -> None:
        settle(window)
        found[name] = problems(window, key, area)
        if prefix:
            image = window.grab()
            found[name + ".pixel_ratio"] = image.devicePixelRatio()
            image.save(f"{prefix}{name}.png")

    anydesk = next(t for t in tools if t.id == "anydesk")
    warning = WarningWindow(provider, generic, 30)
    warning.show_incidents([sample_incident(anydesk, "linux")])
    warning.show_on(screen)  # as the tray does: full screen on the screen it warns on
    record("warning", warning, warning_key(warning), screen.geometry())
    warning.dismiss()

    area = screen.availableGeometry()
    numbers = NumbersWindow(provider, generic)
    numbers.show()
    record("numbers", numbers, [numbers.panel.numbers[0], numbers.panel.how], area)
    numbers.close()
    login = autostart.for_this_system("linux", env={"XDG_CONFIG_HOME": out + ".xdg"})
    settings = SettingsWindow(profiles, tools, login, trust_wait=0)
    settings.show()
    for index in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(index)
        record(f"settings-{index}", settings, [settings.close_button], area)
    settings.close()
    for name, window in (("about", AboutWindow(profiles)), ("history", HistoryWindow())):
        window.show()
        record(name, window, [window.close_button], area)
        window.close()
    with open(out, "w", encoding="utf-8") as file:
        json.dump(found, file)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
