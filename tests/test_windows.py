"""The tray's small windows: history, settings, about. Real files under a temp home, a real
SQLite journal, the real Linux autostart adapter in a temp XDG folder; no dialogs."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QWidget,
)

import guard
from guard.platform import autostart
from guard.platform.autostart import AutostartError
from guard.providers.active import load_active_profiles
from guard.providers.model import ProfileSet
from guard.sigdb.model import SignatureSet
from guard.state import changes, journal, machine_config, paths, settings
from guard.state.events import GuardEvent
from guard.state.paths import journal_path
from ui import widgets
from ui.windows import AboutWindow, HistoryWindow, SettingsWindow, common
from ui.windows.history import outcome

WAIT_MS = 5000


@pytest.fixture(autouse=True)
def _no_real_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing here may touch a real autostart folder, even by accident."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg-system"))


@pytest.fixture(scope="module")
def profiles() -> ProfileSet:
    loaded, problems = load_active_profiles()
    assert not problems and len(loaded) > 1
    return loaded


def write_journal(events: Sequence[GuardEvent]) -> None:
    lines: list[str] = []
    conn = journal.connect(journal_path(), lines.append)
    try:
        journal.append(conn, events)
    finally:
        conn.close()
    assert not lines


def incident(start: float, tool: str = "anydesk", name: str = "AnyDesk") -> list[GuardEvent]:
    def ev(kind: str, message: str, at: float, **data: object) -> GuardEvent:
        return GuardEvent(
            kind, message, incident=f"{tool}-1", tool=tool, tool_name=name, data=data, time=at
        )

    return [
        ev("detected", f"{name} was started (pid 4242)", start),
        ev("frozen", f"{name} is frozen (pids 4242)", start + 0.05),
        ev("blocked", f"{name} was removed (1 program(s) stopped)", start + 30),
    ]


def controls(window: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QLineEdit, QListWidget, QTableWidget)
    return [w for w in window.findChildren(QWidget) if isinstance(w, kinds)]


def check_readable(window: QWidget) -> None:
    """Large type everywhere; every control named for a screen reader; a title."""
    assert "ScamGuard" in window.windowTitle()
    assert common.smallest_point_size(window) >= widgets.MIN_PT
    ours = [w for w in controls(window) if _ours(w)]
    assert ours
    unnamed = [type(w).__name__ for w in ours if not w.accessibleName()]
    assert not unnamed, unnamed


def _ours(widget: QWidget) -> bool:
    """Controls we made, not Qt's own innards (scroll bar buttons, the tab bar's arrows)."""
    return not widget.objectName().startswith("qt_") and type(widget).__name__ not in (
        "QToolButton",
        "QTabBar",
    )


# --- history -----------------------------------------------------------------------------


def test_history_shows_incidents_newest_first_and_a_timeline(qtbot) -> None:
    now = time.time()
    ended = GuardEvent(
        "ended",
        "UltraViewer closed",
        incident="ultraviewer-1",
        tool="ultraviewer",
        tool_name="UltraViewer",
        time=now - 7199,
    )
    older = [incident(now - 7200, "ultraviewer", "UltraViewer")[0], ended]
    write_journal([*older, *incident(now - 60)])
    window = HistoryWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    assert window.table.rowCount() == 2
    assert window.status.isHidden()
    cells = [[window.table.item(r, c).text() for c in range(3)] for r in range(2)]
    assert cells[0][1] == "AnyDesk" and cells[0][2] == "Frozen, then removed"
    assert cells[1][1] == "UltraViewer" and cells[1][2] == "Closed by itself"
    assert cells[0][0].startswith(("Today at", "Yesterday at"))
    assert window.timeline.rowCount() == 0

    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.timeline.rowCount() == 3, timeout=WAIT_MS)
    steps = [window.timeline.item(r, 1).text() for r in range(3)]
    assert steps == [
        "AnyDesk was started (pid 4242)",
        "AnyDesk is frozen (pids 4242)",
        "AnyDesk was removed (1 program(s) stopped)",
    ]
    assert "AnyDesk" in window.timeline_title.text()

    # Refresh picks up a new incident and keeps the selection on the same one.
    write_journal(incident(now - 5, "teamviewer", "TeamViewer"))
    window.refresh_button.click()
    assert window.table.rowCount() == 3
    assert window.table.item(0, 1).text() == "TeamViewer"
    assert window.selected() is not None and window.selected()["name"] == "AnyDesk"
    assert window.timeline.rowCount() == 3
    check_readable(window)


def test_history_shows_settings_changes_a_caller_may_have_dictated(qtbot) -> None:
    changes.set_provider("talktalk", "TalkTalk", report=lambda _line: None)
    window = HistoryWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.table.rowCount() == 1
    assert window.table.item(0, 2).text() == (
        "Settings changed: the warning's provider is now TalkTalk"
    )


def test_history_without_a_journal_says_so_in_one_line(qtbot) -> None:
    assert not journal_path().exists()
    window = HistoryWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.status.isVisible()
    assert window.status.text().startswith("No history yet")
    assert window.table.isHidden() and window.timeline.isHidden()


def test_history_with_a_damaged_journal_shows_the_reason_not_a_traceback(qtbot) -> None:
    journal_path().parent.mkdir(parents=True, exist_ok=True)
    journal_path().write_bytes(b"this is not a database" * 100)
    window = HistoryWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.status.isVisible()
    assert "cannot be read" in window.status.text() and "damaged" in window.status.text()
    assert "Traceback" not in window.status.text()
    assert window.table.isHidden()


def test_history_outcome_words() -> None:
    def entry(state: str, *kinds: str, **last: object) -> dict[str, object]:
        events = [{"event": k, "time": "2026-11-22T10:00:00.000+00:00"} for k in kinds]
        events[-1].update(last)
        return {"state": state, "events": events}

    hour = {"scope": "for", "expires": "2026-11-22T11:00:00.000+00:00"}
    assert outcome(entry("allowed", "detected", "frozen", "allowed", **hour)) == (
        "Allowed for 1 hour"
    )
    assert outcome(entry("allowed", "detected", "allowed", scope="until-closed")) == (
        "Allowed until it closed"
    )
    assert outcome(entry("ended", "detected", "frozen", "ended")) == "Frozen, then closed"
    assert outcome(entry("blocked", "installer", "blocked")) == "Removed"
    assert outcome(entry("detected", "detected", "error")) == "Seen, but it could not be frozen"


# --- settings ----------------------------------------------------------------------------


def _checked_day(profiles: ProfileSet) -> dt.date:
    """The day the shipped numbers were checked: what they look like then, whatever the
    calendar says when the suite runs (their going stale later is tested on its own)."""
    return min(p.oldest_check for p in profiles.profiles.values())


def make_settings(
    qtbot, profiles: ProfileSet, shipped: SignatureSet, auto=None, wait: int = 0, **kw
) -> SettingsWindow:
    window = SettingsWindow(profiles, shipped.tools, auto, trust_wait=wait, **kw)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_settings_shows_the_default_provider_and_saves_a_choice(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = make_settings(qtbot, profiles, shipped)
    provider = window.provider_tab
    combo = provider.provider_combo
    default, _ = provider.active_profile()
    assert default.generic and combo.currentData() == default.id
    assert "No provider:" in combo.currentText()
    assert combo.count() == len(profiles)
    assert provider.provider_note.isVisible() and "Not chosen yet" in provider.provider_note.text()

    provider.today = _checked_day(profiles)  # the shipped numbers as on the day they were checked
    with qtbot.waitSignal(window.changed, timeout=WAIT_MS) as signal:
        combo.setCurrentIndex(combo.findData("bt"))
    assert signal.args == ["provider"]
    assert settings.load().provider == "bt"
    assert provider.provider_note.isHidden()
    bt = profiles.get("bt")
    assert bt is not None
    texts = [w.text() for w in provider.numbers_box.findChildren(QLabel)]
    assert bt.numbers[0].number in texts and bt.numbers[0].label in texts
    assert any(t.startswith("checked ") for t in texts)
    assert not provider.stale_labels

    # A fresh window shows what was saved.
    again = make_settings(qtbot, profiles, shipped)
    assert again.provider_tab.provider_combo.currentData() == "bt"
    check_readable(again)


def test_settings_says_when_a_number_was_checked_more_than_a_year_ago(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    settings.save(settings.Settings(provider="bt"))
    bt = profiles.get("bt")
    assert bt is not None
    window = make_settings(qtbot, profiles, shipped, today=bt.oldest_check + dt.timedelta(days=400))
    provider = window.provider_tab
    assert len(provider.stale_labels) == len(bt.stale_numbers(provider.today)) > 0
    qtbot.waitUntil(lambda: all(w.isVisible() for w in provider.stale_labels), timeout=WAIT_MS)
    assert "more than a year ago" in provider.stale_labels[0].text()


def test_trusting_waits_then_saves_and_journals_and_can_be_undone(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = make_settings(qtbot, profiles, shipped, wait=1)
    trusted = window.trusted_tab
    window.tabs.setCurrentIndex(2)
    assert trusted.remove_trust_button.isEnabled() is False
    trusted.trust_button.click()
    assert trusted.trust_panel.isVisible()
    assert "If anyone on the phone asks you to do this, it is a scam" in (
        trusted.trust_explain.text()
    )
    trusted.tool_combo.setCurrentIndex(trusted.tool_combo.findData("teamviewer"))
    trusted.note_edit.setText("Sam, my son")
    assert not trusted.confirm_trust_button.isEnabled()
    assert "1 second" in trusted.countdown_label.text()
    trusted.confirm_trust()  # a stray call before the wait does nothing
    assert "teamviewer" not in settings.load().trusted

    qtbot.waitUntil(trusted.confirm_trust_button.isEnabled, timeout=WAIT_MS)
    with qtbot.waitSignal(window.changed, timeout=WAIT_MS) as signal:
        qtbot.mouseClick(trusted.confirm_trust_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["trusted"]
    saved = settings.load().trusted
    assert saved["teamviewer"]["note"] == "Sam, my son"
    rows = [r for r in journal.read(journal_path()) if r["kind"] == "trusted"]
    assert [(r["tool"], r["data"]["action"]) for r in rows] == [("teamviewer", "add")]
    assert not trusted.trust_panel.isVisible()
    assert trusted.trusted_table.rowCount() == 1
    assert trusted.trusted_table.item(0, 0).text() == "TeamViewer"
    assert trusted.trusted_table.item(0, 2).text() == "Sam, my son"
    assert "TeamViewer is trusted" in trusted.trust_status.text()

    # Already trusted tools are not offered again.
    trusted.trust_button.click()
    assert trusted.tool_combo.findData("teamviewer") == -1
    trusted.cancel_trust_button.click()
    assert not trusted.trust_panel.isVisible()

    trusted.trusted_table.selectRow(0)
    assert trusted.remove_trust_button.isEnabled()
    with qtbot.waitSignal(window.changed, timeout=WAIT_MS) as signal:
        trusted.remove_trust_button.click()
    assert signal.args == ["trusted"]
    assert settings.load().trusted == {}
    rows = [r for r in journal.read(journal_path()) if r["kind"] == "trusted"]
    assert [r["data"]["action"] for r in rows] == ["add", "remove"]
    assert rows[-1]["message"] == "TeamViewer is no longer trusted"
    assert trusted.no_trusted_label.isVisible() and trusted.trusted_table.isHidden()


def test_hiding_the_window_abandons_a_half_finished_trust(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = make_settings(qtbot, profiles, shipped, wait=30)
    trusted = window.trusted_tab
    window.tabs.setCurrentIndex(2)
    trusted.start_trust()
    trusted.tool_combo.setCurrentIndex(0)
    window.hide()
    window.show()
    assert not trusted.trust_panel.isVisible()
    trusted.start_trust()
    assert not trusted.confirm_trust_button.isEnabled()
    assert "30 seconds" in trusted.countdown_label.text()


def test_adding_and_removing_a_watched_folder_saves_at_once(
    qtbot, tmp_path: Path, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    extra = tmp_path / "Family photos"
    extra.mkdir()
    window = make_settings(qtbot, profiles, shipped)
    folders = window.folders_tab
    window.tabs.setCurrentIndex(1)
    assert folders.default_folders_label.text()  # the built-in folders are listed
    folders.choose_folder = lambda: ""  # cancelled: nothing happens
    folders.add_folder_button.click()
    assert settings.load().folders == []

    folders.choose_folder = lambda: str(extra)
    with qtbot.waitSignal(window.changed, timeout=WAIT_MS) as signal:
        folders.add_folder_button.click()
    assert signal.args == ["folders"]
    assert settings.load().folders == [str(extra)]
    assert folders.folder_list.count() == 1
    assert "now watches" in folders.folder_status.text()

    with qtbot.assertNotEmitted(window.changed):
        folders.add_folder_button.click()  # the same folder again
    assert settings.load().folders == [str(extra)]
    assert "already watched" in folders.folder_status.text()

    assert not folders.remove_folder_button.isEnabled()
    folders.folder_list.setCurrentRow(0)
    with qtbot.waitSignal(window.changed, timeout=WAIT_MS):
        folders.remove_folder_button.click()
    assert settings.load().folders == []
    assert folders.folder_list.count() == 0
    changes = [r["message"] for r in journal.read(journal_path()) if r["kind"] == "settings"]
    assert changes == [
        f"ScamGuard also watches {extra}",
        f"ScamGuard no longer watches {extra}",
    ]


def test_a_damaged_settings_file_is_reported_and_set_aside_on_saving(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json", encoding="utf-8")
    window = make_settings(qtbot, profiles, shipped)
    provider = window.provider_tab
    assert window.problem_label.isVisible()
    assert "damaged settings ignored" in window.problem_label.text()

    provider.provider_combo.setCurrentIndex(provider.provider_combo.findData("sky"))
    assert "damaged settings file was kept" in window.problem_label.text()
    assert json.loads(path.read_text(encoding="utf-8"))["provider"] == "sky"
    [aside] = path.parent.glob("settings.json.bad-*")
    assert aside.read_text(encoding="utf-8") == "{ not json"


def test_start_at_login_round_trip_with_the_xdg_adapter(
    qtbot, tmp_path: Path, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    env = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_CONFIG_DIRS": str(tmp_path / "xdg-system"),
    }
    adapter = autostart.for_this_system("linux", env=env)
    entry = tmp_path / "xdg-config" / "autostart" / "scamguard.desktop"
    window = make_settings(qtbot, profiles, shipped, auto=adapter)
    login = window.autostart_tab
    window.tabs.setCurrentIndex(3)
    box = login.autostart_box
    assert box.isVisible() and not box.isChecked()
    assert str(entry) in login.autostart_where.text()

    with qtbot.waitSignal(window.changed, timeout=WAIT_MS) as signal:
        box.click()
    assert signal.args == ["autostart"]
    assert box.isChecked() and adapter.is_enabled()
    text = entry.read_text(encoding="utf-8")
    assert "X-ScamGuard=1" in text and "Exec=" in text
    assert login.autostart_error.isHidden()
    check_readable(window)

    fresh = make_settings(qtbot, profiles, shipped, auto=adapter)
    assert fresh.autostart_tab.autostart_box.isChecked()

    with qtbot.waitSignal(window.changed, timeout=WAIT_MS):
        box.click()
    assert not box.isChecked() and not adapter.is_enabled()
    assert not entry.exists()


def test_start_at_login_set_by_the_installer_cannot_be_unticked(
    qtbot, tmp_path: Path, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    system = tmp_path / "xdg-system" / "autostart" / "scamguard.desktop"
    system.parent.mkdir(parents=True)
    system.write_text("[Desktop Entry]\nType=Application\nExec=/usr/bin/scamguard keep-running\n")
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "XDG_CONFIG_DIRS": str(tmp_path / "xdg-system")}  # fmt: skip
    window = make_settings(qtbot, profiles, shipped, auto=autostart.for_this_system("linux", env))
    login = window.autostart_tab
    window.tabs.setCurrentIndex(3)
    box = login.autostart_box
    assert box.isChecked() and not box.isEnabled()
    assert str(system) in login.autostart_where.text()
    assert "nothing to change here" in login.autostart_why.text()
    with qtbot.assertNotEmitted(window.changed):
        box.click()
    assert box.isChecked() and not (tmp_path / "c" / "autostart").exists()


def test_a_provider_set_by_the_installer_cannot_be_changed_here(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    folder = machine_config.machine_dir()
    folder.mkdir(parents=True)
    (folder / machine_config.CONFIG_FILE).write_text('{"provider": "talktalk"}')
    window = make_settings(qtbot, profiles, shipped)
    provider = window.provider_tab
    assert provider.provider_combo.currentData() == "talktalk"
    assert not provider.provider_combo.isEnabled()
    assert "TalkTalk set this up for you" in provider.provider_note.text()


class BrokenAutostart:
    def is_enabled(self) -> bool:
        return False

    def enable(self, command: Sequence[str]) -> None:
        raise AutostartError("cannot write /nowhere/scamguard.desktop: Read-only file system")

    def disable(self) -> None:
        pass

    def describe(self) -> str:
        return "freedesktop autostart entry /nowhere/scamguard.desktop"

    def for_everyone(self) -> str:
        return ""


def test_a_start_at_login_failure_is_one_line_and_the_box_goes_back(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = make_settings(qtbot, profiles, shipped, auto=BrokenAutostart())
    login = window.autostart_tab
    window.tabs.setCurrentIndex(3)
    with qtbot.assertNotEmitted(window.changed):
        login.autostart_box.click()
    assert not login.autostart_box.isChecked()
    assert login.autostart_error.isVisible()
    assert login.autostart_error.text() == (
        "cannot write /nowhere/scamguard.desktop: Read-only file system"
    )


def test_without_autostart_there_is_no_start_at_login_section(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = make_settings(qtbot, profiles, shipped)
    login = window.autostart_tab
    tabs = [
        window.tabs.tabText(i) for i in range(window.tabs.count()) if window.tabs.isTabVisible(i)
    ]
    assert tabs == ["Provider", "Watched folders", "Trusted programs", "Reading and sound"]
    assert not login.autostart_box.isVisible()


def test_settings_keyboard_order_follows_the_page(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = make_settings(qtbot, profiles, shipped)
    trusted = window.trusted_tab
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    window.tabs.setCurrentIndex(2)
    trusted.trust_button.click()
    qtbot.waitUntil(trusted.tool_combo.hasFocus, timeout=WAIT_MS)
    order = [trusted.note_edit, trusted.confirm_trust_button, trusted.cancel_trust_button]
    trusted.confirm_trust_button.setEnabled(True)  # only to walk past it; never clicked
    for expected in order:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        qtbot.waitUntil(expected.hasFocus, timeout=WAIT_MS)


# --- about -------------------------------------------------------------------------------


def test_about_shows_versions_database_provider_and_files(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = AboutWindow(profiles, today=_checked_day(profiles))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert guard.__version__ in window.fields["version"].text()
    database = window.fields["database"].text()
    assert f"{len(shipped.tools)} remote-access programs" in database
    assert f"version {shipped.version}" in database and "built in" in database
    assert "PySide6" in window.fields["qt"].text()
    assert window.fields["provider"].text().startswith(window_profile_name(profiles))
    assert window.fields["journal"].text() == str(journal_path())
    assert window.fields["settings"].text() == str(settings.settings_path())
    assert "No update feed is set up" in window.fields["updates"].text()
    assert window.stale_label.isHidden()
    assert window.fields["version"].textInteractionFlags() & (
        Qt.TextInteractionFlag.TextSelectableByMouse
    )
    window.copy_button.click()
    from PySide6.QtGui import QGuiApplication

    assert guard.__version__ in QGuiApplication.clipboard().text()
    check_readable(window)

    stale = AboutWindow(profiles, today=dt.date.today() + dt.timedelta(days=800))
    qtbot.addWidget(stale)
    stale.show()
    assert stale.stale_label.isVisible()
    assert "more than a year ago" in stale.stale_label.text()


def window_profile_name(profiles: ProfileSet) -> str:
    from guard.providers.active import resolve, system_country

    return resolve(profiles, settings.load().provider, system_country())[0].name


def test_every_window_renders(qtbot, tmp_path: Path, profiles: ProfileSet, shipped) -> None:
    write_journal(incident(time.time() - 60))
    for window in (
        HistoryWindow(),
        SettingsWindow(profiles, shipped.tools, None, trust_wait=0),
        AboutWindow(profiles),
    ):
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        image = window.grab()
        assert not image.isNull() and image.width() >= 600
        check_readable(window)
        assert window.width() < 1400  # a small window, not full screen


def test_with_the_service_the_trusted_list_is_its_own_and_a_change_is_asked_of_it(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    """A person's window shows the service's list (every account's) and asks the service to
    change it; the service grants only an administrator's request, and a refusal is said."""
    settings.save(
        settings.Settings(trusted={"anydesk": {"added": "", "note": "mine"}}),
        paths.service_settings_path(),
    )
    asked: list[tuple[str, dict[str, object]]] = []

    def service(kind: str, **fields: object) -> dict[str, object]:
        asked.append((kind, fields))
        return {"ok": False, "message": "only an administrator can change the trusted programs"}

    window = make_settings(qtbot, profiles, shipped, service=service)
    trusted = window.trusted_tab
    assert trusted.trusted_table.item(0, 0).text() == "AnyDesk"  # the service's list
    assert "only an administrator can change it" in trusted.intro_label.text()
    trusted.trust_button.click()
    trusted.tool_combo.setCurrentIndex(trusted.tool_combo.findData("teamviewer"))
    qtbot.waitUntil(trusted.confirm_trust_button.isEnabled, timeout=WAIT_MS)
    trusted.confirm_trust_button.click()
    assert asked == [("trust", {"tool": "teamviewer", "action": "add", "note": ""})]
    assert trusted.currentWidget() is trusted.trusted_list_page
    assert "Nothing was changed: only an administrator" in trusted.trust_status.text()
    assert settings.load().trusted == {}  # the person's own file is not the one that counts
