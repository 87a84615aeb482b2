"""The exemption decisions the engine itself makes about a process it is about to act on.

The fixed rules (the guard itself, kernel threads, the system's own programs, a name alone in
a system folder) live in ``exemptions.py``; here they are applied, together with the one rule
that is a setting of this engine: ``only_under``, the folder it is confined to while someone
tries ScamGuard out or a test runs on a shared machine.
"""

from __future__ import annotations

import dataclasses

import psutil

from guard.engine.core import EngineCore
from guard.engine.exemptions import program_file
from guard.engine.handles import cwd_of
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo
from guard.sigdb.model import ToolSignature


class ExemptionRules(EngineCore):
    """Mixed into the engine: which processes it leaves alone, and why."""

    def _exempt(self, proc: psutil.Process, root: bool = False) -> str | None:
        """Why ``proc`` must never be frozen, or None. Checked for every process in a tree."""
        return self.exemptions.never_freeze(proc, root)

    def _outside(self, info: ProcessInfo) -> bool:
        """Outside the folder the engine is confined to (``only_under``)? A script counts by
        where the script is, not where its interpreter is."""
        if not self.only_under:
            return False
        paths = (info.exe or "", program_file(info.name, info.exe, info.cmdline) or "")
        return not any(p.startswith(self.only_under) for p in paths)

    def _spared(
        self,
        proc: psutil.Process | None,
        info: ProcessInfo,
        tool: ToolSignature,
        verdict: Identification,
    ) -> tuple[str | None, str | None, Identification]:
        """Why a matched process is left running: (never frozen, held back because only its
        name matched in a system folder), and the verdict with what the name check added."""
        why_not = self._exempt(proc, root=True) if proc is not None else None
        held_back = None
        if proc is not None and not why_not:
            held_back, more = self.exemptions.name_alone(info, tool, verdict, cwd_of(proc))
            if more:
                verdict = dataclasses.replace(verdict, evidence=verdict.evidence + tuple(more))
        return why_not, held_back, verdict
