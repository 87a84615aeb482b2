"""``scamguard watch``: the headless guard."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import signal
import sys
import threading

from guard.commands.common import add_signatures_option, load_identifier
from guard.commands.output import warn
from guard.errors import EXIT_OK, UsageError
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo
from guard.watch.process_poller import ProcessPoller


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "watch",
        help="run the guard without a window, reporting tools as they start",
        description="Run the guard headless: check every running program once, then notice "
        "each new program as it starts. Ctrl-C stops it.",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per line per event"
    )
    parser.add_argument(
        "--interval",
        type=int,
        default=50,
        metavar="MS",
        help="how often to look for new programs, in milliseconds (default 50; 10-2000)",
    )
    parser.add_argument(
        "--on-detect",
        choices=["log"],
        default="log",
        help="what to do with a detected tool (this build only reports; "
        "freezing comes with the live guard)",
    )
    add_signatures_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 10 <= args.interval <= 2000:
        raise UsageError(f"--interval must be between 10 and 2000 ms, not {args.interval}")
    identifier = load_identifier(args)
    stop = threading.Event()

    def report(info: ProcessInfo, verdict: Identification) -> None:
        tool = verdict.tool
        assert tool is not None
        event = {
            "event": "detected",
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "tool": tool.id,
            "name": tool.name,
            "pid": info.pid,
            "path": info.exe,
            "evidence": [e.to_json() for e in verdict.evidence],
        }
        if args.json:
            print(json.dumps(event, ensure_ascii=False), flush=True)
        else:
            print(
                f"{dt.datetime.now():%H:%M:%S} {tool.name} detected: pid {info.pid} "
                f"({info.exe or info.name})",
                flush=True,
            )

    poller = ProcessPoller(identifier, report, interval=args.interval / 1000)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if not args.json:
        warn(
            f"watching for {len(identifier.index)} remote-access tools every "
            f"{args.interval} ms; Ctrl-C to stop"
        )
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it
        poller.run(stop)
    sys.stdout.flush()
    return EXIT_OK
