"""An allowed or trusted tool is never invisible: the status window and the tray menu list
it while it runs, with "Stop it now", the icon changes, and both always say whose numbers
the warning shows. Real processes (copies of /bin/sleep under a tool's name), the real
guard and tray, offscreen; each test's guard acts only under its own temp folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import psutil
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage

from guard import clock
from guard.engine.incidents import IncidentView, State
from guard.providers.active import system_country
from guard.state import changes
from tests.guard_rig import status
from tests.tray_rig import WAIT_MS, gone
from ui import icons
from ui.app import TrayApp
from ui.tray import Menu, RunningTool, StatusWindow, running_tools, status_of, whose_numbers
from ui.warning.window import QUESTION, SCOPE


def _menu_texts(app: TrayApp) -> list[str]:
    return [a.text() for a in app.menu.menu.actions() if a.isVisible()]


def _stop_action(app: TrayApp, name: str):
    return next(a for a in app.menu.tool_actions if a.text().startswith(name))


def test_a_trusted_tool_running_is_listed_and_stop_it_now_ends_it(
    qtbot, start_tray, spawn, shipped
):
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    changes.add_trust(anydesk, "test: set up by my son")
    app = start_tray("talktalk")
    tool = spawn.start("anydesk")
    window = app.status_window
    qtbot.waitUntil(lambda: len(window.tool_rows) == 1, timeout=WAIT_MS)
    label, stop = window.tool_rows[0]
    assert label.text() == "AnyDesk (trusted) is running."
    assert "AnyDesk (trusted) is running: Stop it now" in _menu_texts(app)
    assert app.status().state == "remote"
    assert "AnyDesk (trusted) is running" in app.status().tooltip
    assert status(tool.pid) != psutil.STATUS_STOPPED  # trusted: left running
    stop.click()
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.tool_rows, timeout=WAIT_MS)
    assert not window.tools_box.isVisibleTo(window)
    assert app.menu.tool_actions == []
    assert app.status().state == "protected"
    assert app.guard is not None
    assert [v.state for v in app.guard.engine.incidents()] == [State.BLOCKED]


def test_an_allowed_tool_is_listed_until_stopped_from_the_menu(qtbot, start_tray, spawn):
    app = start_tray("bt", allow_wait=1)
    tool = spawn.start("anydesk")
    qtbot.waitUntil(lambda: app.alerts.window is not None, timeout=WAIT_MS)
    warning = app.alerts.window
    qtbot.waitUntil(warning.allow_button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(warning.allow_button, Qt.MouseButton.LeftButton)
    assert warning.pages.currentIndex() == QUESTION
    qtbot.mouseClick(warning.no_button, Qt.MouseButton.LeftButton)
    assert warning.pages.currentIndex() == SCOPE
    qtbot.mouseClick(warning.until_closed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(app.menu.tool_actions) == 1, timeout=WAIT_MS)
    action = _stop_action(app, "AnyDesk")
    assert action.text() == "AnyDesk is allowed until it closes: Stop it now"
    assert app.status_window.tool_rows[0][0].text() == "AnyDesk is allowed until it closes."
    assert app.tray is None and app.status().state == "remote"
    action.trigger()
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not app.menu.tool_actions, timeout=WAIT_MS)
    assert app.status().state == "protected"


def test_a_tool_that_closes_by_itself_leaves_the_list(qtbot, start_tray, spawn, shipped):
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    changes.add_trust(anydesk, "test: my own")
    app = start_tray("sky")
    tool = spawn.start("anydesk")
    qtbot.waitUntil(lambda: len(app.status_window.tool_rows) == 1, timeout=WAIT_MS)
    tool.kill()
    tool.wait(timeout=5)
    qtbot.waitUntil(lambda: not app.status_window.tool_rows, timeout=WAIT_MS)
    assert app.status().state == "protected"


def test_the_status_says_whose_numbers_the_warning_shows(qtbot, start_tray, profiles):
    app = start_tray("talktalk")
    assert app.status().numbers == "The warning shows TalkTalk's numbers"
    assert "The warning shows TalkTalk's numbers" in app.status().tooltip
    assert app.status_window.numbers_label.text() == "The warning shows TalkTalk's numbers."
    assert app.menu.numbers_action.text() == "The warning shows TalkTalk's numbers"
    changes.set_provider("", "none", report=lambda _line: None)  # as `provider set` would
    app._refresh()
    helplines = profiles.generic_for(system_country())
    assert helplines is not None
    said = f"The warning shows the {helplines.name} (no provider chosen)"
    assert app.status().numbers == said
    assert app.status_window.numbers_label.text() == said + "."


def test_whose_numbers_in_plain_words(profiles):
    talktalk, generic = profiles.get("talktalk"), profiles.get("generic-uk")
    assert talktalk is not None and generic is not None
    assert whose_numbers(talktalk) == "The warning shows TalkTalk's numbers"
    assert whose_numbers(generic) == "The warning shows the UK fraud helplines (no provider chosen)"
    assert "no phone numbers" in whose_numbers(None)
    assert "no phone numbers" in whose_numbers(dataclasses.replace(talktalk, numbers=()))


def _view(shipped, state: State, allow: str | None, process_state: str) -> IncidentView:
    tool = next(t for t in shipped.tools if t.id == "teamviewer")
    process = {"pid": 1, "name": "teamviewer", "role": "tool", "state": process_state}
    return IncidentView(
        id=f"{state}-{allow}-{process_state}",
        tool=tool,
        state=state,
        opened=0.0,
        processes=(process,),
        files=(),
        evidence=(),
        facts={},
        allow=allow,
        allow_expires=None,
        problems=(),
        timeline=(),
    )


def test_only_allowed_or_trusted_tools_with_a_running_process_are_listed(shipped):
    views = [
        _view(shipped, State.ALLOWED, "until it closes", "running"),
        _view(shipped, State.ALLOWED, "always (trusted in settings)", "running"),
        _view(shipped, State.ALLOWED, "until it closes", "exited"),
        _view(shipped, State.FROZEN, None, "frozen"),
        _view(shipped, State.BLOCKED, None, "killed"),
    ]
    found = running_tools(views)
    assert [t.text for t in found] == [
        "TeamViewer is allowed until it closes",
        "TeamViewer (trusted) is running",
    ] or [t.text for t in found] == [
        "TeamViewer (trusted) is running",
        "TeamViewer is allowed until it closes",
    ]
    half_past_two = dt.datetime.combine(clock.today(), dt.time(14, 30))  # local, like the tray
    timed = RunningTool("x", "TeamViewer", until=half_past_two.timestamp())
    assert timed.text == "TeamViewer is allowed until 14:30"


def test_a_running_tool_outranks_old_signatures_but_not_a_warning_or_a_concern():
    tools = (RunningTool("x", "TeamViewer"),)
    assert status_of(True, False, False, tools=tools).state == "remote"
    assert status_of(True, False, True, tools=tools).state == "remote"
    assert status_of(True, False, False, concern="lock held", tools=tools).state == "attention"
    assert status_of(True, True, False, tools=tools).state == "warning"
    assert status_of(False, False, False, "why", tools=tools).state == "paused"


def test_the_remote_icon_differs_from_every_other_state(qapp):
    remote = icons.pixmap("remote", 64).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    for other in ("protected", "warning", "attention", "outdated", "paused"):
        image = icons.pixmap(other, 64).toImage().convertToFormat(QImage.Format.Format_ARGB32)
        assert image != remote, other
    assert "remote-access" in icons.description("remote")


def test_the_status_window_with_a_running_tool_fits_at_1366x768(qtbot):
    window = StatusWindow(Menu(), has_tray=True)
    qtbot.addWidget(window)
    tools = (RunningTool("a", "TeamViewer", trusted=True), RunningTool("b", "AnyDesk"))
    window.set_status(
        status_of(True, False, True, numbers="The warning shows TalkTalk's numbers", tools=tools)
    )
    window.show()
    qtbot.waitExposed(window)
    assert window.height() <= 768 - 48 and window.width() <= 1366
    for label, button in window.tool_rows:
        assert label.height() >= label.heightForWidth(label.width())  # no line cut off
        assert button.isVisible() and button.text() == "Stop it now"
        assert window.rect().contains(QRect(button.mapTo(window, QPoint(0, 0)), button.size()))
