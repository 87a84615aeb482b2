"""Names identified per second against the full shipped database (target: 200,000/s).

The live guard looks up every new process name, and `scan` every file in Downloads, so this is
the identifier's hot path: normalise, one dict hit, one small bucket of patterns. The mix is
realistic for a home PC: mostly ordinary program and file names that match nothing, some
browser duplicates and versioned installers, a few real tool names.

Run: `make bench` (or `python benchmarks/identify_names.py [--runs N] [--names N]`).
Prints the median and spread over runs; this machine has 2 noisy cores, so read the median.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.sigdb.loader import load_database
from guard.state import paths

ORDINARY = [
    "svchost.exe",
    "explorer.exe",
    "chrome.exe",
    "msedge.exe",
    "firefox.exe",
    "OneDrive.exe",
    "Teams.exe",
    "Spotify.exe",
    "notepad.exe",
    "winword.exe",
    "EXCEL.EXE",
    "outlook.exe",
    "RuntimeBroker.exe",
    "SearchHost.exe",
    "dllhost.exe",
    "conhost.exe",
    "python3",
    "bash",
    "systemd",
    "gnome-shell",
    "pipewire",
    "Xorg",
    "kworker/0:1",
    "sshd",
    "cron",
    "dbus-daemon",
    "holiday photo.jpg",
    "invoice_2026.pdf",
    "ChromeSetup.exe",
    "vlc-3.0.21-win64.exe",
    "Firefox Setup 133.0.exe",
    "steam.exe",
    "Discord.exe",
    "zoom.exe",
    "setup.exe",
    "agent.exe",
]


def build_names(index: SignatureIndex, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    tool_names = [n for t in index.tools.values() for n in t.all_names() if "*" not in n]
    names = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.80:
            base = rng.choice(ORDINARY)
            names.append(base if rng.random() < 0.5 else f"{i}_{base}")  # mostly distinct
        elif roll < 0.90:
            names.append(rng.choice(tool_names))
        elif roll < 0.95:
            stem = rng.choice(tool_names).removesuffix(".exe")
            names.append(f"{stem} ({rng.randint(1, 9)}).exe")
        else:
            stem = rng.choice(tool_names).removesuffix(".exe")
            names.append(
                f"{stem}-{rng.randint(1, 9)}.{rng.randint(0, 99)}.{rng.randint(0, 9)}-x86_64.exe"
            )
    return names


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--names", type=int, default=200_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    sigset = load_database(paths.builtin_signatures_dir())
    t1 = time.perf_counter()
    index = SignatureIndex(sigset)
    t2 = time.perf_counter()
    identifier = Identifier(index)
    names = build_names(index, args.names)

    rates, raw_rates, matched = [], [], 0
    for _ in range(args.runs):
        start = time.perf_counter()
        matched = sum(1 for n in names if identifier.identify_name(n).tool is not None)
        rates.append(len(names) / (time.perf_counter() - start))
        start = time.perf_counter()
        for n in names:
            index.lookup_name(n)
        raw_rates.append(len(names) / (time.perf_counter() - start))

    def fmt(values: list[float]) -> str:
        return (
            f"median {statistics.median(values):>10,.0f}/s  "
            f"(min {min(values):,.0f}, max {max(values):,.0f}, n={len(values)})"
        )

    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores, {platform.machine()}, "
        f"python {platform.python_version()}, {sys.platform}"
    )
    print(
        f"database: {len(index)} tools, {sum(len(v) for v in index.names.values())} names, "
        f"{sum(len(b) for b in index.buckets.values())} patterns in {len(index.buckets)} buckets"
    )
    print(f"load {1000 * (t1 - t0):.1f} ms, compile index {1000 * (t2 - t1):.1f} ms")
    print(f"names: {len(names):,} ({matched:,} identified as tools)")
    print(f"identify_name (verdict): {fmt(rates)}")
    print(f"lookup_name (evidence):  {fmt(raw_rates)}")
    target = 200_000
    verdict = "meets" if statistics.median(rates) >= target else "MISSES"
    print(f"target {target:,}/s: {verdict}")


if __name__ == "__main__":
    main()
