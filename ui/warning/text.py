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
from dataclasses import dataclass, replace

from guard.engine.incidents import IncidentView
from guard.providers.model import ContactNumber, Profile
from ui.i18n import tr

SCREEN_SHARE_KINDS = frozenset({"screen-share"})
MAX_NAME_ON_BUTTON = 20  # longer names make "Remove this program" (never a clipped button)


@dataclass(frozen=True)
class NumberLine:
    """One number as the person reads it: who, the number exactly as printed, the small print."""

    label: str
    number: str
    note: str  # who it is for, hours, cost
    stale: bool
    dial: str = ""  # the digits a phone dials (``ContactNumber.digits``): the card's QR code
    # The profile marks it PARTIAL: seen only in a second-hand copy of the provider's own
    # material, so the warning never calls it "real" and asks for a check against the bill.
    partial: bool = False


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
    tools: str  # "AnyDesk" or "AnyDesk and TeamViewer"
    remove: str  # the safe button: "Remove AnyDesk", or "Remove these programs"
    # What the safe button does, under it and as its tooltip; "Yes: remove it" on the
    # question page. A setting of the system is switched off, not removed (Caught.switched_on).
    remove_explains: str = ""
    remove_tip: str = ""
    yes: str = ""
    settings_only: bool = False  # only settings are on: "stay on", not "run" (Caught)
    # The bank came up while someone was connected (issue 16): the banking warning, whose
    # safe choice is "Disconnect now" and whose slow path keeps it on 10 minutes at most.
    banking: bool = False


@dataclass(frozen=True)
class Caught:
    """One tool in the warning: its name, what kind it is, and whether it ran or only landed.

    ``frozen``, ``closed`` and ``restarted`` are what the engine's view says now, so the
    warning can say "stopped" only while that is true: a caller can wake a frozen tool from
    outside ScamGuard, and a tool can close by itself while its installer waits.
    """

    name: str
    kind: str
    started: bool
    frozen: bool = True  # False: a freeze was refused, or it runs again (resumed from outside)
    closed: bool = False  # it ran, and nothing of it runs now (only a download waits)
    restarted: bool = False  # resumed from outside ScamGuard, and frozen again
    # A setting of the operating system (Remote Desktop, Screen Sharing) is switched on. A
    # setting cannot be frozen: only "Remove" switches it off, and the warning must say so.
    switched_on: bool = False
    programs: bool = True  # False: nothing of it runs or ran, only the setting is on

    @classmethod
    def from_incident(cls, view: IncidentView) -> Caught:
        started = any(p.get("role") == "tool" for p in view.processes)
        live = [p for p in view.processes if running(p)]
        frozen = str(view.state) == "frozen" and all(p.get("state") == "frozen" for p in live)
        restarted = bool(live) and frozen and resumed_from_outside(view)
        switched_on = any(str(s.get("state")) in SWITCH_STILL_ON for s in view.switches)
        return cls(
            view.tool.name,
            view.tool.kind,
            started or not view.files,
            frozen or not live,
            closed=started and not live,
            restarted=restarted,
            switched_on=switched_on,
            programs=bool(view.processes or view.files),
        )


# Switch states (guard/engine/incidents.py SwitchState) in which the setting is still on.
SWITCH_STILL_ON = frozenset({"on", "switching-off", "failed"})


def resumed_from_outside(view: IncidentView) -> bool:
    """Was any of it started again from outside ScamGuard (``kill -CONT``, a script)? The
    members count it; the timeline has the event (it may be capped, so both are asked)."""
    return any(p.get("resumed_from_outside") for p in view.processes) or any(
        e.kind == "resumed-from-outside" for e in view.timeline
    )


def could_not_hold(view: IncidentView) -> bool:
    """Closed by ScamGuard itself because it kept being started again from outside: the
    "blocked" event says so, and before it (the files are still moving) the last
    "resumed-from-outside" event, which was not undone."""
    for event in reversed(view.timeline):
        if event.kind == "blocked":
            return event.data.get("reason") == "could-not-hold"
        if event.kind == "resumed-from-outside":
            return event.data.get("refrozen") is False and str(view.state) == "blocked"
    return False


def running(process: dict) -> bool:
    """Still there and not under ScamGuard's control, or frozen. A program of the tool's own
    that was exempted (a system name, say) counts; a system program it started does not."""
    state = process.get("state")
    if state in ("exited", "killed"):
        return False
    return not (state == "exempt" and process.get("role") == "child")


def join_names(names: Sequence[str]) -> str:
    """ "AnyDesk", "AnyDesk and TeamViewer", "AnyDesk, TeamViewer and RustDesk"."""
    unique = list(dict.fromkeys(names))
    if len(unique) <= 1:
        return unique[0] if unique else tr("A remote-control program")
    return tr("{first} and {last}").format(first=", ".join(unique[:-1]), last=unique[-1])


def _caught_sentence(caught: Sequence[Caught]) -> str:
    """Two short sentences: what happened, then what the program does."""
    names = join_names([c.name for c in caught])
    several = len({c.name for c in caught}) > 1
    sees_only = all(c.kind in SCREEN_SHARE_KINDS for c in caught)
    started = any(c.started for c in caught)
    if several:
        what = tr("{names} were just started.") if started else tr("{names} were just downloaded.")
        does = (
            tr("They let another person see this computer's screen.")
            if sees_only
            else tr("They let another person control this computer.")
        )
    elif caught and all(c.switched_on and not c.programs for c in caught):
        what = tr("{names} was just switched on.")
        does = (
            tr("It lets another person see this computer's screen.")
            if sees_only
            else tr("It lets another person control this computer.")
        )
    else:
        what = tr("{names} was just started.") if started else tr("{names} was just downloaded.")
        does = (
            tr("It lets another person see this computer's screen.")
            if sees_only
            else tr("It lets another person control this computer.")
        )
    return f"{what.format(names=names)} {does}"


def _line(number: ContactNumber, today: dt.date, short: bool = False) -> NumberLine:
    """``short``: for a one-line entry, only the hours (who it is for is in the label)."""
    parts = (number.hours,) if short else (number.audience, number.hours, number.cost)
    note = " · ".join(part for part in parts if part)
    return NumberLine(
        number.label,
        number.number,
        note,
        number.is_stale(today),
        dial=number.digits,
        partial=number.status == "partial",
    )


def _checked(
    numbers: Sequence[ContactNumber], today: dt.date, first: ContactNumber | None = None
) -> str:
    """The line under the numbers: a second source the person already has, and a plain
    warning when a number has not been checked for over a year. ``first``, the number the
    warning leads with, marked PARTIAL: the person is asked to compare it with the bill."""
    if first is not None and first.status == "partial":
        also = tr(
            "Check {number} against your bill before you call. You can also use the number "
            "on your bill, or on the back of your bank card."
        ).format(number=first.number)
    else:
        also = tr("You can also use the number on your bill, or on the back of your bank card.")
    stale = [n for n in numbers if n.is_stale(today)]
    if not stale:
        return also
    oldest = min(n.verified for n in stale)
    when = f"{oldest.day} {oldest.strftime('%B %Y')}"
    if first is not None and first.status == "partial":
        old = tr("Some of these numbers were last checked on {date}, more than a year ago.")
        return f"{also} {old.format(date=when)}"
    return tr(
        "Some of these numbers were last checked on {date}, more than a year ago. If one "
        "does not work, use the number on your bill, or on the back of your bank card."
    ).format(date=when)


def _bank_step(bank: Sequence[ContactNumber]) -> str:
    if bank:
        return tr(
            "Call your bank now from a different phone: {number}, or the number on the back "
            "of your card."
        ).format(number=bank[0].number)
    return tr("Call your bank now from a different phone: the number on the back of your card.")


def _frozen_sentence(caught: Sequence[Caught]) -> str:
    """Whether it is stopped, in words that are true now: "stopped" only while every
    program that runs is frozen (a refused freeze, or a resume from outside not yet undone,
    says it may be working; a program that closed by itself is called closed)."""
    switched = [c.name for c in caught if c.switched_on]
    if switched:  # a setting cannot be frozen: never claim it was stopped
        still_on = tr(
            "{names} is still switched on, so someone may be able to connect. Switch it off below."
        ).format(names=join_names(switched))
        if all(not c.programs for c in caught):
            return still_on
        programs = [replace(c, switched_on=False) for c in caught if c.programs]
        return f"{_frozen_sentence(programs)}\n{still_on}"
    names = list(dict.fromkeys(c.name for c in caught))
    several = len(names) > 1
    ran = [c for c in caught if c.started]
    if not all(c.frozen for c in caught):  # never claim a freeze that did not happen
        return tr(
            "ScamGuard could not stop it, so it may still be working. Choose Remove now, or "
            "turn off the internet."
        )
    if not ran:
        return (
            tr("They have not been opened. Do not open them, whatever the caller says.")
            if several
            else tr("It has not been opened. Do not open it, whatever the caller says.")
        )
    if all(c.closed for c in ran):
        return (
            tr("They have closed. What was downloaded is still on this computer until you choose.")
            if several
            else tr(
                "It has closed. What was downloaded is still on this computer until you choose."
            )
        )
    if several:
        stopped = tr(
            "ScamGuard has stopped them. Nobody can use them to see or control this computer. "
            "They stay stopped until you choose."
        )
    else:
        stopped = tr(
            "ScamGuard has stopped it. Nobody can use it to see or control this computer. "
            "It stays stopped until you choose."
        )
    restarted = list(dict.fromkeys(c.name for c in caught if c.restarted))
    if not restarted:
        return stopped
    if not several:
        again = tr("Someone tried to restart it from outside ScamGuard. It has been stopped again.")
    elif len(restarted) == 1:
        again = tr(
            "Someone tried to restart {names} from outside ScamGuard. It has been stopped again."
        ).format(names=restarted[0])
    else:
        again = tr(
            "Someone tried to restart {names} from outside ScamGuard. They have been stopped again."
        ).format(names=join_names(restarted))
    return f"{stopped}\n{again}"


def _banking(text: WarningText, caught: Sequence[Caught]) -> WarningText:
    """The banking warning: someone is connected while the bank is open (issue 16). The
    bank's own line leads (the money is what is at risk now); "Disconnect now" is the safe
    choice; the same four deliberate steps keep the connection, for 10 minutes at most."""
    tools = text.tools
    if all(c.frozen for c in caught):
        frozen = tr(
            "ScamGuard has stopped {tools}, so nobody can see or control this computer now. "
            "Do not go on with your bank while anyone is on the phone with you."
        ).format(tools=tools)
    else:
        frozen = tr(
            "ScamGuard could not stop {tools}, so someone may still see this computer. Choose "
            "Disconnect now, or turn off the internet."
        ).format(tools=tools)
    return replace(
        text,
        caught=tr(
            "Someone is connected to this computer through {tools} while your bank is open."
        ).format(tools=tools),
        frozen=frozen,
        remove=tr("Disconnect now"),
        remove_explains=tr(
            "Disconnect now closes {tools} and ends the connection. It is always safe. Closing "
            "this screen does not let it run."
        ).format(tools=tools),
        remove_tip=tr("Closes {tools} and ends the connection. Always safe.").format(tools=tools),
        yes=tr("Yes: disconnect now"),
        banking=True,
    )


def build(
    caught: Sequence[Caught],
    provider: Profile,
    generic: Profile | None,
    today: dt.date | None = None,
    banking: bool = False,
) -> WarningText:
    """The warning for these tools, in ``provider``'s name, with its country's generic lines.

    ``generic`` is the country's generic profile (bank line, fraud reporting); when the
    active profile is itself generic the two are the same and its numbers appear once.
    ``banking``: the bank came up while someone was connected (the banking warning).
    """
    text = _build(caught, provider, generic, today, banking)
    return _banking(text, caught) if banking else text


def _build(
    caught: Sequence[Caught],
    provider: Profile,
    generic: Profile | None,
    today: dt.date | None,
    banking: bool,
) -> WarningText:
    today = today or dt.date.today()
    names = list(dict.fromkeys(c.name for c in caught))
    tools = join_names(names)
    frozen = _frozen_sentence(caught)
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
    bank_lines = [n for n in everything if n.role == "bank"]
    if banking and bank_lines:  # the money is what is at risk now: the bank's line leads
        own = bank_lines
        call_title = tr("Call your bank's fraud team")
    elif own and own[0].status == "partial":
        # Seen only in a copy of the provider's own material: never called "real" (the
        # line under the numbers asks for a check against the bill).
        call_title = tr("Call {provider}").format(provider=provider.name)
    elif own:
        call_title = tr("Call {provider} on its real number").format(provider=provider.name)
    else:  # no provider chosen: the bank line is the number that matters most
        # A country whose only line is for reporting fraud (Canada) leads with that one:
        # "Call a fraud helpline" is never left without a number under it.
        own = (
            [n for n in everything if n.role == "bank"]
            or [n for n in everything if n.role == "other"]
            or [n for n in everything if n.role == "report"]
        )
        call_title = (
            tr("Call your bank's fraud team")
            if own and own[0].role == "bank"
            else tr("Call a fraud helpline")
        )
    others = [n for n in everything if n not in own]
    if caught and all(c.switched_on and not c.programs for c in caught):
        # Only settings are on: "Remove" switches them off, and closing the warning leaves
        # them on (nothing is frozen), which the person must be told.
        short = len(names) == 1 and len(names[0]) <= MAX_NAME_ON_BUTTON
        remove = tr("Switch off {name}").format(name=names[0]) if short else tr("Switch it off")
        explains = tr(
            "Switch off turns {tools} off again. It is always safe. Closing this screen leaves "
            "it switched on."
        ).format(tools=tools)
        tip = tr("Turns {tools} off again. Always safe.").format(tools=tools)
        yes = tr("Yes: switch it off")
    else:
        if len(names) == 1 and len(names[0]) <= MAX_NAME_ON_BUTTON:
            remove = tr("Remove {name}").format(name=names[0])
        else:  # a long name or a list would be cut off on the button; the sentence names them
            remove = tr("Remove this program") if len(names) == 1 else tr("Remove these programs")
        if any(c.switched_on for c in caught):  # its program frozen, its setting still on
            explains = tr(
                "Remove closes {tools}, switches it off and moves what was downloaded out of "
                "the way. It is always safe. Closing this screen leaves it switched on."
            ).format(tools=tools)
        else:
            explains = tr(
                "Remove closes {tools} and moves what was downloaded out of the way. It is "
                "always safe. Closing this screen does not let it run."
            ).format(tools=tools)
        tip = tr(
            "Closes {tools} and moves what was downloaded out of the way. Always safe."
        ).format(tools=tools)
        yes = tr("Yes: remove it")
    return WarningText(
        headline=tr("Hang up."),
        caught=_caught_sentence(caught),
        frozen=frozen,
        promise=promise,
        coaching=tr("If the caller told you to expect this warning, that is part of the scam."),
        call_title=call_title,
        call_how=tr(
            "Hang up first. Then call from a different phone, like a mobile. Never use a "
            "number the caller gave you. No other phone? Wait five minutes, then call a friend "
            "first, to check the line is clear."
        ),
        provider_numbers=tuple(_line(n, today, short=i > 0) for i, n in enumerate(own)),
        other_title=(
            tr("Your bank, and reporting fraud")
            if any(n.role == "bank" for n in others)
            else tr("{provider}, and reporting fraud").format(provider=provider.name)
            if any(n.role == "provider" for n in others)
            else tr("Reporting fraud")
        ),
        other_numbers=tuple(_line(n, today, short=True) for n in others),
        already_title=tr(
            "Did the caller already get into this computer, or get your bank details?"
        ),
        already_steps=(
            tr("Turn off the internet, or switch this computer off."),
            _bank_step([n for n in everything if n.role == "bank" and n.kind == "call"]),
            tr("Do not log in to anything on this computer until it has been checked."),
            tr("Change your passwords from another device, starting with email."),
        ),
        checked=_checked(
            [*own, *others], today, own[0] if own and own[0].role == "provider" else None
        ),
        tools=tools,
        remove=remove,
        remove_explains=explains,
        remove_tip=tip,
        yes=yes,
        settings_only=bool(caught) and all(c.switched_on and not c.programs for c in caught),
    )
