"""The tray app's windows other than the warning: history, settings, about, the notices
and the quit question.

Each is an ordinary top-level ``QWidget`` the tray shows and raises; none talks to the
engine: they read and write the journal and settings files through ``guard``, and the
settings window says what it changed with its ``changed`` signal.
"""

from ui.windows.about import AboutWindow
from ui.windows.history import HistoryWindow
from ui.windows.settings.window import SettingsWindow

__all__ = ["AboutWindow", "HistoryWindow", "SettingsWindow"]
