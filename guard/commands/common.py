"""Pieces several commands share: the ``--signatures`` option and building an identifier."""

from __future__ import annotations

import argparse
from pathlib import Path

from guard.database import ActiveDatabase, load_active
from guard.errors import RejectedError
from guard.identify.identifier import Identifier
from guard.identify.index import SignatureIndex
from guard.output import warn
from guard.sigdb.problems import SignatureError


def add_signatures_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--signatures",
        type=Path,
        metavar="DIR",
        help="use this signature database instead of the active one (to try out new "
        "signature files before publishing them)",
    )


def add_folder_options(parser: argparse.ArgumentParser, dirs_help: str, defaults: str) -> None:
    """``--dirs DIR...`` and ``--no-default-dirs``, shared by scan and watch."""
    parser.add_argument("--dirs", nargs="+", type=Path, default=[], metavar="DIR", help=dirs_help)
    parser.add_argument(
        "--no-default-dirs",
        action="store_true",
        help=f"do not look in {defaults} (only --dirs)",
    )


def load_database(args: argparse.Namespace) -> ActiveDatabase:
    """``--signatures DIR`` or the active database (a fallback's reason printed); exit 3 if
    rejected."""
    try:
        active = load_active(getattr(args, "signatures", None))
    except SignatureError as exc:
        raise RejectedError(f"signature database rejected: {exc}") from None
    if active.warning:
        warn(active.warning)
    return active


def load_identifier(args: argparse.Namespace) -> Identifier:
    """The identifier over ``--signatures DIR`` or the active database; exit 3 if rejected."""
    return Identifier(SignatureIndex(load_database(args).signatures))


def tool_summary(tool_name: str, kind: str, risk: str) -> str:
    """'AnyDesk (remote desktop, high risk)' for human output."""
    return f"{tool_name} ({kind.replace('-', ' ')}, {risk} risk)"
