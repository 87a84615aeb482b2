"""Machine-wide update settings: the feed an ISP installed and the keys it is checked with.

Written by the installer into the machine-wide config folder (administrators only), so a
caller talking someone through their own settings cannot point ScamGuard at another feed or
another key. ``SCAMGUARD_HOME=DIR`` moves it to ``DIR/machine`` (tests).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import platformdirs

from guard import home

CONFIG_FILE = "config.json"
MAX_BYTES = 16 * 1024


def machine_dir() -> Path:
    value = home._home()
    if value:
        return value / "machine"
    return Path(platformdirs.site_config_dir(home.APP, appauthor=False))


def read(report: Any = None) -> dict[str, Any]:
    """The machine config, or {} (missing, unreadable or damaged: reported, never fatal)."""
    path = machine_dir() / CONFIG_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        if report:
            report(f"{path}: cannot be read ({exc.strerror or exc})")
        return {}
    try:
        if len(raw) > MAX_BYTES:
            raise ValueError("too large")
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        if report:
            report(f"{path}: damaged machine config ignored ({exc})")
        return {}
    return data


def feed_url() -> str:
    value = read().get("update_feed", "")
    return value if isinstance(value, str) else ""


def channel() -> str:
    value = read().get("update_channel", "stable")
    return value if isinstance(value, str) and value else "stable"


def trusted_keys_dir() -> Path | None:
    """The pinned public keys the installer chose, replacing the built-in set (staging)."""
    value = read().get("trusted_keys", "")
    return Path(value) if isinstance(value, str) and value else None
