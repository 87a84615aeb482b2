"""Detection: a watcher's sighting of a tool becomes an incident, and its processes are frozen.

The process watcher and the install watcher call ``process_seen`` and ``file_seen`` from their
own threads; under the engine's lock the methods here open or join the tool's incident, adopt
the programs its members start, and freeze the whole tree before anything is recorded.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from guard.engine.core import EngineCore
from guard.engine.handles import child_of, handle_of, open_process
from guard.engine.incidents import (
    PENDING,
    FileMember,
    FileState,
    Incident,
    Member,
    MemberState,
    State,
)
from guard.engine.process_tree import TreeResult, freeze_tree, is_alive
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo
from guard.sigdb.model import ToolSignature
from guard.state.events import EventKind


class OnDetect(StrEnum):
    FREEZE = "freeze"
    KILL = "kill"
    LOG = "log"


class Detection(EngineCore):
    """Mixed into the engine: what happens when a tool's process or file is seen."""

    on_detect: OnDetect

    def _tool_process(
        self, info: ProcessInfo, tool: ToolSignature, verdict: Identification
    ) -> None:
        if self._tracked(info, tool):
            return  # the same process seen again (a re-check after exec)
        proc = open_process(info)  # before any change: a retry must not be a second sighting
        self._leave_other_incident(info, tool)
        inc, new = self._incident_for(tool, self.person_of(info.pid, None))
        why_not, held_back, verdict = self._spared(proc, info, tool, verdict)
        # Frozen because the bank came up during a session: trust does not apply until the
        # person decides (a second copy started, "click the icon again", must not undo it).
        trusted = tool.id in self.trusted() and not _held_for_bank(inc)
        if inc.allow is not None and inc.allow.kind == "trusted" and not trusted:
            self._withdraw_trust(inc)
        early = None
        if (
            proc is not None
            and not why_not
            and not held_back
            and not trusted
            and self.on_detect is OnDetect.FREEZE
            and inc.state is not State.ALLOWED
            and inc.state is not State.BLOCKED
        ):
            early = freeze_tree(
                proc,
                self._exempt,
                self.control,
                skip=self._frozen_pids(inc),
                related=self._related,
            )
        inc.add_evidence(verdict.evidence, verdict.facts)
        data: dict[str, Any] = {"evidence": [e.to_json() for e in verdict.evidence]}
        if info.problems:
            data["problems"] = list(info.problems)
        if proc is None or (early is not None and info.pid in early.gone) or not is_alive(proc):
            self._emit(
                inc,
                EventKind.DETECTED,
                f"{tool.name} started and closed at once (pid {info.pid})",
                pid=info.pid,
                path=info.exe,
                data=data,
            )
            self._settle(inc)
            return
        member = self._add_member(inc, proc, info, role="tool")
        for p in info.problems:
            inc.note_problem(f"pid {info.pid}: {p}")
        said = (
            f"{tool.name} was started"
            if new
            else f"{tool.name} was started again"
            if inc.closed
            else f"Another {tool.name} process started"
        )
        self._emit(
            inc,
            EventKind.DETECTED,
            f"{said} (pid {info.pid})",
            pid=info.pid,
            path=info.exe,
            data=data,
        )
        if why_not:
            member.state, member.note = MemberState.EXEMPT, why_not
            self._emit(
                inc,
                EventKind.ERROR,
                f"{tool.name} (pid {info.pid}) was not frozen: {why_not}",
                pid=info.pid,
                path=info.exe,
            )
        elif held_back:
            member.note = held_back
            self._emit(
                inc,
                EventKind.ERROR,
                f"{tool.name} (pid {info.pid}) was not frozen: {held_back}",
                pid=info.pid,
                path=info.exe,
            )
            self._reopen(inc, State.DETECTED)
        elif trusted:
            self._trust(inc)
        elif inc.state is State.ALLOWED:
            pass  # joins under the person's allowance
        elif inc.state is State.BLOCKED or self.on_detect is OnDetect.KILL:
            self._block(inc)  # freezes the whole tree first, then kills it
        elif early is not None:
            self._freeze(inc, member, result=early)
        else:
            self._reopen(inc, State.DETECTED)

    def _tool_file(
        self, path: str, tool: ToolSignature, verdict: Identification, how: str, quarantinable: bool
    ) -> None:
        inc, _ = self._incident_for(tool, self.person_of(None, path))
        known = inc.files.get(path)
        if known is not None and known.state in (FileState.PRESENT, FileState.MOVING):
            return  # created, then closed: one file, one event
        inc.files[path] = FileMember(path, how, quarantinable)
        inc.add_evidence(verdict.evidence, verdict.facts)
        what = "installer" if quarantinable else "installation"
        self._emit(
            inc,
            EventKind.INSTALLER,
            f"{tool.name} {what} appeared: {path}",
            path=path,
            data={"how": how, "evidence": [e.to_json() for e in verdict.evidence]},
        )
        if tool.id in self.trusted() and not _held_for_bank(inc):
            self._trust(inc)
        elif inc.state is State.BLOCKED or self.on_detect is OnDetect.KILL:
            self._block(inc)
        elif inc.state is State.ENDED:
            self._reopen(inc, State.DETECTED)

    def is_member(self, pid: int) -> bool:
        """Is ``pid`` part of an open incident? (Lock-free: a source asking whether a new
        process's ancestry is worth a look.)"""
        return pid in self._member_of

    def _member_ancestor(self, info: ProcessInfo) -> int | None:
        """The member this unmatched process descends from: its live parent, or else the
        nearest member in its recorded lineage (a double fork cut the live link)."""
        if info.ppid is not None and info.ppid in self._member_of:
            return info.ppid
        if not self._member_of:
            return None
        return next((a for a in self.lineage.ancestors(info.pid) if a in self._member_of), None)

    def _adopt_child(self, info: ProcessInfo, via: int) -> None:
        parent_incident = self._member_of.get(via)
        if parent_incident is None or self._tracked(info):
            return
        inc = self._incidents[parent_incident]
        parent = inc.members.get(via)
        proc = handle_of(info)
        if parent is None or proc is None or not child_of(proc, parent.proc):
            return  # the parent exited and its pid was reused by an unrelated program
        member = self._add_member(inc, proc, info, role="child")
        if inc.state is State.FROZEN:
            self._freeze(inc, member, child=True)
        elif inc.state is State.BLOCKED:
            self._block(inc)

    def _freeze(
        self,
        inc: Incident,
        member: Member,
        child: bool = False,
        why: str = "",
        result: TreeResult | None = None,
    ) -> None:
        """Suspend ``member``'s tree (or record a freeze already done) and tell."""
        if result is None:
            result = freeze_tree(
                member.proc,
                self._exempt,
                self.control,
                skip=self._frozen_pids(inc),
                related=self._related,
            )
        self._mark(inc, result, done=MemberState.FROZEN)
        denied = dict(result.denied)
        if result.done:
            self._reopen(inc, State.FROZEN)
            pids = ", ".join(map(str, result.pids))
            if member.pid in denied:
                message = f"Part of {inc.tool.name} is frozen (pids {pids})"
            else:
                started = why or ("A program started by " if child else "")
                message = f"{started}{inc.tool.name} is frozen (pids {pids})"
            self._emit(
                inc,
                EventKind.FROZEN,
                message,
                pid=member.pid,
                path=member.exe,
                data={"pids": result.pids, "skipped": [p for p, _ in result.skipped]},
            )
        if member.pid in denied:
            self._emit(
                inc,
                EventKind.ERROR,
                f"{inc.tool.name} (pid {member.pid}) could not be frozen and is still "
                f"running: {denied[member.pid]}",
                pid=member.pid,
                path=member.exe,
                data={"problem": denied[member.pid]},
            )
            self._reopen(inc, State.DETECTED)
        elif member.pid in result.gone and not result.done:
            self._settle(inc)


def _held_for_bank(inc: Incident) -> bool:
    """Frozen for the bank during a live session and waiting for the person's decision."""
    return inc.banking is not None and inc.state in PENDING
