"""Focus change -> the FocusWatcher reports it and the BankingMatcher has decided.

On a real X server (Xvfb) with a real window manager (openbox) and real windows (xterm),
the same rig as tests/test_foreground_x11.py:

1. latency: a window is asked to come to the front (the ``_NET_ACTIVE_WINDOW`` request a
   taskbar sends) -> the watcher's callback has the new title and the matcher's answer;
   p50/p95/max over many changes, alternating ordinary windows and a bank's log-in page;
2. the matcher alone: microseconds per title, over ordinary and banking titles;
3. idle CPU of the watcher (this process's CPU time while nothing changes): woken by
   events only, with a safety re-read every ``SAFETY_REREAD`` seconds.

Needs xvfb, openbox, xterm, xdotool (tests/debian-packages.txt). The lead adds "painted".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from live_guard import machine, pct  # noqa: E402

from guard.banking.loader import builtin_banking_dir, check_banking  # noqa: E402
from guard.banking.matcher import BankingMatcher  # noqa: E402
from guard.platform.foreground import (  # noqa: E402
    SAFETY_REREAD,
    FocusWatcher,
    Foreground,
    X11Reader,
)
from tests.foreground_rig import XDesktop, missing_programs  # noqa: E402

TITLES = (
    "Halifax weather - BBC Weather — Mozilla Firefox",
    "Barclays Premier League table - Microsoft Edge",
    "Inbox (3) - me@example.com - Gmail — Mozilla Firefox",
    "Document1 - Word",
    "Log in to Online Banking | Barclays — Mozilla Firefox",
    "NatWest Online Banking - Log in - Google Chrome",
)


class Timed:
    """The watcher's callback: when each title arrived, and whether it was a bank."""

    def __init__(self, matcher: BankingMatcher):
        self.matcher = matcher
        self.arrived: dict[str, float] = {}
        self.banks = 0
        self.cond = threading.Condition()

    def __call__(self, found: Foreground) -> None:
        bank = self.matcher.match(found.title, found.process)
        now = time.perf_counter()
        with self.cond:
            self.arrived[found.title] = now
            self.banks += bank is not None
            self.cond.notify_all()


def latency(desktop: XDesktop, matcher: BankingMatcher, changes: int) -> list[float]:
    windows = [(desktop.window(t)[0], t) for t in TITLES]
    timed = Timed(matcher)
    watcher = FocusWatcher(timed, reader=X11Reader(desktop.display))
    watcher.start()
    with timed.cond:  # the window in front at start is reported first: not a change
        timed.cond.wait_for(lambda: timed.arrived, 5)
        timed.banks = 0
    out: list[float] = []
    try:
        for i in range(changes):
            window, title = windows[i % len(windows)]
            with timed.cond:
                timed.arrived.pop(title, None)
            start = time.perf_counter()
            desktop.activate(window)
            with timed.cond:
                if not timed.cond.wait_for(lambda t=title: t in timed.arrived, 5):
                    raise RuntimeError(f"no report of {title!r}")
                out.append(timed.arrived[title] - start)
    finally:
        watcher.stop()
    expected = sum(1 for i in range(changes) if "Banking" in TITLES[i % len(TITLES)])
    print(f"  banking matches: {timed.banks} (expected {expected})")
    return out


def matcher_cost(matcher: BankingMatcher, rounds: int = 20_000) -> float:
    start = time.perf_counter()
    for i in range(rounds):
        matcher.match(TITLES[i % len(TITLES)], "firefox")
    return (time.perf_counter() - start) / rounds


def idle_cpu(desktop: XDesktop, interval: float, seconds: float) -> float:
    desktop.activate(desktop.window("An idle window")[0])
    watcher = FocusWatcher(lambda f: None, reader=X11Reader(desktop.display), interval=interval)
    watcher.start()
    time.sleep(1)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    watcher.stop()
    return 100 * cpu / wall


def ms(values: list[float]) -> str:
    return (
        f"p50 {pct(values, 50) * 1000:.2f} ms, p95 {pct(values, 95) * 1000:.2f} ms, "
        f"max {max(values) * 1000:.2f} ms (mean {statistics.mean(values) * 1000:.2f} ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--idle-seconds", type=float, default=20)
    args = parser.parse_args()
    print(f"focus-change benchmark on {machine()}")
    missing = missing_programs()
    if missing:
        print(f"  skipped: missing {', '.join(missing)} (tests/debian-packages.txt)")
        return 0
    banks, problems = check_banking(builtin_banking_dir())
    if problems:
        print(f"  banking data rejected: {problems[0]}")
        return 1
    matcher = BankingMatcher(banks.banks)
    per_title = matcher_cost(matcher)
    print(f"  matcher: {per_title * 1e6:.1f} µs per title ({len(banks.banks)} banks)")
    desktop = XDesktop().start()
    try:
        values = latency(desktop, matcher, args.changes)
        print(f"  focus change -> reported and matched, {len(values)} changes: {ms(values)}")
        cpu = idle_cpu(desktop, 0.25, args.idle_seconds)
        print(
            f"  idle CPU of the watcher (events; a safety re-read every {SAFETY_REREAD:g} s): "
            f"{cpu:.3f} % of a core (over {args.idle_seconds:g} s)"
        )
    finally:
        desktop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
