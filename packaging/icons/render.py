"""Render the app icon (the tray's "protected" shield) to PNG for installers and menus.

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python packaging/icons/render.py``.
The PNG is committed; PyInstaller turns it into .ico (Windows) and .icns (macOS) with Pillow.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui import icons

HERE = Path(__file__).resolve().parent


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for size in (256, 512):
        name = "scamguard.png" if size == 256 else f"scamguard-{size}.png"
        if not icons.pixmap("protected", size).save(str(HERE / name)):
            print(f"could not write {HERE / name}", file=sys.stderr)
            return 1
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
