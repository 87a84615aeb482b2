"""The guard service and a person's window (issue 15): what the split costs.

1. spawn → the window hears "frozen": a real ``scamguard service run`` in a temp home
   (``--only-under`` a temp folder), one subscribed client as the tray is; a stand-in tool
   (``/bin/sleep`` copied under a tool's name) started 60 times, each killed here before the
   next (a relaunch joins the incident and is frozen again); from just before ``Popen`` to
   the client's reader thread receiving the ``frozen`` event. Also spawn → ``T`` in
   ``/proc/PID/stat`` (the freeze itself), to show what the socket adds.
2. a window's "Remove" → the service's answer (``decide block``), once for each tool that
   has a Linux name of its own (a removed tool started again is closed at once).
3. the service's CPU while idle with one window connected, over 20 s (``cpu_times``).
4. the service's resident memory after all of that.

Run: ``make bench`` or ``python benchmarks/service_link.py``. One run; 2 noisy shared cores:
read medians and spreads.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guard.service.client import ServiceClient, ServiceUnavailable  # noqa: E402

RUNS = 60


def stopped(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] == "T"
    except (OSError, IndexError):
        return False


def tool_names(count: int) -> list[str]:
    """Linux program names of ``count`` different tools in the shipped database, each a name
    of that tool alone (a name two tools share would join the other's closed incident)."""
    from collections import Counter  # noqa: PLC0415

    from guard.database import load_active  # noqa: PLC0415

    tools = load_active().signatures.tools
    uses = Counter(n.casefold() for t in tools for n in t.all_names())
    names = []
    for tool in tools:
        linux = [
            n
            for n in tool.names.get("linux", ())
            if "/" not in n and len(n) <= 15 and uses[n.casefold()] == 1
        ]
        if linux:
            names.append(linux[0])
    return names[:count]


def summary(name: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[int(len(values) * 0.95) - 1]
    print(
        f"{name}: n={len(values)} median {statistics.median(values):.2f} ms, "
        f"p95 {p95:.2f} ms, min {values[0]:.2f}, max {values[-1]:.2f}"
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="sg-bench-service-"))
    home, tools = work / "home", work / "tools"
    tools.mkdir()
    # A different tool for each "Remove": a removed tool started again within 10 minutes is
    # closed at once (stopped-again), not frozen and warned about.
    binaries = []
    for name in tool_names(RUNS):
        binaries.append(tools / name)
        shutil.copy("/bin/sleep", binaries[-1])
    env = {**os.environ, "SCAMGUARD_HOME": str(home)}
    os.environ["SCAMGUARD_HOME"] = str(home)
    service = subprocess.Popen(
        [sys.executable, "-m", "guard", "service", "run", "--no-default-dirs",
         "--only-under", str(tools)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    heard: dict[int, float] = {}
    arrived = threading.Condition()

    def on_event(message: dict[str, Any]) -> None:
        event = message.get("event") or {}
        if event.get("kind") == "frozen":
            now = time.perf_counter()
            with arrived:
                for pid in event.get("data", {}).get("pids") or [event.get("pid")]:
                    heard.setdefault(int(pid), now)
                arrived.notify_all()

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client = ServiceClient.connect("tray", on_event=on_event, timeout=1.0)
                break
            except ServiceUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        client.request("subscribe")
        to_window, to_freeze, decide = [], [], []
        # 1. The same tool again and again, each one killed here (the tool "closed by
        #    itself"): a relaunch joins its incident and is frozen and told again.
        for _ in range(RUNS):
            start = time.perf_counter()
            proc = subprocess.Popen([str(binaries[0]), "30"])
            while not stopped(proc.pid):
                time.sleep(0.0002)
            to_freeze.append((time.perf_counter() - start) * 1000)
            pid = proc.pid
            with arrived:
                arrived.wait_for(lambda pid=pid: pid in heard, timeout=10)
            to_window.append((heard[pid] - start) * 1000)
            proc.kill()
            os.kill(pid, signal.SIGCONT)
            proc.wait(timeout=10)
        # 2. "Remove", once per tool (a removed tool started again is closed at once).
        for binary in binaries[1:]:
            proc = subprocess.Popen([str(binary), "30"])
            pid = proc.pid
            with arrived:
                arrived.wait_for(lambda pid=pid: pid in heard, timeout=10)
            incident = next(
                v["id"] for v in client.request("status")["incidents"]
                if v["state"] == "frozen" and any(p.get("pid") == pid for p in v["processes"])
            )  # fmt: skip
            begun = time.perf_counter()
            answer = client.request("decide", incident=incident, action="block")
            decide.append((time.perf_counter() - begun) * 1000)
            assert answer["ok"], answer
            proc.wait(timeout=10)
        summary("spawn → frozen (the freeze)", to_freeze)
        summary("spawn → the window hears 'frozen'", to_window)
        summary("'Remove' → the service's answer", decide)
        me = psutil.Process(service.pid)
        before = me.cpu_times()
        time.sleep(20)  # idle, one window connected: the measurement itself
        after = me.cpu_times()
        used = (after.user + after.system - before.user - before.system) / 20 * 100
        print(f"service CPU while idle, one window connected: {used:.2f} % of a core")
        print(f"service resident memory: {me.memory_info().rss / 2**20:.1f} MiB")
        client.close()
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
