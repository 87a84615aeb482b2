"""What every small window shares besides its widgets (``ui.widgets``): Esc to close,
plain dates, fitting the screen it opens on, and the check that nothing is too small.

The small windows (history, settings, about) are read by the same people as the warning,
calmly rather than under pressure, so they use the warning's body size (20 pt) and never go
under 16 pt (``ui.widgets.MIN_PT``). Every control has an accessible name, every string goes
through ``tr()``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, QMargins, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from ui import style
from ui.i18n import tr

# Room for a title bar and borders before the window manager has said how big they are.
FRAME_RESERVE = QMargins(8, 40, 8, 8)


def close_on_escape(window: QWidget) -> QShortcut:
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(window.close)
    return shortcut


def long_date(day: dt.date) -> str:
    """``21 November 2026``, in the person's language."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")


def when(stamp: str, now: dt.datetime | None = None) -> str:
    """A journal time (UTC ISO-8601) as a person says it: "Today at 14:03", "Yesterday at
    09:12", "3 November 2026 at 18:40" (local time)."""
    try:
        moment = dt.datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return stamp or tr("unknown time")
    now = (now or dt.datetime.now(dt.UTC)).astimezone()
    clock = moment.strftime("%H:%M")
    if moment.date() == now.date():
        return tr("Today at {time}").format(time=clock)
    if moment.date() == now.date() - dt.timedelta(days=1):
        return tr("Yesterday at {time}").format(time=clock)
    return tr("{date} at {time}").format(date=long_date(moment.date()), time=clock)


def clock_time(stamp: str) -> str:
    """Just the local time of day, with seconds, for a timeline."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S")
    except (TypeError, ValueError):
        return stamp


def smallest_point_size(root: QWidget) -> int:
    """The smallest font in a window (tests check nothing is under ``ui.widgets.MIN_PT``)."""
    sizes = [w.font().pointSize() for w in [root, *root.findChildren(QWidget)]]
    return min(s for s in sizes if s > 0)


def screen_area(window: QWidget) -> QRect:
    """Where ``window`` may go: the available part of the screen it is on (not under the
    taskbar or dock), in logical pixels, so a 1920x1080 screen at 150% is 1280x720 here."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def fit_to_screen(window: QWidget, wanted: QSize, area: QRect | None = None) -> QRect:
    """Size ``window`` to ``wanted`` but never larger
    than ``area`` (by default ``screen_area``) with its title bar, and put it in the middle
    of it. Whatever does not fit then scrolls inside the window: every window that calls
    this keeps its words in scroll areas, never in a fixed-size box.

    The one place a window's size comes from the screen, so tests can pass the screen
    sizes they check (``area``) and the real code path is the same."""
    area = area if area is not None else screen_area(window)
    frame = (
        QMargins(
            window.geometry().left() - window.frameGeometry().left(),
            window.geometry().top() - window.frameGeometry().top(),
            window.frameGeometry().right() - window.geometry().right(),
            window.frameGeometry().bottom() - window.geometry().bottom(),
        )
        if window.isVisible()
        else FRAME_RESERVE
    )
    room = area.size().shrunkBy(frame)
    width = min(wanted.width(), room.width())
    height = min(wanted.height(), room.height())
    # A minimum larger than the screen would win over the size asked for here.
    window.setMinimumSize(min(window.minimumWidth(), width), min(window.minimumHeight(), height))
    window.resize(width, height)
    outer = QSize(width + frame.left() + frame.right(), height + frame.top() + frame.bottom())
    left = area.left() + max(0, (area.width() - outer.width()) // 2)
    top = area.top() + max(0, (area.height() - outer.height()) // 2)
    window.move(left, top)  # move() places the frame's top-left corner
    return QRect(left, top, outer.width(), outer.height())


def scaled(width: int, height: int) -> QSize:
    """A window's usual size, grown with the person's text scale (``ui.style``)."""
    return QSize(round(width * style.scale()), round(height * style.scale()))
