"""Which provider profile the warning uses on this computer.

The person (or the ISP's installer) picks one with ``scamguard provider set``; until then
the country's generic profile is used, so a warning never lacks real numbers. The country
comes from the system locale: phone numbers are only valid for one country, and a British
bank line shown to someone in Canada would be worse than none.
"""

from __future__ import annotations

import contextlib
import dataclasses
import locale
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from guard import platform
from guard.providers.loader import load_profiles
from guard.providers.model import Profile, ProfileSet
from guard.sigdb.problems import Problem
from guard.state import machine_config, paths

DEFAULT_COUNTRY = "GB"
DEFAULT_PROFILE = "generic-uk"
PROVIDERS_DIR = "providers"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

# Windows reports locales by English name ("English_United Kingdom.1252").
WINDOWS_COUNTRIES = {
    "united kingdom": "GB",
    "united states": "US",
    "canada": "CA",
    "australia": "AU",
    "new zealand": "NZ",
    "ireland": "IE",
    "germany": "DE",
    "france": "FR",
}
POSIX_RE = re.compile(r"^[a-z]{2,3}[_-]([a-z]{2})$", re.IGNORECASE)


def country_from_locale(name: str | None) -> str | None:
    """``en_GB.UTF-8`` → ``GB``, ``English_United Kingdom.1252`` → ``GB``; None if no country."""
    if not name:
        return None
    base = name.split(".", 1)[0].split("@", 1)[0].strip()
    match = POSIX_RE.match(base)
    if match:
        code = match.group(1).upper()
        return "GB" if code == "UK" else code
    if "_" in base:
        return WINDOWS_COUNTRIES.get(base.split("_", 1)[1].strip().casefold())
    return None


def _process_locales() -> list[str | None]:
    """The locale this process runs in, as names to try in order.

    ``locale.getlocale()`` is consulted only when the raw setting is not C/POSIX: Python
    3.11 reports ``C.UTF-8`` as ``en_US``, which would show a British user US numbers.
    """
    # Windows keeps the region setting outside the environment (``en-GB``).
    names: list[str | None] = (
        [platform.user_locale_name()] if platform.current_os() == "windows" else []
    )
    try:
        current = locale.setlocale(locale.LC_CTYPE)  # a query: changes nothing
    except locale.Error:
        current = None
    names.append(current)
    if current and current.split(".", 1)[0].upper() not in {"C", "POSIX"}:
        with contextlib.suppress(ValueError):  # an unparsable locale must not stop the guard
            names.append(locale.getlocale()[0])
    return names


def system_country(env: Mapping[str, str] | None = None) -> str:
    """The country of this computer's locale; GB when it says none (``C``, ``POSIX``)."""
    env = os.environ if env is None else env
    candidates = [env.get(var) for var in LOCALE_VARIABLES] + _process_locales()
    for name in candidates:
        country = country_from_locale(name)
        if country:
            return country
    return DEFAULT_COUNTRY


def default_profile_id(profiles: ProfileSet, country: str) -> str:
    """The country's generic profile, else the UK one (the product's home market)."""
    generic = profiles.generic_for(country)
    return generic.id if generic else DEFAULT_PROFILE


def resolve(profiles: ProfileSet, wanted_id: str, country: str) -> tuple[Profile, str]:
    """The profile to show and, when ``wanted_id`` is not installed, a one-line warning.

    ``wanted_id`` "" means "the default for this country" and is not worth a warning.
    Raises LookupError only when no profile at all could be loaded.
    """
    warning = ""
    if wanted_id:
        found = profiles.get(wanted_id)
        if found is not None:
            return found, ""
    fallback = profiles.get(default_profile_id(profiles, country)) or profiles.get(DEFAULT_PROFILE)
    if fallback is None:
        everything = profiles.sorted()
        if not everything:
            raise LookupError("no provider profile could be loaded")
        fallback = everything[0]
    if wanted_id:
        warning = (
            f"provider profile {wanted_id!r} is not installed; using {fallback.id} "
            f"({fallback.name}) instead"
        )
    return fallback, warning


def builtin_profiles_dir() -> Path:
    return paths.builtin_signatures_dir() / PROVIDERS_DIR


def load_active_profiles(directory: Path | None = None) -> tuple[ProfileSet, list[Problem]]:
    """The profiles the warning may use: ``directory`` if given, else an installed update's
    (only if its bundle is signed by a trusted profile key, checked now, every time), else
    the built-in ones; plus the provider an ISP installed for this computer, also checked
    now, which replaces a same-named profile unless that one was reviewed more recently.

    Re-checking at every load means a file dropped into the state folder can never change
    the numbers a victim is told to call: only the offline profile key can.
    """
    if directory is not None:
        return load_profiles(directory, future_check=False)
    folder = paths.installed_signatures_dir()
    problems: list[Problem] = []
    if folder.is_dir():
        verified = _verified_installed_profiles(folder)
        if isinstance(verified, ProfileSet):
            profiles = verified
        else:
            profiles, problems = load_profiles(builtin_profiles_dir(), future_check=False)
            note = f"not used ({verified}); using the built-in ones"
            problems = [Problem(str(folder), "providers", note), *problems]
    else:
        profiles, problems = load_profiles(builtin_profiles_dir(), future_check=False)
    return _with_machine_profile(profiles, problems)


def _with_machine_profile(
    profiles: ProfileSet, problems: list[Problem]
) -> tuple[ProfileSet, list[Problem]]:
    from guard.providers import machine_profile  # noqa: PLC0415 - needs cryptography

    source = str(machine_config.machine_dir() / machine_config.PROFILE_FILE)
    found: list[str] = []
    try:
        signed = machine_profile.installed(found.append)
    except Exception as exc:  # whatever is wrong with it, the guard must run
        found.append(f"{source}: not used ({type(exc).__name__}: {exc})")
        signed = None
    problems = problems + [
        Problem(source, "installed provider", line.removeprefix(f"{source}: ")) for line in found
    ]
    if signed is None:
        return profiles, problems
    ours = profiles.get(signed.profile.id)
    if ours is not None and ours.reviewed > signed.profile.reviewed:
        return profiles, problems  # an update brought the same provider's newer numbers
    return ProfileSet({**profiles.profiles, signed.profile.id: signed.profile}), problems


def chosen_provider_id(person_choice: str) -> str:
    """The provider the warning should speak for: the one an installer set for the whole
    computer, else the person's own choice ("" = the country's default)."""
    return machine_config.provider_id() or person_choice


def active_profile(profiles: ProfileSet, person_choice: str) -> tuple[Profile, str]:
    """The profile the warning shows and, if the chosen one is missing, a one-line warning."""
    return resolve(profiles, chosen_provider_id(person_choice), system_country())


def _verified_installed_profiles(folder: Path) -> ProfileSet | str:
    """The installed profiles, built from a scratch copy of the very bytes whose profile-key
    signature was just checked (the installed files are never read), or why not."""
    from guard.updates import bundles, keys, profile_record  # noqa: PLC0415

    try:
        data = (folder / "providers.json").read_bytes()
        signature = (folder / "providers.json.sig").read_bytes()
        pinned_dir = machine_config.trusted_keys_dir() or keys.builtin_keys_dir()
        pinned = keys.trusted_keys(pinned_dir).get("profile", ())
        profile_record.verify(signature, bundles.sha256(data), pinned)
    except (OSError, keys.KeyProblem, profile_record.RecordProblem) as exc:
        return f"the profile signature does not check ({exc})"
    try:  # a scratch copy of exactly the checked bytes (a virus scanner may hold a file)
        with tempfile.TemporaryDirectory(
            prefix="scamguard-profiles-", ignore_cleanup_errors=True
        ) as scratch:
            bundles.unpack("providers", data, Path(scratch) / "providers")
            loaded, problems = load_profiles(Path(scratch) / "providers", future_check=False)
    except (OSError, bundles.BundleProblem) as exc:
        return f"the signed profiles cannot be unpacked ({exc})"
    if problems or not len(loaded):
        return "; ".join(str(p) for p in problems[:3]) or "no profiles"
    # Point at the installed copies (for `provider show`), not the scratch folder.
    return ProfileSet(
        {
            pid: dataclasses.replace(p, source=str(folder / "providers" / Path(p.source).name))
            for pid, p in loaded.profiles.items()
        }
    )
