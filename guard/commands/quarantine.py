"""``scamguard quarantine list|restore``: see and undo what the guard moved away."""

from __future__ import annotations

import argparse
from pathlib import Path

from guard.engine.quarantine import Quarantine, QuarantineError
from guard.errors import EXIT_NOT_FOUND, EXIT_OK, UsageError
from guard.output import print_json, warn
from guard.state.events import EventKind, GuardEvent
from guard.state.journal import record_now
from guard.state.paths import journal_path, quarantine_dir


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "quarantine",
        help="list or restore installers the guard moved away",
        description="When a remote-access tool is removed, its installers are moved to a "
        "quarantine folder (they cannot be started from there). List them, or put one back.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="show what is in quarantine (exit 1 when empty)")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    rs = actions.add_parser(
        "restore",
        help="put a quarantined file back where it was",
        description="Move a quarantined file back to where it was found (or to --to PATH). "
        "It is never written over an existing file. If it is a remote-access tool, the "
        "guard will freeze it again when it starts unless you trust it (scamguard trust).",
    )
    rs.add_argument("id", metavar="ID", help="the quarantine id shown by 'quarantine list'")
    rs.add_argument("--to", type=Path, metavar="PATH", help="restore to this path instead")
    rs.add_argument("--json", action="store_true", help="machine-readable output")
    rs.set_defaults(func=run_restore)


def run_list(args: argparse.Namespace) -> int:
    records, problems = Quarantine(quarantine_dir()).list()
    for problem in problems:
        warn(problem)
    if args.json:
        print_json({"folder": str(quarantine_dir()), "items": [r.to_json() for r in records]})
    elif not records:
        print("The quarantine is empty.")
    else:
        for r in records:
            print(f"{r.id}  {r.tool_name}  {r.original_path}  (moved {r.time[:19]} UTC)")
    return EXIT_OK if records else EXIT_NOT_FOUND


def run_restore(args: argparse.Namespace) -> int:
    try:
        record, target = Quarantine(quarantine_dir()).restore(args.id, args.to)
    except QuarantineError as exc:
        raise UsageError(str(exc)) from None
    event = GuardEvent(
        EventKind.RESTORED,
        f"{record.tool_name} installer restored from quarantine to {target}",
        incident=record.incident,
        tool=record.tool,
        tool_name=record.tool_name,
        path=str(target),
        data={"quarantine_id": record.id, "sha256": record.sha256},
    )
    record_now(journal_path(), [event], warn)
    if args.json:
        print_json({**record.to_json(), "restored_to": str(target)})
    else:
        print(f"Restored {target}")
    return EXIT_OK
