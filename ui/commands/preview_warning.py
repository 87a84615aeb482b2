"""``scamguard preview-warning``: the real warning for a tool and provider, as a PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

from guard.database import load_active
from guard.errors import EXIT_OK, UsageError
from guard.output import warn
from guard.providers.active import load_active_profiles
from guard.sigdb.problems import SignatureError

# The pages ui.warning.preview.paint can draw.
PAGES = ("choice", "question", "scope", "done", "switched-on")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "preview-warning",
        help="draw the warning a person would see, into a PNG picture",
        description="Draw the full-screen warning exactly as ScamGuard shows it, for one "
        "remote-access tool and one provider profile, into a PNG file. Nothing appears on "
        "screen. ISPs use it to check their name, colours and phone numbers.",
        epilog="Example: scamguard preview-warning --tool anydesk --provider talktalk "
        "--out talktalk.png",
    )
    parser.add_argument("--tool", required=True, metavar="ID", help="tool id, e.g. anydesk")
    parser.add_argument(
        "--provider",
        required=True,
        metavar="ID",
        help="provider profile id, e.g. talktalk or generic-uk (see: scamguard provider list)",
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE.png", help="where to write the picture"
    )
    parser.add_argument("--width", type=int, default=1920, metavar="W", help="default 1920")
    parser.add_argument("--height", type=int, default=1080, metavar="H", help="default 1080")
    parser.add_argument(
        "--page",
        choices=PAGES,
        default="choice",
        help="which moment to draw: the first choice (default); 'question', the "
        "'is anyone on the phone?' check after the small link; 'scope', how long it may run; "
        "'done', after Remove; 'switched-on', a setting of the system turned on (Remote "
        "Desktop, Screen Sharing) rather than a program started",
    )
    parser.add_argument(
        "--banking",
        metavar="BANK",
        help="draw the banking warning instead: someone is connected while this bank's site "
        "is open (e.g. --banking Barclays)",
    )
    parser.add_argument(
        "--providers-dir",
        type=Path,
        metavar="DIR",
        help="a folder of profile files to use instead of the installed ones (to check a "
        "profile before it is signed and shipped)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not (320 <= args.width <= 7680 and 240 <= args.height <= 4320):
        raise UsageError("--width must be 320-7680 and --height 240-4320")
    if args.out.suffix.lower() != ".png":
        raise UsageError(f"--out must name a .png file, not {args.out}")
    try:
        tools = {t.id: t for t in load_active().signatures.tools}
    except SignatureError as exc:
        raise UsageError(f"no usable signature database: {exc}") from None
    tool = tools.get(args.tool.strip().casefold())
    if tool is None:
        raise UsageError(f"{args.tool!r} is not a known tool id (see: scamguard identify NAME)")
    if args.providers_dir is not None and not args.providers_dir.is_dir():
        raise UsageError(f"--providers-dir {args.providers_dir}: no such folder")
    profiles, problems = load_active_profiles(args.providers_dir)
    for problem in problems:
        warn(f"provider profile problem: {problem}")
    provider = profiles.get(args.provider)
    if provider is None:
        known = ", ".join(p.id for p in profiles.sorted()) or "none"
        raise UsageError(f"{args.provider!r} is not a provider profile (known: {known})")
    from ui.warning.preview import render  # noqa: PLC0415 - Qt loads here, not for every --help

    render(
        tool,
        provider,
        profiles.generic_for(provider.country),
        args.out,
        width=args.width,
        height=args.height,
        page=args.page,
        banking=(args.banking or "").strip()[:64] or None,
    )
    print(args.out)
    return EXIT_OK
