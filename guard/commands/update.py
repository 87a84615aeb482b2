"""``scamguard update``: check the update feed and install what it offers, if it is genuine."""

from __future__ import annotations

import argparse
from pathlib import Path

from guard.errors import EXIT_OK, RejectedError, UsageError
from guard.output import print_json, warn
from guard.state import machine_config, paths
from guard.state.events import EventKind, GuardEvent
from guard.state.journal import record_now
from guard.state.paths import journal_path
from guard.updates import client


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "update",
        help="check for and install signature and contact-detail updates",
        description="Fetch the update feed, check its signature against the keys built into "
        "ScamGuard, and install the new signatures and contact details only if every check "
        "passes. Exit 0 when installed or already up to date, 3 when an update was refused "
        "(with the reason). Detection never stops: refused or unreachable, the signatures in "
        "use stay.",
    )
    parser.add_argument("--feed", metavar="URL", help="the feed's address (https://...)")
    parser.add_argument(
        "--trusted-keys", type=Path, metavar="DIR",
        help="check against these public keys instead of the built-in ones or the installer's "
        "(DIR/content, "
        "DIR/profile): for staging feeds and tests, only with SCAMGUARD_HOME set",
    )  # fmt: skip
    parser.add_argument(
        "--channel", help="the channel to follow (default: the installed setting, or stable)"
    )
    parser.add_argument("--now", action="store_true",
                        help="check now, even if the feed asked to wait")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="machine-readable result")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.trusted_keys is not None and not paths.overridden():
        # A caller could dictate "--trusted-keys THEIR_DIR --feed THEIR_URL" and swap the tool
        # list of this computer. Other keys are for staging and tests, in their own home.
        raise UsageError(
            "--trusted-keys is only for staging and tests, with SCAMGUARD_HOME set to a test "
            "folder; this computer's updates are checked with the keys it was installed with"
        )
    feed = args.feed or machine_config.feed_url()
    if not feed:
        raise UsageError(
            "no update feed is configured (the installer sets one); give one with --feed URL"
        )
    try:
        client.check_url(feed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not args.now:
        wait = client.wait_asked()
        if wait:
            raise RejectedError(f"the feed asked not to be asked again until {wait} (or use --now)")
    try:
        outcome = client.update(
            feed,
            trusted=args.trusted_keys,
            channel=args.channel or machine_config.channel(),
            report=warn,
        )
    except client.Rejected as exc:
        _journal("update refused: " + str(exc), result="rejected", feed=feed)
        if args.json:
            print_json({"status": "rejected", "reason": str(exc)})
        raise RejectedError(f"update refused: {exc}") from None
    if outcome.status == "installed":
        _journal(outcome.message, result="installed", version=outcome.version, feed=feed)
    if args.json:
        print_json({"status": outcome.status, "message": outcome.message,
                    "version": outcome.version, **outcome.details})  # fmt: skip
    else:
        print(outcome.message)
    return EXIT_OK


def _journal(message: str, **data: object) -> None:
    record_now(journal_path(), [GuardEvent(EventKind.UPDATE, message, data=data)], warn)
