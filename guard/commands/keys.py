"""``scamguard keys generate``: make a signing key pair for signed updates (release staff)."""

from __future__ import annotations

import argparse
from pathlib import Path

from guard.errors import EXIT_OK, UsageError
from guard.updates import keys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "keys",
        help="make signing keys for signature updates (release staff only)",
        description="Updates to the signature database are signed. The app carries the "
        "public keys; the private keys stay with the people who publish updates. There are "
        "two kinds: a content key signs the update manifest, and a separate offline profile "
        "key signs provider contact details. Most people never need this command.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    gen = actions.add_parser(
        "generate",
        help="make a new key pair (NAME.key stays secret, NAME.pub goes into the app)",
        description="Write DIR/NAME.key (the private key, readable only by you) and "
        "DIR/NAME.pub (the public key to ship with the app). Never overwrites an existing "
        "key. Exit 2 if the name is not allowed or either file already exists.",
    )
    gen.add_argument(
        "--name",
        required=True,
        metavar="NAME",
        help="a short name for the key: lower-case letters, digits and '-' "
        "(e.g. content-2025 or profile-backup)",
    )
    gen.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="folder to write the two files into (created, private to you, if missing); "
        "best on an offline computer or an encrypted USB stick",
    )
    gen.set_defaults(func=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    try:
        private_path, public_path = keys.generate(args.name, args.out)
        trusted = keys.load_public(public_path, keys.ROLES[0])
    except keys.KeyProblem as exc:
        raise UsageError(str(exc)) from None
    name = args.name
    print(f"Private key: {private_path}")
    print(f"Public key:  {public_path}")
    print(f"Key id:      {trusted.key_id}")
    print(
        f"Keep {name}.key secret and offline (see docs/support-staff.md). "
        f"Give {name}.pub to the app release as signatures/keys/<role>/{name}.pub."
    )
    print(
        "<role> is content for a key that signs update manifests, or profile for the "
        "offline key that signs provider contact details."
    )
    return EXIT_OK
