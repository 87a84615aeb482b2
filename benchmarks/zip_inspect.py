"""Time to identify a 50 MB zip in Downloads: its members' names and the version info of the
programs inside (guard/identify/archive.py), as the install watcher does on a download.

The zip is realistic for what a scam caller sends: a ~5 MB AnyDesk-like program (a real PE
from tests/pe_builder.py, padded with incompressible bytes, as a real executable barely
compresses) and a 45 MB "manual" of incompressible data. The program is decompressed into
memory for its version info; the big member is judged by its name only.

Run: `python benchmarks/zip_inspect.py [--runs N] [--mb N]`. Prints the median and spread
over runs; this machine has 2 noisy cores, so read the median. The file is in the page cache
after the first run (a download just written is too), so this is CPU, not disk.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard.identify.archive import look_inside
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.sigdb.loader import load_database
from guard.state import paths
from tests.pe_builder import build_pe


def build_zip(path: Path, megabytes: int) -> None:
    program = build_pe({"CompanyName": "AnyDesk Software GmbH", "ProductName": "AnyDesk"})
    program += os.urandom(5 * 1024 * 1024 - len(program))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Support/Remote Help.exe", program)  # renamed: only version info says it
        zf.writestr("Support/manual.pdf", os.urandom((megabytes - 5) * 1024 * 1024))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args()
    index = SignatureIndex(load_database(paths.builtin_signatures_dir()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "support-tools.zip"
        build_zip(path, args.mb)
        size = path.stat().st_size
        looks, identifies = [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            look = look_inside(path)
            looks.append(time.perf_counter() - t)
            identifier = Identifier(index)  # fresh: no cached version info or hash
            t = time.perf_counter()
            verdict = identifier.identify_file(path)
            identifies.append(time.perf_counter() - t)
        assert verdict.tool is not None and verdict.tool.id == "anydesk", verdict
        assert any(m.version_info for m in look.members)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"zip: {size / 1e6:.1f} MB, runs: {args.runs}")
    for what, times in (("look_inside", looks), ("identify_file", identifies)):
        ms = sorted(x * 1000 for x in times)
        print(f"{what}: median {statistics.median(ms):.1f} ms (min {ms[0]:.1f}, max {ms[-1]:.1f})")


if __name__ == "__main__":
    main()
