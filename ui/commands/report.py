"""``scamguard report INCIDENT --out FILE.pdf|FILE.html``: the recovery pack of one incident.

The HTML is made by ``guard.report`` alone (no Qt); only a PDF loads Qt, to print it, so the
command works the same with or without a display.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from guard.errors import EXIT_OK
from guard.output import warn
from guard.report import installed_profiles, load_pack
from guard.report.output import check_target, write_html
from guard.state.paths import journal_path, service_journal_path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report",
        help="save a one-page recovery pack for an incident, to print or show your bank",
        description="Save a one-page recovery pack for one incident: what ran, when someone "
        "was connected, what was allowed and how, the installers and their fingerprints, "
        "and what ScamGuard did; then what to do now (call your bank from another phone "
        "(159 in the UK), change your passwords from another device, report it), with your "
        "provider's phone numbers. It holds only what ScamGuard recorded on this computer.",
        epilog="Find the incident's id with 'scamguard history'. Example: scamguard report "
        "5ca3e11d --out recovery.pdf",
    )
    parser.add_argument(
        "incident", metavar="INCIDENT", help="the incident's id, as 'scamguard history' shows it"
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="where to save it: a name ending in .pdf (to print) or .html (a web page, "
        "best for a screen reader)",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        metavar="FILE",
        help="read this journal file instead of this computer's (e.g. a copy of "
        "journal.db from the computer of the person you are helping)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    kind = check_target(args.out)  # a bad name is said before any work is done
    provider, generic = installed_profiles(warn)
    pack = load_pack(args.incident, args.journal or _journal(), provider=provider, generic=generic)
    if kind == ".html":
        write_html(pack, args.out)
    else:
        from ui.report_pdf import write_pdf  # noqa: PLC0415 - Qt loads only for a PDF

        pages = write_pdf(pack, args.out)
        if pages > 1:
            warn(f"the pack has {pages} pages")
    print(args.out)
    return EXIT_OK


def _journal() -> Path:
    """The guard service's journal when the service runs (it keeps the record then), else
    the person's own: the same choice as ``scamguard history``."""
    from guard.service.client import running  # noqa: PLC0415

    return service_journal_path() if running() else journal_path()
