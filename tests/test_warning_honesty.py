"""The warning never says "ScamGuard has stopped it" when that is no longer true.

A caller can wake a frozen tool from outside (``kill -CONT``, a script, a debugger). The
engine freezes it again ("resumed-from-outside", refrozen) or, if it cannot hold it, closes
it ("blocked" with reason "could-not-hold"). These tests build the incident views the engine
hands the tray (the event contract in guard/state/events.py and docs/cli.md) and read what
the real window says; the same path with real processes is in test_tray_app.py.
"""

from __future__ import annotations

import dataclasses

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QScrollArea

from guard.engine.incidents import IncidentView, State
from guard.providers.model import ProfileSet
from guard.state.events import GuardEvent
from tests.test_warning import _day_after_the_numbers_were_checked
from ui.warning import text as warning_text
from ui.warning.preview import sample_incident
from ui.warning.text import Caught
from ui.warning.window import CHOICE, DONE, WarningWindow

# "Today" derived from the shipped data, as in test_warning: never a fixed calendar date.
TODAY = _day_after_the_numbers_were_checked()
RESTARTED = "Someone tried to restart it from outside ScamGuard. It has been stopped again."


@pytest.fixture
def frozen(shipped) -> IncidentView:
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    return sample_incident(anydesk, "linux")


def _event(view: IncidentView, kind: str, message: str, **data: object) -> GuardEvent:
    return GuardEvent(
        kind,
        message,
        incident=view.id,
        tool=view.tool.id,
        tool_name=view.tool.name,
        data=data,
    )


def _resumed(view: IncidentView, *, refrozen: bool, state: str = "frozen") -> IncidentView:
    """The view as the engine hands it after a ``kill -CONT``: the member counts the resume."""
    pid = view.processes[0]["pid"]
    said = (
        f"AnyDesk was resumed from outside ScamGuard (pid {pid}); it is frozen again"
        if refrozen
        else f"AnyDesk was started again from outside ScamGuard (pid {pid}) and cannot be "
        "kept stopped; ScamGuard is closing it"
    )
    event = _event(view, "resumed-from-outside", said, pids=[pid], refrozen=refrozen)
    process = {**view.processes[0], "state": state, "resumed_from_outside": 1}
    return dataclasses.replace(view, processes=(process,), timeline=(*view.timeline, event))


def _closed_by_guard(view: IncidentView, *, with_blocked_event: bool = True) -> IncidentView:
    """Could not be held, so the engine closed it (the "blocked" event comes after the files
    are moved: a view fetched in between has only the "resumed-from-outside" one)."""
    tried = _resumed(view, refrozen=False, state="killed")
    timeline = tried.timeline
    if with_blocked_event:
        timeline += (
            _event(
                view,
                "blocked",
                "AnyDesk was started again from outside ScamGuard and could not be kept "
                "stopped, so ScamGuard closed it (1 program(s) stopped)",
                killed=[view.processes[0]["pid"]],
                quarantined=[],
                problems=[],
                reason="could-not-hold",
            ),
        )
    return dataclasses.replace(tried, state=State.BLOCKED, timeline=timeline)


def _frozen_line(profiles: ProfileSet, *views: IncidentView) -> str:
    generic = profiles.get("generic-uk")
    caught = [Caught.from_incident(v) for v in views]
    return warning_text.build(caught, generic, generic, TODAY).frozen


@pytest.fixture
def window(qtbot, profiles):
    made: list[WarningWindow] = []

    def make(view: IncidentView) -> WarningWindow:
        talktalk = profiles.get("talktalk")
        w = WarningWindow(talktalk, profiles.generic_for("GB"), 30, TODAY)
        w.show_incidents([view])
        w.resize(1600, 1000)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        if shiboken6.isValid(w):
            w.dismiss()


# --- the words ---


def test_refrozen_after_a_resume_from_outside_still_says_stopped_and_says_what_happened(
    profiles, frozen
):
    before = _frozen_line(profiles, frozen)
    assert "has stopped it" in before and RESTARTED not in before
    after = _frozen_line(profiles, _resumed(frozen, refrozen=True))
    assert after.startswith(before)  # still stopped: the same words first
    assert after.endswith(RESTARTED)


def test_the_restart_line_names_the_tool_when_several_are_shown(profiles, frozen, shipped):
    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    other = dataclasses.replace(sample_incident(teamviewer, "linux"), id="second")
    line = _frozen_line(profiles, _resumed(frozen, refrozen=True), other)
    assert "has stopped them" in line or "has stopped" in line
    assert "Someone tried to restart AnyDesk from outside ScamGuard." in line
    assert "It has been stopped again." in line


@pytest.mark.parametrize("state", ["running", "denied"])
def test_a_resume_not_yet_undone_never_says_stopped(profiles, frozen, state):
    """Between the caller's ``kill -CONT`` and the freeze that undoes it, or when the new
    freeze is refused, the tool is running: the warning must not say it is stopped."""
    line = _frozen_line(profiles, _resumed(frozen, refrozen=False, state=state))
    assert "could not stop it" in line
    assert "has stopped" not in line and "stopped again" not in line


@pytest.mark.parametrize(
    ("incident_state", "member_state", "role"),
    [
        ("frozen", "running", "tool"),
        ("frozen", "denied", "tool"),
        ("detected", "running", "tool"),
        ("detected", "denied", "tool"),
        ("frozen", "exempt", "tool"),
        ("detected", "running", "child"),  # only a helper of it is known, and it runs
    ],
)
def test_no_frozen_process_never_claims_stopped(
    profiles, frozen, incident_state, member_state, role
):
    process = {**frozen.processes[0], "state": member_state, "role": role}
    installer = {"path": "/home/pat/Downloads/AnyDesk.exe", "how": "created", "state": "present"}
    view = dataclasses.replace(
        frozen, state=State(incident_state), processes=(process,), files=(installer,)
    )
    line = _frozen_line(profiles, view)
    assert "stopped" not in line.replace("could not stop", ""), line
    assert "could not stop it" in line


def test_a_tool_that_ran_and_closed_is_called_closed_not_stopped(profiles, frozen):
    """Still waiting (its installer is in Downloads), but the program itself has exited:
    nothing is frozen, so "ScamGuard has stopped it" would be untrue."""
    process = {**frozen.processes[0], "state": "exited"}
    installer = {"path": "/home/pat/Downloads/AnyDesk.exe", "how": "created", "state": "present"}
    view = dataclasses.replace(frozen, processes=(process,), files=(installer,))
    line = _frozen_line(profiles, view)
    assert "stopped" not in line
    assert "It has closed" in line


def test_a_download_that_never_ran_is_not_called_stopped(profiles, frozen):
    installer = {"path": "/home/pat/Downloads/AnyDesk.exe", "how": "created", "state": "present"}
    view = dataclasses.replace(frozen, state=State.DETECTED, processes=(), files=(installer,))
    line = _frozen_line(profiles, view)
    assert "stopped" not in line
    assert "has not been opened" in line


def _switched_on(view: IncidentView, shipped, *, with_server: bool) -> IncidentView:
    """Remote Desktop switched on (guard/watch/remote_switches.py); with its server program
    frozen too, or as a setting alone."""
    rdp = next(t for t in shipped.tools if t.id == "windows-remote-desktop")
    switch = {"switch": "windows-rdp", "title": "Remote Desktop", "how": "turned-on",
              "state": "on", "note": "", "seen": "2000-01-01T00:00:00"}  # fmt: skip
    return dataclasses.replace(
        view,
        tool=rdp,
        state=State.FROZEN if with_server else State.DETECTED,
        processes=view.processes if with_server else (),
        files=(),
        switches=(switch,),
    )


def test_a_setting_switched_on_is_never_called_stopped(profiles, frozen, shipped):
    """A setting cannot be frozen: the warning says it is on, and how to switch it off."""
    view = _switched_on(frozen, shipped, with_server=False)
    generic = profiles.get("generic-uk")
    said = warning_text.build([Caught.from_incident(view)], generic, generic, TODAY)
    assert "was just switched on" in said.caught
    assert "stopped" not in said.frozen
    assert "still switched on" in said.frozen and "Switch it off" in said.frozen
    # The safe button says what it does to a setting, and closing the screen is not
    # passed off as safe: nothing is frozen.
    assert said.remove.startswith("Switch") and said.yes == "Yes: switch it off"
    assert "Closing this screen leaves it switched on" in said.remove_explains
    assert "Remove" not in said.remove_explains


def test_a_frozen_server_with_its_setting_still_on_says_both(profiles, frozen, shipped):
    view = _switched_on(frozen, shipped, with_server=True)
    line = _frozen_line(profiles, view)
    first, second = line.split("\n")
    assert "has stopped it" in first
    assert "still switched on" in second
    generic = profiles.get("generic-uk")
    said = warning_text.build([Caught.from_incident(view)], generic, generic, TODAY)
    assert "Closing this screen leaves it switched on" in said.remove_explains


# --- the window ---


def test_the_open_warning_adds_the_restart_line_and_a_screen_reader_hears_it(window, frozen):
    w = window(frozen)
    assert RESTARTED not in w.frozen_label.text()
    w.update_incident(_resumed(frozen, refrozen=True))
    assert w.pages.currentIndex() == CHOICE
    assert "has stopped it" in w.frozen_label.text()
    assert RESTARTED in w.frozen_label.text()
    assert RESTARTED in w.frozen_label.accessibleName()


def test_the_open_warning_stops_saying_stopped_while_the_tool_runs(window, frozen):
    w = window(frozen)
    assert "has stopped it" in w.frozen_label.text()
    w.update_incident(_resumed(frozen, refrozen=False, state="running"))
    for said in (w.frozen_label.text(), w.frozen_label.accessibleName()):
        assert "has stopped" not in said and "could not stop it" in said


@pytest.mark.parametrize("with_blocked_event", [True, False])
def test_a_tool_that_could_not_be_held_is_said_to_be_closed_not_frozen_or_removed(
    window, frozen, with_blocked_event
):
    w = window(frozen)
    w.update_incident(_closed_by_guard(frozen, with_blocked_event=with_blocked_event))
    assert w.pages.currentIndex() == DONE
    said = w.caught_label.text()
    assert (
        "AnyDesk was started again from outside ScamGuard and could not be kept stopped, so "
        "ScamGuard closed it." in said
    )
    assert "frozen" not in said and "has stopped" not in said and "removed" not in said
    assert "Hang up now" in said and "0345 172 0088" in said
    assert said == w.caught_label.accessibleName()


def test_the_questions_for_a_setting_ask_about_switching_it_on_and_keeping_it_on(
    window, frozen, shipped
):
    """A setting does not "run" or "close": the later pages ask whether anyone asked to
    switch it on, and how long it may stay on (and say the warning comes back)."""
    w = window(_switched_on(frozen, shipped, with_server=False))
    assert "ask you to switch on Windows Remote Desktop" in w.question.text()
    assert w.yes_button.text() == "Yes: switch it off"
    assert w.until_closed_button.text() == "Leave it on until I switch it off"
    assert w.hour_button.text() == "Leave it on for 1 hour"
    assert "warns again" in w.hour_button.accessibleDescription()


NEEDS_ADMIN = (
    "Windows did not let ScamGuard switch Remote Desktop off (it needs an administrator): "
    "open Settings > System > Remote Desktop and turn it off"
)


@pytest.mark.parametrize("outcome", ["failed", "off"])
def test_after_remove_a_setting_is_said_switched_off_or_not(window, frozen, shipped, outcome):
    """Switching Remote Desktop off needs an administrator: when it failed, the done page
    says so and how to do it by hand, never "removed"; when it worked, "switched off"."""
    view = _switched_on(frozen, shipped, with_server=False)
    w = window(view)
    switch = {
        **view.switches[0],
        "state": outcome,
        "note": NEEDS_ADMIN if outcome == "failed" else "",
    }
    w.update_incident(dataclasses.replace(view, state=State.BLOCKED, switches=(switch,)))
    assert w.pages.currentIndex() == DONE
    said = w.caught_label.text()
    assert "removed" not in said
    if outcome == "failed":
        assert "could not switch off Remote Desktop" in said and NEEDS_ADMIN in said
        assert "turn off the internet" in said
    else:
        assert "Windows Remote Desktop has been switched off." in said and "Hang up now" in said


def test_one_tool_closed_by_scamguard_and_one_removed_are_each_said_as_they_happened(
    window, frozen, shipped
):
    teamviewer = next(t for t in shipped.tools if t.id == "teamviewer")
    other = dataclasses.replace(sample_incident(teamviewer, "linux"), id="second")
    w = window(frozen)
    w.show_incidents([other])
    w.update_incident(_closed_by_guard(frozen))
    assert w.pages.currentIndex() == CHOICE  # TeamViewer still waits
    killed = ({**other.processes[0], "state": "killed"},)
    w.update_incident(dataclasses.replace(other, state=State.BLOCKED, processes=killed))
    said = w.caught_label.text()
    assert "AnyDesk was started again from outside ScamGuard" in said
    assert "so ScamGuard closed it. TeamViewer has been removed. Hang up now." in said


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_new_lines_are_on_screen_without_scrolling(tmp_path, window, frozen, size):
    """Rendered at the two commonest laptop and desktop sizes (the PNGs are what a person
    would see): the restart line, and the "closed it" page, are in view."""
    w = window(frozen)
    w.resize(*size)
    w.update_incident(_resumed(frozen, refrozen=True))
    QApplication.processEvents()
    assert w.grab().save(str(tmp_path / f"refrozen-{size[0]}x{size[1]}.png"), "PNG")
    viewport = w.frozen_label.parentWidget()
    while not isinstance(viewport, QScrollArea):
        viewport = viewport.parentWidget()
    seen = viewport.viewport().rect()
    where = w.frozen_label.mapTo(viewport.viewport(), w.frozen_label.rect().bottomRight())
    assert seen.contains(where), (where, seen)
    w.update_incident(_closed_by_guard(frozen))
    QApplication.processEvents()
    assert w.grab().save(str(tmp_path / f"closed-{size[0]}x{size[1]}.png"), "PNG")
    where = w.caught_label.mapTo(viewport.viewport(), w.caught_label.rect().bottomRight())
    assert seen.contains(where), (where, seen)
    assert w.done_button.isVisible()
