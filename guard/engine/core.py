"""What every part of the engine may rely on: its shared state and each other's methods.

The engine is one object (one lock, one set of incidents) split by responsibility into mixins
(``detection``, ``holding``, ``allowing``, ``removals``, ``membership``, ``exempt_rules``) that
``Engine`` combines. Each mixin uses attributes set in ``Engine.__init__`` and methods another
mixin defines; ``EngineCore``, their common base, declares those with their types so each
module type-checks on its own, and the type checker verifies that every real method still
matches its declaration here. It holds no state and no behaviour: it comes last in
``Engine``'s method resolution order, so every stub below is overridden by the real method,
and one reached all the same raises NotImplementedError.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from typing import Any

import psutil

from guard.engine.exemptions import Exemptions
from guard.engine.incidents import Incident, Member, MemberState, State, SwitchMember
from guard.engine.lineage import Lineage
from guard.engine.process_tree import ProcessControl, TreeResult
from guard.engine.quarantine import Quarantine
from guard.identify.evidence import Identification
from guard.identify.process import ProcessInfo
from guard.sigdb.model import ToolSignature
from guard.state.events import EventKind, GuardEvent


class EngineCore:
    """The engine's shared attributes (set in ``Engine.__init__``) and the methods its parts
    call across modules, each defined for real in the module named beside it."""

    quarantine: Quarantine
    only_under: str | None
    trusted: Callable[[], Collection[str]]
    control: ProcessControl
    join_window: float
    clock: Callable[[], float]
    exemptions: Exemptions
    lineage: Lineage
    froze: threading.Event
    _lock: threading.RLock
    _incidents: dict[str, Incident]
    _by_tool: dict[tuple[str, str | None], str]
    person_of: Callable[[int | None, str | None], str | None]
    _member_of: dict[int, str]

    # --- engine.py: the incident state machine and telling ---

    def _emit(
        self,
        inc: Incident,
        kind: EventKind,
        message: str,
        *,
        pid: int | None = None,
        path: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        raise NotImplementedError

    def note_event(self, event: GuardEvent) -> None:
        raise NotImplementedError

    def _refreeze(self, inc: Incident, live: list[Member], why: str) -> None:
        raise NotImplementedError

    def _reopen(self, inc: Incident, state: State) -> None:
        raise NotImplementedError

    def _settle(self, inc: Incident) -> None:
        raise NotImplementedError

    def _end(self, inc: Incident, now: float, message: str) -> None:
        raise NotImplementedError

    # --- detection.py ---

    def _freeze(
        self,
        inc: Incident,
        member: Member,
        child: bool = False,
        why: str = "",
        result: TreeResult | None = None,
    ) -> None:
        raise NotImplementedError

    # --- allowing.py ---

    def _trust(self, inc: Incident) -> None:
        raise NotImplementedError

    def _withdraw_trust(self, inc: Incident) -> None:
        raise NotImplementedError

    # --- removals.py ---

    def _block(self, inc: Incident, reason: str = "") -> None:
        raise NotImplementedError

    def _finish_removals(self) -> None:
        raise NotImplementedError

    # --- membership.py ---

    def _incident_for(self, tool: ToolSignature, owner: str | None = None) -> tuple[Incident, bool]:
        raise NotImplementedError

    def _add_member(
        self, inc: Incident, proc: psutil.Process, info: ProcessInfo, role: str
    ) -> Member:
        raise NotImplementedError

    def _tracked(self, info: ProcessInfo, tool: ToolSignature | None = None) -> bool:
        raise NotImplementedError

    def _leave_other_incident(self, info: ProcessInfo, tool: ToolSignature) -> None:
        raise NotImplementedError

    def _untrack(self, pid: int) -> None:
        raise NotImplementedError

    def _frozen_pids(self, inc: Incident) -> set[int]:
        raise NotImplementedError

    def _mark(self, inc: Incident, result: TreeResult, done: MemberState) -> None:
        raise NotImplementedError

    def _related(self, root: psutil.Process) -> list[psutil.Process]:
        raise NotImplementedError

    def _get(self, incident_id: str) -> Incident:
        raise NotImplementedError

    def _forget(self, inc: Incident) -> None:
        raise NotImplementedError

    # --- switching.py ---

    def _turn_off(self, members: list[SwitchMember]) -> list[tuple[SwitchMember, str | None]]:
        raise NotImplementedError

    def _leave_switches_on(self, inc: Incident) -> None:
        raise NotImplementedError

    # --- exempt_rules.py ---

    def _exempt(self, proc: psutil.Process, root: bool = False) -> str | None:
        raise NotImplementedError

    def _spared(
        self,
        proc: psutil.Process | None,
        info: ProcessInfo,
        tool: ToolSignature,
        verdict: Identification,
    ) -> tuple[str | None, str | None, Identification]:
        raise NotImplementedError
