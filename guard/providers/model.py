"""Typed, immutable views of validated provider profiles.

Only the loader builds these, after every field has passed validation, so the warning and
the CLI can show them without re-checking anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

KINDS: tuple[str, ...] = ("call", "text", "textphone")
STATUSES: tuple[str, ...] = ("verified", "partial")
ROLES: tuple[str, ...] = ("provider", "bank", "report", "other")
STALE_AFTER_DAYS = 365


@dataclass(frozen=True, slots=True)
class ContactNumber:
    """One number as printed on the provider's own material, with where and when we saw it."""

    label: str
    number: str  # exactly as written in the source: people compare it with their bill
    kind: str  # call | text | textphone
    audience: str
    hours: str  # "" when the source gives none
    cost: str  # "" when the source gives none
    source: str
    published: dt.date | None  # the date the source page shows; None when undated
    verified: dt.date  # when someone last checked the number against the source
    status: str  # verified | partial
    role: str  # provider | bank | report | other

    def is_stale(self, today: dt.date) -> bool:
        """Numbers change: one not checked for over a year must be re-checked before release."""
        return (today - self.verified).days > STALE_AFTER_DAYS

    @property
    def digits(self) -> str:
        """What to dial (``tel:`` links): the digits only, keeping a leading ``+``."""
        digits = "".join(c for c in self.number if c.isdigit())
        return f"+{digits}" if self.number.lstrip().startswith("+") else digits


@dataclass(frozen=True, slots=True)
class Promise:
    """The provider's own "we will never..." sentence, faithful to its source."""

    text: str
    source: str
    status: str  # verified | partial


@dataclass(frozen=True, slots=True)
class Colours:
    """The headline band: background and text, already checked for WCAG contrast >= 4.5."""

    background: str  # "#rrggbb"
    text: str  # "#rrggbb"


@dataclass(frozen=True, slots=True)
class Profile:
    """One provider (or a country's generic helplines) as the warning presents it."""

    id: str
    name: str
    country: str  # ISO 3166 alpha-2, upper case
    generic: bool
    website: str
    scam_advice_url: str  # "" when none
    reviewed: dt.date
    colours: Colours
    promise: Promise | None
    numbers: tuple[ContactNumber, ...]
    logo: Path | None = None
    source: str = ""  # the file it was loaded from

    def numbers_for(self, role: str) -> tuple[ContactNumber, ...]:
        """The numbers with this role, in file order (the order the warning shows them)."""
        return tuple(n for n in self.numbers if n.role == role)

    def stale_numbers(self, today: dt.date) -> tuple[ContactNumber, ...]:
        return tuple(n for n in self.numbers if n.is_stale(today))

    @property
    def oldest_check(self) -> dt.date:
        """The earliest date any number was checked (the profile's review date if none)."""
        return min((n.verified for n in self.numbers), default=self.reviewed)


@dataclass(frozen=True)
class ProfileSet:
    """Every profile that loaded cleanly, by id."""

    profiles: dict[str, Profile] = field(default_factory=dict)

    def get(self, profile_id: str) -> Profile | None:
        return self.profiles.get(profile_id.strip().casefold())

    def generic_for(self, country: str) -> Profile | None:
        """The country's generic profile (bank line, fraud reporting), if one is installed."""
        wanted = country.strip().upper()
        for profile in self.profiles.values():
            if profile.generic and profile.country == wanted:
                return profile
        return None

    def sorted(self) -> list[Profile]:
        """Providers by name, then the generic profiles by name: the order lists show."""
        return sorted(self.profiles.values(), key=lambda p: (p.generic, p.name.casefold(), p.id))

    def __len__(self) -> int:
        return len(self.profiles)

    def __contains__(self, profile_id: object) -> bool:
        return isinstance(profile_id, str) and self.get(profile_id) is not None
