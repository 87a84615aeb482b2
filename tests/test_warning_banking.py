"""The banking warning (issue 16): someone is connected while the bank is open. Real widgets
offscreen; the incident is the sample one with the bank's name the engine sets."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator

import pytest
import shiboken6

from tests.test_warning import TODAY
from ui.warning.preview import sample_incident
from ui.warning.window import CHOICE, QUESTION, SCOPE, WarningWindow


@contextlib.contextmanager
def shown_warning(qtbot, profiles, view, wait: int = 30) -> Iterator[WarningWindow]:
    """The warning for ``view`` in TalkTalk's name, on a 1366x768 screen (offscreen)."""
    chosen = profiles.get("talktalk")
    w = WarningWindow(chosen, profiles.generic_for(chosen.country), wait, TODAY)
    try:
        w.show_incidents([view])
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        yield w
    finally:
        if shiboken6.isValid(w):  # a closed warning deletes itself
            w.dismiss()


@pytest.fixture
def banking_window(qtbot, profiles, shipped):
    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    view = dataclasses.replace(sample_incident(teamviewer, "linux"), banking="Barclays")
    with shown_warning(qtbot, profiles, view, wait=0) as w:
        yield w


def test_it_says_someone_is_connected_while_the_bank_is_open_and_leads_with_the_bank(
    banking_window: WarningWindow,
) -> None:
    text = banking_window.text()
    assert text.banking
    assert "connected to this computer through TeamViewer while your bank is open" in text.caught
    assert text.remove == "Disconnect now" and text.yes == "Yes: disconnect now"
    assert text.call_title == "Call your bank's fraud team"
    assert [n.number for n in text.provider_numbers] == ["159"]
    # The provider's own number is still there, under the bank's.
    assert any(n.number == "0345 172 0088" for n in text.other_numbers)
    assert banking_window.remove_button.text() == "Disconnect now"


def test_disconnect_now_is_the_big_button(qtbot, banking_window: WarningWindow) -> None:
    with qtbot.waitSignal(banking_window.remove_requested) as asked:
        banking_window.remove_button.click()
    assert asked.args == [["preview"]]


def test_the_slow_path_takes_the_same_steps_and_keeps_it_ten_minutes_at_most(
    qtbot, banking_window: WarningWindow
) -> None:
    w = banking_window
    assert w.pages.currentIndex() == CHOICE
    assert "keep the connection" in w.allow_button.text()
    w.allow_button.click()
    assert w.pages.currentIndex() == QUESTION
    assert "open your bank" in w.question.text()
    w.no_button.click()
    assert w.pages.currentIndex() == SCOPE
    assert w.until_closed_button.isHidden()  # never "until it closes" while banking
    assert w.hour_button.text() == "Keep the connection for 10 minutes"
    with qtbot.waitSignal(w.allow_requested) as asked:
        w.hour_button.click()
    assert asked.args == [["preview"], "10m"]


def test_a_warning_already_up_becomes_the_banking_warning_and_its_wait_starts_again(
    qtbot, profiles, shipped
) -> None:
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    view = sample_incident(anydesk, "linux")
    with shown_warning(qtbot, profiles, view) as w:
        w.remaining = 0  # the person waited out the ordinary warning
        w.show_incidents([dataclasses.replace(view, banking="Barclays")])
        assert w.remove_button.text() == "Disconnect now"
        assert w.until_closed_button.isHidden()
        assert w.remaining == 30 and not w.allow_button.isEnabled()
