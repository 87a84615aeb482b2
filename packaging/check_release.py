"""Before a build: say plainly what a build without pinned keys cannot do.

With no public key pinned in ``signatures/keys/{content,profile}/``, the build guards
perfectly well on its built-in data, but refuses every update and every ISP profile (nothing
can be verified). That is right for a development build and wrong for a release, so
``--release`` (the release workflow) makes it an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guard.updates import keys  # noqa: E402 - after the path is set


def missing_roles(directory: Path) -> list[str]:
    pinned = keys.trusted_keys(directory)
    return [role for role in keys.ROLES if not pinned.get(role)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--release", action="store_true", help="missing keys are an error")
    args = parser.parse_args(argv)
    try:
        missing = missing_roles(ROOT / "signatures" / "keys")
    except keys.KeyProblem as exc:
        print(f"check_release: {exc}", file=sys.stderr)
        return 2
    if not missing:
        return 0
    roles = " and ".join(missing)
    line = (
        f"no {roles} key is pinned in signatures/keys/: this build will refuse every update "
        "and every ISP profile (a development build)"
    )
    print(f"check_release: {'error' if args.release else 'warning'}: {line}", file=sys.stderr)
    return 2 if args.release else 0


if __name__ == "__main__":
    sys.exit(main())
