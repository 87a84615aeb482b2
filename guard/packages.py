"""Installed Linux packages, read from dpkg's status file (no subprocess, no root needed)."""

from __future__ import annotations

import contextlib
from pathlib import Path

MAX_STATUS_BYTES = 64 * 1024 * 1024


def installed_dpkg_packages(status_file: Path) -> set[str]:
    """Names of packages dpkg marks 'install ok installed'; empty if there is no dpkg."""
    try:
        if status_file.stat().st_size > MAX_STATUS_BYTES:
            return set()
        text = status_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    installed = set()
    for stanza in text.split("\n\n"):
        name = status = ""
        for line in stanza.splitlines():
            if line.startswith("Package: "):
                name = line[9:].strip()
            elif line.startswith("Status: "):
                status = line[8:].strip()
        if name and status.endswith(" installed") and status.startswith("install "):
            installed.add(name)
    return installed


DPKG_INFO = Path("/var/lib/dpkg/info")
MAX_LIST_BYTES = 8 * 1024 * 1024


def dpkg_owns(package: str, path: str, info_dir: Path = DPKG_INFO) -> bool:
    """Did dpkg install ``path`` as part of ``package``? Reads that one package's file list
    (``/var/lib/dpkg/info/<package>[:<arch>].list``): a few kilobytes, no subprocess."""
    if not package or "/" in package or package.startswith("."):
        return False
    wanted = path.encode("utf-8", "surrogateescape")
    candidates = [info_dir / f"{package}.list"]
    with contextlib.suppress(OSError):
        candidates += sorted(info_dir.glob(f"{package}:*.list"))
    for listing in candidates:
        try:
            if listing.stat().st_size > MAX_LIST_BYTES:
                continue
            lines = listing.read_bytes().splitlines()
        except OSError:
            continue
        if wanted in lines:
            return True
    return False
