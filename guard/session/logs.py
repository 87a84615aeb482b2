"""Tail a tool's own connection logs (AnyDesk ``connection_trace.txt``, TeamViewer
``Connections_incoming.txt``): only what was appended since the last look, bounded, and
tolerant of whatever a version writes.

The first look at a file only notes where it ends: lines written before ScamGuard looked are
history, not a session now. A file that appears later is read from its start (the tool made
it for this connection); one that shrank or was replaced (rotated) is read from its start
again. At most ``MAX_READ`` bytes are read per look (the newest), and a line longer than
``MAX_LINE`` is cut. UTF-16 (with its byte-order mark, as some Windows tools write) and UTF-8
are read; anything undecodable becomes U+FFFD rather than an error. Markers are plain
case-insensitive substrings from the signature file, never patterns.

A path's per-user folders (``%AppData%``, ``%LocalAppData%``, ``%UserProfile%``, ``~``) are
the tool's owner's. The tray's own guard runs as that person, so its own environment says
where they are. The service runs as SYSTEM or root, whose ``%AppData%`` is not where a
person's portable AnyDesk writes: there the owner's account comes from the OS's own records
(``platform.account_of``: the profile Windows made for the token's SID, the home the user
database gives the uid), with the usual folders under it (``owner_folders``). Folders the
tool's own environment names (a moved ``%AppData%``) are read as well, never instead, so a
dictated ``set APPDATA=C:\\x`` cannot blind the check. Whatever the path, the service reads
a file only if the open file is owned by the tool's owner, or by root / SYSTEM /
Administrators (``platform.SYSTEM_OWNERS``: AnyDesk's own service writes the machine-wide
log): a link or junction to another account's folder never makes the service read that
account's file for it, and the owner is asked of the open handle, so swapping a link after
the check changes nothing. Machine-wide folders (``%ProgramData%``) stay the monitor's.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from guard import platform
from guard.identify import installpaths
from guard.session.decide import LogHit
from guard.session.model import SessionLogs

MAX_READ = 64 * 1024
MAX_LINE = 1000
MAX_FILES = 64  # tails kept at once (paths of tools that ran)
# The variables that name a person's own folders (casefolded).
PER_USER = frozenset({"appdata", "localappdata", "userprofile", "home"})
_PER_USER_RE = re.compile(r"%(appdata|localappdata|userprofile|home)%", re.IGNORECASE)


def owner_folders(
    profile: str, os_name: str, tool_env: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """The per-user folders to fill a path with for a tool whose owner's profile folder is
    ``profile`` (from the OS, see the module's docstring): the usual ones under it, then,
    if they differ, those the tool's own environment names."""
    flavour = ntpath if os_name == "windows" else posixpath
    if os_name == "windows":
        usual = {
            "USERPROFILE": profile,
            "APPDATA": ntpath.join(profile, "AppData", "Roaming"),
            "LOCALAPPDATA": ntpath.join(profile, "AppData", "Local"),
        }
    else:
        usual = {"HOME": profile}
    same = flavour.normcase
    moved = {
        name.upper(): flavour.normpath(value)
        for name, value in (tool_env or {}).items()
        if name.casefold() in PER_USER and value
    }
    moved = {k: v for k, v in moved.items() if same(v) != same(flavour.normpath(usual.get(k, "")))}
    return [usual, {**usual, **moved}] if moved else [usual]


def expand(path: str, os_name: str, env: Mapping[str, str], home: str | None) -> str | None:
    """``%VAR%`` and a leading ``~``, as the install locations are filled in
    (guard/identify/installpaths.py); None when a variable is not set, or the path is in a
    home that is not known (the path does not exist on this computer)."""
    if (path == "~" or path.startswith(("~/", "~\\"))) and not home:
        return None
    return installpaths.expand(path, os_name, env, home or "")


@dataclass(slots=True)
class _Tail:
    identity: tuple[int, int] | None  # (device, inode) of the file last read
    offset: int
    utf16: bool = False
    partial: bytes = b""


class LogTailer:
    """Remembers, per file, how far it has read."""

    def __init__(self, env: Mapping[str, str] | None = None, os_name: str | None = None):
        self.env = dict(os.environ if env is None else env)
        self.os_name = os_name or platform.current_os()
        self._tails: dict[str, _Tail] = {}
        self.reads = 0

    def new_hits(
        self,
        logs: SessionLogs,
        owner: str | None,
        account: platform.Account | None = None,
        folders: Sequence[Mapping[str, str]] = (),
    ) -> list[LogHit]:
        """Lines appended to this tool's logs since the last look that record an incoming
        session (a marker present, no ignore text). ``account`` and ``folders``: the owner's
        account and per-user folders when the monitor is not running as the owner (the
        service; ``owner_folders``): then only files that owner (or the system) owns are
        read. Otherwise this process's own environment says where they are. Never raises
        for a file it cannot read."""
        owners = None if account is None else frozenset({account.owner, *platform.SYSTEM_OWNERS})
        hits: list[LogHit] = []
        for path in self._paths(logs, owner, account, folders):
            for line in self._appended(path, owners):
                folded = line.casefold()
                if any(m in folded for m in logs.markers) and not any(
                    i in folded for i in logs.ignore
                ):
                    hits.append(LogHit(path, line[:MAX_LINE]))
        return hits

    def _paths(
        self,
        logs: SessionLogs,
        owner: str | None,
        account: platform.Account | None,
        folders: Sequence[Mapping[str, str]],
    ) -> list[str]:
        """The files to read, each once (as the OS compares names), in the signature's
        order."""
        flavour = ntpath if self.os_name == "windows" else posixpath
        machine = {k: v for k, v in self.env.items() if k.casefold() not in PER_USER}
        out: dict[str, str] = {}
        for raw in logs.paths.get(self.os_name, ()):
            personal = raw.startswith("~") or _PER_USER_RE.search(raw) is not None
            if account is None or not folders or not personal:
                found = [expand(raw, self.os_name, self.env, _home(owner))]
            else:
                found = [
                    expand(raw, self.os_name, machine | dict(mine), account.profile)
                    for mine in folders
                ]
            for path in found:
                if path is not None:
                    out.setdefault(flavour.normcase(flavour.normpath(path)), path)
        return list(out.values())

    def _appended(self, path: str, owners: frozenset[int | str] | None = None) -> Sequence[str]:
        try:
            st = os.stat(path)
        except OSError:
            tail = self._tails.get(path)
            if tail is None:
                self._remember(path, _Tail(None, 0))  # absent: read from 0 once it appears
            return ()
        identity = (st.st_dev, st.st_ino)
        tail = self._tails.get(path)
        if tail is None:
            self._remember(path, _Tail(identity, st.st_size))  # history: skip it
            return ()
        self._tails[path] = self._tails.pop(path)  # the newest-used is the last forgotten
        if tail.identity != identity or st.st_size < tail.offset:
            tail.identity, tail.offset, tail.partial = identity, 0, b""  # new or rotated
        if st.st_size == tail.offset:
            return ()
        start = max(tail.offset, st.st_size - MAX_READ)
        try:
            with open(path, "rb") as fh:
                if owners is not None and platform.file_owner(fh) not in owners:
                    tail.offset = st.st_size  # looked at again only when it grows
                    return ()  # another account's file: never read for it (module docstring)
                fh.seek(start)
                data = fh.read(min(MAX_READ, st.st_size - start))
        except OSError:
            return ()
        self.reads += 1
        if start == 0 and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            tail.utf16 = True
        skipped = start > tail.offset
        tail.offset = start + len(data)
        data = (b"" if skipped else tail.partial) + data
        lines = data.split(b"\n" if not tail.utf16 else b"\n\x00")
        tail.partial = lines.pop()[-MAX_LINE:]
        if skipped and lines:
            lines.pop(0)  # starts mid-line
        codec = "utf-16-le" if tail.utf16 else "utf-8"
        # Windows programs end lines with CRLF: the CR is not part of the line.
        return [
            line.decode(codec, errors="replace").lstrip("\ufeff").rstrip("\r") for line in lines
        ]

    def _remember(self, path: str, tail: _Tail) -> None:
        if len(self._tails) >= MAX_FILES:
            self._tails.pop(next(iter(self._tails)))
        self._tails[path] = tail


def _home(owner: str | None) -> str | None:
    """The owner's home folder (``~user``), or this account's."""
    expanded = os.path.expanduser(f"~{owner}" if owner else "~")
    return None if expanded.startswith("~") else expanded
