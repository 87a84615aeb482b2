"""``scamguard trust add|remove|list``: tools a person trusts permanently (a family member's
TeamViewer). Never offered from the warning, always journalled."""

from __future__ import annotations

import argparse

from guard.commands.common import add_signatures_option
from guard.commands.pause import add_script_flag, journal_skipped, think_first
from guard.database import load_active
from guard.errors import EXIT_OK, UsageError
from guard.output import print_json, warn
from guard.state import changes, paths, settings


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
    add_script_flag(add)
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


def run_add(args: argparse.Namespace) -> int:
    tools = {t.id: t for t in load_active(args.signatures).signatures.tools}
    tool = tools.get(args.tool.casefold())
    if tool is None:
        raise UsageError(f"{args.tool!r} is not a known tool id (see: scamguard identify NAME)")
    think_first(
        f"let {tool.name} run without ever being frozen",
        scripted=args.not_on_the_phone,
        on_skipped=lambda: journal_skipped(
            f"trust add {tool.id}", warn, tool=tool.id, tool_name=tool.name
        ),
    )
    if _through_service("add", tool.id, args.note):
        return EXIT_OK
    changes.add_trust(tool, args.note, report=warn)
    print(f"{tool.name} is trusted: it will be recorded but not frozen.")
    return EXIT_OK


def _through_service(action: str, tool_id: str, note: str = "") -> bool:
    """When the guard service runs, its trust list is the one that counts, and only an
    administrator may change it (``sudo scamguard trust ...``): True once it said yes."""
    from guard.service.client import ask  # noqa: PLC0415

    answer = ask("trust", tool=tool_id, action=action, note=note)
    if answer is None:
        return False
    if not answer.get("ok"):
        raise UsageError(f"the ScamGuard service refused: {answer.get('message')}")
    print(f"{answer.get('message')} (for every account on this computer).")
    return True


def run_remove(args: argparse.Namespace) -> int:
    tool_id = args.tool.casefold()
    if _through_service("remove", tool_id):
        return EXIT_OK
    if not changes.remove_trust(tool_id, report=warn):
        raise UsageError(f"{args.tool!r} is not trusted")
    print(f"{tool_id} is no longer trusted: the guard freezes it whenever it runs.")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    from guard.service.client import running  # noqa: PLC0415

    # With the service running, its list (the machine folder's, readable by all) counts.
    current = settings.load(paths.service_settings_path()) if running() else _load()
    if args.json:
        print_json({"trusted": current.trusted})
    elif not current.trusted:
        print("No tool is trusted.")
    else:
        for tool_id, info in sorted(current.trusted.items()):
            note = f"  ({info.get('note')})" if info.get("note") else ""
            print(f"{tool_id}  since {info.get('added', '?')}{note}")
    return EXIT_OK
