"""``scamguard feed publish``: support staff turn reviewed files into a signed update feed."""

from __future__ import annotations

import argparse
from pathlib import Path

from guard.errors import EXIT_OK, UsageError
from guard.output import print_json
from guard.updates.publish import Request, publish


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "feed",
        help="publish a signed update feed (for support staff)",
        description="Publish signature and contact-detail updates as a folder of static "
        "files that any web server can serve. See docs/support-staff.md.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    pub = actions.add_parser(
        "publish",
        help="validate, bundle and sign an update into a feed folder",
        description="Check every tool and provider file exactly as 'scamguard signatures "
        "validate' does, then write the bundles, manifest.json.sig and manifest.json into "
        "the feed folder. Nothing is written if anything is wrong. Each publish needs a "
        "higher version than the feed has; a daily re-sign with no change is the same "
        "command with the next version (and without --providers).",
    )
    pub.add_argument(
        "--tools", required=True, type=Path, metavar="DIR",
        help="a signature database folder (database.toml and tools/)",
    )  # fmt: skip
    pub.add_argument(
        "--providers", type=Path, metavar="DIR",
        help="provider profiles to publish (needs --profile-key); left out, the feed's "
        "current, already signed profiles are carried forward",
    )  # fmt: skip
    pub.add_argument("--content-key", required=True, type=Path, metavar="FILE",
                     help="the content key's private file (signs the manifest)")  # fmt: skip
    pub.add_argument("--profile-key", type=Path, metavar="FILE",
                     help="the offline profile key (signs phone numbers)")  # fmt: skip
    pub.add_argument("--version", default="next", metavar="N",
                     help="the feed version: a whole number higher than the feed's, or 'next' "
                     "(the default)")  # fmt: skip
    pub.add_argument("--expires", type=int, default=7, metavar="DAYS",
                     help="days until installs treat it as out of date unless re-signed "
                     "(default 7, at most 90)")  # fmt: skip
    pub.add_argument("--channel", default="stable", metavar="NAME",
                     help="the channel installs follow (default stable)")  # fmt: skip
    pub.add_argument("--rollout", type=int, metavar="PCT",
                     help="the percentage of installs that take it (default: the feed's "
                     "current percentage, 100 for a new feed)")  # fmt: skip
    pub.add_argument("--out", required=True, type=Path, metavar="FEED_DIR",
                     help="the feed folder (created if missing)")  # fmt: skip
    pub.add_argument("--json", action="store_true", help="machine-readable result")
    pub.set_defaults(func=run_publish)


def run_publish(args: argparse.Namespace) -> int:
    if args.version == "next":
        version = None
    elif args.version.isdigit() and int(args.version) > 0:
        version = int(args.version)
    else:
        raise UsageError(f"--version must be a whole number or 'next', not {args.version!r}")
    for option, folder in (("--tools", args.tools), ("--providers", args.providers)):
        if folder is not None and not folder.is_dir():
            raise UsageError(f"{option} {folder}: no such folder")
    manifest = publish(
        Request(
            tools=args.tools,
            providers=args.providers,
            content_key=args.content_key,
            profile_key=args.profile_key,
            version=version,
            expires_days=args.expires,
            channel=args.channel,
            rollout=args.rollout,
            out=args.out,
        )
    )
    if args.json:
        print_json({"feed": str(args.out), **manifest.to_json()})
    else:
        carried = " (provider profiles carried forward)" if args.providers is None else ""
        print(
            f"Published version {manifest.version} to the {manifest.channel} channel in "
            f"{args.out}{carried}: rollout {manifest.rollout}%, expires "
            f"{manifest.expires:%Y-%m-%d %H:%M} UTC. Copy the whole folder to the web server."
        )
    return EXIT_OK
