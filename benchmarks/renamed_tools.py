"""Tools known by what they are, not what they are called (issue 14's benchmark list).

1. renamed → frozen. Every tool in the shipped database gets a stand-in build of its own (a
   copy of /bin/sleep with a few unique bytes appended, so its hash is its alone) and that
   hash is added to the tool's file in a temp copy of the database: the situation where the
   database knows the tool's file. Each build is started under a name that matches nothing
   (``notes-N``) while a real ``scamguard watch --signatures COPY --only-under BIN`` runs;
   the time from just before ``Popen`` until ``/proc/PID/stat`` shows ``T`` (read every
   0.2 ms) is the renamed-binary latency. Target: every copy frozen, within 100 ms.
   Both process sources.
2. PE and signer identity. For every tool with ``[[pe]]`` identities, a Windows program
   carrying those version strings, and for every tool with ``[signing] signers``, one signed
   by that publisher (tests/pe_builder.py), each saved as ``Invoice.exe``: identified as
   that tool or not (these cannot run here; on Windows the process look reads the same file).
3. identification cost with content evidence on. In-process: the first look (names only)
   and the second (program file: hash, PE, signer) for 1,000 distinct programs read cold,
   then a realistic stream of 10,000 starts (90 % from 100 everyday programs, 10 % new
   ones): p50/p95 per look in µs and the cache hit rate.
4. CPU while 1,000 distinct short-lived programs start (each its own file, so nothing is
   cached): the guard's own CPU time over the burst, from ``cpu_times``.

Run: ``make bench`` or ``python benchmarks/renamed_tools.py [--only NAME ...]``.
One run each; 2 noisy shared cores: read medians and orders of magnitude.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from live_guard import Children, GuardRun, machine, pct, read_stat, tree_state  # noqa: E402

from guard.identify.executable import ExecutableFacts  # noqa: E402
from guard.identify.identifier import Identifier  # noqa: E402
from guard.identify.index import SignatureIndex  # noqa: E402
from guard.identify.process import ProcessInfo  # noqa: E402
from guard.sigdb.loader import load_database  # noqa: E402
from guard.state import paths  # noqa: E402
from tests.pe_builder import build_pe, code_signature  # noqa: E402

PHASES = ("renamed", "pe", "cost", "cpu")
DEADLINE = 3.0
NO_SUCH_PID = 4_194_305  # above Linux's largest pid_max: /proc/PID/exe never exists


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def spread_ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"median {statistics.median(values) * 1000:.1f} ms, p95 {pct(values, 95) * 1000:.1f} ms,"
        f" max {max(values) * 1000:.1f} ms (n={len(values)})"
    )


def unique_copy(source: str, path: Path) -> str:
    data = Path(source).read_bytes() + os.urandom(16)
    path.write_bytes(data)
    path.chmod(0o755)
    return hashlib.sha256(data).hexdigest()


def database_with_hashes(root: Path, hashes: dict[str, str]) -> Path:
    """A copy of the shipped database where each tool also lists its stand-in's hash."""
    copy = root / "db"
    shutil.copytree(paths.builtin_signatures_dir(), copy)
    for tool_id, digest in hashes.items():
        file = copy / "tools" / f"{tool_id}.toml"
        text = file.read_text(encoding="utf-8")
        if "[hashes]" in text:
            text = text.replace("sha256 = [", f'sha256 = ["{digest}", ', 1)
        else:
            text += f'\n[hashes]\nsha256 = ["{digest}"]\n'
        file.write_text(text, encoding="utf-8")
    return copy


def frozen_within(pid: int, deadline: float) -> float | None:
    fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    try:
        while time.monotonic() < deadline:
            _comm, state = read_stat(fd)
            if state in (b"T", b"t"):
                return time.monotonic()
            if not state:
                return None
            time.sleep(0.0002)
    finally:
        os.close(fd)
    return None


def renamed_phase(root: Path, tools: list[str], children: Children) -> None:
    bin_dir = root / "bin"
    bin_dir.mkdir()
    builds = {t: bin_dir / f"notes-{i}" for i, t in enumerate(tools)}
    hashes = {t: unique_copy("/bin/sleep", path) for t, path in builds.items()}
    database = database_with_hashes(root, hashes)
    for source in ("polling", "proc-connector"):
        home = root / f"home-{source}"
        home.mkdir()
        env = dict(os.environ, SCAMGUARD_HOME=str(home))
        argv = [sys.executable, "-m", "guard", "watch", "--json", "--no-default-dirs"]
        argv += ["--only-under", str(bin_dir), "--signatures", str(database)]
        argv += ["--interval", "50", "--source", source, "--on-detect", "freeze"]
        run = GuardRun(source, argv, env, children)
        if run.wait_for(lambda e: e.get("event") == "started", timeout=60) is None:
            run.stop()
            print(f"  {source}: did not start ({(run.stderr or ['?'])[-1]})")
            continue
        latencies: list[float] = []
        missed: list[str] = []
        for tool_id, path in builds.items():
            time.sleep(random.uniform(0.01, 0.06))  # land at every phase of the poll tick
            t0 = time.monotonic()
            proc = subprocess.Popen([str(path), "30"], stdin=subprocess.DEVNULL)
            children.track(proc)
            frozen = frozen_within(proc.pid, t0 + DEADLINE)
            children.end(proc)
            if frozen is None:
                missed.append(tool_id)
            else:
                latencies.append(frozen - t0)
        run.stop()
        print(
            f"  {source}: renamed copies frozen {len(latencies)}/{len(builds)}; "
            f"start → frozen {spread_ms(latencies)}"
        )
        if missed:
            print(f"    missed: {', '.join(missed[:20])}")


def concrete(pattern: str) -> str:
    """A value a PE identity's pattern matches (its wildcards filled in)."""
    return pattern.replace("*", "x").replace("?", "x")


def pe_phase(root: Path, identifier: Identifier) -> None:
    tools = identifier.index.signatures.tools
    with_pe = [t for t in tools if t.pe]
    with_signer = [t for t in tools if t.signers]
    times: list[float] = []
    for label, chosen, build in (
        (
            "PE version identity",
            with_pe,
            lambda t: build_pe({k: concrete(g.text) for k, g in t.pe[0].values}),
        ),
        ("signer", with_signer, lambda t: build_pe(None, code_signature(t.signers[0]))),
    ):
        right = 0
        sibling: list[str] = []
        wrong: list[str] = []
        for tool in chosen:
            file = root / "Invoice.exe"
            file.write_bytes(build(tool))
            t0 = time.perf_counter()
            verdict = identifier.identify_file(file)
            times.append(time.perf_counter() - t0)
            found = verdict.tool
            if found is not None and found.id == tool.id:
                right += 1
            elif found is not None and found.vendor == tool.vendor:
                sibling.append(f"{tool.id}→{found.id}")  # one certificate, two products
            else:
                wrong.append(f"{tool.id}→{found.id if found else 'nothing'}")
        print(
            f"  tools with {label}: {len(chosen)}; renamed copy identified as itself: "
            f"{right}/{len(chosen)}, as another product of its vendor: {len(sibling)}, "
            f"missed: {len(wrong)}"
        )
        if sibling:
            print(f"    same vendor: {', '.join(sibling[:20])}")
        if wrong:
            print(f"    not identified: {', '.join(wrong[:20])}")
    if times:
        p50, p95 = us(statistics.median(times)), us(pct(times, 95))
        print(f"  identify_file (uncached files): p50 {p50}, p95 {p95}")


def cost_phase(root: Path, identifier: Identifier) -> None:
    folder = root / "programs"
    folder.mkdir()
    distinct = [folder / f"prog-{i}" for i in range(1000)]
    for path in distinct:
        unique_copy("/bin/true", path)
    everyday = distinct[:100]

    def look(path: Path, content: bool) -> float:
        info = ProcessInfo(NO_SUCH_PID, path.name, exe=str(path))
        t0 = time.perf_counter()
        identifier.identify_process(info, inspect_file=content)
        return time.perf_counter() - t0

    names = [look(p, False) for p in distinct]
    cold = [look(p, True) for p in distinct]
    cache = identifier.executables = ExecutableFacts()  # the stream starts cold too
    rng = random.Random(14)
    stream = [
        rng.choice(everyday) if rng.random() < 0.9 else rng.choice(distinct) for _ in range(10_000)
    ]
    mixed = [look(p, True) for p in stream]
    rate = cache.hits / max(1, cache.hits + cache.misses)
    size = distinct[0].stat().st_size
    p50, p95 = us(statistics.median(names)), us(pct(names, 95))
    print(f"  first look (names only): p50 {p50}, p95 {p95}")
    print(
        f"  second look, cold ({size:,}-byte files, hashed): p50 {us(statistics.median(cold))}, "
        f"p95 {us(pct(cold, 95))}"
    )
    print(
        f"  second look, 10,000 starts (90 % everyday): p50 {us(statistics.median(mixed))}, "
        f"p95 {us(pct(mixed, 95))}; cache hit rate {rate:.1%}"
    )


BURST = 'for f in "$@"; do "$f"; done'


def cpu_phase(root: Path, children: Children) -> None:
    bin_dir = root / "cpu-bin"
    bin_dir.mkdir()
    burst = [bin_dir / f"short-{i}" for i in range(1000)]
    for path in burst:
        unique_copy("/bin/true", path)
    for source in ("polling", "proc-connector"):
        home = root / f"cpu-home-{source}"
        home.mkdir()
        env = dict(os.environ, SCAMGUARD_HOME=str(home))
        argv = [sys.executable, "-m", "guard", "watch", "--json", "--no-default-dirs"]
        argv += ["--only-under", str(bin_dir), "--interval", "50", "--source", source]
        run = GuardRun(source, argv, env, children)
        if run.wait_for(lambda e: e.get("event") == "started", timeout=60) is None:
            run.stop()
            print(f"  {source}: did not start")
            continue
        time.sleep(1.0)  # let the first look at every running program finish
        before = run.cpu()
        t0 = time.monotonic()
        subprocess.run(["sh", "-c", BURST, "sh", *map(str, burst)], check=True)
        wall = time.monotonic() - t0
        time.sleep(1.0)  # the second looks still queued
        used = run.cpu() - before
        rss = psutil.Process(run.pid).memory_info().rss / 1e6
        run.stop()
        print(
            f"  {source}: 1,000 distinct programs in {wall:.1f} s; guard CPU {used:.2f} s "
            f"({used / (wall + 1.0):.0%} of a core over the burst and 1 s after); RSS {rss:.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=PHASES, default=list(PHASES))
    args = parser.parse_args()
    print(machine())
    print(tree_state())
    sigset = load_database(paths.builtin_signatures_dir())
    identifier = Identifier(SignatureIndex(sigset), hash_files=True)
    children = Children()
    with tempfile.TemporaryDirectory(prefix="scamguard-renamed-") as tmp:
        root = Path(tmp)
        try:
            if "renamed" in args.only:
                print("1. renamed copies, start → frozen (real guard, both sources):")
                renamed_phase(root, [t.id for t in sigset.tools], children)
            if "pe" in args.only:
                print("2. Windows programs renamed, by version information and signer:")
                pe_phase(root, identifier)
            if "cost" in args.only:
                print("3. identification cost with content evidence on:")
                cost_phase(root, identifier)
            if "cpu" in args.only:
                print("4. guard CPU while 1,000 distinct short-lived programs start:")
                cpu_phase(root, children)
        finally:
            children.end_all()


if __name__ == "__main__":
    main()
