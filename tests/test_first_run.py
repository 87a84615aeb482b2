"""The first-run window: what it says, what it saves (through the same journalled calls the
settings window uses), that it is shown once per person and again from the menu, and that
every page fits a 1366x768 or 1024x768 screen with nothing cut off. Real widgets offscreen,
real settings and autostart files in temp folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QPushButton, QWidget

from guard.live import GuardOptions
from guard.platform.autostart import for_this_system
from guard.providers.active import system_country
from guard.state import journal, machine_config, paths, settings
from tests.helpers import TIME_FACTOR
from ui.app import AppOptions, TrayApp
from ui.windows.first_run import (
    AUTOSTART,
    PREVIEW,
    PROVIDER,
    WELCOME,
    FirstRunWindow,
    render_pages,
)

WAIT_MS = 10_000 * TIME_FACTOR
SCREENS = [(1366, 768), (1280, 720), (1024, 768)]
TASKBAR = 40  # the screen's height less a panel, as a desktop reports its free area


def _autostart(root: Path, everyone: bool = False):
    env = {
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CONFIG_DIRS": str(root / "xdg"),
        "XDG_CURRENT_DESKTOP": "GNOME",
    }
    if everyone:  # what an ISP's package installs for every user
        folder = root / "xdg" / "autostart"
        folder.mkdir(parents=True)
        (folder / "scamguard.desktop").write_text(
            "[Desktop Entry]\nType=Application\nName=ScamGuard\nExec=scamguard\n"
        )
    return for_this_system("linux", env=env)


def _painted(_tool, provider, _generic) -> QPixmap:
    """Stands in for painting the whole warning where a test does not look at it (the
    real painter is used by the preview test)."""
    image = QPixmap(1366, 768)
    image.fill()
    _painted.providers.append(provider.id)  # type: ignore[attr-defined]
    return image


_painted.providers = []  # type: ignore[attr-defined]


@pytest.fixture
def make(qtbot, profiles, shipped, tmp_path):
    def build(autostart=True, everyone=False, **options) -> FirstRunWindow:
        options.setdefault("paint_warning", _painted)
        window = FirstRunWindow(
            profiles,
            shipped.tools,
            _autostart(tmp_path / "auto", everyone) if autostart else None,
            **options,
        )
        qtbot.addWidget(window)
        return window

    return build


def _install_for(provider: str) -> None:
    """An ISP's install: the machine config names its provider (SCAMGUARD_HOME/machine)."""
    machine_config.machine_dir().mkdir(parents=True, exist_ok=True)
    (machine_config.machine_dir() / machine_config.CONFIG_FILE).write_text(
        json.dumps({"provider": provider})
    )


def _row_of(window: FirstRunWindow, profile_id: str) -> int:
    for row in range(window.provider_list.count()):
        if window.provider_list.item(row).data(Qt.ItemDataRole.UserRole) == profile_id:
            return row
    raise AssertionError(profile_id)


def test_the_pages_in_order_with_skip_on_each_but_the_last(make):
    window = make()
    assert window.order == [WELCOME, PROVIDER, AUTOSTART, PREVIEW]
    window.show()
    seen = []
    while True:
        seen.append(window.page)
        assert window.step.text() == f"Step {len(seen)} of 4"
        if window.page == PREVIEW:
            break
        assert window.skip_button.isVisible() and window.next_button.isVisible()
        window.next_button.click()
    assert seen == [WELCOME, PROVIDER, AUTOSTART, PREVIEW]
    assert window.done_button.isVisible() and not window.next_button.isVisible()
    texts = " ".join(label.text() for label in window.findChildren(QLabel))
    assert "ScamGuard is protecting this computer" in texts
    window.back_button.click()
    assert window.page == AUTOSTART


@pytest.mark.parametrize("page", [WELCOME, PROVIDER, AUTOSTART])
def test_skip_on_any_page_is_remembered_and_changes_nothing_else(make, page, tmp_path):
    window = make()
    window.show()
    window.go(page)
    finished = []
    window.finished.connect(finished.append)
    window.skip_button.click()
    assert finished == ["skipped"]
    saved = settings.load()
    assert saved.welcomed  # shown once: not again at the next start
    assert saved.provider == ""
    assert not window.autostart.is_enabled()  # a skip never changes the login items
    assert not window.isVisible()


def test_closing_the_window_counts_as_skipping(make):
    window = make()
    window.show()
    window.close()
    assert settings.load().welcomed


def test_choosing_a_provider_saves_it_journalled_and_says_whose_numbers(make):
    window = make()
    window.show()
    window.go(PROVIDER)
    changed = []
    window.changed.connect(changed.append)
    dont_know = _row_of(window, "")
    assert window.provider_list.currentRow() == dont_know  # nothing chosen yet
    helplines = window.profiles.generic_for(system_country())
    assert helplines is not None
    assert window.provider_list.item(dont_know).text().startswith("I don't know")
    assert window.provider_note.text() == (
        f"The warning shows the {helplines.name} (no provider chosen)."
    )
    window.provider_list.setCurrentRow(_row_of(window, "talktalk"))
    assert settings.load().provider == "talktalk"
    assert changed == ["provider"]
    assert window.provider_note.text() == "The warning shows TalkTalk's numbers."
    rows = [r for r in journal.read(paths.journal_path()) if r["kind"] == "settings"]
    assert rows[-1]["data"]["value"] == "talktalk"
    window.provider_list.setCurrentRow(dont_know)
    assert settings.load().provider == ""
    window.go(PREVIEW)  # the preview is painted for the provider chosen now
    assert _painted.providers[-1] == helplines.id  # type: ignore[attr-defined]


def test_an_isp_install_skips_the_choice_and_says_whose_numbers(make, profiles):
    _install_for("talktalk")
    window = make()
    assert not hasattr(window, "provider_list")
    window.show()
    window.go(PROVIDER)
    texts = " ".join(label.text() for label in window.findChildren(QLabel) if label.isVisible())
    assert "TalkTalk set up ScamGuard on this computer" in texts
    talktalk = profiles.get("talktalk")
    assert talktalk is not None and talktalk.numbers[0].number in texts
    assert "it is a scam" in texts


def test_start_at_login_is_ticked_and_turned_on_by_next(make):
    window = make()
    window.show()
    window.go(AUTOSTART)
    assert window.autostart_box.isChecked() and window.autostart_box.isEnabled()
    assert not window.autostart.is_enabled()
    window.next_button.click()
    assert window.autostart.is_enabled()
    assert window.page == PREVIEW
    rows = [r for r in journal.read(paths.journal_path()) if r["kind"] == "settings"]
    assert rows[-1]["data"]["setting"] == "start_at_login" and rows[-1]["data"]["value"] is True


def test_unticking_start_at_login_leaves_it_off(make):
    window = make()
    window.show()
    window.go(AUTOSTART)
    window.autostart_box.setChecked(False)
    window.next_button.click()
    assert not window.autostart.is_enabled()


def test_an_installer_set_start_at_login_counts_as_on(make):
    window = make(everyone=True)
    window.show()
    window.go(AUTOSTART)
    assert window.autostart_box.isChecked() and not window.autostart_box.isEnabled()
    assert "starts by itself whenever anyone logs in" in window.autostart_why.text()
    window.next_button.click()
    assert window.page == PREVIEW


def test_without_a_way_to_start_at_login_that_page_is_left_out(make):
    window = make(autostart=False)
    assert window.order == [WELCOME, PROVIDER, PREVIEW]


def test_the_last_page_shows_the_real_warning_scaled_down_and_done_finishes(
    qtbot, profiles, shipped, tmp_path
):
    window = FirstRunWindow(profiles, shipped.tools, _autostart(tmp_path))  # the real painter
    qtbot.addWidget(window)
    window.show()
    window.go(PREVIEW)
    image = window.preview.image.deviceIndependentSize().toSize()
    assert (image.width(), image.height()) == (1366, 768)  # the warning as on a laptop
    shown = window.preview.shown_rect()
    assert 0 < shown.width() < 1366 and window.preview.rect().contains(shown)
    finished = []
    window.finished.connect(finished.append)
    window.done_button.click()
    assert finished == ["done"] and settings.load().welcomed


def _clipped(window: QWidget) -> list[str]:
    """Labels and buttons whose words do not fit them, or that lie outside the window."""
    bad = []
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.text():
            if label.wordWrap() and label.height() < label.heightForWidth(label.width()):
                bad.append(f"cut off: {label.text()[:40]}")
            elif not label.wordWrap() and label.width() < label.sizeHint().width():
                bad.append(f"too narrow: {label.text()[:40]}")
    for button in window.findChildren(QPushButton):
        if button.isVisible() and button.width() < button.sizeHint().width():
            bad.append(f"button too narrow: {button.text()}")
    return bad


@pytest.mark.parametrize(("width", "height"), SCREENS)
@pytest.mark.parametrize("isp", [False, True])
def test_every_page_fits_the_screen_with_nothing_cut_off(make, qtbot, width, height, isp):
    if isp:
        _install_for("talktalk")
    window = make()
    window.show()
    qtbot.waitExposed(window)
    window.fit_to(QRect(0, 0, width, height - TASKBAR))
    assert window.width() <= width and window.height() <= height - TASKBAR
    for page in window.order:
        window.go(page)
        qtbot.waitUntil(lambda: window.stack.currentWidget().isVisible())
        assert _clipped(window) == [], page
        scroll = window.stack.currentWidget()
        assert isinstance(scroll, QAbstractScrollArea)
        assert scroll.verticalScrollBar().maximum() == 0, f"{page} needs scrolling"
        for button in (window.skip_button, window.next_button, window.done_button):
            if button.isVisible():
                corner = button.mapTo(window, button.rect().bottomRight())
                assert window.rect().contains(corner), (page, button.text())


# 1366x768 at 150% and 200% scaling, in the logical pixels a window is laid out in: the
# pages may scroll there (with a scroll bar), but the buttons stay in view and no words
# are cut off.
SCALED = [(910, 512), (683, 384)]


@pytest.mark.parametrize(("width", "height"), SCALED)
def test_at_large_scaling_pages_scroll_and_the_buttons_stay_in_view(make, qtbot, width, height):
    window = make()
    window.show()
    qtbot.waitExposed(window)
    window.fit_to(QRect(0, 0, width, height - TASKBAR // 2))
    for page in window.order:
        window.go(page)
        qtbot.waitUntil(lambda: window.stack.currentWidget().isVisible())
        words = [b for b in _clipped(window) if not b.startswith("button")]
        assert words == [], page
        for button in (window.skip_button, window.next_button, window.done_button):
            if button.isVisible():
                corner = button.mapTo(window, button.rect().bottomRight())
                assert window.rect().contains(corner), (page, button.text())


def _tray(qtbot, tmp_path, welcome: bool = True) -> TrayApp:
    options = AppOptions(
        guard=GuardOptions(default_folders=False, extra_folders=[], only_under=tmp_path),
        use_tray=False,
        welcome=welcome,
    )
    app = TrayApp(options)
    qtbot.addWidget(app.status_window)
    return app


@pytest.fixture
def home_autostart(tmp_path, monkeypatch):
    """The tray's own autostart adapter reads the environment: a temp home for it."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg"))


def test_the_tray_shows_it_once_after_the_guard_starts_and_again_from_the_menu(
    qtbot, tmp_path, home_autostart
):
    app = _tray(qtbot, tmp_path)
    try:
        app.start()
        assert app.guard is not None  # started first: it protects while the window is open
        qtbot.waitUntil(lambda: "first_run" in app.windows, timeout=WAIT_MS)
        window = app.windows["first_run"]
        assert isinstance(window, FirstRunWindow)
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: app.running, timeout=WAIT_MS)
        window.skip_button.click()
        assert "first_run" not in app.windows and settings.load().welcomed
        app.menu.actions["setup"].trigger()  # "Set up ScamGuard again…"
        again = app.windows["first_run"]
        assert again is not window and again.isVisible() and again.page == WELCOME
        again.close()
    finally:
        app.stop("test finished")
    second = _tray(qtbot, tmp_path)
    asked: list[str] = []
    second._welcome = lambda: asked.append("welcome")  # type: ignore[method-assign]
    try:
        second.start()
        # Waiting for the guard runs Qt's event loop: the window, had start() asked for it
        # (a zero-time timer), would have been asked for by now.
        qtbot.waitUntil(lambda: second.running, timeout=WAIT_MS)
        assert asked == [] and "first_run" not in second.windows  # seen: not at the next start
    finally:
        second.stop("test finished")


def test_choosing_a_provider_in_it_changes_the_tray_status_at_once(qtbot, tmp_path, home_autostart):
    app = _tray(qtbot, tmp_path)
    try:
        app.start()
        qtbot.waitUntil(lambda: "first_run" in app.windows, timeout=WAIT_MS)
        window = app.windows["first_run"]
        assert isinstance(window, FirstRunWindow)
        window.go(PROVIDER)
        window.provider_list.setCurrentRow(_row_of(window, "sky"))
        assert app.status_window.numbers_label.text() == "The warning shows Sky's numbers."
        window.skip_button.click()
    finally:
        app.stop("test finished")


def test_the_pages_render_to_pictures_without_remembering_anything(
    qapp, profiles, shipped, tmp_path
):
    made = render_pages(tmp_path / "pictures", profiles, shipped.tools, _autostart(tmp_path))
    assert [p.name for p in made] == [
        "first-run-1-welcome.png",
        "first-run-2-provider.png",
        "first-run-3-autostart.png",
        "first-run-4-preview.png",
    ]
    image = QPixmap(str(made[-1]))
    ratio = qapp.primaryScreen().devicePixelRatio()  # a PNG holds device pixels
    assert 0 < image.width() <= 1366 * ratio and 0 < image.height() <= 768 * ratio
    assert not settings.load().welcomed


def test_the_tray_stopping_while_it_is_open_shows_it_again_next_time(
    qtbot, tmp_path, home_autostart
):
    app = _tray(qtbot, tmp_path)
    try:
        app.start()
        qtbot.waitUntil(lambda: "first_run" in app.windows, timeout=WAIT_MS)
        window = app.windows["first_run"]
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: app.running, timeout=WAIT_MS)
    finally:
        app.stop("test: logging out")
    assert not window.isVisible()
    assert not settings.load().welcomed  # the person had not finished with it


def test_larger_text_while_the_first_run_window_is_open_refits_it(
    make, qtbot, qapp, caplog
) -> None:
    """Settings → larger text with "Set up ScamGuard again…" open: every open window is
    refitted at once, this one included (it once raised, and the windows after it in the
    list were left at the old size)."""
    from ui import style

    window = make()
    window.show()
    qtbot.waitExposed(window)
    title = window.findChildren(QLabel)[0]
    before_font, before = qapp.font(), title.font().pointSizeF()
    try:
        style.apply_app_font(qapp, True)
        assert title.font().pointSizeF() > before
        assert window.isVisible()
        assert not [r for r in caplog.records if "refitting" in r.getMessage()]
    finally:
        style.apply_app_font(qapp, False)
        qapp.setFont(before_font)
    assert title.font().pointSizeF() == before
