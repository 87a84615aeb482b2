"""``scamguard signatures validate|info``: check a database, or describe the active one."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from guard.banking.loader import BANKING_DIR, check_banking
from guard.database import load_active
from guard.errors import EXIT_OK, EXIT_REJECTED
from guard.output import print_json, warn
from guard.providers.active import PROVIDERS_DIR
from guard.providers.loader import check_profiles
from guard.sigdb.loader import check_database
from guard.sigdb.problems import Problem, SignatureError
from guard.state import paths
from guard.updates import client, installed


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "signatures",
        help="check or describe the signature database",
        description="Check signature files before publishing them, or show which database "
        "is active.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    v = actions.add_parser(
        "validate",
        help="check every tool file and provider profile; exit 3 if anything is wrong",
        description="Check every tool signature file, every provider profile in the "
        "folder's providers/ folder and every bank file in its banking/ folder, and report "
        "each problem as 'file: field: problem'. "
        "Phone numbers last checked more than 12 months ago are listed as STALE warnings. "
        "Exit 0 when clean, 3 when anything is wrong.",
    )
    v.add_argument(
        "dir",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="a database folder (with tools/ and providers/ inside) or a folder of tool "
        "files (default: the built-in database)",
    )
    v.add_argument("--json", action="store_true", help="machine-readable result")
    v.set_defaults(func=run_validate)
    i = actions.add_parser(
        "info",
        help="count, version and date of the active database",
        description="Show the database the guard is using now: how many tools, its version "
        "and release date, and where it came from.",
    )
    i.add_argument("--json", action="store_true", help="machine-readable result")
    i.set_defaults(func=run_info)


def _check_providers(directory: Path) -> dict[str, Any] | None:
    """Validate ``DIR/providers`` when it exists: contact numbers are signature data too."""
    folder = directory / PROVIDERS_DIR
    if not folder.is_dir():
        return None
    profiles, found, stale = check_profiles(folder)
    # Named providers/<file> so they read apart from the tool files' problems.
    problems = [
        p
        if "/" in p.file or "\\" in p.file
        else Problem(f"{PROVIDERS_DIR}/{p.file}", p.field, p.message)
        for p in found
    ]
    return {
        "directory": str(folder),
        "ok": not problems,
        "profiles": len(profiles),
        "problems": problems,
        "stale": [line.replace("STALE: ", f"STALE: {PROVIDERS_DIR}/", 1) for line in stale],
    }


def _check_banking(directory: Path) -> dict[str, Any] | None:
    """Validate ``DIR/banking`` when it exists: the banks the foreground window is matched
    against, and each country's help numbers."""
    folder = directory / BANKING_DIR
    if not folder.is_dir():
        return None
    found, problems = check_banking(folder)
    problems = [Problem(f"{BANKING_DIR}/{p.file}", p.field, p.message) for p in problems]
    return {"directory": str(folder), "ok": not problems, "banks": len(found.banks),
            "countries": len(found.help), "problems": problems}  # fmt: skip


def _problem_json(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"file": p.file, "field": p.field, "problem": p.message} for p in problems]


def run_validate(args: argparse.Namespace) -> int:
    directory = args.dir or paths.builtin_signatures_dir()
    sigset, problems = check_database(directory)
    providers = _check_providers(directory)
    banking = _check_banking(directory)
    ok = sigset is not None and all(x is None or x["ok"] for x in (providers, banking))
    if args.json:
        print_json(
            {
                "directory": str(directory),
                "ok": ok,
                "tools": len(sigset.tools) if sigset else None,
                "version": sigset.version if sigset else None,
                "problems": _problem_json(problems),
                "providers": (
                    {**providers, "problems": _problem_json(providers["problems"])}
                    if providers is not None
                    else None
                ),
                "banking": (
                    {**banking, "problems": _problem_json(banking["problems"])}
                    if banking is not None
                    else None
                ),
            }
        )
        return EXIT_OK if ok else EXIT_REJECTED
    for problem in problems:
        print(problem)
    if sigset is not None:
        print(
            f"OK: {len(sigset.tools)} tool signatures, version {sigset.version} "
            f"({sigset.released or 'no date'}) in {directory}"
        )
    else:
        files = len({p.file for p in problems})
        print(f"REJECTED: {len(problems)} problem(s) in {files} file(s) in {directory}")
    if providers is not None:
        for problem in providers["problems"]:
            print(problem)
        for line in providers["stale"]:
            print(line)
        if providers["ok"]:
            print(f"OK: {providers['profiles']} provider profiles in {providers['directory']}")
        else:
            found = providers["problems"]
            files = len({p.file for p in found})
            print(
                f"REJECTED: {len(found)} problem(s) in {files} provider file(s) in "
                f"{providers['directory']}"
            )
    if banking is not None:
        for problem in banking["problems"]:
            print(problem)
        verdict = "OK" if banking["ok"] else f"REJECTED ({len(banking['problems'])} problem(s))"
        print(
            f"{verdict}: {banking['banks']} banks in {banking['countries']} country file(s) "
            f"in {banking['directory']}"
        )
    return EXIT_OK if ok else EXIT_REJECTED


def run_info(args: argparse.Namespace) -> int:
    try:
        active = load_active()
    except SignatureError as exc:
        warn(f"no usable signature database: {exc}")
        return EXIT_REJECTED
    sigs = active.signatures
    if active.warning:
        warn(active.warning)
    state = installed.read_state()
    stale = client.out_of_date()
    update = {
        "version": installed.version_in_use() or None,
        "feed": state.get("feed"),
        "expires": state.get("expires"),
        "last_check": state.get("last_check"),
        "last_result": state.get("last_result"),
        "out_of_date": bool(stale),
    }
    info = {
        "tools": len(sigs.tools),
        "version": sigs.version,
        "released": sigs.released.isoformat() if sigs.released else None,
        "origin": active.origin,
        "directory": sigs.source,
        "update": update,
    }
    if args.json:
        print_json(info)
    else:
        print(
            f"{info['tools']} remote-access tools, database version {info['version']} "
            f"released {info['released'] or 'unknown'} ({active.origin}: {sigs.source})"
        )
        if update["version"]:
            print(f"From update feed version {update['version']}.")
        if stale:
            print(f"Out of date: {stale}. Detection goes on with these signatures.")
        if state.get("last_check"):
            print(f"Last update check: {state['last_check']} ({state.get('last_result', '?')})")
    return EXIT_OK
