"""The warning's words and its window: what the person reads and what each key and click does.

Real widgets offscreen (pytest-qt); the incident is a sample one, so these tests need no
engine. The end-to-end path with real processes is in test_tray_app.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QPushButton

from guard.engine.incidents import State
from guard.providers.active import load_active_profiles
from ui.warning import text as warning_text
from ui.warning.parts import describe
from ui.warning.preview import render, sample_incident
from ui.warning.text import Caught
from ui.warning.window import CHOICE, DONE, QUESTION, SCOPE, WarningWindow


def _day_after_the_numbers_were_checked() -> dt.date:
    """ "Today" for these tests: the shipped numbers as on the day after they were last
    checked, so none is stale whatever the real date (staleness has its own test below)."""
    profiles, _problems = load_active_profiles()
    checked = [n.verified for p in profiles.profiles.values() for n in p.numbers]
    return max(checked) + dt.timedelta(days=1)


TODAY = _day_after_the_numbers_were_checked()


@pytest.fixture
def anydesk(shipped):
    return next(t for t in shipped.tools if t.id == "anydesk")


@pytest.fixture
def window(qtbot, profiles, anydesk):
    def make(provider: str = "talktalk", wait: int = 30) -> WarningWindow:
        chosen = profiles.get(provider)
        w = WarningWindow(chosen, profiles.generic_for(chosen.country), wait, TODAY)
        w.show_incidents([sample_incident(anydesk, "linux")])
        w.resize(1600, 1000)
        w.show()
        qtbot.waitExposed(w)
        return w

    made: list[WarningWindow] = []
    yield lambda *a, **k: made.append(make(*a, **k)) or made[-1]
    for w in made:
        if shiboken6.isValid(w):  # a closed warning deletes itself
            w.dismiss()


# --- the words ---


def test_the_warning_leads_with_hang_up_and_names_the_tool_and_provider(profiles):
    talktalk = profiles.get("talktalk")
    text = warning_text.build(
        [Caught("AnyDesk", "remote-desktop", True)], talktalk, profiles.generic_for("GB"), TODAY
    )
    assert text.headline == "Hang up."
    assert text.caught == "AnyDesk was just started. It lets another person control this computer."
    assert "stopped" in text.frozen and "until you choose" in text.frozen
    assert text.remove == "Remove AnyDesk"
    assert text.promise == talktalk.promise.text
    assert text.coaching == (
        "If the caller told you to expect this warning, that is part of the scam."
    )
    assert "different phone" in text.call_how and "call a friend first" in text.call_how
    assert "Never use a number the caller gave you" in text.call_how
    assert [n.number for n in text.provider_numbers] == [
        n.number for n in talktalk.numbers if n.role == "provider"
    ]
    others = [n.number for n in text.other_numbers]
    assert "159" in others and "0300 123 2040" in others  # the bank line and Report Fraud
    assert any("159" in step for step in text.already_steps)


def test_without_a_promise_or_own_numbers_the_generic_words_and_bank_line_lead(profiles):
    sky = profiles.get("sky")
    assert sky.promise is None
    text = warning_text.build([Caught("AnyDesk", "remote-desktop", True)], sky, None, TODAY)
    assert text.promise.startswith("Real companies do not phone")
    generic = profiles.get("generic-uk")
    text = warning_text.build([Caught("AnyDesk", "remote-desktop", True)], generic, generic)
    assert [n.number for n in text.provider_numbers] == ["159"]
    assert text.call_title == "Call your bank's fraud team"
    assert "159" not in [n.number for n in text.other_numbers]  # shown once, not twice


def test_several_tools_are_one_warning_and_a_download_is_not_called_started(profiles):
    both = [
        Caught("AnyDesk", "remote-desktop", False),
        Caught("TeamViewer", "remote-desktop", False),
    ]
    assert warning_text._caught_sentence(both) == (
        "AnyDesk and TeamViewer were just downloaded. They let another person control this "
        "computer."
    )
    assert warning_text.join_names(["A", "B", "C", "A"]) == "A, B and C"
    generic = profiles.get("generic-uk")
    text = warning_text.build(both, generic, generic, TODAY)
    assert text.remove == "Remove these programs"  # a list would be cut off on the button
    long = [Caught("ManageEngine Endpoint Central", "rmm-agent", True)]
    assert warning_text.build(long, generic, generic, TODAY).remove == "Remove this program"


def test_a_refused_freeze_is_never_called_a_freeze(profiles, anydesk):
    view = sample_incident(anydesk, "linux")
    denied = dataclasses.replace(
        view,
        state=State.DETECTED,
        processes=({**view.processes[0], "state": "denied"},),
    )
    caught = Caught.from_incident(denied)
    assert caught.started and not caught.frozen
    generic = profiles.get("generic-uk")
    text = warning_text.build([caught], generic, generic, TODAY)
    assert "could not stop it" in text.frozen and "Remove" in text.frozen
    frozen = warning_text.build([Caught.from_incident(view)], generic, generic, TODAY)
    assert "has stopped it" in frozen.frozen
    # A copy of the tool exempted as a system name was not stopped either...
    exempt = dataclasses.replace(view, processes=({**view.processes[0], "state": "exempt"},))
    assert not Caught.from_incident(exempt).frozen
    # ...but a system program the tool started, left running on purpose, changes nothing.
    child = {**view.processes[0], "pid": 4243, "role": "child", "state": "exempt"}
    with_child = dataclasses.replace(view, processes=(view.processes[0], child))
    assert Caught.from_incident(with_child).frozen


def test_numbers_checked_over_a_year_ago_are_flagged_in_the_warning(profiles):
    talktalk = profiles.get("talktalk")
    later = max(n.verified for n in talktalk.numbers) + dt.timedelta(days=400)
    text = warning_text.build([Caught("AnyDesk", "remote-desktop", True)], talktalk, None, later)
    assert all(n.stale for n in text.provider_numbers)
    assert "more than a year ago" in text.checked and "your bill" in text.checked
    fresh = warning_text.build([Caught("AnyDesk", "remote-desktop", True)], talktalk, None, TODAY)
    assert not any(n.stale for n in fresh.provider_numbers)
    assert "more than a year" not in fresh.checked and "your bill" in fresh.checked


# --- the window ---


def test_the_window_shows_the_provider_numbers_and_the_safe_choice_first(window, profiles):
    w = window("talktalk")
    shown = " ".join(label.text() for label in w.findChildren(type(w.caught_label)))
    for number in profiles.get("talktalk").numbers:
        assert number.number in shown
    assert "Hang up." in shown
    assert w.numbers.numbers[0].accessibleName() == ("TalkTalk customer services: 0345 172 0088")
    assert w.remove_button.text() == "Remove AnyDesk"
    assert w.pages.currentIndex() == CHOICE
    assert w.remove_button.isVisible() and w.remove_button.height() > w.allow_button.height()
    assert w.remove_button.font().pointSize() > w.allow_button.font().pointSize()


def test_letting_it_run_takes_the_wait_a_no_to_the_phone_question_and_a_scope(qtbot, window):
    w = window(wait=2)
    allowed: list[tuple] = []
    removed: list[list] = []
    w.allow_requested.connect(lambda ids, scope: allowed.append((ids, scope)))
    w.remove_requested.connect(removed.append)
    assert not w.allow_button.isEnabled()
    assert "(in 2 seconds)" in w.allow_button.text()
    qtbot.mouseClick(w.allow_button, Qt.MouseButton.LeftButton)
    w._ask_phone()  # even called directly, nothing opens during the wait
    w._ask_scope()
    w._allow("1h")
    assert w.pages.currentIndex() == CHOICE and allowed == []
    qtbot.waitUntil(w.allow_button.isEnabled, timeout=5000)
    qtbot.mouseClick(w.allow_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == QUESTION
    assert "on the phone with you" in w.question.text()
    w._allow("1h")  # the scope page has not been reached: no allowance
    assert allowed == []
    qtbot.mouseClick(w.no_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == SCOPE
    qtbot.mouseClick(w.hour_button, Qt.MouseButton.LeftButton)
    assert allowed == [(["preview"], "1h")] and removed == []


def test_yes_to_the_phone_question_removes(qtbot, window):
    w = window(wait=0)
    qtbot.mouseClick(w.allow_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(w.remove_requested, timeout=1000) as blocker:
        qtbot.mouseClick(w.yes_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [["preview"]]
    assert not w.yes_button.isEnabled() and "Removing AnyDesk" in w.hint.text()


def test_a_new_tool_restarts_the_wait(qtbot, window, shipped):
    w = window(wait=1)
    qtbot.waitUntil(w.allow_button.isEnabled, timeout=5000)
    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    second = dataclasses.replace(sample_incident(teamviewer, "linux"), id="second")
    w.show_incidents([second])
    assert not w.allow_button.isEnabled()
    assert w.remove_button.text() == "Remove these programs"
    assert "AnyDesk and TeamViewer were just started" in w.caught_label.text()
    assert w.pending_ids == ["preview", "second"]


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape])
def test_enter_and_esc_do_nothing_even_on_a_button_qt_would_press(qtbot, window, key):
    w = window(wait=0)
    chosen: list[object] = []
    w.remove_requested.connect(chosen.append)
    w.allow_requested.connect(lambda *a: chosen.append(a))
    w.allow_button.click()
    w.no_button.click()  # the scope page, with "let it run" buttons on screen
    buttons = [b for b in w.findChildren(QPushButton) if b.isVisible()]
    assert w.hour_button in buttons and w.until_closed_button in buttons
    for target in buttons:
        target.setAutoDefault(True)  # Qt itself would press an auto-default button on Enter
        target.setFocus()
        qtbot.keyClick(target, key)
    qtbot.keyClick(w, key)
    assert chosen == []
    assert w.isVisible() and w.pages.currentIndex() == SCOPE


def test_closing_the_window_keeps_it_up_and_says_why(qtbot, window):
    w = window()
    removed: list[object] = []
    w.remove_requested.connect(removed.append)
    assert w.close() is False
    assert w.isVisible()
    assert "always safe" in w.hint.text()
    assert removed == []


def test_remove_asks_once_for_every_pending_incident_and_says_it_is_happening(qtbot, window):
    w = window()
    asked: list[list] = []
    w.remove_requested.connect(asked.append)
    qtbot.mouseClick(w.remove_button, Qt.MouseButton.LeftButton)
    w._remove()  # a second press while it works asks nothing more
    assert asked == [["preview"]]
    assert not w.remove_button.isEnabled() and "Removing AnyDesk" in w.hint.text()
    w.removal_failed("could not remove AnyDesk (access denied)")
    assert w.remove_button.isEnabled() and "access denied" in w.hint.text()


def test_the_tool_going_away_turns_the_warning_into_done(qtbot, window):
    w = window()
    view = w.views["preview"]
    w.update_incident(dataclasses.replace(view, state=State.ENDED))
    assert w.pages.currentIndex() == DONE
    assert "has closed" in w.caught_label.text()
    assert not w.frozen_label.isVisible()
    with qtbot.waitSignal(w.closed, timeout=1000):
        qtbot.mouseClick(w.done_button, Qt.MouseButton.LeftButton)


def test_removed_says_which_number_to_call_and_a_failed_removal_says_so(window):
    w = window("talktalk")
    view = w.views["preview"]
    killed = {**view.processes[0], "state": "killed"}
    w.update_incident(dataclasses.replace(view, state=State.BLOCKED, processes=(killed,)))
    said = w.caught_label.text()
    assert "has been removed" in said and "Hang up now" in said and "0345 172 0088" in said
    assert "Write the number down" in w.done_label.text()
    w = window("talktalk")
    view = w.views["preview"]
    alive = {**view.processes[0], "state": "denied"}
    w.update_incident(dataclasses.replace(view, state=State.BLOCKED, processes=(alive,)))
    assert "could not remove all of AnyDesk" in w.caught_label.text()
    # The download that could not be moved to quarantine is not "removed" either.
    w = window("talktalk")
    view = w.views["preview"]
    killed = {**view.processes[0], "state": "killed"}
    stuck = {"path": "/home/pat/Downloads/AnyDesk.exe", "how": "created", "state": "failed"}
    w.update_incident(
        dataclasses.replace(view, state=State.BLOCKED, processes=(killed,), files=(stuck,))
    )
    assert "could not remove all of AnyDesk" in w.caught_label.text()
    assert not w.hint.isVisible()  # no "Removing…" left over


def test_a_new_tool_after_done_brings_the_choice_back_and_closing_is_refused_again(window, shipped):
    w = window()
    w.update_incident(dataclasses.replace(w.views["preview"], state=State.ENDED))
    assert w.pages.currentIndex() == DONE
    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    w.show_incidents([dataclasses.replace(sample_incident(teamviewer, "linux"), id="second")])
    assert w.pages.currentIndex() == CHOICE
    assert w.close() is False and w.isVisible()


def test_details_reveal_path_publisher_and_evidence(qtbot, window, anydesk):
    w = window()
    assert not w.details.isVisible()
    qtbot.mouseClick(w.details_button, Qt.MouseButton.LeftButton)
    assert w.details.isVisible()
    text = w.details.text()
    assert "/home/pat/Downloads/" in text
    assert anydesk.vendor in text
    assert "Why:" in text
    assert describe(w.views["preview"]) == text


def test_every_control_has_an_accessible_name_and_description(window):
    w = window(wait=0)
    controls = w.findChildren(QAbstractButton)
    assert len(controls) >= 9
    for control in controls:
        assert control.accessibleName(), control.text()
        assert control.accessibleDescription(), control.text()
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.text()
        assert control.font().pointSize() >= 20, control.text()
    # A screen reader starts with "Hang up." and what happened.
    assert w.caught_label.accessibleName().startswith("Hang up. AnyDesk was just started.")


def test_preview_renders_a_png_of_the_real_window(tmp_path, qapp, profiles, anydesk):
    out = render(
        anydesk,
        profiles.get("talktalk"),
        profiles.generic_for("GB"),
        tmp_path / "w.png",
        width=1024,
        height=700,
        page="question",
    )
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)
    # The band carries TalkTalk's colour from the profile.
    band = image.pixelColor(5, 5).name()
    assert band == profiles.get("talktalk").colours.background
