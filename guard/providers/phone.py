"""Is a number, as written in a profile, a real number for the profile's country?

``phonenumbers`` (Google's libphonenumber metadata) catches typos that drop or add a digit
and numbers from the wrong country; short codes such as 159 (bank fraud line), 150, 101 or
191 are checked against the country's short-number plan.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import shortnumberinfo

ALLOWED_RE = re.compile(r"^\+?[0-9][0-9 ()-]*[0-9]$|^[0-9]$")
TEXT_RE = re.compile(r"^[0-9]{3,6}$")
TEXTPHONE_PREFIX = "18001 "  # the UK Relay prefix: a text relay assistant joins the call


def known_country(code: str) -> bool:
    """A region ``phonenumbers`` has a numbering plan for (ISO 3166 alpha-2)."""
    return code in phonenumbers.SUPPORTED_REGIONS


def _valid_call(number: str, country: str) -> bool:
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number_for_region(parsed, country):
        return True
    return shortnumberinfo.is_valid_short_number_for_region(parsed, country)


def check_number(number: str, kind: str, country: str) -> str | None:
    """``None`` when ``number`` is valid for ``kind`` in ``country``, else the reason why not."""
    if kind == "text":
        if not TEXT_RE.match(number):
            return f"{number!r}: a text number must be 3 to 6 digits (a short code like 7726)"
        return None
    if kind == "textphone":
        if not number.startswith(TEXTPHONE_PREFIX):
            return f"{number!r}: a textphone number must start with '18001 ' (Relay UK)"
        rest = number[len(TEXTPHONE_PREFIX) :]
        if not ALLOWED_RE.match(rest) or not _valid_call(rest, country):
            return f"{number!r}: {rest!r} after '18001 ' is not a valid {country} phone number"
        return None
    if not ALLOWED_RE.match(number):
        return f"{number!r} may hold only digits, spaces, brackets, '-' and a leading '+'"
    if not _valid_call(number, country):
        return f"{number!r} is not a valid {country} phone number (check every digit)"
    return None
