"""What of Qt the tray really uses: the measurement behind the spec's Qt allow-lists.

Runs the tray offscreen, in a throwaway ScamGuard home, through everything a person can
open (the status window, the warning's pages, Numbers, History, Settings, About, the Quit
question), then reports, as JSON on stdout:

- ``modules``: the ``PySide6.Qt*`` Python modules imported (``sys.modules``);
- ``libraries``: the Qt shared libraries mapped into the process (``/proc/self/maps``),
  e.g. ``libQt6Widgets``;
- ``plugins``: the Qt plugins loaded, as ``type/file`` (e.g. ``platforms/libqoffscreen.so``).

``packaging/pyinstaller/scamguard.spec`` keeps only what this lists (plus the platform
plugins a real desktop loads instead of ``offscreen``, which it names one by one), and
tests/packaging/test_qt_trim.py runs this script to check the spec still keeps everything
the tray uses. Linux only (``/proc``); the module list is the same on every platform.

    QT_QPA_PLATFORM=offscreen python packaging/pyinstaller/qt_usage.py
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_LIBRARY = re.compile(r"lib(Qt6\w+|pyside6\w*|shiboken6\w*)\.so")


def exercise_the_tray() -> None:
    """Open every window and draw every warning page, as a person could."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415 - only after the env is set

    from guard.engine.incidents import AllowScope  # noqa: F401, PLC0415 - as the app imports it
    from guard.live import GuardOptions  # noqa: PLC0415
    from ui.app import AppOptions, TrayApp  # noqa: PLC0415
    from ui.commands.preview_warning import PAGES  # noqa: PLC0415
    from ui.warning.preview import paint  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    tray = TrayApp(AppOptions(use_tray=True, guard=GuardOptions(default_folders=False)))
    tray._refresh()
    tray.status_window.show()
    for which in ("numbers", "history", "settings", "about"):
        tray.open_window(which)
        app.processEvents()
    tray.request_quit()
    app.processEvents()
    provider, generic = tray.profiles()
    tool = next(t for t in tray.database.signatures.tools if t.id == "anydesk")
    for page in PAGES:
        paint(tool, provider, generic, width=1366, height=768, page=page).save(
            str(Path(os.environ["SCAMGUARD_HOME"]) / f"{page}.png"), "PNG"
        )
    app.processEvents()


def loaded_qt() -> dict[str, list[str]]:
    """The Qt modules, libraries and plugins this process has loaded."""
    libraries, plugins = set(), set()
    for line in Path("/proc/self/maps").read_text().splitlines():
        path = line.split(maxsplit=5)[-1] if len(line.split()) >= 6 else ""
        if "/plugins/" in path and "PySide6" in path:
            plugin_type, name = path.split("/plugins/", 1)[1].split("/", 1)
            plugins.add(f"{plugin_type}/{name}")
        found = QT_LIBRARY.search(Path(path).name)
        if found and "/plugins/" not in path:
            libraries.add(found.group(1))
    modules = {name for name in sys.modules if re.fullmatch(r"PySide6\.Qt\w+", name)}
    return {
        "modules": sorted(modules),
        "libraries": sorted(libraries),
        "plugins": sorted(plugins),
    }


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="scamguard-qt-usage-") as home:
        os.environ["SCAMGUARD_HOME"] = home
        exercise_the_tray()
        print(json.dumps(loaded_qt(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
