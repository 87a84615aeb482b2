"""Membership: which incident each tool and each process belongs to.

One incident per tool while it is open or closed less than ``join_window`` ago; every process
of it (the tool, its helpers, what they start) is a member, known by pid *and* start time so
a reused pid never joins. Only the engine touches these records, under its lock.
"""

from __future__ import annotations

import time

import psutil

from guard.engine.core import EngineCore
from guard.engine.exemptions import exe_of
from guard.engine.handles import changed_program, name_of, ppid_of
from guard.engine.incidents import DecisionError, Incident, Member, MemberState
from guard.engine.process_tree import TreeResult
from guard.identify.process import ProcessInfo
from guard.sigdb.model import ToolSignature


class Membership(EngineCore):
    """Mixed into the engine: the incidents, and the processes that belong to them."""

    def _incident_for(self, tool: ToolSignature, owner: str | None = None) -> tuple[Incident, bool]:
        """The open (or lately closed) incident of ``tool`` for ``owner`` (the person it runs
        as: ``person_of``), or a new one."""
        now = self.clock()
        iid = self._by_tool.get((tool.id, owner))
        if iid is not None:
            inc = self._incidents[iid]
            if inc.closed is None or now - inc.closed <= self.join_window:
                return inc, False
            self._forget(inc)
        inc = Incident(tool, now, owner=owner)
        self._incidents[inc.id] = inc
        self._by_tool[(tool.id, owner)] = inc.id
        return inc, True

    def _forget(self, inc: Incident) -> None:
        self._incidents.pop(inc.id, None)
        if self._by_tool.get((inc.tool.id, inc.owner)) == inc.id:
            del self._by_tool[(inc.tool.id, inc.owner)]
        for pid in inc.members:
            if self._member_of.get(pid) == inc.id:
                del self._member_of[pid]

    def _add_member(
        self, inc: Incident, proc: psutil.Process, info: ProcessInfo, role: str
    ) -> Member:
        member = Member(
            proc, info.name, info.exe, role=role, ppid=info.ppid, started=info.create_time
        )
        inc.members[proc.pid] = member
        self._member_of[proc.pid] = inc.id
        return member

    def _tracked(self, info: ProcessInfo, tool: ToolSignature | None = None) -> bool:
        """Is this very process (not just its pid) already a member of an incident, still
        running the program it joined with? (A member that exec'd another tool is not.)"""
        iid = self._member_of.get(info.pid)
        if iid is None:
            return False
        member = self._incidents[iid].members.get(info.pid)
        if member is None or member.state in (MemberState.KILLED, MemberState.EXITED):
            return False
        if (
            tool is not None
            and self._incidents[iid].tool.id != tool.id
            and changed_program(member, info)
        ):
            return False
        if info.create_time is None:
            return True
        try:
            return abs(member.proc.create_time() - info.create_time) < 0.01
        except psutil.Error:
            return False

    def _leave_other_incident(self, info: ProcessInfo, tool: ToolSignature) -> None:
        """A member that became another program (exec without a new pid) now belongs to
        that program's incident; its old incident records that it left."""
        iid = self._member_of.get(info.pid)
        if iid is None or self._incidents[iid].tool.id == tool.id:
            return
        old = self._incidents[iid]
        member = old.members.get(info.pid)
        if member is not None:
            member.state, member.note = MemberState.EXITED, f"became {tool.name}"
        self._untrack(info.pid)

    def _untrack(self, pid: int) -> None:
        self._member_of.pop(pid, None)

    def _frozen_pids(self, inc: Incident) -> set[int]:
        return {m.pid for m in inc.live_members() if m.state == MemberState.FROZEN}

    def _mark(self, inc: Incident, result: TreeResult, done: MemberState) -> None:
        for proc in result.done:
            member = inc.members.get(proc.pid)
            if member is None:
                member = Member(proc, name_of(proc), exe_of(proc), role="child", ppid=ppid_of(proc))
                inc.members[proc.pid] = member
                self._member_of[proc.pid] = inc.id
            member.state = done
            if done == MemberState.FROZEN:
                member.frozen_at = time.monotonic()
                self.froze.set()
            if done == MemberState.KILLED:
                self._untrack(proc.pid)
        for pid, why in result.denied:
            if pid in inc.members:
                inc.members[pid].state, inc.members[pid].note = MemberState.DENIED, why
            inc.note_problem(f"pid {pid}: {why}")

    def _related(self, root: psutil.Process) -> list[psutil.Process]:
        """Descendants of ``root`` by recorded lineage that no live parent link shows, each
        verified to have started after ``root`` (so a reused pid is never taken)."""
        pids = self.lineage.descendants(root.pid)
        if not pids:
            return []
        try:
            born = root.create_time()
        except psutil.Error:
            return []
        found = []
        for pid in pids:
            try:
                proc = psutil.Process(pid)
                if proc.create_time() >= born:
                    found.append(proc)
            except psutil.Error:
                continue
        return found

    def _get(self, incident_id: str) -> Incident:
        inc = self._incidents.get(incident_id)
        if inc is None:
            raise DecisionError(f"no open incident has the id {incident_id}")
        return inc
