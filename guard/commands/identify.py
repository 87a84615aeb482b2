"""``scamguard identify TARGET...``: is this a remote-access tool, which one, and why?"""

from __future__ import annotations

import argparse
import sys

from guard.commands.common import add_signatures_option, load_identifier, tool_summary
from guard.errors import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, UsageError
from guard.identify.evidence import Identification
from guard.identify.identifier import InspectError
from guard.identify.process import read_process
from guard.output import print_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "identify",
        help="say whether names, files or processes are remote-access tools",
        description="Identify remote-access tools. A TARGET that exists on disk is inspected "
        "(name, installer pattern, Windows version info, macOS bundle id, install folder); "
        "any other TARGET is treated as a bare program or file name. Exit 0 if any target "
        "is a remote-access tool, 1 if none is, 2 if a target could not be checked.",
        epilog="Example: scamguard identify --json AnyDesk.exe ~/Downloads/setup.exe",
    )
    parser.add_argument("targets", nargs="*", metavar="TARGET", help="a file path or a name")
    parser.add_argument(
        "--pid",
        type=int,
        action="append",
        default=[],
        metavar="PID",
        help="also identify this running process (repeatable)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print a JSON list of {"target", "tool", "name", "evidence"}',
    )
    add_signatures_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.targets and not args.pid:
        raise UsageError("give at least one TARGET (a file or a name) or --pid PID")
    identifier = load_identifier(args)
    results: list[Identification] = []
    errors: list[tuple[str, str]] = []
    for target in args.targets:
        try:
            results.append(identifier.identify_target(target))
        except InspectError as exc:
            errors.append((target, str(exc)))
    for pid in args.pid:
        info = read_process(pid)
        if info is None:
            errors.append((f"pid {pid}", f"pid {pid}: no such process"))
        else:
            results.append(identifier.identify_process(info))
    if args.json:
        out = [r.to_json() for r in results]
        out += [
            {"target": t, "tool": None, "name": None, "evidence": [], "error": e} for t, e in errors
        ]
        print_json(out)
    else:
        for r in results:
            _print_human(r)
    for _, message in errors:
        print(f"scamguard identify: {message}", file=sys.stderr)
    if errors:
        return EXIT_USAGE
    return EXIT_OK if any(r.matched for r in results) else EXIT_NOT_FOUND


def _print_human(result: Identification) -> None:
    if result.tool:
        t = result.tool
        print(f"{result.target}: {tool_summary(t.name, t.kind, t.risk)}")
    else:
        print(f"{result.target}: not a known remote-access tool")
    for ev in result.evidence:
        print(f"    - {ev.detail}")
