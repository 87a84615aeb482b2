"""Where ScamGuard keeps its files.

``SCAMGUARD_HOME=DIR`` puts config, state, journal and quarantine under one folder (tests and
benchmarks rely on it, so they never touch a real profile); otherwise each goes to the
per-OS location platformdirs chooses.

An installed build (PyInstaller, ``sys.frozen``) ignores ``SCAMGUARD_HOME`` unless an
administrator allowed test homes in the machine-wide config (``"allow_test_home": true``):
the variable also moves the machine-wide settings (the installed provider, the feed, the
keys), and a caller can get a variable into a person's login session without any admin
rights (``systemctl --user set-environment``, ``launchctl setenv``, ``setx``).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path

import platformdirs

APP = "ScamGuard"
ENV_HOME = "SCAMGUARD_HOME"
ENV_ONLY_UNDER = "SCAMGUARD_ONLY_UNDER"
ALLOW_TEST_HOME = "allow_test_home"
MACHINE_CONFIG = "config.json"
# FOLDERID_ProgramData: asked of Windows itself, never of an environment variable (platformdirs
# would honour %WIN_PD_OVERRIDE_COMMON_APPDATA%, which any user can set).
PROGRAM_DATA_ID = "{62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}"


def _home() -> Path | None:
    value = os.environ.get(ENV_HOME, "").strip()
    if not value:
        return None
    if getattr(sys, "frozen", False) and not test_homes_allowed():
        return None
    return Path(value).expanduser()


def overridden() -> bool:
    """Is this a test or staging run with its own ScamGuard home (SCAMGUARD_HOME)?"""
    return _home() is not None


def confined_to() -> Path | None:
    """``SCAMGUARD_ONLY_UNDER=DIR``, honoured only in a test home (``overridden()``): the bare
    ``scamguard`` command (tray or headless) then acts only on programs and files under DIR,
    so a test can run an installed build without touching anything else."""
    value = os.environ.get(ENV_ONLY_UNDER, "").strip()
    return Path(value) if value and overridden() else None


def system_machine_dir() -> Path:
    """The machine-wide settings folder, fixed per OS whatever the environment says."""
    if sys.platform == "win32":
        return _windows_program_data() / APP
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP
    # Not platformdirs: it takes the first of $XDG_CONFIG_DIRS, which Ubuntu's sessions set
    # to /etc/xdg/xdg-ubuntu (and sudo clears), so the installer would write one folder and
    # the tray read another; and anyone could point the variable at a folder of their own.
    return Path("/etc/xdg") / APP


def _windows_program_data() -> Path:
    try:
        import ctypes  # noqa: PLC0415 - Windows only
        import uuid  # noqa: PLC0415

        guid = (ctypes.c_ubyte * 16).from_buffer_copy(uuid.UUID(PROGRAM_DATA_ID).bytes_le)
        found = ctypes.c_wchar_p()
        shell32 = ctypes.windll.shell32  # type: ignore[attr-defined]
        if shell32.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(found)) == 0:
            try:
                return Path(found.value or "")
            finally:
                ctypes.windll.ole32.CoTaskMemFree(found)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        pass
    return Path(r"C:\ProgramData")


@functools.lru_cache(maxsize=1)
def test_homes_allowed() -> bool:
    """Did an administrator allow test homes in an installed build (packaging tests,
    staging)? Read once, from the real machine config, which must be an administrator's
    alone (the same checks as every machine-wide file: guard/machine.py)."""
    path = system_machine_dir() / MACHINE_CONFIG
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    from guard.machine import admin_owned_reason  # noqa: PLC0415 - it imports this module

    with os.fdopen(fd, "rb") as fh:
        if admin_owned_reason(path, os.fstat(fh.fileno())):
            return False
        raw = fh.read(16 * 1024)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and data.get(ALLOW_TEST_HOME) is True


def config_dir() -> Path:
    """Per-user settings (active provider, trusted tools)."""
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def state_dir() -> Path:
    """Installed updates, journal, quarantine: things the guard writes as it runs."""
    home = _home()
    return home / "state" if home else Path(platformdirs.user_state_dir(APP, appauthor=False))


def updates_dir() -> Path:
    """Installed updates: version folders and the ``current`` pointer (guard.updates)."""
    return state_dir() / "updates"


def installed_signatures_dir() -> Path:
    """The installed update in use: the folder the ``current`` pointer names. A path that
    does not exist when nothing (valid) is installed, so callers fall back to the built-in
    database."""
    base = updates_dir()
    try:
        name = (base / "current").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return base / "none"
    if not re.fullmatch(r"v[0-9]{1,16}-[0-9a-f]{8}", name):
        return base / "none"
    return base / name


def builtin_signatures_dir() -> Path:
    """The database shipped with this copy of ScamGuard.

    Three layouts reach here: a source checkout or editable install (``signatures/`` beside
    ``guard/``), a wheel (copied into ``guard/_builtin``), and a PyInstaller build (unpacked
    under ``sys._MEIPASS``).
    """
    here = Path(__file__).resolve().parent
    candidates = [here / "_builtin" / "signatures", here.parent / "signatures"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "signatures")
    for candidate in candidates:
        if (candidate / "tools").is_dir():
            return candidate
    return candidates[-1]
