"""``scamguard service run|status|check``: the privileged guard service.

``run`` is what the system unit (LaunchDaemon, Windows service) starts, as root: the engine
for the whole computer, with a socket every person's tray connects to. ``status`` asks it
how it is. ``check`` is what the watchdog timer runs: a service found not answering is
journalled once per gap, with what the service manager says about it, so switching it off
(stopped, disabled, masked) always leaves a trace.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from guard import files
from guard.commands.common import add_folder_options, add_signatures_option, load_database
from guard.commands.watch import HumanPrinter, json_printer
from guard.errors import EXIT_NOT_FOUND, EXIT_OK, UsageError
from guard.output import print_json, warn
from guard.state import paths
from guard.watch.process_source import SOURCES

CHECK_RECORD = "check.json"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "service",
        help="the ScamGuard service that protects every account on this computer",
        description="The ScamGuard service runs as root (an administrator) and protects "
        "every account: it freezes remote-access tools, keeps the journal and decides what "
        "each person's ScamGuard window may do. Installed packages start it for you.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run",
        help="run the service in the foreground (what the system starts; needs root)",
        description="Run the ScamGuard service in the foreground until stopped (SIGTERM or "
        "Ctrl-C). Installed packages start it at boot; run it by hand only to try it out.",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object per line per event")
    add_folder_options(
        run,
        "also watch these folders for installers",
        "every person's Downloads and Desktop, temp and the program folders",
    )
    run.add_argument(
        "--only-under",
        type=Path,
        metavar="DIR",
        help="act only on programs whose executable lies under DIR (trying it out, tests)",
    )
    run.add_argument(
        "--source",
        choices=SOURCES,
        default="auto",
        help="how new programs are noticed (default auto)",
    )
    run.add_argument(
        "--exec-gate",
        action=argparse.BooleanOptionalAction,
        default=sys.platform.startswith("linux"),
        help="refuse a known tool before its first instruction runs (Linux: fanotify; on by "
        "default there). --no-exec-gate leaves it to the freeze a moment after it starts "
        "(docs/architecture.md, 'Pre-exec blocking')",
    )
    add_signatures_option(run)
    run.set_defaults(func=run_service)
    status = actions.add_parser(
        "status",
        help="is the service running and protecting?",
        description="Ask the service how it is. Exit 0 when it answers, 1 when it does not.",
    )
    status.add_argument("--json", action="store_true", help="machine-readable answer")
    status.set_defaults(func=run_status)
    check = actions.add_parser(
        "check",
        help="record a stopped service in the journal (what the watchdog timer runs)",
        description="Check that the service answers; if it does not, journal once that "
        "protection is off, with what the service manager says. Exit 0 when it answers, 1 "
        "when it does not.",
    )
    check.set_defaults(func=run_check)


def run_service(args: argparse.Namespace) -> int:
    paths.use_service_layout()  # before anything reads a path
    from guard.platform.service_host import is_service_user  # noqa: PLC0415

    if not paths.overridden() and not is_service_user():
        raise UsageError(
            "the ScamGuard service must run as root (an administrator): it freezes the tools "
            "of every account. Run the tray ('scamguard') or 'scamguard watch' instead"
        )
    if args.only_under is not None and not args.only_under.is_dir():
        raise UsageError(f"--only-under {args.only_under}: no such folder")
    from guard.identify.identifier import Identifier  # noqa: PLC0415
    from guard.identify.index import SignatureIndex  # noqa: PLC0415
    from guard.instance import AlreadyRunning  # noqa: PLC0415
    from guard.live import GuardOptions  # noqa: PLC0415
    from guard.service.runner import ServiceError, ServiceRunner  # noqa: PLC0415
    from guard.watch.process_source import SourceUnavailable  # noqa: PLC0415

    active = load_database(args)
    options = GuardOptions(
        source=args.source,
        default_folders=not args.no_default_dirs,
        everyone=True,
        extra_folders=list(args.dirs),
        only_under=args.only_under,
        follow_updates=getattr(args, "signatures", None) is None,
        database_warning=active.warning,
        exec_gate=args.exec_gate,
    )

    def build() -> ServiceRunner:
        return ServiceRunner(Identifier(SignatureIndex(active.signatures)), options)

    if sys.platform == "win32":  # started by the Windows service manager: run as its service
        from guard.service.windows_host import dispatch  # noqa: PLC0415

        ran = dispatch(build)
        if ran is not None:  # None: from a console, so in the foreground as elsewhere
            if ran:
                raise UsageError(ran)
            return EXIT_OK
    try:
        runner = build()
    except (SourceUnavailable, AlreadyRunning, ServiceError) as exc:
        raise UsageError(str(exc)) from None
    runner.guard.engine.add_listener(json_printer if args.json else HumanPrinter())
    signal.signal(signal.SIGTERM, lambda *_: runner.request_stop("SIGTERM"))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        runner.start()
        warn(f"the ScamGuard service is listening on {paths.service_endpoint()}")
        runner.wait()
    with contextlib.suppress(KeyboardInterrupt):
        runner.stop("stopped")
    sys.stdout.flush()
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from guard.service.client import ServiceClient, ServiceUnavailable  # noqa: PLC0415

    try:
        client = ServiceClient.connect()
    except ServiceUnavailable as exc:
        if args.json:
            print_json({"running": False, "reason": str(exc)})
        else:
            warn(
                f"{exc}. Without it, only a ScamGuard window or 'scamguard watch' protects "
                "this computer, and without tamper protection"
            )
        return EXIT_NOT_FOUND
    with contextlib.closing(client):
        answer = client.request("status")
    if args.json:
        print_json(
            {"running": True, **{k: v for k, v in answer.items() if k not in ("type", "re")}}
        )
        return EXIT_OK
    who = client.welcome.get("user", "?")
    role = "an administrator" if client.welcome.get("admin") else "not an administrator"
    print(
        f"The ScamGuard service {answer.get('version', '')} is protecting this computer: "
        f"{answer.get('tools', '?')} remote-access tools, new programs seen by "
        f"{answer.get('source', '?')}. You are {who} ({role}); "
        f"{len(answer.get('incidents') or [])} incident(s) of yours are open."
    )
    return EXIT_OK


def run_check(_args: argparse.Namespace) -> int:
    from guard.platform.service_host import unit_state  # noqa: PLC0415
    from guard.service import client, health  # noqa: PLC0415
    from guard.state.journal import record_now  # noqa: PLC0415

    if client.running():
        return EXIT_OK
    paths.use_service_layout()
    folder = paths.state_dir()
    record = health.read(folder)
    since = record.last if record is not None else None
    state = unit_state()
    if _read_check(folder).get("since", "never checked") != since:  # once per gap
        how = "the ScamGuard service is not running" + (
            f" (service manager: {state})" if state else ""
        )
        now = time.time()
        record_now(paths.journal_path(), [health.off_event(since or now, now, how)], warn)
        with contextlib.suppress(OSError):
            files.write_atomic(folder / CHECK_RECORD, json.dumps({"since": since}).encode())
    warn("the ScamGuard service is not running" + (f" ({state})" if state else ""))
    return EXIT_NOT_FOUND


def _read_check(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / CHECK_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
