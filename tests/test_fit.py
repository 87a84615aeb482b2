"""Every window fits the screens people have, and no word is cut off (issue 17).

Real windows offscreen, checked by ``tests.layout_fit``: at 1366x768, 1280x720 and 1024x768
(logical pixels; 150% and 200% scaling of the usual hi-DPI screens come to these sizes, and
the subprocess tests at the end run Qt's own high-DPI scaling to prove it), with the larger
text on and off. The warning must show the headline, what happened, the first number,
"hang up first... different phone" and its safe button without scrolling; everything else
may scroll, with a scroll bar that shows.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from guard.engine.incidents import State
from guard.platform import autostart
from guard.providers.model import ProfileSet
from guard.sigdb.model import SignatureSet
from guard.state import journal, settings
from guard.state.events import GuardEvent
from guard.state.paths import journal_path
from tests.layout_fit import problems, warning_key
from ui import style
from ui.warning.preview import sample_incident
from ui.warning.window import DONE, WarningWindow
from ui.windows import AboutWindow, HistoryWindow, SettingsWindow
from ui.windows.notices import NumbersWindow, StoppedAgainNotice, TrustedNotice

REPO = Path(__file__).resolve().parent.parent
SIZES = [(1366, 768), (1280, 720), (1024, 768)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]
TEXT = [False, True]
TEXT_IDS = ["usual-text", "larger-text"]
BANKING_SESSION = {"since": "", "peer": "203.0.113.5:6568", "signal": "socket", "evidence": ""}


@pytest.fixture
def larger(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[bool]:
    """The person's text scale for one test, back to the usual one after it."""
    chosen = bool(request.param)
    before = qapp.font()
    style.apply_app_font(qapp, chosen)
    yield chosen
    style.apply_app_font(qapp, False)
    qapp.setFont(before)  # the tests after this one get the application as it was


@pytest.fixture(autouse=True)
def _no_real_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg-system"))


def _settle(qtbot, window: QWidget) -> None:
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()


def _fits(window: QWidget, key: list[QWidget], area: QRect) -> list[str]:
    for _ in range(5):  # a relayout can post another (scroll bars shown after the layout)
        QApplication.processEvents()
    return problems(window, key, area)


# --- the warning ---------------------------------------------------------------------------


def _warning(profiles: ProfileSet, shipped: SignatureSet, provider: str, variant: str):
    chosen = profiles.get(provider)
    window = WarningWindow(chosen, profiles.generic_for(chosen.country), 30)
    ids = (
        ["anydesk"]
        if variant in ("one", "banking", "done")
        else ["anydesk", "teamviewer", "rustdesk"]
    )
    tools = {t.id: t for t in shipped.tools}
    views = []
    for n, tool_id in enumerate(ids):
        view = dataclasses.replace(sample_incident(tools[tool_id], "linux"), id=f"fit-{n}")
        if variant in ("banking", "three-banking"):
            view = dataclasses.replace(view, banking="Example Bank", session=BANKING_SESSION)
        views.append(view)
    window.show_incidents(views)
    if variant == "done":
        killed = tuple({**p, "state": "killed"} for p in views[0].processes)
        window.update_incident(dataclasses.replace(views[0], state=State.BLOCKED, processes=killed))
        assert window.pages.currentIndex() == DONE
    return window


@pytest.fixture
def warnings() -> Iterator[list[WarningWindow]]:
    made: list[WarningWindow] = []
    yield made
    for window in made:
        if shiboken6.isValid(window):
            window.dismiss()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("variant", ["one", "banking", "three", "done"])
def test_the_warning_shows_what_matters_without_scrolling(
    qtbot, *, profiles: ProfileSet, shipped: SignatureSet, warnings, variant: str, size
) -> None:
    window = _warning(profiles, shipped, "talktalk", variant)
    warnings.append(window)
    window.resize(*size)
    _settle(qtbot, window)
    assert _fits(window, warning_key(window), QRect(0, 0, *size)) == []
    body = window.findChild(QWidget, "body").parentWidget().parentWidget()  # its scroll area
    assert body.verticalScrollBar().maximum() > 0  # the rest is below, to scroll to ...
    assert body.verticalScrollBar().isVisible()  # ... and the scroll bar says so


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["1280x720", "1024x768"])
def test_every_provider_s_warning_fits_with_several_tools_and_the_bank_open(
    qtbot, profiles: ProfileSet, shipped: SignatureSet, warnings, size
) -> None:
    """The hardest case for each shipped profile: three tools named, the banking warning,
    on the two smallest screens."""
    said = {}
    for provider in sorted(profiles.profiles):
        window = _warning(profiles, shipped, provider, "three-banking")
        warnings.append(window)
        window.resize(*size)
        _settle(qtbot, window)
        found = _fits(window, warning_key(window), QRect(0, 0, *size))
        if found:
            said[provider] = found
        window.dismiss()
    assert said == {}


def test_the_warning_keeps_its_size_whatever_the_text_setting(
    qtbot, qapp: QApplication, profiles: ProfileSet, shipped: SignatureSet, warnings
) -> None:
    """The warning is already as large as fits: the larger text leaves it alone, open or
    built later, so its first number stays in view."""
    window = _warning(profiles, shipped, "talktalk", "one")
    warnings.append(window)
    window.resize(1024, 768)
    _settle(qtbot, window)
    before = window.numbers.how.font().pointSize()
    try:
        style.apply_app_font(qapp, True)
        later = _warning(profiles, shipped, "talktalk", "one")
        warnings.append(later)
        assert window.numbers.how.font().pointSize() == before == style.BODY_PT
        assert later.numbers.how.font().pointSize() == style.BODY_PT
    finally:
        style.apply_app_font(qapp, False)


def test_a_page_that_would_not_fit_is_reported_by_the_checker(
    qtbot, profiles: ProfileSet, shipped: SignatureSet, warnings
) -> None:
    """The checker is not blind: the warning squeezed to 800x480 loses its numbers from
    view, and a label given less room than its words is named."""
    window = _warning(profiles, shipped, "talktalk", "one")
    warnings.append(window)
    window.resize(800, 480)
    _settle(qtbot, window)
    found = _fits(window, warning_key(window), QRect(0, 0, 800, 480))
    assert any("Hang up first" in line and "not in view" in line for line in found), found
    squeezed = window.caught_label
    squeezed.setFixedHeight(10)
    QApplication.processEvents()
    found = problems(window)
    assert any(line.startswith("QLabel 'Hang up.") and "height" in line for line in found), found
    huge = QRect(0, 0, 640, 400)
    assert any("larger than the screen" in line for line in problems(window, area=huge))


# --- the small windows ---------------------------------------------------------------------


def _write_history() -> None:
    """A few incidents, one with a long name, so the tables have something to lay out."""
    now = time.time()
    events = []
    for n, (tool, name) in enumerate(
        [
            ("anydesk", "AnyDesk"),
            ("teamviewer", "TeamViewer"),
            ("manageengine", "ManageEngine Endpoint Central remote control agent"),
        ]
    ):
        start = now - 3600 * (n + 1)
        for kind, message, at in (
            ("detected", f"{name} was started (pid 4242)", start),
            ("frozen", f"{name} is frozen (pids 4242)", start + 0.05),
            ("blocked", f"{name} was removed (1 program(s) stopped)", start + 30),
        ):
            events.append(
                GuardEvent(kind, message, incident=f"{tool}-1", tool=tool, tool_name=name, time=at)
            )
    lines: list[str] = []
    conn = journal.connect(journal_path(), lines.append)
    try:
        journal.append(conn, events)
    finally:
        conn.close()
    assert not lines


@pytest.mark.parametrize("larger", TEXT, ids=TEXT_IDS, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_who_to_call_fits_with_its_first_number_in_view(
    qtbot, profiles: ProfileSet, larger: bool, size
) -> None:
    area = QRect(0, 0, *size)
    said = {}
    for provider in ("talktalk", "generic-uk", "generic-ca"):
        chosen = profiles.get(provider)
        window = NumbersWindow(chosen, profiles.generic_for(chosen.country))
        qtbot.addWidget(window)
        _settle(qtbot, window)
        window.fit_to(area)
        found = _fits(window, [window.panel.numbers[0], window.panel.how], area)
        if found:
            said[provider] = found
    assert said == {}


@pytest.mark.parametrize("larger", TEXT, ids=TEXT_IDS, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_settings_fits_in_every_section(
    qtbot, *, tmp_path: Path, profiles: ProfileSet, shipped: SignatureSet, larger: bool, size
) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg-config")}
    window = SettingsWindow(
        profiles, shipped.tools, autostart.for_this_system("linux", env=env), trust_wait=0
    )
    qtbot.addWidget(window)
    _settle(qtbot, window)
    area = QRect(0, 0, *size)
    window.fit_to(area)
    said = {}
    for index in range(window.tabs.count()):
        window.sections.setCurrentRow(index)  # as a click on the section's name does
        assert window.tabs.currentIndex() == index
        found = _fits(window, [window.close_button, window.sections], area)
        if found:
            said[window.tabs.tabText(index)] = found
    window.trusted_tab.trust_button.click()  # the "trust a program" page too
    window.sections.setCurrentRow(2)
    found = _fits(window, [window.close_button], area)
    if found:
        said["Trust a program"] = found
    assert said == {}


@pytest.mark.parametrize("larger", TEXT, ids=TEXT_IDS, indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_about_and_history_fit(qtbot, profiles: ProfileSet, larger: bool, size) -> None:
    _write_history()
    area = QRect(0, 0, *size)
    history = HistoryWindow()
    about = AboutWindow(profiles)
    said = {}
    for name, window in (("history", history), ("about", about)):
        qtbot.addWidget(window)
        _settle(qtbot, window)
        window.fit_to(area)
        if window is history:
            assert history.table.rowCount() == 3
            history.table.selectRow(0)  # its steps show underneath
        found = _fits(window, [window.close_button], area)
        if found:
            said[name] = found
    assert said == {}


@pytest.mark.parametrize("larger", TEXT, ids=TEXT_IDS, indirect=True)
def test_the_notices_show_all_their_words_and_buttons(
    qtbot, profiles: ProfileSet, larger: bool
) -> None:
    """Too narrow for both buttons side by side (the 800 px offscreen screen), they go one
    under another, and the notice is tall enough for them."""
    talktalk = profiles.get("talktalk")
    trusted = TrustedNotice(talktalk, "fit-1", "anydesk", "AnyDesk", started=True)
    again = StoppedAgainNotice(talktalk, "AnyDesk")
    again.add("process", still_running=True)
    again.add("installer", still_running=False)
    said = {}
    for window, key in (
        (trusted, [trusted.remove_button, trusted.fine_button]),
        (again, [again.numbers_button, again.close_button]),
    ):
        qtbot.addWidget(window)
        _settle(qtbot, window)
        found = _fits(window, key, window.screen().availableGeometry())
        if found:
            said[type(window).__name__] = found
    assert said == {}


def test_a_window_opened_on_a_small_screen_is_no_larger_than_it(qtbot) -> None:
    """The size comes from the screen the window is on, unless a test says otherwise: the
    offscreen screen here is 800x800, smaller than History's usual 1100x720."""
    window = HistoryWindow()
    qtbot.addWidget(window)
    _settle(qtbot, window)
    room = window.screen().availableGeometry()
    assert room.width() < 1100
    assert window.frameGeometry().width() <= room.width()
    assert problems(window, [window.close_button]) == []


# --- the "Reading and sound" settings ------------------------------------------------------


def test_reading_aloud_can_be_turned_off_and_on_and_is_journalled(
    qtbot, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    window = SettingsWindow(profiles, shipped.tools, None, trust_wait=0)
    qtbot.addWidget(window)
    _settle(qtbot, window)
    reading = window.reading_tab
    window.sections.setCurrentRow(window.tabs.indexOf(reading))
    assert reading.speak_box.isVisible() and reading.speak_box.isChecked()  # on by default
    with qtbot.waitSignal(window.changed, timeout=5000) as said:
        reading.speak_box.click()
    assert said.args == ["speak"]
    assert settings.load().speak is False
    rows = journal.read(journal_path(), limit=10)
    assert any("reading the warning aloud turned off" in r["message"] for r in rows)
    with qtbot.waitSignal(window.changed, timeout=5000):
        reading.speak_box.click()
    assert settings.load().speak is True
    # A fresh window shows what was saved.
    again = SettingsWindow(profiles, shipped.tools, None, trust_wait=0)
    qtbot.addWidget(again)
    assert again.reading_tab.speak_box.isChecked()


def test_larger_text_is_saved_and_grows_every_open_window_at_once(
    qtbot, qapp: QApplication, profiles: ProfileSet, shipped: SignatureSet
) -> None:
    talktalk = profiles.get("talktalk")
    numbers = NumbersWindow(talktalk, profiles.generic_for("GB"))
    qtbot.addWidget(numbers)
    _settle(qtbot, numbers)
    window = SettingsWindow(profiles, shipped.tools, None, trust_wait=0)
    qtbot.addWidget(window)
    _settle(qtbot, window)
    reading = window.reading_tab
    window.sections.setCurrentRow(window.tabs.indexOf(reading))
    assert not reading.larger_box.isChecked()
    body = numbers.panel.how.font().pointSize()
    box = reading.speak_box.font().pointSize()
    try:
        # A click on the words beside the box ticks it, as a click on the box does.
        words = reading.larger_box.parentWidget().layout().itemAt(1).widget()
        with qtbot.waitSignal(window.changed, timeout=5000) as said:
            qtbot.mouseClick(words, Qt.MouseButton.LeftButton)
        assert said.args == ["larger_text"]
        assert reading.larger_box.isChecked()
        assert settings.load().larger_text is True
        assert qapp.font().pointSize() == round(style.APP_PT * style.LARGER)  # message boxes
        assert numbers.panel.how.font().pointSize() == round(body * style.LARGER)
        assert reading.speak_box.font().pointSize() == round(box * style.LARGER)
        assert problems(window, [window.close_button]) == []  # refitted, nothing cut off
        with qtbot.waitSignal(window.changed, timeout=5000):
            reading.larger_box.click()
        assert settings.load().larger_text is False
        assert numbers.panel.how.font().pointSize() == body  # back, not drifted
        assert qapp.font().pointSize() == style.APP_PT
    finally:
        style.apply_app_font(qapp, False)


# --- Qt's own high-DPI scaling, in a process of its own -------------------------------------

SCREENS = [
    # physical pixels, logical DPI (96 = 100%), QT_SCALE_FACTOR: the logical size they give
    pytest.param((1920, 1080), 144, None, (1280, 720), 1.5, id="1920x1080-at-150%"),
    pytest.param((2732, 1536), 96, "2", (1366, 768), 2.0, id="2732x1536-at-200%"),
    pytest.param((2048, 1536), 192, None, (1024, 768), 2.0, id="2048x1536-at-200%"),
    pytest.param((1920, 1080), 96, "1.5", (1280, 720), 1.5, id="1920x1080-scale-1.5"),
]


@pytest.mark.parametrize(("pixels", "dpi", "factor", "logical", "ratio"), SCREENS)
def test_high_dpi_screens_fit_through_qt_s_own_scaling(
    tmp_path: Path, *, pixels, dpi: int, factor: str | None, logical, ratio: float
) -> None:
    """The offscreen platform given a real screen (its config file): the windows open and
    fit as they do for the person, at 150% and 200%, and every check passes."""
    screen = {
        "screens": [
            {
                "name": "fit",
                "x": 0,
                "y": 0,
                "width": pixels[0],
                "height": pixels[1],
                "logicalDpi": dpi,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ]
    }
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screen), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    # Relative: Qt splits the platform's options at colons, and a Windows path has one.
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config.name}"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if factor:
        env["QT_SCALE_FACTOR"] = factor
    out = tmp_path / "found.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.layout_fit", str(out), str(tmp_path / "shot-")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["code"] == str(REPO)  # this checkout's windows, not an installed copy
    assert found["screen"] == list(logical) and found["ratio"] == ratio
    assert found["warning.pixel_ratio"] == ratio  # painted at the screen's pixels
    windows = {
        k: v for k, v in found.items() if isinstance(v, list) and k not in ("screen", "available")
    }
    assert {"warning", "numbers", "about", "history", "settings-0"} <= set(windows)
    assert {k: v for k, v in windows.items() if v} == {}


def test_the_done_page_offers_the_card_and_shows_the_qr_code_where_there_is_room(
    qtbot, *, profiles: ProfileSet, shipped: SignatureSet, warnings
) -> None:
    """A number to take away: on a full-HD screen the first number as a QR code beside
    "write the number down"; under 900 px tall the number and "hang up first" come first,
    and the card (which carries the code) is one button away."""
    window = _warning(profiles, shipped, "talktalk", "done")
    warnings.append(window)
    window.resize(1920, 1080)
    _settle(qtbot, window)
    first = profiles.get("talktalk").numbers_for("provider")[0]
    assert window.done_qr is not None and window.done_qr.isVisible()
    assert first.number in window.done_qr.accessibleName()
    assert window.card_button.isVisible() and window.card_button.text() == "Print a card"
    window.resize(1024, 768)
    _settle(qtbot, window)
    assert not window.done_qr.isVisible()
    assert window.card_button.isVisible()


def test_who_to_call_carries_the_qr_code_and_the_card(qtbot, profiles: ProfileSet) -> None:
    chosen = profiles.get("talktalk")
    window = NumbersWindow(chosen, profiles.generic_for(chosen.country))
    qtbot.addWidget(window)
    _settle(qtbot, window)
    first = chosen.numbers_for("provider")[0]
    assert window.qr is not None and first.number in window.qr.accessibleName()
    assert window.card_button.text() == "Print a card"
    assert not window.card_said.isVisible()  # nothing said until the person prints
