"""Switching: one of the operating system's own remote-access switches turned on becomes an
incident of its tool, and "Remove" switches it off again.

The switches watcher (guard/watch/remote_switches.py) calls ``switch_seen`` when Remote
Desktop, Remote Assistance, Screen Sharing, Remote Management or a desktop-sharing user
service is turned on, and ``switch_gone`` when it is off again. A switch joins its tool's
open incident (the server program that starts with it, frozen, is the same incident: one
warning), or opens a new one; never a closed one, so turning it on again after "Remove"
(the caller's "the warning was wrong, turn it back on") is a new warning, not a quiet note.

There is nothing to freeze in a setting: the incident waits in ``detected`` (or ``frozen``, if
the server program is frozen). "Remove" switches it off outside the engine's lock (a
``systemctl`` or ``launchctl`` call takes time) through ``switch_off``, the adapter's, and
every failure is written with its one-line reason and what the person can do instead.
"""

from __future__ import annotations

from collections.abc import Callable

from guard.engine.core import EngineCore
from guard.engine.detection import OnDetect
from guard.engine.incidents import Incident, State, SwitchMember, SwitchState
from guard.errors import ScamGuardError
from guard.identify.evidence import Evidence
from guard.platform.remote_switches import Switch
from guard.sigdb.model import ToolSignature
from guard.state.events import EventKind

# How a switch came to be on, as the watcher says it, and how the warning's timeline says it.
HOW = {
    "turned-on": "{title} was switched on",
    "while-not-watching": "{title} was switched on while ScamGuard was not watching",
    "still-on": "{title} is still switched on (it was not switched off after the last warning)",
}


class Switching(EngineCore):
    """Mixed into the engine: the OS switches as members of their tools' incidents."""

    on_detect: OnDetect
    switch_off: Callable[[str], None] | None

    def switch_seen(self, switch: Switch, tool: ToolSignature, how: str) -> None:
        """``switch`` was found on (``how``: turned-on, while-not-watching, still-on)."""
        with self._lock:
            self._switch_on(switch, tool, how)
        self._finish_removals()

    def switch_gone(self, switch: Switch) -> None:
        """``switch`` was found off: by the person, by the guard's own "Remove", by anyone."""
        with self._lock:
            iid = self._by_tool.get((switch.tool_id, None))  # a setting is the computer's
            inc = self._incidents.get(iid) if iid is not None else None
            member = inc.switches.get(switch.id) if inc is not None else None
            if inc is None or member is None:
                return
            if member.state in (SwitchState.ON, SwitchState.FAILED, SwitchState.LEFT_ON):
                member.state = SwitchState.OFF
                member.note = "switched off outside ScamGuard"
            if (
                inc.state in (State.DETECTED, State.FROZEN)
                and not inc.live_members()
                and not inc.files_present()
                and not inc.switches_on()
            ):
                self._end(inc, self.clock(), f"{switch.title} was switched off")

    def _switch_on(self, switch: Switch, tool: ToolSignature, how: str) -> None:
        inc, _ = self._incident_for(tool)
        if inc.state in (State.BLOCKED, State.ENDED):
            self._forget(inc)  # a switch turned on again is a new decision, never a quiet one
            inc, _ = self._incident_for(tool)
        known = inc.switches.get(switch.id)
        if known is not None and known.state in (SwitchState.ON, SwitchState.SWITCHING_OFF):
            return  # seen already
        member = SwitchMember(switch.id, switch.title, how, seen=self.clock())
        inc.switches[switch.id] = member
        evidence = Evidence("switch", switch.id, f"{switch.title}: {switch.detail}", tool.id)
        inc.add_evidence((evidence,), {})
        message = HOW.get(how, HOW["turned-on"]).format(title=switch.title)
        self._emit(
            inc,
            EventKind.DETECTED,
            message,
            data={"switch": switch.id, "how": how, "evidence": [evidence.to_json()]},
        )
        if tool.id in self.trusted():
            self._trust(inc)
            member.state = SwitchState.LEFT_ON
        elif inc.state is State.ALLOWED:
            member.state = SwitchState.LEFT_ON  # joins the person's allowance
        elif self.on_detect is OnDetect.KILL:
            self._block(inc)
        else:
            self._reopen(inc, State.DETECTED)  # a frozen server program keeps it frozen

    def _leave_switches_on(self, inc: Incident) -> None:
        """The person allowed the tool: its switches stay on."""
        for member in inc.switches_on():
            member.state, member.note = SwitchState.LEFT_ON, ""

    def _turn_off(self, members: list[SwitchMember]) -> list[tuple[SwitchMember, str | None]]:
        """Switch each off through the adapter (outside the lock): (member, why it failed)."""
        results: list[tuple[SwitchMember, str | None]] = []
        for member in members:
            if self.switch_off is None:
                results.append((member, "ScamGuard cannot switch settings off on this computer"))
                continue
            try:
                self.switch_off(member.id)
            except ScamGuardError as exc:
                results.append((member, str(exc)))
            except Exception as exc:  # an adapter's surprise is a reason, never a crash
                results.append((member, f"{member.title} could not be switched off ({exc!r})"))
            else:
                results.append((member, None))
        return results
