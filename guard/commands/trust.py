"""``scamguard trust add|remove|list``: tools a person trusts permanently (a family member's
TeamViewer). Never offered from the warning, always journalled."""

from __future__ import annotations

import argparse
import datetime as dt

from guard import settings
from guard.commands.common import add_signatures_option
from guard.commands.output import print_json, warn
from guard.database import load_active
from guard.engine.events import GuardEvent
from guard.engine.journal import record_now
from guard.errors import EXIT_OK, UsageError
from guard.live import journal_path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "trust",
        help="trust a remote-access tool permanently, or stop trusting it",
        description="A trusted tool is recorded when it starts but never frozen. Only trust "
        "a tool you set up yourself for someone you know. If a caller asks you to do this, "
        "it is a scam: hang up.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="trust a tool (by its id, e.g. teamviewer)")
    add.add_argument("tool", metavar="TOOL", help="tool id, as shown by identify or scan")
    add.add_argument("--note", default="", help="why, for whoever reads the history later")
    add_signatures_option(add)
    add.set_defaults(func=run_add)
    rm = actions.add_parser("remove", help="stop trusting a tool")
    rm.add_argument("tool", metavar="TOOL")
    rm.set_defaults(func=run_remove)
    ls = actions.add_parser("list", help="show trusted tools")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)


def _load() -> settings.Settings:
    current = settings.load()
    if current.problem:
        warn(current.problem)
    return current


def _journal(tool: str, name: str, message: str, **data: str) -> None:
    event = GuardEvent("trusted", message, tool=tool, tool_name=name, data=data)
    record_now(journal_path(), [event], warn)


def run_add(args: argparse.Namespace) -> int:
    tools = {t.id: t for t in load_active(args.signatures).signatures.tools}
    tool = tools.get(args.tool.casefold())
    if tool is None:
        raise UsageError(f"{args.tool!r} is not a known tool id (see: scamguard identify NAME)")
    current = _load()
    added = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    current.trusted[tool.id] = {"added": added, "note": args.note}
    settings.save(current)
    _journal(tool.id, tool.name, f"{tool.name} is now trusted", action="add", note=args.note)
    print(f"{tool.name} is trusted: it will be recorded but not frozen.")
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    current = _load()
    tool_id = args.tool.casefold()
    if tool_id not in current.trusted:
        raise UsageError(f"{args.tool!r} is not trusted")
    del current.trusted[tool_id]
    settings.save(current)
    _journal(tool_id, tool_id, f"{tool_id} is no longer trusted", action="remove")
    print(f"{tool_id} is no longer trusted: the guard freezes it whenever it runs.")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    current = _load()
    if args.json:
        print_json({"trusted": current.trusted})
    elif not current.trusted:
        print("No tool is trusted.")
    else:
        for tool_id, info in sorted(current.trusted.items()):
            note = f"  ({info.get('note')})" if info.get("note") else ""
            print(f"{tool_id}  since {info.get('added', '?')}{note}")
    return EXIT_OK
