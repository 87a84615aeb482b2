"""What the warning says, worked out from the incident and the provider profile.

Kept apart from the widgets so the wording rules (lead with "Hang up.", name the tool, the
provider's own promise, pre-empt the caller's coaching, real numbers only, a different
phone) are tested on their own and the window only lays them out. Numbers and promises come
only from the profile, which carries their source and the date they were checked; this
module never invents one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from guard.engine.incidents import IncidentView
from guard.providers.model import ContactNumber, Profile
from ui.i18n import tr

SCREEN_SHARE_KINDS = frozenset({"screen-share"})


@dataclass(frozen=True)
class NumberLine:
    """One number as the person reads it: who, the number exactly as printed, the small print."""

    label: str
    number: str
    note: str  # who it is for, hours, cost
    stale: bool


@dataclass(frozen=True)
class WarningText:
    headline: str
    caught: str
    frozen: str
    promise: str
    coaching: str
    call_title: str
    call_how: str
    provider_numbers: tuple[NumberLine, ...]
    other_title: str
    other_numbers: tuple[NumberLine, ...]
    already_title: str
    already_steps: tuple[str, ...]
    checked: str
    tools: str  # "AnyDesk" or "AnyDesk and TeamViewer", for the buttons


@dataclass(frozen=True)
class Caught:
    """One tool in the warning: its name, what kind it is, and whether it ran or only landed."""

    name: str
    kind: str
    started: bool

    @classmethod
    def from_incident(cls, view: IncidentView) -> Caught:
        started = any(p.get("role") == "tool" for p in view.processes)
        return cls(view.tool.name, view.tool.kind, started or not view.files)


def join_names(names: Sequence[str]) -> str:
    """ "AnyDesk", "AnyDesk and TeamViewer", "AnyDesk, TeamViewer and RustDesk"."""
    unique = list(dict.fromkeys(names))
    if len(unique) <= 1:
        return unique[0] if unique else tr("A remote-control program")
    return tr("{first} and {last}").format(first=", ".join(unique[:-1]), last=unique[-1])


def _caught_sentence(caught: Sequence[Caught]) -> str:
    names = join_names([c.name for c in caught])
    sees_only = all(c.kind in SCREEN_SHARE_KINDS for c in caught)
    started = any(c.started for c in caught)
    if len({c.name for c in caught}) > 1:
        what = (
            tr("programs that let someone see this computer's screen")
            if sees_only
            else tr("programs that let someone control this computer")
        )
        how = tr("were just started") if started else tr("were just downloaded")
    else:
        what = (
            tr("a program that lets someone see this computer's screen")
            if sees_only
            else tr("a program that lets someone control this computer")
        )
        how = tr("was just started") if started else tr("was just downloaded")
    return tr("{names}, {what}, {how}.").format(names=names, what=what, how=how)


def _line(number: ContactNumber, today: dt.date) -> NumberLine:
    note = " · ".join(part for part in (number.audience, number.hours, number.cost) if part)
    return NumberLine(number.label, number.number, note, number.is_stale(today))


def _checked(numbers: Sequence[ContactNumber], today: dt.date) -> str:
    if not numbers:
        return ""
    oldest = min(n.verified for n in numbers)
    when = f"{oldest.day} {oldest.strftime('%B %Y')}"
    if any(n.is_stale(today) for n in numbers):
        return tr(
            "Some numbers were last checked on {date}, more than a year ago. Check them "
            "against a bill or letter from the company."
        ).format(date=when)
    return tr("Numbers checked by ScamGuard on {date}.").format(date=when)


def _bank_step(bank: Sequence[ContactNumber]) -> str:
    if bank:
        return tr(
            "Call your bank now from a different phone: {number}, or the number on the back "
            "of your card."
        ).format(number=bank[0].number)
    return tr("Call your bank now from a different phone: the number on the back of your card.")


def build(
    caught: Sequence[Caught],
    provider: Profile,
    generic: Profile | None,
    today: dt.date | None = None,
) -> WarningText:
    """The warning for these tools, in ``provider``'s name, with its country's generic lines.

    ``generic`` is the country's generic profile (bank line, fraud reporting); when the
    active profile is itself generic the two are the same and its numbers appear once.
    """
    today = today or dt.date.today()
    tools = join_names([c.name for c in caught])
    started = any(c.started for c in caught)
    frozen = (
        tr(
            "ScamGuard has frozen it. While this message is on the screen, nobody can use it "
            "to see or control this computer."
        )
        if started
        else tr("ScamGuard stopped it before it could run.")
    )
    if provider.promise is not None:
        promise = provider.promise.text
    else:
        promise = tr(
            "Real companies do not phone out of the blue and ask you to install a program "
            "like this."
        )
    shared = generic if generic is not None and generic.id != provider.id else None
    everything = [*provider.numbers, *(shared.numbers if shared else ())]
    own = [n for n in everything if n.role == "provider"]
    if own:
        call_title = tr("Call {provider} on its real number").format(provider=provider.name)
    else:  # no provider chosen: the bank line is the number that matters most
        own = [n for n in everything if n.role == "bank"] or [
            n for n in everything if n.role == "other"
        ]
        call_title = (
            tr("Call your bank's fraud team")
            if own and own[0].role == "bank"
            else tr("Call for help on a number you can trust")
        )
    others = [n for n in everything if n not in own]
    return WarningText(
        headline=tr("Hang up."),
        caught=_caught_sentence(caught),
        frozen=frozen,
        promise=promise,
        coaching=tr("If the caller told you to expect this warning, that is part of the scam."),
        call_title=call_title,
        call_how=tr("Use a different phone, or wait five minutes and call someone you know first."),
        provider_numbers=tuple(_line(n, today) for n in own),
        other_title=(
            tr("Your bank, and reporting fraud")
            if any(n.role == "bank" for n in others)
            else tr("Reporting fraud")
        ),
        other_numbers=tuple(_line(n, today) for n in others),
        already_title=tr("Already let them in, or gave bank details?"),
        already_steps=(
            tr("Turn off the internet, or switch this computer off."),
            _bank_step([n for n in everything if n.role == "bank" and n.kind == "call"]),
            tr("Do not log in to anything on this computer until it has been checked."),
            tr("Change your passwords from another device, starting with email."),
        ),
        checked=_checked([*own, *others], today),
        tools=tools,
    )
