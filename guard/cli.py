"""The ``scamguard`` command line: parsing, exit codes, and one-line errors.

Exit codes are a contract (docs/cli.md): 0 success, 1 nothing found / not matched, 2 bad usage or
bad input (one line on stderr), 3 an update or signature file was rejected.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from guard import __version__
from guard.commands import COMMANDS, default
from guard.errors import EXIT_REJECTED, EXIT_USAGE, RejectedError, UsageError


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are a single line and exit code 2 (the contract)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(extra: Sequence[ModuleType] = ()) -> argparse.ArgumentParser:
    """Every engine command plus ``extra`` ones (the UI's, registered by ``ui.cli``)."""
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
    for command in (*COMMANDS, *extra):
        command.register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None,
    extra: Sequence[ModuleType] = (),
    no_command: Callable[[argparse.Namespace], int] | None = None,
) -> int:
    """``python -m guard`` is the engine alone: with no command it runs the headless guard.
    The ``scamguard`` command is ``ui.cli.main``, which adds the tray and the warning."""
    parser = build_parser(extra)
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = ""
        args.func = no_command or default.run
    who = f"scamguard {args.command}".strip()
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RejectedError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `scamguard scan | head`
        return 0
