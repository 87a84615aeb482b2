"""The baseline the live-guard benchmark compares ScamGuard with: a naive scam guard.

This is how existing open-source scam guards watch for remote-access tools: every couple of
seconds a full ``psutil.process_iter(['name'])`` and a match of each name against a list of
known tool names. It is run by ``benchmarks/live_guard.py`` as its own subprocess, exactly like
the real guard, and speaks the same one-JSON-object-per-line protocol (only ``started`` and
``frozen``), so both are measured by the same harness.

Safety on a shared machine: like ``scamguard watch --only-under``, it suspends a matching
process only when its executable lies under ``--only-under``, and never resumes or kills
anything.

Run: ``python benchmarks/naive_guard.py --only-under DIR [--interval-ms 2000]``; Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import time

import psutil

# The kind of hard-coded list such guards carry (lower case, with and without ".exe").
TOOL_NAMES = frozenset(
    {
        "anydesk",
        "teamviewer",
        "teamviewer_service",
        "rustdesk",
        "ultraviewer",
        "supremo",
        "ammyy",
        "aa_v3",
        "logmein",
        "gotoassist",
        "screenconnect.clientservice",
        "connectwisecontrol.client",
        "splashtop",
        "remoteutilities",
        "rutserv",
        "rfusclient",
        "zohoassist",
        "quickassist",
        "anyviewer",
        "airdroid",
        "hoptodesk",
        "dwagent",
        "remotepc",
    }
)


def emit(event: str, **fields: object) -> None:
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    print(json.dumps({"event": event, "time": stamp, **fields}), flush=True)


def is_tool(name: str) -> bool:
    key = name.casefold()
    return key in TOOL_NAMES or key.removesuffix(".exe") in TOOL_NAMES


def run(only_under: str, interval: float) -> None:
    prefix = os.path.join(os.path.realpath(only_under), "")
    frozen: set[int] = set()
    emit("started", source="process_iter", interval_ms=round(interval * 1000))
    next_scan = time.monotonic()
    while True:
        seen: set[int] = set()
        for proc in psutil.process_iter(["name"]):
            seen.add(proc.pid)
            if proc.pid in frozen or not is_tool(proc.info["name"] or ""):
                continue
            try:
                exe = proc.exe()
                if not exe.startswith(prefix):
                    continue
                proc.suspend()
            except psutil.Error:
                continue
            frozen.add(proc.pid)
            emit("frozen", tool=proc.info["name"], pid=proc.pid, path=exe, pids=[proc.pid])
        frozen &= seen
        next_scan += interval
        time.sleep(max(0.0, next_scan - time.monotonic()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only-under", required=True, metavar="DIR")
    parser.add_argument("--interval-ms", type=int, default=2000)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        run(args.only_under, args.interval_ms / 1000)
    emit("stopped")


if __name__ == "__main__":
    main()
