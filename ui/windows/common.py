"""What every small window shares besides its widgets (``ui.widgets``): Esc to close,
plain dates, and the check that nothing is too small.

The small windows (history, settings, about) are read by the same people as the warning,
calmly rather than under pressure, so they use the warning's body size (20 pt) and never go
under 16 pt (``ui.widgets.MIN_PT``). Every control has an accessible name, every string goes
through ``tr()``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from ui.i18n import tr


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
