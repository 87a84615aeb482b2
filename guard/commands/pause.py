"""A pause before a command a scam caller may be dictating (``allow``, ``trust add``).

Scam callers talk people through typing commands as readily as through clicking. At a
terminal (a person typing), these commands first say plainly that being asked to type them
is the scam, then wait before acting, so Ctrl-C is easy; the same rule as the warning's
"I set this up myself" wait. Scripts and services (no terminal on stdin or stderr) are not
delayed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

PAUSE_SECONDS = 30


def think_first(
    what: str,
    *,
    seconds: int = PAUSE_SECONDS,
    interactive: bool | None = None,
    stream: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Say what is about to happen and wait ``seconds`` (Ctrl-C cancels: KeyboardInterrupt)."""
    if interactive is None:  # a person at a terminal, even with stdin redirected
        interactive = sys.stdin.isatty() or sys.stderr.isatty()
    if not interactive:
        return
    out = stream or sys.stderr
    print(
        f"scamguard: this will {what}. If someone on the phone asked you to type this, it is "
        "a scam: press Ctrl-C now and hang up.",
        file=out,
        flush=True,
    )
    for left in range(seconds, 0, -1):
        print(
            f"\rscamguard: going ahead in {left:2d} s (Ctrl-C to stop) ",
            end="",
            file=out,
            flush=True,
        )
        sleep(1)
    print(file=out, flush=True)
