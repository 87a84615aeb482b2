"""The exec gate's cost and effect (issue 15's pre-exec blocking benchmark).

1. exec latency of an ordinary program: ``posix_spawn`` of ``/usr/bin/true`` until it is
   reaped, 10,000 times without the gate and 10,000 times with it, in alternating blocks of
   1,000 (the machine is noisy: alternating keeps a burst of someone else's work from
   landing on one side only). With the gate, the real mount holding ``/usr/bin`` is marked:
   the one place in the project a whole mount is marked, so every exec on this shared
   machine passes through the gate while a block runs; each block is a few seconds, the
   engine is confined to a temp folder (nobody else's program can be refused) and every
   answer outside it is allow. Budget: the gate adds ≤ 1 ms at p99.
2. time to refuse a tool: ``posix_spawn`` of a copy of ``/bin/sleep`` named ``anydesk`` in
   the temp folder until it fails with EPERM, 500 times, beside the time to start and reap
   an ordinary copy there.
3. zero instructions: a ``#!/bin/sh`` "tool" whose first line creates a marker file, started
   200 times while the gate runs: the marker must never exist (its twin under an ordinary
   name, started once, creates its own: the check can fail).

Also printed: the gate's own counts (cache hits, fallbacks, errors) over the run.
Needs root and fanotify; otherwise prints why and stops. Run: ``make bench`` or
``python benchmarks/exec_gate.py [--execs N]``. One run; 2 noisy shared cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from live_guard import machine, pct  # noqa: E402

from guard.engine.engine import Engine  # noqa: E402
from guard.engine.quarantine import Quarantine  # noqa: E402
from guard.identify.identifier import Identifier  # noqa: E402
from guard.identify.index import SignatureIndex  # noqa: E402
from guard.platform import fanotify  # noqa: E402
from guard.platform.fanotify import read_exec_mounts  # noqa: E402
from guard.sigdb.loader import load_database  # noqa: E402
from guard.state import paths  # noqa: E402
from guard.watch.content_look import ContentLook  # noqa: E402
from guard.watch.exec_gate import ExecGate, GateCounts  # noqa: E402

TRUE = "/usr/bin/true"
BLOCK = 1000
DEADLINE = 120.0  # one block's longest wait; past it the process is ended by the kernel


def mount_of(path: str) -> str:
    """The mount point holding ``path`` (the longest listed prefix)."""
    real = os.path.realpath(path)
    points = [p for p in read_exec_mounts() if real == p or real.startswith(p.rstrip("/") + "/")]
    return max(points, key=len) if points else "/"


def spawn_and_reap(path: str) -> float:
    """Seconds from posix_spawn to the child reaped (run in the driver process only)."""
    start = time.perf_counter()
    pid = os.posix_spawn(path, [path], {})
    os.waitpid(pid, 0)
    return time.perf_counter() - start


def refused(path: str) -> float | None:
    """Seconds until posix_spawn of ``path`` failed with EPERM; None if it ran (driver)."""
    start = time.perf_counter()
    try:
        pid = os.posix_spawn(path, [path, "30"], {})
    except PermissionError:
        return time.perf_counter() - start
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def drive(mode: str, path: str, count: int) -> list[float | None]:
    """Run ``count`` execs of ``path`` in a separate process and return its timings.

    Why another process: CPython's ``os.posix_spawn`` holds the GIL while the kernel holds
    the child's exec for the gate's answer, and the gate's thread needs the GIL to answer,
    so an exec from the gate's own process on a marked mount would wait forever (the guard
    itself never calls it: tests/test_exec_gate.py checks).
    """
    out = subprocess.run(
        [sys.executable, __file__, "--drive", mode, path, str(count)],
        capture_output=True,
        text=True,
        check=True,
        timeout=DEADLINE,
    )
    values: list[float | None] = json.loads(out.stdout)
    return values


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def spread(values: list[float]) -> str:
    q1, q3 = pct(values, 25), pct(values, 75)
    return (
        f"p50 {us(statistics.median(values))}, p90 {us(pct(values, 90))}, "
        f"p99 {us(pct(values, 99))}, max {us(max(values))}, IQR {us(q3 - q1)} (n={len(values)})"
    )


class Gate:
    """An ExecGate over the mount of /usr/bin or a folder, with a real engine confined to
    ``root`` and a content look, for the duration of a ``with``."""

    def __init__(self, identifier: Identifier, root: Path, *, mounts: list[str] | None = None):
        self.engine = Engine(Quarantine(root / "quarantine"), only_under=str(root))
        self.lines: list[str] = []
        self.content = ContentLook(identifier, lambda *_: None, self.lines.append)
        self.gate = ExecGate(
            identifier,
            self.engine.exec_spared,
            self.engine.exec_denied,
            self.lines.append,
            content=self.content,
            mounts=mounts,
            folders=None if mounts else [root / "bin"],
        )

    def __enter__(self) -> ExecGate:
        # A dead man's switch that needs no Python: if this process stops answering, the
        # kernel ends it (SIGALRM's default action), the fanotify descriptor closes and
        # every exec waiting on the gate goes on.
        signal.alarm(int(DEADLINE) + 30)
        self.content.start()
        self.gate.start()
        return self.gate

    def __exit__(self, *_exc: object) -> None:
        self.gate.stop()
        signal.alarm(0)
        self.content.stop()
        self.engine.close()


def add(total: GateCounts, more: GateCounts) -> None:
    for name, value in more.as_dict().items():
        setattr(total, name, getattr(total, name) + value)


def exec_latency(identifier: Identifier, root: Path, execs: int) -> None:
    mount = mount_of(TRUE)
    print(f"1. exec latency of {TRUE}, {execs:,} execs each way (gate marks the mount {mount}):")
    off: list[float] = []
    on: list[float] = []
    counts = GateCounts()
    block = min(BLOCK, execs)
    drive("run", TRUE, 10)  # warm the page cache
    for _ in range(max(1, execs // block)):
        off += floats(drive("run", TRUE, block))
        with Gate(identifier, root, mounts=[mount]) as gate:
            on += floats(drive("run", TRUE, block))
        add(counts, gate.counts)
    print(f"   without the gate: {spread(off)}")
    print(f"   with the gate:    {spread(on)}")
    added50 = statistics.median(on) - statistics.median(off)
    added99 = pct(on, 99) - pct(off, 99)
    verdict = "within" if added99 <= 0.001 else "OVER"
    print(
        f"   added by the gate: p50 {us(added50)}, p99 {us(added99)} "
        f"({verdict} the 1 ms p99 budget)"
    )
    print(f"   gate counts (all execs on the mount, anyone's): {counts.as_dict()}")


def time_to_refuse(identifier: Identifier, root: Path, trials: int) -> None:
    print(f"2. time to refuse a tool, {trials} trials (folder mark on the temp folder):")
    tool, plain = root / "bin" / "anydesk", root / "bin" / "notes"
    shutil.copy("/bin/sleep", tool)
    shutil.copy(TRUE, plain)
    with Gate(identifier, root) as gate:
        outcomes = drive("refuse", str(tool), trials)
        ordinary = floats(drive("run", str(plain), trials))
        counts = gate.counts.as_dict()
    times = floats(outcomes)
    print(f"   spawn -> EPERM:                {spread(times)}; ran: {outcomes.count(None)}")
    print(f"   an ordinary program, run+reap: {spread(ordinary)}")
    print(f"   gate counts: {counts}")


def zero_instructions(identifier: Identifier, root: Path, trials: int) -> None:
    print(f"3. zero instructions: a script tool whose first line makes a marker, {trials} starts:")
    marker, control = root / "tool-ran", root / "notes-ran"
    tool, twin = root / "bin" / "sh" / "anydesk", root / "bin" / "sh" / "notes"
    tool.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    twin.write_text(f"#!/bin/sh\ntouch '{control}'\n")
    tool.chmod(0o755)
    twin.chmod(0o755)
    with Gate(identifier, root):
        refusals = len(floats(drive("refuse", str(tool), trials)))
        drive("run", str(twin), 1)
    print(
        f"   refused {refusals}/{trials}; marker created: {marker.exists()} "
        f"(its twin under an ordinary name ran: {control.exists()})"
    )


def floats(values: list[float | None]) -> list[float]:
    return [v for v in values if v is not None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execs", type=int, default=10_000, help="execs each way (part 1)")
    parser.add_argument("--drive", nargs=3, metavar=("MODE", "PATH", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:  # the driver process: execs only, timings out as JSON
        mode, path, count = args.drive
        run = spawn_and_reap if mode == "run" else refused
        print(json.dumps([run(path) for _ in range(int(count))]))
        return 0
    reason = fanotify.unavailable_reason()
    if reason:
        print(f"exec gate benchmark skipped: {reason}")
        return 0
    print(f"exec gate benchmark on {machine()}")
    identifier = Identifier(SignatureIndex(load_database(paths.builtin_signatures_dir())))
    with tempfile.TemporaryDirectory(prefix="scamguard-exec-gate-") as tmp:
        root = Path(os.path.realpath(tmp))
        (root / "bin" / "sh").mkdir(parents=True)  # before a gate marks the folders
        exec_latency(identifier, root, args.execs)
        time_to_refuse(identifier, root, 500)
        zero_instructions(identifier, root, 200)
    return 0


if __name__ == "__main__":
    sys.exit(main())
