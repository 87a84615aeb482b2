"""Load a folder of provider profiles: each file read safely, validated, cross-checked.

Unlike the tool database, loading is per file: one broken profile is skipped and reported
while the others still load, because the warning must always have some real numbers to show
(at worst the country's generic helplines).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from guard import clock
from guard.providers.model import STALE_AFTER_DAYS, Profile, ProfileSet
from guard.providers.schema import check_profile
from guard.sigdb.loader import read_toml
from guard.sigdb.problems import Problem

MAX_FILE_BYTES = 64 * 1024
MAX_PROFILE_FILES = 500


def load_profiles(
    directory: Path, today: dt.date | None = None, *, future_check: bool = True
) -> tuple[ProfileSet, list[Problem]]:
    """Every clean profile in ``directory``, and one Problem per thing wrong with the rest.

    ``future_check=False`` (the running app) accepts dates after this computer's today: a
    clock set back must not make every profile, and so every number, disappear.
    """
    today = (today or clock.today()) if future_check else None
    if not directory.is_dir():
        return ProfileSet(), [Problem(str(directory), "directory", "does not exist")]
    try:
        files = sorted(p for p in directory.glob("*.toml") if not p.name.startswith("."))
    except OSError as exc:
        return ProfileSet(), [Problem(str(directory), "directory", f"cannot be listed: {exc}")]
    if len(files) > MAX_PROFILE_FILES:
        message = f"has over {MAX_PROFILE_FILES} profile files"
        return ProfileSet(), [Problem(str(directory), "directory", message)]
    problems: list[Problem] = []
    loaded: dict[str, Profile] = {}
    generics: dict[str, Profile] = {}
    for path in files:
        doc, problem = read_toml(path, path.name, MAX_FILE_BYTES)
        if problem:
            problems.append(problem)
            continue
        assert doc is not None
        profile, found = check_profile(path, path.name, doc, today)
        problems += found
        if profile is None:
            continue
        if profile.generic:
            other = generics.get(profile.country)
            if other is not None:
                message = (
                    f"{other.id} ({Path(other.source).name}) is already the generic profile "
                    f"for {profile.country}; a country has only one"
                )
                problems.append(Problem(path.name, "generic", message))
                continue
            generics[profile.country] = profile
        loaded[profile.id] = profile
    if not files:
        problems.append(Problem(str(directory), "directory", "holds no provider profiles"))
    return ProfileSet(loaded), problems


def stale_warnings(profiles: ProfileSet, today: dt.date) -> list[str]:
    """One ``STALE:`` line per number (or profile review) older than 12 months."""
    lines: list[str] = []
    for profile in profiles.sorted():
        file = Path(profile.source).name
        if (today - profile.reviewed).days > STALE_AFTER_DAYS:
            lines.append(
                f"STALE: {file}: reviewed: the profile was last reviewed on {profile.reviewed}, "
                "more than 12 months ago; review the whole file"
            )
        for i, number in enumerate(profile.numbers):
            if number.is_stale(today):
                lines.append(
                    f"STALE: {file}: numbers[{i}]: {number.number} ({number.label}) was "
                    f"checked on {number.verified}, more than 12 months ago; re-check it on "
                    "the live page before shipping"
                )
    return lines


def check_profiles(
    directory: Path, today: dt.date | None = None
) -> tuple[ProfileSet, list[Problem], list[str]]:
    """``load_profiles`` plus the stale-number warnings, for ``signatures validate``."""
    today = today or clock.today()
    profiles, problems = load_profiles(directory, today)
    return profiles, problems, stale_warnings(profiles, today)
