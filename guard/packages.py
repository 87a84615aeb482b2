"""Installed Linux packages, read from dpkg's status file (no subprocess, no root needed)."""

from __future__ import annotations

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
