"""Which running program a tool's own Linux package installed, whatever it is called.

A tool installed from its .deb brings helpers the signature files may not name (a new
daemon in the next release, a renamed session helper); the package that installed the file
still says whose it is. Only the tools' packages are read (``/var/lib/dpkg/info/<package>
.list``, a few kilobytes each, for the dozen or so packages the database names), once, and
again only when dpkg changes something (the info folder's modification time), so a lookup
costs one ``stat`` and one dict hit. RPM-based systems keep their database in SQLite or
Berkeley DB and are not read (docs/architecture.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from guard.platform import DPKG_INFO, dpkg_listed_files

MAX_FILES = 200_000  # all the tools' packages together; far more than any real set


class PackagedPrograms:
    """Path → package for the files of the given packages, as dpkg recorded them."""

    def __init__(self, packages: Iterable[str], info_dir: Path = DPKG_INFO):
        self.packages = sorted(set(packages))
        self.info_dir = info_dir
        self._owners: dict[bytes, str] = {}
        self._stamp: int | None = None
        self._lock = threading.Lock()

    def owner(self, path: str) -> str | None:
        """The tool package that installed ``path`` (or the file a link there leads to), or
        None."""
        if not self.packages:
            return None
        try:
            stamp = os.stat(self.info_dir).st_mtime_ns
        except OSError:
            return None  # no dpkg here
        with self._lock:
            if stamp != self._stamp:
                self._owners = self._read()
                self._stamp = stamp
            owners = self._owners
        found = owners.get(os.fsencode(path))
        if found is None:
            real = os.path.realpath(path)
            if real != path:
                found = owners.get(os.fsencode(real))
        return found

    def _read(self) -> dict[bytes, str]:
        owners: dict[bytes, str] = {}
        for package in self.packages:
            for line in dpkg_listed_files(package, self.info_dir)[: MAX_FILES - len(owners)]:
                owners.setdefault(line, package)
        return owners
