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
from PySide6.QtWidgets import QAbstractButton, QCheckBox

from guard.engine.incidents import State
from guard.providers.active import load_active_profiles
from guard.providers.model import ProfileSet
from ui import warning_text
from ui.preview import render, sample_incident
from ui.warning import CHOICE, CONFIRM, DONE, WarningWindow, describe
from ui.warning_text import Caught

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def profiles() -> ProfileSet:
    loaded, problems = load_active_profiles()
    assert problems == []
    return loaded


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
    assert text.caught == (
        "AnyDesk, a program that lets someone control this computer, was just started."
    )
    assert "frozen" in text.frozen
    assert text.promise == talktalk.promise.text
    assert text.coaching == (
        "If the caller told you to expect this warning, that is part of the scam."
    )
    assert "different phone" in text.call_how and "someone you know" in text.call_how
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


def test_several_tools_are_one_warning_and_a_download_is_not_called_started():
    sentence = warning_text._caught_sentence(
        [Caught("AnyDesk", "remote-desktop", False), Caught("TeamViewer", "remote-desktop", False)]
    )
    assert sentence == (
        "AnyDesk and TeamViewer, programs that let someone control this computer, "
        "were just downloaded."
    )
    assert warning_text.join_names(["A", "B", "C", "A"]) == "A, B and C"


def test_numbers_checked_over_a_year_ago_are_flagged_in_the_warning(profiles):
    talktalk = profiles.get("talktalk")
    later = max(n.verified for n in talktalk.numbers) + dt.timedelta(days=400)
    text = warning_text.build([Caught("AnyDesk", "remote-desktop", True)], talktalk, None, later)
    assert all(n.stale for n in text.provider_numbers)
    assert "more than a year ago" in text.checked
    fresh = warning_text.build([Caught("AnyDesk", "remote-desktop", True)], talktalk, None, TODAY)
    assert not any(n.stale for n in fresh.provider_numbers)
    assert "more than a year" not in fresh.checked


# --- the window ---


def test_the_window_shows_the_provider_numbers_and_the_safe_choice_first(window, profiles):
    w = window("talktalk")
    shown = {label.text() for label in w.findChildren(type(w.caught_label))}
    for number in profiles.get("talktalk").numbers:
        assert number.number in shown
    assert "Hang up." in shown
    assert w.remove_button.text() == "Remove AnyDesk"
    assert w.pages.currentIndex() == CHOICE
    assert w.remove_button.isVisible() and w.remove_button.width() > w.allow_button.width() / 2


def test_i_started_this_cannot_be_taken_before_the_wait(qtbot, window):
    w = window(wait=2)
    allowed: list[tuple] = []
    w.allow_requested.connect(lambda ids, scope: allowed.append((ids, scope)))
    assert not w.allow_button.isEnabled()
    assert "wait 2 s" in w.allow_button.text()
    qtbot.mouseClick(w.allow_button, Qt.MouseButton.LeftButton)
    w._ask_scope()  # even called directly, the page does not open during the wait
    assert w.pages.currentIndex() == CHOICE
    qtbot.waitUntil(w.allow_button.isEnabled, timeout=5000)
    qtbot.mouseClick(w.allow_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == CONFIRM
    # The second check: neither scope can be chosen until the person ticks it.
    assert not w.until_closed_button.isEnabled() and not w.hour_button.isEnabled()
    w.hour_button.click()
    assert allowed == []
    w.confirm_box.setChecked(True)
    qtbot.mouseClick(w.hour_button, Qt.MouseButton.LeftButton)
    assert allowed == [(["preview"], "1h")]


def test_a_new_tool_restarts_the_wait(qtbot, window, shipped):
    w = window(wait=1)
    qtbot.waitUntil(w.allow_button.isEnabled, timeout=5000)
    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    second = dataclasses.replace(sample_incident(teamviewer, "linux"), id="second")
    w.show_incidents([second])
    assert not w.allow_button.isEnabled()
    assert w.remove_button.text() == "Remove AnyDesk and TeamViewer"
    assert w.pending_ids == ["preview", "second"]


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape])
def test_enter_and_esc_do_nothing(qtbot, window, key):
    w = window(wait=0)
    chosen: list[object] = []
    w.remove_requested.connect(chosen.append)
    w.allow_requested.connect(lambda *a: chosen.append(a))
    for target in (w, w.remove_button, w.allow_button, w.caught_label):
        target.setFocus()
        qtbot.keyClick(target, key)
    w.allow_button.click()  # on the confirm page too
    w.confirm_box.setChecked(True)
    for target in (w.until_closed_button, w.hour_button, w.confirm_box):
        target.setFocus()
        qtbot.keyClick(target, key)
    assert chosen == []
    assert w.isVisible()


def test_closing_the_window_keeps_it_up_and_says_why(qtbot, window):
    w = window()
    removed: list[object] = []
    w.remove_requested.connect(removed.append)
    assert w.close() is False
    assert w.isVisible()
    assert "always safe" in w.hint.text()
    assert removed == []


def test_remove_asks_for_every_pending_incident(qtbot, window):
    w = window()
    with qtbot.waitSignal(w.remove_requested, timeout=1000) as blocker:
        qtbot.mouseClick(w.remove_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [["preview"]]


def test_the_tool_going_away_turns_the_warning_into_done(qtbot, window):
    w = window()
    view = w.views["preview"]
    w.update_incident(dataclasses.replace(view, state=State.ENDED))
    assert w.pages.currentIndex() == DONE
    assert "has closed" in w.done_label.text()
    with qtbot.waitSignal(w.closed, timeout=1000):
        qtbot.mouseClick(w.done_button, Qt.MouseButton.LeftButton)
    assert not w.isVisible()


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
    w.allow_button.click()
    controls = w.findChildren(QAbstractButton) + w.findChildren(QCheckBox)
    assert len(controls) >= 7
    for control in controls:
        assert control.accessibleName(), control.text()
        assert control.accessibleDescription(), control.text()
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control.text()
        assert control.font().pointSize() >= 20, control.text()


def test_preview_renders_a_png_of_the_real_window(tmp_path, qapp, profiles, anydesk):
    out = render(
        anydesk,
        profiles.get("talktalk"),
        profiles.generic_for("GB"),
        tmp_path / "w.png",
        width=1024,
        height=700,
        page="confirm",
    )
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)
    # The band carries TalkTalk's colour from the profile.
    band = image.pixelColor(5, 5).name()
    assert band == profiles.get("talktalk").colours.background
