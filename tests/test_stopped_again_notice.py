"""A removed tool started or downloaded again: a small notice in the provider's name, never
silence, never a pile of windows.

The events are built as the engine sends them (kind "stopped-again", docs/cli.md); the same
path with real processes and the real engine is in test_tray_app.py.
"""

from __future__ import annotations

import dataclasses

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from guard.engine.incidents import IncidentView, State
from guard.state.events import GuardEvent
from ui.warning.preview import sample_incident
from ui.windows import notices
from ui.windows.notices import StoppedAgainNotice, StoppedAgainNotices


@pytest.fixture
def removed(shipped) -> IncidentView:
    """AnyDesk's incident after Remove: its program killed."""
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    view = sample_incident(anydesk, "linux")
    killed = ({**view.processes[0], "state": "killed"},)
    return dataclasses.replace(view, id="inc1", state=State.BLOCKED, processes=killed)


@pytest.fixture
def tray(qtbot, profiles):
    """The notices as the tray wires them, with what they asked for recorded."""
    talktalk = profiles.get("talktalk")
    reported: list[str] = []
    made = StoppedAgainNotices(lambda: (talktalk, profiles.generic_for("GB")), reported.append)
    made.reported = reported  # type: ignore[attr-defined]
    yield made
    made.close_all()


def _again(view: IncidentView, what: str = "process") -> GuardEvent:
    name = view.tool.name
    message = (
        f"{name} was downloaded again and moved away"
        if what == "installer"
        else f"{name} tried to start again and was stopped"
    )
    path = "/home/pat/Downloads/AnyDesk.exe" if what == "installer" else None
    return GuardEvent(
        "stopped-again",
        message,
        incident=view.id,
        tool=view.tool.id,
        tool_name=name,
        path=path,
        data={"what": what, "path": path},
    )


def _texts(widget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def _open(tray: StoppedAgainNotices) -> list:
    return [w for w in tray.notices() if w.isVisible()]


def test_a_relaunch_after_remove_shows_a_small_notice_in_the_providers_name(qtbot, tray, removed):
    tray.on_event(_again(removed), removed)
    [notice] = _open(tray)
    qtbot.waitExposed(notice)
    assert isinstance(notice, StoppedAgainNotice)
    assert notice.said.text() == "AnyDesk tried to start again and was stopped."
    assert notice.said.accessibleName() == notice.said.text()
    shown = _texts(notice)
    assert "ScamGuard for TalkTalk" in shown
    assert "asking you to install it again, that is the scam" in shown
    assert "Hang up" in shown
    assert "AnyDesk" in notice.windowTitle()
    # Small: not the full-screen warning, and it can be closed.
    assert not notice.isFullScreen()
    screen = notice.screen().geometry()
    assert notice.width() < screen.width() and notice.height() < screen.height()
    assert notice.numbers_button.isVisible() and notice.numbers_button.text() == "Who to call"
    for control in (notice.numbers_button, notice.close_button):
        assert control.accessibleName() and control.accessibleDescription()
        assert control.font().pointSize() >= 20
    qtbot.mouseClick(notice.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.notices() == [], timeout=5000)


def test_a_new_download_is_said_in_plain_words(tray, removed):
    tray.on_event(_again(removed, "installer"), removed)
    [notice] = _open(tray)
    assert notice.said.text() == "AnyDesk was downloaded again and moved away."


def test_several_relaunches_update_one_notice_with_a_count(tray, removed):
    for _ in range(3):
        tray.on_event(_again(removed), removed)
    tray.on_event(_again(removed, "installer"), removed)
    [notice] = _open(tray)
    said = notice.said.text()
    assert "AnyDesk tried to start again 3 times and was stopped each time." in said
    assert "AnyDesk was downloaded again and moved away." in said
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, StoppedAgainNotice)]
    assert [w for w in windows if shiboken6.isValid(w) and w.isVisible()] == [notice]


def test_after_the_notice_is_closed_the_next_relaunch_is_shown_again(qtbot, tray, removed):
    tray.on_event(_again(removed), removed)
    [first] = _open(tray)
    first.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=5000)
    tray.on_event(_again(removed), removed)
    [second] = _open(tray)
    assert second.said.text() == "AnyDesk tried to start again and was stopped."


def test_each_incident_has_its_own_notice(tray, removed, shipped):
    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    other = dataclasses.replace(removed, id="inc2", tool=teamviewer)
    tray.on_event(_again(removed), removed)
    tray.on_event(_again(other), other)
    assert sorted(n.tool_name for n in _open(tray)) == ["AnyDesk", "TeamViewer"]


def test_who_to_call_asks_the_tray_for_the_numbers_window(qtbot, tray, removed):
    tray.on_event(_again(removed), removed)
    [notice] = _open(tray)
    with qtbot.waitSignal(tray.numbers_requested, timeout=1000):
        qtbot.mouseClick(notice.numbers_button, Qt.MouseButton.LeftButton)


def test_a_relaunch_that_left_part_of_it_running_never_says_only_stopped(tray, removed):
    denied = {**removed.processes[0], "pid": 4343, "state": "denied"}
    view = dataclasses.replace(removed, processes=(*removed.processes, denied))
    tray.on_event(_again(view), view)
    [notice] = _open(tray)
    assert "could not stop all of it" in notice.said.text()


def test_other_events_open_nothing(tray, removed):
    for kind in ("blocked", "frozen", "detected", "ended", "resumed-from-outside"):
        tray.on_event(GuardEvent(kind, "x", incident=removed.id), removed)
    assert tray.notices() == []


def test_if_the_notice_cannot_be_built_a_plain_box_still_says_it(tray, removed, monkeypatch):
    def broken(*_args, **_kwargs):
        raise KeyError("name")  # as a translation with a wrong placeholder would

    monkeypatch.setattr(notices, "StoppedAgainNotice", broken)
    tray.on_event(_again(removed), removed)
    [box] = _open(tray)
    assert isinstance(box, QMessageBox)
    assert box.text() == "AnyDesk tried to start again and was stopped"
    assert any("could not be shown" in line for line in tray.reported)


def test_no_notice_cuts_its_words_or_buttons_off(qtbot, tray, removed, profiles):
    """A fixed minimum width used to stop the layout sizing the window: the lead line and
    the "Remove it and stop trusting it" button were cut off."""
    denied = {**removed.processes[0], "pid": 4343, "state": "denied"}
    view = dataclasses.replace(removed, processes=(*removed.processes, denied))
    tray.on_event(_again(removed), removed)
    [notice] = _open(tray)
    qtbot.waitExposed(notice)
    for _ in range(3):  # it grows as lines are added while it is on screen
        tray.on_event(_again(view, "installer"), view)
    trusted = notices.TrustedNotice(profiles.get("talktalk"), "inc", "anydesk", "AnyDesk", True)
    qtbot.addWidget(trusted)
    trusted.show()
    qtbot.waitExposed(trusted)
    for window in (notice, trusted):
        assert window.height() >= window.layout().totalHeightForWidth(window.width())
        for label in window.findChildren(QLabel):
            if label.wordWrap() and label.isVisible():
                assert label.height() >= label.heightForWidth(label.width()), label.text()
        for button in window.findChildren(QPushButton):
            assert button.width() >= button.sizeHint().width(), button.text()
