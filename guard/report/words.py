"""Times and lengths as a person reads them, in the computer's own time zone.

The journal keeps seconds since the epoch (UTC); the pack is read by someone who remembers
"just after two o'clock", so every time is turned into local time here, in one place, and the
tests turn their fixed epoch values into local time with these same functions.
"""

from __future__ import annotations

import datetime as dt


def local(timestamp: float, tz: dt.tzinfo | None = None) -> dt.datetime:
    """``timestamp`` in ``tz`` (None: this computer's time zone, daylight saving included)."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).astimezone(tz)


def day(timestamp: float, tz: dt.tzinfo | None = None) -> str:
    """``Tuesday 3 March 2026`` (English names, no leading zero, on every OS)."""
    moment = local(timestamp, tz)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def clock(timestamp: float, tz: dt.tzinfo | None = None) -> str:
    """``14:02:07``: seconds matter to a bank matching the pack against its own records."""
    return local(timestamp, tz).strftime("%H:%M:%S")


def short_day(timestamp: float, tz: dt.tzinfo | None = None) -> str:
    """``Wed 4 Mar``, for a row that falls on another day than the first."""
    moment = local(timestamp, tz)
    return f"{moment:%a} {moment.day} {moment:%b}"


def stamp(timestamp: float, tz: dt.tzinfo | None = None) -> str:
    """``Tuesday 3 March 2026 at 14:02:07``."""
    return f"{day(timestamp, tz)} at {clock(timestamp, tz)}"


def zone(timestamp: float, tz: dt.tzinfo | None = None) -> str:
    """The zone's name at that moment (``GMT``, ``BST``), or its offset when it has none."""
    moment = local(timestamp, tz)
    name = moment.tzname() or ""
    if name and not name.startswith(("+", "-")):
        return name
    offset = moment.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_iso(text: object) -> float | None:
    """A journal ISO time (``expires``) back to seconds; None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def length(seconds: float) -> str:
    """``45 seconds``, ``4 minutes and 12 seconds``, ``2 hours and 5 minutes``."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        parts = [_count(hours, "hour")] + ([_count(minutes, "minute")] if minutes else [])
    elif minutes:
        parts = [_count(minutes, "minute")] + ([_count(secs, "second")] if secs else [])
    else:
        parts = [_count(secs, "second")]
    return " and ".join(parts)


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
