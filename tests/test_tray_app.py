"""The tray app end to end: real processes, the real guard, the real warning, offscreen.

Each test's guard acts only on programs under its own temp folder (``only_under``) and
watches only a temp Downloads folder, so nothing else on the machine is ever frozen.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile

import psutil
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from guard.instance import GuardInstance, is_running, lock_dir
from guard.live import GuardOptions
from guard.state import changes, paths, settings
from guard.state.journal import JournalError, read
from guard.state.paths import journal_path
from tests.guard_rig import status
from tests.helpers import keep_resuming, resume_from_outside, wait_for
from tests.tray_rig import WAIT_MS, gone
from ui import cli as ui_cli
from ui.app import AppOptions, TrayApp
from ui.single_instance import ANSWERED, LISTENING, SingleInstance, server_name
from ui.tray import Menu, StatusWindow, status_of
from ui.warning import alerts
from ui.warning.window import CHOICE, DONE, QUESTION, SCOPE, WarningWindow


def _status(pid: int) -> str:
    """The status as the guard sees it (through the platform layer: Windows under Wine too)."""
    return status(pid)


def _warning(qtbot, app: TrayApp):
    qtbot.waitUntil(lambda: app.alerts.window is not None, timeout=WAIT_MS)
    window = app.alerts.window
    qtbot.waitExposed(window)
    return window


def test_a_fake_anydesk_is_frozen_warned_about_in_the_providers_name_and_removed(
    qtbot, start_tray, spawn
):
    app = start_tray("talktalk")
    assert app.status().state == "protected"
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    assert _status(tool.pid) == psutil.STATUS_STOPPED  # frozen before and while it warns
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    assert window.isVisible() and window.geometry() == window.screen().geometry()
    shown = " ".join(label.text() for label in window.findChildren(type(window.caught_label)))
    assert "0345 172 0088" in shown  # TalkTalk's own number, from its profile
    assert "159" in shown  # the UK bank line, from the generic profile
    assert "AnyDesk" in window.caught_label.text()
    assert app.status().state == "warning"
    qtbot.mouseClick(window.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == DONE, timeout=WAIT_MS)
    assert "has been removed" in window.caught_label.text()
    qtbot.mouseClick(window.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.alerts.window is None, timeout=WAIT_MS)
    assert app.status().state == "protected"


def test_nothing_lets_the_tool_run_before_the_wait_and_the_second_check(qtbot, start_tray, spawn):
    app = start_tray("generic-uk", allow_wait=30)
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    qtbot.mouseClick(window.allow_button, Qt.MouseButton.LeftButton)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
        qtbot.keyClick(window, key)
        qtbot.keyClick(window.remove_button, key)
    assert window.close() is False
    assert window.pages.currentIndex() == CHOICE
    assert window.isVisible()
    assert _status(tool.pid) == psutil.STATUS_STOPPED
    assert [v.id for v in app.guard.engine.incidents(pending_only=True)] == window.pending_ids


def test_allowing_after_the_wait_resumes_the_tool_and_closes_the_warning(qtbot, start_tray, spawn):
    app = start_tray("bt", allow_wait=1)
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    qtbot.waitUntil(window.allow_button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(window.allow_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == QUESTION
    qtbot.mouseClick(window.no_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == SCOPE
    qtbot.mouseClick(window.until_closed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.alerts.window is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _status(tool.pid) != psutil.STATUS_STOPPED, timeout=WAIT_MS)
    assert [v.state for v in app.guard.engine.incidents()] == ["allowed"]


def test_the_tool_exiting_while_the_warning_is_up_says_so(qtbot, start_tray, spawn):
    app = start_tray("sky")
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    tool.kill()  # the caller's tool dies (or they close it remotely)
    tool.wait(timeout=5)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == DONE, timeout=WAIT_MS)
    assert "has closed" in window.caught_label.text()
    assert window.done_button.isVisible()


def test_quit_asks_first_and_is_journalled(qtbot, start_tray):
    app = start_tray()
    dialog = app.request_quit()
    assert "that is a scam" in " ".join(
        label.text() for label in dialog.findChildren(type(app.status_window.headline))
    )
    assert dialog.keep_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc keeps it running
    assert app.guard is not None and app.running
    dialog = app.request_quit()
    with qtbot.waitSignals([app.stopped, app.quit_requested], timeout=WAIT_MS):
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    assert app.guard is None
    stops = [row for row in read(journal_path()) if row["kind"] == "stopped"]
    assert stops and "Quit" in stops[-1]["message"]
    assert stops[-1]["data"]["reason"] == "the person chose Quit in the tray menu"


def test_without_the_lock_the_tray_says_it_is_not_protecting(qtbot):
    held = GuardInstance()  # another guard (say `scamguard watch`) already runs
    try:
        app = TrayApp(AppOptions(use_tray=False, guard=GuardOptions(default_folders=False)))
        qtbot.addWidget(app.status_window)
        app.start()
        assert app.guard is None
        status = app.status()
        assert status.state == "paused"
        assert "already running" in status.detail
        assert app.status_window.isVisible()  # no tray here: the status window stands in
    finally:
        held.release()


def test_a_lock_held_by_another_program_is_shown_not_hidden_behind_protecting(
    qtbot, start_tray, spawn, tmp_path
):
    """A caller's ``flock guard.lock sleep 1d``: the tray protects anyway (a tool is still
    frozen) and says, in the icon's state and its words, that something holds the lock."""
    if shutil.which("flock") is None:
        pytest.skip("no flock(1) here")
    lock = lock_dir() / "guard.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    planter = subprocess.Popen(
        ["flock", str(lock), "sh", "-c", "echo locked; exec sleep 120"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert planter.stdout is not None and planter.stdout.readline().strip() == "locked"
        app = start_tray()
        status = app.status()
        assert status.state == "attention"
        assert f"held by process {planter.pid} (flock)" in status.detail
        assert "which is not ScamGuard" in app.status_window.detail.text()
        assert app.status_window.detail.isVisible()
        tool = spawn.start("anydesk")
        _warning(qtbot, app)
        qtbot.waitUntil(lambda: _status(tool.pid) == psutil.STATUS_STOPPED, timeout=WAIT_MS)
    finally:
        planter.kill()
        planter.wait(timeout=10)


def test_a_state_folder_that_is_a_file_is_shown_and_the_tray_still_protects(
    qtbot, start_tray, spawn, tmp_path, monkeypatch
):
    """Its state folder is a file: the settings still load from its config folder, the
    journal goes to a private temporary folder, and the tray says so."""
    fresh = tmp_path / "home"
    (fresh / "config").mkdir(parents=True)
    (fresh / "state").write_text("a file where the state folder should be")
    monkeypatch.setenv(paths.ENV_HOME, str(fresh))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    app = start_tray()
    status = app.status()
    assert status.state == "attention"
    assert "cannot be used (a file stands where a folder should be)" in status.detail
    assert "temporary folder" in status.tooltip
    tool = spawn.start("anydesk")
    _warning(qtbot, app)
    qtbot.waitUntil(lambda: _status(tool.pid) == psutil.STATUS_STOPPED, timeout=WAIT_MS)


def _confined_tray_script(folder, handover_wait: float | None = None) -> str:
    """``python -c`` source running the real entry point (``ui.app.run``) with its guard
    confined to ``folder`` and no tray icon; ``handover_wait`` shortens the wait for another
    tray's guard lock."""
    wait = f"ui.app.HANDOVER_WAIT_S = {handover_wait!r}\n" if handover_wait is not None else ""
    return (
        "import sys\n"
        "from pathlib import Path\n"
        "from guard.live import GuardOptions\n"
        "import ui.app\n"
        f"{wait}"
        f"options = GuardOptions(default_folders=False, only_under=Path({str(folder)!r}))\n"
        "sys.exit(ui.app.run([], ui.app.AppOptions(guard=options, use_tray=False)))\n"
    )


def test_states_are_ordered_by_urgency():
    assert status_of(True, False, False).state == "protected"
    assert status_of(True, False, True).state == "outdated"
    assert status_of(True, False, True, concern="lock held").state == "attention"
    assert status_of(False, False, True, "why", "lock held").state == "paused"
    assert status_of(False, False, True, "why").state == "paused"
    assert status_of(False, True, True).state == "warning"


def test_a_long_reason_is_shown_whole_in_the_status_window(qtbot):
    """A folder path and the program holding the lock make a reason of several lines: the
    window gives the reason the height it needs, so no line of it is cut off."""
    window = StatusWindow(Menu(), has_tray=False)
    qtbot.addWidget(window)
    reason = "the ScamGuard folder /home/alice/.local/state/scamguard cannot be used " * 4
    window.set_status(status_of(True, False, False, concern=reason))
    window.show()
    qtbot.waitExposed(window)
    detail = window.detail
    assert detail.text().startswith("The ScamGuard folder")
    qtbot.waitUntil(lambda: detail.height() >= detail.heightForWidth(detail.width()))


# A later ``scamguard`` launch, as a process of its own: it claims the same name and prints
# what ``SingleInstance.listen`` said (a second launch is always another process; under Wine
# a pipe client in the listening process's own thread is never answered).
SECOND_LAUNCH = """
import sys
from PySide6.QtCore import QCoreApplication
from ui.single_instance import SingleInstance
app = QCoreApplication([])
print(SingleInstance(sys.argv[1]).listen(), flush=True)
"""


def _second_launch(name: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-c", SECOND_LAUNCH, name], env=env, stdout=subprocess.PIPE, text=True
    )


def _said(launch: subprocess.Popen[str]) -> str:
    out, _err = launch.communicate(timeout=60)
    return out.strip()


def test_a_second_launch_brings_the_first_forward(qtbot):
    first = SingleInstance()
    assert first.listen() == LISTENING
    assert first.name == server_name()
    try:
        with qtbot.waitSignal(first.show_requested, timeout=WAIT_MS):
            second = _second_launch(first.name)
        assert _said(second) == ANSWERED
    finally:
        first.close()


def test_a_second_tray_hands_over_to_the_running_one_and_exits(qtbot, tmp_path):
    """The real entry point (``ui.app.run``), in its own process: it tells the first tray and
    exits 0. Its guard is confined to a temp folder and the guard lock is held, so even a
    broken hand-over could not freeze anything, and it is killed whatever happens."""
    first = SingleInstance()
    assert first.listen() == LISTENING
    held = GuardInstance()
    script = _confined_tray_script(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    second = None
    try:
        with qtbot.waitSignal(first.show_requested, timeout=WAIT_MS):
            second = subprocess.Popen(
                [sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True
            )
        _out, err = second.communicate(timeout=60)
    finally:
        if second is not None and second.poll() is None:
            second.kill()
            second.wait()
        held.release()
        first.close()
    assert second.returncode == 0
    assert "already running" in err


def test_a_program_squatting_on_the_socket_cannot_switch_the_tray_off(qtbot, tmp_path):
    """Any program (another user's, even) can listen on the socket name; without a guard
    holding this user's lock, its answer is not believed and the tray carries on."""
    squatter = SingleInstance()
    assert squatter.listen() == LISTENING
    script = _confined_tray_script(tmp_path, handover_wait=0.5)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    tray = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert "carrying on" in tray.stderr.readline()
        wait_for(is_running, timeout=30, message="the tray's own guard")
        assert tray.poll() is None
    finally:
        tray.send_signal(signal.SIGINT)
        tray.wait(timeout=30)
        squatter.close()


def test_a_supervised_tray_waits_for_another_guard_instead_of_exiting(monkeypatch):
    held = GuardInstance()
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            held.release()  # the other copy ends (someone killed it)

    monkeypatch.setenv("SCAMGUARD_SUPERVISED", "1")
    try:
        ui_cli.wait_for_other_guard(poll=0.01, sleep=nap)
    finally:
        held.release()
    assert len(naps) == 3 and not is_running()
    monkeypatch.delenv("SCAMGUARD_SUPERVISED")
    held = GuardInstance()
    try:
        ui_cli.wait_for_other_guard(sleep=nap)  # not supervised: hand over as before
    finally:
        held.release()
    assert len(naps) == 3


def _warnings_on_screen() -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, WarningWindow)]


def test_stopping_with_a_warning_up_closes_it_and_opens_no_other(qtbot, start_tray, spawn):
    app = start_tray()
    tool = spawn.start("anydesk")
    _warning(qtbot, app)
    app.stop("test: quitting with a warning up")
    qtbot.waitUntil(
        lambda: not [w for w in _warnings_on_screen() if w.isVisible()], timeout=WAIT_MS
    )
    assert app.guard is None and app.status().state == "paused"
    assert _status(tool.pid) == psutil.STATUS_STOPPED  # stopping is not a decision


def test_a_folder_change_restarts_the_guard_only_once_nothing_is_open(qtbot, start_tray, spawn):
    app = start_tray(allow_wait=0)
    app.check_updates()  # a box that deletes itself must not trip the restart later
    boxes = [w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Updates"]
    assert len(boxes) == 1 and boxes[0].isVisible()
    boxes[0].close()
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    first = app.guard
    app.restart_guard("test: folders changed")
    assert app.guard is first  # not while the tool waits for a decision
    window.allow_button.click()
    window.no_button.click()
    window.until_closed_button.click()
    qtbot.waitUntil(lambda: app.alerts.window is None, timeout=WAIT_MS)
    assert app.guard is first  # nor while it is allowed: a new engine would freeze it again
    assert _status(tool.pid) != psutil.STATUS_STOPPED
    tool.kill()
    tool.wait(timeout=5)
    qtbot.waitUntil(lambda: app.guard is not first and app.running, timeout=WAIT_MS)
    stops = [row for row in read(journal_path()) if row["kind"] == "stopped"]
    assert stops[-1]["data"]["reason"] == "test: folders changed"


def test_a_trusted_program_starting_is_shown_once_with_a_way_out(qtbot, start_tray, spawn, shipped):
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    changes.add_trust(anydesk, "test: set up by my son")
    app = start_tray()
    tool = spawn.start("anydesk")
    qtbot.waitUntil(lambda: len(app.notices) == 1, timeout=WAIT_MS)
    notice = app.notices[0]
    assert _status(tool.pid) != psutil.STATUS_STOPPED  # trusted: left running
    assert app.alerts.window is None  # no full-screen warning for it
    qtbot.mouseClick(notice.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
    assert "anydesk" not in settings.load().trusted


def test_who_to_call_shows_the_chosen_providers_number(qtbot, start_tray):
    app = start_tray("sky")
    window = app.open_window("numbers")
    qtbot.addWidget(window)
    shown = " ".join(label.text() for label in window.findChildren(type(window.panel.numbers[0])))
    assert "03442 414 141" in shown and "159" in shown


def test_if_the_warning_cannot_be_built_a_plain_one_stands_in(
    qtbot, start_tray, spawn, monkeypatch
):
    def broken(*_args, **_kwargs):
        raise KeyError("tools")  # as a translation with a wrong placeholder would

    monkeypatch.setattr(alerts, "WarningWindow", broken)
    app = start_tray()
    tool = spawn.start("anydesk")
    qtbot.waitUntil(lambda: app.alerts.fallback is not None, timeout=WAIT_MS)
    fallback = app.alerts.fallback
    assert fallback.isVisible() and fallback.close() is False
    assert app.status().state == "warning"
    assert _status(tool.pid) == psutil.STATUS_STOPPED
    qtbot.mouseClick(fallback.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.alerts.fallback is None, timeout=WAIT_MS)
    problems = [r["message"] for r in read(journal_path()) if r["kind"] == "error"]
    assert any("the warning could not be shown" in p for p in problems)


def test_sigterm_or_ctrl_c_stops_the_tray_cleanly_and_journals_it(tmp_path):
    """The real entry point in its own process, its guard confined to a temp folder. Qt 6's
    quit() would be refused by the status window (it ignores close); the tray must still go."""
    script = _confined_tray_script(tmp_path)

    def count(kind: str) -> int:
        try:
            return sum(1 for r in read(journal_path()) if r["kind"] == kind)
        except JournalError:  # the tray is creating the journal at this very moment
            return 0

    for signum in (signal.SIGTERM, signal.SIGINT):
        started = count("started")
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(
                lambda n=started, p=proc: count("started") > n or p.poll() is not None,
                timeout=30,
                message="the tray's guard to start",
            )
            assert proc.poll() is None
            proc.send_signal(signum)
            assert proc.wait(timeout=15) == (143 if signum == signal.SIGTERM else 0)
        finally:
            if proc.poll() is None:
                proc.kill()
        stops = [r for r in read(journal_path()) if r["kind"] == "stopped"]
        assert len(stops) == started + 1
        expected = "the app was told to stop" if signum == signal.SIGTERM else "(Ctrl-C)"
        assert expected in stops[-1]["data"]["reason"]


# --- a warning that goes without the person choosing ---


def _vanish(window: WarningWindow, how: str) -> None:
    """What a window manager, ``xdotool windowclose`` or a crash does to the warning."""
    if how == "deleted":
        shiboken6.delete(window)  # the widget itself is gone, without a close
    elif how == "deleteLater":
        window.deleteLater()
    elif how == "native window destroyed":
        window.windowHandle().destroy()  # the native window goes; the widget is left hidden
    elif how == "minimised":
        window.showMinimized()
    else:
        raise ValueError(how)


def _shown(app: TrayApp) -> WarningWindow | None:
    """The warning, if one is really on screen (alive, visible, not minimised)."""
    for window in _warnings_on_screen():
        if shiboken6.isValid(window) and window.isVisible() and not window.isMinimized():
            return window
    return None


@pytest.mark.parametrize("how", ["deleted", "deleteLater", "native window destroyed", "minimised"])
def test_a_warning_destroyed_from_outside_comes_back_while_the_tool_waits(
    qtbot, start_tray, spawn, how
):
    app = start_tray()
    tool = spawn.start("anydesk")
    first = _warning(qtbot, app)
    _vanish(first, how)
    if how.startswith("delete"):
        qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _shown(app) is not None, timeout=WAIT_MS)
    window = _shown(app)
    assert app.alerts.window is window and window.isFullScreen()
    assert "AnyDesk" in window.caught_label.text() and window.pages.currentIndex() == CHOICE
    assert app.status().state == "warning"
    assert _status(tool.pid) == psutil.STATUS_STOPPED  # it never let the tool run
    # The next tool still gets its warning (not a call on a dead window).
    second = spawn.start("teamviewer")
    qtbot.waitUntil(
        lambda: _shown(app) is not None and "TeamViewer" in _shown(app).caught_label.text(),
        timeout=WAIT_MS,
    )
    assert len(_shown(app).pending_ids) == 2
    assert _status(second.pid) == psutil.STATUS_STOPPED
    qtbot.mouseClick(_shown(app).remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(tool) and gone(second), timeout=WAIT_MS)


@pytest.mark.parametrize("how", ["deleted", "native window destroyed", "minimised"])
def test_show_the_warning_and_a_second_launch_bring_it_back_for_a_waiting_tool(
    qtbot, start_tray, spawn, how, monkeypatch
):
    """Even when nothing brings it back by itself (here, the controller's own recovery is
    switched off), the tray menu and a second ``scamguard`` launch do."""
    app = start_tray()
    spawn.start("anydesk")
    first = _warning(qtbot, app)
    monkeypatch.setattr(app.alerts, "_come_back", lambda *_: None)
    monkeypatch.setattr(WarningWindow, "_come_back", lambda *_: None)
    _vanish(first, how)
    qtbot.waitUntil(lambda: _shown(app) is None, timeout=WAIT_MS)
    app.menu.warning_action.trigger()  # "Show the warning"
    qtbot.waitUntil(lambda: _shown(app) is not None, timeout=WAIT_MS)
    assert "AnyDesk" in _shown(app).caught_label.text()
    _vanish(_shown(app), how)
    qtbot.waitUntil(lambda: _shown(app) is None, timeout=WAIT_MS)
    launcher = SingleInstance()
    assert launcher.listen() == LISTENING
    try:
        launcher.show_requested.connect(app.bring_forward)  # as ``ui.app.run`` wires it
        with qtbot.waitSignal(launcher.show_requested, timeout=WAIT_MS):
            second = _second_launch(launcher.name)  # ``scamguard`` launched again
        assert _said(second) == ANSWERED
    finally:
        launcher.close()
    qtbot.waitUntil(lambda: _shown(app) is not None, timeout=WAIT_MS)
    assert app.alerts.window is _shown(app) and "AnyDesk" in _shown(app).caught_label.text()


def test_a_warning_destroyed_on_its_last_page_is_simplygone(qtbot, start_tray, spawn):
    """Nothing waits: no new warning, the tray says protected again, stopping works."""
    app = start_tray()
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    qtbot.mouseClick(window.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == DONE, timeout=WAIT_MS)
    assert gone(tool)
    shiboken6.delete(window)
    qtbot.waitUntil(lambda: app.status().state == "protected", timeout=WAIT_MS)
    assert _shown(app) is None and app.alerts.window is None
    app.show_warning()  # nothing to show: no crash, no empty warning
    assert _shown(app) is None
    app.stop("test: stopping after the warning went")
    assert app.status().state == "paused"


# --- after Remove, and a tool woken from outside ---


def _remove_and_finish(qtbot, app: TrayApp, tool) -> None:
    window = _warning(qtbot, app)
    qtbot.mouseClick(window.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == DONE, timeout=WAIT_MS)
    qtbot.mouseClick(window.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.alerts.window is None, timeout=WAIT_MS)


def test_a_relaunch_after_remove_gets_one_small_notice_with_who_to_call(qtbot, start_tray, spawn):
    app = start_tray("talktalk")
    _remove_and_finish(qtbot, app, spawn.start("anydesk"))
    again = spawn.start("anydesk")  # "the program closed, just open it again"
    qtbot.waitUntil(lambda: len(app.again.notices()) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: gone(again), timeout=WAIT_MS)
    [notice] = app.again.notices()
    assert notice.isVisible() and not notice.isFullScreen()
    assert notice.said.text() == "AnyDesk tried to start again and was stopped."
    assert _shown(app) is None  # no full-screen warning for a tool already removed
    third = spawn.start("anydesk")
    qtbot.waitUntil(lambda: "2 times" in notice.said.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: gone(third), timeout=WAIT_MS)
    assert app.again.notices() == [notice]  # updated, not stacked
    qtbot.mouseClick(notice.numbers_button, Qt.MouseButton.LeftButton)
    numbers = app.windows["numbers"]
    qtbot.addWidget(numbers)
    assert numbers.isVisible()
    shown = " ".join(label.text() for label in numbers.findChildren(type(notice.said)))
    assert "0345 172 0088" in shown  # TalkTalk's own number
    app.stop("test finished")
    assert not any(n.isVisible() for n in app.again.notices())  # quitting closes it too


def test_a_tool_resumed_from_outside_is_frozen_again_and_the_warning_says_so(
    qtbot, start_tray, spawn
):
    app = start_tray()
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    assert "has stopped it" in window.frozen_label.text()
    assert "from outside ScamGuard" not in window.frozen_label.text()
    resume_from_outside(tool.pid)  # what a caller dictates: "type kill -CONT ..."
    qtbot.waitUntil(lambda: "from outside ScamGuard" in window.frozen_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _status(tool.pid) == psutil.STATUS_STOPPED, timeout=WAIT_MS)
    said = window.frozen_label.text()
    assert "has stopped it" in said and "It has been stopped again." in said
    assert window.pages.currentIndex() == CHOICE


def test_a_tool_that_cannot_be_held_is_closed_and_the_warning_says_closed(qtbot, start_tray, spawn):
    app = start_tray("talktalk")
    tool = spawn.start("anydesk")
    window = _warning(qtbot, app)
    with keep_resuming(tool.pid):  # a script the caller left running
        qtbot.waitUntil(lambda: window.pages.currentIndex() == DONE, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: gone(tool), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "ScamGuard closed it" in window.caught_label.text(), timeout=WAIT_MS)
    said = window.caught_label.text()
    assert "could not be kept stopped" in said and "Hang up now" in said
    assert "removed" not in said and "frozen" not in said
