"""When to ask the update feed, and asking it once: the one schedule the tray (running its
own guard) and the guard service both keep.

Every 6 hours, give or take half an hour, so millions of installs do not all ask the feed in
the same minute. At start, within minutes if the last check is older than that: a laptop
switched off every evening must still get its updates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from guard.state import machine_config
from guard.updates import client, installed

EVERY_SECONDS = 6 * 3600
JITTER_SECONDS = 30 * 60


def hours_since_check() -> float:
    """Hours since the feed was last asked (infinite when never)."""
    value = installed.read_state().get("last_check")
    try:
        last = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        last = None
    if last is None:
        return float("inf")
    return (dt.datetime.now(dt.UTC) - last).total_seconds() / 3600


def next_wait(first: bool = False, rng: random.Random | None = None) -> float:
    """Seconds until the next scheduled check."""
    pick = rng or random.Random()  # noqa: S311 - spreading load, not a secret
    if first and hours_since_check() * 3600 >= EVERY_SECONDS:
        return pick.uniform(60, 600)
    return EVERY_SECONDS + pick.uniform(-JITTER_SECONDS, JITTER_SECONDS)


def check_now(report: Callable[[str], None] = lambda _line: None) -> tuple[str, bool] | None:
    """Ask the machine's feed once: (what happened, in one line; installed-or-current), or
    None when no feed is set up here. Never raises."""
    feed = machine_config.feed_url()
    if not feed:
        return None
    try:
        outcome = client.update(feed, channel=machine_config.channel(), report=report)
    except client.Rejected as exc:
        return f"The update was refused: {exc}", False
    except Exception as exc:  # a check must never take the guard down
        return f"The update check failed: {exc}", False
    return outcome.message, True
