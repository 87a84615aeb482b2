"""The provider an ISP installed for everyone on this computer.

``scamguard provider install FILE`` (run by the ISP's installer, as an administrator) checks
the ISP's signed profile file against the pinned profile keys, copies it byte for byte into
the machine folder and names it there as the provider. Every later load checks the copy's
signature again, so a file changed after install is never shown; the person's own
``provider set`` cannot override it (guard/providers/active.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from guard.providers.signed_file import (
    MAX_BYTES,
    SignedProfile,
    SignedProfileProblem,
    read,
    with_source,
)
from guard.state import machine_config
from guard.updates import keys

Report = Callable[[str], None]


def pinned_profile_keys() -> tuple[keys.TrustedKey, ...]:
    """The profile keys this copy trusts: the installer's staging set, else the built-in."""
    directory = machine_config.trusted_keys_dir() or keys.builtin_keys_dir()
    try:
        return keys.trusted_keys(directory).get("profile", ())
    except keys.KeyProblem as exc:
        raise SignedProfileProblem(f"the pinned keys cannot be read ({exc})") from None


def check_file(path: Path) -> tuple[bytes, SignedProfile]:
    """The file's bytes and its profile, if a pinned profile key signed it."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SignedProfileProblem(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return data, read(data, pinned_profile_keys())


def install(path: Path) -> SignedProfile:
    """Make the signed profile at ``path`` the provider for everyone on this computer.

    Raises SignedProfileProblem (refused: nothing is changed, so the provider before it,
    at first the country's generic profile, stays) or machine_config.MachineConfigError (the
    folder cannot be written). Both are logged in the machine folder's install log.
    """
    try:
        data, signed = check_file(path)
    except SignedProfileProblem as exc:
        machine_config.log(f"refused {path.absolute()}: {exc}")
        raise
    try:
        machine_config.write_file(machine_config.PROFILE_FILE, data)
        machine_config.update({"provider": signed.profile.id})
    except machine_config.MachineConfigError as exc:
        machine_config.log(f"could not install {path.absolute()}: {exc}")
        raise
    machine_config.log(
        f"installed {signed.profile.id} ({signed.profile.name}) from {path.absolute()}, signed "
        f"{signed.issued} by profile key {signed.key_id}"
    )
    return signed


def remove() -> bool:
    """Forget the installed provider (people then choose their own again); False if none."""
    had = machine_config.remove_file(machine_config.PROFILE_FILE)
    if machine_config.provider_id():
        machine_config.update({"provider": None})
        had = True
    if had:
        machine_config.log("removed the installed provider")
    return had


def installed(report: Report | None = None) -> SignedProfile | None:
    """The installed provider's profile, checked again now; None (reported) if there is
    none or it no longer checks out."""
    data = machine_config.read_bytes(machine_config.PROFILE_FILE, MAX_BYTES, report)
    if data is None:
        return None
    source = machine_config.machine_dir() / machine_config.PROFILE_FILE
    try:
        signed = read(data, pinned_profile_keys())
    except SignedProfileProblem as exc:
        if report:
            report(f"{source}: not used ({exc})")
        return None
    return with_source(signed, source)
