"""Live sessions and the bank: the moment the money is taken (issue 16).

In the scam this product exists to stop, the money goes after the tool is running: the
caller has the person log in to online banking "to process a refund" while watching and
controlling the screen. A tool that is trusted (a family member's TeamViewer), allowed under
pressure, or missed gives no second chance at install time. So the engine also hears when
someone is *connected* through a tool (``session_changed``, from the session monitor,
guard/session/) and when a bank's site or app comes to the foreground (``banking_opened``,
from the person's desktop): with a session live, that tool is frozen at once, trusted and
allowed ones too (trust means "may run", not "may watch my bank"), and the warning says why.
"""

from __future__ import annotations

import contextlib

import psutil

from guard.engine.core import EngineCore
from guard.engine.incidents import Incident, State
from guard.report import words
from guard.session.model import SessionChange, ToolProcess
from guard.state.events import EventKind, GuardEvent


class Sessions(EngineCore):
    """Mixed into the engine: sessions join their tool's incident; a bank opened during one
    freezes the tool."""

    def tool_processes(self) -> list[ToolProcess]:
        """Every live process of every incident the monitor should look at: frozen,
        allowed, trusted or exempt (a system program that is what it claims)."""
        with self._lock:
            found = []
            for inc in self._incidents.values():
                for m in inc.live_members():
                    with contextlib.suppress(psutil.Error):  # gone since the last look
                        found.append(
                            ToolProcess(m.pid, m.proc.create_time(), inc.tool.id, inc.owner)
                        )
            return found

    def session_changed(self, change: SessionChange) -> None:
        """The monitor saw a remote party connect through a tool, or leave."""
        with self._lock:
            inc = self._session_incident(change)
            if inc is None:
                self._post_unattached(change)
                return
            if change.started:
                inc.session = change
                self._emit(
                    inc,
                    EventKind.SESSION_STARTED,
                    f"Someone is connected to this computer through {inc.tool.name}",
                    pid=change.pids[0] if change.pids else None,
                    data={"signal": change.signal, "peer": change.peer,
                          "evidence": change.evidence},
                )  # fmt: skip
            else:
                inc.session = None
                # Nobody is connected now: the bank no longer freezes it (a frozen tool's
                # warning becomes the ordinary one), and the next session starts afresh.
                inc.banking = inc.banking_grace_until = None
                seconds = max(0.0, self.clock() - change.since)
                self._emit(
                    inc,
                    EventKind.SESSION_ENDED,
                    f"The connection through {inc.tool.name} ended "
                    f"(it lasted {words.length(seconds)})",
                    data={"signal": change.signal, "seconds": round(seconds, 1)},
                )

    def live_sessions(self, person: str | None = None) -> list[str]:
        """The incidents with someone connected now that concern ``person`` (theirs, or a
        system account's tool, which concerns everyone; None: every incident)."""
        with self._lock:
            return [
                inc.id
                for inc in self._incidents.values()
                if inc.session is not None and _concerns(inc, person)
            ]

    def banking_opened(self, bank: str, person: str | None = None) -> list[str]:
        """A bank's site or app came to ``person``'s foreground (``bank``: its name). Every
        tool with a live session that concerns them is frozen at once, whatever was decided
        before, and its incident waits for a decision again, with the banking warning. The
        incidents frozen; none (and nothing told) when no session is live. A tool the person
        let go on through the banking warning (10 minutes at most) is left for that time."""
        frozen = []
        with self._lock:
            now = self.clock()
            for inc in list(self._incidents.values()):
                if inc.session is None or not _concerns(inc, person):
                    continue
                if inc.state is State.BLOCKED:
                    continue
                if inc.state is State.ALLOWED and (inc.banking_grace_until or 0) > now:
                    continue
                if inc.state is State.FROZEN and inc.banking:
                    continue  # already waiting on the banking warning
                inc.banking = bank
                if inc.state is State.FROZEN:  # already waiting: now on the banking warning
                    self._emit(
                        inc,
                        EventKind.FROZEN,
                        f"{inc.tool.name} stays frozen: your bank ({bank}) came up while "
                        "someone is connected through it",
                        data={"bank": bank, "pids": []},
                    )
                else:
                    self._refreeze(
                        inc,
                        inc.live_members(),
                        f"Your bank ({bank}) came up while someone is connected through it: ",
                    )
                frozen.append(inc.id)
        return frozen

    def _session_incident(self, change: SessionChange) -> Incident | None:
        for pid in change.pids:
            iid = self._member_of.get(pid)
            if iid is not None and iid in self._incidents:
                return self._incidents[iid]
        iid = self._by_tool.get((change.tool_id, change.owner))
        if iid is None and change.owner:
            # The OS names a session's user plainly ("alice"); incidents may carry the
            # account as "DOMAIN\alice" (the service) or no one (a person's own guard).
            for (tool_id, owner), found in self._by_tool.items():
                if tool_id == change.tool_id and (
                    owner is None or owner.rsplit("\\", 1)[-1].casefold() == change.owner.casefold()
                ):
                    iid = found
                    break
        return self._incidents.get(iid) if iid is not None else None

    def _post_unattached(self, change: SessionChange) -> None:
        """A session of a tool no incident holds (an OS Remote Desktop session seen before
        its program): journalled, no warning."""
        kind = EventKind.SESSION_STARTED if change.started else EventKind.SESSION_ENDED
        said = "Someone connected to" if change.started else "A connection ended on"
        data = {"signal": change.signal, "peer": change.peer, "evidence": change.evidence,
                "owner": change.owner}  # fmt: skip
        self.note_event(
            GuardEvent(kind, f"{said} this computer ({change.evidence})", tool=change.tool_id,
                       data=data, time=self.clock())
        )  # fmt: skip


def _concerns(inc: Incident, person: str | None) -> bool:
    return person is None or inc.owner is None or inc.owner == person
