"""How long a frozen tool runs after a ``kill -CONT`` from outside before the guard has it
stopped again (Engine.hold, guard/live.py HOLD_SECONDS).

A real guard (LiveGuard, polling source, confined with ``only_under`` to a temp folder, its
state in a temp home) freezes a copy of /bin/sleep named ``anydesk``; the benchmark sends
SIGCONT and reads ``/proc/PID/stat`` every 0.2 ms until the state is ``T`` again. A new tool
per trial (a tool resumed three times is closed, not re-frozen). Linux only.

Run: ``python benchmarks/hold.py [--trials N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guard.identify.identifier import Identifier  # noqa: E402
from guard.identify.index import SignatureIndex  # noqa: E402
from guard.live import GuardOptions, LiveGuard  # noqa: E402
from guard.sigdb.loader import load_database  # noqa: E402
from guard.state import paths  # noqa: E402


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0].decode()
    except OSError:
        return "gone"


def _wait_state(pid: int, wanted: str, timeout: float = 5.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if _state(pid) == wanted:
            return time.perf_counter() - start
        time.sleep(0.0002)
    raise TimeoutError(f"pid {pid} never reached state {wanted}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scamguard-hold-"))
    os.environ["SCAMGUARD_HOME"] = str(work / "home")
    binary = work / "bin" / "anydesk"
    binary.parent.mkdir()
    shutil.copy("/bin/sleep", binary)
    index = SignatureIndex(load_database(paths.builtin_signatures_dir()))
    options = GuardOptions(source="polling", default_folders=False, only_under=binary.parent)
    guard = LiveGuard(Identifier(index, os_name="linux"), options)
    guard.start()
    times: list[float] = []
    try:
        for _ in range(args.trials):
            proc = subprocess.Popen([str(binary), "30"])
            try:
                _wait_state(proc.pid, "T")
                time.sleep(0.2)  # past the settle time, as a caller's command would be
                os.kill(proc.pid, signal.SIGCONT)
                _wait_state(proc.pid, "S", 1.0)
                times.append(_wait_state(proc.pid, "T") * 1000)
            finally:
                proc.kill()
                os.kill(proc.pid, signal.SIGCONT)
                proc.wait()
    finally:
        guard.stop()
        shutil.rmtree(work, ignore_errors=True)
    times.sort()
    q = statistics.quantiles(times, n=20)
    print(f"resumed from outside -> frozen again, {len(times)} trials (ms):")
    print(f"  median {statistics.median(times):.1f}, p5 {q[0]:.1f}, p95 {q[-1]:.1f}, "
          f"min {times[0]:.1f}, max {times[-1]:.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
