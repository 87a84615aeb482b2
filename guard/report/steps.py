"""What to do now: the recovery steps, with numbers only from installed provider profiles.

The order follows the official fraud advice of banks and the police:
the bank first, from another phone; then passwords from another device, starting with email;
then a report to the police's fraud service with the incident reference; then the provider.
No number is ever written here: each comes from a validated profile (the country's generic
one for the bank line and reporting, the chosen provider's for the provider), so a wrong or
made-up number can never reach a victim through the pack. Without profiles the steps still
stand, naming "the number on the back of your card" only.
"""

from __future__ import annotations

from collections.abc import Callable

from guard.providers.active import active_profile, load_active_profiles
from guard.providers.model import ContactNumber, Profile
from guard.report.model import Contact, Step
from guard.state import settings


def installed_profiles(
    report: Callable[[str], None] = lambda _line: None,
) -> tuple[Profile | None, Profile | None]:
    """The provider the warning speaks for on this computer and its country's generic
    profile, as the warning resolves them (``ui.profiles`` does the same with Qt around it);
    (None, None) when no profile loads at all."""
    profiles, problems = load_active_profiles()
    for problem in problems:
        report(f"provider profile problem: {problem}")
    try:
        provider, warning = active_profile(profiles, settings.load().provider)
    except LookupError as exc:
        report(f"{exc}; the pack names no phone numbers")
        return None, None
    if warning:
        report(warning)
    return provider, profiles.generic_for(provider.country)


def recovery_steps(incident: str, provider: Profile | None, generic: Profile | None) -> list[Step]:
    """The steps in order; ``incident`` is the reference to give when reporting."""
    sources = [p for p in (generic, provider) if p is not None]
    bank = _contacts(sources, "bank")
    report = _contacts(sources, "report")
    steps = [
        Step(
            "Call your bank now, from another phone",
            "Use a different phone (a mobile, or a neighbour's), or wait a few minutes "
            "and first call someone you know, so the caller cannot still be on the line. Call the "
            "number below, or the number on the back of your bank card: never a number the "
            "caller gave you. Tell them someone had remote access to your computer.",
            bank,
        ),
        Step(
            "Change your passwords from another device",
            "Use another computer, tablet or phone, not this one: start with your email, then "
            "your bank and shopping accounts, and turn on two-step verification. Do not log in "
            "to any account on this computer until it has been checked.",
        ),
        Step(
            "Report it",
            f"Give them this pack's incident reference: {incident}.",
            report,
            generic.website if generic is not None else "",
        ),
    ]
    if provider is not None and not provider.generic:
        own = _contacts([provider], "provider")
        if own:
            steps.append(
                Step(
                    f"Tell {provider.name}",
                    f"If the caller said they were from {provider.name}, or to check your "
                    "account is safe, call them on a number below.",
                    own,
                )
            )
    steps.append(
        Step(
            "Beware of a second call",
            "Anyone who offers to get your money back for a fee, or asks you to keep a call "
            "secret, is a scammer.",
        )
    )
    return steps


def _contacts(profiles: list[Profile], role: str) -> tuple[Contact, ...]:
    seen: set[str] = set()
    out = []
    for profile in profiles:
        for number in profile.numbers_for(role):
            if number.number not in seen:
                seen.add(number.number)
                out.append(Contact(number.label, number.number, _note(number)))
    return tuple(out)


def _note(number: ContactNumber) -> str:
    parts = [number.audience, number.hours, number.cost]
    if number.kind == "text":
        parts.insert(0, "a text number")
    elif number.kind == "textphone":
        parts.insert(0, "textphone")
    return "; ".join(p for p in parts if p)
