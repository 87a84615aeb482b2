"""Holding: a frozen tool stays frozen until a person decides.

The warning says "ScamGuard has stopped it". Something outside the guard (a debugger-style
launcher, a script, the person in a task manager) can resume a stopped process; the runner
calls ``hold`` a few times a second to find such a member, freeze it again and say so, and to
close a tool that keeps coming back.
"""

from __future__ import annotations

import time

from guard.engine.core import EngineCore
from guard.engine.incidents import Incident, Member, MemberState
from guard.engine.process_tree import freeze_tree
from guard.engine.removals import COULD_NOT_HOLD
from guard.state.events import EventKind

# A stop takes effect when the process is next scheduled; a member frozen more recently than
# this is not yet expected to show as stopped.
HOLD_SETTLE = 0.1
# A member found running again this many times after being frozen cannot be held (a ptrace
# launcher swallows every stop, a script resumes it in a loop): the tool is closed instead.
HOLD_LIMIT = 3


class Holding(EngineCore):
    """Mixed into the engine: keeping frozen members frozen."""

    def holding(self) -> bool:
        """Is any process frozen right now (so ``hold`` has something to watch)?"""
        return any(
            m.state == MemberState.FROZEN
            for inc in list(self._incidents.values())
            for m in inc.live_members()
        )

    def hold(self) -> None:
        """Check that every frozen member is still stopped; one resumed from outside is frozen
        again at once and journalled, and a tool that cannot be held is closed. The warning
        says "ScamGuard has stopped it": this is what keeps that true."""
        now = time.monotonic()
        with self._lock:
            for inc in list(self._incidents.values()):
                resumed = []
                for member in inc.live_members():
                    if member.state != MemberState.FROZEN or member.frozen_at is None:
                        continue
                    if now - member.frozen_at < HOLD_SETTLE:
                        continue
                    if self.control.is_held(member.proc) is False:
                        resumed.append(member)
                if resumed:
                    self._resumed_from_outside(inc, resumed)
        self._finish_removals()

    def _resumed_from_outside(self, inc: Incident, resumed: list[Member]) -> None:
        for member in resumed:
            member.resumed += 1
        pids = [m.pid for m in resumed]
        shown = ", ".join(map(str, pids))
        if max(m.resumed for m in resumed) < HOLD_LIMIT:
            skip = self._frozen_pids(inc) - set(pids)
            done: list[int] = []
            denied: list[tuple[int, str]] = []
            for member in resumed:
                result = freeze_tree(
                    member.proc, self._exempt, self.control, skip=skip, related=self._related
                )
                self._mark(inc, result, done=MemberState.FROZEN)
                skip |= set(result.pids)
                done += result.pids
                denied += result.denied
            if not denied:
                self._emit(
                    inc,
                    EventKind.RESUMED_FROM_OUTSIDE,
                    f"{inc.tool.name} was started again from outside ScamGuard (pid {shown}); "
                    "it is frozen again",
                    pid=pids[0],
                    data={"pids": pids, "refrozen": True, "frozen": done},
                )
                return
            why = "; ".join(f"pid {pid}: {reason}" for pid, reason in denied)
        else:
            why = f"it was started again {max(m.resumed for m in resumed)} times"
        self._emit(
            inc,
            EventKind.RESUMED_FROM_OUTSIDE,
            f"{inc.tool.name} was started again from outside ScamGuard (pid {shown}) and "
            f"cannot be kept stopped ({why}); ScamGuard is closing it",
            pid=pids[0],
            data={"pids": pids, "refrozen": False, "problem": why},
        )
        inc.note_problem(f"{inc.tool.name} could not be kept stopped ({why}), so it was closed")
        self._block(inc, reason=COULD_NOT_HOLD)
