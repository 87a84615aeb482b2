"""``scamguard watch``: the headless guard (servers, scripts, and the tray's engine)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from guard.commands.common import add_folder_options, add_signatures_option, load_database
from guard.engine.detection import OnDetect
from guard.errors import EXIT_OK, UsageError
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.instance import AlreadyRunning
from guard.output import warn
from guard.state import paths
from guard.state.events import EventKind, GuardEvent
from guard.watch.process_source import SOURCES, SourceUnavailable


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "watch",
        help="run the guard without a window: freeze remote-access tools as they start",
        description="Run the guard headless. It checks every running program once, then "
        "notices each new program as it starts and each installer as it lands in Downloads, "
        "Desktop, the temp folder and the program folders. A remote-access tool is frozen "
        "at once (with everything it started) and recorded in the journal "
        "(see: scamguard history). Decide about a frozen tool with 'scamguard block ID' or "
        "'scamguard allow ID'. Ctrl-C stops watching; frozen tools stay frozen.",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per line per event"
    )
    parser.add_argument(
        "--interval",
        type=int,
        default=50,
        metavar="MS",
        help="how often to look for new programs when polling, in milliseconds "
        "(default 50; 10-2000)",
    )
    add_folder_options(
        parser,
        "also watch these folders for installers",
        "Downloads, Desktop, temp and the program folders",
    )
    parser.add_argument(
        "--on-detect",
        choices=[m.value for m in OnDetect],
        default=OnDetect.FREEZE.value,
        help="freeze (default): suspend the tool and wait for a decision; kill: stop it and "
        "quarantine its installers at once; log: only record it",
    )
    parser.add_argument(
        "--source",
        choices=SOURCES,
        default="auto",
        help="how new programs are noticed: the Linux proc connector where the kernel allows "
        "it, else polling (default auto)",
    )
    parser.add_argument(
        "--only-under",
        type=Path,
        metavar="DIR",
        help="act only on programs whose executable lies under DIR (to try ScamGuard out, or "
        "test it, without touching other copies of a tool on this computer)",
    )
    add_signatures_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 10 <= args.interval <= 2000:
        raise UsageError(f"--interval must be between 10 and 2000 ms, not {args.interval}")
    if args.only_under is not None and not args.only_under.is_dir():
        raise UsageError(f"--only-under {args.only_under}: no such folder")
    for folder in args.dirs:
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder} is not a folder")
    # Loaded here, not at the top: every command's module is imported to build the parser,
    # and ``scamguard trust`` must not load the whole live guard to change a setting.
    from guard.live import GuardOptions, LiveGuard  # noqa: PLC0415

    active = load_database(args)
    identifier = Identifier(SignatureIndex(active.signatures))
    options = GuardOptions(
        on_detect=OnDetect(args.on_detect),
        interval=args.interval / 1000,
        source=args.source,
        default_folders=not args.no_default_dirs,
        extra_folders=list(args.dirs),
        only_under=args.only_under,
        follow_updates=getattr(args, "signatures", None) is None,
        database_warning=active.warning,
    )
    try:
        guard = LiveGuard(identifier, options)
    except (SourceUnavailable, AlreadyRunning) as exc:
        raise UsageError(str(exc)) from None
    stop = threading.Event()
    printer = json_printer if args.json else HumanPrinter()

    def print_or_stop(event: GuardEvent, incident: Any) -> None:
        try:
            printer(event, incident)
        except BrokenPipeError:  # `watch --json | head`: the reader left, so stop quietly
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces stdout until exit
            stop.set()

    guard.engine.add_listener(print_or_stop)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Started in the background by a shell, SIGINT arrives ignored; Ctrl-C must still stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it
        guard.start()
        warn(_tamper_line())
        stop.wait()
    with contextlib.suppress(KeyboardInterrupt):
        guard.stop()
    sys.stdout.flush()
    return EXIT_OK


def _tamper_line() -> str:
    """One line on what this guard can and cannot withstand: it runs as the person, so one
    dictated command stops it; the service (root) is the tamper-protected one."""
    from guard.service.client import running  # noqa: PLC0415

    if running():
        return (
            "the ScamGuard service is also protecting this computer; this guard runs as you "
            "beside it"
        )
    return (
        "running without tamper protection: this guard runs as you, so one command can stop "
        "it. The ScamGuard service (installed with the package) protects every account and "
        "only an administrator can stop it"
    )


def json_printer(event: GuardEvent, _incident: Any) -> None:
    print(json.dumps(event.to_json(), ensure_ascii=False), flush=True)


class HumanPrinter:
    """One line per event; the first freeze of an incident says how to decide."""

    def __init__(self) -> None:
        self.hinted: set[str] = set()

    def __call__(self, event: GuardEvent, _incident: Any) -> None:
        stamp = dt.datetime.fromtimestamp(event.time).strftime("%H:%M:%S")
        if (
            event.kind in (EventKind.STARTED, EventKind.STOPPED, EventKind.ERROR)
            and not event.incident
        ):
            warn(event.message)
            return
        ref = f" [incident {event.incident}]" if event.incident else ""
        print(f"{stamp} {event.message}{ref}", flush=True)
        if (
            event.kind in (EventKind.FROZEN, EventKind.INSTALLER)
            and event.incident not in self.hinted
        ):
            self.hinted.add(event.incident or "")
            print(
                f"         To remove it: scamguard block {event.incident}\n"
                "         Only if you set it up yourself, with nobody on the phone telling "
                f"you to: scamguard allow {event.incident}",
                flush=True,
            )


def build_defaults() -> argparse.Namespace:
    """What ``scamguard`` with no command runs headless: the documented defaults."""
    parser = argparse.ArgumentParser(add_help=False)
    sub = parser.add_subparsers()
    register(sub)
    confine = paths.confined_to()  # a test home only
    if confine is not None:
        return parser.parse_args(["watch", "--no-default-dirs", "--only-under", str(confine)])
    return parser.parse_args(["watch"])
