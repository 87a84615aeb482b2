"""Install the Debian packages a packaging check needs, if they are missing.

``make test-packaging`` runs on a clean CI machine as root; on a developer's machine it
says what to install rather than asking for a password.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

COMMANDS = {"wixl": "wixl", "msitools": "msiinfo", "dpkg-dev": "dpkg-deb", "icu-devtools": "icupkg"}


def main(packages: list[str]) -> int:
    missing = [p for p in packages if shutil.which(COMMANDS.get(p, p)) is None]
    if not missing:
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"ensure_tools: please install: sudo apt-get install {' '.join(missing)}",
              file=sys.stderr)  # fmt: skip
        return 2
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
