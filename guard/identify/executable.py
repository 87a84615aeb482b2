"""What a program file *is*, read once per file: its hash, version information and signer.

Renaming a file is the scam caller's cheapest trick ("save it as notes"), and it changes
nothing inside the file. So every new process's program file is read, not just named. A
desktop starts the same few hundred programs over and over, so each file is read once and
remembered by what identifies its content on disk: device, inode, size, modification and
change time (the change time cannot be set back by a user, so a file rewritten in place and
its modification time restored is still read again). A file replaced under the same name is
a new inode, so it is read again too.

The file is opened once (regular_file: never a FIFO), and everything is read from that one
handle and keyed by its ``fstat``, so the key and the content always describe the same file
even while someone swaps the name.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from guard.identify.elf import elf_build_id
from guard.identify.hashing import sha256_handle
from guard.identify.macho import macho_signers
from guard.identify.pe import pe_from_handle
from guard.identify.regular_file import open_regular

CACHE_ENTRIES = 4096  # distinct program files remembered (a desktop runs a few hundred)


@dataclass(frozen=True, slots=True)
class FileFacts:
    """The content identity of one program file."""

    version: dict[str, str] = field(default_factory=dict)  # PE version strings
    signers: tuple[str, ...] = ()  # Authenticode publishers, or a Mac program's Developer ID
    sha256: str | None = None  # None when not asked for, too large or unreadable
    build_id: str | None = None  # a Linux program's GNU build ID (elf.py)

    def as_facts(self) -> dict[str, str]:
        """For an identification's Details: version strings, then the signer."""
        shown = dict(self.version)
        if self.signers:
            shown["Signer"] = self.signers[0]
        if self.build_id:
            shown["Build ID"] = self.build_id
        return shown


Key = tuple[int, int, int, int, int] | tuple[str, int, int, int]


class ExecutableFacts:
    """A bounded, thread-safe cache of FileFacts (the process watcher's content look and the
    install watcher share one identifier)."""

    def __init__(self, entries: int = CACHE_ENTRIES):
        self.entries = entries
        self._cache: OrderedDict[Key, FileFacts] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def read(self, path: str | os.PathLike[str], want_hash: bool) -> FileFacts | None:
        """The facts of the file at ``path`` (``/proc/PID/exe`` works: the kernel's link to
        the very file a process runs, even renamed or deleted), or None when it cannot be
        opened as a regular file."""
        try:
            fh, st = open_regular(path)
        except OSError:
            return None
        with fh:
            key = _key(path, st)
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None and (cached.sha256 is not None or not want_hash):
                    self._cache.move_to_end(key)
                    self.hits += 1
                    return cached
                self.misses += 1
            pe = pe_from_handle(fh, st.st_size)
            signers = pe.signers
            build_id = None
            if not pe.version and not signers:  # not Windows: a Mac or a Linux program?
                signers = macho_signers(fh, st.st_size)
                if not signers:
                    build_id = elf_build_id(fh, st.st_size)
            try:
                digest = sha256_handle(fh, st.st_size) if want_hash else None
            except OSError:
                digest = None
        facts = FileFacts(pe.version, signers, digest, build_id)
        with self._lock:
            self._cache[key] = facts
            self._cache.move_to_end(key)
            while len(self._cache) > self.entries:
                self._cache.popitem(last=False)
        return facts

    def peek(
        self, path: str | os.PathLike[str], st: os.stat_result, want_hash: bool
    ) -> FileFacts | None:
        """The facts already read for the file ``st`` describes (``path`` only names it on a
        file system without inode numbers), or None. Never touches the file: the exec gate
        asks while an exec waits for its answer (guard/watch/exec_gate.py)."""
        key = _key(path, st)
        with self._lock:
            cached = self._cache.get(key)
            if cached is None or (want_hash and cached.sha256 is None):
                return None
            self._cache.move_to_end(key)
            return cached

    def __len__(self) -> int:
        return len(self._cache)


def _key(path: str | os.PathLike[str], st: os.stat_result) -> Key:
    if st.st_ino:  # every local file system gives one; some network ones give 0
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return (os.fspath(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns)
