"""The foreground window read from a real X server (Xvfb) with a real window manager
(openbox) and real windows (xterm): every change is reported with the right title and pid,
a title change of the window in front too, and a thousand changes between ordinary
windows (several carrying a bank's name) give no banking match."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from guard.banking.loader import builtin_banking_dir, check_banking
from guard.banking.matcher import BankingMatcher
from guard.platform.foreground import NOTHING, FocusWatcher, Foreground, X11Reader
from tests.foreground_rig import XDesktop, require_programs, wait_for

ORDINARY = (
    "Halifax weather - BBC Weather — Mozilla Firefox",
    "Barclays Premier League table - Microsoft Edge",
    "Santander Cup final: Celtic v Rangers - BBC Sport - Google Chrome",
    "TSB customers unable to log in - BBC News - Microsoft Edge",
    "Inbox (3) - me@example.com - Gmail — Mozilla Firefox",
    "Document1 - Word",
    "Nationwide Building Society - Wikipedia — Mozilla Firefox",
    "Log in to Facebook — Mozilla Firefox",
)


class Recorder:
    """Collects the watcher's reports; ``expect`` waits for one with a given title."""

    def __init__(self) -> None:
        self.seen: list[Foreground] = []
        self.changed = threading.Condition()

    def __call__(self, found: Foreground) -> None:
        with self.changed:
            self.seen.append(found)
            self.changed.notify_all()

    def expect(self, title: str, after: int, timeout: float = 5.0) -> Foreground:
        def arrived() -> Foreground | None:
            return next((f for f in self.seen[after:] if f.title == title), None)

        with self.changed:
            if not self.changed.wait_for(arrived, timeout):
                raise AssertionError(f"no report of {title!r}; saw {self.seen[after:]}")
            found = arrived()
            assert found is not None
            return found


@pytest.fixture
def desktop() -> Iterator[XDesktop]:
    require_programs()
    rig = XDesktop().start()
    yield rig
    rig.stop()


@pytest.fixture(scope="module")
def matcher() -> BankingMatcher:
    banks, problems = check_banking(builtin_banking_dir())
    assert problems == []
    return BankingMatcher(banks.banks)


def test_each_focus_change_is_reported_with_title_and_pid(desktop: XDesktop) -> None:
    first, first_proc = desktop.window("Plain window one")
    bank, bank_proc = desktop.window("Barclays Online Banking - Google Chrome")
    rec = Recorder()
    watcher = FocusWatcher(rec, reader=X11Reader(desktop.display))
    assert watcher.unavailable_reason is None
    watcher.start()
    try:
        for window, title, proc in [
            (first, "Plain window one", first_proc),
            (bank, "Barclays Online Banking - Google Chrome", bank_proc),
            (first, "Plain window one", first_proc),
        ]:
            mark = len(rec.seen)
            desktop.activate(window)
            found = rec.expect(title, mark)
            assert found.pid == proc.pid
            assert found.process == "xterm"
        # The title of the window in front changes: reported without a focus change.
        mark = len(rec.seen)
        desktop.rename(first, "Halifax - Welcome to Online Banking ✓ - Mozilla Firefox")
        found = rec.expect("Halifax - Welcome to Online Banking ✓ - Mozilla Firefox", mark)
        assert found.pid == first_proc.pid
    finally:
        watcher.stop()


def test_a_bank_window_brought_to_front_matches(desktop: XDesktop, matcher: BankingMatcher) -> None:
    plain, _ = desktop.window("Terminal")
    bank, _ = desktop.window("Log in to Online Banking | Barclays — Mozilla Firefox")
    rec = Recorder()
    watcher = FocusWatcher(rec, reader=X11Reader(desktop.display))
    watcher.start()
    try:
        mark = len(rec.seen)
        desktop.activate(plain)
        assert matcher.match(rec.expect("Terminal", mark).title) is None
        mark = len(rec.seen)
        desktop.activate(bank)
        found = rec.expect("Log in to Online Banking | Barclays — Mozilla Firefox", mark)
        hit = matcher.match(found.title, found.process)
        assert hit is not None and hit.id == "barclays"
    finally:
        watcher.stop()


def test_thousand_ordinary_focus_changes_give_no_banking_match(
    desktop: XDesktop, matcher: BankingMatcher
) -> None:
    windows = [(desktop.window(title)[0], title) for title in ORDINARY]
    rec = Recorder()
    watcher = FocusWatcher(rec, reader=X11Reader(desktop.display))
    watcher.start()
    try:
        wait_for(lambda: rec.seen, what="the first report")
        for i in range(1000):
            window, title = windows[i % len(windows)]
            mark = len(rec.seen)
            desktop.activate(window)
            rec.expect(title, mark)  # each change is seen before the next one is made
    finally:
        watcher.stop()
    titles = [f.title for f in rec.seen if f != NOTHING]
    assert len(titles) >= 1000
    assert [t for t in titles if matcher.match(t) is not None] == []


def test_a_closed_display_gives_one_line_not_an_exception(desktop: XDesktop) -> None:
    desktop.window("Plain window")
    rec = Recorder()
    watcher = FocusWatcher(rec, reader=X11Reader(desktop.display))
    watcher.start()
    try:
        wait_for(lambda: rec.seen, what="the first report")
        desktop.stop()  # the X server goes away under the watcher
        wait_for(lambda: watcher.unavailable_reason is not None, what="the watcher to notice")
        assert watcher.unavailable_reason == f"X11: the display {desktop.display!r} closed"
        assert "\n" not in watcher.unavailable_reason
    finally:
        watcher.stop()


def test_a_window_that_vanishes_is_no_error(desktop: XDesktop) -> None:
    window, proc = desktop.window("Short-lived window")
    reader = X11Reader(desktop.display)
    try:
        desktop.activate(window)
        wait_for(lambda: (reader.read() or NOTHING).title == "Short-lived window")
        proc.kill()
        proc.wait()
        wait_for(lambda: (reader.read() or NOTHING).title != "Short-lived window")
        assert reader.read() is not None
        assert reader.unavailable_reason is None
    finally:
        reader.close()


def test_without_a_window_manager_the_input_focus_is_followed() -> None:
    require_programs()
    bare = XDesktop().start(window_manager=False)
    try:
        one, one_proc = bare.window("First plain window")
        two, _ = bare.window("Santander Online Banking - Google Chrome")
        reader = X11Reader(bare.display)
        try:
            for window, title in [
                (one, "First plain window"),
                (two, "Santander Online Banking - Google Chrome"),
            ]:
                bare.focus(window)
                wait_for(lambda t=title: (reader.read() or NOTHING).title == t, what=title)
            bare.focus(one)
            wait_for(lambda: (reader.read() or NOTHING).pid == one_proc.pid, what="the pid")
        finally:
            reader.close()
    finally:
        bare.stop()
