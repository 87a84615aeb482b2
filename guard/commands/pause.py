"""A pause before a command a scam caller may be dictating (``allow``, ``trust add``).

Scam callers talk people through typing commands as readily as through clicking. When the
command has a terminal (a person typing), it first says plainly, on that terminal, that
being asked to type it is the scam, then waits before acting, so Ctrl-C is easy; the same
rule as the warning's "I set this up myself" wait. The terminal is the controlling one
(``terminal.py``), so redirecting stdin or stderr does not skip the pause.

A command with no terminal at all (a script, an ISP's deployment tool, a service) must say
so with ``--yes-i-am-not-on-the-phone``; without it, nothing is done. Its use is journalled,
so a history shows when the pause was skipped and for what. With a terminal the flag changes
nothing: the person still gets the pause.

Ctrl-C stops the countdown even when whoever started the command set it to be ignored
(``nohup``, or ``trap '' INT`` dictated first): a process inherits an ignored SIGINT, and
Python then never turns Ctrl-C into KeyboardInterrupt. The countdown puts Python's own
handler back for its few seconds. Windows has the same inheritance of its own (``start /b``
or a new process group starts a program with Ctrl-C ignored): there the console is told to
deliver Ctrl-C again (``SetConsoleCtrlHandler(NULL, FALSE)``), which lasts for the rest of
this short-lived command.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from guard import platform
from guard.commands import terminal
from guard.errors import UsageError
from guard.state import changes
from guard.state.events import EventKind

PAUSE_SECONDS = 30
SCRIPT_FLAG = "--yes-i-am-not-on-the-phone"
SCRIPT_FLAG_HELP = (
    "for scripts with no terminal (deployment tools, services): go ahead without the "
    "30-second pause; its use is journalled. At a terminal the pause happens anyway. If "
    "someone on the phone asked you to type this, it is a scam."
)


def add_script_flag(parser: object) -> None:
    """The flag on ``allow`` and ``trust add`` (``parser``: an argparse parser)."""
    parser.add_argument(  # type: ignore[attr-defined]
        SCRIPT_FLAG, dest="not_on_the_phone", action="store_true", help=SCRIPT_FLAG_HELP
    )


def journal_skipped(command: str, report: Callable[[str], None], **fields: str) -> None:
    """Journal that ``command`` ran with the flag and no terminal: the pause was skipped.
    (A "settings" event, which the history window already shows as a notice.)"""
    changes.journal(
        EventKind.SETTINGS,
        f"'scamguard {command}' was run by a program with no terminal, with {SCRIPT_FLAG}: "
        "the 30-second pause was skipped",
        report,
        setting="pause-skipped",
        command=command,
        **fields,
    )


def think_first(
    what: str,
    *,
    scripted: bool,
    on_skipped: Callable[[], None],
    seconds: int = PAUSE_SECONDS,
    opener: terminal.Opener | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Say what is about to happen on the person's terminal and wait ``seconds`` (Ctrl-C
    cancels: KeyboardInterrupt). With no terminal: UsageError unless ``scripted`` (the
    flag), and then ``on_skipped`` journals that the pause was skipped."""
    out = terminal.open_terminal(opener)
    if out is None:
        if not scripted:
            raise UsageError(
                f"nothing was done: this would {what}, and there is no terminal to show the "
                f"30-second warning on. Scripts must pass {SCRIPT_FLAG} (this is journalled). "
                "If someone on the phone asked you to type this, it is a scam: hang up"
            )
        on_skipped()
        return
    with out, ctrl_c_stops():
        _countdown(what, seconds, out, sleep)


@contextlib.contextmanager
def ctrl_c_stops() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt inside the block, whatever SIGINT was set to before
    (see the module's docstring); the earlier setting is put back after it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the CLI's countdown runs there
        return
    platform.console_ctrl_c_on()
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if before is not None:  # None: set outside Python, which cannot be put back
            signal.signal(signal.SIGINT, before)


def _countdown(what: str, seconds: int, out: TextIO, sleep: Callable[[float], None]) -> None:
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
