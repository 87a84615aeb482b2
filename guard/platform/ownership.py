"""Was a file written by an administrator? The per-OS check behind every machine-wide file
ScamGuard reads (the machine config, an ISP's profile): root-owned and not group- or
world-writable on Linux and macOS, owned by SYSTEM or Administrators on Windows."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from guard.platform import current_os, owner_sid


def admin_owned_reason(
    path: Path,
    opened: os.stat_result | None = None,
    *,
    windows: bool | None = None,
    owner_of: Callable[[Path], str] | None = None,
) -> str:
    """Why ``path`` may have been written by someone other than an administrator, or "".
    Fails closed: what cannot be checked is not trusted.

    - Linux and macOS: the file (``opened``: its ``fstat``, so the file checked is the file
      read) and its folder (not a symbolic link) must belong to root and be writable by
      nobody else.
    - Windows: the file and the folder must be owned by SYSTEM or Administrators, and the
      folder must not be a junction. ``owner_of`` (a path's owner SID) stands in for the
      Windows API in tests.

    ``guard.state.machine_config.untrusted_reason`` adds the test-home exemption;
    ``guard.state.paths`` asks this directly whether the real machine config allows test
    homes at all."""
    if windows if windows is not None else current_os() == "windows":
        return _windows_untrusted(path, owner_of or owner_sid)
    try:
        file_info = opened or os.stat(path, follow_symlinks=False)
        folder_info = os.stat(path.parent, follow_symlinks=False)
    except OSError as exc:
        return f"cannot be checked ({exc.strerror or exc})"
    if stat.S_ISLNK(folder_info.st_mode):
        return f"{path.parent} is a symbolic link"
    for info, target in ((file_info, path), (folder_info, path.parent)):
        if info.st_uid != 0:
            return f"{target} is not owned by root"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"{target} can be changed by other users"
    return ""


# SYSTEM and the Administrators group: what files made by the MSI's custom actions (run as
# SYSTEM) and by an elevated administrator are owned by.
ADMIN_SIDS = frozenset({"S-1-5-18", "S-1-5-32-544"})
REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: a junction or symbolic link


def _windows_untrusted(path: Path, owner_of: Callable[[Path], str]) -> str:
    try:
        folder = os.stat(path.parent, follow_symlinks=False)
        if getattr(folder, "st_file_attributes", 0) & REPARSE_POINT or stat.S_ISLNK(folder.st_mode):
            return f"{path.parent} is a junction or link"
        for target in (path, path.parent):
            owner = owner_of(target)
            if owner not in ADMIN_SIDS:
                return f"{target} is not owned by SYSTEM or Administrators (owner {owner})"
    except OSError as exc:
        return f"cannot be checked ({exc.strerror or exc})"
    return ""
