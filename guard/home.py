"""Where ScamGuard keeps its files.

``SCAMGUARD_HOME=DIR`` puts config, state, journal and quarantine under one folder (tests and
benchmarks rely on it, so they never touch a real profile); otherwise each goes to the
per-OS location platformdirs chooses.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import platformdirs

APP = "ScamGuard"
ENV_HOME = "SCAMGUARD_HOME"


def _home() -> Path | None:
    value = os.environ.get(ENV_HOME, "").strip()
    return Path(value).expanduser() if value else None


def overridden() -> bool:
    """Is this a test or staging run with its own ScamGuard home (SCAMGUARD_HOME)?"""
    return _home() is not None


def confined_to() -> Path | None:
    """``SCAMGUARD_ONLY_UNDER=DIR``, honoured only with SCAMGUARD_HOME set (tests, staging):
    the bare ``scamguard`` command (tray or headless) then acts only on programs and files
    under DIR, so a test can run an installed build without touching anything else."""
    value = os.environ.get("SCAMGUARD_ONLY_UNDER", "").strip()
    return Path(value) if value and overridden() else None


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
