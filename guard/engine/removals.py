"""Removals: a blocked tool's processes are killed at once, its installers moved afterwards.

Killing happens under the engine's lock, as part of the decision. Moving a file to quarantine
means hashing and copying what may be a large installer, so it happens after the lock is
released (``_finish_removals``, called at the end of every entry point), and only then is the
removal told, with what was stopped, what was moved and what could not be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guard.engine.core import EngineCore
from guard.engine.incidents import (
    FileMember,
    FileState,
    Incident,
    MemberState,
    State,
    SwitchMember,
    SwitchState,
)
from guard.engine.process_tree import TreeResult, kill_tree
from guard.engine.quarantine import QuarantineError
from guard.state.events import EventKind

# Why the guard removed a tool on its own: it was resumed from outside too often to be held.
COULD_NOT_HOLD = "could-not-hold"


@dataclass
class Removal:
    """A block whose processes are dead and whose files still have to be moved (outside the
    lock, because hashing and moving a large installer takes time)."""

    inc: Incident
    killed: TreeResult
    files: list[FileMember]
    first_time: bool
    reason: str = ""  # why the guard removed it on its own ("could-not-hold"), else a person
    switches: list[SwitchMember] = field(default_factory=list)  # switched off after the lock


class Removals(EngineCore):
    """Mixed into the engine: blocking, and the work done after the lock is released."""

    _removals: list[Removal]

    def _block(self, inc: Incident, reason: str = "") -> None:
        """Kill now (under the lock); the files move in ``_finish_removals``."""
        live = [m for m in inc.live_members() if m.state != MemberState.EXEMPT]
        result = kill_tree([m.proc for m in live], self._exempt, self.control, self._related)
        self._mark(inc, result, done=MemberState.KILLED)
        for pid in result.gone:
            member = inc.members.get(pid)
            if member is not None:
                member.state = MemberState.EXITED
                self._untrack(pid)
        files = inc.pending_files()
        for f in files:
            f.state = FileState.MOVING
        switches = inc.switches_on()
        for s in switches:
            s.state = SwitchState.SWITCHING_OFF
        first_time = inc.state is not State.BLOCKED
        inc.state, inc.allow, inc.allow_expires, inc.closed = (
            State.BLOCKED,
            None,
            None,
            self.clock(),
        )
        if first_time or result.done or result.denied or files or switches:
            self._removals.append(Removal(inc, result, files, first_time, reason, switches))

    def _finish_removals(self) -> None:
        """Move the installers of blocked incidents to quarantine, then tell. Runs without
        the lock: hashing and moving a large file must not hold up the next freeze."""
        while True:
            with self._lock:
                if not self._removals:
                    return
                removal = self._removals.pop(0)
            moved: list[dict[str, Any]] = []
            failed: list[tuple[FileMember, str]] = []
            done: list[tuple[FileMember, str]] = []
            for f in removal.files:
                try:
                    record = self.quarantine.put(
                        f.path, removal.inc.tool.id, removal.inc.tool.name, removal.inc.id
                    )
                except QuarantineError as exc:
                    failed.append((f, str(exc)))
                except OSError as exc:  # anything else the disk says: reported, never raised
                    failed.append((f, f"{f.path}: {exc}"))
                else:
                    done.append((f, record.id))
                    moved.append(record.to_json())
            switched = self._turn_off(removal.switches)
            with self._lock:
                for f, qid in done:
                    f.state, f.quarantine_id = FileState.QUARANTINED, qid
                for f, why in failed:
                    f.state, f.note = FileState.FAILED, why
                    removal.inc.note_problem(why)
                for s, reason in switched:
                    s.state = SwitchState.OFF if reason is None else SwitchState.FAILED
                    s.note = reason or "switched off by ScamGuard"
                    if reason is not None:
                        removal.inc.note_problem(reason)
                self._emit_removal(removal, moved, [why for _, why in failed], switched)

    def _emit_removal(
        self,
        removal: Removal,
        moved: list[dict[str, Any]],
        file_problems: list[str],
        switched: list[tuple[SwitchMember, str | None]],
    ) -> None:
        inc, result = removal.inc, removal.killed
        parts = []
        if result.done:
            parts.append(f"{len(result.done)} program(s) stopped")
        if moved:
            parts.append(f"{len(moved)} file(s) moved to quarantine")
        parts += [f"{s.title} switched off" for s, why in switched if why is None]
        parts += [f"{s.title} could not be switched off" for s, why in switched if why]
        switch_problems = [why for _, why in switched if why]
        problems = result.problems() + file_problems + switch_problems
        if result.denied:
            head = (
                f"{inc.tool.name} could not be fully removed: {len(result.denied)} "
                "program(s) are still running"
            )
        elif removal.reason == COULD_NOT_HOLD:
            head = (
                f"{inc.tool.name} was started again from outside ScamGuard and could not be "
                "kept stopped, so ScamGuard closed it"
            )
        else:
            head = f"{inc.tool.name} was removed" + ("" if removal.first_time else " again")
        if file_problems:
            parts.append(f"{len(file_problems)} file(s) could not be moved")
        self._emit(
            inc,
            EventKind.BLOCKED,
            head + (f" ({', '.join(parts)})" if parts else ""),
            data={
                "killed": result.pids,
                "quarantined": moved,
                "problems": problems,
                "reason": removal.reason or "decision",
                "switched_off": [s.id for s, why in switched if why is None],
            },
        )
        for s, why in switched:
            if why:  # the one line the person (or their helper) acts on
                self._emit(inc, EventKind.ERROR, why, data={"switch": s.id, "problem": why})
        if not removal.first_time and (result.done or moved):
            # A relaunch or a new download after Remove: stopped at once, and said out loud
            # (a small notice), never in silence.
            what = "installer" if moved and not result.done else "process"
            said = (
                f"{inc.tool.name} was downloaded again and moved away"
                if what == "installer"
                else f"{inc.tool.name} tried to start again and was stopped"
            )
            where = str(moved[0]["original_path"]) if moved else None
            self._emit(
                inc, EventKind.STOPPED_AGAIN, said, path=where, data={"what": what, "path": where}
            )
