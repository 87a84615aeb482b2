"""The live guard, black-box, against the naive baseline (issue 3's benchmark list).

ScamGuard runs exactly as a person would run it, as ``python -m guard watch --json
--on-detect freeze`` in a subprocess, always with ``--only-under`` a temp ``bin`` folder so it
never touches a process this benchmark did not start. The baseline is what existing
open-source scam guards do: a full ``psutil.process_iter(['name'])`` every 2 s and a match on
the name (``benchmarks/naive_guard.py``, its own subprocess, same harness).

What is measured, and the targets:

1. spawn → frozen: from just before ``Popen`` until ``/proc/PID/stat`` shows state ``T``
   (read every 0.2 ms, independently of what the guard reports), 100 launches each. ``direct``
   launches a copy of /bin/sleep named ``anydesk``; ``shell`` is the fork-then-exec launcher
   ``sh -c 'sleep 0.02; exec anydesk'``, whose 20 ms are included in spawn → frozen (as in
   docs/architecture.md) and which is judged on exec → frozen (from the moment the harness
   saw the name change: starting sh and sleep is no guard's business). Targets: polling
   (50 ms) p50 ≤ 40 ms and p95 ≤ 80 ms, proc connector p50 ≤ 5 ms, none missed (deadline
   3 s; 5 s for the baseline). Launches are sequential, each after a random pause so they fall
   at every phase of the poll tick, and each tool is killed and reaped once measured; the
   baseline's 2 s scan would make that take minutes, so its launches overlap (at most 12
   alive, a new one every 0.1-0.4 s: a full scan does not care how many there are).
2. idle CPU with 500 extra sleeping processes, from the guard's own ``cpu_times`` (10 ms
   ticks), both sources and the baseline side by side over the same 25 s: ≤ 0.5 % of a core.
3. resident memory (RSS; USS beside it) after start, after the latency runs, idle with 500
   extra processes, and under the tree churn below: ≤ 40 MB.
4. file arrival → incident: a browser-style download (``AnyDesk (N).exe.crdownload`` renamed
   to ``AnyDesk (N).exe``) until the guard's ``installer`` line is read, 50 trials:
   p50 ≤ 50 ms.
5. a watched tree of 5,050 folders (past 2,000 the guard watches only the top level) and one
   just under that limit (watched recursively): idle CPU, installer latency at the top, and
   both again while another process opens, reads, touches and rewrites every file in the
   tree (the livelock case in docs/architecture.md, "Detection"): no livelock, installers still
   reported.
6. launch storm: 1,000 short processes in about half a second, one ``anydesk`` started in the
   middle: frozen every time (latency shown); ``error`` lines about lost events counted.

Run: ``make bench`` or ``python benchmarks/live_guard.py [--quick] [--only NAME ...]``.
A full run takes about three minutes. This machine has 2 noisy shared cores (other sessions run
tests on it), so every figure is one run: read medians and orders of magnitude.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard.watch.install_watcher import RECURSION_LIMIT

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HERE = Path(__file__).resolve().parent
MB = 1_000_000  # memory is shown in MB (10^6 bytes), the unit of the target
PHASES = ("spawn", "memory", "storm", "files", "idle", "tree")
LABELS = {"polling": "polling 50 ms", "proc-connector": "proc connector", None: "baseline"}
SHELL_DELAY = 0.02  # the launcher's own ``sleep 0.02`` before exec

STORM_SCRIPT = """
p=$1; half=$2; n=$3; i=0
while [ $i -lt $half ]; do "$p" >/dev/null 2>&1 & i=$((i+1)); done
echo half
while [ $i -lt $n ]; do "$p" >/dev/null 2>&1 & i=$((i+1)); done
echo launched
wait
echo done
"""


# --- child processes: every one is tracked, and ended by its own pid ---


class Children:
    """Everything this benchmark started, so it can all be ended (and reaped) on any exit."""

    def __init__(self) -> None:
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._guards: dict[int, subprocess.Popen[bytes]] = {}

    def track(self, proc: subprocess.Popen[bytes], guard: bool = False) -> None:
        (self._guards if guard else self._procs)[proc.pid] = proc

    def end(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGCONT then SIGKILL, and reap. ``send_signal`` does nothing once reaped."""
        proc.send_signal(signal.SIGCONT)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self._procs.pop(proc.pid, None)

    def reaped(self, proc: subprocess.Popen[bytes]) -> None:
        self._procs.pop(proc.pid, None)
        self._guards.pop(proc.pid, None)

    def stop_guard(self, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> int | None:
        """SIGINT (Ctrl-C, how a person stops it); SIGKILL if it does not exit in time."""
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.end(proc)
            code = None
        self._guards.pop(proc.pid, None)
        return code

    def end_all(self) -> None:
        for proc in list(self._guards.values()):
            self.stop_guard(proc, timeout=5.0)
        for proc in list(self._procs.values()):
            self.end(proc)


# --- a guard under test (ScamGuard or the baseline) and its JSON events ---


class GuardRun:
    """One guard subprocess; a reader thread stamps each JSON line with time.monotonic()."""

    def __init__(self, label: str, argv: list[str], env: dict[str, str], children: Children):
        self.label = label
        self.children = children
        self.launched_at = time.monotonic()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
            process_group=0,  # Ctrl-C reaches the benchmark only; it stops the guard itself
        )
        children.track(self.proc, guard=True)
        self.pid = self.proc.pid
        self.ps = psutil.Process(self.pid)
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.stderr: list[str] = []
        self.closed = False
        self.exit_code: int | None = None
        self.started: dict[str, Any] | None = None
        self._cond = threading.Condition()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            arrived = time.monotonic()
            try:
                event = json.loads(raw)
            except ValueError:
                event = {"event": "?", "message": raw.decode(errors="replace").strip()}
            with self._cond:
                self.events.append((arrived, event))
                self._cond.notify_all()
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            self.stderr.append(raw.decode(errors="replace").rstrip())

    def mark(self) -> int:
        with self._cond:
            return len(self.events)

    def wait_for(
        self, match: Callable[[dict[str, Any]], bool], timeout: float, since: int = 0
    ) -> tuple[float, dict[str, Any]] | None:
        deadline = time.monotonic() + timeout
        i = since
        with self._cond:
            while True:
                while i < len(self.events):
                    if match(self.events[i][1]):
                        return self.events[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self._cond.wait(left)

    def since(self, mark: int, kind: str | None = None) -> list[dict[str, Any]]:
        with self._cond:
            return [e for _, e in self.events[mark:] if kind is None or e.get("event") == kind]

    def frozen_arrival(self, pid: int, after: float) -> float | None:
        with self._cond:
            for arrived, e in self.events:
                if arrived >= after and e.get("event") == "frozen" and pid in _pids(e):
                    return arrived
        return None

    def cpu(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system

    def memory(self) -> tuple[float, float | None]:
        """(RSS, USS) in MB; USS is None where memory_full_info is not allowed."""
        try:
            full = self.ps.memory_full_info()
            return full.rss / MB, full.uss / MB
        except psutil.AccessDenied:
            return self.ps.memory_info().rss / MB, None

    def stop(self) -> int | None:
        self.exit_code = self.children.stop_guard(self.proc)
        with self._cond:
            self._cond.wait_for(lambda: self.closed, timeout=5)
        return self.exit_code


def _pids(event: dict[str, Any]) -> list[int]:
    pids = event.get("pids")
    return list(pids) if isinstance(pids, list) else [event.get("pid")]


# --- the benchmark's world: temp folders, programs, results ---


@dataclass
class Row:
    name: str
    value: str
    target: str = ""
    verdict: str = ""


@dataclass
class Ctx:
    root: Path
    quick: bool
    children: Children
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    medians: dict[tuple[str, str], float] = field(default_factory=dict)
    connector: str | None = None  # why the proc connector cannot be used, once known

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def tool(self) -> Path:
        return self.bin / "anydesk"

    @property
    def other(self) -> Path:
        return self.root / "other"

    @property
    def downloads(self) -> Path:
        return self.root / "Downloads"

    def row(self, name: str, value: str, target: str = "", verdict: str = "") -> None:
        self.rows.append(Row(name, value, target, verdict))
        print(f"  {name}: {value}" + (f"  [{verdict}]" if verdict else ""), file=sys.stderr)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", file=sys.stderr)


def setup(root: Path) -> None:
    for d in ("bin", "other", "Downloads"):
        (root / d).mkdir()
    shutil.copy2("/bin/sleep", root / "bin" / "anydesk")
    shutil.copy2("/bin/sleep", root / "other" / "idleproc")
    shutil.copy2("/bin/true", root / "other" / "stormproc")


def guard_env(ctx: Ctx, label: str) -> dict[str, str]:
    env = dict(os.environ)
    home = ctx.root / f"home-{label}"
    home.mkdir(exist_ok=True)
    env["SCAMGUARD_HOME"] = str(home)
    return env


def start_scamguard(
    ctx: Ctx, source: str, dirs: list[Path], label: str | None = None
) -> GuardRun | None:
    """Start ``scamguard watch`` and wait for its ``started`` line; None if it cannot run."""
    label = label or source
    argv = [PYTHON, "-m", "guard", "watch", "--json", "--no-default-dirs"]
    argv += ["--only-under", str(ctx.bin), "--dirs", *map(str, dirs)]
    argv += ["--interval", "50", "--source", source, "--on-detect", "freeze"]
    run = GuardRun(label, argv, guard_env(ctx, label), ctx.children)
    got = run.wait_for(lambda e: e.get("event") == "started", timeout=30)
    if got is None:
        code = run.stop()
        why = run.stderr[-1] if run.stderr else f"exit code {code}"
        if source == "proc-connector":
            ctx.connector = why
        ctx.note(f"scamguard watch --source {source} did not start: {why}")
        return None
    run.started = got[1]
    if source == "proc-connector" and got[1].get("source") != "proc-connector":
        ctx.connector = f"started reports source {got[1].get('source')!r}"
        run.stop()
        return None
    print(
        f"  {label}: started in {1000 * (got[0] - run.launched_at):.0f} ms (pid {run.pid})",
        file=sys.stderr,
    )
    return run


def start_baseline(ctx: Ctx) -> GuardRun | None:
    argv = [PYTHON, str(HERE / "naive_guard.py"), "--only-under", str(ctx.bin)]
    run = GuardRun("baseline", argv, dict(os.environ), ctx.children)
    got = run.wait_for(lambda e: e.get("event") == "started", timeout=30)
    if got is None:
        run.stop()
        ctx.note(f"the baseline guard did not start: {run.stderr[-1:]}")
        return None
    run.started = got[1]
    return run


# --- statistics ---


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    value = seconds * 1000
    return (
        f"{value:.2f} ms"
        if value < 10
        else f"{value:.1f} ms"
        if value < 1000
        else f"{value:.0f} ms"
    )


def spread(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"median {ms(statistics.median(values))}, p95 {ms(pct(values, 95))}, max {ms(max(values))}"
    )


def verdict(checks: list[tuple[str, float, float]]) -> str:
    """OK, or what missed and by how much: each check is (what, measured, limit)."""
    misses = [f"{what} over by {ms(got - limit)}" for what, got, limit in checks if got > limit]
    return "OK" if not misses else "MISSED: " + "; ".join(misses)


# --- 1. spawn → frozen ---


@dataclass
class Trial:
    pid: int
    t0: float
    frozen: float | None = None  # latency in s, None = missed
    exec_seen: float | None = None  # s after t0 when the name became the tool's
    popen: float | None = None  # s after t0 when Popen returned (the child has exec'd)
    reported: float | None = None  # s after t0 when the guard's frozen line was read


@dataclass
class _Active:
    proc: subprocess.Popen[bytes]
    fd: int
    trial: Trial


def read_stat(fd: int) -> tuple[bytes, bytes]:
    """(comm, state) from an open /proc/PID/stat; (b"", b"") once the process is gone."""
    try:
        data = os.pread(fd, 512, 0)
    except ProcessLookupError:
        return b"", b""
    close = data.rfind(b")")
    return data[data.find(b"(") + 1 : close], data[close + 2 : close + 3]


def launcher(ctx: Ctx, kind: str) -> Callable[[], subprocess.Popen[bytes]]:
    tool = str(ctx.tool)
    if kind == "direct":
        argv = [tool, "30"]
    else:
        argv = ["sh", "-c", f"sleep {SHELL_DELAY}; exec {shlex.quote(tool)} 30"]

    def launch() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    return launch


def spawn_trials(
    ctx: Ctx,
    launch: Callable[[], subprocess.Popen[bytes]],
    n: int,
    *,
    deadline: float,
    poll: float,
    gap: Callable[[], float],
    outstanding: int = 1,
    confirm: GuardRun | None = None,
) -> list[Trial]:
    """Launch ``n`` tools and time each until its state is T; end and reap each once measured.

    With ``outstanding`` 1 the launches are sequential, each ``gap()`` after the previous one
    ended (and, with ``confirm``, after that guard's ``frozen`` line for it was read, so one
    trial's bookkeeping never spills into the next one's). Otherwise a new launch follows
    ``gap()`` after the previous launch while fewer than ``outstanding`` are alive.
    """
    name = ctx.tool.name.encode()
    trials: list[Trial] = []
    active: list[_Active] = []
    launched = 0
    next_launch = time.monotonic() + gap()
    try:
        while launched < n or active:
            if launched < n and len(active) < outstanding and time.monotonic() >= next_launch:
                t0 = time.monotonic()
                proc = launch()
                returned = time.monotonic() - t0
                ctx.children.track(proc)
                fd = os.open(f"/proc/{proc.pid}/stat", os.O_RDONLY)
                active.append(_Active(proc, fd, Trial(proc.pid, t0, popen=returned)))
                launched += 1
                if outstanding > 1:
                    next_launch = t0 + gap()
            still: list[_Active] = []
            for a in active:
                comm, state = read_stat(a.fd)
                now = time.monotonic()
                elapsed = now - a.trial.t0
                if a.trial.exec_seen is None and comm == name:
                    a.trial.exec_seen = elapsed
                if state == b"T":
                    a.trial.frozen = elapsed
                elif elapsed <= deadline and state not in (b"", b"Z", b"X"):
                    still.append(a)
                    continue
                if a.trial.frozen is not None and confirm is not None:
                    confirm.wait_for(
                        lambda e, pid=a.trial.pid: e.get("event") == "frozen" and pid in _pids(e),
                        timeout=1.0,
                    )
                os.close(a.fd)
                a.fd = -1
                ctx.children.end(a.proc)
                trials.append(a.trial)
                if outstanding == 1:
                    next_launch = time.monotonic() + gap()
            active = still
            time.sleep(poll)
    finally:
        for a in active:
            if a.fd >= 0:
                os.close(a.fd)
            ctx.children.end(a.proc)
    return trials


def spawn_phase(ctx: Ctx, run: GuardRun, label: str, baseline: bool) -> None:
    n = (10 if baseline else 20) if ctx.quick else 100
    for kind in ("direct", "shell"):
        mark = run.mark()
        cpu0 = run.cpu()
        if baseline:
            trials = spawn_trials(
                ctx,
                launcher(ctx, kind),
                n,
                deadline=5.0,
                poll=0.001,
                gap=lambda: random.uniform(0.1, 0.4),
                outstanding=12,
            )
        else:
            trials = spawn_trials(
                ctx,
                launcher(ctx, kind),
                n,
                deadline=3.0,
                poll=0.0002,
                gap=lambda: random.uniform(0.01, 0.06),
                confirm=run,
            )
        cpu = (run.cpu() - cpu0) / max(1, len(trials))
        report_spawn(
            ctx,
            run=run,
            label=label,
            kind=kind,
            trials=trials,
            mark=mark,
            baseline=baseline,
            cpu=cpu,
        )


def report_spawn(
    ctx: Ctx,
    *,
    run: GuardRun,
    label: str,
    kind: str,
    trials: list[Trial],
    mark: int,
    baseline: bool,
    cpu: float,
) -> None:
    """Direct launches are judged on spawn → frozen. Shell launches are judged on exec →
    frozen: spawn → frozen adds the launcher's ``sleep 0.02`` plus starting ``sh`` and
    ``sleep`` (about 5 ms here), which no guard can see, because there is no tool yet."""
    for t in trials:
        arrived = run.frozen_arrival(t.pid, t.t0)
        t.reported = None if arrived is None else arrived - t.t0
    lat = [t.frozen for t in trials if t.frozen is not None]
    missed = len(trials) - len(lat)
    value = f"{spread(lat)}, missed {missed}/{len(trials)}"
    judged = lat
    if kind == "shell":
        judged = [t.frozen - t.exec_seen for t in trials if t.frozen and t.exec_seen]
        if judged:
            value += f"; exec→frozen {spread(judged)}"
    if lat:
        ctx.medians[(kind, label)] = statistics.median(lat)
    what = "exec→frozen " if kind == "shell" else ""
    if baseline:
        target, ok = "none (baseline)", ""
    elif not judged:
        target, ok = "", "MISSED: nothing frozen"
    elif label.startswith("polling"):
        target = f"{what}p50 ≤ 40, p95 ≤ 80, 0 missed"
        checks = [("p50", statistics.median(judged), 0.040), ("p95", pct(judged, 95), 0.080)]
        ok = verdict(checks)
    else:
        target = f"{what}p50 ≤ 5, 0 missed"
        ok = verdict([("p50", statistics.median(judged), 0.005)])
    if missed and ok:
        ok = ("MISSED: " if ok == "OK" else ok + "; ") + f"{missed} not frozen in time"
    ctx.row(f"spawn→frozen, {kind}, {label}", value, target, ok)
    # The guard's own account: a frozen line for each launch, and how the incidents went.
    reported = [t.reported for t in trials if t.reported is not None]
    events = run.since(mark)
    incidents = {e.get("incident") for e in events if e.get("event") == "frozen"}
    incidents.discard(None)
    text = f"'frozen' lines for {len(reported)}/{len(trials)} launches"
    if reported:
        text += f" (read at median {ms(statistics.median(reported))})"
    if not baseline:
        kinds = [e.get("event") for e in events]
        text += (
            f"; {len(incidents)} incident(s); detected {kinds.count('detected')}, "
            f"frozen {kinds.count('frozen')}, ended {kinds.count('ended')}, "
            f"error {kinds.count('error')}"
        )
    ctx.row(f"  guard's report, {kind}, {label}", text)
    popen = [t.popen for t in trials if t.popen is not None]
    quarter = max(1, len(lat) // 4)
    detail = f"Popen itself returned at median {ms(statistics.median(popen))}"
    if len(lat) >= 8:
        detail += (
            f"; first {quarter} launches median {ms(statistics.median(lat[:quarter]))}, "
            f"last {quarter} {ms(statistics.median(lat[-quarter:]))}"
        )
    detail += f"; guard CPU {1000 * cpu:.2f} ms per launch"
    ctx.row(f"  details, {kind}, {label}", detail)
    errors = [e.get("message") for e in events if e.get("event") == "error"]
    if errors:
        ctx.note(f"{label}, {kind}: error events: {errors[:3]}")


# --- 3. memory ---


def memory_row(ctx: Ctx, run: GuardRun, label: str, when: str, baseline: bool) -> None:
    rss, uss = run.memory()
    value = f"RSS {rss:.1f} MB" + (f", USS {uss:.1f} MB" if uss is not None else "")
    if baseline:
        ctx.row(f"memory, {when}, {label}", value, "none (baseline)")
        return
    ok = "OK" if rss <= 40 else f"MISSED: RSS over by {rss - 40:.1f} MB"
    ctx.row(f"memory, {when}, {label}", value, "≤ 40 MB", ok)


# --- 6. launch storm ---


def _stamped_lines(stream: Any, into: list[tuple[float, bytes]]) -> threading.Thread:
    """Read ``stream`` line by line in a thread, each line stamped on arrival."""

    def read() -> None:
        for line in stream:
            into.append((time.monotonic(), line.strip()))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def storm_phase(ctx: Ctx, run: GuardRun, label: str, baseline: bool) -> None:
    total = 300 if ctx.quick else 1000
    repeats = 1 if ctx.quick else 3
    results = []
    mark = run.mark()
    sizes = [str(total // 2), str(total)]
    for _ in range(repeats):
        time.sleep(0.3)
        storm = subprocess.Popen(
            ["sh", "-c", STORM_SCRIPT, "storm", str(ctx.other / "stormproc"), *sizes],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        )
        ctx.children.track(storm)
        began = time.monotonic()
        lines: list[tuple[float, bytes]] = []
        reader = _stamped_lines(storm.stdout, lines)
        while not lines and storm.poll() is None:  # until half of them are launched
            time.sleep(0.0002)
        trial = spawn_trials(
            ctx,
            launcher(ctx, "direct"),
            1,
            deadline=5.0 if baseline else 3.0,
            poll=0.0002,
            gap=lambda: 0.0,
            confirm=None if baseline else run,
        )[0]
        storm.wait()
        reader.join(timeout=5)
        ctx.children.reaped(storm)
        launched = next((t for t, line in lines if line == b"launched"), time.monotonic())
        results.append((trial, launched - began))
    lats = [t.frozen for t, _ in results]
    frozen = [x for x in lats if x is not None]
    rate = statistics.median(total / s for _, s in results)
    each = ", ".join(ms(x) if x is not None else "MISSED" for x in lats)
    value = (
        f"{len(frozen)}/{len(results)} frozen, spawn→frozen {each}; "
        f"{total} processes at {rate:,.0f}/s"
    )
    lost = [e for e in run.since(mark, "error") if "lost" in str(e.get("message", ""))]
    if not baseline:
        value += f"; 'lost events' errors: {len(lost)}"
    if baseline:
        target, ok = "none (baseline)", ""
    else:
        target = "frozen every time"
        ok = "OK" if len(frozen) == len(results) else f"MISSED: {len(results) - len(frozen)}"
    ctx.row(f"launch storm, {label}", value, target, ok)


# --- 4. file arrival → installer event ---


def installer_trials(
    ctx: Ctx,
    run: GuardRun,
    folder: Path,
    n: int,
    *,
    start_at: int,
    until: float | None = None,
    pause: float = 0.0,
) -> tuple[list[float], int]:
    """Rename ``AnyDesk (N).exe.crdownload`` → ``AnyDesk (N).exe`` ``n`` times (or until the
    ``until`` monotonic time); latency until the ``installer`` line is read. Returns
    (latencies, missed)."""
    body = Path("/bin/sleep").read_bytes()
    lats: list[float] = []
    missed = 0
    i = start_at
    while (until is None and len(lats) + missed < n) or (
        until is not None and time.monotonic() < until
    ):
        name = "AnyDesk.exe" if i == 0 else f"AnyDesk ({i}).exe"
        i += 1
        final = folder / name
        part = folder / (name + ".crdownload")
        part.write_bytes(body)
        time.sleep(random.uniform(0.02, 0.06))  # the partial file's own events come and go
        mark = run.mark()
        t0 = time.monotonic()
        os.rename(part, final)
        got = run.wait_for(
            lambda e, p=str(final): e.get("event") == "installer" and e.get("path") == p,
            timeout=3.0,
            since=mark,
        )
        if got is None:
            missed += 1
        else:
            lats.append(got[0] - t0)
        final.unlink()
        time.sleep(pause)
    return lats, missed


def files_phase(ctx: Ctx, run: GuardRun) -> None:
    n = 10 if ctx.quick else 50
    cpu0 = run.cpu()
    lats, missed = installer_trials(ctx, run, ctx.downloads, n, start_at=0)
    cpu = (run.cpu() - cpu0) / n
    ok = verdict([("p50", statistics.median(lats), 0.050)]) if lats else "MISSED"
    if missed:
        ok = ("MISSED: " if ok == "OK" else ok + "; ") + f"{missed} never reported"
    ctx.row(
        "file arrival→installer event, Downloads",
        f"{spread(lats)}, missed {missed}/{len(lats) + missed}; "
        f"guard CPU {1000 * cpu:.2f} ms per file",
        "p50 ≤ 50 ms, 0 missed",
        ok,
    )


# --- a session per guard: memory, spawn, storm, files ---


def guard_session(ctx: Ctx, source: str | None, phases: set[str]) -> None:
    """``source`` None is the baseline."""
    baseline = source is None
    label = LABELS[source]
    print(f"[{label}]", file=sys.stderr)
    if baseline:
        run = start_baseline(ctx)
    else:
        assert source is not None
        run = start_scamguard(ctx, source, [ctx.downloads])
    if run is None:
        if source == "proc-connector":
            ctx.row(f"{label}", f"skipped: {ctx.connector}")
        return
    try:
        time.sleep(1.0)
        if "memory" in phases:
            memory_row(ctx, run, label, "after start", baseline)
        if "spawn" in phases:
            spawn_phase(ctx, run, label, baseline)
        if "memory" in phases and "spawn" in phases:
            memory_row(ctx, run, label, "after the latency runs", baseline)
        if "storm" in phases:
            storm_phase(ctx, run, label, baseline)
        if "files" in phases and source == "polling":
            files_phase(ctx, run)
    finally:
        code = run.stop()
        stopped = run.since(0, "stopped")
        if not baseline:
            said = stopped[0].get("message") if stopped else "no 'stopped' line"
            ctx.note(f"{label}: SIGINT → exit {code}, {said!r}")
        if run.stderr:
            ctx.note(f"{label}: {len(run.stderr)} stderr line(s), last: {run.stderr[-1][:160]!r}")


# --- 2. idle CPU ---


def idle_phase(ctx: Ctx) -> None:
    extra = 100 if ctx.quick else 500
    window = 5.0 if ctx.quick else 25.0
    print(f"[idle CPU, {extra} extra processes]", file=sys.stderr)
    sleepers = []
    try:
        for _ in range(extra):
            p = subprocess.Popen(
                [str(ctx.other / "idleproc"), "3600"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            ctx.children.track(p)
            sleepers.append(p)
        runs: list[tuple[str, GuardRun]] = []
        for source in ("polling", "proc-connector"):
            label = LABELS[source]
            run = start_scamguard(ctx, source, [ctx.downloads], label=f"idle-{source}")
            if run is not None:
                runs.append((label, run))
            elif source == "proc-connector":
                ctx.row("idle CPU, proc connector", f"skipped: {ctx.connector}")
        base = start_baseline(ctx)
        if base is not None:
            runs.append(("baseline", base))
        time.sleep(1.0 if ctx.quick else 3.0)
        procs = len(psutil.pids())
        forks0, began = forks(), time.monotonic()
        before = [(r.cpu(), time.monotonic()) for _, r in runs]
        time.sleep(window)
        rate = (forks() - forks0) / (time.monotonic() - began)
        for (label, run), (c0, t0) in zip(runs, before, strict=True):
            share = 100 * (run.cpu() - c0) / (time.monotonic() - t0)
            ctx.medians[("idle", label)] = share
            target, ok = (
                "≤ 0.5 % of a core",
                "OK"
                if share <= 0.5
                else (f"MISSED: over by {share - 0.5:.2f} points ({share / 0.5:.1f}× the target)"),
            )
            if label == "baseline":
                target, ok = "none (baseline)", ""
            ctx.row(
                f"idle CPU, {label}",
                f"{share:.2f} % of one core over {window:.0f} s, {procs} processes running, "
                f"{rate:.1f} new processes/s on the machine",
                target,
                ok,
            )
            if label != "baseline":
                memory_row(ctx, run, label, f"idle with {procs} processes", False)
        for _, run in runs:
            run.stop()
    finally:
        for p in sleepers:
            ctx.children.end(p)


def forks() -> int:
    """Processes created on the whole machine since boot (other sessions share it)."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("processes "):
            return int(line.split()[1])
    return 0


# --- 5. a large watched tree ---


def build_tree(root: Path, tops: int, subs: int) -> int:
    root.mkdir()
    for i in range(20):
        (root / f"f{i}.txt").write_bytes(b"x")
    for i in range(tops):
        for j in range(subs):
            leaf = root / f"d{i:03}" / f"s{j:03}"
            leaf.mkdir(parents=True)
            (leaf / "a.txt").write_bytes(b"x")
            (leaf / "b.txt").write_bytes(b"x")
    return tops * (subs + 1)


def tree_case(ctx: Ctx, label: str, tops: int, subs: int) -> None:
    idle_window = 3.0 if ctx.quick else 8.0
    churn_seconds = 3.0 if ctx.quick else 6.0
    trials = 5 if ctx.quick else 15
    tree = ctx.root / f"tree-{tops}x{subs}"
    folders = build_tree(tree, tops, subs)
    print(f"[tree: {folders} folders]", file=sys.stderr)
    # The proc connector where it works, so the poll tick's own cost does not hide the tree's.
    source = "polling" if ctx.connector else "proc-connector"
    run = start_scamguard(ctx, source, [tree], label=f"tree-{folders}")
    if run is None and source != "polling":
        source = "polling"
        run = start_scamguard(ctx, source, [tree], label=f"tree-{folders}")
    if run is None:
        ctx.row(f"tree, {label}", "guard did not start")
        shutil.rmtree(tree)
        return
    try:
        assert run.started is not None
        watched = run.started.get("folders", [])
        how = ", ".join(
            f"{'recursive' if f.get('recursive') else 'top level only'} ({f.get('state')})"
            + (f": {f['note']}" if f.get("note") else "")
            for f in watched
        )
        ctx.row(
            f"tree {folders} folders: 'started' says",
            (how or "no folders listed") + f"; process source {source}",
        )
        time.sleep(1.0)
        c0, t0 = run.cpu(), time.monotonic()
        time.sleep(idle_window)
        share = 100 * (run.cpu() - c0) / (time.monotonic() - t0)
        plain = ctx.medians.get(("idle", LABELS[source]))
        without = (
            "" if plain is None else f" (same source without the tree, idle test: {plain:.2f} %)"
        )
        ctx.row(
            f"tree {folders} folders: idle CPU",
            f"{share:.2f} % of one core over {idle_window:.0f} s{without}",
            "≤ 0.5 % of a core",
            "OK" if share <= 0.5 else f"MISSED: over by {share - 0.5:.2f} points",
        )
        lats, missed = installer_trials(ctx, run, tree, trials, start_at=1000)
        ctx.row(
            f"tree {folders} folders: installer at the top",
            f"{spread(lats)}, missed {missed}/{len(lats) + missed}",
            "p50 ≤ 50 ms, 0 missed",
            (verdict([("p50", statistics.median(lats), 0.050)]) if lats else "MISSED")
            + (f"; {missed} never reported" if missed else ""),
        )
        churn_case(ctx, run, tree, f"tree {folders} folders, under churn", churn_seconds)
    finally:
        run.stop()
        shutil.rmtree(tree, ignore_errors=True)


def drop_installers(
    folder: Path, start_at: int, until: float, every: float
) -> list[tuple[str, float]]:
    """Rename a browser download into ``folder`` every ``every`` s until ``until``, without
    waiting for the guard: (path, time of the rename) for each. The files stay until the
    caller removes them, so a late event is still an event."""
    body = Path("/bin/sleep").read_bytes()
    dropped = []
    i = start_at
    while time.monotonic() < until:
        final = folder / f"AnyDesk ({i}).exe"
        part = folder / f"AnyDesk ({i}).exe.crdownload"
        i += 1
        part.write_bytes(body)
        time.sleep(0.03)
        dropped.append((str(final), time.monotonic()))
        os.rename(part, final)
        time.sleep(every)
    return dropped


def churn_case(ctx: Ctx, run: GuardRun, tree: Path, name: str, seconds: float) -> None:
    """Every file in the tree opened, read, touched, every fifth rewritten, by another process,
    while installers keep landing at the top; then how long the guard takes to catch up."""
    mark, errs = run.mark(), len(run.stderr)
    rss0 = run.memory()[0]
    churn = subprocess.Popen(
        [PYTHON, str(HERE / "tree_churn.py"), str(tree), str(seconds)],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    ctx.children.track(churn)
    c0, t0 = run.cpu(), time.monotonic()
    dropped = drop_installers(tree, 2000, until=t0 + seconds - 0.3, every=0.4)
    peak = run.memory()[0]
    out, _ = churn.communicate()
    ctx.children.reaped(churn)
    ended = time.monotonic()
    share = 100 * (run.cpu() - c0) / (ended - t0)
    try:
        did = json.loads(out)
        work = (
            f"{did['reads']:,} reads, {did['touches']:,} touches, {did['writes']:,} rewrites "
            f"of {did['files']:,} files"
        )
    except (ValueError, KeyError):
        work = "churn output unreadable"
    # Catching up: every dropped installer reported (late is still reported), CPU settles.
    lats = []
    for path, t in dropped:
        got = run.wait_for(
            lambda e, p=path: e.get("event") == "installer" and e.get("path") == p,
            timeout=max(0.0, ended + 15.0 - time.monotonic()),
            since=mark,
        )
        if got is not None:
            lats.append(got[0] - t)
    caught_up = time.monotonic() - ended
    c1, t1 = run.cpu(), time.monotonic()
    time.sleep(2.0)
    after = 100 * (run.cpu() - c1) / (time.monotonic() - t1)
    for path, _ in dropped:
        with contextlib.suppress(OSError):
            os.unlink(path)
    missed = len(dropped) - len(lats)
    errors = run.since(mark, "error")
    warn = [line for line in run.stderr[errs:] if "overflow" in line.lower()]
    ctx.row(
        f"{name}: guard CPU",
        f"{share:.1f} % of one core over {seconds:.0f} s ({work}); {after:.2f} % in the 2 s after",
        "no livelock (well under one core)",
        "OK"
        if share < 50
        else f"MISSED: CPU-bound at {share:.0f} % of a core"
        + ("" if missed else ", but it kept making progress (no livelock)"),
    )
    ctx.row(
        f"{name}: memory",
        f"RSS {peak:.1f} MB near the end of the churn (before it: {rss0:.1f} MB)",
        "≤ 40 MB",
        "OK" if peak <= 40 else f"MISSED: RSS over by {peak - 40:.1f} MB",
    )
    ok = "OK" if lats and not missed else f"MISSED: {missed} never reported"
    if lats and not missed and statistics.median(lats) > 0.050:
        ok = f"MISSED: arrives, but p50 over by {ms(statistics.median(lats) - 0.050)}"
    ctx.row(
        f"{name}: installer at the top",
        f"{spread(lats)}, missed {missed}/{len(dropped)} (15 s grace); all in "
        f"{caught_up:.1f} s after the churn; {len(errors)} error lines, "
        f"{len(warn)} inotify overflow warnings",
        "still arrives, p50 ≤ 50 ms",
        ok,
    )


def tree_phase(ctx: Ctx) -> None:
    subs = 100
    tree_case(ctx, "over the limit", 50, subs)  # 5,050 folders
    if not ctx.quick:
        under = (RECURSION_LIMIT - 50) // (subs + 1)  # just under: watched recursively
        tree_case(ctx, "under the limit", under, subs)


# --- the report ---


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    try:
        import watchdog.version as wv  # noqa: PLC0415

        wd = wv.VERSION_STRING
    except ImportError:
        wd = "?"
    return (
        f"machine: {model}, {os.cpu_count()} cores, {platform.machine()}, "
        f"kernel {platform.release()}, python {platform.python_version()}, "
        f"psutil {psutil.__version__}, watchdog {wd}; {len(psutil.pids())} processes, "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def tree_state() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "guard"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "guard code: unknown revision"
    return f"guard code: {head}" + (" with uncommitted changes in guard/" if dirty else "")


def print_report(ctx: Ctx, elapsed: float) -> None:
    print()
    width = min(max((len(r.name) for r in ctx.rows), default=10), 52)
    for r in ctx.rows:
        line = f"{r.name:<{width}}  {r.value}"
        if r.target or r.verdict:
            line += f"  | target {r.target or '-'}" + (f" | {r.verdict}" if r.verdict else "")
        print(line)
    ratios = []
    for kind in ("direct", "shell"):
        base = ctx.medians.get((kind, "baseline"))
        for label in ("polling 50 ms", "proc connector"):
            got = ctx.medians.get((kind, label))
            if base and got:
                ratios.append(
                    f"spawn→frozen {kind}, {label} / baseline (medians): {got / base:.4f} "
                    f"({base / got:,.0f}× faster)"
                )
    base = ctx.medians.get(("idle", "baseline"))
    for label in ("polling 50 ms", "proc connector"):
        got = ctx.medians.get(("idle", label))
        if base and got is not None:
            ratios.append(f"idle CPU, {label} / baseline: {got / base:.2f}×")
    if ratios:
        print("\nguard vs baseline (full process_iter(['name']) every 2 s):")
        for line in ratios:
            print(f"  {line}")
    if ctx.notes:
        print("\nnotes:")
        for n in ctx.notes:
            print(f"  {n}")
    misses = sum(1 for r in ctx.rows if r.verdict.startswith("MISSED"))
    print(f"\n{misses} target(s) missed; took {elapsed:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few trials: a smoke run")
    parser.add_argument(
        "--only",
        action="append",
        choices=PHASES,
        metavar="NAME",
        help=f"run only these measurements (repeatable): {', '.join(PHASES)}",
    )
    args = parser.parse_args()
    phases = set(args.only or PHASES)
    if sys.platform != "linux":
        sys.exit("live_guard.py measures through /proc: Linux only")

    print(machine())
    print(tree_state())
    print("mode: " + ("quick (smoke run, few trials)" if args.quick else "full"))
    began = time.monotonic()
    children = Children()
    # Ctrl-C raises KeyboardInterrupt even when started in the background (where SIGINT comes
    # ignored, and the guards would inherit that and could not be stopped with it).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with tempfile.TemporaryDirectory(prefix="scamguard-bench-") as tmp:
            ctx = Ctx(Path(tmp), args.quick, children)
            setup(ctx.root)
            try:
                run_phases(ctx, phases)
            finally:
                children.end_all()  # before the temp folder goes: nothing of ours runs on
    except KeyboardInterrupt:
        print("\ninterrupted; everything this benchmark started has been stopped", file=sys.stderr)
        sys.exit(130)
    print_report(ctx, time.monotonic() - began)


def run_phases(ctx: Ctx, phases: set[str]) -> None:
    for source in ("polling", "proc-connector", None):
        # Installer arrival does not depend on the process source: measured with polling.
        per_guard = {"spawn", "memory", "storm"} | ({"files"} if source == "polling" else set())
        if phases & per_guard:
            guard_session(ctx, source, phases)
    if "idle" in phases:
        idle_phase(ctx)
    if "tree" in phases:
        tree_phase(ctx)


if __name__ == "__main__":
    main()
