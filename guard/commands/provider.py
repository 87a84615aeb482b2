"""``scamguard provider list|show|set``: whose name and real numbers the warning shows.
(``install``, ``uninstall`` and ``sign``, for installers and staff: provider_install.py.)

``show`` prints every number with its source, dates and status, so whoever ships a profile
can check each one against the provider's live page before it reaches a victim.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from guard import clock
from guard.commands import provider_install
from guard.errors import EXIT_OK, RejectedError, UsageError
from guard.output import print_json, warn
from guard.providers.active import active_profile, load_active_profiles, system_country
from guard.providers.model import ContactNumber, Profile, ProfileSet
from guard.state import changes, machine_config, paths, settings

STALE_LINE = "STALE: checked more than 12 months ago, re-check on the live page before shipping"
STATUS_NOTES = {
    "verified": "seen on the organisation's own site, or a government or police site",
    # What the warning does with it (ui/warning/text.py), so staff know why it reads so.
    "partial": "the organisation's own text, seen only in a copy or on an old or undated "
    "page; the warning does not call it real, and asks the person to check it against "
    "their bill",
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "provider",
        help="choose whose name and phone numbers the warning shows",
        description="The warning tells you to hang up and call your broadband provider on "
        "its real number. Pick your provider here so the warning shows its name and "
        "numbers. Until you do, it shows the fraud helplines for your country.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser(
        "list",
        help="show every provider you can choose",
        description="Show every provider profile; '*' marks the one the warning uses now.",
    )
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    _add_profiles_option(ls)
    ls.set_defaults(func=run_list)
    show = actions.add_parser(
        "show",
        help="show a provider's phone numbers and where they came from",
        description="Show a provider's numbers with who each is for, opening hours, cost, "
        "where it was found and when it was last checked. With no ID, shows the provider "
        "the warning uses now.",
    )
    show.add_argument("id", nargs="?", metavar="ID", help="a provider id from 'provider list'")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    _add_profiles_option(show)
    show.set_defaults(func=run_show)
    set_ = actions.add_parser(
        "set",
        help="make the warning use this provider",
        description="Make the warning show this provider's name and numbers. Choose the "
        "company that sends your broadband bill. If a caller asks you to change this, it "
        "is a scam: hang up.",
    )
    set_.add_argument("id", metavar="ID", help="a provider id from 'provider list'")
    set_.set_defaults(func=run_set)
    provider_install.register(actions)


def _add_profiles_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--providers-dir",
        type=Path,
        metavar="DIR",
        help="read provider profiles from this folder instead of the built-in ones (to "
        "check a new profile before publishing it)",
    )


def _load(directory: Path | None = None) -> ProfileSet:
    """Every profile that loads; each skipped one is one warning line, not a failure.

    Where the guard service is installed, its update is the one the warning uses (the
    person's tray follows it: ``paths.follow_service_updates``), so these commands show the
    same numbers, not the person's own (never updated) copy."""
    if directory is not None and not directory.is_dir():
        raise UsageError(f"{directory}: no such folder")
    if directory is None and paths.service_installed() and not paths.service_layout():
        paths.follow_service_updates(True)
    profiles, problems = load_active_profiles(directory)
    for problem in problems:
        warn(f"provider profile skipped: {problem}")
    if not len(profiles):
        raise RejectedError("no provider profile could be loaded")
    return profiles


def _active(profiles: ProfileSet) -> Profile:
    current = settings.load()
    if current.problem:
        warn(current.problem)
    profile, warning = active_profile(profiles, current.provider)
    if warning:
        warn(warning)
    return profile


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def number_json(number: ContactNumber, today: dt.date) -> dict[str, Any]:
    return {
        "label": number.label,
        "number": number.number,
        "digits": number.digits,
        "kind": number.kind,
        "audience": number.audience,
        "hours": number.hours,
        "cost": number.cost,
        "source": number.source,
        "published": _date(number.published),
        "verified": number.verified.isoformat(),
        "status": number.status,
        "role": number.role,
        "stale": number.is_stale(today),
    }


def profile_json(profile: Profile, today: dt.date, active: bool) -> dict[str, Any]:
    promise = profile.promise
    return {
        "id": profile.id,
        "name": profile.name,
        "country": profile.country,
        "generic": profile.generic,
        "active": active,
        "website": profile.website,
        "scam_advice_url": profile.scam_advice_url or None,
        "reviewed": profile.reviewed.isoformat(),
        "colours": {"background": profile.colours.background, "text": profile.colours.text},
        "promise": (
            {"text": promise.text, "source": promise.source, "status": promise.status}
            if promise
            else None
        ),
        "logo": str(profile.logo) if profile.logo else None,
        "file": profile.source,
        "numbers": [number_json(n, today) for n in profile.numbers],
    }


def run_list(args: argparse.Namespace) -> int:
    profiles = _load(args.providers_dir)
    active = _active(profiles)
    ordered = profiles.sorted()
    if args.json:
        print_json(
            {
                "active": active.id,
                "system_country": system_country(),
                "profiles": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "country": p.country,
                        "generic": p.generic,
                        "active": p.id == active.id,
                    }
                    for p in ordered
                ],
            }
        )
        return EXIT_OK
    width = max(len(p.id) for p in ordered)
    for p in ordered:
        mark = "*" if p.id == active.id else " "
        kind = "  (generic: no provider chosen)" if p.generic else ""
        print(f"{mark} {p.id:<{width}}  {p.country}  {p.name}{kind}")
    if machine_config.provider_id() and args.providers_dir is None:
        print("* = what the warning shows now, set up for everyone on this computer")
    else:
        print("* = what the warning shows now. Change it with: scamguard provider set ID")
    return EXIT_OK


def _print_number(number: ContactNumber, today: dt.date) -> None:
    print(f"  {number.label}: {number.number}" + ("  (text)" if number.kind == "text" else ""))
    print(f"    For: {number.audience}")
    if number.hours:
        print(f"    Hours: {number.hours}")
    if number.cost:
        print(f"    Cost: {number.cost}")
    print(f"    Source: {number.source}")
    published = number.published.isoformat() if number.published else "undated"
    print(f"    Published: {published}; checked: {number.verified}")
    print(f"    Status: {number.status.upper()} ({STATUS_NOTES[number.status]})")
    if number.is_stale(today):
        print(f"    {STALE_LINE}")


def run_show(args: argparse.Namespace) -> int:
    profiles = _load(args.providers_dir)
    active = _active(profiles)
    if args.id:
        profile = profiles.get(args.id)
        if profile is None:
            raise UsageError(
                f"{args.id!r} is not a provider profile (see: scamguard provider list)"
            )
    else:
        profile = active
    today = clock.today()
    if args.json:
        print_json(profile_json(profile, today, profile.id == active.id))
        return EXIT_OK
    mark = "  (what the warning shows now)" if profile.id == active.id else ""
    print(f"{profile.name} [{profile.id}]{mark}")
    print(f"  Country: {profile.country}; reviewed: {profile.reviewed}; file: {profile.source}")
    print(f"  Website: {profile.website}")
    if profile.scam_advice_url:
        print(f"  Scam advice: {profile.scam_advice_url}")
    if profile.promise:
        promise = profile.promise
        print(f"  Promise ({promise.status.upper()}): {promise.text}")
        print(f"    Source: {promise.source}")
    print("Numbers:")
    for number in profile.numbers:
        _print_number(number, today)
    return EXIT_OK


def run_set(args: argparse.Namespace) -> int:
    profiles = _load()
    installed = machine_config.provider_id()
    if installed:
        name = getattr(profiles.get(installed), "name", installed)
        raise UsageError(
            f"{name} set up ScamGuard for everyone on this computer, so the warning always "
            f"shows its numbers. If you have changed provider, an administrator can install "
            f"the new one's profile: scamguard provider install FILE"
        )
    profile = profiles.get(args.id)
    if profile is None:
        raise UsageError(
            f"{args.id!r} is not a provider profile; see the choices with: scamguard provider list"
        )
    changes.set_provider(profile.id, profile.name, report=warn)
    if profile.generic:
        print(f"The warning will now show the {profile.name}.")
    else:
        print(f"The warning will now show {profile.name} and its numbers.")
    return EXIT_OK
