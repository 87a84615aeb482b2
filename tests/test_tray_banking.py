"""The tray, a real X screen and a real tool (issue 16): a window titled like a bank's site
comes to the front. Without a remote session nothing happens; during one, the tool (allowed
before) is frozen at once and the banking warning is drawn; "Disconnect now" ends it.

The session is handed to the engine as the session monitor hands it (its own detection, on a
real VNC connection, is tested in tests/test_session_*.py); the window in front is read for
real (Xvfb, openbox, xterm: tests/foreground_rig.py)."""

from __future__ import annotations

import time

import psutil
import pytest
from PySide6.QtCore import Qt

from guard.engine.incidents import AllowScope
from guard.session.model import SessionChange
from tests.foreground_rig import XDesktop, require_programs
from tests.helpers import not_on_windows
from tests.test_tray_app import _status, _warning
from tests.tray_rig import WAIT_MS, gone

pytestmark = not_on_windows("the window in front is read through X11 here")


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch):
    require_programs()
    rig = XDesktop().start()
    monkeypatch.setenv("DISPLAY", rig.display)  # the tray's focus watcher reads this screen
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    yield rig
    rig.stop()


def test_a_bank_in_front_during_a_session_freezes_the_tool_and_shows_the_banking_warning(
    qtbot, request: pytest.FixtureRequest, desktop: XDesktop, spawn
) -> None:
    app = request.getfixturevalue("start_tray")("talktalk")
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    (view,) = app.guard.engine.incidents()
    app.guard.engine.allow(view.id, AllowScope("until-closed"))  # "I set this up myself"
    qtbot.waitUntil(lambda: _status(tool.pid) != psutil.STATUS_STOPPED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.alerts.window is None or not window.views, timeout=WAIT_MS)
    assert app.banking.watcher is not None and app.banking.watcher.unavailable_reason is None

    # No session: a bank in front changes nothing.
    first, _ = desktop.window("Barclays Online Banking - Mozilla Firefox")
    qtbot.waitUntil(
        lambda: (
            app.banking.watcher.current is not None
            and "Barclays" in app.banking.watcher.current.title
        ),
        timeout=WAIT_MS,
    )
    assert _status(tool.pid) != psutil.STATUS_STOPPED

    # The person goes to another window; someone connects through the tool; then the bank.
    desktop.window("BBC News - Mozilla Firefox")
    qtbot.waitUntil(lambda: "BBC" in app.banking.watcher.current.title, timeout=WAIT_MS)
    app.guard.engine.session_changed(
        SessionChange(True, "anydesk", (tool.pid,), None, "socket", "203.0.113.5:6568",
                      f"anydesk (pid {tool.pid}) is connected to 203.0.113.5:6568", time.time())
    )  # fmt: skip
    app.guard.engine.wait_delivered()
    assert _status(tool.pid) != psutil.STATUS_STOPPED  # an ordinary window in front: nothing
    desktop.activate(first)
    qtbot.waitUntil(lambda: _status(tool.pid) == psutil.STATUS_STOPPED, timeout=WAIT_MS)
    warning = _warning(qtbot, app)
    qtbot.waitUntil(lambda: warning.text().banking, timeout=WAIT_MS)
    assert "while your bank is open" in warning.caught_label.text()
    assert warning.remove_button.text() == "Disconnect now"
    qtbot.mouseClick(warning.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
