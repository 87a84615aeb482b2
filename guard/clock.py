"""The one clock every date in ScamGuard comes from.

Dates decide real things here: whether a signed manifest has expired, whether a phone number
was checked so long ago that it must show as STALE, when an allowance runs out. Each function
that decides such a thing takes ``now`` (or ``today``) as a parameter, and when none is given
it asks this module, never ``datetime.now()`` on its own. So there is one place to read the
calendar, tests hand the same instant to every part of an exchange (publish, check, load),
and a suite run with the whole machine's clock moved (``make test-future``, under
libfaketime) exercises exactly the code that ships.

Deadlines and timeouts are different: they measure elapsed time and use ``time.monotonic``,
which a clock set back or forward cannot stretch.
"""

from __future__ import annotations

import datetime as dt
import time as _time


def now() -> dt.datetime:
    """This instant, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date where the person is (local time): what "checked 12 months ago" and a
    release date are compared against."""
    return dt.date.today()


def timestamp() -> float:
    """Seconds since the epoch (what the journal and incidents record)."""
    return _time.time()


def iso_now() -> str:
    """This instant as ``2026-11-22T10:00:00Z`` (whole seconds, for files people read)."""
    return now().strftime("%Y-%m-%dT%H:%M:%SZ")
