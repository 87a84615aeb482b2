"""Allowing: a person's "I started this myself", trust from settings, and when each ends.

An allowance from the warning always expires (24 hours at most, even "until it closes"), and
covers only what the person saw running; permanent trust comes only from settings, and
withdrawing it there freezes the tool again. A saved allowance is given back after a restart
(``allowances.py`` reads it from the journal).
"""

from __future__ import annotations

import psutil

from guard.engine.allowances import SavedAllowance
from guard.engine.core import EngineCore
from guard.engine.handles import identities
from guard.engine.incidents import (
    AllowScope,
    DecisionError,
    Incident,
    IncidentView,
    Member,
    MemberState,
    State,
    SwitchMember,
    SwitchState,
)
from guard.engine.process_tree import TreeResult, is_alive, resume_all
from guard.identify.process import read_process
from guard.sigdb.model import ToolSignature
from guard.state.events import EventKind, iso

# While the bank is open, a tool frozen for it can be let go on for this long at most.
BANKING_ALLOW_SECONDS = 600.0
# No allowance outlives this, "until it closes" included: a service that never closes
# must not turn a click under pressure into permanent access.
MAX_ALLOW_SECONDS = 24 * 3600.0


class Allowing(EngineCore):
    """Mixed into the engine: allowances given, restored, trusted, and ended."""

    def allow(self, incident_id: str, scope: AllowScope, via: str = "") -> IncidentView:
        """Resume the tool under a scope that expires ("until it closes", "for 1 hour").
        ``via`` says how the person decided ("warning", "command-line"), for the journal
        and the recovery pack."""
        if scope.kind == "trusted":
            raise DecisionError("permanent trust is a setting (scamguard trust), not a decision")
        with self._lock:
            inc = self._get(incident_id)
            if inc.state is State.BLOCKED:
                raise DecisionError(f"{inc.tool.name} has already been removed")
            if inc.banking is not None:
                # Frozen because the bank came up during this session (which is still on):
                # 10 minutes at most, each time, whoever asks (the warning or a command).
                if scope.kind != "for" or (scope.seconds or 0) > BANKING_ALLOW_SECONDS:
                    raise DecisionError(
                        f"while your bank is open, {inc.tool.name} can be let go on for "
                        f"{int(BANKING_ALLOW_SECONDS // 60)} minutes at most"
                    )
                inc.banking_grace_until = self.clock() + (scope.seconds or 0)
            result = self._resume(inc)
            self._leave_switches_on(inc)
            now = self.clock()
            inc.state, inc.allow, inc.allowed_at, inc.closed = State.ALLOWED, scope, now, None
            inc.allow_expires = now + min(scope.seconds or MAX_ALLOW_SECONDS, MAX_ALLOW_SECONDS)
            inc.allowed_pids = {m.pid for m in inc.live_members()}
            self._emit(
                inc,
                EventKind.ALLOWED,
                f"{inc.tool.name} was allowed {scope.label}",
                data={
                    "scope": scope.kind,
                    "seconds": scope.seconds,
                    "expires": iso(inc.allow_expires),
                    "allowed_at": iso(now),
                    "resumed": result.pids,
                    "members": identities(inc.live_members()),
                    **({"via": via} if via else {}),
                },
            )
            return inc.view()

    def restore_allowance(self, saved: SavedAllowance, tool: ToolSignature) -> IncidentView | None:
        """Give an allowance made before the guard restarted its incident back (allowances.py),
        if it has not run out and the processes it was given to still run. Call before the
        sources start, so their first look finds those processes already allowed."""
        now = self.clock()
        expires = min(saved.expires, saved.allowed_at + MAX_ALLOW_SECONDS)
        if expires <= now or saved.allowed_at > now:
            return None
        live = []
        for pid, started in saved.members:
            try:
                proc = psutil.Process(pid)
                same = abs(proc.create_time() - started) < 0.01
            except psutil.Error:
                continue
            info = read_process(proc) if same and is_alive(proc) else None
            if info is not None:
                live.append((proc, info))
        if not live:
            return None
        scope = AllowScope(saved.scope, saved.seconds)
        owner = self.person_of(live[0][0].pid, None)
        with self._lock:
            if (tool.id, owner) in self._by_tool:
                return None  # something of this tool was seen already: it decides
            inc = Incident(tool, saved.allowed_at, id=saved.incident, owner=owner)
            self._incidents[inc.id] = inc
            self._by_tool[(tool.id, owner)] = inc.id
            for proc, info in live:
                self._add_member(inc, proc, info, role="tool")
            inc.state, inc.allow, inc.allowed_at = State.ALLOWED, scope, saved.allowed_at
            inc.allow_expires = expires
            inc.allowed_pids = {proc.pid for proc, _ in live}
            self._emit(
                inc,
                EventKind.ALLOWED,
                f"{tool.name} is still allowed {scope.label} (as it was before ScamGuard "
                "restarted)",
                data={
                    "scope": scope.kind,
                    "seconds": scope.seconds,
                    "expires": iso(expires),
                    "allowed_at": iso(saved.allowed_at),
                    "resumed": [],
                    "members": identities(inc.live_members()),
                    "restored": True,
                },
            )
            return inc.view()

    def _resume(self, inc: Incident) -> TreeResult:
        frozen = [m for m in inc.live_members() if m.state == MemberState.FROZEN]
        result = resume_all([m.proc for m in frozen], self.control)
        self._mark(inc, result, done=MemberState.RUNNING)
        return result

    def _trust(self, inc: Incident) -> None:
        if inc.state is State.ALLOWED and inc.allow and inc.allow.kind == "trusted":
            return
        result = self._resume(inc)
        self._leave_switches_on(inc)
        now = self.clock()
        inc.state, inc.allow, inc.allowed_at, inc.closed = (
            State.ALLOWED,
            AllowScope("trusted"),
            now,
            None,
        )
        inc.allow_expires = None
        inc.allowed_pids = {m.pid for m in inc.live_members()}
        self._emit(
            inc,
            EventKind.ALLOWED,
            f"{inc.tool.name} is trusted in settings; left running",
            data={"scope": "trusted", "resumed": result.pids},
        )

    def _withdraw_trust(self, inc: Incident) -> None:
        """Trust was removed in settings: the tool is frozen again, what already runs and
        what starts from now on."""
        self._emit(inc, EventKind.ENDED, f"{inc.tool.name} is no longer trusted")
        self._refreeze(inc, inc.live_members(), "It is no longer trusted: ")

    def _check_allowance(
        self, inc: Incident, scope: AllowScope, live: list[Member], had: bool, now: float
    ) -> None:
        original_gone = bool(inc.allowed_pids) and not any(m.pid in inc.allowed_pids for m in live)
        left_on = [s for s in inc.switches.values() if s.state is SwitchState.LEFT_ON]
        if left_on and scope.kind != "trusted":
            # A setting allowed from the warning is allowed for that long only: when the
            # time is up it is a warning again, never a setting quietly left on for good.
            # ("Until it closes" holds until the setting is switched off: switching.py.)
            if inc.allow_expires is not None and now >= inc.allow_expires:
                self._settings_allowance_over(inc, live, left_on, "The time allowed ran out: ")
            elif scope.kind == "until-closed" and original_gone:
                self._refreeze(inc, live, f"{inc.tool.name} closed, so the allowance ended: ")
            return
        if inc.allow_expires is not None and now >= inc.allow_expires:
            if live:
                self._refreeze(inc, live, "The time allowed ran out: ")
            else:
                self._end(inc, now, f"the allowance for {inc.tool.name} ran out")
        elif had and not live:
            self._end(
                inc,
                now,
                f"{inc.tool.name} closed; the allowance has ended"
                if scope.kind != "trusted"
                else f"{inc.tool.name} closed",
            )
        elif scope.kind == "until-closed" and original_gone:
            # The program the person allowed has closed; whatever of it is still running
            # (a service, a helper started later) was not part of that decision.
            self._refreeze(inc, live, f"{inc.tool.name} closed, so the allowance ended: ")
        elif not had and inc.allowed_at is not None and now - inc.allowed_at > self.join_window:
            self._end(inc, now, f"the allowance for {inc.tool.name} was not used and has ended")

    def _settings_allowance_over(
        self, inc: Incident, live: list[Member], left_on: list[SwitchMember], why: str
    ) -> None:
        """The allowance of a setting ended while it is still on: on again (a decision is
        due), what of it runs is frozen again, and the warning comes back."""
        for member in left_on:
            member.state, member.note = SwitchState.ON, ""
        self._refreeze(inc, live, why)
        titles = " and ".join(m.title for m in left_on)
        self._emit(
            inc,
            EventKind.DETECTED,
            f"{why}{titles} is still switched on",
            data={"switch": left_on[0].id, "how": "still-on"},
        )

    def _refreeze(self, inc: Incident, live: list[Member], why: str) -> None:
        inc.allow = inc.allow_expires = None
        inc.allowed_pids = set()
        inc.state = State.DETECTED
        for member in live:
            if member.state not in (MemberState.EXEMPT, MemberState.FROZEN):
                self._freeze(inc, member, why=why)
