"""Start-up of an installed build: from launching the tray to "protected".

"Protected" is the journal's ``started`` event: the guard records it once every source is
running and every program already running has been looked at (guard/live.py), which is
when the tray's icon turns to its tick. Each trial starts the installed program (default
``/usr/bin/scamguard``, from the .deb) in a fresh ScamGuard home, with its guard confined
to an empty temp folder (``SCAMGUARD_ONLY_UNDER``), waits for that event, and stops it with
SIGINT. It runs under a private Xvfb (a real X server: Qt's xcb plugin and the system's X
libraries, as on a desktop) when Xvfb is installed, else on Qt's offscreen platform. The
first trial reads the program from disk; later ones find it in the page cache, as a second
login would. Also reports the resident memory of the tray once protected.

Run after installing the package:
``python benchmarks/installed_startup.py [PROGRAM] [--trials N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil


def _started(journal: Path) -> bool:
    if not journal.exists():
        return False
    try:
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=0.1) as conn:
            row = conn.execute("SELECT 1 FROM events WHERE kind = 'started' LIMIT 1").fetchone()
    except sqlite3.Error:
        return False
    return row is not None


def display() -> tuple[dict[str, str], subprocess.Popen[bytes] | None]:
    """Environment for a display: a private Xvfb if there is one, else offscreen Qt."""
    if shutil.which("Xvfb") is None:
        return {"QT_QPA_PLATFORM": "offscreen"}, None
    server = subprocess.Popen(
        ["Xvfb", ":93", "-nolisten", "tcp", "-screen", "0", "1366x768x24"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path("/tmp/.X11-unix/X93").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("Xvfb did not start")
        time.sleep(0.01)
    return {"DISPLAY": ":93"}, server


def trial(program: str, screen: dict[str, str], timeout: float = 60.0) -> tuple[float, float]:
    """Seconds to "protected", and resident MB of the process tree at that moment."""
    with tempfile.TemporaryDirectory(prefix="scamguard-startup-") as scratch:
        root = Path(scratch)
        (root / "confined").mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(root),
            "LANG": "C.UTF-8",
            **screen,
            "SCAMGUARD_HOME": str(root / "home"),
            "SCAMGUARD_ONLY_UNDER": str(root / "confined"),
        }
        journal = root / "home" / "state" / "journal.db"
        begun = time.perf_counter()
        proc = subprocess.Popen([program], env=env, stderr=subprocess.DEVNULL)
        try:
            while not _started(journal):
                if proc.poll() is not None:
                    raise SystemExit(f"{program} exited with {proc.returncode} before starting")
                if time.perf_counter() - begun > timeout:
                    raise SystemExit(f"{program} was not protecting after {timeout:g} s")
                time.sleep(0.005)
            elapsed = time.perf_counter() - begun
            tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
            rss = sum(p.memory_info().rss for p in tree) / 2**20
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return elapsed, rss


MACHINE_CONFIG = Path("/etc/xdg/ScamGuard/config.json")


@contextlib.contextmanager
def test_homes_allowed() -> Iterator[None]:
    """An installed build ignores SCAMGUARD_HOME unless root's machine config allows it:
    allow it for the run (needs root), then put the file back exactly as it was."""
    before = MACHINE_CONFIG.read_bytes() if MACHINE_CONFIG.exists() else None
    config = json.loads(before) if before else {}
    if config.get("allow_test_home") is True:
        yield
        return
    if os.geteuid() != 0:
        raise SystemExit(f"run as root: {MACHINE_CONFIG} must allow test homes for the run")
    made_folder = not MACHINE_CONFIG.parent.exists()
    MACHINE_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    MACHINE_CONFIG.write_text(json.dumps({**config, "allow_test_home": True}))
    try:
        yield
    finally:
        if before is None:
            MACHINE_CONFIG.unlink()
            if made_folder:
                MACHINE_CONFIG.parent.rmdir()
        else:
            MACHINE_CONFIG.write_bytes(before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("program", nargs="?", default="/usr/bin/scamguard")
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}; {args.program}")  # fmt: skip
    times, sizes = [], []
    screen, server = display()
    print(f"display: {screen}")
    with contextlib.ExitStack() as stack:
        stack.enter_context(test_homes_allowed())
        if server is not None:
            stack.callback(server.wait)
            stack.callback(server.terminate)
        for n in range(args.trials):
            seconds, rss = trial(args.program, screen)
            times.append(seconds * 1000)
            sizes.append(rss)
            print(f"  trial {n + 1}: {seconds * 1000:.0f} ms to protected, {rss:.0f} MB resident")
    rest = times[1:] or times
    print(f"first (cold-ish) start: {times[0]:.0f} ms")
    print(f"later starts: median {statistics.median(rest):.0f} ms, "
          f"min {min(rest):.0f}, max {max(rest):.0f} (n={len(rest)})")  # fmt: skip
    print(f"resident memory when protected: median {statistics.median(sizes):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
