"""``scamguard history``: what the guard saw and did, from the journal."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from guard.errors import EXIT_NOT_FOUND, EXIT_OK, UsageError
from guard.history import build
from guard.output import print_json
from guard.state.journal import JournalError, read
from guard.state.paths import journal_path, service_journal_path

__all__ = ["build", "register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "history",
        help="show what the guard detected and did",
        description="Show the journal: every remote-access tool the guard caught, grouped by "
        "incident, with what was done about it, plus the guard's own notices. "
        "Exit 1 when there is nothing to show.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--limit",
        type=int,
        default=2000,
        metavar="N",
        help="read only the last N journal entries (default 2000)",
    )
    parser.add_argument("--incident", metavar="ID", help="show only this incident")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    try:
        rows = read(_journal(), limit=args.limit)
    except JournalError as exc:
        raise UsageError(str(exc)) from None
    result = build(rows)
    if args.incident:
        result["incidents"] = [i for i in result["incidents"] if i["incident"] == args.incident]
        result["other"] = []
    if args.json:
        print_json(result)
    else:
        _print_human(result)
    return EXIT_OK if result["incidents"] or result["other"] else EXIT_NOT_FOUND


def _journal() -> Path:
    """The guard service's journal when the service runs (it, not the person's own guard,
    keeps the record then), else the person's own."""
    from guard.service.client import running  # noqa: PLC0415

    return service_journal_path() if running() else journal_path()


def _local(stamp: str) -> str:
    return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _print_human(result: dict[str, Any]) -> None:
    if not result["incidents"] and not result["other"]:
        print("Nothing recorded yet: no remote-access tool has been caught.")
        return
    for inc in result["incidents"]:
        print(
            f"{_local(inc['opened'])}  {inc['name']}: {inc['state']}  [incident {inc['incident']}]"
        )
        for event in inc["events"]:
            print(f"    {_local(event['time'])[11:]}  {event['message']}")
        if inc.get("gone"):  # ended with no event: found gone after its guard run ended
            print("    (closed after the guard stopped: nothing of it runs now)")
    if result["other"]:
        print("Guard notices:")
        for event in result["other"][-20:]:
            print(f"    {_local(event['time'])}  {event['event']}: {event['message']}")
