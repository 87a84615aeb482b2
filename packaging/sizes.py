"""Print the size of each one-folder build (``make package`` ends with this).

Sizes are what the files take once installed (their bytes, symlinks counted as links), in
MiB, beside the targets of issue 15: the tray build at most 90 MiB, the service 40.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILDS = {"scamguard": ("tray build", 90), "scamguard-service": ("service build", 40)}


def size_mib(folder: Path) -> float:
    """The bytes of every file under ``folder`` (a symlink counts as itself), in MiB."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir()) / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    for name, (what, target) in BUILDS.items():
        folder = args.dist / name
        if not folder.is_dir():
            print(f"{what}: {folder} is missing", file=sys.stderr)
            return 1
        size = size_mib(folder)
        verdict = "within" if size <= target else "OVER"
        print(f"{what}: {size:.1f} MiB ({folder}; target <= {target} MiB: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
