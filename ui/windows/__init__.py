"""The tray app's windows other than the warning: history, settings, about, the first-run
window, the notices and the quit question.

Each is an ordinary top-level ``QWidget`` the tray shows and raises; none talks to the
engine: they read and write the journal and settings files through ``guard``, and the
settings and first-run windows say what they changed with their ``changed`` signal.
"""

from ui.windows.about import AboutWindow
from ui.windows.history import HistoryWindow
from ui.windows.settings.window import SettingsWindow

# The first-run window (ui.windows.first_run) is not imported here: ``python -m
# ui.windows.first_run`` draws its pictures, and runpy wants it not yet imported.
__all__ = ["AboutWindow", "HistoryWindow", "SettingsWindow"]
