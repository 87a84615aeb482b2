"""Which provider the warning speaks for, resolved fresh each time a warning opens.

Reads the per-user choice (``scamguard provider set`` or the settings window) and the
installed profiles. If no profile can be loaded at all, the warning still appears, in
ScamGuard's own name and with no phone numbers: a warning without numbers still stops the
scam, while a guessed number could send the person to the scammer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from guard.providers.active import active_profile, load_active_profiles
from guard.providers.model import Colours, Profile, ProfileSet
from guard.state import settings

NO_PROFILE = Profile(
    id="none",
    name="ScamGuard",
    country="GB",
    generic=True,
    website="",
    scam_advice_url="",
    reviewed=dt.date(2026, 11, 22),
    colours=Colours(background="#1d2b53", text="#ffffff"),
    promise=None,
    numbers=(),
)


def active_profiles(
    report: Callable[[str], None] = lambda _line: None,
) -> tuple[Profile, Profile | None, ProfileSet]:
    """The active provider, its country's generic profile, and everything installed."""
    profiles, problems = load_active_profiles()
    for problem in problems:
        report(f"provider profile problem: {problem}")
    chosen = settings.load()
    if chosen.problem:
        report(chosen.problem)
    try:
        provider, warning = active_profile(profiles, chosen.provider)
    except LookupError as exc:
        report(f"{exc}; the warning will show no phone numbers")
        return NO_PROFILE, None, profiles
    if warning:
        report(warning)
    return provider, profiles.generic_for(provider.country), profiles
