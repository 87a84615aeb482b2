"""Evidence and verdicts: what the identifier saw, and which tool (if any) it adds up to.

Evidence is kept even when it decides nothing (a generic name on its own, a protected system
name), because the person reading ``identify`` output or the warning's Details deserves to
know why something was, or was not, called a remote-access tool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guard.sigdb.model import ToolSignature

# How much each kind of evidence counts when two tools compete for the same target. Metadata
# beats names because renaming a file is the scammer's cheapest trick.
WEIGHTS: dict[str, int] = {
    "sha256": 100,
    "build-id": 90,
    "pe-version": 60,
    "signer": 55,
    "bundle-id": 50,
    "name": 40,
    "desktop-id": 35,
    "package": 35,
    "installer-name": 30,
    "install-path": 10,
    "generic-name": 5,
}
WEAK_KINDS = frozenset({"install-path", "generic-name"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observation about a target; ``tool_id`` is None for notes that point nowhere."""

    kind: str
    value: str
    detail: str
    tool_id: str | None = None

    @property
    def strong(self) -> bool:
        """Strong evidence identifies a tool alone; weak evidence needs a second, other kind."""
        return self.kind in WEIGHTS and self.kind not in WEAK_KINDS

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "tool": self.tool_id,
            "strong": self.strong,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Identification:
    """The verdict on one target: the tool (or None) and the evidence that decided it."""

    target: str
    tool: ToolSignature | None
    evidence: tuple[Evidence, ...] = ()
    path: str | None = None
    sha256: str | None = None
    facts: dict[str, str] = field(default_factory=dict)  # PE/bundle fields read, for Details

    @property
    def matched(self) -> bool:
        return self.tool is not None

    def to_json(self) -> dict[str, Any]:
        """The documented ``identify --json`` shape: target, tool, name, evidence."""
        return {
            "target": self.target,
            "tool": self.tool.id if self.tool else None,
            "name": self.tool.name if self.tool else None,
            "evidence": [e.to_json() for e in self.evidence],
        }


def decide(
    target: str, evidence: list[Evidence], tools: dict[str, ToolSignature], **extra: Any
) -> Identification:
    """Weigh the evidence per tool and pick the best-supported tool, if any is supported enough.

    A tool qualifies with one piece of strong evidence, or two weak pieces of different kinds
    (a generic name *and* the tool's install path). Among qualifying tools the highest total
    weight wins; the verdict keeps that tool's evidence plus the notes that point nowhere.
    """
    per_tool: dict[str, list[Evidence]] = {}
    notes: list[Evidence] = []
    for ev in evidence:
        if ev.tool_id is None:
            notes.append(ev)
        else:
            per_tool.setdefault(ev.tool_id, []).append(ev)
    best_id, best_score = None, 0
    for tool_id, evs in sorted(per_tool.items()):  # sorted: a tie goes to the same tool always
        qualifies = any(e.strong for e in evs) or len({e.kind for e in evs}) >= 2
        if not qualifies:
            continue
        score = sum(WEIGHTS.get(e.kind, 0) for e in evs)
        if score > best_score:
            best_id, best_score = tool_id, score
    if best_id is None:
        return Identification(target, None, tuple(evidence), **extra)
    return Identification(target, tools[best_id], tuple(per_tool[best_id] + notes), **extra)
