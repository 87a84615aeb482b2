"""Exec denial: the Linux exec gate (guard/watch/exec_gate.py) asks whether a tool's program
file may start, and tells when the kernel refused it.

Two entry points with opposite needs. ``exec_spared`` is asked while an ``execve`` waits in
the kernel for the gate's answer: it takes no lock and reads nothing from disk, and applies
the same rules as a freeze (``exemptions.py``: a system program that is what it claims, a
name alone in a system folder; the folder the engine is confined to; log-only mode) plus the
person's own decisions (trust in settings, an allowance that has not run out). ``exec_denied``
runs after the answer, on the gate's reporting thread, under the engine's lock like any
sighting: the tool's incident opens or is joined, and the refused program file joins it the
way an installer does, so the warning says it has not been opened and "Remove" moves it to
quarantine.
"""

from __future__ import annotations

import os

from guard.engine.core import EngineCore
from guard.engine.detection import OnDetect
from guard.engine.incidents import FileMember, FileState, State
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo
from guard.platform import in_system_folder, install_folders
from guard.state.events import EventKind


class ExecDenial(EngineCore):
    """Mixed into the engine: the exec gate's question and its report."""

    on_detect: OnDetect
    trusted_seen: frozenset[str] | None  # the trusted tools housekeeping last read

    def exec_spared(self, path: str, verdict: Identification) -> str | None:
        """Why the exec gate must let ``path`` start although ``verdict`` names a tool, or
        None to deny it. Lock-free (dict reads are atomic) and reads nothing from disk."""
        tool = verdict.tool
        if tool is None:
            return "it is not a remote-access tool"
        if self.on_detect is OnDetect.LOG:
            return "the guard only records what it sees"
        if self.only_under and not path.startswith(self.only_under):
            return "it is outside the folder ScamGuard is confined to"
        name = os.path.basename(path)
        why = self.exemptions.system_program(name, path)
        if why:
            return why
        held, _ = self.exemptions.name_alone(
            ProcessInfo(0, name, path), tool, verdict, None, read_packages=False
        )
        if held:
            return held
        trusted = self.trusted_seen
        if trusted is None:  # before the first housekeeping pass
            trusted = self.trusted_seen = frozenset(self.trusted())
        if tool.id in trusted:
            return f"{tool.name} is trusted in settings"
        # Allowed by any person: the exec goes on, and the freeze then acts for anyone else
        # (the gate does not know whose exec it holds without reading /proc).
        now = self.clock()
        for (tool_id, _owner), iid in list(self._by_tool.items()):
            inc = self._incidents.get(iid) if tool_id == tool.id else None
            if (
                inc is not None
                and inc.state is State.ALLOWED
                and (inc.allow_expires is None or now < inc.allow_expires)
            ):
                return f"{tool.name} was allowed by the person"
        return None

    def exec_denied(self, path: str, verdict: Identification, pid: int | None = None) -> None:
        """The kernel refused to start ``path`` (``pid`` tried): nothing of it ran. Opens or
        joins the tool's incident as a freeze would, so the warning shows."""
        tool = verdict.tool
        if tool is None:
            return
        with self._lock:
            inc, _ = self._incident_for(tool, self.person_of(pid, None if pid else path))
            inc.add_evidence(verdict.evidence, verdict.facts)
            known = inc.files.get(path)
            if known is None or known.state not in (FileState.PRESENT, FileState.MOVING):
                inc.files[path] = FileMember(path, "exec", self._quarantinable(path))
            self._emit(
                inc,
                EventKind.DENIED,
                f"{tool.name} was stopped before it could start: {path}",
                pid=pid,
                path=path,
                data={"evidence": [e.to_json() for e in verdict.evidence]},
            )
            if tool.id in self.trusted():
                self._trust(inc)  # trusted a moment ago: what is left of it may run
            elif inc.state is State.BLOCKED:
                self._block(inc)  # removed before: its program file goes too
            elif inc.state is State.ENDED:
                self._reopen(inc, State.DETECTED)
        self._finish_removals()

    def _quarantinable(self, path: str) -> bool:
        """May "Remove" move this program file to quarantine? Not one of the system's, and
        not inside a program folder that is only reported (``/opt``: an installed package)."""
        if in_system_folder(path, self.exemptions.os_name, self.exemptions.env):
            return False
        for folder in install_folders(self.exemptions.os_name, self.exemptions.env):
            if not folder.quarantine and path.startswith(os.path.join(str(folder.path), "")):
                return False
        return True
