"""``scamguard provider install|uninstall|sign``: an ISP's provider for a whole computer.

``sign`` is for ScamGuard's support staff, once they have checked an ISP's profile: it makes
the one signed file the ISP ships. ``install`` is what the ISP's installer runs, as an
administrator: it refuses anything not signed by a pinned profile key, and on success the
ISP's name and numbers are what the warning shows for every person on the computer.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from guard import clock
from guard.errors import EXIT_OK, RejectedError, UsageError
from guard.output import print_json, warn
from guard.providers import machine_profile, signed_file
from guard.state import machine_config
from guard.updates import client, keys
from guard.updates.manifest import CHANNEL_RE


def register(actions: argparse._SubParsersAction) -> None:
    install = actions.add_parser(
        "install",
        help="make a signed provider profile the default for everyone on this computer "
        "(installers; needs an administrator)",
        description="Check FILE (a .scamguard-profile your provider supplied) against the "
        "keys this copy of ScamGuard trusts and make it the provider for everyone on this "
        "computer; people cannot change it in their own settings. --feed and --channel set "
        "where updates come from. A file that is not signed by a trusted key is refused "
        "(exit 3) and the provider is unchanged (--feed and --channel are still applied). "
        "Every install or refusal is logged in the machine-wide settings folder "
        "(install.log). Needs an administrator.",
    )
    install.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="the signed profile file"
    )
    install.add_argument("--feed", metavar="URL", help="the update feed (https)")
    install.add_argument(
        "--channel", metavar="NAME", help="the update channel to follow (default: stable)"
    )
    install.add_argument("--json", action="store_true", help="machine-readable output")
    install.set_defaults(func=run_install)
    check = actions.add_parser(
        "check",
        help="check a signed provider profile file without installing it",
        description="Say whether FILE would be accepted by 'provider install' on this "
        "computer (signed by a trusted profile key, unchanged since, a valid profile) and "
        "whose numbers it holds. Changes nothing; needs no administrator. Exit 3 if refused.",
    )
    check.add_argument("file", type=Path, metavar="FILE", help="the signed profile file")
    check.set_defaults(func=run_check)
    uninstall = actions.add_parser(
        "uninstall",
        help="remove the provider an installer set for this computer (needs an administrator)",
        description="Forget the provider (and update feed) an installer set for everyone on "
        "this computer; each person's own choice, or their country's fraud helplines, is "
        "used again. Needs an administrator.",
    )
    uninstall.add_argument(
        "--keep-feed", action="store_true", help="keep the update feed and channel"
    )
    uninstall.add_argument(
        "--purge",
        action="store_true",
        help="remove every machine-wide setting and the install log too (uninstallers)",
    )
    uninstall.set_defaults(func=run_uninstall)
    sign = actions.add_parser(
        "sign",
        help="sign a checked provider profile for an ISP's installer (support staff only)",
        description="Validate PROFILE.toml exactly as publishing does and write the signed "
        "file an ISP passes to 'scamguard provider install'. Sign only after checking every "
        "number on the provider's own pages: this signature is what makes people trust them.",
    )
    sign.add_argument("profile", type=Path, metavar="PROFILE.toml", help="the profile to sign")
    sign.add_argument(
        "--profile-key", required=True, type=Path, metavar="KEY", help="the profile private key"
    )
    sign.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help=f"where to write it (default: PROFILE{signed_file.SUFFIX} beside the profile)",
    )
    sign.set_defaults(func=run_sign)


def run_install(args: argparse.Namespace) -> int:
    file: Path | None = args.file if args.file and str(args.file) else None
    if file is None and not args.feed and not args.channel:
        raise UsageError(
            "give a signed profile FILE, --feed URL or --channel NAME "
            "(see: scamguard provider install --help)"
        )
    if file is not None and not file.is_file():
        raise UsageError(f"{file}: no such file (check the path; on Windows, a local disk)")
    changes: dict[str, str | None] = {}
    if args.feed:
        try:
            changes["update_feed"] = client.check_url(args.feed)
        except ValueError as exc:
            raise UsageError(f"--feed: {exc}") from None
    if args.channel:
        if not CHANNEL_RE.fullmatch(args.channel):
            raise UsageError(
                f"--channel {args.channel!r}: use lower-case letters, digits and '-' "
                "(up to 32), e.g. stable"
            )
        changes["update_channel"] = args.channel
    result: dict[str, object] = {"status": "installed"}
    try:
        if changes:  # first, so a refused profile still leaves the feed the ISP asked for
            machine_config.update(changes)
            machine_config.log("set " + ", ".join(f"{k}={v}" for k, v in sorted(changes.items())))
        if file is not None:
            signed = machine_profile.install(file)
            result.update(provider=signed.profile.id, name=signed.profile.name,
                          issued=signed.issued, key_id=signed.key_id)  # fmt: skip
    except machine_config.MachineConfigError as exc:
        raise UsageError(str(exc)) from None
    except signed_file.SignedProfileProblem as exc:
        if args.json:
            print_json({"status": "refused", "reason": str(exc), **changes})
        else:
            _print_changes(changes, " (set, although the profile was refused)")
        raise RejectedError(f"{file}: refused, the provider is unchanged ({exc})") from None
    if args.json:
        print_json({**result, **changes})
        return EXIT_OK
    if file is not None:
        print(f"The warning now shows {signed.profile.name} and its numbers for everyone on "
              f"this computer (signed {signed.issued}).")  # fmt: skip
    _print_changes(changes)
    return EXIT_OK


def _print_changes(changes: dict[str, str | None], after: str = "") -> None:
    for key, value in sorted(changes.items()):
        print(f"{key.replace('_', ' ').capitalize()}: {value}{after}")


def run_check(args: argparse.Namespace) -> int:
    try:
        _data, signed = machine_profile.check_file(args.file)
    except signed_file.SignedProfileProblem as exc:
        raise RejectedError(f"{args.file}: would be refused ({exc})") from None
    profile = signed.profile
    print(f"{args.file}: accepted: {profile.name} [{profile.id}], {len(profile.numbers)} "
          f"numbers, reviewed {profile.reviewed}, signed {signed.issued} by profile key "
          f"{signed.key_id}")  # fmt: skip
    print(f"See its numbers after installing with: scamguard provider show {profile.id}")
    return EXIT_OK


def run_uninstall(args: argparse.Namespace) -> int:
    signed = machine_profile.installed()
    name = signed.profile.name if signed else machine_config.provider_id()
    feed = machine_config.feed_url()
    try:
        removed = machine_profile.remove()
        dropped_feed = not args.keep_feed and bool(
            feed or machine_config.read().get("update_channel")
        )
        if dropped_feed:
            machine_config.update({"update_feed": None, "update_channel": None})
            machine_config.log("removed the update feed")
        if args.purge:
            machine_config.purge()
    except machine_config.MachineConfigError as exc:
        raise UsageError(str(exc)) from None
    said = [f"{name} (set up for everyone on this computer)" if removed else ""]
    said.append(f"the update feed {feed}" if dropped_feed and feed else "")
    gone = " and ".join(s for s in said if s)
    if gone:
        print(f"Removed {gone}. The warning now shows each person's own choice of provider, "
              "or their country's fraud helplines.")  # fmt: skip
    else:
        print("No provider or update feed was installed for this computer.")
    return EXIT_OK


def run_sign(args: argparse.Namespace) -> int:
    try:
        key = keys.load_private(args.profile_key)
    except keys.KeyProblem as exc:
        raise UsageError(f"--profile-key: {exc}") from None
    if not args.profile.is_file():
        raise UsageError(f"{args.profile}: no such file")
    try:
        data, profile = signed_file.make(args.profile, key)
    except signed_file.SignedProfileProblem as exc:
        raise RejectedError(f"{args.profile}: not signed ({exc})") from None
    for number in profile.stale_numbers(clock.today()):
        warn(
            f"STALE: {number.label} ({number.number}) was checked {number.verified}, more "
            "than 12 months ago: re-check it on the live page before shipping this file"
        )
    try:
        pinned = {k.key_id for k in machine_profile.pinned_profile_keys()}
    except signed_file.SignedProfileProblem:
        pinned = set()
    if keys.key_id(key.public_key()) not in pinned:
        warn("this key is not one of the profile keys this computer trusts: installs will "
             "refuse the file unless they pin it (signatures/keys/profile/ in the build, or "
             "the machine config's trusted_keys for staging)")  # fmt: skip
    out = args.out or args.profile.with_suffix(signed_file.SUFFIX)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"Wrote {out}. Check it with: scamguard provider check {out}")
    return EXIT_OK
