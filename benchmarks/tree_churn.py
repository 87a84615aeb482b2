"""File-system churn in a watched folder tree, for ``benchmarks/live_guard.py``.

The worst case docs/architecture.md warns about: something (a backup tool, an indexer, a
build) opens, reads, touches and rewrites thousands of files across a large watched tree. With
watchdog's default inotify mask that livelocked a recursive watch of 5,050 folders at 100 % CPU
and the AnyDesk.exe event never arrived. Run as its own process so the churn does not share a
GIL with the measuring harness.

Each pass over every file in the tree: open + read + close (IN_OPEN, IN_ACCESS,
IN_CLOSE_NOWRITE), ``utime`` (IN_ATTRIB), and for every fifth file an append + close
(IN_MODIFY, IN_CLOSE_WRITE). Prints one JSON line with what it did.

Run: ``python benchmarks/tree_churn.py TREE SECONDS``.
"""

from __future__ import annotations

import json
import os
import sys
import time


def files_under(root: str) -> list[str]:
    found = []
    for folder, _dirs, names in os.walk(root):
        found += [os.path.join(folder, n) for n in names if n.endswith(".txt")]
    return found


def churn(root: str, seconds: float) -> dict[str, float]:
    paths = files_under(root)
    reads = touches = writes = passes = 0
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end and paths:
        for i, path in enumerate(paths):
            try:
                with open(path, "rb") as f:
                    f.read()
                reads += 1
                os.utime(path)
                touches += 1
                if i % 5 == 0:
                    with open(path, "ab") as f:
                        f.write(b".")
                    writes += 1
            except OSError:
                pass
            if i % 256 == 0 and time.monotonic() >= end:
                break
        passes += 1
    elapsed = time.monotonic() - start
    return {
        "files": len(paths),
        "reads": reads,
        "touches": touches,
        "writes": writes,
        "passes": passes,
        "seconds": round(elapsed, 3),
    }


def main() -> None:
    root, seconds = sys.argv[1], float(sys.argv[2])
    print(json.dumps(churn(root, seconds)), flush=True)


if __name__ == "__main__":
    main()
