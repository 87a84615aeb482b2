"""The ``scamguard`` command line: parsing, exit codes, and one-line errors.

Exit codes are a contract (DESIGN.md): 0 success, 1 nothing found / not matched, 2 bad usage or
bad input (one line on stderr), 3 an update or signature file was rejected.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from guard import __version__
from guard.commands import COMMANDS, default
from guard.errors import EXIT_REJECTED, EXIT_USAGE, RejectedError, UsageError


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are a single line and exit code 2 (the contract)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scamguard",
        description=(
            "ScamGuard stops remote-access scams: it notices a remote-control program "
            "(AnyDesk, TeamViewer, Quick Assist…) as soon as it is downloaded or started, "
            "freezes it, and tells you who to call."
        ),
        epilog="With no command, ScamGuard starts the tray app (or, with no display, the "
        "headless guard). Exit codes: 0 success, 1 nothing found, 2 bad usage or input, "
        "3 a signature file or update was rejected.",
    )
    parser.add_argument("--version", action="version", version=f"scamguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return default.run(args)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"scamguard {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RejectedError as exc:
        print(f"scamguard {args.command}: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `scamguard scan | head`
        return 0
