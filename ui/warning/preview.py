"""Render the real warning offscreen, for ISPs checking their branding and for our docs.

The window rendered here is the same class the tray shows, fed a made-up incident for the
chosen tool (a frozen program in Downloads), so what an ISP approves is what a victim sees.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication

from guard.engine.incidents import IncidentView, State
from guard.identify.evidence import Evidence
from guard.platform import current_os
from guard.providers.model import Profile
from guard.sigdb.model import ToolSignature
from ui.i18n import install_translator
from ui.warning.window import WarningWindow


def sample_incident(tool: ToolSignature, os_name: str | None = None) -> IncidentView:
    """A frozen copy of ``tool`` started from the Downloads folder a minute ago."""
    os_name = os_name or current_os()
    names = tool.names.get(os_name) or tool.all_names() or (tool.name,)
    exe = names[0].replace("*", "")
    folder = {
        "windows": "C:\\Users\\Pat\\Downloads\\",
        "macos": "/Users/pat/Downloads/",
    }.get(os_name, "/home/pat/Downloads/")
    now = time.time()
    started = dt.datetime.fromtimestamp(now - 60, dt.UTC).isoformat(timespec="milliseconds")
    process = {
        "pid": 4242,
        "name": exe,
        "path": folder + exe,
        "role": "tool",
        "state": "frozen",
        "note": "",
        "ppid": None,
        "started": started,
    }
    return IncidentView(
        id="preview",
        tool=tool,
        state=State.FROZEN,
        opened=now,
        processes=(process,),
        files=(),
        evidence=(Evidence("name", exe, f"the program name {exe} is {tool.name}'s", tool.id),),
        facts={"CompanyName": tool.vendor} if tool.vendor else {},
        allow=None,
        allow_expires=None,
        problems=(),
        timeline=(),
    )


def paint(
    tool: ToolSignature,
    provider: Profile,
    generic: Profile | None,
    *,
    width: int = 1920,
    height: int = 1080,
    page: str = "choice",
    today: dt.date | None = None,
    banking: str | None = None,
) -> QPixmap:
    """The warning at ``width`` x ``height`` logical pixels, painted without showing it."""
    if QApplication.instance() is None and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never flash a window at the person
    app = QApplication.instance()
    if app is None:  # the preview command: in the system's language, as the tray would be
        app = QApplication([])
        install_translator(app)
    window = WarningWindow(provider, generic, allow_wait=30, today=today)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    view = sample_incident(tool)
    if page == "switched-on":  # a setting, not a program: nothing to freeze (remote_switches)
        switch = {"switch": tool.id, "title": tool.name, "how": "turned-on", "state": "on"}
        view = dataclasses.replace(view, state=State.DETECTED, processes=(), switches=(switch,))
    if banking:  # the bank came up while someone was connected: the banking warning
        session = {"since": "", "peer": "203.0.113.5:6568", "signal": "socket", "evidence": ""}
        view = dataclasses.replace(view, banking=banking, session=session)
    window.show_incidents([view])
    if page in ("question", "scope"):
        window.skip_wait()
        window.allow_button.click()
        if page == "scope":
            window.no_button.click()
    elif page == "done":
        killed = tuple({**proc, "state": "killed"} for proc in view.processes)
        window.update_incident(dataclasses.replace(view, state=State.BLOCKED, processes=killed))
    window.resize(width, height)
    window.show()
    app.processEvents()
    image = window.grab()
    window.dismiss()
    return image


def render(
    tool: ToolSignature,
    provider: Profile,
    generic: Profile | None,
    out: Path,
    **options: object,
) -> Path:
    """Paint the warning (see ``paint`` for the options) into a PNG at ``out``."""
    image = paint(tool, provider, generic, **options)  # type: ignore[arg-type]
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return out
