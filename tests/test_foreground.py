"""FocusWatcher's decisions and the per-OS readers that need no X server: the Windows
reader with a fake ``_winapi`` (the real calls run in the Windows lane), the choice of
reader per OS and session, and the one-line reasons where the window cannot be read."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from guard.platform import foreground
from guard.platform._macwindows import front_window
from guard.platform.foreground import (
    MACOS_NO_TITLES,
    MACOS_REASON,
    NO_DISPLAY_REASON,
    NOTHING,
    WAYLAND_REASON,
    FocusWatcher,
    Foreground,
    MacReader,
    UnavailableReader,
    WindowsReader,
    X11Reader,
)
from tests.foreground_rig import wait_for
from tests.helpers import ON_WINDOWS


class ScriptedReader:
    """A reader that answers from a list, then reports the display closed."""

    unavailable_reason: str | None = None

    def __init__(self, answers: list[Foreground | Exception]):
        self.answers = list(answers)
        self.woken = threading.Event()
        self.closed = False

    def read(self) -> Foreground | None:
        if not self.answers:
            self.unavailable_reason = "X11: the display ':9' closed"
            return None
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def wait(self, timeout: float) -> None:
        pass  # the next answer at once

    def wake(self) -> None:
        self.woken.set()

    def close(self) -> None:
        self.closed = True


def run_to_end(reader: ScriptedReader) -> tuple[FocusWatcher, list[Foreground]]:
    seen: list[Foreground] = []
    watcher = FocusWatcher(seen.append, reader=reader, interval=0.01)
    watcher.start()
    wait_for(lambda: watcher.unavailable_reason is not None, what="the script to end")
    watcher.stop()
    return watcher, seen


def test_only_changes_are_reported_and_the_end_is_one_line() -> None:
    a, b = Foreground("Terminal", 10, "xterm"), Foreground("Barclays", 11, "firefox")
    watcher, seen = run_to_end(ScriptedReader([a, a, b, b, NOTHING, a]))
    assert seen == [a, b, NOTHING, a]
    assert watcher.unavailable_reason == "X11: the display ':9' closed"


def test_a_title_change_alone_is_a_change() -> None:
    a = Foreground("Loading...", 10, "firefox")
    b = Foreground("Halifax - Welcome to Online Banking", 10, "firefox")
    _watcher, seen = run_to_end(ScriptedReader([a, b]))
    assert seen == [a, b]


def test_a_reader_error_or_a_failing_callback_does_not_end_the_watching() -> None:
    a, b = Foreground("One", 1, "x"), Foreground("Two", 2, "y")
    calls: list[Foreground] = []

    def callback(found: Foreground) -> None:
        calls.append(found)
        raise RuntimeError("the callback is broken")

    reader = ScriptedReader([a, RuntimeError("reader bug"), b])
    watcher = FocusWatcher(callback, reader=reader, interval=0.01)
    watcher.start()
    wait_for(lambda: watcher.unavailable_reason is not None)
    watcher.stop()
    assert calls == [a, b]
    assert reader.closed


def test_an_unavailable_reader_never_starts_a_thread() -> None:
    watcher = FocusWatcher(lambda f: None, reader=UnavailableReader(WAYLAND_REASON))
    watcher.start()
    assert watcher.unavailable_reason == WAYLAND_REASON
    assert watcher._thread is None
    watcher.stop()


@pytest.fixture
def os_name(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    chosen = ["linux"]
    monkeypatch.setattr(foreground.platform, "current_os", lambda: chosen[0])
    yield chosen


def test_reader_choice_per_os_and_session(os_name: list[str]) -> None:
    os_name[0] = "macos"  # this is not a Mac: Quartz is not there, and that is one line
    reason = foreground.default_reader({}).unavailable_reason
    assert reason is not None and reason.startswith(MACOS_REASON) and "\n" not in reason
    os_name[0] = "linux"
    wayland = foreground.default_reader({"WAYLAND_DISPLAY": "wayland-0"})
    assert wayland.unavailable_reason == WAYLAND_REASON
    assert foreground.default_reader({}).unavailable_reason == NO_DISPLAY_REASON
    for reason in (MACOS_REASON, WAYLAND_REASON, NO_DISPLAY_REASON):
        assert "\n" not in reason and len(reason) < 160


@pytest.mark.skipif(ON_WINDOWS, reason="X11 is not on Windows")
def test_a_display_that_is_not_there_is_one_line() -> None:
    reader = X11Reader(":4093")  # no server listens there
    try:
        assert reader.unavailable_reason == "X11: cannot open the display ':4093'"
        assert reader.read() is None
    finally:
        reader.close()


def fake_winapi(windows: list[tuple[int, str, int] | OSError | None], names: dict[int, str]):
    def foreground_window() -> tuple[int, str, int] | None:
        answer = windows.pop(0)
        if isinstance(answer, OSError):
            raise answer
        return answer

    def process_image_path(pid: int) -> str:
        if pid not in names:
            raise ProcessLookupError(pid)
        return names[pid]

    return SimpleNamespace(
        foreground_window=foreground_window, process_image_path=process_image_path
    )


def test_windows_reader_decisions() -> None:
    me = os.getpid()
    api = fake_winapi(
        [
            (0x1234, "Log in to Online Banking | Barclays - Google Chrome", me),
            None,  # no window in front (the lock screen, a UAC prompt)
            OSError(5, "Access is denied"),  # the desktop is switched
            (0x99, "Orphan", 0),  # a window whose process is not known
        ],
        {},
    )
    reader = WindowsReader(api)
    first = reader.read()
    assert first is not None
    assert first.title == "Log in to Online Banking | Barclays - Google Chrome"
    assert first.pid == me and first.process  # this test's own process, named by psutil
    assert reader.read() == NOTHING
    assert reader.read() == NOTHING
    assert reader.read() == Foreground("Orphan", None, "")


def test_windows_reader_names_a_process_psutil_cannot_through_its_image_path() -> None:
    gone = 2**22 + 7  # no such pid: psutil cannot name it, the image path can
    api = fake_winapi([(1, "Wise - Log in", gone)], {gone: "C:\\Apps\\Wise\\Wise.exe"})
    assert WindowsReader(api).read() == Foreground("Wise - Log in", gone, "Wise.exe")


@pytest.mark.skipif(not ON_WINDOWS, reason="the real Windows calls run in the Windows lane")
def test_real_windows_foreground_call_answers() -> None:
    from guard.platform import _winapi

    found = _winapi.foreground_window()
    assert found is None or (isinstance(found[1], str) and found[2] >= 0)
    assert WindowsReader().read() is not None


def quartz_row(owner: str, pid: int, title: str = "", layer: int = 0) -> dict[str, object]:
    """One row of ``CGWindowListCopyWindowInfo`` as ``_macwindows`` reads it."""
    return {
        "kCGWindowLayer": layer,
        "kCGWindowOwnerPID": pid,
        "kCGWindowOwnerName": owner,
        "kCGWindowName": title,
    }


def test_the_window_in_front_on_a_mac_is_the_first_ordinary_window() -> None:
    rows = [
        quartz_row("Window Server", 150, "Menubar", layer=25),
        quartz_row("Dock", 400, "Dock", layer=20),
        quartz_row("Control Centre", 401, ""),
        quartz_row("Safari", 812, "Barclays - Log in to Online Banking"),
        quartz_row("Mail", 700, "Inbox"),
    ]
    assert front_window(rows) == ("Barclays - Log in to Online Banking", 812)
    assert front_window([quartz_row("Safari", 812)]) == ("", 812)  # no Screen Recording yet
    assert front_window(rows[:2]) is None  # only the menu bar and the Dock: the desktop
    see_through = {**quartz_row("Overlay", 900, "x"), "kCGWindowAlpha": 0.0}
    assert front_window([see_through, rows[3]]) == ("Barclays - Log in to Online Banking", 812)
    assert front_window([quartz_row("Safari", 0, "x")]) == ("x", None)


def fake_quartz(answers: list[object], allowed: bool | None = True) -> SimpleNamespace:
    def foreground_window() -> object:
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return SimpleNamespace(
        foreground_window=foreground_window, screen_recording_allowed=lambda: allowed
    )


def test_mac_reader_decisions() -> None:
    me = os.getpid()
    api = fake_quartz([("start", me), ("Halifax - Sign in", me), None, OSError("locked")])
    reader = MacReader(api)
    assert reader.unavailable_reason is None and reader.limitation is None
    found = reader.read()
    assert found is not None and found.title == "Halifax - Sign in" and found.pid == me
    assert found.process  # this test's own process, named by psutil
    assert reader.read() == NOTHING
    assert reader.read() == NOTHING


def test_a_mac_without_screen_recording_permission_says_so_and_still_reads() -> None:
    reader = MacReader(fake_quartz([("", os.getpid())], allowed=False))
    assert reader.unavailable_reason is None
    assert reader.limitation == MACOS_NO_TITLES
    found = reader.read()
    assert found is not None and found.title == "" and found.pid == os.getpid()


def test_a_mac_whose_window_list_cannot_be_read_is_one_line() -> None:
    reader = MacReader(fake_quartz([OSError("CGWindowListCopyWindowInfo returned nothing")]))
    assert reader.unavailable_reason == (
        f"{MACOS_REASON} (CGWindowListCopyWindowInfo returned nothing)"
    )
