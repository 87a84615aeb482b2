"""Install the Debian packages a check needs, if they are missing.

``make test-packaging`` (and ``make test``, for the packages listed in
``tests/debian-packages.txt``: a virtual X screen, a VNC server...) run on a clean CI machine
as root; on a developer's machine this says what to install rather than asking for a
password, and the tests that need a missing program skip with the reason.

    ensure_tools.py PACKAGE...            # exit 2 when one is missing and cannot be installed
    ensure_tools.py --list FILE           # FILE: "package command" per line, # comments
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

COMMANDS = {"wixl": "wixl", "msitools": "msiinfo", "dpkg-dev": "dpkg-deb", "icu-devtools": "icupkg"}


def read_list(path: str) -> list[str]:
    """The packages of a list file, each line "package [command it provides]"."""
    packages = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            words = line.split("#", 1)[0].split()
            if words:
                packages.append(words[0])
                if len(words) > 1:
                    COMMANDS[words[0]] = words[1]
    return packages


def main(packages: list[str]) -> int:
    if packages[:1] == ["--list"] and len(packages) == 2:
        packages = read_list(packages[1])
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
