"""The first-run window: how soon it is on screen after the tray starts, and that showing
it does not hold up the guard.

Each trial is a new person (a fresh ``SCAMGUARD_HOME``, so the window is due) and a new
``ui.app.TrayApp`` exactly as ``scamguard`` builds it, offscreen, its guard confined to an
empty temp folder (``only_under``) so it never touches a process this benchmark did not
start. Measured from ``TrayApp.start()``:

- start → first-run window painted (its first paint event on the GUI thread);
- start → guard running (its first full look at the running programs done), in trials
  with the window and, alternating, without it (``welcome=False``): the two should match;
- the last page's real warning preview: the time to paint it when the page is reached.

The first trial pays for loading fonts and styles; it is shown on its own. Offscreen Qt
paints into memory: a real compositor adds about one frame. This machine has 2 noisy shared
cores; read medians and spreads.

Run: ``python benchmarks/first_run.py [--trials N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
WORK = Path(tempfile.mkdtemp(prefix="scamguard-bench-first-run-"))
os.environ["SCAMGUARD_HOME"] = str(WORK / "home-0")  # never the real profile
for variable, folder in (("HOME", "user"), ("XDG_CONFIG_HOME", "user/config")):
    os.environ[variable] = str(WORK / folder)  # the autostart adapter's files: temp only
os.environ["XDG_CONFIG_DIRS"] = str(WORK / "xdg")

import PySide6  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from qt_wait import pump  # noqa: E402

from guard.live import GuardOptions  # noqa: E402
from ui.app import AppOptions, TrayApp  # noqa: E402
from ui.windows.first_run import PREVIEW, FirstRunWindow  # noqa: E402


def spread(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return (
        f"median {statistics.median(values):6.1f}  p95 {p95:6.1f}  "
        f"min {values[0]:6.1f}  max {values[-1]:6.1f}  (n={len(values)})"
    )


class FirstRunPainted(QObject):
    """Notes when any part of a first-run window is first painted (an application-wide
    filter: the window is built inside the tray, after ``start`` returns)."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            self.at is None
            and event.type() == QEvent.Type.Paint
            and isinstance(obj, QWidget)
            and isinstance(obj.window(), FirstRunWindow)
        ):
            self.at = time.perf_counter()
        return False


def trial(app: QApplication, n: int, welcome: bool) -> tuple[float | None, float, float | None]:
    """One new person's first start: (ms to the window painted, ms to the guard running,
    ms to paint the preview page), the first and last None without the window."""
    home = WORK / f"home-{n}"
    os.environ["SCAMGUARD_HOME"] = str(home)
    confined = WORK / f"bin-{n}"
    confined.mkdir()
    tray = TrayApp(
        AppOptions(
            guard=GuardOptions(default_folders=False, only_under=confined),
            use_tray=False,
            welcome=welcome,
        )
    )
    painted = FirstRunPainted()
    app.installEventFilter(painted)
    t0 = time.perf_counter()
    tray.start()
    running_at: list[float] = []
    tray.guard_running.connect(lambda _guard: running_at.append(time.perf_counter()))
    try:
        if welcome:
            pump(app, lambda: painted.at is not None, 30)
        pump(app, lambda: tray.running, 30)
        shown_ms = (painted.at - t0) * 1000 if welcome and painted.at else None
        ready_ms = ((running_at[0] if running_at else time.perf_counter()) - t0) * 1000
        preview_ms = None
        window = tray.windows.get("first_run")
        if isinstance(window, FirstRunWindow):
            before = time.perf_counter()
            window.go(PREVIEW)
            preview_ms = (time.perf_counter() - before) * 1000
            window.skip()
    finally:
        app.removeEventFilter(painted)
        tray.stop("benchmark finished")
        for window in app.topLevelWidgets():
            window.close()
        app.processEvents()
    return shown_ms, ready_ms, preview_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=12)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    shown, ready_with, ready_without, preview = [], [], [], []
    for n in range(args.trials * 2):
        welcome = n % 2 == 0
        shown_ms, ready_ms, preview_ms = trial(app, n + 1, welcome)
        if welcome:
            assert shown_ms is not None and preview_ms is not None
            shown.append(shown_ms)
            preview.append(preview_ms)
            ready_with.append(ready_ms)
        else:
            ready_without.append(ready_ms)
    shutil.rmtree(WORK, ignore_errors=True)
    print(
        f"# first-run benchmark: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, "
        f"QPA {os.environ['QT_QPA_PLATFORM']}"
    )
    print(f"tray start → first-run window painted (ms): {spread(shown[1:])}")
    print(f"  the very first (cold fonts and styles): {shown[0]:.1f} ms")
    print(f"tray start → guard running, with the window (ms):    {spread(ready_with)}")
    print(f"tray start → guard running, without it (ms):         {spread(ready_without)}")
    print(f"the last page's real warning preview, painted (ms):  {spread(preview[1:])}")
    print(f"  the very first: {preview[0]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
