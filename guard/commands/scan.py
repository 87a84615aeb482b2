"""``scamguard scan``: remote-access tools on this computer now."""

from __future__ import annotations

import argparse
import datetime as dt

from guard.commands.common import add_folder_options, add_signatures_option, load_identifier
from guard.errors import EXIT_NOT_FOUND, EXIT_OK
from guard.output import print_json, warn
from guard.scan import Finding, scan


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "scan",
        help="list remote-access tools running, installed, or waiting in download folders",
        description="Look for remote-access tools on this computer now: programs running, "
        "programs installed in their usual places, and installers sitting in Downloads, the "
        "Desktop or the temp folder. Exit 0 if anything was found, 1 if the computer is clean.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable report")
    add_folder_options(
        parser, "also look for installers in these folders", "Downloads, Desktop and temp"
    )
    add_signatures_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    identifier = load_identifier(args)
    for d in args.dirs:
        if not d.is_dir():
            warn(f"{d}: not a folder; skipped")
    report = scan(
        identifier, extra_folders=list(args.dirs), default_folders=not args.no_default_dirs
    )
    if args.json:
        print_json(report.to_json())
    else:
        print(f"ScamGuard scan, {dt.datetime.now():%d %b %Y %H:%M}")
        if not report.found:
            where = ", ".join(report.folders) or "no folders"
            print(
                "No remote-access tools found: none running, none installed, and no "
                f"installers in {where}."
            )
        _section(
            "Running now",
            report.running,
            lambda f: f"pid {f.pid}, {f.location}" + (f", user {f.user}" if f.user else ""),
        )
        _section("Installed", report.installed, lambda f: f.location)
        _section(
            "Installers in " + (", ".join(report.folders) or "no folders"),
            report.installers,
            lambda f: f.location,
        )
        print(
            f"Checked {report.processes_checked} running programs, "
            f"{len(identifier.install_paths.prefixes)} install locations and "
            f"{len(report.folders)} folders against {len(identifier.index)} tools."
        )
    for problem in report.problems:
        warn(problem)
    return EXIT_OK if report.found else EXIT_NOT_FOUND


def _section(title: str, findings: list[Finding], where) -> None:
    if not findings:
        return
    print(f"\n{title} ({len(findings)}):")
    for f in findings:
        tool = f.verdict.tool
        assert tool is not None
        print(f"  {tool.name} ({tool.risk} risk): {where(f)}")
